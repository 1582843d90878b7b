use super::*;
use crate::{Pipeline, Transcript, Word};

/// A document of one sentence whose words are the tokens of `text` (one Chinese character per
/// word, English words with their trailing space, as paraformer-v2 writes them), 100 ms each.
fn doc_with_words(text: &str) -> Transcription<'static> {
    let toks = plan::tokenize(text);
    let words: Vec<Word<'static>> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let b = Millis(i as u64 * 100);
            Word::new(b, b + Millis(100), t.text.to_string(), t.punct.to_string())
        })
        .collect();
    assert_eq!(crate::text::concat_words(&words), text);
    let s = Sentence::new(words).with_speaker(0);
    Transcription::new("a.wav", vec![Transcript::new(0, vec![s])])
}

fn doc_without_words(text: &str) -> Transcription<'static> {
    let s = Sentence::from_text(Millis(0), Millis(1000), text.to_string());
    Transcription::new("a.wav", vec![Transcript::new(0, vec![s])])
}

fn out(doc: &Transcription<'_>) -> String {
    doc.transcripts[0]
        .sentences
        .iter()
        .map(|s| s.text.to_string())
        .collect()
}

/// Runs the stage on the text as words and as a word-less sentence; both must agree.
fn run(stage: &DisfluencyRemover, text: &str) -> String {
    let mut a = doc_with_words(text);
    let mut b = doc_without_words(text);
    let p = Pipeline::builder().build();
    let _ = p;
    let mut r = Report::default();
    stage.process(&mut a, &mut r).unwrap();
    stage.process(&mut b, &mut r).unwrap();
    let (x, y) = (out(&a), out(&b));
    assert_eq!(x, y, "words vs text for {text:?}");
    assert_eq!(a.transcripts[0].text, x);
    for s in &a.transcripts[0].sentences {
        assert!(crate::text::sentence_matches_words(s));
    }
    x
}

fn light() -> DisfluencyRemover {
    DisfluencyRemover::new()
}
fn full() -> DisfluencyRemover {
    DisfluencyRemover::builder()
        .level(Level::Full)
        .build()
        .unwrap()
}
fn full_b() -> DisfluencyRemover {
    DisfluencyRemover::builder()
        .level(Level::Full)
        .backchannels(true)
        .build()
        .unwrap()
}
fn langs(l: &[Language], level: Level) -> DisfluencyRemover {
    DisfluencyRemover::builder()
        .languages(l.iter().copied())
        .level(level)
        .build()
        .unwrap()
}

#[test]
fn chinese_light() {
    let s = light();
    for (input, want) in [
        ("嗯，我们明天去。", "我们明天去。"),
        ("我们呃明天去。", "我们明天去。"),
        ("我我我觉得可以。", "我觉得可以。"),
        ("我我觉得可以。", "我觉得可以。"),
        ("额度不够。", "额度不够。"),
        ("这笔金额不对。", "这笔金额不对。"),
        ("额，金额不对。", "金额不对。"),
        ("好啊。", "好啊。"),
        ("是啊，我知道。", "是啊，我知道。"),
        ("啊，我知道。", "我知道。"),
        ("嗯。", "嗯。"),
        ("你看看吧。", "你看看吧。"),
        ("谢谢，妈妈。", "谢谢，妈妈。"),
        ("电话是八八八八八。", "电话是八八八八八。"),
        ("我们去吧嗯。", "我们去吧。"),
        ("我们去，嗯。", "我们去。"),
        ("我们我们去吧。", "我们去吧。"),
        ("研究研究再说。", "研究研究再说。"),
        ("对对对，我知道。", "对对对，我知道。"),
        ("那个订单呢？", "那个订单呢？"),
        ("他们在呐喊。", "他们在呐喊。"),
        ("的的的的的。", "的。"),
        ("就就就是这样。", "就是这样。"),
        ("就就是这样。", "就就是这样。"),
    ] {
        assert_eq!(run(&s, input), want, "{input}");
    }
}

