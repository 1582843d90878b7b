//! A Markdown transcript: one paragraph per speaker turn (or per sentence), names in bold.

use super::Exporter;
use super::text::{has_several_parties, sentence_label, sentences_by_time};
use crate::stages::turns;
use crate::{Millis, Transcription};

/// A Markdown transcript.
///
/// With speaker turns (see [`TextExporter`](super::TextExporter)), one paragraph per turn:
/// `**Agent:** text`, the name omitted when there is only one party, backchannels marked
/// `*(backchannel)*` and turns that overlap another party's (non-backchannel) turn marked
/// `*(overlapping)*`. Without turns, one paragraph per sentence with
/// the labels of the text transcript (`**Channel 0:**`). Text is escaped so that it never
/// turns into Markdown markup.
///
/// ```
/// use asrpost::export::{Exporter, MarkdownExporter};
///
/// let doc = asrpost::Transcription::from_str(r#"{"transcripts":[
///   {"channel_id":0,"sentences":[{"begin_time":0,"end_time":900,"text":"*您好*。"}]},
///   {"channel_id":1,"sentences":[{"begin_time":500,"end_time":1500,"text":"Hi. "}]}]}"#)?;
/// let md = MarkdownExporter::default().times(true).export_to_string(&doc);
/// assert_eq!(md, "`00:00:00.000` **Channel 0:** \\*您好\\*。\n\n`00:00:00.500` **Channel 1:** Hi.\n");
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct MarkdownExporter {
    times: bool,
    turns: bool,
}

impl Default for MarkdownExporter {
    fn default() -> Self {
        MarkdownExporter {
            times: false,
            turns: true,
        }
    }
}

impl MarkdownExporter {
    /// Start each paragraph with its begin time as code (`` `00:00:01.000` ``). By default,
    /// no times.
    pub fn times(mut self, yes: bool) -> Self {
        self.times = yes;
        self
    }

    /// Write one paragraph per speaker turn when the document has turns. By default, yes.
    pub fn turns(mut self, yes: bool) -> Self {
        self.turns = yes;
        self
    }

    fn paragraph(
        &self,
        out: &mut String,
        begin: Millis,
        label: Option<&str>,
        note: &str,
        text: &str,
    ) {
        if !out.is_empty() {
            out.push('\n');
        }
        if self.times {
            out.push('`');
            out.push_str(&begin.to_clock());
            out.push_str("` ");
        }
        if let Some(label) = label {
            out.push_str("**");
            escape_into(out, label);
            out.push_str(":** ");
        }
        out.push_str(note);
        escape_into(out, text.trim());
        out.push('\n');
    }
}

impl Exporter for MarkdownExporter {
    fn extension(&self) -> &'static str {
        "md"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        // Paragraph separators look at what this export wrote, not at the caller's buffer.
        let mut buf = String::new();
        if let Some(turns) = self.turns.then(|| turns::from_enrichment(doc)).flatten() {
            let labels = has_several_parties(&turns);
            for t in &turns {
                // A backchannel overlaps the turn it acknowledges by nature: mark it as what it
                // is, and mark as overlapping only turns that overlap a real turn.
                let note = if t.backchannel {
                    "*(backchannel)* "
                } else if t
                    .overlaps
                    .iter()
                    .any(|&o| turns.get(o).is_some_and(|o| !o.backchannel))
                {
                    "*(overlapping)* "
                } else {
                    ""
                };
                self.paragraph(
                    &mut buf,
                    t.begin,
                    labels.then_some(t.party.as_str()),
                    note,
                    &t.text,
                );
            }
        } else {
            let channels = doc.transcripts.len() > 1;
            for (channel, s) in sentences_by_time(doc) {
                let label = sentence_label(channels, channel, s.speaker_id);
                self.paragraph(&mut buf, s.begin_time, label.as_deref(), "", &s.text);
            }
        }
        out.push_str(&buf);
    }
}

/// Appends `text` with Markdown's special characters backslash-escaped, and a leading
/// character that would start a list, heading or quote escaped too.
fn escape_into(out: &mut String, text: &str) {
    for (i, c) in text.chars().enumerate() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!'
        ) || (i == 0 && matches!(c, '-' | '+' | '='));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        for (text, want) in [
            ("a*b_c", "a\\*b\\_c"),
            ("- item", "\\- item"),
            ("1 - 2", "1 - 2"),
            ("<b>", "\\<b\\>"),
            ("你好", "你好"),
        ] {
            let mut out = String::new();
            escape_into(&mut out, text);
            assert_eq!(out, want);
        }
    }

    #[test]
    fn turns_and_overlaps() {
        use crate::stages::turns::SpeakerTurns;
        use crate::{Pipeline, Transcription};
        let mut doc = Transcription::from_str(
            r#"{"transcripts":[{"channel_id":0,"sentences":[{"begin_time":0,"end_time":1000,"text":"您好。"}]},
              {"channel_id":1,"sentences":[{"begin_time":800,"end_time":3000,"text":"我想查账单。"}]}]}"#,
        )
        .unwrap();
        Pipeline::builder()
            .stage(SpeakerTurns::default())
            .build()
            .run(&mut doc)
            .unwrap();
        assert_eq!(
            MarkdownExporter::default().export_to_string(&doc),
            "**Channel 0:** *(overlapping)* 您好。\n\n**Channel 1:** *(overlapping)* 我想查账单。\n"
        );
    }
}
