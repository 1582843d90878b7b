//! Table tests of the sensitive-word stage.

use std::borrow::Cow;

use super::*;
use crate::text::{Script, concat_words};
use crate::{Millis, Sentence, Transcript, Word};

/// Paraformer-style words: one per CJK character, Latin words with their trailing space,
/// punctuation (and the space after it) on the word before.
fn words(text: &str) -> Vec<Word<'static>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut latin = false;
    for c in text.chars() {
        let script = Script::of(c);
        if script.is_cjk() {
            out.push((c.to_string(), String::new()));
            latin = false;
        } else if matches!(script, Script::Punctuation) && !out.is_empty() {
            out.last_mut().unwrap().1.push(c);
            latin = false;
        } else if c.is_whitespace() && !out.is_empty() {
            let last = out.last_mut().unwrap();
            if last.1.is_empty() {
                last.0.push(c);
            } else {
                last.1.push(c);
            }
            latin = false;
        } else if latin && out.last().is_some_and(|w| w.1.is_empty()) {
            out.last_mut().unwrap().0.push(c);
        } else {
            out.push((c.to_string(), String::new()));
            latin = true;
        }
    }
    out.into_iter()
        .enumerate()
        .map(|(i, (t, p))| Word::new(Millis(i as u64 * 100), Millis(i as u64 * 100 + 90), t, p))
        .collect()
}

fn doc(text: &str) -> Transcription<'static> {
    Transcription::new(
        "a.wav",
        vec![Transcript::new(0, vec![Sentence::new(words(text))])],
    )
}

/// Runs `filter` on `text` as words and as a word-less sentence; both give `want`.
fn check(filter: &SensitiveWordFilter, text: &str, want: &str) {
    let mut d = doc(text);
    let mut report = Report::default();
    filter.process(&mut d, &mut report).unwrap();
    let s = &d.transcripts[0].sentences[0];
    assert_eq!(s.text, want, "words: {text}");
    assert_eq!(concat_words(&s.words), s.text, "identity: {text}");
    assert_eq!(d.transcripts[0].text, want);
    assert_eq!(filter.filter_text(text), want, "text: {text}");
    let mut d = Transcription::new(
        "a.wav",
        vec![Transcript::new(
            0,
            vec![Sentence::from_text(Millis(0), Millis(9), text.to_string())],
        )],
    );
    filter.process(&mut d, &mut Report::default()).unwrap();
    assert_eq!(
        d.transcripts[0].sentences[0].text, want,
        "text-only: {text}"
    );
}

macro_rules! t {
    ($name:ident, |$b:ident| $setup:expr, $($input:expr => $want:expr),+ $(,)?) => {
        #[test]
        fn $name() {
            let mut $b = SensitiveWordFilter::builder();
            $setup;
            let filter = $b.build().unwrap();
            $(check(&filter, $input, $want);)+
        }
    };
}

t!(service_mask, |b| b.mask_words(["测试"]),
    "帮我测试一下这段代码" => "帮我**一下这段代码",
    "测试，测试。" => "**，**。",
    "测 试" => "测 试",
);
t!(service_remove, |b| b.remove_words(["开始", "发生"]),
    "比赛这就要开始了吗？" => "比赛这就要了吗？",
    "我们开始。" => "我们。",
    "开始。好的" => "好的",
    "好，开始。" => "好。",
    "开始" => "",
);
t!(remove_drop_punctuation, |b| b.remove_words(["开始"]).removed_punctuation(RemovedPunctuation::Drop),
    "我们开始。" => "我们",
);
t!(cross_word_latin, |b| b.mask_words(["hello world"]),
    "Say hello world now" => "Say ***** ***** now",
);
t!(latin_whole_word, |b| b.mask_words(["ass", "2b", "av"]),
    "class ass assassin" => "class *** assassin",
    "22b 2b" => "22b **",
    "have av." => "have **.",
    "我是ass吗" => "我是***吗",
);
t!(modes, |b| b.entry(Entry::new("fuck", Action::Mask).mode(MatchMode::Prefix))
        .entry(Entry::new("hole", Action::Mask).mode(MatchMode::Suffix))
        .entry(Entry::new("man", Action::Mask).mode(MatchMode::Embedded)),
    "fucking holes asshole manageable" => "****ing holes ass**** ***ageable",
);
t!(cyrillic_and_case, |b| b.mask_words(["дурак", "Ärger"]),
    "ДУРАК дураки ärger" => "***** дураки *****",
);
t!(width_folding, |b| b.mask_words(["fuck", "ガ"]),
    "ｆｕｃｋ ＦＵＣＫ" => "**** ****",
    "ｶﾞ" => "**",
);
t!(no_folding, |b| b.mask_words(["fuck"]).case_insensitive(false).fold_width(false),
    "fuck FUCK ｆｕｃｋ" => "**** FUCK ｆｕｃｋ",
);
t!(chinese_variants, |b| b.mask_words(["五星红旗"]).remove_words(["賭博"]),
    "五星紅旗飘扬" => "****飘扬",
    "五星红旗飘扬" => "****飘扬",
    "五星紅红旗" => "五星紅红旗",
    "不要赌博。" => "不要。",
    "不要賭博。" => "不要。",
);
t!(no_chinese_variants, |b| b.mask_words(["五星红旗"]).fold_chinese_variants(false),
    "五星紅旗 五星红旗" => "五星紅旗 ****",
);
t!(skip_separators, |b| b.mask_words(["赌博"]).skip_separators_in_cjk(true),
    "赌 博" => "* *",
    "赌，博" => "*，*",
    "赌a博" => "赌a博",
);
t!(allow_wins, |b| b.mask_words(["黄片", "口交"]).allow_words(["三黄片"]),
    "三黄片 黄片" => "三黄片 **",
    "路口交通" => "路**通",
);
t!(leftmost_longest, |b| b.mask_words(["我的"]).remove_words(["我的世界"]),
    "我的世界很大" => "很大",
    "我的书" => "**书",
);
t!(overlapping_entries, |b| b.mask_words(["abc", "bcd", "cd"]),
    "abcd" => "abcd",
    "x abc cd" => "x *** **",
);
t!(replace, |b| b.entry(Entry::new("五星红旗", Action::Replace("国家旗帜".into()))),
    "看五星红旗。" => "看国家旗帜。",
);
t!(tag_only, |b| b.entry(Entry::new("测试", Action::Tag).tag("qa")),
    "帮我测试" => "帮我测试",
);
t!(mask_char, |b| b.mask_words(["测试"]).mask_char('#'),
    "测试" => "##",
);

