//! Real-time recognition events (`result-generated` frames over WebSocket) and an assembler that
//! turns them into a [`Transcription`] of final sentences.
//!
//! # Example
//!
//! ```
//! use asrpost::realtime::Assembler;
//!
//! let mut asm = Assembler::new();
//! asm.push(r#"{"header":{"task_id":"t","event":"result-generated"},"payload":{"output":{"sentence":
//!   {"sentence_id":1,"begin_time":0,"end_time":null,"text":"你好","sentence_end":false,"words":[]}}}}"#)?;
//! asm.push(r#"{"header":{"task_id":"t","event":"result-generated"},"payload":{"output":{"sentence":
//!   {"sentence_id":1,"begin_time":0,"end_time":900,"text":"你好。","sentence_end":true,
//!    "words":[{"begin_time":0,"end_time":400,"text":"你","punctuation":""},
//!             {"begin_time":400,"end_time":900,"text":"好","punctuation":"。"}]}}}}"#)?;
//! let doc = asm.finish();
//! assert_eq!(doc.transcripts[0].text, "你好。");
//! assert_eq!(doc.transcripts[0].sentences.len(), 1);
//! # Ok::<(), asrpost::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::{Sentence, Transcript, Transcription, Word};
use crate::error::{Error, ErrorKind, Result};
use crate::{Millis, ParseOptions};

/// One server event of the real-time protocol.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Event {
    /// The header: task id, event name, and errors for `task-failed`.
    #[serde(default)]
    pub header: EventHeader,
    /// The payload; only `result-generated` carries a sentence.
    #[serde(default)]
    pub payload: Option<EventPayload>,
}

/// The `header` of an event.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventHeader {
    /// The task id the client chose (any string).
    #[serde(default)]
    pub task_id: String,
    /// `task-started`, `result-generated`, `task-finished` or `task-failed`.
    #[serde(default)]
    pub event: String,
    /// Error code of `task-failed`.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Error message of `task-failed`.
    #[serde(default)]
    pub error_message: Option<String>,
}

/// The `payload` of an event.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventPayload {
    /// The output.
    #[serde(default)]
    pub output: Option<EventOutput>,
    /// Billed seconds, on some frames.
    #[serde(default)]
    pub usage: Option<super::task::Usage>,
}

/// The `payload.output` of an event.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventOutput {
    /// The sentence, partial or final.
    #[serde(default)]
    pub sentence: Option<EventSentence>,
}

/// A sentence in a `result-generated` frame.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventSentence {
    /// The key for updates: a later frame with the same id replaces the earlier one.
    #[serde(default)]
    pub sentence_id: u64,
    /// Start in ms.
    #[serde(default)]
    pub begin_time: Millis,
    /// End in ms; `null` on partial frames (and sometimes on final ones).
    #[serde(default)]
    pub end_time: Option<Millis>,
    /// The text so far.
    #[serde(default)]
    pub text: String,
    /// The channel.
    #[serde(default)]
    pub channel_id: Option<u32>,
    /// The speaker, when known.
    #[serde(default)]
    pub speaker_id: Option<i64>,
    /// `true` on the final frame of a sentence (accepted as a bool or the string `"true"`).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub sentence_end: bool,
    /// Heartbeat frames carry no speech and are skipped.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub heartbeat: bool,
    /// Words so far.
    #[serde(default)]
    pub words: Vec<EventWord>,
    /// The start of the next sentence, carried on a final frame.
    #[serde(default)]
    pub stash: Option<Stash>,
}

/// A word in a real-time frame.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct EventWord {
    /// Start in ms.
    #[serde(default)]
    pub begin_time: Millis,
    /// End in ms.
    #[serde(default)]
    pub end_time: Option<Millis>,
    /// Text.
    #[serde(default)]
    pub text: String,
    /// Punctuation after the word.
    #[serde(default, deserialize_with = "null_string")]
    pub punctuation: String,
}

/// The start of the next sentence carried on a final frame.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Stash {
    /// The next sentence's id.
    #[serde(default)]
    pub sentence_id: u64,
    /// Its start in ms.
    #[serde(default)]
    pub begin_time: Millis,
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Str(String),
    }
    Ok(match Option::<B>::deserialize(d)? {
        Some(B::Bool(b)) => b,
        Some(B::Str(s)) => s.eq_ignore_ascii_case("true"),
        None => false,
    })
}

fn null_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl Event {
    /// Parses one event frame.
    ///
    /// # Errors
    ///
    /// A JSON error with line and column.
    #[allow(clippy::should_implement_trait)] // mirrors `Transcription::from_str`
    pub fn from_str(json: &str) -> Result<Event> {
        ParseOptions::new().parse(json)
    }

    /// The sentence of a `result-generated` frame.
    pub fn sentence(&self) -> Option<&EventSentence> {
        self.payload.as_ref()?.output.as_ref()?.sentence.as_ref()
    }
}

