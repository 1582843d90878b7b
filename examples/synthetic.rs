//! Writes a synthetic Paraformer result (see `asrpost::testing::synthetic`) to a file.
//!
//! ```text
//! cargo run --release --features testing --example synthetic -- --minutes 720 --seed 12 12h.json
//! ```
//!
//! Options: `--minutes M` (default 1), `--channels N` (1), `--speakers N` (3), `--seed N` (1),
//! `--filler-rate P`, `--sensitive-rate P`, `--glitch-rate P`; then the output path (`-` for
//! stdout).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use asrpost::testing::synthetic::{self, SyntheticOptions};

fn parse_args(args: &[String]) -> Result<(SyntheticOptions, String), String> {
    let mut opts = SyntheticOptions::default();
    let mut out = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .cloned()
        };
        let bad = |name: &str, e: &dyn std::fmt::Display| format!("{name}: {e}");
        match arg.as_str() {
            "--minutes" => opts.minutes = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            "--channels" => opts.channels = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            "--speakers" => opts.speakers = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            "--seed" => opts.seed = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            "--filler-rate" => opts.filler_rate = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            "--sensitive-rate" => {
                opts.sensitive_rate = value(arg)?.parse().map_err(|e| bad(arg, &e))?
            }
            "--glitch-rate" => opts.glitch_rate = value(arg)?.parse().map_err(|e| bad(arg, &e))?,
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s if out.is_none() => out = Some(s.to_string()),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    Ok((opts, out.ok_or("missing the output path")?))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (opts, out) = match parse_args(&args) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("synthetic: {e}");
            eprintln!(
                "usage: synthetic [--minutes M] [--channels N] [--speakers N] [--seed N] \
                 [--filler-rate P] [--sensitive-rate P] [--glitch-rate P] OUT.json"
            );
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let json = synthetic::generate(&opts);
    let elapsed = start.elapsed();
    let written = if out == "-" {
        std::io::stdout().lock().write_all(json.as_bytes())
    } else {
        std::fs::write(&out, &json)
    };
    if let Err(e) = written {
        eprintln!("synthetic: {out}: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "{out}: {:.3} MB, {:.1} minutes, generated in {:.2?}",
        json.len() as f64 / 1e6,
        opts.minutes,
        elapsed
    );
    ExitCode::SUCCESS
}
