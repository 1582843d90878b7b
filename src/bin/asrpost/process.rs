//! `asrpost process`: the main job.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use asrpost::export::cues::{CueBuilder, Preset, SpeakerLabels};
use asrpost::export::{
    AssExporter, Exporter, Format, JsonExporter, MarkdownExporter, SrtExporter, TextExporter,
    WebVttExporter,
};
use asrpost::{FrameRate, Pipeline, Report, WriteOptions};
use clap::Args;

use crate::exit;
use crate::io::{
    Input, collect_inputs, process_input, run_parallel, write_atomic, write_atomic_with,
};
use crate::pipeline_args::PipelineArgs;

/// Arguments of `asrpost process`.
#[derive(Debug, Args)]
pub(crate) struct ProcessArgs {
    /// Result JSON files, directories (searched recursively for *.json) or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    #[command(flatten)]
    export: ExportArgs,

    /// Write the output to FILE (one input only).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "out_dir"
    )]
    output: Option<PathBuf>,

    /// Write one output per input into DIR, keeping paths relative to input directories.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// Write what the stages did (counters and time-stamped events) as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,

    /// Worker threads for batches (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    #[command(flatten)]
    pipeline: PipelineArgs,
}

/// Output format options.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output format.
    #[arg(long = "to", value_name = "FORMAT", default_value = "json", value_parser = parse_format)]
    to: Format,

    /// Indent JSON output.
    #[arg(long)]
    pretty: bool,

    /// Escape non-ASCII characters in JSON output.
    #[arg(long)]
    ascii: bool,

    /// Start transcript lines (txt, md) with [hh:mm:ss.mmm] times.
    #[arg(long)]
    times: bool,

    #[command(flatten)]
    subtitles: SubtitleArgs,
}

/// Subtitle layout options (for `--to srt|vtt|ass`).
#[derive(Debug, Args)]
pub(crate) struct SubtitleArgs {
    #[command(flatten)]
    rules: RulesArgs,

    /// Speaker labels from speaker ids and channels: none, names (`Speaker 1: `, WebVTT
    /// voices, the ASS Name field) or dashes (two-speaker cues).
    #[arg(long, value_name = "MODE", default_value = "none", num_args = 0..=1,
          default_missing_value = "names", value_parser = parse_labels)]
    speaker_labels: SpeakerLabels,

    /// End SRT lines with CRLF.
    #[arg(long)]
    crlf: bool,

    /// Per-word timestamps in WebVTT (karaoke).
    #[arg(long)]
    karaoke: bool,

    /// Keep cues that read too fast as laid out, instead of moving their breaks or merging
    /// them with a neighbour.
    #[arg(long)]
    no_rebalance: bool,
}

/// Subtitle rules: a preset and its overrides (for `--to srt|vtt|ass` and `asrpost check`).
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Subtitle rules: auto (Netflix's for the detected language), netflix-en, netflix-zh,
    /// netflix-ja, netflix-ko, bbc.
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

impl RulesArgs {
    /// A cue builder with these rules (`auto` detects each document's language).
    fn builder(&self) -> CueBuilder {
        let mut b = match &self.preset {
            PresetChoice::Auto => CueBuilder::auto(),
            PresetChoice::Named(p) => CueBuilder::new(p.clone()),
        };
        if let Some(n) = self.max_chars {
            b = b.max_chars(n);
        }
        if let Some(n) = self.max_lines {
            b = b.max_lines(n);
        }
        if let Some(fps) = self.fps {
            b = b.frame_rate(fps);
        }
        b
    }

    /// The preset with the overrides applied; `detect` resolves `auto`.
    pub(crate) fn preset(&self, detect: impl FnOnce() -> Preset) -> Preset {
        let mut preset = match &self.preset {
            PresetChoice::Named(p) => p.clone(),
            PresetChoice::Auto => detect(),
        };
        if let Some(n) = self.max_chars {
            preset.max_chars = n.max(1);
        }
        if let Some(n) = self.max_lines {
            preset.max_lines = n.max(1);
        }
        if let Some(fps) = self.fps {
            preset.frame_rate = fps;
        }
        preset
    }
}

/// `--preset auto` or a named preset.
#[derive(Clone, Debug)]
enum PresetChoice {
    Auto,
    Named(Preset),
}

fn parse_preset(s: &str) -> Result<PresetChoice, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(PresetChoice::Auto);
    }
    Preset::from_name(s)
        .map(PresetChoice::Named)
        .ok_or_else(|| {
            format!(
                "unknown preset `{s}` (expected auto or one of: {})",
                Preset::NAMES.join(", ")
            )
        })
}

fn parse_fps(s: &str) -> Result<FrameRate, String> {
    FrameRate::parse(s).ok_or_else(|| {
        format!("unknown frame rate `{s}` (expected e.g. 23.976, 24, 25, 29.97, 30)")
    })
}