#[test]
fn chinese_full() {
    let s = full();
    for (input, want) in [
        ("那个，我们明天去。", "我们明天去。"),
        ("那个订单呢？", "那个订单呢？"),
        ("就是他。", "就是他。"),
        ("嗯，就是说，我们去。", "我们去。"),
        ("嗯。", ""),
        ("对，我知道。", "对，我知道。"),
        ("然后我们走了。", "然后我们走了。"),
    ] {
        assert_eq!(run(&s, input), want, "{input}");
    }
    let s = full_b();
    for (input, want) in [
        ("对，我知道。", "我知道。"),
        ("对他说。", "对他说。"),
        ("对。", "对。"),
        ("嗯，对。", "对。"),
        ("好的，我们走吧。", "我们走吧。"),
    ] {
        assert_eq!(run(&s, input), want, "{input}");
    }
}

#[test]
fn english() {
    let s = light();
    for (input, want) in [
        ("Um, I think so.", "I think so."),
        ("I I think so.", "I think so."),
        ("The the data is here.", "The data is here."),
        ("I think um.", "I think."),
        ("We uh went home.", "We went home."),
        ("Uh-uh, I did not.", "Uh-uh, I did not."),
        ("Bye bye.", "Bye bye."),
        ("No no no.", "No no no."),
        ("It is two two five.", "It is two two five."),
        ("I think I think it works.", "I think it works."),
        ("I w- went home.", "I went home."),
        ("Ummm, yes.", "Yes."),
        ("The ER is full.", "The ER is full."),
        ("H&M is open.", "H&M is open."),
        ("the the the the end.", "the end."),
        ("It was, um, great.", "It was great."),
    ] {
        assert_eq!(run(&s, input), want, "{input}");
    }
    let s = full();
    for (input, want) in [
        ("You know, I like it.", "I like it."),
        ("I was like, okay.", "I was like, okay."),
        ("Well, it went well.", "It went well."),
        ("So, um, we start.", "We start."),
        ("I mean it.", "I mean it."),
    ] {
        assert_eq!(run(&s, input), want, "{input}");
    }
}

#[test]
fn german_french_russian() {
    let de = langs(&[Language::De], Level::Full);
    for (input, want) in [
        ("Äh, wir kommen um acht Uhr.", "Wir kommen um acht Uhr."),
        ("Er sagt, äh, nein.", "Er sagt nein."),
        ("Also, wir gehen.", "Wir gehen."),
    ] {
        assert_eq!(run(&de, input), want, "{input}");
    }
    let en_de = langs(&[Language::En, Language::De], Level::Light);
    assert_eq!(run(&en_de, "Um acht Uhr."), "Um acht Uhr.");
    assert_eq!(run(&en_de, "Uh, we go."), "We go.");
    let fr = langs(&[Language::Fr], Level::Full);
    for (input, want) in [
        ("Euh, je pense que oui.", "Je pense que oui."),
        ("C'est quoi ?", "C'est quoi ?"),
        ("Du coup, on y va.", "On y va."),
    ] {
        assert_eq!(run(&fr, input), want, "{input}");
    }
    let ru = langs(&[Language::Ru], Level::Full);
    for (input, want) in [
        ("Э, я думаю.", "Я думаю."),
        ("Ну, вот, я пришёл.", "Я пришёл."),
        ("Вот дом.", "Вот дом."),
        ("Это это дом.", "Это дом."),
    ] {
        assert_eq!(run(&ru, input), want, "{input}");
    }
}

#[test]
fn japanese_korean() {
    let ja = langs(&[Language::Ja], Level::Full);
    for (input, want) in [
        ("えーと、今日は晴れです。", "今日は晴れです。"),
        ("あの人は先生です。", "あの人は先生です。"),
        ("あの、すみません。", "すみません。"),
        ("そうそう。", "そうそう。"),
    ] {
        assert_eq!(run(&ja, input), want, "{input}");
    }
    let ko = langs(&[Language::Ko], Level::Full);
    for (input, want) in [
        ("음, 제 생각에는 좋아요.", "제 생각에는 좋아요."),
        ("그 사람이 왔어요.", "그 사람이 왔어요."),
        ("그, 뭐, 좋아요.", "좋아요."),
        ("네네.", "네네."),
    ] {
        assert_eq!(run(&ko, input), want, "{input}");
    }
}

#[test]
fn no_cross_language() {
    // Only German hinted: the English list does not apply.
    let de = langs(&[Language::De], Level::Light);
    assert_eq!(run(&de, "Um, I think."), "Um, I think.");
    // Only Chinese hinted: English fillers stay.
    let zh = langs(&[Language::Zh], Level::Light);
    assert_eq!(run(&zh, "um 我们去。"), "um 我们去。");
}

