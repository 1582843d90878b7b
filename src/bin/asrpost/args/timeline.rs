//! Timestamp alignment and speaker-turn flags.

use anyhow::{Context, Result};
use asrpost::stages::align::{Drift, TimestampAligner};
use asrpost::stages::turns::{PartyNames, SpeakerTurns, TurnOptions};
use asrpost::{Millis, MillisDelta, PipelineBuilder};
use clap::Args;

/// Timestamp alignment and speaker-turn flags.
///
/// Both stages are off by default. `--align` (or `--offset`/`--drift`) adds timestamp
/// alignment; `--turns` (or any other turn flag) adds speaker turns, which the `txt` and `md`
/// outputs then write as one paragraph per turn.
#[derive(Debug, Default, Args)]
pub(crate) struct TimelineArgs {
    /// Repair the timeline: begin <= end, ordered non-overlapping words and sentences,
    /// missing word times interpolated, nothing past the audio's duration.
    #[arg(long, help_heading = "Timeline")]
    align: bool,

    /// Shift every time by MS milliseconds (negative when the audio's start was trimmed);
    /// clamped at zero. Implies --align.
    #[arg(
        long,
        value_name = "MS",
        allow_negative_numbers = true,
        help_heading = "Timeline"
    )]
    offset: Option<i64>,

    /// Correct clock drift before the offset: a scale FACTOR (1.001) or two reference points
    /// OLD:NEW,OLD:NEW in ms (0:0,3600000:3603600). Implies --align.
    #[arg(long, value_name = "FACTOR|OLD:NEW,OLD:NEW", help_heading = "Timeline")]
    drift: Option<String>,

    /// Group sentences into speaker turns (enriched JSON key `turns`; paragraphs in txt/md).
    #[arg(long, help_heading = "Timeline")]
    turns: bool,

    /// Longest silence in ms between two sentences of one party inside a turn [default: 1500].
    /// Implies --turns.
    #[arg(long, value_name = "MS", help_heading = "Timeline")]
    merge_gap: Option<u64>,

    /// Longest turn in ms before a new one starts, 0 for no limit [default: 60000].
    /// Implies --turns.
    #[arg(long, value_name = "MS", help_heading = "Timeline")]
    max_turn: Option<u64>,

    /// Names of parties: channel or speaker ids (CHANNEL:SPEAKER for both), e.g.
    /// 0=Agent,1=Customer. Implies --turns.
    #[arg(long, value_name = "KEY=NAME,...", help_heading = "Timeline")]
    party_names: Option<String>,

    /// Let the other party's backchannels (嗯, mhm) split a turn. Implies --turns.
    #[arg(long, help_heading = "Timeline")]
    no_backchannels: bool,
}

impl TimelineArgs {
    /// Appends the stages these flags ask for: alignment, then turns.
    pub(crate) fn add_stages(&self, mut builder: PipelineBuilder) -> Result<PipelineBuilder> {
        if self.align || self.offset.is_some() || self.drift.is_some() {
            let drift = self
                .drift
                .as_deref()
                .map(Drift::parse)
                .transpose()
                .context("--drift")?;
            let aligner = TimestampAligner::new()
                .offset(MillisDelta(self.offset.unwrap_or(0)))
                .drift(drift);
            builder = builder.stage(aligner);
        }
        let turns = self.turns
            || self.merge_gap.is_some()
            || self.max_turn.is_some()
            || self.party_names.is_some()
            || self.no_backchannels;
        if turns {
            let mut options = TurnOptions::new().backchannels(!self.no_backchannels);
            if let Some(gap) = self.merge_gap {
                options = options.merge_gap(Millis(gap));
            }
            if let Some(max) = self.max_turn {
                options = options.max_length((max > 0).then_some(Millis(max)));
            }
            if let Some(names) = &self.party_names {
                let names: PartyNames = names.parse().context("--party-names")?;
                options = options.party_names(names);
            }
            builder = builder.stage(SpeakerTurns::new(options));
        }
        Ok(builder)
    }
}