#[test]
fn untouched_sentences_stay_borrowed() {
    let json = r#"{"transcripts":[{"text":"好的。测试。","sentences":[
        {"begin_time":0,"end_time":200,"text":"好的。","words":[
          {"begin_time":0,"end_time":100,"text":"好","punctuation":""},
          {"begin_time":100,"end_time":200,"text":"的","punctuation":"。"}]},
        {"begin_time":300,"end_time":500,"text":"测试。","words":[
          {"begin_time":300,"end_time":400,"text":"测","punctuation":""},
          {"begin_time":400,"end_time":500,"text":"试","punctuation":"。"}]}]}]}"#;
    let mut d = Transcription::from_str(json).unwrap();
    let f = SensitiveWordFilter::mask(["测试"]).unwrap();
    let report = Pipeline::builder().stage(f).build().run(&mut d).unwrap();
    let t = &d.transcripts[0];
    assert!(matches!(t.sentences[0].text, Cow::Borrowed(_)));
    assert!(
        t.sentences[0]
            .words
            .iter()
            .all(|w| matches!(w.text, Cow::Borrowed(_)))
    );
    assert!(matches!(t.sentences[1].text, Cow::Owned(_)));
    assert_eq!(t.text, "好的。**。");
    assert_eq!(report.counter("sensitive", "hits"), 1);
    assert_eq!(report.counter("sensitive", "sentences-changed"), 1);
}

use crate::Pipeline;

#[test]
fn removal_keeps_timestamps_and_reports_the_hit() {
    let mut d = doc("比赛这就要开始了吗？");
    let f = SensitiveWordFilter::builder()
        .entry(Entry::new("开始", Action::Remove).tag("demo"))
        .build()
        .unwrap();
    let before: Vec<(String, Millis, Millis)> = d.transcripts[0].sentences[0]
        .words
        .iter()
        .map(|w| (w.text.to_string(), w.begin_time, w.end_time))
        .collect();
    let mut report = Report::default();
    f.process(&mut d, &mut report).unwrap();
    let after: Vec<(String, Millis, Millis)> = d.transcripts[0].sentences[0]
        .words
        .iter()
        .map(|w| (w.text.to_string(), w.begin_time, w.end_time))
        .collect();
    let expected: Vec<_> = before
        .into_iter()
        .filter(|w| w.0 != "开" && w.0 != "始")
        .collect();
    assert_eq!(after, expected);
    let ev: Vec<_> = report.events().collect();
    assert_eq!(ev.len(), 1);
    let e = ev[0];
    assert_eq!(e.kind, "removed");
    assert_eq!(e.words, Some((5, 7)));
    assert_eq!((e.begin, e.end), (Some(Millis(500)), Some(Millis(690))));
    assert_eq!(e.text.as_deref(), Some("开始"));
    let detail = e.detail.as_ref().unwrap();
    assert_eq!(detail["entry"], "开始");
    assert_eq!(detail["action"], "remove");
    assert_eq!(detail["tag"], "demo");
    assert_eq!(detail["channel"], 0);
    assert_eq!(report.counter("sensitive", "words-dropped"), 2);
}

