//! Disfluency removal flags.

use std::path::PathBuf;

use anyhow::bail;
use anyhow::{Context, Result};
use asrpost::PipelineBuilder;
use asrpost::stages::disfluency::{DisfluencyRemover, Language, Level, Mode};
use clap::{Args, ValueEnum};

/// What `--disfluency` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DisfluencyChoice {
    /// Leave the text as it is (byte-identical output).
    Off,
    /// Keep every word; mark hesitations, backchannels, markers, repetitions and loops in the
    /// JSON (`disfluency` fields) and the report.
    Tag,
    /// Remove hesitations, stutters and recognition loops.
    Light,
    /// Also remove discourse markers in filler position.
    Full,
}

/// Disfluency removal flags.
#[derive(Debug, Default, Args)]
pub(crate) struct DisfluencyArgs {
    /// Remove or tag fillers and stutters: off, tag, light or full.
    #[arg(long, value_name = "LEVEL", value_enum)]
    disfluency: Option<DisfluencyChoice>,

    /// Also remove backchannels (`对`, `yeah`) where they are not the whole reply.
    #[arg(long, requires = "disfluency")]
    backchannels: bool,

    /// Filler list changes: lines `LANG TIER ENTRY` add, `-LANG ENTRY` remove, `#` comments
    /// (tiers: hesitation, backchannel, marker).
    #[arg(long, value_name = "FILE", requires = "disfluency")]
    fillers: Option<PathBuf>,

    /// Languages of the audio (zh, en, ja, yue, ko, de, fr, ru); repeat or comma-separate.
    /// `transcribe` sends them as language hints; the disfluency stage applies their filler
    /// lists (yue uses zh's), zh and en when not given.
    #[arg(long = "language", value_name = "LANG", value_delimiter = ',')]
    languages: Vec<String>,
}

impl DisfluencyArgs {
    /// The `--language` codes as given.
    pub(crate) fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Appends the stages these flags ask for.
    pub(crate) fn add_stages(&self, builder: PipelineBuilder) -> Result<PipelineBuilder> {
        let Some(choice) = self.disfluency else {
            return Ok(builder);
        };
        let mut b = DisfluencyRemover::builder();
        match choice {
            DisfluencyChoice::Off => b.mode(Mode::Off),
            // Tagging changes no text: mark everything a reader may want to see.
            DisfluencyChoice::Tag => b.mode(Mode::Tag).level(Level::Full).backchannels(true),
            DisfluencyChoice::Light => b.level(Level::Light),
            DisfluencyChoice::Full => b.level(Level::Full),
        };
        if self.backchannels {
            b.backchannels(true);
        }
        if !self.languages.is_empty() {
            let mut langs = Vec::new();
            for code in &self.languages {
                // Cantonese shares the Chinese hesitations.
                let code = if code.eq_ignore_ascii_case("yue") {
                    "zh"
                } else {
                    code
                };
                match Language::from_code(code) {
                    Ok(l) => langs.push(l),
                    Err(e) => bail!("--language: {e}"),
                }
            }
            b.languages(langs);
        }
        if let Some(path) = &self.fillers {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("failed to read {}", path.display()))?;
            b.fillers(&text)
                .with_context(|| format!("bad fillers file {}", path.display()))?;
        }
        Ok(builder.stage(b.build()?))
    }
}
