//! `asrpost transcribe` and `asrpost task`: audio in, processed results out, through DashScope.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use asrpost::client::{Client, Config, Region, SpecialWordFilter, TranscriptionRequest};
use asrpost::task::TaskResponse;
use clap::{Args, Subcommand};

use crate::exit;
use crate::io::write_atomic;
use crate::pipeline_args::PipelineArgs;
use crate::process::ExportArgs;

/// Where the service is and how long to wait (shared by `transcribe` and `task`).
#[derive(Debug, Args)]
pub(crate) struct ServiceArgs {
    /// Region: `cn` (Beijing, paraformer) or `intl` (Singapore, Fun-ASR only).
    #[arg(long, global = true, value_name = "REGION", default_value = "cn", value_parser = parse_region)]
    region: Region,

    /// API base URL (default: DASHSCOPE_HTTP_BASE_URL, else the region's).
    #[arg(long, global = true, value_name = "URL")]
    base_url: Option<String>,

    /// Workspace id sent as X-DashScope-WorkSpace (default: DASHSCOPE_WORKSPACE).
    #[arg(long, global = true, value_name = "ID")]
    workspace: Option<String>,

    /// Give up waiting for the task after this many seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 3 * 3600)]
    wait_timeout: u64,
}

fn parse_region(s: &str) -> Result<Region, String> {
    Region::from_name(s).ok_or_else(|| format!("unknown region `{s}` (expected cn or intl)"))
}

impl ServiceArgs {
    /// The client: the environment (DASHSCOPE_API_KEY…) overridden by the flags.
    fn client(&self) -> Result<Client> {
        let mut config = Config::from_env(self.region)?;
        if let Some(url) = &self.base_url {
            config = config.base_url(url.clone())?;
        }
        if self.workspace.is_some() {
            config = config.workspace(self.workspace.clone());
        }
        Ok(Client::new(
            config.wait_timeout(Duration::from_secs(self.wait_timeout)),
        ))
    }
}

/// Arguments of `asrpost transcribe`.
#[derive(Debug, Args)]
pub(crate) struct TranscribeArgs {
    /// Audio URLs (http(s):// or oss://) or local files (uploaded first; Beijing region only).
    #[arg(required_unless_present = "task", value_name = "URL|FILE")]
    inputs: Vec<String>,

    /// Instead of submitting, wait for and fetch an earlier task (after an interruption).
    #[arg(long, value_name = "ID", conflicts_with = "inputs")]
    task: Option<String>,

    /// Recognition model.
    #[arg(long, value_name = "MODEL", default_value = "paraformer-v2")]
    model: String,

    /// Language hints (paraformer-v2: zh, en, ja, yue, ko, de, fr, ru); repeat or comma-separate.
    #[arg(long = "language", value_name = "LANG", value_delimiter = ',')]
    languages: Vec<String>,

    /// Audio tracks to transcribe, 0-based (each is billed); repeat or comma-separate.
    #[arg(long = "channel", value_name = "N", value_delimiter = ',')]
    channels: Vec<u32>,

    /// Hot-word vocabulary id.
    #[arg(long, value_name = "ID")]
    vocabulary_id: Option<String>,

    /// Ask the service to label speakers (mono audio).
    #[arg(long)]
    diarization: bool,

    /// Hint of the number of speakers, 2 to 100 (with --diarization).
    #[arg(long, value_name = "N")]
    speaker_count: Option<u32>,

    /// Ask the service to drop filler words (its list is not published).
    #[arg(long)]
    service_disfluency: bool,

    /// Ask the service to calibrate timestamps.
    #[arg(long)]
    service_timestamp_alignment: bool,

    /// A word the service masks with `*`; repeatable.
    #[arg(long, value_name = "WORD")]
    service_mask: Vec<String>,

    /// A word the service deletes; repeatable.
    #[arg(long, value_name = "WORD")]
    service_remove: Vec<String>,

    /// Whether the service applies its built-in sensitive-word list (it does by default).
    #[arg(long, value_name = "BOOL")]
    service_system_filter: Option<bool>,

