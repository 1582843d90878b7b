//! The disfluency stage: tables per language with every pitfall of the issue, repair, report,
//! tag and off modes, real samples, and property tests.

use asrpost::stages::disfluency::{DisfluencyRemover, Language, Level, Mode, Tier};
use asrpost::text::{Script, sentence_matches_words};
use asrpost::{Millis, Pipeline, Report, Sentence, Transcript, Transcription, Word};

/// Words the way paraformer-v2 writes them: one Chinese or Japanese character per word, other
/// words with their trailing space, punctuation (and the space after it) as the word's
/// punctuation. 100 ms per word from 1000 ms.
fn words(text: &str) -> Vec<Word<'static>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<(String, String)>| {
        if !cur.is_empty() {
            out.push((std::mem::take(cur), String::new()));
        }
    };
    for c in text.chars() {
        let s = Script::of(c);
        let is_joiner = matches!(c, '-' | '\'' | '&') && !cur.is_empty();
        if matches!(s, Script::Punctuation) && !is_joiner {
            flush(&mut cur, &mut out);
            match out.last_mut() {
                Some(last) => last.1.push(c),
                None => out.push((c.to_string(), String::new())),
            }
        } else if s == Script::Space {
            if cur.is_empty() {
                match out.last_mut() {
                    Some(last) if !last.1.is_empty() => last.1.push(c),
                    Some(last) => last.0.push(c),
                    None => {}
                }
            } else {
                cur.push(c);
                flush(&mut cur, &mut out);
            }
        } else if matches!(s, Script::Han | Script::Kana) && c != 'ー' {
            flush(&mut cur, &mut out);
            cur.push(c);
        } else if c == 'ー' {
            cur.push(c);
        } else {
            if cur
                .chars()
                .next()
                .is_some_and(|d| matches!(Script::of(d), Script::Han | Script::Kana))
            {
                flush(&mut cur, &mut out);
            }
            cur.push(c);
        }
    }
    flush(&mut cur, &mut out);
    out.into_iter()
        .enumerate()
        .map(|(i, (t, p))| {
            let b = Millis(1000 + 100 * i as u64);
            Word::new(b, b + Millis(100), t, p)
        })
        .collect()
}

fn doc(sentences: &[&str], with_words: bool) -> Transcription<'static> {
    let mut t = 0u64;
    let sentences: Vec<Sentence<'static>> = sentences
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut ws = words(text);
            for w in &mut ws {
                w.begin_time = w.begin_time + Millis(t);
                w.end_time = w.end_time + Millis(t);
            }
            t += 10_000;
            let s = Sentence::new(ws.clone())
                .with_id(i as u64 + 1)
                .with_speaker(i as i64 % 2);
            assert_eq!(s.text, *text, "test helper tokenization");
            if with_words {
                s
            } else {
                Sentence::from_text(s.begin_time, s.end_time, text.to_string())
                    .with_id(i as u64 + 1)
                    .with_speaker(i as i64 % 2)
            }
        })
        .collect();
    Transcription::new("a.wav", vec![Transcript::new(0, sentences)])
}

/// Which lists and level a table row runs with.
#[derive(Clone, Copy)]
struct Cfg {
    languages: &'static [Language],
    level: Level,
    backchannels: bool,
}

const ZH_EN: &[Language] = &[Language::Zh, Language::En];

impl Cfg {
    const fn new(languages: &'static [Language], level: Level) -> Cfg {
        Cfg {
            languages,
            level,
            backchannels: false,
        }
    }
    const fn backchannels(mut self) -> Cfg {
        self.backchannels = true;
        self
    }
    fn build(&self) -> DisfluencyRemover {
        DisfluencyRemover::builder()
            .languages(self.languages.iter().copied())
            .level(self.level)
            .backchannels(self.backchannels)
            .build()
            .unwrap()
    }
}

/// Runs the stage on one sentence, with words and without; both must give the same text, the
/// text identities must hold, and kept words keep their timestamps.
/// Runs one disfluency stage over `doc`.
fn run(stage: DisfluencyRemover, doc: &mut Transcription<'_>) -> Report {
    Pipeline::builder().stage(stage).build().run(doc).unwrap()
}

