//! `asrpost check`: subtitle quality control.

use std::path::PathBuf;

use anyhow::{Context, Result};
use asrpost::export::cues::{Language, Preset};
use asrpost::export::qc;
use clap::Args;

use crate::exit;
use crate::process::RulesArgs;

/// Arguments of `asrpost check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// SRT, WebVTT or ASS files (told apart by their content).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    #[command(flatten)]
    rules: RulesArgs,
}

pub(crate) fn run(args: CheckArgs) -> Result<u8> {
    let mut total = 0;
    let mut failed = false;
    for path in &args.files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let format = qc::SubtitleFormat::detect(&text);
        let subs = match format.parse(&text) {
            Ok(subs) => subs,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let preset = args.rules.preset(|| {
            let mut sample = String::new();
            for s in subs.iter().take(500) {
                for l in &s.lines {
                    sample.push_str(l);
                }
            }
            Preset::netflix(Language::detect_text(&sample))
        });
        let found = qc::check_within(&subs, &preset, format.tolerance());
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