/// Collects real-time events into final sentences, replacing by `(channel, sentence_id)`.
#[derive(Clone, Debug, Default)]
pub struct Assembler {
    finals: BTreeMap<(u32, u64), Sentence<'static>>,
    partial: Option<EventSentence>,
}

impl Assembler {
    /// An empty assembler.
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// Feeds one event frame.
    ///
    /// # Errors
    ///
    /// A JSON error for a frame that does not parse, or [`ErrorKind::Service`] for a
    /// `task-failed` event (with its code and message).
    pub fn push(&mut self, frame: &str) -> Result<()> {
        self.push_event(Event::from_str(frame)?)
    }

    /// Feeds one parsed event.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Service`] for a `task-failed` event.
    pub fn push_event(&mut self, event: Event) -> Result<()> {
        if event.header.event == "task-failed" {
            return Err(Error::from(ErrorKind::Service(format!(
                "real-time task failed: {}: {}",
                event.header.error_code.unwrap_or_default(),
                event.header.error_message.unwrap_or_default()
            ))));
        }
        let Some(s) = event.sentence() else {
            return Ok(());
        };
        if s.heartbeat {
            return Ok(());
        }
        if !s.sentence_end {
            self.partial = Some(s.clone());
            return Ok(());
        }
        let sentence = final_sentence(s);
        self.finals
            .insert((s.channel_id.unwrap_or(0), s.sentence_id), sentence);
        if self.partial.as_ref().map(|p| p.sentence_id) == Some(s.sentence_id) {
            self.partial = None;
        }
        Ok(())
    }

    /// The latest partial (not yet final) sentence, for live display.
    pub fn partial(&self) -> Option<&EventSentence> {
        self.partial.as_ref()
    }

    /// The final sentences as a document: one transcript per channel, sentences by id.
    pub fn finish(self) -> Transcription<'static> {
        let mut by_channel: BTreeMap<u32, Vec<Sentence<'static>>> = BTreeMap::new();
        for ((channel, _), s) in self.finals {
            by_channel.entry(channel).or_default().push(s);
        }
        if by_channel.is_empty() {
            by_channel.insert(0, Vec::new());
        }
        let transcripts = by_channel
            .into_iter()
            .map(|(ch, sentences)| Transcript::new(ch, sentences))
            .collect();
        Transcription::new("", transcripts)
    }
}

/// A final frame's sentence. Trusts `sentence_end`, not `end_time`: a final frame without an
/// end takes the last word's end, else the stash's begin, else its own begin.
fn final_sentence(s: &EventSentence) -> Sentence<'static> {
    let words: Vec<Word<'static>> = s
        .words
        .iter()
        .map(|w| {
            Word::new(
                w.begin_time,
                w.end_time.unwrap_or(w.begin_time),
                w.text.clone(),
                w.punctuation.clone(),
            )
        })
        .collect();
    let end = s
        .end_time
        .or_else(|| words.last().map(|w| w.end_time))
        .or_else(|| s.stash.as_ref().map(|st| st.begin_time))
        .unwrap_or(s.begin_time);
    let mut sentence = Sentence::from_text(s.begin_time, end, s.text.clone());
    sentence.words = words;
    sentence.sentence_id = Some(s.sentence_id);
    sentence.speaker_id = s.speaker_id;
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_sample_parses() {
        let e = Event::from_str(include_str!(
            "../../examples/data/realtime_result_generated_partial.json"
        ))
        .unwrap();
        let s = e.sentence().unwrap();
        assert_eq!(s.end_time, None);
        assert!(!s.sentence_end);
        assert_eq!(s.words.len(), 3);
    }

    #[test]
    fn string_false_and_failed_task() {
        let e = Event::from_str(
            r#"{"payload":{"output":{"sentence":{"sentence_end":"false","heartbeat":"true"}}}}"#,
        )
        .unwrap();
        assert!(!e.sentence().unwrap().sentence_end);
        assert!(e.sentence().unwrap().heartbeat);
        let mut asm = Assembler::new();
        let err = asm
            .push(r#"{"header":{"event":"task-failed","error_code":"X","error_message":"boom"}}"#)
            .unwrap_err();
        assert!(err.to_string().contains("X: boom"));
    }

    #[test]
    fn final_without_end_uses_last_word() {
        let mut asm = Assembler::new();
        asm.push(r#"{"payload":{"output":{"sentence":{"sentence_id":2,"begin_time":10,"end_time":null,"text":"a","sentence_end":true,"words":[{"begin_time":10,"end_time":70,"text":"a","punctuation":null}]}}}}"#).unwrap();
        let doc = asm.finish();
        assert_eq!(doc.transcripts[0].sentences[0].end_time, Millis(70));
    }
}
