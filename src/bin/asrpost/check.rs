//! `asrpost check`: subtitle quality control.

use std::path::PathBuf;

use anyhow::{Context, Result};
use asrpost::FrameRate;
use asrpost::export::cues::{Language, Preset};
use asrpost::export::qc;
use clap::Args;

use crate::exit;
use crate::process::{PresetChoice, parse_fps, parse_preset};

/// Arguments of `asrpost check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// SRT or WebVTT files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Rules to check against: auto (Netflix's for the file's language), netflix-en,
    /// netflix-zh, netflix-ja, netflix-ko, bbc.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = parse_preset)]
    preset: PresetChoice,

    /// Characters per line (full-width), overriding the preset.
    #[arg(long, value_name = "N")]
    max_chars: Option<u32>,

    /// Lines per cue, overriding the preset.
    #[arg(long, value_name = "N")]
    max_lines: Option<u32>,

    /// Video frame rate for the minimum gap: 23.976, 24, 25, 29.97, 30.
    #[arg(long, value_name = "FPS", value_parser = parse_fps)]
    fps: Option<FrameRate>,
}

pub(crate) fn run(args: CheckArgs) -> Result<u8> {
    let mut total = 0;
    let mut failed = false;
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let subs = match qc::parse(&text) {
            Ok(subs) => subs,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let mut preset = match &args.preset {
            PresetChoice::Named(p) => p.clone(),
            PresetChoice::Auto => {
                let mut sample = String::new();
                for s in subs.iter().take(500) {
                    for l in &s.lines {
                        sample.push_str(l);
                    }
                }
                Preset::netflix(Language::detect_text(&sample))
            }
        };
        if let Some(n) = args.max_chars {
            preset.max_chars = n.max(1);
        }
        if let Some(n) = args.max_lines {
            preset.max_lines = n.max(1);
        }
        if let Some(fps) = args.fps {
            preset.frame_rate = fps;
        }
        let found = qc::check(&subs, &preset);
        for v in &found {
            println!("{}: {v}", path.display());
        }
        eprintln!(
            "{}: {} cues, {} violations ({})",
            path.display(),
            subs.len(),
            found.len(),
            preset.name
        );
        total += found.len();
    }
    Ok(if total > 0 || failed {
        exit::SOME_FAILED
    } else {
        exit::OK
    })
}
