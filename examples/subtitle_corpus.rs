//! Writes subtitles for a corpus into a directory, for the independent validators in `.ci/`:
//! the real samples, the zh/en/ja/ko fixtures, synthetic meetings and calls, and generated
//! documents (well-formed and glitchy), each under several layouts. Each output `NAME.srt`,
//! `NAME.crlf.srt`, `NAME.vtt`, `NAME.ass` comes with `NAME.cues.json`: the cue times all of them
//! were written from.
//!
//! ```text
//! cargo run --features testing --example subtitle_corpus -- target/subtitle-corpus
//! ```

use std::path::{Path, PathBuf};

use asrpost::Transcription;
use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
use asrpost::export::{AssExporter, SrtExporter, WebVttExporter};
use asrpost::testing::strategy;
use asrpost::testing::synthetic::{self, SyntheticOptions};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: subtitle_corpus OUT_DIR")?,
    );
    std::fs::create_dir_all(&out)?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<(String, Transcription<'static>)> = Vec::new();
    for dir in ["examples/data", "tests/data"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                    n.ends_with(".json")
                        && (n.starts_with("paraformer-v2_") || n.starts_with("subtitles_"))
                })
            })
            .collect();
        paths.sort();
        for path in paths {
            let json = std::fs::read_to_string(&path)?;
            let doc = Transcription::from_str(&json)?.into_owned();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
            docs.push((stem.to_string(), doc));
        }
    }
    for (name, minutes, channels, speakers, seed) in [
        ("synthetic_meeting_10m", 10.0, 1, 3, 1),
        ("synthetic_call_10m", 10.0, 2, 2, 2),
        ("synthetic_nospeaker_3m", 3.0, 1, 0, 3),
    ] {
        let json = synthetic::generate(&SyntheticOptions {
            minutes,
            channels,
            speakers,
            seed,
            ..Default::default()
        });
        docs.push((
            name.to_string(),
            Transcription::from_str(&json)?.into_owned(),
        ));
    }
    let mut runner = TestRunner::deterministic();
    for i in 0..20 {
        let doc = if i % 2 == 0 {
            strategy::transcription()
                .new_tree(&mut runner)
                .map_err(|e| e.to_string())?
                .current()
        } else {
            strategy::glitchy_transcription()
                .new_tree(&mut runner)
                .map_err(|e| e.to_string())?
                .current()
        };
        docs.push((format!("generated_{i:02}"), doc));
    }

    let layouts: Vec<(&str, CueBuilder, bool)> = vec![
        ("auto", CueBuilder::auto(), false),
        (
            "names_karaoke",
            CueBuilder::auto().speaker_labels(SpeakerLabels::Names),
            true,
        ),
        (
            "bbc_dashes_29.97",
            CueBuilder::new(Preset::bbc())
                .speaker_labels(SpeakerLabels::Dashes)
                .frame_rate(asrpost::FrameRate::FPS_29_97),
            false,
        ),
        (
            "ja_3lines",
            CueBuilder::new(Preset::from_name("netflix-ja").ok_or("preset")?).max_lines(3),
            true,
        ),
    ];
    let mut files = 0;
    for (name, doc) in &docs {
        for (layout, builder, karaoke) in &layouts {
            let stem = out.join(format!("{name}.{layout}"));
            let cues = builder.build(doc);
            let labels = builder.labels();
            let mut text = String::new();
            SrtExporter::new(builder.clone()).write_cues(&cues, &mut text);
            std::fs::write(stem.with_extension(format!("{layout}.srt")), &text)?;
            text.clear();
            SrtExporter::new(builder.clone())
                .crlf(true)
                .write_cues(&cues, &mut text);
            std::fs::write(stem.with_extension(format!("{layout}.crlf.srt")), &text)?;
            text.clear();
            WebVttExporter::new(builder.clone())
                .karaoke(*karaoke)
                .write_cues(&cues, labels, &mut text);
            std::fs::write(stem.with_extension(format!("{layout}.vtt")), &text)?;
            text.clear();
            let language = builder.preset_for(doc).language;
            AssExporter::new(builder.clone()).write_cues(&cues, language, &mut text);
            std::fs::write(stem.with_extension(format!("{layout}.ass")), &text)?;
            let times: Vec<[u64; 2]> = cues.iter().map(|c| [c.begin.0, c.end.0]).collect();
            std::fs::write(
                stem.with_extension(format!("{layout}.cues.json")),
                serde_json::to_string(&times)?,
            )?;
            files += 4;
        }
    }
    println!(
        "wrote {files} subtitle files for {} documents into {}",
        docs.len(),
        out.display()
    );
    Ok(())
}
