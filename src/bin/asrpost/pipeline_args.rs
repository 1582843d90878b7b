//! The stage flags shared by `process` (and later `transcribe`): each stage's options live in a
//! struct of their own, flattened here.

use anyhow::Result;
use asrpost::Pipeline;
use clap::Args;

/// Stage options.
#[derive(Debug, Default, Args)]
pub(crate) struct PipelineArgs {}

impl PipelineArgs {
    /// The pipeline the flags describe, stages in the order of DESIGN.md: sensitive words,
    /// disfluency, timestamp alignment, speaker turns.
    pub(crate) fn build(&self) -> Result<Pipeline> {
        Ok(Pipeline::builder().build())
    }
}
