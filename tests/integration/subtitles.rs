//! Subtitles: golden files on the real samples and the zh/en/ja/ko fixtures, our checker on our
//! own output for each preset, and property tests of the cue invariants.

use asrpost::Transcription;
use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
use asrpost::export::qc::{self, Subtitle};
use asrpost::export::{AssExporter, Exporter, SrtExporter, WebVttExporter};
#[cfg(feature = "testing")]
use proptest::prelude::*;

use super::util::{RESULT_SAMPLES, example, root};

/// The hand-made fixtures and the preset each is checked against.
const FIXTURES: &[(&str, &[&str])] = &[
    ("subtitles_zh.json", &["netflix-zh"]),
    ("subtitles_en.json", &["netflix-en", "bbc"]),
    ("subtitles_ja.json", &["netflix-ja"]),
    ("subtitles_ko.json", &["netflix-ko"]),
];

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares `got` with the golden file `tests/data/golden/<name>`; `BLESS=1` rewrites it.
fn golden(name: &str, got: &str) {
    let path = root().join("tests/data/golden").join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = read(&path);
    assert!(
        want == got,
        "{name} differs from the golden file (BLESS=1 rewrites it)\n--- want\n{want}\n--- got\n{got}"
    );
}

fn exporters(cues: &CueBuilder) -> [(&'static str, Box<dyn Exporter>); 3] {
    [
        ("srt", Box::new(SrtExporter::new(cues.clone()))),
        (
            "vtt",
            Box::new(WebVttExporter::new(cues.clone()).karaoke(false)),
        ),
        ("ass", Box::new(AssExporter::new(cues.clone()))),
    ]
}

#[test]
fn golden_samples() {
    for name in RESULT_SAMPLES {
        let json = read(&example(name));
        let doc = Transcription::from_str(&json).unwrap();
        let stem = name.trim_end_matches(".json");
        for (ext, exporter) in exporters(&CueBuilder::auto()) {
            golden(&format!("{stem}.{ext}"), &exporter.export_to_string(&doc));
        }
        let karaoke = WebVttExporter::default().karaoke(true);
        golden(
            &format!("{stem}.karaoke.vtt"),
            &karaoke.export_to_string(&doc),
        );
    }
}

#[test]
fn golden_fixtures() {
    for (name, presets) in FIXTURES {
        let json = read(&root().join("tests/data").join(name));
        let doc = Transcription::from_str(&json).unwrap();
        let stem = name.trim_end_matches(".json");
        for preset in *presets {
            for labels in ["none", "names", "dashes"] {
                let cues = CueBuilder::new(Preset::from_name(preset).unwrap())
                    .speaker_labels(SpeakerLabels::from_name(labels).unwrap());
                for (ext, exporter) in exporters(&cues) {
                    golden(
                        &format!("{stem}.{preset}.{labels}.{ext}"),
                        &exporter.export_to_string(&doc),
                    );
                }
            }
        }
    }
}

/// Our checker finds nothing wrong with our own output, read back from SRT, WebVTT and ASS, for each
/// preset on a fixture in its language.
#[test]
fn checker_passes_our_output() {
    for (name, presets) in FIXTURES {
        let json = read(&root().join("tests/data").join(name));
        let doc = Transcription::from_str(&json).unwrap();
        for preset_name in *presets {
            let preset = Preset::from_name(preset_name).unwrap();
            let builder = CueBuilder::new(preset.clone());
            let cues = builder.build(&doc);
            assert!(!cues.is_empty());
            let from_cues = qc::check(&Subtitle::from_cues(&cues), &preset);
            assert!(from_cues.is_empty(), "{name} {preset_name}: {from_cues:?}");
            for exporter in [
                Box::new(SrtExporter::new(builder.clone())) as Box<dyn Exporter>,
                Box::new(WebVttExporter::new(builder.clone())),
                Box::new(AssExporter::new(builder.clone())),
            ] {
                let text = exporter.export_to_string(&doc);
                let format = qc::SubtitleFormat::detect(&text);
                let subs = format.parse(&text).unwrap();
                assert_eq!(subs.len(), cues.len());
                let found = qc::check_within(&subs, &preset, format.tolerance());
                assert!(
                    found.is_empty(),
                    "{name} {preset_name} {}: {}",
                    exporter.extension(),
                    found
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
    }
}

/// The real samples also pass under the preset of their language.
#[test]
fn checker_passes_samples() {
    for name in RESULT_SAMPLES {
        let json = read(&example(name));
        let doc = Transcription::from_str(&json).unwrap();
        let preset = Preset::detect(&doc);
        let cues = CueBuilder::new(preset.clone()).build(&doc);
        let found = qc::check(&Subtitle::from_cues(&cues), &preset);
        assert!(found.is_empty(), "{name}: {found:?}");
    }
}

/// Each line obeys the width limit, never starts with closing punctuation, and lines of a cue
/// are within reach of each other in width (balanced).
#[test]
fn line_rules_on_fixtures() {
    for (name, presets) in FIXTURES {
        let doc = Transcription::from_str(&read(&root().join("tests/data").join(name)))
            .unwrap()
            .into_owned();
        for preset_name in *presets {
            let preset = Preset::from_name(preset_name).unwrap();
            for cue in CueBuilder::new(preset.clone()).build(&doc) {
                assert!(cue.lines.len() <= preset.max_lines as usize);
                for line in &cue.lines {
                    assert!(preset.width(&line.text) <= preset.max_width(), "{line:?}");
                    let first = line.text.chars().next().unwrap();
                    assert!(!"，。、」）！？,.!?)".contains(first), "{name}: {line:?}");
                }
            }
        }
    }
}

#[test]
fn writers_escape() {
    let doc = Transcription::from_str(
        r#"{"transcripts":[{"sentences":[{"begin_time":0,"end_time":2000,
        "text":"AT&T <laughter> a < b {\\an8} --> done. ","speaker_id":1}]}]}"#,
    )
    .unwrap();
    let builder = CueBuilder::new(Preset::bbc())
        .max_chars(60)
        .speaker_labels(SpeakerLabels::Names);
    let vtt = WebVttExporter::new(builder.clone()).export_to_string(&doc);
    assert_eq!(
        vtt,
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Speaker 1>AT&amp;T &lt;laughter&gt; a &lt; b {\\an8} --&gt; done.</v>\n"
    );
    let srt = SrtExporter::new(builder.clone()).export_to_string(&doc);
    assert_eq!(
        srt,
        "1\n00:00:00,000 --> 00:00:02,000\nSpeaker 1: AT&T [laughter] a < b ｛\\\u{200B}an8｝ --> done.\n\n"
    );
    let crlf = SrtExporter::new(builder.clone())
        .crlf(true)
        .export_to_string(&doc);
    assert_eq!(crlf, srt.replace('\n', "\r\n"));
    let ass = AssExporter::new(builder).export_to_string(&doc);
    assert!(ass.ends_with(
        "Dialogue: 0,0:00:00.00,0:00:02.00,Default,Speaker 1,0,0,0,,AT&T <laughter> a < b ｛\\\u{200B}an8｝ --> done.\n"
    ));
}

