//! Finding inputs and writing outputs atomically.

use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use asrpost::{ErrorKind, Pipeline, Report, Transcription};
use rayon::prelude::*;

/// One input: a file (with the path relative to the directory it was found in) or stdin.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    /// The path to read, or `None` for stdin.
    pub(crate) path: Option<PathBuf>,
    /// The path that names the output under `--out-dir` (extension replaced).
    pub(crate) relative: PathBuf,
}

impl Input {
    /// How errors name this input.
    pub(crate) fn display(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }

    /// The whole input.
    pub(crate) fn read(&self) -> std::io::Result<Vec<u8>> {
        match &self.path {
            Some(p) => fs::read(p),
            None => {
                let mut buf = Vec::new();
                std::io::stdin().lock().read_to_end(&mut buf)?;
                Ok(buf)
            }
        }
    }
}

/// Expands the arguments: `-` is stdin, a directory gives its `*.json` files recursively (in
/// sorted order), a file is itself.
pub(crate) fn collect_inputs(args: &[PathBuf]) -> Result<Vec<Input>> {
    let mut out = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            out.push(Input {
                path: None,
                relative: PathBuf::from("stdin.json"),
            });
        } else if arg.is_dir() {
            let mut found = Vec::new();
            walk(arg, &mut found)
                .with_context(|| format!("cannot read directory {}", arg.display()))?;
            found.sort();
            for path in found {
                let relative = path.strip_prefix(arg).unwrap_or(&path).to_path_buf();
                out.push(Input {
                    path: Some(path),
                    relative,
                });
            }
        } else if arg.exists() {
            let name = arg
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| arg.clone());
            out.push(Input {
                path: Some(arg.clone()),
                relative: name,
            });
        } else {
            bail!("{}: no such file or directory", arg.display());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
    Ok(())
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file and a failure leaves the old file in place.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// As [`write_atomic`], with the content written by `write` (which can stream it).
pub(crate) fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(fs::File::create(&tmp)?);
        write(&mut f)?;
        let f = f.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(err).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Reads one input, parses it, runs the pipeline and hands the processed document and its
/// report to `then`. Errors read `path:line:column: message` (or `path: message`), ready for
/// stderr.
pub(crate) fn process_input<R>(
    input: &Input,
    pipeline: &Pipeline,
    then: impl FnOnce(&Transcription<'_>, Report) -> Result<R, String>,
) -> Result<R, String> {
    let name = input.display();
    let bytes = input
        .read()
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    let fail = |err: asrpost::Error| match (err.kind(), err.position()) {
        (ErrorKind::Json { .. }, Some(p)) => {
            format!("{name}:{}:{}: {}", p.line, p.column, err.message())
        }
        (ErrorKind::Utf8 { line, .. }, _) => format!("{name}:{line}: {err}"),
        _ => format!("{name}: {err}"),
    };
    let mut doc = Transcription::from_slice(&bytes).map_err(fail)?;
    let report = pipeline.run(&mut doc).map_err(fail)?;
    then(&doc, report)
}

/// Runs `work` on every job on a pool of `threads` workers (by default one per core), with a
/// progress bar on stderr when it is a terminal and there is more than one job. Results come
/// back in input order.
pub(crate) fn run_parallel<T: Send, R: Send>(
    threads: Option<usize>,
    jobs: Vec<(Input, T)>,
    work: impl Fn(&Input, T) -> R + Sync,
) -> Result<Vec<(Input, R)>> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n.max(1));
    }
    let pool = pool.build().context("cannot start worker threads")?;
    let progress = (jobs.len() > 1 && std::io::stderr().is_terminal())
        .then(|| indicatif::ProgressBar::new(jobs.len() as u64));
    let results = pool.install(|| {
        jobs.into_par_iter()
            .map(|(input, job)| {
                let result = work(&input, job);
                if let Some(p) = &progress {
                    p.inc(1);
                }
                (input, result)
            })
            .collect()
    });
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    Ok(results)
}
