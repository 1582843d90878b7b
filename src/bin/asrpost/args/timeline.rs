//! Timestamp alignment and speaker-turn flags.

use anyhow::Result;
use asrpost::PipelineBuilder;
use clap::Args;

/// Timestamp alignment and speaker-turn flags.
#[derive(Debug, Default, Args)]
pub(crate) struct TimelineArgs {}

impl TimelineArgs {
    /// Appends the stages these flags ask for.
    pub(crate) fn add_stages(&self, builder: PipelineBuilder) -> Result<PipelineBuilder> {
        Ok(builder)
    }
}
