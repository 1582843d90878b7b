//! A readable transcript: one paragraph per speaker turn, or one sentence per line.

use super::Exporter;
use crate::Transcription;
use crate::model::Sentence;
use crate::stages::turns::{self, Turn};

/// A readable transcript.
///
/// When the document has speaker turns (the `turns` enrichment of
/// [`SpeakerTurns`](crate::stages::turns::SpeakerTurns), also when read back from an enriched
/// JSON), it is one paragraph per turn, paragraphs separated by a blank line, each starting
/// with the party's name (`Agent: …`) when there is more than one party. Otherwise it is one
/// sentence per line, in time order over all channels:
///
/// * With [`TextExporter::times`], each line or paragraph starts with `[HH:MM:SS.mmm]`.
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
#[derive(Clone, Copy, Debug)]
pub struct TextExporter {
    times: bool,
    turns: bool,
}

impl Default for TextExporter {
    fn default() -> Self {
        TextExporter {
            times: false,
            turns: true,
        }
    }
}

impl TextExporter {
    /// Write one paragraph per speaker turn when the document has turns. By default, yes.
    pub fn turns(mut self, yes: bool) -> Self {
        self.turns = yes;
        self
    }

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

/// Whether the turns come from more than one party, so paragraphs need names.
pub(crate) fn has_several_parties(turns: &[Turn]) -> bool {
    turns.iter().any(|t| t.party != turns[0].party)
}

/// The label of a sentence without turns: `Channel N`, `Speaker N`, `Channel N, Speaker M`.
pub(crate) fn sentence_label(
    several_channels: bool,
    channel: u32,
    speaker: Option<i64>,
) -> Option<String> {
    match (several_channels, speaker) {
        (true, Some(sp)) => Some(format!("Channel {channel}, Speaker {sp}")),
        (true, None) => Some(format!("Channel {channel}")),
        (false, Some(sp)) => Some(format!("Speaker {sp}")),
        (false, None) => None,
    }
}

impl Exporter for TextExporter {
    fn extension(&self) -> &'static str {
        "txt"
    }

    fn export(&self, doc: &Transcription<'_>, out: &mut String) {
        if let Some(turns) = self.turns.then(|| turns::from_enrichment(doc)).flatten() {
            let labels = has_several_parties(&turns);
            for (i, t) in turns.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                if self.times {
                    out.push('[');
                    out.push_str(&t.begin.to_clock());
                    out.push_str("] ");
                }
                if labels {
                    out.push_str(&t.party);
                    out.push_str(": ");
                }
                out.push_str(&t.text);
                out.push('\n');
            }
            return;
        }
        let channels = doc.transcripts.len() > 1;
        for (channel, s) in sentences_by_time(doc) {
            if self.times {
                out.push('[');
                out.push_str(&s.begin_time.to_clock());
                out.push_str("] ");
            }
            if let Some(label) = sentence_label(channels, channel, s.speaker_id) {
                out.push_str(&label);
                out.push_str(": ");
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

    #[test]
    fn paragraphs_per_turn() {
        use crate::stages::turns::{SpeakerTurns, TurnOptions};
        use crate::{Pipeline, Stage};
        let mut doc = Transcription::from_str(
            r#"{"transcripts":[{"channel_id":0,"sentences":[{"begin_time":0,"end_time":1000,"text":"您好，"},{"begin_time":1200,"end_time":2000,"text":"请讲。"}]},
              {"channel_id":1,"sentences":[{"begin_time":2500,"end_time":3000,"text":"我想查账单。"}]}]}"#,
        )
        .unwrap();
        let stage = SpeakerTurns::new(
            TurnOptions::new().party_names("0=Agent,1=Customer".parse().unwrap()),
        );
        assert_eq!(stage.name(), "turns");
        Pipeline::builder()
            .stage(stage)
            .build()
            .run(&mut doc)
            .unwrap();
        assert_eq!(
            TextExporter::default().times(true).export_to_string(&doc),
            "[00:00:00.000] Agent: 您好，请讲。\n\n[00:00:02.500] Customer: 我想查账单。\n"
        );
        assert_eq!(
            TextExporter::default().turns(false).export_to_string(&doc),
            "Channel 0: 您好，\nChannel 0: 请讲。\nChannel 1: 我想查账单。\n"
        );
    }
}