fn clean(cfg: Cfg, text: &str) -> String {
    let mut results = Vec::new();
    for with_words in [true, false] {
        let mut d = doc(&[text], with_words);
        let before: Vec<(Millis, Millis)> = d.transcripts[0].sentences[0]
            .words
            .iter()
            .map(|w| (w.begin_time, w.end_time))
            .collect();
        run(cfg.build(), &mut d);
        let t = &d.transcripts[0];
        let got: String = t.sentences.iter().map(|s| s.text.to_string()).collect();
        assert_eq!(t.text, got, "transcript text identity");
        for s in &t.sentences {
            if with_words {
                assert!(sentence_matches_words(s), "sentence text identity: {s:?}");
                assert_eq!(s.begin_time, s.words[0].begin_time);
                assert_eq!(s.end_time, s.words.last().unwrap().end_time);
                for w in &s.words {
                    assert!(
                        before.contains(&(w.begin_time, w.end_time)),
                        "timestamps moved"
                    );
                }
            }
        }
        results.push(got);
    }
    assert_eq!(
        results[0], results[1],
        "words and text-only disagree on {text:?}"
    );
    results.remove(0)
}

fn table(cfg: Cfg, rows: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (input, want) in rows {
        let got = clean(cfg, input);
        if got != *want {
            failures.push(format!("{input:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const LIGHT: Cfg = Cfg::new(ZH_EN, Level::Light);
const FULL: Cfg = Cfg::new(ZH_EN, Level::Full);

#[test]
fn chinese_hesitations_and_pitfalls() {
    table(
        LIGHT,
        &[
            ("嗯，我们明天去。", "我们明天去。"),
            ("呃，这个，呃，我们再看。", "这个，我们再看。"),
            ("我们呃明天去。", "我们明天去。"),
            // 额 is a real morpheme: 额度, 金额, 额外, 名额.
            ("额度不够。", "额度不够。"),
            ("这笔金额不对。", "这笔金额不对。"),
            ("额外的名额。", "额外的名额。"),
            ("额，你的余额不足。", "你的余额不足。"),
            // Sentence-final particles stay.
            ("好啊。", "好啊。"),
            ("是啊，对啊。", "是啊，对啊。"),
            ("我们走吧。", "我们走吧。"),
            ("啊，我想起来了。", "我想起来了。"),
            // A sentence that is only 嗯 is an answer.
            ("嗯。", "嗯。"),
            ("嗯嗯。", "嗯嗯。"),
            ("呐喊。", "呐喊。"),
            ("哎呀，太好了。", "哎呀，太好了。"),
            // Trailing filler: its full stop moves to the word before.
            ("我们去嗯。", "我们去。"),
            ("我们去，嗯。", "我们去。"),
            // No orphan or doubled commas.
            ("我们，嗯，去吧。", "我们，去吧。"),
            ("嗯，，我们去。", "我们去。"),
            // Quotations: closing marks stay; a quoted answer stays.
            ("他说：“好的，嗯。”然后走了。", "他说：“好的。”然后走了。"),
            ("我说：“嗯。”", "我说：“嗯。”"),
            ("“嗯，谁干的？", "“谁干的？"),
        ],
    );
}

#[test]
fn chinese_repetitions() {
    table(
        LIGHT,
        &[
            ("我我我觉得可以。", "我觉得可以。"),
            ("我我觉得可以。", "我觉得可以。"),
            ("这这这个问题。", "这个问题。"),
            ("我们我们明天去。", "我们明天去。"),
            ("这个这个问题。", "这个问题。"),
            // Reduplication stays.
            ("你看看吧。", "你看看吧。"),
            ("谢谢你。", "谢谢你。"),
            ("妈妈来了。", "妈妈来了。"),
            ("天天都忙。", "天天都忙。"),
            ("我们研究研究。", "我们研究研究。"),
            ("高高兴兴的。", "高高兴兴的。"),
            ("哈哈，好的。", "哈哈，好的。"),
            ("对对对，是这样。", "对对对，是这样。"),
            // Digit strings stay, even as long runs.
            ("电话是八八八。", "电话是八八八。"),
            ("号码幺三八八八八。", "号码幺三八八八八。"),
            ("订单号是12345。", "订单号是12345。"),
            // A loop of a function word collapses.
            ("的的的的的。", "的。"),
        ],
    );
}

#[test]
fn chinese_markers_and_backchannels() {
    table(
        FULL,
        &[
            ("那个，我们明天去。", "我们明天去。"),
            ("那个订单呢？", "那个订单呢？"),
            ("这个问题很难。", "这个问题很难。"),
            ("就是他。", "就是他。"),
            ("嗯，就是说，我们去。", "我们去。"),
            ("然后我们走了。", "然后我们走了。"),
            // Full drops a sentence that is only a hesitation.
            ("嗯。", ""),
            // Backchannels are off by default.
            ("对，我知道。", "对，我知道。"),
        ],
    );
    table(
        FULL.backchannels(),
        &[
            ("对，我知道。", "我知道。"),
            ("对他说。", "对他说。"),
            ("对。", "对。"),
            ("嗯，对。", "对。"),
            ("好的，我们走吧。", "我们走吧。"),
            ("是的。", "是的。"),
        ],
    );
}

#[test]
fn english() {
    table(
        LIGHT,
        &[
            ("Um, I think so.", "I think so."),
            ("We uh went home.", "We went home."),
            ("I think um.", "I think."),
            ("It was, um, great.", "It was great."),
            ("Ummm, yes.", "Yes."),
            ("I I think so.", "I think so."),
            ("The the data is here.", "The data is here."),
            ("I think I think it works.", "I think it works."),
            ("I w- went home.", "I went home."),
            // "No" answers and grammatical repeats stay.
            ("Uh-uh, I did not.", "Uh-uh, I did not."),
            ("Mm-mm.", "Mm-mm."),
            ("Bye bye.", "Bye bye."),
            ("No no no.", "No no no."),
            ("It is very very good.", "It is very very good."),
            ("I think that that is right.", "I think that that is right."),
            // Digits and spelled letters.
            ("It is two two five.", "It is two two five."),
            ("Call 555 555.", "Call 555 555."),
            ("A B B C.", "A B B C."),
            // Acronyms and names.
            ("The ER is full.", "The ER is full."),
            ("H&M is open.", "H&M is open."),
            // A loop.
            ("the the the the end.", "the end."),
            ("Um.", "Um."),
        ],
    );
    table(
        FULL,
        &[
            ("You know, I like it.", "I like it."),
            ("I think, you know, it works.", "I think it works."),
            ("I was like, okay.", "I was like, okay."),
            ("It is kind of blue.", "It is kind of blue."),
            ("Well, it went well.", "It went well."),
            ("So, um, we start.", "We start."),
            ("I mean it.", "I mean it."),
            (
                "Okay, um, so, you know, I mean, it works.",
                "Okay, it works.",
            ),
            ("So we start.", "So we start."),
            ("Um.", ""),
        ],
    );
    table(
        FULL.backchannels(),
        &[
            ("Yeah, I think so.", "I think so."),
            ("Yeah.", "Yeah."),
            ("Yeah, yeah, yeah.", "Yeah, yeah, yeah."),
            ("I said: \"Yeah.\"", "I said: \"Yeah.\""),
            ("Turn right here.", "Turn right here."),
        ],
    );
}

#[test]
fn japanese() {
    let cfg = Cfg::new(&[Language::Ja], Level::Full);
    table(
        cfg,
        &[
            ("えーと、今日は晴れです。", "今日は晴れです。"),
            ("えー、それは、あのー、違います。", "それは、違います。"),
            ("あの人は先生です。", "あの人は先生です。"),
            ("その件は後で。", "その件は後で。"),
            ("あの、すみません。", "すみません。"),
            ("そうそう。", "そうそう。"),
            ("時々来ます。", "時々来ます。"),
            ("はい。", "はい。"),
        ],
    );
}

#[test]
fn korean() {
    let cfg = Cfg::new(&[Language::Ko], Level::Full);
    table(
        cfg,
        &[
            ("음, 제 생각에는 좋아요.", "제 생각에는 좋아요."),
            ("그 사람이 왔어요.", "그 사람이 왔어요."),
            ("저 는 학생입니다.", "저 는 학생입니다."),
            ("그, 뭐, 좋아요.", "좋아요."),
            ("좀 도와주세요.", "좀 도와주세요."),
            ("네네.", "네네."),
            ("네 네 알겠습니다.", "네 네 알겠습니다."),
        ],
    );
}

#[test]
fn german() {
    let de = Cfg::new(&[Language::De], Level::Full);
    table(
        de,
        &[
            ("Äh, wir kommen um acht Uhr.", "Wir kommen um acht Uhr."),
            ("Er sagt, ähm, nein.", "Er sagt nein."),
            ("Also, wir gehen.", "Wir gehen."),
            (
                "Es regnet, also bleiben wir.",
                "Es regnet, also bleiben wir.",
            ),
            ("Ja.", "Ja."),
            ("Ja ja.", "Ja ja."),
        ],
    );
    // English hinted together with German: `um` and `er` are German words.
    let en_de = Cfg::new(&[Language::En, Language::De], Level::Light);
    table(
        en_de,
        &[
            ("Um acht Uhr.", "Um acht Uhr."),
            ("Er kommt.", "Er kommt."),
            ("Uh, we go.", "We go."),
        ],
    );
    // German alone: English fillers are not German ones.
    table(
        Cfg::new(&[Language::De], Level::Light),
        &[("Um, I think.", "Um, I think.")],
    );
}

#[test]
fn french() {
    let fr = Cfg::new(&[Language::Fr], Level::Full);
    table(
        fr,
        &[
            ("Euh, je pense que oui.", "Je pense que oui."),
            ("C'est quoi ?", "C'est quoi ?"),
            ("Du coup, on y va.", "On y va."),
            ("Il est enfin arrivé.", "Il est enfin arrivé."),
            ("C'est bon.", "C'est bon."),
            ("Ben est là.", "Ben est là."),
            ("Voilà le livre.", "Voilà le livre."),
        ],
    );
}

#[test]
fn russian() {
    let ru = Cfg::new(&[Language::Ru], Level::Full);
    table(
        ru,
        &[
            ("Э, я думаю.", "Я думаю."),
            ("Ээээ, да.", "Да."),
            ("Ну, вот, я пришёл.", "Я пришёл."),
            ("Вот дом.", "Вот дом."),
            ("Это дом.", "Это дом."),
            ("А я думаю.", "А я думаю."),
            ("Это это дом.", "Это дом."),
            ("Он как бы пришёл.", "Он как бы пришёл."),
            ("Да да.", "Да да."),
        ],
    );
}

#[test]
fn scripts_never_cross() {
    // Only Chinese hinted: English fillers stay; Chinese fillers go.
    let zh = Cfg::new(&[Language::Zh], Level::Light);
    table(zh, &[("um 我们去。", "um 我们去。"), ("嗯 OK。", "OK。")]);
    // Mixed zh-en with both hinted.
    table(
        LIGHT,
        &[("嗯，这个 project um 很好。", "这个 project 很好。")],
    );
}

#[test]
fn dropped_sentence_is_reported() {
    let mut d = doc(&["嗯。", "我们去。", "Um."], true);
    let report = run(FULL.build(), &mut d);
    let t = &d.transcripts[0];
    assert_eq!(t.sentences.len(), 1);
    assert_eq!(t.text, "我们去。");
    assert_eq!(t.sentences[0].sentence_id, Some(2));
    assert_eq!(report.counter("disfluency", "dropped-sentences"), 2);
    let dropped: Vec<_> = report
        .events()
        .filter(|e| e.kind == "sentence-dropped")
        .collect();
    assert_eq!(dropped[0].begin, Some(Millis(1000)));
    assert_eq!(dropped[0].text.as_deref(), Some("嗯。"));
    assert_eq!(dropped[1].location.sentence, Some(2));
}

#[test]
fn report_per_speaker() {
    // Speaker 0: two sentences; speaker 1: one.
    let mut d = doc(&["嗯，我我觉得好。", "Um, I think so.", "呃，好的。"], true);
    let report = run(LIGHT.build(), &mut d);
    let removed: Vec<_> = report.events().filter(|e| e.kind == "removed").collect();
    assert_eq!(removed.len(), 4);
    for e in &removed {
        assert!(e.begin.is_some() && e.end.is_some() && e.words.is_some());
    }
    assert_eq!(removed[0].begin, Some(Millis(1000)));
    assert_eq!(removed[0].end, Some(Millis(1100)));
    assert_eq!(removed[0].text.as_deref(), Some("嗯，"));
    let summaries: Vec<_> = report
        .events()
        .filter(|e| e.kind == "speaker-summary")
        .map(|e| e.detail.clone().unwrap())
        .collect();
    assert_eq!(summaries.len(), 2);
    let s0 = &summaries[0];
    assert_eq!(s0["speaker"], 0);
    assert_eq!(s0["total"], 3);
    assert_eq!(s0["by_kind"]["hesitation"], 2);
    assert_eq!(s0["by_kind"]["repetition"], 1);
    assert_eq!(s0["by_word"]["呃"], 1);
    // 600 ms + 300 ms of talk: 3 findings in 0.9 s.
    assert_eq!(s0["talk_ms"], 900);
    let per_minute = s0["per_minute"].as_f64().unwrap();
    assert!((per_minute - 200.0).abs() < 1e-9, "{per_minute}");
    assert_eq!(summaries[1]["by_word"]["um"], 1);
    assert_eq!(report.counter("disfluency", "hesitation"), 3);
    assert_eq!(report.counter("disfluency", "removed-words"), 4);
}

#[test]
fn tag_mode_marks_words() {
    let mut d = doc(&["嗯，我我觉得好。", "the the the the end."], true);
    let before: Vec<String> = d.transcripts[0]
        .sentences
        .iter()
        .map(|s| s.text.to_string())
        .collect();
    let stage = DisfluencyRemover::builder()
        .mode(Mode::Tag)
        .build()
        .unwrap();
    let report = run(stage, &mut d);
    let t = &d.transcripts[0];
    let after: Vec<String> = t.sentences.iter().map(|s| s.text.to_string()).collect();
    assert_eq!(before, after);
    let tags: Vec<_> = t.sentences[0]
        .words
        .iter()
        .map(|w| w.extra().get_value("disfluency").map(|v| v["kind"].clone()))
        .collect();
    assert_eq!(tags[0].as_ref().unwrap(), "hesitation");
    assert_eq!(tags[1].as_ref().unwrap(), "repetition");
    assert!(tags[2].is_none());
    let loop_tag = t.sentences[1].words[0]
        .extra()
        .get_value("disfluency")
        .unwrap();
    assert_eq!(loop_tag["kind"], "loop");
    assert!(report.events().all(|e| e.kind != "removed"));
    assert_eq!(report.counter("disfluency", "loop"), 1);
    // The enriched JSON carries the tags.
    assert!(
        d.to_json()
            .contains(r#""disfluency":{"entry":"嗯","kind":"hesitation","language":"zh"}"#)
    );

    // Sentences without words get a list.
    let mut d = doc(&["嗯，我们去。"], false);
    let stage = DisfluencyRemover::builder()
        .mode(Mode::Tag)
        .build()
        .unwrap();
    run(stage, &mut d);
    let tags = d.transcripts[0].sentences[0]
        .extra()
        .get_value("disfluency")
        .unwrap();
    assert_eq!(tags[0]["text"], "嗯，");
}

#[test]
fn loops_of_digits_are_flagged_not_removed() {
    let mut d = doc(&["号码八八八八八。"], true);
    let report = run(LIGHT.build(), &mut d);
    assert_eq!(d.transcripts[0].text, "号码八八八八八。");
    let flagged: Vec<_> = report.events().filter(|e| e.kind == "flagged").collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].detail.as_ref().unwrap()["kind"], "loop");
    assert_eq!(flagged[0].words, Some((2, 7)));
}

#[test]
fn fun_asr_words() {
    // Multi-character words with leading spaces, as Fun-ASR writes them.
    let ws = vec![
        Word::new(Millis(0), Millis(300), "嗯", "，"),
        Word::new(Millis(300), Millis(600), "这里是", ""),
        Word::new(Millis(600), Millis(900), "额度", "。"),
        Word::new(Millis(900), Millis(1000), "Um", ""),
        Word::new(Millis(1000), Millis(1200), " Hello", ""),
        Word::new(Millis(1200), Millis(1400), " World", "，"),
    ];
    let mut d = Transcription::new("a", vec![Transcript::new(0, vec![Sentence::new(ws)])]);
    run(LIGHT.build(), &mut d);
    assert_eq!(d.transcripts[0].text, "这里是额度。Hello World，");
}

#[test]
fn user_lists_and_fillers_file() {
    let mut b = DisfluencyRemover::builder();
    b.add(Language::Zh, Tier::Hesitation, "那么那么")
        .remove(Language::En, "hmm")
        .fillers("# mine\nen marker you see\n-zh 呃\n")
        .unwrap();
    b.level(Level::Full);
    let stage = b.build().unwrap();
    let mut d = doc(&["Hmm, you see, it works.", "呃，那么那么我们去。"], true);
    run(stage, &mut d);
    assert_eq!(d.transcripts[0].text, "Hmm, it works.呃，我们去。");
    let err = DisfluencyRemover::builder()
        .fillers("zh hesitation 嗯\nen nonsense x")
        .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn off_is_identity_on_samples() {
    for name in crate::util::RESULT_SAMPLES {
        let json = crate::util::read_example(name);
        let mut d = Transcription::from_str(&json).unwrap();
        let before = d.to_json();
        let stage = DisfluencyRemover::builder()
            .mode(Mode::Off)
            .build()
            .unwrap();
        let report = run(stage, &mut d);
        assert_eq!(d.to_json(), before, "{name}");
        assert!(report.events().next().is_none());
        // The samples have no fillers: removal changes nothing either.
        let mut d = Transcription::from_str(&json).unwrap();
        run(FULL.build(), &mut d);
        assert_eq!(d.to_json(), before, "{name}");
    }
}

#[cfg(feature = "testing")]
mod prop {
    use super::*;
    use asrpost::testing::strategy::{glitchy_transcription, transcription};
    use proptest::prelude::*;

    fn stage(mode: u8, full: bool, backchannels: bool) -> DisfluencyRemover {
        DisfluencyRemover::builder()
            .mode([Mode::Off, Mode::Tag, Mode::Remove][mode as usize % 3])
            .level(if full { Level::Full } else { Level::Light })
            .backchannels(backchannels)
            .languages(Language::ALL)
            .build()
            .unwrap()
    }

    /// Word spans per transcript, in order.
    fn spans(d: &Transcription<'_>) -> Vec<Vec<(Millis, Millis, String)>> {
        d.transcripts
            .iter()
            .map(|t| {
                t.sentences
                    .iter()
                    .flat_map(|s| &s.words)
                    .map(|w| (w.begin_time, w.end_time, w.text.trim().to_string()))
                    .collect()
            })
            .collect()
    }

    fn is_subsequence<T: PartialEq>(small: &[T], big: &[T]) -> bool {
        let mut it = big.iter();
        small.iter().all(|x| it.any(|y| y == x))
    }

    proptest! {
        #[test]
        fn off_is_byte_identical(doc in glitchy_transcription()) {
            let json = doc.to_json();
            let mut d = Transcription::from_str(&json).unwrap();
            run(stage(0, true, true), &mut d);
            prop_assert_eq!(d.to_json(), json);
        }

        #[test]
        fn text_identities_and_timestamps(doc in transcription(), full: bool, b: bool, tag: bool) {
            let before = spans(&doc);
            let mut d = doc.clone();
            let st = stage(if tag { 1 } else { 2 }, full, b);
            run(st, &mut d);
            for t in &d.transcripts {
                let concat: String = t.sentences.iter().map(|s| s.text.as_ref()).collect();
                prop_assert_eq!(&t.text, &concat);
                for s in &t.sentences {
                    prop_assert!(!s.words.is_empty());
                    prop_assert!(sentence_matches_words(s));
                    prop_assert_eq!(s.begin_time, s.words[0].begin_time);
                }
            }
            let after = spans(&d);
            for (a, b) in after.iter().zip(&before) {
                let a: Vec<_> = a.iter().map(|x| (x.0, x.1)).collect();
                let b: Vec<_> = b.iter().map(|x| (x.0, x.1)).collect();
                prop_assert!(is_subsequence(&a, &b));
            }
            if tag {
                let texts = |d: &Transcription<'_>| -> Vec<String> {
                    d.transcripts.iter().map(|t| t.text.to_string()).collect()
                };
                prop_assert_eq!(texts(&d), texts(&doc));
            }
        }

        #[test]
        fn glitchy_documents_never_panic(doc in glitchy_transcription(), mode in 0u8..3, full: bool) {
            let before = spans(&doc);
            let mut d = doc;
            run(stage(mode, full, true), &mut d);
            for (a, b) in spans(&d).iter().zip(&before) {
                let a: Vec<_> = a.iter().map(|x| (x.0, x.1)).collect();
                let b: Vec<_> = b.iter().map(|x| (x.0, x.1)).collect();
                prop_assert!(is_subsequence(&a, &b));
            }
        }

        #[test]
        fn text_only_sentences_never_panic(text in "[嗯呃额啊我们对好的 ,.，。？a-zA-Z-]{0,40}", full: bool) {
            let s = Sentence::from_text(Millis(0), Millis(1000), text);
            let mut d = Transcription::new("a", vec![Transcript::new(0, vec![s])]);
            run(stage(2, full, true), &mut d);
            let concat: String = d.transcripts[0].sentences.iter().map(|s| s.text.as_ref()).collect();
            prop_assert_eq!(&d.transcripts[0].text, &concat);
        }
    }
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::{Command, Stdio};

    use super::*;

    fn asrpost(args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_asrpost"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run asrpost")
    }

    #[test]
    fn flags() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.json");
        std::fs::write(
            &input,
            doc(&["嗯，我我觉得好。", "Um, I think so."], true).to_json(),
        )
        .unwrap();
        let input = input.to_str().unwrap();
        let run = |extra: &[&str]| {
            let mut args = vec!["process", input];
            args.extend_from_slice(extra);
            let out = asrpost(&args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            doc["transcripts"][0]["text"].as_str().unwrap().to_string()
        };
        assert_eq!(run(&["--disfluency", "light"]), "我觉得好。I think so.");
        assert_eq!(
            run(&["--disfluency", "off"]),
            "嗯，我我觉得好。Um, I think so."
        );
        assert_eq!(
            run(&["--disfluency", "tag"]),
            "嗯，我我觉得好。Um, I think so."
        );
        assert_eq!(
            run(&["--disfluency", "light", "--language", "zh"]),
            "我觉得好。Um, I think so."
        );
        let fillers = dir.path().join("fillers.txt");
        std::fs::write(&fillers, "-zh 嗯\n").unwrap();
        assert_eq!(
            run(&[
                "--disfluency",
                "full",
                "--fillers",
                fillers.to_str().unwrap()
            ]),
            "嗯，我觉得好。I think so."
        );
        let bad = asrpost(&[
            "process",
            input,
            "--disfluency",
            "light",
            "--language",
            "xx",
        ]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("xx"));
        std::fs::write(&fillers, "zh nonsense 嗯\n").unwrap();
        let bad = asrpost(&[
            "process",
            input,
            "--disfluency",
            "light",
            "--fillers",
            fillers.to_str().unwrap(),
        ]);
        assert!(!bad.status.success());
        assert!(String::from_utf8_lossy(&bad.stderr).contains("line 1"));
    }
}