#[test]
fn times_past_a_day() {
    let doc = Transcription::from_str(
        r#"{"transcripts":[{"sentences":[{"begin_time":90000000,"end_time":90002500,"text":"Late. "},
        {"begin_time":360000000,"end_time":360001999,"text":"Later. "}]}]}"#,
    )
    .unwrap();
    let srt = SrtExporter::default().export_to_string(&doc);
    assert!(srt.contains("25:00:00,000 --> 25:00:02,500"), "{srt}");
    assert!(srt.contains("100:00:00,000 --> 100:00:01,999"), "{srt}");
    let vtt = WebVttExporter::default().export_to_string(&doc);
    assert!(vtt.contains("100:00:00.000 --> 100:00:01.999"), "{vtt}");
    let ass = AssExporter::default().export_to_string(&doc);
    assert!(
        ass.contains("Dialogue: 0,25:00:00.00,25:00:02.50,"),
        "{ass}"
    );
}

#[cfg(feature = "testing")]
/// Per channel, the concatenated cue text equals the words' text with white space removed:
/// every word appears once, in order.
fn same_words(doc: &Transcription<'_>, cues: &[asrpost::export::cues::Cue], dash: &str) -> bool {
    let channels = doc.transcripts.len() > 1;
    doc.transcripts.iter().all(|t| {
        let mut sentences: Vec<_> = t.sentences.iter().collect();
        sentences.sort_by_key(|s| s.begin_time);
        let want: String = sentences
            .iter()
            .flat_map(|s| s.words.iter())
            .flat_map(|w| [w.text.as_ref(), w.punctuation.as_ref()])
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect();
        let prefix = format!("Channel {}", t.channel_id);
        let mine = |name: Option<&str>| {
            !channels || name.is_some_and(|n| n == prefix || n.starts_with(&format!("{prefix} ")))
        };
        let got: String = cues
            .iter()
            .flat_map(|c| c.lines.iter().map(move |l| (c, l)))
            .filter(|(c, l)| mine(l.speaker.as_deref().or(c.speaker.as_deref())))
            .map(|(_, l)| match &l.speaker {
                Some(_) => l.text.strip_prefix(dash).unwrap_or(&l.text),
                None => &l.text,
            })
            .flat_map(str::chars)
            .filter(|c| !c.is_whitespace())
            .collect();
        want == got
    })
}