#[test]
fn user_lists() {
    let mut b = DisfluencyRemover::builder();
    b.fillers("# test\nen hesitation uhm-hm\n-en hmm\nzh a 那么那么\n")
        .unwrap();
    let s = b.build().unwrap();
    assert_eq!(run(&s, "Hmm, uhm-hm, yes."), "Hmm, yes.");
    let err = DisfluencyRemover::builder()
        .fillers("en\nxx hesitation um")
        .unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    assert!(DisfluencyRemover::builder().fillers("xx a b").is_err());
    assert!(Language::parse_list("zh,xx").is_err());
    assert_eq!(
        Language::parse_list("zh, EN,ja-JP").unwrap(),
        [Language::Zh, Language::En, Language::Ja]
    );
}

#[test]
fn timestamps_and_tagging() {
    let mut doc = doc_with_words("嗯，我我觉得好。");
    let before: Vec<_> = doc.transcripts[0].sentences[0]
        .words
        .iter()
        .map(|w| (w.begin_time, w.end_time))
        .collect();
    let mut r = Report::default();
    light().process(&mut doc, &mut r).unwrap();
    let s = &doc.transcripts[0].sentences[0];
    assert_eq!(s.text, "我觉得好。");
    assert_eq!((s.begin_time, s.end_time), (Millis(200), Millis(600)));
    for w in &s.words {
        assert!(before.contains(&(w.begin_time, w.end_time)));
    }
    let st = r.get("disfluency").unwrap();
    assert_eq!(st.counters["hesitation"], 1);
    assert_eq!(st.counters["repetition"], 1);
    let removed: Vec<_> = st.events.iter().filter(|e| e.kind == "removed").collect();
    assert_eq!(removed[0].begin, Some(Millis(0)));
    let summary = st
        .events
        .iter()
        .find(|e| e.kind == "speaker-summary")
        .unwrap();
    let d = summary.detail.as_ref().unwrap();
    assert_eq!(d["speaker"], 0);
    assert_eq!(d["total"], 2);
    assert_eq!(d["by_word"]["嗯"], 1);

    // Tag mode keeps the text and marks the words.
    let mut doc = doc_with_words("嗯，我我觉得好。");
    let json = doc.to_json();
    let tag = DisfluencyRemover::builder()
        .mode(Mode::Tag)
        .build()
        .unwrap();
    let mut r = Report::default();
    tag.process(&mut doc, &mut r).unwrap();
    let s = &doc.transcripts[0].sentences[0];
    assert_eq!(s.text, "嗯，我我觉得好。");
    assert_eq!(
        s.words[0].extra().get_value("disfluency").unwrap()["kind"],
        "hesitation"
    );
    assert!(s.words[3].extra().get_value("disfluency").is_none());
    assert_ne!(doc.to_json(), json);
    assert_eq!(r.counter("disfluency", "tagged-words"), 2);

    // Off is byte-identical.
    let mut doc = doc_with_words("嗯，我我觉得好。");
    let json = doc.to_json();
    let off = DisfluencyRemover::builder()
        .mode(Mode::Off)
        .build()
        .unwrap();
    off.process(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(doc.to_json(), json);
}

#[test]
fn empty_sentence_dropped() {
    let s1 = Sentence::new(vec![Word::new(Millis(0), Millis(100), "嗯", "。")]);
    let s2 = Sentence::new(vec![
        Word::new(Millis(200), Millis(300), "好", ""),
        Word::new(Millis(300), Millis(400), "的", "。"),
    ]);
    let mut doc = Transcription::new("a", vec![Transcript::new(0, vec![s1, s2])]);
    let mut r = Report::default();
    full().process(&mut doc, &mut r).unwrap();
    assert_eq!(doc.transcripts[0].sentences.len(), 1);
    assert_eq!(doc.transcripts[0].text, "好的。");
    assert_eq!(r.counter("disfluency", "dropped-sentences"), 1);
}

#[test]
fn untouched_stays_borrowed() {
    let json = r#"{"transcripts":[{"text":"我们去。","sentences":[{"begin_time":0,"end_time":200,"text":"我们去。","words":[
        {"begin_time":0,"end_time":100,"text":"我们","punctuation":""},
        {"begin_time":100,"end_time":200,"text":"去","punctuation":"。"}]}]}]}"#;
    let mut doc = Transcription::from_str(json).unwrap();
    full_b().process(&mut doc, &mut Report::default()).unwrap();
    assert!(matches!(doc.transcripts[0].text, Cow::Borrowed(_)));
    assert!(matches!(
        doc.transcripts[0].sentences[0].text,
        Cow::Borrowed(_)
    ));
}

