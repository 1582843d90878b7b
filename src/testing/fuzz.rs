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

    let Ok(mut doc) = Transcription::from_slice(data) else {
        return;
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
    let json = doc.to_json();
    let mut again = doc.clone();
    TimestampAligner::new()
        .process(&mut again, &mut report)
        .expect("alignment never fails");
    assert_eq!(
        again.to_json(),
        json,
        "a second alignment changed the document"
    );

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
