//! A readable transcript: one sentence per line.

use super::Exporter;
use crate::Transcription;
use crate::model::Sentence;

/// One sentence per line, in time order over all channels.
///
/// * With [`TextExporter::times`], each line starts with `[HH:MM:SS.mmm]`.
/// * Where sentences carry speaker ids, lines start with `Speaker N:` (the id as in the JSON),
///   and where the document has several channels, with `Channel N:`; both together read
///   `Channel 0, Speaker 1:`.
///
/// ```
/// use asrpost::export::{Exporter, TextExporter};
///
/// let doc = asrpost::Transcription::from_str(r#"{"transcripts":[
///   {"channel_id":0,"sentences":[{"begin_time":0,"end_time":900,"text":"您好。"}]},
///   {"channel_id":1,"sentences":[{"begin_time":500,"end_time":1500,"text":"Hi. "}]}]}"#)?;
/// let txt = TextExporter::default().times(true).export_to_string(&doc);
/// assert_eq!(txt, "[00:00:00.000] Channel 0: 您好。\n[00:00:00.500] Channel 1: Hi.\n");
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TextExporter {
    times: bool,
}

impl TextExporter {
    /// Start each line with the sentence's begin time. By default, no times.
    pub fn times(mut self, yes: bool) -> Self {
        self.times = yes;
        self
    }
}

/// Every sentence of a document with its transcript's channel, ordered by begin time (ties keep
/// channel order).
pub(crate) fn sentences_by_time<'d, 'a>(
    doc: &'d Transcription<'a>,
) -> Vec<(u32, &'d Sentence<'a>)> {
    let mut all: Vec<(u32, &Sentence<'a>)> = doc
        .transcripts
        .iter()
        .flat_map(|t| t.sentences.iter().map(move |s| (t.channel_id, s)))
        .collect();
    all.sort_by_key(|(_, s)| s.begin_time);
    all
}

impl Exporter for TextExporter {
    fn extension(&self) -> &'static str {
        "txt"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        let channels = doc.transcripts.len() > 1;
        for (channel, s) in sentences_by_time(doc) {
            if self.times {
                out.push('[');
                out.push_str(&s.begin_time.to_clock());
                out.push_str("] ");
            }
            match (channels, s.speaker_id) {
                (true, Some(sp)) => out.push_str(&format!("Channel {channel}, Speaker {sp}: ")),
                (true, None) => out.push_str(&format!("Channel {channel}: ")),
                (false, Some(sp)) => out.push_str(&format!("Speaker {sp}: ")),
                (false, None) => {}
            }
            out.push_str(s.text.trim());
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_labelled() {
        let doc = Transcription::from_str(
            r#"{"transcripts":[{"sentences":[{"begin_time":0,"end_time":1,"text":" a ","speaker_id":0},{"begin_time":5,"end_time":9,"text":"b","speaker_id":1}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            TextExporter::default().export_to_string(&doc),
            "Speaker 0: a\nSpeaker 1: b\n"
        );
    }
}
