//! Subtitle layout and writing on the synthetic one-hour results, for profiling and for
//! checking that a change leaves the output byte for byte the same.
//!
//! * `profile [N]` parses the one-hour meeting once, then builds cues and writes SRT `N` times
//!   (3 by default): small enough to run under callgrind.
//! * `time [N]` times parsing against cue layout plus SRT writing, alternating them `N` times
//!   (50 by default), and prints the fastest and the median of each and the ratio of the
//!   fastest: on a busy machine the fastest run is the one least disturbed.
//! * `dump DIR` writes SRT, WebVTT and ASS of the one-hour mono meeting and two-channel call,
//!   with each preset (with and without re-balancing) and speaker-label mode, into `DIR`;
//!   compare two dumps with `diff -r`.
//!
//! ```text
//! cargo run --release --features testing --example subtitle_profile -- dump /tmp/sub-before
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release --features testing --example subtitle_profile
//! valgrind --tool=callgrind target/release/examples/subtitle_profile profile 3
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use asrpost::Transcription;
use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
use asrpost::export::{AssExporter, Exporter, SrtExporter, WebVttExporter};
use asrpost::testing::synthetic::{self, SyntheticOptions};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn one_hour(channels: u32, speakers: u32, seed: u64) -> String {
    synthetic::generate(&SyntheticOptions {
        minutes: 60.0,
        channels,
        speakers,
        seed,
        ..Default::default()
    })
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("profile") => {
            let n: usize = args.get(1).map_or(Ok(3), |s| s.parse())?;
            // The same document as `benches/export.rs`.
            let json = one_hour(1, 3, 1);
            let doc = Transcription::from_str(&json)?;
            let srt = SrtExporter::default();
            let mut out = String::new();
            let mut total = 0;
            for _ in 0..n {
                out.clear();
                srt.export(&doc, &mut out);
                total += out.len();
            }
            println!("{total} bytes of SRT");
        }
        Some("time") => {
            let n: usize = args.get(1).map_or(Ok(50), |s| s.parse())?.max(1);
            let json = one_hour(1, 3, 1);
            let doc = Transcription::from_str(&json)?;
            let srt = SrtExporter::default();
            let mut out = String::new();
            let (mut parse, mut write) = (Vec::new(), Vec::new());
            for _ in 0..n {
                let t = Instant::now();
                let words = Transcription::from_str(&json)?.word_count();
                parse.push(t.elapsed());
                let t = Instant::now();
                out.clear();
                srt.export(&doc, &mut out);
                write.push(t.elapsed());
                std::hint::black_box((words, out.len()));
            }
            parse.sort();
            write.sort();
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            println!(
                "parse: fastest {:.3} ms, median {:.3} ms",
                ms(parse[0]),
                ms(parse[n / 2])
            );
            println!(
                "cues + srt: fastest {:.3} ms, median {:.3} ms",
                ms(write[0]),
                ms(write[n / 2])
            );
            println!(
                "ratio: fastest {:.3}, median {:.3}",
                ms(write[0]) / ms(parse[0]),
                ms(write[n / 2]) / ms(parse[n / 2])
            );
        }
        Some("dump") => {
            let dir = PathBuf::from(args.get(1).ok_or("usage: subtitle_profile dump DIR")?);
            std::fs::create_dir_all(&dir)?;
            let docs = [("mono", one_hour(1, 3, 1)), ("call", one_hour(2, 2, 2))];
            let mut presets: Vec<(String, CueBuilder)> = vec![("auto".into(), CueBuilder::auto())];
            for name in Preset::NAMES {
                let preset = Preset::from_name(name).ok_or("preset")?;
                presets.push((name.to_string(), CueBuilder::new(preset)));
            }
            // Each preset also without re-balancing.
            for i in 0..presets.len() {
                let (name, builder) = presets[i].clone();
                presets.push((format!("{name}.speech-timed"), builder.rebalance(false)));
            }
            let mut files = 0;
            for (doc_name, json) in &docs {
                let doc = Transcription::from_str(json)?;
                for (preset, builder) in &presets {
                    for (mode, labels) in [
                        ("none", SpeakerLabels::None),
                        ("names", SpeakerLabels::Names),
                        ("dashes", SpeakerLabels::Dashes),
                    ] {
                        let builder = builder.clone().speaker_labels(labels);
                        let stem = format!("{doc_name}.{preset}.{mode}");
                        let writers: [(&str, Box<dyn Exporter>); 4] = [
                            ("srt", Box::new(SrtExporter::new(builder.clone()))),
                            ("vtt", Box::new(WebVttExporter::new(builder.clone()))),
                            (
                                "karaoke.vtt",
                                Box::new(WebVttExporter::new(builder.clone()).karaoke(true)),
                            ),
                            ("ass", Box::new(AssExporter::new(builder.clone()))),
                        ];
                        for (ext, writer) in &writers {
                            let text = writer.export_to_string(&doc);
                            std::fs::write(dir.join(format!("{stem}.{ext}")), text)?;
                            files += 1;
                        }
                    }
                }
            }
            println!("wrote {files} files into {}", dir.display());
        }
        _ => return Err("usage: subtitle_profile profile [N] | time [N] | dump DIR".into()),
    }
    Ok(())
}
