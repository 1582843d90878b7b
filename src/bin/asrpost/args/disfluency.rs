//! Disfluency removal flags.

use anyhow::Result;
use asrpost::PipelineBuilder;
use clap::Args;

/// Disfluency removal flags.
#[derive(Debug, Default, Args)]
pub(crate) struct DisfluencyArgs {}

impl DisfluencyArgs {
    /// Appends the stages these flags ask for.
    pub(crate) fn add_stages(&self, builder: PipelineBuilder) -> Result<PipelineBuilder> {
        Ok(builder)
    }
}