    /// Write one output per input into DIR.
    #[arg(long, value_name = "DIR", required = true)]
    out_dir: PathBuf,

    #[command(flatten)]
    service: ServiceArgs,

    #[command(flatten)]
    export: ExportArgs,

    #[command(flatten)]
    pipeline: PipelineArgs,
}

impl TranscribeArgs {
    fn request(&self, urls: Vec<String>) -> TranscriptionRequest {
        let mut r = TranscriptionRequest::new(&self.model, urls);
        if !self.languages.is_empty() {
            r = r.language_hints(self.languages.iter().cloned());
        }
        if !self.channels.is_empty() {
            r = r.channel_id(self.channels.iter().copied());
        }
        if let Some(id) = &self.vocabulary_id {
            r = r.vocabulary_id(id.clone());
        }
        if self.diarization {
            r = r.diarization_enabled(true);
        }
        if let Some(n) = self.speaker_count {
            r = r.speaker_count(n);
        }
        if self.service_disfluency {
            r = r.disfluency_removal_enabled(true);
        }
        if self.service_timestamp_alignment {
            r = r.timestamp_alignment_enabled(true);
        }
        if !self.service_mask.is_empty()
            || !self.service_remove.is_empty()
            || self.service_system_filter.is_some()
        {
            let mut f = SpecialWordFilter::new();
            if !self.service_mask.is_empty() {
                f = f.mask(self.service_mask.iter().cloned());
            }
            if !self.service_remove.is_empty() {
                f = f.remove(self.service_remove.iter().cloned());
            }
            if let Some(yes) = self.service_system_filter {
                f = f.system_reserved(yes);
            }
            r = r.special_word_filter(f);
        }
        r
    }
}

pub(crate) fn run(args: TranscribeArgs) -> Result<u8> {
    let pipeline = args.pipeline.build()?;
    let exporter = args.export.exporter();
    let client = args.service.client()?;
    let (task_id, labels, index) = match &args.task {
        Some(id) => (id.clone(), Vec::new(), HashMap::new()),
        None => submit(&args, &client)?,
    };
    let done = wait_with_progress(&client, &task_id)?;
    let files = client.fetch_all(&done)?;
    // Name outputs after the inputs as given, or after the task's file URLs when resuming.
    let labels = if labels.is_empty() {
        files.iter().map(|f| f.file_url.clone()).collect()
    } else {
        labels
    };
    let names = output_names(&labels);

    let mut failed = 0usize;
    let mut written = HashSet::new();
    for (pos, file) in files.into_iter().enumerate() {
        let i = index.get(&file.file_url).copied().unwrap_or(pos);
        let name = names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("file-{}", i + 1));
        let label = labels.get(i).cloned().unwrap_or(file.file_url.clone());
        let outcome = file
            .result
            .map_err(anyhow::Error::from)
            .and_then(|mut doc| {
                pipeline
                    .run(&mut doc)
                    .with_context(|| format!("pipeline failed on {label}"))?;
                let path = args
                    .out_dir
                    .join(format!("{name}.{}", exporter.extension()));
                if !written.insert(path.clone()) {
                    bail!("two results would write {}", path.display());
                }
                write_atomic(&path, exporter.export_to_string(&doc).as_bytes())?;
                Ok(path)
            });
        match outcome {
            Ok(path) => eprintln!("asrpost: {label} -> {}", path.display()),
            Err(err) => {
                failed += 1;
                eprintln!("asrpost: {label}: {err:#}");
            }
        }
    }
    if failed > 0 {
        eprintln!("asrpost: {failed} of {} files failed", labels.len());
        return Ok(exit::SOME_FAILED);
    }
    Ok(exit::OK)
}

