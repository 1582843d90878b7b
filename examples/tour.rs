//! The whole pipeline on the shipped meeting: mask, remove fillers, align, turns, then SRT,
//! a transcript and statistics.

use asrpost::analytics::Stats;
use asrpost::export::{Exporter, SrtExporter, TextExporter};
use asrpost::stages::align::TimestampAligner;
use asrpost::stages::disfluency::DisfluencyRemover;
use asrpost::stages::sensitive::SensitiveWordFilter;
use asrpost::stages::turns::{SpeakerTurns, TurnOptions};
use asrpost::{Pipeline, Transcription};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = std::fs::read_to_string("examples/data/meeting_10min_3speakers.json")?;
    let mut doc = Transcription::from_str(&json)?;
    let pipeline = Pipeline::builder()
        .stage(
            SensitiveWordFilter::builder()
                .mask_words(["赌博", "scam"])
                .build()?,
        )
        .stage(DisfluencyRemover::new())
        .stage(TimestampAligner::new())
        .stage(SpeakerTurns::new(TurnOptions::new()))
        .build();
    let report = pipeline.run(&mut doc)?;
    println!("{}", report.to_json());
    let srt = SrtExporter::default().export_to_string(&doc);
    println!("{}", &srt[..srt.len().min(400)]);
    let txt = TextExporter::default().export_to_string(&doc);
    println!("{}", &txt[..txt.len().min(400)]);
    println!("{}", Stats::compute(&doc).to_json_pretty());
    Ok(())
}
