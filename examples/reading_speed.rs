//! Counts reading-speed violations of our own cues, per preset, without and with re-balancing
//! ([`CueBuilder::rebalance`]), on the synthetic corpus (mixed zh/en, one and two channels)
//! and the real samples; with `-v`, tells why each remaining fast cue is fast: the gaps around
//! it, its neighbours' speed and speaker, the speech inside it.
//!
//! ```text
//! cargo run --release --features testing --example reading_speed [-- MINUTES] [-v]
//! ```
//!
//! The synthetic documents last `MINUTES` (60 by default, the bench's size); `-v` lists every
//! violation with its neighbours.

use std::path::Path;

use asrpost::Transcription;
use asrpost::export::cues::{Cue, CueBuilder, Preset};
use asrpost::export::qc::{self, Subtitle, ViolationKind};
use asrpost::testing::synthetic::{self, SyntheticOptions};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let verbose = std::env::args().any(|a| a == "-v");
    let minutes: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(60.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<(String, Transcription<'static>)> = Vec::new();
    for (name, channels, seed) in [("mono", 1, 1), ("two-channel", 2, 2)] {
        let json = synthetic::generate(&SyntheticOptions {
            minutes,
            channels,
            speakers: if channels == 1 { 3 } else { 2 },
            seed,
            ..Default::default()
        });
        docs.push((
            format!("synthetic {name} {minutes}m"),
            Transcription::from_str(&json)?.into_owned(),
        ));
    }
    for name in [
        "paraformer-v2_hello_world_female2.json",
        "paraformer-v2_hello_world_male2.json",
        "paraformer-v2_transcription_result_24k.json",
        "meeting_10min_3speakers.json",
    ] {
        let json = std::fs::read_to_string(root.join("examples/data").join(name))?;
        docs.push((
            name.to_string(),
            Transcription::from_str(&json)?.into_owned(),
        ));
    }
    println!("reading-speed violations (other violations), without -> with re-balancing");
    for (name, doc) in &docs {
        for preset_name in Preset::NAMES {
            let preset = Preset::from_name(preset_name).ok_or("preset")?;
            let mut counts = Vec::new();
            for rebalance in [false, true] {
                let cues = CueBuilder::new(preset.clone())
                    .rebalance(rebalance)
                    .build(doc);
                let found = qc::check(&Subtitle::from_cues(&cues), &preset);
                let speed = found
                    .iter()
                    .filter(|v| matches!(v.kind, ViolationKind::ReadingSpeed { .. }))
                    .count();
                counts.push(format!("{speed:4} ({})", found.len() - speed));
                if verbose && rebalance {
                    for v in &found {
                        println!("  {v}");
                        describe(&cues, v.cue - 1, &preset);
                    }
                }
            }
            println!("{name:44} {preset_name:11} {} -> {}", counts[0], counts[1]);
        }
    }
    Ok(())
}

fn describe(cues: &[Cue], i: usize, p: &Preset) {
    let c = &cues[i];
    let words: Vec<_> = c.lines.iter().flat_map(|l| &l.words).collect();
    let (sb, se) = (
        words.first().map(|w| w.begin.0).unwrap_or(0),
        words.last().map(|w| w.end.0).unwrap_or(0),
    );
    // Reading lengths are in half characters.
    let cps = |c: &Cue| f64::from(c.reading_length(p)) * 500.0 / c.duration().0.max(1) as f64;
    let text: Vec<_> = c.lines.iter().map(|l| l.text.as_str()).collect();
    let gap_before = i
        .checked_sub(1)
        .map(|j| c.begin.0 as i64 - cues[j].end.0 as i64);
    let gap_after = cues.get(i + 1).map(|n| n.begin.0 as i64 - c.end.0 as i64);
    println!(
        "  cue {i}: {}-{} ({} ms, speech {sb}-{se}) {} chars {:.1} cps (max {}) gaps {gap_before:?}/{gap_after:?} prev {:.1} cps {} ms next {:.1} cps {} ms same-speaker {}/{} {:?}",
        c.begin.0,
        c.end.0,
        c.duration().0,
        f64::from(c.reading_length(p)) / 2.0,
        cps(c),
        p.max_cps,
        i.checked_sub(1).map(|j| cps(&cues[j])).unwrap_or(0.0),
        i.checked_sub(1).map(|j| cues[j].duration().0).unwrap_or(0),
        cues.get(i + 1).map(cps).unwrap_or(0.0),
        cues.get(i + 1).map(|n| n.duration().0).unwrap_or(0),
        i.checked_sub(1)
            .is_some_and(|j| cues[j].speaker == c.speaker),
        cues.get(i + 1).is_some_and(|n| n.speaker == c.speaker),
        text
    );
}