#[cfg(feature = "testing")]
proptest! {
    #[test]
    fn cue_invariants(
        doc in asrpost::testing::strategy::transcription(),
        preset in 0usize..6,
        labels in 0usize..3,
        chars in proptest::option::of(1u32..50),
        lines in proptest::option::of(1u32..4),
    ) {
        let mut builder = match preset {
            0 => CueBuilder::auto(),
            i => CueBuilder::new(Preset::from_name(Preset::NAMES[i - 1]).unwrap()),
        };
        if let Some(n) = chars { builder = builder.max_chars(n); }
        if let Some(n) = lines { builder = builder.max_lines(n); }
        let labels = [SpeakerLabels::None, SpeakerLabels::Names, SpeakerLabels::Dashes][labels];
        let builder = builder.speaker_labels(labels);
        let cues = builder.build(&doc);
        asrpost::testing::fuzz::check_cues(&cues);
        // Inside the transcript's time span.
        let words = doc.transcripts.iter().flat_map(|t| &t.sentences).flat_map(|s| &s.words);
        let begin = words.clone().map(|w| w.begin_time).min();
        let end = words.map(|w| w.end_time).max().into_iter().chain(doc.duration()).max();
        if let (Some(begin), Some(end), Some(first), Some(last)) = (begin, end, cues.first(), cues.last()) {
            prop_assert!(first.begin >= begin, "{:?} before {:?}", first.begin, begin);
            prop_assert!(last.end <= end, "{:?} after {:?}", last.end, end);
        }
        let dash = builder.preset_for(&doc).language.dash();
        prop_assert!(same_words(&doc, &cues, dash), "words lost or reordered: {:?}", cues);
    }
}

/// Reading-speed and other violations our checker finds in `cues`.
#[cfg(feature = "testing")]
fn violations(cues: &[asrpost::export::cues::Cue], preset: &Preset) -> (usize, usize) {
    let found = qc::check(&Subtitle::from_cues(cues), preset);
    let fast = found
        .iter()
        .filter(|v| matches!(v.kind, qc::ViolationKind::ReadingSpeed { .. }))
        .count();
    (fast, found.len() - fast)
}

#[cfg(feature = "testing")]
proptest! {
    /// Re-balancing too-fast cues never makes more of them, nor breaks another rule: on any
    /// document, with any preset and labels, the checker finds no more reading-speed
    /// violations and no more of the other kinds than on the cues as the layout cut them.
    #[test]
    fn rebalancing_never_adds_violations(
        doc in prop_oneof![
            asrpost::testing::strategy::transcription(),
            asrpost::testing::strategy::glitchy_transcription(),
        ],
        preset in 0usize..5,
        labels in 0usize..3,
        chars in proptest::option::of(4u32..50),
    ) {
        let preset = Preset::from_name(Preset::NAMES[preset]).unwrap();
        let labels = [SpeakerLabels::None, SpeakerLabels::Names, SpeakerLabels::Dashes][labels];
        let mut builder = CueBuilder::new(preset.clone()).speaker_labels(labels);
        if let Some(n) = chars { builder = builder.max_chars(n); }
        let preset = builder.preset_for(&doc);
        let before = violations(&builder.clone().rebalance(false).build(&doc), &preset);
        let after = violations(&builder.build(&doc), &preset);
        prop_assert!(after.0 <= before.0, "reading speed: {after:?} after, {before:?} before");
        prop_assert!(after.1 <= before.1, "other rules: {after:?} after, {before:?} before");
    }
}
