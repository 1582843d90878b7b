//! Tools for working on the disfluency stage's speed without changing its output.
//!
//! ```text
//! # Write the stage's output (JSON and report) for many configurations and inputs:
//! cargo run --release --features testing --example disfluency_check -- snapshot /tmp/disf-before
//! # Run one configuration a few times on clones of the synthetic 1-hour result (for callgrind):
//! cargo run --release --features testing --example disfluency_check -- profile light 3
//! # (or `profile parse 3`: the parse the bench compares with; set `DISF_SEQUENTIAL=1` to
//! # count instructions, since callgrind counts the calling thread only)
//! # Count the synthetic sentences the stage finds something in:
//! cargo run --release --features testing --example disfluency_check -- stats
//! ```
//!
//! Compare two snapshots with `diff -r`.

use std::process::ExitCode;

use asrpost::stages::disfluency::{DisfluencyBuilder, DisfluencyRemover, Language, Level, Mode};
use asrpost::testing::synthetic::{self, SyntheticOptions};
use asrpost::{Report, Stage, Transcription};

/// A fillers file that adds and removes entries in several languages.
const FILLERS: &str = "zh hesitation 呃呃\nzh marker 就是\nen marker you see\nen hesitation erm\n\
                       -en hmm\n-zh 额\nde hesitation öh\nja hesitation あのー\n";

fn hour() -> String {
    synthetic::generate(&SyntheticOptions {
        minutes: 60.0,
        seed: 1,
        ..Default::default()
    })
}

/// The inputs of the snapshot: name and JSON.
fn inputs() -> Vec<(String, String)> {
    let mut out = vec![
        ("hour".to_string(), hour()),
        (
            "call".to_string(),
            synthetic::generate(&SyntheticOptions {
                minutes: 20.0,
                channels: 2,
                speakers: 2,
                seed: 7,
                ..Default::default()
            }),
        ),
        (
            "dense".to_string(),
            synthetic::generate(&SyntheticOptions {
                minutes: 10.0,
                seed: 3,
                filler_rate: 0.2,
                glitch_rate: 0.01,
                ..Default::default()
            }),
        ),
    ];
    // The same meeting without words: sentences tokenized from their text.
    let mut v: serde_json::Value =
        serde_json::from_str(&out[2].1).expect("OK because the generator writes JSON");
    if let Some(ts) = v["transcripts"].as_array_mut() {
        for t in ts {
            if let Some(ss) = t["sentences"].as_array_mut() {
                for s in ss {
                    if let Some(o) = s.as_object_mut() {
                        o.remove("words");
                    }
                }
            }
        }
    }
    out.push(("dense-nowords".to_string(), v.to_string()));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    let mut real: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    real.sort();
    for p in real {
        let Ok(json) = std::fs::read_to_string(&p) else {
            continue;
        };
        if Transcription::from_str(&json).is_ok() {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, json));
        }
    }
    out
}

/// The configurations of the snapshot: name and builder.
fn configs() -> Vec<(String, DisfluencyBuilder)> {
    let mut out = Vec::new();
    let langs: [(&str, &[Language]); 5] = [
        ("zhen", &[Language::Zh, Language::En]),
        ("zh", &[Language::Zh]),
        ("en", &[Language::En]),
        ("de", &[Language::De, Language::Zh]),
        ("ja", &[Language::Ja, Language::En]),
    ];
    let mut off = DisfluencyRemover::builder();
    off.mode(Mode::Off);
    out.push(("off".to_string(), off));
    for mode in [Mode::Tag, Mode::Remove] {
        for level in [Level::Light, Level::Full] {
            for bc in [false, true] {
                for (ln, l) in langs {
                    for custom in [false, true] {
                        let mut b = DisfluencyRemover::builder();
                        b.mode(mode)
                            .level(level)
                            .backchannels(bc)
                            .languages(l.iter().copied());
                        if custom {
                            b.fillers(FILLERS)
                                .expect("OK because the file is well formed");
                        }
                        let name = format!(
                            "{}-{:?}-bc{}-{ln}{}",
                            mode.name(),
                            level,
                            u8::from(bc),
                            if custom { "-custom" } else { "" }
                        );
                        out.push((name, b));
                    }
                }
            }
        }
    }
    out
}

fn run(stage: &DisfluencyRemover, json: &str) -> (String, String) {
    let mut doc = Transcription::from_str(json).expect("OK because the inputs parse");
    let mut report = Report::default();
    stage.process(&mut doc, &mut report).expect("runs");
    (doc.to_json(), report.to_json())
}

