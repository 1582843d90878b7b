//! `asrpost stats`: conversation analytics per file, as tables, JSON, CSV or JSON lines, and
//! timeline pictures.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use asrpost::analytics::{Analysis, AnalyticsOptions, PartyRow, Stats, SvgOptions};
use asrpost::{Millis, Pipeline};
use clap::{ArgGroup, Args};

use crate::exit;
use crate::io::{Input, collect_inputs, process_input, run_parallel, write_atomic};
use crate::pipeline_args::PipelineArgs;

/// Arguments of `asrpost stats`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("format").args(["json", "csv", "jsonl"])))]
pub(crate) struct StatsArgs {
    /// Result JSON files, directories (searched recursively for *.json) or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Write the statistics as JSON (the documented schema; an array of {file, stats} for
    /// several inputs) instead of tables.
    #[arg(long)]
    json: bool,

    /// Write CSV: a header, then one row per file and party.
    #[arg(long)]
    csv: bool,

    /// Write JSON lines: one object per file and party (the CSV columns).
    #[arg(long)]
    jsonl: bool,

    /// Draw a timeline picture to FILE (for several inputs: into the directory FILE, one
    /// <input>.svg each).
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,

    /// Width of the timeline picture in pixels.
    #[arg(long, value_name = "PX", default_value_t = 1200)]
    svg_width: u32,

    /// Write the output to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,

    /// Worker threads for batches (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    #[command(flatten)]
    thresholds: ThresholdArgs,

    #[command(flatten)]
    pipeline: PipelineArgs,
}

/// The analytics thresholds (defaults and sources: `asrpost::analytics::AnalyticsOptions`).
#[derive(Debug, Args)]
struct ThresholdArgs {
    /// Words of one party closer than MS form one talk spurt [default: 300].
    #[arg(long = "spurt-gap", value_name = "MS")]
    spurt_gap: Option<u64>,
    /// Nobody talking for MS or more is non-talk time [default: 3000].
    #[arg(long, value_name = "MS")]
    silence_min: Option<u64>,
    /// An overlap of MS or more is an interruption [default: 200].
    #[arg(long, value_name = "MS")]
    min_overlap: Option<u64>,
    /// Spurts shorter than MS can be backchannels; 0 turns the rule off [default: 600].
    #[arg(long, value_name = "MS")]
    backchannel_max_ms: Option<u64>,
    /// Spurts with fewer than N words or characters can be backchannels; 0 turns the rule off
    /// [default: 3].
    #[arg(long, value_name = "N")]
    backchannel_max_units: Option<u64>,
    /// A pause longer than MS ends a monologue [default: 1500].
    #[arg(long, value_name = "MS")]
    monologue_gap: Option<u64>,
    /// Comma-separated hesitation fillers the statistics count, replacing the built-in list
    /// (apart from the disfluency stage's `--fillers`, which changes the text).
    #[arg(long = "stats-fillers", value_name = "LIST", value_delimiter = ',')]
    stats_fillers: Option<Vec<String>>,
    /// Comma-separated backchannel words the statistics recognize, replacing the built-in list.
    #[arg(
        long = "stats-backchannels",
        value_name = "LIST",
        value_delimiter = ','
    )]
    stats_backchannels: Option<Vec<String>>,
}

impl ThresholdArgs {
    fn options(&self) -> AnalyticsOptions {
        let mut o = AnalyticsOptions::new();
        if let Some(v) = self.spurt_gap {
            o.merge_gap(Millis(v));
        }
        if let Some(v) = self.silence_min {
            o.silence_min(Millis(v));
        }
        if let Some(v) = self.min_overlap {
            o.min_overlap(Millis(v));
        }
        if let Some(v) = self.backchannel_max_ms {
            o.backchannel_max_duration(Millis(v));
        }
        if let Some(v) = self.backchannel_max_units {
            o.backchannel_max_units(v);
        }
        if let Some(v) = self.monologue_gap {
            o.monologue_gap(Millis(v));
        }
        if let Some(v) = &self.stats_fillers {
            o.fillers(v);
        }
        if let Some(v) = &self.stats_backchannels {
            o.backchannels(v);
        }
        o
    }
}

struct Outcome {
    input: Input,
    result: Result<Analysis, String>,
}