fn parse_labels(s: &str) -> Result<SpeakerLabels, String> {
    SpeakerLabels::from_name(s)
        .ok_or_else(|| format!("unknown speaker-label mode `{s}` (expected none, names, dashes)"))
}

impl SubtitleArgs {
    fn builder(&self) -> CueBuilder {
        self.rules
            .builder()
            .speaker_labels(self.speaker_labels)
            .rebalance(!self.no_rebalance)
    }
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format `{s}` (expected one of: {})",
            names.join(", ")
        )
    })
}

impl ExportArgs {
    pub(crate) fn exporter(&self) -> Box<dyn Exporter> {
        match self.to {
            Format::Json => Box::new(JsonExporter::new(
                WriteOptions::new()
                    .pretty(self.pretty)
                    .escape_non_ascii(self.ascii),
            )),
            Format::Txt => Box::new(TextExporter::default().times(self.times)),
            Format::Md => Box::new(MarkdownExporter::default().times(self.times)),
            Format::Srt => {
                Box::new(SrtExporter::new(self.subtitles.builder()).crlf(self.subtitles.crlf))
            }
            Format::Vtt => Box::new(
                WebVttExporter::new(self.subtitles.builder()).karaoke(self.subtitles.karaoke),
            ),
            Format::Ass => Box::new(AssExporter::new(self.subtitles.builder())),
            other => other.exporter(),
        }
    }
}

/// What became of one input.
struct Outcome {
    input: Input,
    result: Result<(String, Report), String>,
}

pub(crate) fn run(args: ProcessArgs) -> Result<u8> {
    let inputs = collect_inputs(&args.inputs)?;
    if inputs.is_empty() {
        bail!("no *.json inputs found");
    }
    if args.output.is_some() && inputs.len() > 1 {
        bail!(
            "-o/--output takes one input; use --out-dir for {} inputs",
            inputs.len()
        );
    }
    let pipeline = args.pipeline.build()?;
    let exporter = args.export.exporter();
    let targets = output_paths(&args, &inputs, exporter.extension())?;

    let jobs = inputs.into_iter().zip(targets).collect();
    let outcomes: Vec<Outcome> = run_parallel(args.threads, jobs, |input, target| {
        process_one(input, &pipeline, exporter.as_ref(), target.as_deref())
    })?
    .into_iter()
    .map(|(input, result)| Outcome { input, result })
    .collect();

    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    for o in &outcomes {
        match &o.result {
            Ok((out, _)) => stdout.write_all(out.as_bytes())?,
            Err(msg) => {
                failed += 1;
                eprintln!("{msg}");
            }
        }
    }
    stdout.flush()?;
    if let Some(path) = &args.report {
        write_atomic(path, report_json(&outcomes).as_bytes())?;
    }
    if failed > 0 {
        eprintln!("asrpost: {failed} of {} inputs failed", outcomes.len());
        return Ok(exit::SOME_FAILED);
    }
    Ok(exit::OK)
}

/// Where each input's output goes: a file, or `None` for stdout.
fn output_paths(args: &ProcessArgs, inputs: &[Input], ext: &str) -> Result<Vec<Option<PathBuf>>> {
    if let Some(out) = &args.output {
        return Ok(vec![Some(out.clone())]);
    }
    let Some(dir) = &args.out_dir else {
        return Ok(vec![None; inputs.len()]);
    };
    let paths: Vec<PathBuf> = inputs
        .iter()
        .map(|i| dir.join(i.relative.with_extension(ext)))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (path, input) in paths.iter().zip(inputs) {
        if !seen.insert(path) {
            bail!(
                "two inputs would write {} (the second is {})",
                path.display(),
                input.display()
            );
        }
    }
    Ok(paths.into_iter().map(Some).collect())
}

/// Processes and exports one input, streaming into its output file when it has one.
fn process_one(
    input: &Input,
    pipeline: &Pipeline,
    exporter: &dyn Exporter,
    target: Option<&Path>,
) -> Result<(String, Report), String> {
    process_input(input, pipeline, |doc, report| match target {
        // Streamed into the file: holding the output too would take peak memory from about
        // 2.3× to 3.3× the input's size on a 12-hour result.
        Some(path) => write_atomic_with(path, |f| exporter.write(doc, f))
            .map(|()| (String::new(), report))
            .map_err(|e| format!("{e:#}")),
        None => Ok((exporter.export_to_string(doc), report)),
    })
}

fn report_json(outcomes: &[Outcome]) -> String {
    let files: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| match &o.result {
            Ok((_, report)) => serde_json::json!({"input": o.input.display(), "report": report}),
            Err(msg) => serde_json::json!({"input": o.input.display(), "error": msg}),
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&serde_json::json!({ "files": files })).unwrap_or_default();
    out.push('\n');
    out
}
