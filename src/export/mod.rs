//! Exporters: enriched JSON, readable transcripts (text, Markdown), and SRT, WebVTT and ASS
//! subtitles.
//!
//! Every exporter implements [`Exporter`], an object-safe trait, so a tool can pick one at run
//! time from a [`Format`]. Subtitle writers ([`SrtExporter`], [`WebVttExporter`],
//! [`AssExporter`]) take their cues from a [`cues::CueBuilder`], which does the layout and
//! timing; [`qc`] checks subtitle files against a [`cues::Preset`].
//!
//! ```
//! use asrpost::export::{Exporter, Format};
//!
//! let doc = asrpost::Transcription::from_str(r#"{"transcripts":[{"sentences":[
//!     {"begin_time":1000,"end_time":2000,"text":"你好。"}]}]}"#)?;
//! let txt = Format::Txt.exporter().export_to_string(&doc);
//! assert_eq!(txt, "你好。\n");
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::fmt;
use std::io;

use crate::Transcription;

mod ass;
pub mod cues;
mod json;
mod markdown;
pub mod qc;
mod srt;
mod text;
mod vtt;

pub use ass::AssExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use srt::SrtExporter;
pub use text::TextExporter;
pub use vtt::WebVttExporter;

/// A table of the bytes in `set`, for [`has_byte_in`].
pub(crate) const fn byte_set(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

/// Whether `text` holds a byte marked in `table` ([`byte_set`]). The writers ask this of
/// every line, and most lines have no byte to escape: a lookup per byte, sixteen at a time
/// without a branch, is cheaper than comparing each byte with each special one.
pub(crate) fn has_byte_in(text: &str, table: &[bool; 256]) -> bool {
    let mut chunks = text.as_bytes().chunks_exact(16);
    for chunk in &mut chunks {
        if chunk
            .iter()
            .fold(false, |any, &b| any | table[usize::from(b)])
        {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| table[usize::from(b)])
}

/// Turns a document into the bytes of an output format.
pub trait Exporter: Send + Sync + fmt::Debug {
    /// The usual file extension, without the dot.
    fn extension(&self) -> &'static str;

    /// Appends the document in this format to `out`.
    fn export(&self, doc: &Transcription<'_>, out: &mut String);

    /// The document in this format as a new string.
    fn export_to_string(&self, doc: &Transcription<'_>) -> String {
        let mut out = String::new();
        self.export(doc, &mut out);
        out
    }

    /// Writes the document in this format to `wtr`.
    ///
    /// # Errors
    ///
    /// Any error of the writer.
    fn write(&self, doc: &Transcription<'_>, wtr: &mut dyn io::Write) -> io::Result<()> {
        wtr.write_all(self.export_to_string(doc).as_bytes())
    }
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The result JSON, lossless, with enrichment.
    Json,
    /// A readable transcript: one paragraph per speaker turn, or one sentence per line.
    Txt,
    /// A Markdown transcript: one paragraph per speaker turn (or sentence), names in bold.
    Md,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
    /// Advanced SubStation Alpha subtitles.
    Ass,
}

impl Format {
    /// Every format, for help texts.
    pub const ALL: &'static [Format] = &[
        Format::Json,
        Format::Txt,
        Format::Md,
        Format::Srt,
        Format::Vtt,
        Format::Ass,
    ];

    /// The format's name as on the command line (`json`, `txt`, `md`, `srt`, `vtt`, `ass`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Srt => "srt",
            Format::Vtt => "vtt",
            Format::Ass => "ass",
        }
    }

    /// Whether the format is a subtitle format (laid out by a [`cues::CueBuilder`]).
    pub fn is_subtitles(self) -> bool {
        matches!(self, Format::Srt | Format::Vtt | Format::Ass)
    }

    /// The subtitle exporter for this format with the layout of `cues`, or `None` for the
    /// formats that are not subtitles.
    pub fn subtitle_exporter(self, cues: cues::CueBuilder) -> Option<Box<dyn Exporter>> {
        match self {
            Format::Srt => Some(Box::new(SrtExporter::new(cues))),
            Format::Vtt => Some(Box::new(WebVttExporter::new(cues))),
            Format::Ass => Some(Box::new(AssExporter::new(cues))),
            Format::Json | Format::Txt | Format::Md => None,
        }
    }

    /// The format named `name`, case-insensitively.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The format whose usual extension `ext` is (with or without the dot).
    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::from_name(ext.trim_start_matches('.'))
    }

    /// The exporter with default options.
    pub fn exporter(self) -> Box<dyn Exporter> {
        match self {
            Format::Json => Box::new(JsonExporter::default()),
            Format::Txt => Box::new(TextExporter::default()),
            Format::Md => Box::new(MarkdownExporter::default()),
            Format::Srt => Box::new(SrtExporter::default()),
            Format::Vtt => Box::new(WebVttExporter::default()),
            Format::Ass => Box::new(AssExporter::default()),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_special_bytes_anywhere() {
        const SPECIAL: [bool; 256] = byte_set(b"<\n");
        let long = "你好，世界".repeat(7);
        for (text, want) in [
            ("", false),
            ("plain text", false),
            ("a<b", true),
            ("line\n", true),
            (long.as_str(), false),
            (&format!("{long}<"), true),
            (&format!("<{long}"), true),
            (&format!("{}\n{}", &long[..15], &long[15..]), true),
        ] {
            assert_eq!(has_byte_in(text, &SPECIAL), want, "{text:?}");
        }
    }
}