#[test]
fn fun_asr_spacing() {
    // Fun-ASR puts spaces before words.
    let words = vec![
        Word::new(Millis(0), Millis(100), "Um", ","),
        Word::new(Millis(100), Millis(200), " hello", ""),
        Word::new(Millis(200), Millis(300), " world", "."),
    ];
    let mut doc = Transcription::new("a", vec![Transcript::new(0, vec![Sentence::new(words)])]);
    light().process(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(doc.transcripts[0].sentences[0].text, "Hello world.");
}

#[test]
fn punctuation_words() {
    // Punctuation as its own word, and multi-character words.
    let words = vec![
        Word::new(Millis(0), Millis(100), "呃", ""),
        Word::new(Millis(100), Millis(200), "，", ""),
        Word::new(Millis(200), Millis(300), "额度", ""),
        Word::new(Millis(300), Millis(400), "够", "。"),
    ];
    let mut doc = Transcription::new("a", vec![Transcript::new(0, vec![Sentence::new(words)])]);
    light().process(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(doc.transcripts[0].sentences[0].text, "额度够。");
}

#[test]
fn parallel_equals_sequential() {
    let mut sentences = Vec::new();
    for i in 0..1200u64 {
        let text = [
            "嗯，我我觉得好。",
            "Um, I I think.",
            "那个，就是这样。",
            "好的。",
        ][i as usize % 4];
        let mut d = doc_with_words(text);
        let mut s = d.transcripts[0].sentences.remove(0);
        for w in &mut s.words {
            w.begin_time = w.begin_time + Millis(i * 10_000);
            w.end_time = w.end_time + Millis(i * 10_000);
        }
        s.fit_bounds_to_words();
        sentences.push(s.with_speaker((i % 3) as i64));
    }
    let doc = Transcription::new("a", vec![Transcript::new(0, sentences)]);
    let run = |parallel| {
        let mut d = doc.clone();
        let stage = DisfluencyRemover::builder()
            .level(Level::Full)
            .parallel(parallel)
            .build()
            .unwrap();
        let mut r = Report::default();
        stage.process(&mut d, &mut r).unwrap();
        (d.to_json(), r)
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn reused_plans_leave_nothing_behind() {
    // The planner reuses its vectors (and a plan's) from sentence to sentence on a thread:
    // each sentence must come out as it does on a fresh thread, whatever ran before it.
    let texts = [
        "嗯，我我觉得好。",
        "Um, I I think, uh, that was, um, great.",
        "那个，就是这样。",
        "嗯。",
        "他说：“嗯。”然后呢，呃，走了。",
        "好的。",
        "So, um, you know, w- went home.",
        "哈哈哈哈哈，对对对对。",
    ];
    let one = |stage: &DisfluencyRemover, text: &str, words: bool| {
        let mut d = if words {
            doc_with_words(text)
        } else {
            doc_without_words(text)
        };
        let mut r = Report::default();
        stage.process(&mut d, &mut r).unwrap();
        (d.to_json(), r.to_json())
    };
    let stages = || {
        [Mode::Remove, Mode::Tag].map(|mode| {
            DisfluencyRemover::builder()
                .mode(mode)
                .level(Level::Full)
                .backchannels(true)
                .build()
                .unwrap()
        })
    };
    for words in [true, false] {
        for (k, stage) in stages().iter().enumerate() {
            let fresh: Vec<_> = texts
                .iter()
                .map(|t| {
                    let t = t.to_string();
                    std::thread::spawn(move || one(&stages()[k], &t, words))
                        .join()
                        .unwrap()
                })
                .collect();
            for order in [false, true] {
                for i in 0..texts.len() {
                    let i = if order { texts.len() - 1 - i } else { i };
                    assert_eq!(one(stage, texts[i], words), fresh[i], "{:?}", texts[i]);
                }
            }
        }
    }
}

/// The four configurations the soundness tests compare: tag and remove, light and full, all
/// languages, each with and without the scan's shortcuts (the prefilter).
fn prefilter_pairs() -> Vec<(String, DisfluencyRemover, DisfluencyRemover)> {
    let mut out = Vec::new();
    for mode in [Mode::Tag, Mode::Remove] {
        for level in [Level::Light, Level::Full] {
            let build = || {
                DisfluencyRemover::builder()
                    .mode(mode)
                    .level(level)
                    .languages(Language::ALL)
                    .parallel(false)
                    .build()
                    .unwrap()
            };
            out.push((
                format!("{mode:?} {level:?}"),
                build(),
                build().without_prefilter(),
            ));
        }
    }
    out
}

/// Skipping a sentence never changes the output: the document and report are the same with
/// and without the scan's shortcuts.
fn assert_prefilter_sound(
    pairs: &[(String, DisfluencyRemover, DisfluencyRemover)],
    doc: &Transcription<'_>,
) {
    for (name, with, without) in pairs {
        let run = |stage: &DisfluencyRemover| {
            let mut d = doc.clone();
            let mut r = Report::default();
            stage.process(&mut d, &mut r).unwrap();
            (d.to_json(), r)
        };
        assert_eq!(run(with), run(without), "{name}: {}", doc.to_json());
    }
}

fn doc_of_words(words: &[(&str, &str)]) -> Transcription<'static> {
    let words: Vec<Word<'static>> = words
        .iter()
        .enumerate()
        .map(|(i, (t, p))| {
            let b = Millis(i as u64 * 100);
            Word::new(b, b + Millis(100), t.to_string(), p.to_string())
        })
        .collect();
    Transcription::new("a", vec![Transcript::new(0, vec![Sentence::new(words)])])
}

#[test]
fn repeats_through_a_removed_filler_are_found_with_the_shortcuts() {
    let pairs = prefilter_pairs();
    // A run or a repeated phrase of one to three tokens on both sides of a filler (or two),
    // at several distances from the sentence's ends and with punctuation next to the gap: the
    // shortcut looks at the five tokens on each side of the gap only.
    let phrases: &[&[&str]] = &[
        &["我"],
        &["我", "们"],
        &["这", "个", "我"],
        &["I "],
        &["you ", "see "],
        &["go ", "to ", "the "],
    ];
    let others = ["好", "去", "well "];
    let fillers: &[&[&str]] = &[&["嗯"], &["um "], &["嗯", "呃"]];
    for phrase in phrases {
        for filler in fillers {
            for (before, after) in [(0, 0), (1, 0), (0, 2), (3, 4), (6, 6)] {
                for comma in [false, true] {
                    let mut words: Vec<(&str, &str)> = Vec::new();
                    words.extend((0..before).map(|i| (others[i % 3], "")));
                    words.extend(phrase.iter().map(|w| (*w, "")));
                    if comma {
                        words.last_mut().unwrap().1 = "，";
                    }
                    words.extend(filler.iter().map(|w| (*w, "")));
                    words.extend(phrase.iter().map(|w| (*w, "")));
                    words.extend((0..after).map(|i| (others[(i + 1) % 3], "")));
                    assert_prefilter_sound(&pairs, &doc_of_words(&words));
                }
            }
        }
    }
    // And what it finds: `我们嗯我们去` reads `我们去`.
    let mut doc = doc_of_words(&[
        ("我", ""),
        ("们", ""),
        ("嗯", ""),
        ("我", ""),
        ("们", ""),
        ("去", "。"),
    ]);
    light().process(&mut doc, &mut Report::default()).unwrap();
    assert_eq!(doc.transcripts[0].sentences[0].text, "我们去。");
}

#[test]
fn repeats_across_punctuation_words_and_spellings_need_no_other_finding() {
    let pairs = prefilter_pairs();
    // (words, the sentence in remove light): the same however the rest of the sentence looks.
    let cases: &[(&[(&str, &str)], &str)] = &[
        // A comma between the copies is a pause in the stutter, as when the comma is the
        // punctuation of the first word (`我，我觉得`): collapsed.
        (
            &[
                ("我", ""),
                ("，", ""),
                ("我", ""),
                ("觉得", ""),
                ("好", "。"),
            ],
            "我觉得好。",
        ),
        (
            &[("我", "，"), ("我", ""), ("觉得", ""), ("好", "。")],
            "我觉得好。",
        ),
        // Terminal punctuation between them is a sentence break: kept.
        (
            &[
                ("我", ""),
                ("。", ""),
                ("我", ""),
                ("觉得", ""),
                ("好", "。"),
            ],
            "我。我觉得好。",
        ),
        (
            &[("gooo ", ""), ("goooo ", ""), ("home", ".")],
            "goooo home.",
        ),
        (
            &[("Gooo ", ""), ("GOOOO ", ""), ("home", ".")],
            "GOOOO home.",
        ),
        // `sooo` is `so`, whose repeat is kept (`so so`).
        (
            &[("sooo ", ""), ("soooo ", ""), ("good", ".")],
            "sooo soooo good.",
        ),
        (
            &[("the ", ""), (",", " "), ("the ", ""), ("cat", ".")],
            "the cat.",
        ),
        (&[("Мы ", ""), ("МЫ ", ""), ("идём", ".")], "МЫ идём."),
        (
            &[
                ("I ", ""),
                ("think ", ""),
                ("，", ""),
                ("I ", ""),
                ("think ", ""),
                ("so", "."),
            ],
            "I think so.",
        ),
    ];
    for (words, want) in cases {
        let doc = doc_of_words(words);
        assert_prefilter_sound(&pairs, &doc);
        let mut d = doc.clone();
        light().process(&mut d, &mut Report::default()).unwrap();
        let got = out(&d);
        // With a filler elsewhere in the sentence, the same result around it.
        let mut more = words.to_vec();
        more.insert(0, ("嗯", "，"));
        let mut e = doc_of_words(&more);
        light().process(&mut e, &mut Report::default()).unwrap();
        assert_eq!(got, *want, "{words:?}");
        assert_eq!(out(&e), *want, "{more:?}");
    }
}

#[cfg(feature = "testing")]
mod soundness {
    use super::*;
    use proptest::prelude::*;

    /// Words that hit the planner's repeat cases without a filler: stutters, punctuation
    /// words, stretched and differently cased spellings, fragments, protected repeats. Few
    /// enough that neighbours are often equal.
    const WORDS: &[&str] = &[
        "我", "这", "就", "好", "我们", "谢谢", "哈哈", "，", "。", "、", ",", ".", " ", "", "“",
        "I ", "i ", "the ", "The ", "sooo ", "so ", "gooo ", "GOOOO ", "go ", "w- ", "went ",
        "Don’t ", "don't ", "two ", "8", "ER ", "er ", "Мы ", "МЫ ", "ЭЭЭ ", "ээ ",
    ];
    /// Fillers, drawn less often: a sentence with one goes to the planner anyway.
    const FILLERS: &[&str] = &[
        "嗯", "呃", "那个", "um ", "Uhhh ", "like ", "ну ", "äh ", "えー", "음 ",
    ];
    const PUNCT: &[&str] = &["", "", "", "", "，", "。", ", ", ". ", " "];

    fn word() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            12 => (0..WORDS.len()).prop_map(|i| WORDS[i]),
            1 => (0..FILLERS.len()).prop_map(|i| FILLERS[i]),
        ]
    }

    fn word_doc() -> impl Strategy<Value = Transcription<'static>> {
        let sentence = prop::collection::vec((word(), 0..PUNCT.len()), 0..10);
        (prop::collection::vec(sentence, 1..6), any::<bool>()).prop_map(|(ss, text_only)| {
            let mut t = 0u64;
            let sentences = ss
                .into_iter()
                .map(|ws| {
                    let words: Vec<Word<'static>> = ws
                        .into_iter()
                        .map(|(w, p)| {
                            t += 100;
                            Word::new(Millis(t), Millis(t + 90), w, PUNCT[p])
                        })
                        .collect();
                    let s = Sentence::new(words);
                    if text_only {
                        Sentence::from_text(s.begin_time, s.end_time, s.text.to_string())
                    } else {
                        s
                    }
                })
                .collect();
            Transcription::new("a", vec![Transcript::new(0, sentences)])
        })
    }

    static PAIRS: std::sync::LazyLock<Vec<(String, DisfluencyRemover, DisfluencyRemover)>> =
        std::sync::LazyLock::new(prefilter_pairs);

    proptest! {
        #[test]
        fn prefilter_is_sound_on_generated_documents(
            doc in crate::testing::strategy::transcription()
        ) {
            assert_prefilter_sound(&PAIRS, &doc);
        }

        #[test]
        fn prefilter_is_sound_on_word_lists(doc in word_doc()) {
            assert_prefilter_sound(&PAIRS, &doc);
        }
    }

    #[test]
    fn prefilter_is_sound_on_the_synthetic_hour_and_the_samples() {
        let pairs = prefilter_pairs();
        let hour =
            crate::testing::synthetic::generate(&crate::testing::synthetic::SyntheticOptions {
                minutes: 60.0,
                ..Default::default()
            });
        assert_prefilter_sound(&pairs, &Transcription::from_str(&hour).unwrap());
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
        let mut samples = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let json = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            if let Ok(doc) = Transcription::from_str(&json) {
                if !doc.transcripts.is_empty() {
                    assert_prefilter_sound(&pairs, &doc);
                    samples += 1;
                }
            }
        }
        assert!(samples >= 3, "{samples} samples");
    }
}

