//! Bodies of the fuzz targets in `fuzz/`, shared with the test that runs them over the committed
//! seed corpus (`fuzz/seeds/<target>/`), so CI exercises them without a fuzzer.
//!
//! Each body panics only when an invariant breaks; bad input must give an `Err`, never a panic.

use crate::{ParseOptions, Transcription};

/// `parse`: any bytes give a document or an error, through every parser.
pub fn parse(data: &[u8]) {
    let _ = Transcription::from_slice(data);
    let _ = ParseOptions::new()
        .max_depth(8)
        .max_bytes(4096)
        .parse_slice(data);
    let _ = crate::task::TaskResponse::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::realtime::Event::from_str(text);
        let _ = crate::realtime::Assembler::new().push(text);
    }
}

/// `timeline`: any parsable document aligns into a consistent timeline (DESIGN.md invariant 4),
/// a second alignment changes nothing, speaker turns cover every sentence once in time order,
/// and the transcript exporters do not panic.
///
/// The stages' options come from a hash of the input, so the fuzzer explores them while the
/// seeds stay plain result JSON.
///
/// # Panics
///
/// When an invariant breaks.
pub fn timeline(data: &[u8]) {
    use crate::export::Format;
    use crate::stages::align::{Drift, TimestampAligner};
    use crate::stages::turns::{self, SpeakerTurns, TurnOptions};
    use crate::{Millis, MillisDelta, Report, Stage};

    let mut doc = match Transcription::from_slice(data) {
        Ok(doc) => doc,
        Err(_) => timeline_doc(data),
    };
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let drift = match (h >> 8) % 4 {
        1 => Drift::factor(0.5 + ((h >> 12) % 2000) as f64 / 1000.0).ok(),
        2 => Drift::points(
            Millis((h >> 16) % 5000),
            Millis((h >> 24) % 5000),
            Millis((h >> 32) % 100_000),
            Millis((h >> 40) % 100_000),
        )
        .ok(),
        _ => None,
    };
    let offset = MillisDelta((h % 20_001) as i64 - 10_000);
    let aligner = TimestampAligner::new().offset(offset).drift(drift);
    let mut report = Report::default();
    aligner
        .process(&mut doc, &mut report)
        .expect("alignment never fails");
    check_timeline(&doc);
    let mut again = doc.clone();
    TimestampAligner::new()
        .process(&mut again, &mut report)
        .expect("alignment never fails");
    assert!(again == doc, "a second alignment changed the document");

    let options = TurnOptions::new()
        .merge_gap(Millis((h >> 48) % 4000))
        .max_length(((h >> 52) % 3 != 0).then_some(Millis((h >> 20) % 20_000)))
        .backchannels(h & 1 == 0);
    let list = turns::compute(&doc, &options);
    let mut seen = std::collections::HashSet::new();
    for (i, t) in list.iter().enumerate() {
        assert!(t.begin <= t.end, "turn {i} ends before it begins");
        if i > 0 {
            assert!(list[i - 1].begin <= t.begin, "turn {i} out of order");
        }
        for &s in &t.sentences {
            assert!(seen.insert((t.transcript, s)), "sentence in two turns");
        }
    }
    assert_eq!(seen.len(), doc.sentence_count(), "a sentence has no turn");
    if SpeakerTurns::new(options)
        .process(&mut doc, &mut report)
        .is_ok()
    {
        assert_eq!(turns::from_enrichment(&doc).as_ref(), Some(&list));
    }
    for format in [Format::Txt, Format::Md] {
        let _ = format.exporter().export_to_string(&doc);
    }
}

/// A document built from raw bytes, so that input which is not JSON still exercises the
/// timeline: each 4-byte record is a word (or, by a flag bit, a wordless sentence) with a
/// begin relative to the previous one (possibly earlier), a length (possibly negative) and
/// flags that start a new sentence, switch channel or speaker, or glitch the sentence bounds.
fn timeline_doc(data: &[u8]) -> Transcription<'static> {
    use crate::{Millis, Sentence, Transcript, Word};

    let mut channels: Vec<Vec<Sentence<'static>>> = vec![Vec::new(), Vec::new()];
    let mut channel = 0usize;
    let mut t: i64 = 0;
    let mut words: Vec<Word<'static>> = Vec::new();
    let mut speaker: Option<i64> = None;
    let ms = |v: i64| Millis(v.max(0) as u64);
    let flush = |words: &mut Vec<Word<'static>>,
                 sentences: &mut Vec<Sentence<'static>>,
                 speaker: Option<i64>| {
        if !words.is_empty() {
            let mut s = Sentence::new(std::mem::take(words));
            s.speaker_id = speaker;
            sentences.push(s);
        }
    };
    for rec in data.chunks_exact(4) {
        let (step, len, flags, text) = (rec[0] as i8, rec[1] as i8, rec[2], rec[3]);
        t += i64::from(step) * 10;
        let begin = ms(t);
        let end = ms(t + i64::from(len) * 10);
        let text = [
            "嗯", "对", "好", "hello ", "a", "", " ", "？", "我们", "mhm",
        ][text as usize % 10];
        if flags & 1 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            if flags & 2 != 0 {
                channel = 1 - channel;
            }
            speaker = (flags & 4 != 0).then_some(i64::from(flags >> 6));
        }
        if flags & 8 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            let mut s = Sentence::from_text(begin, end, text);
            s.speaker_id = speaker;
            channels[channel].push(s);
            continue;
        }
        words.push(Word::new(
            begin,
            end,
            text,
            if flags & 16 != 0 { "。" } else { "" },
        ));
        if flags & 32 != 0 {
            flush(&mut words, &mut channels[channel], speaker);
            if let Some(s) = channels[channel].last_mut() {
                s.begin_time = ms(t - i64::from(len) * 30);
            }
        }
    }
    flush(&mut words, &mut channels[channel], speaker);
    let transcripts: Vec<Transcript<'static>> = channels
        .into_iter()
        .enumerate()
        .filter(|(c, s)| *c == 0 || !s.is_empty())
        .map(|(c, s)| Transcript::new(c as u32, s))
        .collect();
    let mut doc = Transcription::new("fuzz.wav", transcripts);
    if data.len() % 3 == 0 {
        doc.properties.original_duration_in_milliseconds = Some(ms(t / 2));
    }
    doc
}

/// Panics unless the document's times satisfy DESIGN.md invariant 4.
pub fn check_timeline(doc: &Transcription<'_>) {
    use crate::FindingKind;
    for f in doc.validate() {
        assert!(
            matches!(
                f.kind,
                FindingKind::SentenceTextMismatch | FindingKind::TranscriptTextMismatch
            ),
            "timeline invariant broken: {f}"
        );
    }
}
