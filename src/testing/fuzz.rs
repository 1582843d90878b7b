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

/// `analytics`: any document gives statistics and a picture without panicking, with talk
/// times inside the call, shares summing to one and only finite numbers. Input starting with
/// `{` is a document analysed with the default options; otherwise the first six bytes set the
/// thresholds and the rest is the document.
pub fn analytics(data: &[u8]) {
    use crate::Millis;
    use crate::analytics::{AnalyticsOptions, SvgOptions};

    let mut options = AnalyticsOptions::new();
    let json = match data {
        [b'{', ..] => data,
        [a, b, c, d, e, f, rest @ ..] => {
            options
                .merge_gap(Millis(u64::from(*a) * 10))
                .silence_min(Millis(u64::from(*b) * 50))
                .min_overlap(Millis(u64::from(*c) * 10))
                .backchannel_max_duration(Millis(u64::from(*d) * 10))
                .backchannel_max_units(u64::from(*e % 8))
                .monologue_gap(Millis(u64::from(*f) * 20));
            rest
        }
        _ => return,
    };
    let Ok(doc) = Transcription::from_slice(json) else {
        return;
    };
    let analysis = options.analyze(&doc, None);
    let stats = &analysis.stats;
    let c = &stats.conversation;
    assert!(c.speech_ms <= c.duration_ms && c.overlap_ms <= c.speech_ms);
    let mut share = 0.0;
    for p in &stats.parties {
        assert!(p.talk_ms <= c.duration_ms, "talk past the call");
        share += p.share_of_talk;
        for v in [
            p.share_of_call,
            p.words_per_minute,
            p.characters_per_minute,
            p.fillers_per_minute,
            p.response_latency.mean_ms,
        ] {
            assert!(v.is_finite() && v >= 0.0);
        }
    }
    assert!(
        c.talk_ms == 0 || (share - 1.0).abs() < 1e-9,
        "shares sum to {share}"
    );
    let json = stats.to_json();
    assert!(serde_json::from_str::<crate::analytics::Stats>(&json).is_ok());
    let mut csv = String::new();
    for row in stats.rows("f") {
        row.write_csv(&mut csv);
    }
    let svg = analysis.timeline.to_svg(&SvgOptions::new());
    assert!(svg.ends_with("</svg>\n"));
}