pub(crate) fn run(args: StatsArgs) -> Result<u8> {
    let inputs = collect_inputs(&args.inputs)?;
    if inputs.is_empty() {
        bail!("no *.json inputs found");
    }
    let pipeline = args.pipeline.build()?;
    let options = args.thresholds.options();
    let svg_paths = svg_paths(args.svg.as_deref(), &inputs)?;

    let mut svg_options = SvgOptions::new();
    svg_options.width(args.svg_width);
    let jobs = inputs.into_iter().zip(svg_paths).collect();
    let outcomes: Vec<Outcome> = run_parallel(args.threads, jobs, |input, svg| {
        analyze_one(input, &pipeline, &options).and_then(|analysis| {
            if let Some(path) = svg {
                let mut o = svg_options.clone();
                o.title(input.display());
                let picture = analysis.timeline.to_svg(&o);
                write_atomic(&path, picture.as_bytes()).map_err(|e| format!("{e:#}"))?;
            }
            Ok(analysis)
        })
    })?
    .into_iter()
    .map(|(input, result)| Outcome { input, result })
    .collect();

    let mut failed = 0;
    for o in &outcomes {
        if let Err(msg) = &o.result {
            failed += 1;
            eprintln!("{msg}");
        }
    }
    let ok: Vec<(String, &Stats)> = outcomes
        .iter()
        .filter_map(|o| Some((o.input.display(), &o.result.as_ref().ok()?.stats)))
        .collect();
    let out = if args.json {
        json(&ok)
    } else if args.csv {
        let mut out = String::new();
        PartyRow::write_csv_header(&mut out);
        for (file, stats) in &ok {
            for row in stats.rows(file) {
                row.write_csv(&mut out);
            }
        }
        out
    } else if args.jsonl {
        let mut out = String::new();
        for (file, stats) in &ok {
            for row in stats.rows(file) {
                out.push_str(&serde_json::to_string(&row)?);
                out.push('\n');
            }
        }
        out
    } else {
        ok.iter()
            .map(|(file, stats)| table(file, stats))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match &args.output {
        Some(path) => write_atomic(path, out.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(out.as_bytes())?;
            stdout.flush()?;
        }
    }
    if failed > 0 {
        eprintln!("asrpost: {failed} of {} inputs failed", outcomes.len());
        return Ok(exit::SOME_FAILED);
    }
    Ok(exit::OK)
}

/// Where each input's picture goes: FILE for one input, FILE/<relative>.svg for several.
fn svg_paths(svg: Option<&Path>, inputs: &[Input]) -> Result<Vec<Option<PathBuf>>> {
    let Some(svg) = svg else {
        return Ok(vec![None; inputs.len()]);
    };
    if inputs.len() == 1 && !svg.is_dir() {
        return Ok(vec![Some(svg.to_path_buf())]);
    }
    if svg.exists() && !svg.is_dir() {
        bail!(
            "--svg {} is a file; give a directory for {} inputs",
            svg.display(),
            inputs.len()
        );
    }
    let paths: Vec<PathBuf> = inputs
        .iter()
        .map(|i| svg.join(i.relative.with_extension("svg")))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for p in &paths {
        if !seen.insert(p) {
            bail!("two inputs would draw {}", p.display());
        }
    }
    Ok(paths.into_iter().map(Some).collect())
}

fn analyze_one(
    input: &Input,
    pipeline: &Pipeline,
    options: &AnalyticsOptions,
) -> Result<Analysis, String> {
    process_input(input, pipeline, |doc, report| {
        let report = (!pipeline.is_empty()).then_some(&report);
        Ok(options.analyze(doc, report))
    })
}

fn json(ok: &[(String, &Stats)]) -> String {
    let mut out = if let [(_, stats)] = ok {
        stats.to_json_pretty()
    } else {
        let all: Vec<serde_json::Value> = ok
            .iter()
            .map(|(file, stats)| serde_json::json!({"file": file, "stats": stats}))
            .collect();
        serde_json::to_string_pretty(&all).unwrap_or_default()
    };
    out.push('\n');
    out
}

/// `m:ss.s` for talk times.
fn clock(ms: u64) -> String {
    let tenths = ms / 100;
    let (m, s, t) = (tenths / 600, (tenths / 10) % 60, tenths % 10);
    if m >= 60 {
        format!("{}:{:02}:{s:02}.{t}", m / 60, m % 60)
    } else {
        format!("{m}:{s:02}.{t}")
    }
}

fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// A readable summary and a table of parties.
fn table(file: &str, stats: &Stats) -> String {
    let c = &stats.conversation;
    let source = match c.duration_source {
        asrpost::analytics::DurationSource::Audio => "audio",
        _ => "speech",
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{file}\n  duration {} ({source}), speech {:.1} %, overlap {}, {} interruptions ({})\n",
        clock(c.duration_ms),
        c.speech_ratio * 100.0,
        secs(c.overlap_ms),
        c.interruptions,
        secs(c.interruptions_ms),
    ));
    out.push_str(&format!(
        "  non-talk ≥ {}: {} (total {}, longest {}), {} turns, {} switches ({:.1}/min), {} backchannels\n",
        secs(stats.thresholds.silence_min_ms),
        c.non_talk.count,
        secs(c.non_talk.total_ms),
        secs(c.non_talk.longest_ms),
        c.turns,
        c.switches,
        c.switches_per_minute,
        c.backchannels,
    ));
    let l = &c.response_latency;
    out.push_str(&format!(
        "  response latency: mean {:.0} ms, median {} ms, p90 {} ms, max {} ms ({} overlapped)\n\n",
        l.mean_ms, l.median_ms, l.p90_ms, l.max_ms, l.overlapped
    ));
    let header = [
        "party",
        "talk",
        "%talk",
        "%call",
        "words",
        "chars",
        "wpm",
        "cpm",
        "turns",
        "bc",
        "monologue",
        "questions",
        "fillers/min",
        "interrupts",
        "interrupted",
        "latency p50",
        "sensitive",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for p in &stats.parties {
        rows.push(vec![
            p.party.clone(),
            clock(p.talk_ms),
            format!("{:.1}", p.share_of_talk * 100.0),
            format!("{:.1}", p.share_of_call * 100.0),
            p.words.to_string(),
            p.characters.to_string(),
            format!("{:.0}", p.words_per_minute),
            format!("{:.0}", p.characters_per_minute),
            p.turns.to_string(),
            p.backchannels.to_string(),
            secs(p.longest_monologue.map_or(0, |m| m.duration_ms)),
            p.questions.to_string(),
            format!("{:.1}", p.fillers_per_minute),
            p.interruptions.len().to_string(),
            p.interrupted.to_string(),
            format!("{} ms", p.response_latency.median_ms),
            p.sensitive_hits.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        out.push(' ');
        for (i, cell) in row.iter().enumerate() {
            out.push_str("  ");
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(clock(0), "0:00.0");
        assert_eq!(clock(61_250), "1:01.2");
        assert_eq!(clock(3_723_400), "1:02:03.4");
    }
}