fn snapshot(dir: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let inputs = inputs();
    for (cname, b) in configs() {
        let stage = b.build().map_err(|e| e.to_string())?;
        for (iname, json) in &inputs {
            let (out, report) = run(&stage, json);
            let base = format!("{dir}/{iname}__{cname}");
            std::fs::write(format!("{base}.json"), out).map_err(|e| e.to_string())?;
            std::fs::write(format!("{base}.report.json"), report).map_err(|e| e.to_string())?;
        }
    }
    // One sequential run, which must give the same output as the parallel one.
    let stage = DisfluencyRemover::builder()
        .parallel(false)
        .level(Level::Full)
        .backchannels(true)
        .build()
        .map_err(|e| e.to_string())?;
    let (out, report) = run(&stage, &inputs[0].1);
    std::fs::write(format!("{dir}/hour__sequential.json"), out).map_err(|e| e.to_string())?;
    std::fs::write(format!("{dir}/hour__sequential.report.json"), report)
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn stage_named(name: &str) -> Result<DisfluencyRemover, String> {
    let mut b = DisfluencyRemover::builder();
    match name {
        "off" => b.mode(Mode::Off),
        "light" => &mut b,
        "full" => b.level(Level::Full).backchannels(true),
        "tag" => b.mode(Mode::Tag).level(Level::Full),
        _ => return Err(format!("unknown configuration {name}")),
    };
    // Callgrind counts the calling thread only: `DISF_SEQUENTIAL=1` keeps the work on it.
    if std::env::var_os("DISF_SEQUENTIAL").is_some() {
        b.parallel(false);
    }
    b.build().map_err(|e| e.to_string())
}

fn profile(name: &str, times: usize) -> Result<(), String> {
    let json = hour();
    let parsed = Transcription::from_str(&json).map_err(|e| e.to_string())?;
    if name == "parse" {
        let mut sentences = 0;
        let start = std::time::Instant::now();
        for _ in 0..times {
            let doc = Transcription::from_str(&json).map_err(|e| e.to_string())?;
            sentences += doc
                .transcripts
                .iter()
                .map(|t| t.sentences.len())
                .sum::<usize>();
        }
        println!(
            "{sentences} sentences, {:?} per run",
            start.elapsed() / times.max(1) as u32
        );
        return Ok(());
    }
    let stage = stage_named(name)?;
    let mut events = 0;
    let mut spent = std::time::Duration::ZERO;
    for _ in 0..times {
        let mut doc = parsed.clone();
        let mut r = Report::default();
        let start = std::time::Instant::now();
        stage.process(&mut doc, &mut r).map_err(|e| e.to_string())?;
        spent += start.elapsed();
        events += r.stages.iter().map(|s| s.events.len()).sum::<usize>();
    }
    println!("{events} events, {:?} per run", spent / times.max(1) as u32);
    Ok(())
}

/// Sentences in the synthetic hour with a finding, per configuration.
fn stats() -> Result<(), String> {
    let json = hour();
    let parsed = Transcription::from_str(&json).map_err(|e| e.to_string())?;
    let total: usize = parsed.transcripts.iter().map(|t| t.sentences.len()).sum();
    let words: usize = parsed
        .transcripts
        .iter()
        .flat_map(|t| &t.sentences)
        .map(|s| s.words.len())
        .sum();
    println!("{total} sentences, {words} words");
    for name in ["light", "full", "tag"] {
        let stage = stage_named(name)?;
        let mut doc = parsed.clone();
        let mut r = Report::default();
        stage.process(&mut doc, &mut r).map_err(|e| e.to_string())?;
        let mut with: std::collections::BTreeSet<(usize, usize)> = Default::default();
        for s in &r.stages {
            for e in &s.events {
                if let Some(si) = e.location.sentence {
                    with.insert((e.location.transcript, si));
                }
            }
        }
        println!(
            "{name}: {} of {total} sentences with a finding ({:.1}%)",
            with.len(),
            100.0 * with.len() as f64 / total as f64
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["snapshot", dir] => snapshot(dir),
        ["profile", name, times] => times
            .parse()
            .map_err(|e| format!("{e}"))
            .and_then(|n| profile(name, n)),
        ["stats"] => stats(),
        _ => Err("usage: snapshot DIR | profile parse|off|light|full|tag N | stats".to_string()),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