#[test]
fn speaker_stats_detail_is_its_serde_form() {
    let mut st = SpeakerStats {
        channel: 1,
        speaker: Some(3),
        talk_ms: 90_000,
        total: 7,
        per_minute: 7.0 * 60_000.0 / 90_000.0,
        ..SpeakerStats::default()
    };
    st.by_kind.insert("hesitation".into(), 5);
    st.by_kind.insert("repetition".into(), 2);
    st.by_word.insert("嗯".into(), 4);
    st.by_word.insert("um \"x\"".into(), 3);
    for st in [st, SpeakerStats::default()] {
        let serde_json::Value::Object(map) = serde_json::to_value(&st).unwrap() else {
            panic!("an object");
        };
        let direct = Detail::from(st);
        assert_eq!(direct, Detail::from(map.clone()));
        assert_eq!(
            serde_json::to_string(&direct).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
    }
}

#[test]
fn totals_have_a_slot_per_counter() {
    let counts = Counts {
        by_kind: [1, 2, 0, 4, 5],
        removed_words: 6,
        tagged_words: 0,
        dropped_sentences: 8,
    };
    assert_eq!(Totals::default().0.len(), counts.named().count());
    let totals = Totals::default();
    totals.add(&counts);
    totals.add(&counts);
    let mut r = StageReport::new("disfluency");
    totals.write(&mut r);
    let want: Vec<(String, u64)> = counts
        .named()
        .filter(|&(_, n)| n > 0)
        .map(|(k, n)| (k.to_string(), 2 * n))
        .collect();
    let mut got: Vec<(String, u64)> = r.counters.into_iter().collect();
    got.sort_by_key(|(k, _)| want.iter().position(|(w, _)| w == k));
    assert_eq!(got, want);
}

#[test]
fn event_texts_are_their_words_and_share_built_in_entries() {
    // One-word hits with and without punctuation, blank punctuation, spaces, other spellings
    // of an entry, a repetition and a two-word marker.
    let words = [
        ("嗯", ""),
        ("我", ""),
        ("我", ""),
        ("觉得", "，"),
        ("呃", "，"),
        ("那个", ""),
        ("um ", " "),
        ("Um", ""),
        (" uh", ""),
        ("ummm", " "),
        ("you ", ""),
        ("know", ","),
        ("we ", ""),
        ("go", "."),
    ];
    for stage in [
        full(),
        DisfluencyRemover::builder()
            .mode(Mode::Tag)
            .level(Level::Full)
            .build()
            .unwrap(),
    ] {
        let mut doc = doc_of_words(&words);
        let mut r = Report::default();
        stage.process(&mut doc, &mut r).unwrap();
        let mut shared = 0;
        let findings = r
            .events()
            .filter(|e| matches!(e.kind.as_ref(), "removed" | "tagged"));
        for e in findings {
            let (a, b) = e.words.unwrap();
            let want: String = words[a..b].iter().flat_map(|(t, p)| [*t, *p]).collect();
            let text = e.text.as_ref().unwrap();
            assert_eq!(text, want.trim(), "{e:?}");
            if let Cow::Borrowed(_) = text {
                assert_eq!(e.detail.as_ref().unwrap()["entry"], text.as_ref());
                shared += 1;
            }
        }
        // `嗯`, `那个`, `um ` + ` `, ` uh`: built-in entries, not copied.
        assert_eq!(shared, 4, "{:?}", r.to_json());
    }
}
