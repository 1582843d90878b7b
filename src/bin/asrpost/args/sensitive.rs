//! Sensitive-word filtering flags.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use asrpost::PipelineBuilder;
use asrpost::stages::sensitive::{Action, SensitiveWordFilter, SpecialWordFilter, WordList};
use clap::Args;

/// Sensitive-word filtering flags. Hits go into the `--report` file.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Sensitive words")]
pub(crate) struct SensitiveArgs {
    /// The service's special_word_filter parameter, inline or from @FILE: filter_with_signed
    /// words are masked, filter_with_empty words removed.
    #[arg(long, value_name = "JSON|@FILE")]
    special_word_filter: Option<String>,

    /// Mask the words in FILE (one per line, or a JSON word list if FILE ends in .json).
    #[arg(long, value_name = "FILE")]
    mask_words: Vec<PathBuf>,

    /// Remove the words in FILE (one per line, or a JSON word list if FILE ends in .json).
    #[arg(long, value_name = "FILE")]
    remove_words: Vec<PathBuf>,

    /// Never filter text covered by a word in FILE (one per line, or JSON).
    #[arg(long, value_name = "FILE")]
    allow_words: Vec<PathBuf>,

    /// The reserved list that "system_reserved_filter": true masks (not bundled).
    #[arg(long, value_name = "FILE")]
    reserved_words: Option<PathBuf>,

    /// The character that replaces each masked character [default: *].
    #[arg(long, value_name = "C")]
    mask_char: Option<char>,

    /// Also match across spaces and punctuation between CJK characters (赌，博 hits 赌博).
    #[arg(long)]
    skip_cjk_separators: bool,
}

impl SensitiveArgs {
    /// Appends the stages these flags ask for.
    pub(crate) fn add_stages(&self, builder: PipelineBuilder) -> Result<PipelineBuilder> {
        let lists = self.special_word_filter.is_some()
            || !self.mask_words.is_empty()
            || !self.remove_words.is_empty();
        if !lists {
            if self.mask_char.is_some()
                || !self.allow_words.is_empty()
                || self.reserved_words.is_some()
                || self.skip_cjk_separators
            {
                bail!(
                    "sensitive-word options need a list: --special-word-filter, --mask-words or --remove-words"
                );
            }
            return Ok(builder);
        }
        let mut b = SensitiveWordFilter::builder();
        if let Some(arg) = &self.special_word_filter {
            let json = match arg.strip_prefix('@') {
                Some(path) => read(Path::new(path))?,
                None => arg.clone(),
            };
            let swf = SpecialWordFilter::from_json(&json).context("--special-word-filter")?;
            b.special_word_filter(&swf);
        }
        for path in &self.mask_words {
            b.word_list(list(path, Action::Mask)?);
        }
        for path in &self.remove_words {
            b.word_list(list(path, Action::Remove)?);
        }
        for path in &self.allow_words {
            let l = list(path, Action::Tag)?;
            b.allow_entries(l.entries).allow_entries(l.allow);
        }
        if let Some(path) = &self.reserved_words {
            let l = WordList::from_lines(&read(path)?, Action::Mask);
            b.reserved_words(l.entries.into_iter().map(|e| e.word));
        }
        if let Some(c) = self.mask_char {
            b.mask_char(c);
        }
        b.skip_separators_in_cjk(self.skip_cjk_separators);
        let filter = b.build().context("sensitive-word lists")?;
        Ok(builder.stage(filter))
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// A word list file: JSON when it ends in `.json`, else one entry per line.
fn list(path: &Path, action: Action) -> Result<WordList> {
    let text = read(path)?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        WordList::from_json(&text, action).with_context(|| path.display().to_string())
    } else {
        Ok(WordList::from_lines(&text, action))
    }
}