/// Uploads local files, submits, and gives the task id, the inputs as labels, and each
/// submitted URL's input index.
fn submit(
    args: &TranscribeArgs,
    client: &Client,
) -> Result<(String, Vec<String>, HashMap<String, usize>)> {
    // Check the request before uploading anything (local files stand in as oss:// URLs).
    let planned = args.inputs.iter().map(|s| {
        if is_url(s) {
            s.clone()
        } else {
            "oss://local".to_string()
        }
    });
    args.request(planned.collect()).validate()?;

    let mut urls = Vec::with_capacity(args.inputs.len());
    for input in &args.inputs {
        let path = Path::new(input);
        if is_url(input) {
            urls.push(input.clone());
        } else if path.is_file() {
            eprintln!("asrpost: uploading {input}");
            let url = client
                .upload(path, &args.model)
                .with_context(|| format!("cannot upload {input}"))?;
            urls.push(url);
        } else {
            bail!("{input}: not an http(s):// or oss:// URL, and no such file");
        }
    }
    let index = urls
        .iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), i))
        .collect();
    let submitted = client.submit(&args.request(urls))?;
    let task_id = submitted
        .output
        .map(|o| o.task_id)
        .context("the service gave no task id")?;
    eprintln!(
        "asrpost: task {task_id} submitted (if interrupted, resume with `asrpost transcribe --task {task_id} --out-dir …`)"
    );
    Ok((task_id, args.inputs.clone(), index))
}

/// Waits, showing the status: a spinner on a terminal, one line per change otherwise.
fn wait_with_progress(client: &Client, task_id: &str) -> Result<TaskResponse> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut last = String::new();
    let result = client.wait(task_id, |t| {
        let Some(out) = &t.output else { return };
        let mut line = format!("task {task_id}: {}", out.task_status);
        if let Some(m) = &out.task_metrics {
            line.push_str(&format!(
                " ({} of {} files done, {} failed)",
                m.succeeded + m.failed,
                m.total,
                m.failed
            ));
        }
        match &bar {
            Some(bar) => bar.set_message(line),
            None if line != last => {
                eprintln!("asrpost: {line}");
                last = line;
            }
            None => {}
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(result?)
}

fn is_url(s: &str) -> bool {
    ["https://", "http://", "oss://"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// An output name per input: the file's stem (last URL path segment without its query),
/// made safe for file names, with `-N` added to repeats.
fn output_names(inputs: &[String]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let base = if is_url(input) {
                let no_query = input.split(['?', '#']).next().unwrap_or(input);
                no_query.rsplit('/').next().unwrap_or("").to_string()
            } else {
                Path::new(input)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let stem = match base.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                _ => base,
            };
            let mut safe: String = stem
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if safe.trim_matches(['.', '_']).is_empty() {
                safe = format!("file-{}", i + 1);
            }
            let n = seen.entry(safe.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                format!("{safe}-{}", i + 1)
            } else {
                safe
            }
        })
        .collect()
}

/// Arguments of `asrpost task`.
#[derive(Debug, Args)]
pub(crate) struct TaskArgs {
    #[command(subcommand)]
    action: TaskAction,

    #[command(flatten)]
    service: ServiceArgs,
}

#[derive(Debug, Subcommand)]
enum TaskAction {
    /// Print the task's current state as JSON.
    Status {
        /// The task id.
        id: String,
    },
    /// Wait until the task finishes (SDK polling schedule), then print it as JSON.
    Wait {
        /// The task id.
        id: String,
    },
    /// Cancel a PENDING task.
    Cancel {
        /// The task id.
        id: String,
    },
}

pub(crate) fn run_task(args: TaskArgs) -> Result<u8> {
    let client = args.service.client()?;
    let response = match &args.action {
        TaskAction::Status { id } => client.query(id)?,
        TaskAction::Wait { id } => wait_with_progress(&client, id)?,
        TaskAction::Cancel { id } => client.cancel(id)?,
    };
    println!("{}", serde_json::to_string_pretty(&response)?);
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let inputs: Vec<String> = [
            "https://x/a/call.wav?Expires=1",
            "./local/call.mp3",
            "oss://dir/meeting 1.m4a",
            "https://x/",
            "https://x/a/call.wav",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            output_names(&inputs),
            ["call", "call-2", "meeting_1", "file-4", "call-5"]
        );
    }
}