#[test]
fn tag_marks_words() {
    let mut d = doc("帮我测试");
    let f = SensitiveWordFilter::builder()
        .entry(Entry::new("测试", Action::Tag).tag("qa"))
        .build()
        .unwrap();
    f.process(&mut d, &mut Report::default()).unwrap();
    let w = &d.transcripts[0].sentences[0].words;
    assert!(w[1].extra().get_value("sensitive_matches").is_none());
    let v = w[2].extra().get_value("sensitive_matches").unwrap();
    assert_eq!(v, serde_json::json!([{"entry": "测试", "tag": "qa"}]));
}

#[test]
fn whole_mode_uses_asr_word_edges_for_cjk() {
    // Multi-character tokens (as Fun-ASR emits): `口交` crosses the tokens `路口` and `交通`.
    let mut d = Transcription::new(
        "a.wav",
        vec![Transcript::new(
            0,
            vec![Sentence::new(vec![
                Word::new(Millis(0), Millis(1), "路口", ""),
                Word::new(Millis(1), Millis(2), "交通", ""),
                Word::new(Millis(2), Millis(3), "口交", ""),
            ])],
        )],
    );
    let f = SensitiveWordFilter::builder()
        .entry(Entry::new("口交", Action::Mask).mode(MatchMode::Whole))
        .build()
        .unwrap();
    f.process(&mut d, &mut Report::default()).unwrap();
    assert_eq!(d.transcripts[0].sentences[0].text, "路口交通**");
}

#[test]
fn glitchy_text_is_filtered_too() {
    let mut s = Sentence::new(words("测试"));
    s.text = "测试！".into();
    let mut d = Transcription::new("a.wav", vec![Transcript::new(0, vec![s])]);
    let f = SensitiveWordFilter::mask(["测试"]).unwrap();
    let mut report = Report::default();
    f.process(&mut d, &mut report).unwrap();
    let s = &d.transcripts[0].sentences[0];
    assert_eq!(s.text, "**！");
    assert_eq!(concat_words(&s.words), "**");
    assert_eq!(report.counter("sensitive", "hits"), 1);
}

#[test]
fn build_errors_name_the_entry() {
    let err = |b: &mut SensitiveWordFilterBuilder| b.build().unwrap_err().to_string();
    for (msg, want) in [
        (
            err(SensitiveWordFilter::builder().mask_words(["a", " "])),
            "invalid sensitive word entry 1 (` `): is empty",
        ),
        (
            err(SensitiveWordFilter::builder().mask_words(["a\nb"])),
            "invalid sensitive word entry 0 (`a\nb`): contains a control character",
        ),
        (
            err(SensitiveWordFilter::builder()
                .mask_words(["开始"])
                .remove_words(["开始"])),
            "invalid sensitive word entry 1 (`开始`): the same text as `开始` with a different action, tag or mode (remove vs mask)",
        ),
        (
            err(SensitiveWordFilter::builder()
                .mask_words(["Fuck"])
                .remove_words(["ＦＵＣＫ"])),
            "invalid sensitive word entry 1 (`ＦＵＣＫ`): the same text as `Fuck`",
        ),
        (
            err(SensitiveWordFilter::builder().mask_char(' ')),
            "invalid mask character: ' ' is white space",
        ),
        (
            err(SensitiveWordFilter::builder().system_reserved_filter(true)),
            "invalid special_word_filter: system_reserved_filter is true but no reserved word list",
        ),
        (
            err(SensitiveWordFilter::builder().allow_entries([
                Entry::new("x", Action::Tag),
                Entry::new("x", Action::Tag).mode(MatchMode::Embedded),
            ])),
            "invalid sensitive word allow entry 1 (`x`): listed earlier with mode auto",
        ),
    ] {
        assert!(msg.starts_with(want), "{msg}");
    }
}

#[test]
fn reserved_words_yield_to_user_entries() {
    let swf = SpecialWordFilter::from_json(
        r#"{"filter_with_empty":{"word_list":["开始"]},"system_reserved_filter":true}"#,
    )
    .unwrap();
    let f = SensitiveWordFilter::builder()
        .special_word_filter(&swf)
        .reserved_words(["开始", "赌博"])
        .build()
        .unwrap();
    assert_eq!(f.filter_text("开始赌博"), "**");
    assert_eq!(f.entries().len(), 2);
}

#[test]
fn duplicates_merge() {
    let f = SensitiveWordFilter::mask(["测试", "测试", "FOO", "foo"]).unwrap();
    assert_eq!(f.entries().len(), 2);
    assert_eq!(f.filter_text("Foo 测试"), "*** **");
}

#[test]
fn empty_filter_changes_nothing() {
    let f = SensitiveWordFilter::builder().build().unwrap();
    assert!(matches!(f.filter_text("测试"), Cow::Borrowed(_)));
    assert!(f.find("测试").is_empty());
}

#[test]
fn filter_is_send_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<SensitiveWordFilter>();
}
