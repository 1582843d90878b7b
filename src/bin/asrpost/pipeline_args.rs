//! The stage flags shared by `process` (and later `transcribe`): each stage's options live in a
//! struct of their own under `args/`, flattened here.

use anyhow::Result;
use asrpost::Pipeline;
use clap::Args;

use crate::args::{disfluency::DisfluencyArgs, sensitive::SensitiveArgs, timeline::TimelineArgs};

/// Stage options.
#[derive(Debug, Default, Args)]
pub(crate) struct PipelineArgs {
    #[command(flatten)]
    sensitive: SensitiveArgs,
    #[command(flatten)]
    disfluency: DisfluencyArgs,
    #[command(flatten)]
    timeline: TimelineArgs,
}

impl PipelineArgs {
    /// The audio's languages (`--language`), shared with `transcribe`'s language hints.
    pub(crate) fn languages(&self) -> &[String] {
        self.disfluency.languages()
    }

    /// The pipeline the flags describe, stages in the order of DESIGN.md: sensitive words,
    /// disfluency, timestamp alignment, speaker turns.
    pub(crate) fn build(&self) -> Result<Pipeline> {
        let builder = Pipeline::builder();
        let builder = self.sensitive.add_stages(builder)?;
        let builder = self.disfluency.add_stages(builder)?;
        let builder = self.timeline.add_stages(builder)?;
        Ok(builder.build())
    }
}
