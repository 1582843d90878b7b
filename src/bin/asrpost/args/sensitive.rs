//! Sensitive-word filtering flags (issue: sensitive-word stage).

use anyhow::Result;
use asrpost::PipelineBuilder;
use clap::Args;

/// Sensitive-word filtering flags (issue: sensitive-word stage).
#[derive(Debug, Default, Args)]
pub(crate) struct SensitiveArgs {}

impl SensitiveArgs {
    /// Appends the stages these flags ask for.
    pub(crate) fn add_stages(&self, builder: PipelineBuilder) -> Result<PipelineBuilder> {
        Ok(builder)
    }
}
