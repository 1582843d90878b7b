//! The `asrpost` command-line tool.

mod args;
mod check;
mod io;
mod pipeline_args;
mod process;
mod stats;
mod transcribe;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Post-process Paraformer / DashScope speech-recognition results.
#[derive(Debug, Parser)]
#[command(name = "asrpost", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the pipeline over result JSON files and write JSON or transcripts.
    Process(process::ProcessArgs),
    /// Check SRT, WebVTT or ASS files against subtitle rules (exit 1 on violations).
    Check(check::CheckArgs),
    /// Conversation analytics per file: talk time, interruptions, silences, latency; as
    /// tables, JSON, CSV or JSON lines, and timeline pictures.
    Stats(stats::StatsArgs),
    /// Transcribe audio URLs or local files with DashScope, then process and write the results.
    Transcribe(transcribe::TranscribeArgs),
    /// Inspect, wait for or cancel a DashScope task.
    Task(transcribe::TaskArgs),
}

/// Exit statuses: all good, some inputs failed, usage error.
pub(crate) mod exit {
    pub(crate) const OK: u8 = 0;
    pub(crate) const SOME_FAILED: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Process(args) => process::run(args),
        Command::Check(args) => check::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Transcribe(args) => transcribe::run(args),
        Command::Task(args) => transcribe::run_task(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("asrpost: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Flags of every subcommand are unique and well-formed. Stage flags are flattened into
    /// several commands, so a name added in one place can clash in another.
    #[test]
    fn every_command_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
