//! SubRip (SRT) subtitles.

use super::Exporter;
use super::cues::{Cue, CueBuilder, LABEL_END};
use crate::Transcription;

/// Writes SRT: cues numbered from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the text, a blank line.
///
/// Text a player would read as markup is neutralized: `<tag>` becomes `[tag]`, braces become
/// full-width `｛｝` (so `{\an8}` is not an override), and a zero-width space follows each
/// backslash (so `\N` is not a line break). Speaker labels ([`SpeakerLabels::Names`]) start
/// the first line. UTF-8 without a BOM; LF line ends unless [`SrtExporter::crlf`].
///
/// [`SpeakerLabels::Names`]: super::cues::SpeakerLabels::Names
///
/// ```
/// use asrpost::export::{Exporter, SrtExporter};
/// use asrpost::export::cues::{CueBuilder, Preset};
///
/// let doc = asrpost::Transcription::from_str(r#"{"transcripts":[{"sentences":[
///   {"begin_time":1000,"end_time":2500,"text":"AT&T <laughter> works. "}]}]}"#)?;
/// let srt = SrtExporter::new(CueBuilder::new(Preset::bbc())).export_to_string(&doc);
/// assert_eq!(srt, "1\n00:00:01,000 --> 00:00:02,500\nAT&T [laughter] works.\n\n");
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct SrtExporter {
    cues: CueBuilder,
    crlf: bool,
}

impl SrtExporter {
    /// An SRT writer laying cues out with `cues`.
    pub fn new(cues: CueBuilder) -> SrtExporter {
        SrtExporter { cues, crlf: false }
    }

    /// End lines with CRLF, as some Windows tools expect. By default, LF.
    pub fn crlf(mut self, yes: bool) -> Self {
        self.crlf = yes;
        self
    }

    /// Writes `cues` as SRT to `out`.
    pub fn write_cues(&self, cues: &[Cue], out: &mut String) {
        // A line end pushed as characters: a few stores, not a call to copy one byte.
        let crlf = self.crlf;
        let newline = |out: &mut String| {
            if crlf {
                out.push('\r');
            }
            out.push('\n');
        };
        let nl_len = if crlf { 2 } else { 1 };
        // Room for all of it at once, so that the output does not grow (and get copied) step by
        // step: each cue's number, times and line ends, and its text, which neutralizing
        // seldom lengthens.
        let text: usize = cues
            .iter()
            .flat_map(|c| &c.lines)
            .map(|l| l.text.len() + nl_len)
            .sum();
        out.reserve(text + cues.len() * (40 + 3 * nl_len));
        for (i, cue) in cues.iter().enumerate() {
            crate::time::push_decimal(i as u64 + 1, out);
            newline(out);
            cue.begin.push_clock(',', out);
            out.push_str(" --> ");
            cue.end.push_clock(',', out);
            newline(out);
            for (k, line) in cue.lines.iter().enumerate() {
                if k == 0 {
                    if let Some(name) = cue.label_name() {
                        // The label (`Cue::label_text`) written in place, not made first:
                        // its end holds nothing to neutralize.
                        neutralize(name, out);
                        out.push_str(LABEL_END);
                    }
                }
                neutralize(&line.text, out);
                newline(out);
            }
            newline(out);
        }
    }
}

/// Appends `text` with markup neutralized (see [`SrtExporter`]).
fn neutralize(text: &str, out: &mut String) {
    const SPECIAL: [bool; 256] = super::byte_set(b"<{}\\\r\n");
    if !super::has_byte_in(text, &SPECIAL) {
        out.push_str(text);
        return;
    }
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = c.len_utf8();
        match c {
            '<' => {
                // A tag-like `<word…>` reads as markup; write it in brackets.
                let tag = rest[1..].find('>').filter(|&end| {
                    rest[1..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphabetic() || n == '/' || n == '!')
                        && !rest[1..1 + end].contains('<')
                });
                match tag {
                    Some(end) => {
                        out.push('[');
                        out.push_str(&rest[1..1 + end]);
                        out.push(']');
                        rest = &rest[end + 2..];
                        continue;
                    }
                    None => out.push('<'),
                }
            }
            '{' => out.push('｛'),
            '}' => out.push('｝'),
            '\\' => out.push_str("\\\u{200B}"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
        rest = &rest[len..];
    }
}

impl Exporter for SrtExporter {
    fn extension(&self) -> &'static str {
        "srt"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        // SRT shows no per-word times.
        self.write_cues(&self.cues.build_for_writer(doc, false).1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralizes_markup() {
        for (input, want) in [
            ("AT&T <laughter> a < b", "AT&T [laughter] a < b"),
            ("{\\an8}top", "｛\\\u{200B}an8｝top"),
            ("x\\Ny", "x\\\u{200B}Ny"),
            (
                "<font color=\"red\">hi</font>",
                "[font color=\"red\"]hi[/font]",
            ),
            ("a <b", "a <b"),
            ("1 <2> 3", "1 <2> 3"),
        ] {
            let mut out = String::new();
            neutralize(input, &mut out);
            assert_eq!(out, want, "{input}");
        }
    }
}
