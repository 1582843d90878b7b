//! The Paraformer result as borrowed Rust data.
//!
//! [`Transcription`] mirrors the JSON behind a task's `transcription_url`: one
//! [`Transcript`] per audio channel, each with [`Sentence`]s, each with [`Word`]s. Strings borrow
//! from the input (`Cow::Borrowed`) and own only where the JSON string had escapes or a stage
//! changed them. Every struct keeps the fields it does not know in an [`Extra`] list and keeps
//! track of which known fields were absent or `null`, so writing a parsed document back gives the
//! same JSON value.

use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::Millis;
use crate::error::{Error, Result};

mod extra;
pub(crate) mod parse;
pub mod realtime;
pub mod task;
pub mod text;
mod validate;
pub(crate) mod write;

pub use extra::{Extra, ExtraValue};
pub use parse::ParseOptions;
pub use validate::{Finding, FindingKind, Location};
pub use write::WriteOptions;

/// Which known fields of a struct were present in the input, and which were `null`.
///
/// The writer uses it to omit a field that was absent and to write `null` back where the input
/// had `null`, so a round trip gives the same JSON value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    present: u16,
    null: u16,
}

impl Shape {
    pub(crate) fn set_present(&mut self, field: u8) {
        self.present |= 1 << field;
    }
    pub(crate) fn set_null(&mut self, field: u8) {
        self.null |= 1 << field;
    }
    pub(crate) fn is_present(self, field: u8) -> bool {
        self.present & (1 << field) != 0
    }
    pub(crate) fn is_null(self, field: u8) -> bool {
        self.null & (1 << field) != 0
    }
    /// Marks every field as present: used for documents built in code, so the writer writes
    /// each field even at its default value.
    pub(crate) const ALL: Shape = Shape {
        present: u16::MAX,
        null: 0,
    };
}

/// One Paraformer result: the JSON document behind a `transcription_url`.
///
/// # Example
///
/// ```
/// use asrpost::Transcription;
///
/// let json = r#"{"file_url":"a.wav","properties":{"audio_format":"pcm_s16le","channels":[0],
///   "original_sampling_rate":16000,"original_duration_in_milliseconds":1000},
///   "transcripts":[{"channel_id":0,"content_duration_in_milliseconds":800,"text":"你好。",
///   "sentences":[{"begin_time":100,"end_time":900,"text":"你好。","sentence_id":1,
///   "words":[{"begin_time":100,"end_time":500,"text":"你","punctuation":""},
///            {"begin_time":500,"end_time":900,"text":"好","punctuation":"。"}]}]}]}"#;
/// let t = Transcription::from_str(json)?;
/// assert_eq!(t.transcripts[0].sentences[0].words[1].punctuation, "。");
/// let back: serde_json::Value = serde_json::from_str(&t.to_json())?;
/// assert_eq!(back, serde_json::from_str::<serde_json::Value>(json)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcription<'a> {
    /// The audio URL the result is for.
    pub file_url: Cow<'a, str>,
    /// Audio properties.
    pub properties: Properties<'a>,
    /// One transcript per transcribed channel.
    pub transcripts: Vec<Transcript<'a>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) shape: Shape,
}

/// The `properties` object: facts about the source audio.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties<'a> {
    /// `audio_format`, e.g. `pcm_s16le`, `aac`, `mp3`.
    pub audio_format: Cow<'a, str>,
    /// The source's track indices (`[0, 1]` for stereo).
    pub channels: Vec<u32>,
    /// `original_sampling_rate` in Hz.
    pub original_sampling_rate: Option<u32>,
    /// `original_duration_in_milliseconds`: the audio's length, when known.
    pub original_duration_in_milliseconds: Option<Millis>,
    pub(crate) extra: Extra<'a>,
    pub(crate) shape: Shape,
}

/// The transcript of one audio channel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript<'a> {
    /// 0-based channel index.
    pub channel_id: u32,
    /// Speech duration (the billing basis): Σ(sentence end − begin) on real results.
    pub content_duration_in_milliseconds: Option<Millis>,
    /// The whole channel's text: the concatenation of the sentences' texts.
    pub text: Cow<'a, str>,
    /// Sentences in time order.
    pub sentences: Vec<Sentence<'a>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) shape: Shape,
}

/// A sentence with its time span, optional speaker and words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sentence<'a> {
    /// Start, in ms from the start of the audio.
    pub begin_time: Millis,
    /// End, in ms from the start of the audio.
    pub end_time: Millis,
    /// The text: where there are words, the concatenation of `text + punctuation` of each.
    pub text: Cow<'a, str>,
    /// 1-based id (absent in SenseVoice results).
    pub sentence_id: Option<u64>,
    /// 0-based speaker from diarization (only with `diarization_enabled`).
    pub speaker_id: Option<i64>,
    /// Words (absent in SenseVoice results). Paraformer-v2 emits one Chinese character per word.
    pub words: Vec<Word<'a>>,
    pub(crate) extra: Extra<'a>,
    pub(crate) shape: Shape,
}

/// A recognized word (or, for Chinese from paraformer-v2, a single character).
///
/// Spaces are data: paraformer-v2 puts the space at the end of the word (`"Hello "`), Fun-ASR
/// at the start of the next one (`" World"`); `punctuation` is what follows the word.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Word<'a> {
    /// Start, in ms from the start of the audio.
    pub begin_time: Millis,
    /// End, in ms from the start of the audio.
    pub end_time: Millis,
    /// The word's text, spaces included.
    pub text: Cow<'a, str>,
    /// Punctuation after the word, `""` when there is none.
    pub punctuation: Cow<'a, str>,
    pub(crate) extra: Extra<'a>,
    pub(crate) shape: Shape,
}

/// Field names of each struct, in the order the service writes them. The index of a name is its
/// bit in [`Shape`].
pub(crate) mod keys {
    pub(crate) const TRANSCRIPTION: &[&str] = &["file_url", "properties", "transcripts"];
    pub(crate) const PROPERTIES: &[&str] = &[
        "audio_format",
        "channels",
        "original_sampling_rate",
        "original_duration_in_milliseconds",
    ];
    pub(crate) const TRANSCRIPT: &[&str] = &[
        "channel_id",
        "content_duration_in_milliseconds",
        "text",
        "sentences",
    ];
    pub(crate) const SENTENCE: &[&str] = &[
        "begin_time",
        "end_time",
        "text",
        "sentence_id",
        "speaker_id",
        "words",
    ];
    pub(crate) const WORD: &[&str] = &["begin_time", "end_time", "text", "punctuation"];
}

macro_rules! extra_accessors {
    ($ty:ident, $keys:expr) => {
        impl<'a> $ty<'a> {
            /// Fields of this object that asrpost does not model, in input order, plus
            /// enrichment added by stages.
            pub fn extra(&self) -> &Extra<'a> {
                &self.extra
            }

            /// Adds (or replaces) an enrichment field written after the known fields.
            ///
            /// # Errors
            ///
            /// Refuses a key that names a known field or a field that came with the input:
            /// enrichment never changes what the service wrote.
            pub fn enrich(&mut self, key: &str, value: serde_json::Value) -> Result<()> {
                refuse_known_key($keys, key)?;
                self.extra.insert(key, value)
            }

            /// Removes an enrichment field added by [`Self::enrich`], giving its value.
            /// Fields that came with the input stay.
            pub fn remove_enrichment(&mut self, key: &str) -> Option<serde_json::Value> {
                self.extra.remove_added(key)
            }
        }
    };
}

/// The error for an enrichment `key` that names one of the object's known fields, `keys`.
fn refuse_known_key(keys: &[&str], key: &str) -> Result<()> {
    match keys.contains(&key) {
        true => Err(Error::invalid(
            "enrichment key",
            format!("`{key}` is a field of the result"),
        )),
        false => Ok(()),
    }
}

/// `enrich_static` for the objects stages enrich with a key known when the code is written.
macro_rules! static_enrichment {
    ($ty:ident, $keys:expr) => {
        impl<'a> $ty<'a> {
            /// [`Self::enrich`] with a `'static` key, which is not copied: a stage that
            /// enriches many objects would copy the same key for each.
            pub(crate) fn enrich_static(
                &mut self,
                key: &'static str,
                value: serde_json::Value,
            ) -> Result<()> {
                refuse_known_key($keys, key)?;
                self.extra.insert_static(key, value)
            }
        }
    };
}

extra_accessors!(Transcription, keys::TRANSCRIPTION);
extra_accessors!(Properties, keys::PROPERTIES);
extra_accessors!(Transcript, keys::TRANSCRIPT);
extra_accessors!(Sentence, keys::SENTENCE);
extra_accessors!(Word, keys::WORD);
static_enrichment!(Sentence, keys::SENTENCE);
static_enrichment!(Word, keys::WORD);

impl<'a> Transcription<'a> {
    /// A document built in code. Every known field is written, even at its default.
    pub fn new(file_url: impl Into<Cow<'a, str>>, transcripts: Vec<Transcript<'a>>) -> Self {
        Transcription {
            file_url: file_url.into(),
            properties: Properties::new(),
            transcripts,
            extra: Extra::default(),
            shape: Shape::ALL,
        }
    }

    /// Parses a result from a string, borrowing from it.
    ///
    /// # Errors
    ///
    /// A JSON error with line and column when the text is not JSON or not a result object.
    #[allow(clippy::should_implement_trait)] // it borrows from the input, `FromStr` cannot
    pub fn from_str(json: &'a str) -> Result<Self> {
        ParseOptions::new().parse_str(json)
    }

    /// Parses a result from bytes (UTF-8, an optional byte-order mark), borrowing from them.
    ///
    /// # Errors
    ///
    /// A UTF-8 error with the byte offset, or a JSON error with line and column.
    pub fn from_slice(json: &'a [u8]) -> Result<Self> {
        ParseOptions::new().parse_slice(json)
    }

    /// The compact JSON form, as the service writes it (CJK raw).
    pub fn to_json(&self) -> String {
        WriteOptions::new().to_string(self)
    }

    /// The indented JSON form.
    pub fn to_json_pretty(&self) -> String {
        WriteOptions::new().pretty(true).to_string(self)
    }

    /// Detaches the document from its input buffer.
    pub fn into_owned(self) -> Transcription<'static> {
        Transcription {
            file_url: own(self.file_url),
            properties: self.properties.into_owned(),
            transcripts: self
                .transcripts
                .into_iter()
                .map(Transcript::into_owned)
                .collect(),
            extra: self.extra.into_owned(),
            shape: self.shape,
        }
    }

    /// The audio's duration when the result states it.
    pub fn duration(&self) -> Option<Millis> {
        self.properties.original_duration_in_milliseconds
    }

    /// Content problems: inverted times, words outside their sentence, text that does not match
    /// its words, sentences out of order. See [`Finding`].
    pub fn validate(&self) -> Vec<Finding> {
        validate::validate(self)
    }

    /// Number of sentences over all channels.
    pub fn sentence_count(&self) -> usize {
        self.transcripts.iter().map(|t| t.sentences.len()).sum()
    }

    /// Number of words over all channels.
    pub fn word_count(&self) -> usize {
        self.transcripts
            .iter()
            .flat_map(|t| &t.sentences)
            .map(|s| s.words.len())
            .sum()
    }
}

impl<'a> Properties<'a> {
    /// Empty properties built in code.
    pub fn new() -> Self {
        Properties {
            shape: Shape::ALL,
            ..Properties::default()
        }
    }

    /// Detaches from the input buffer.
    pub fn into_owned(self) -> Properties<'static> {
        Properties {
            audio_format: own(self.audio_format),
            channels: self.channels,
            original_sampling_rate: self.original_sampling_rate,
            original_duration_in_milliseconds: self.original_duration_in_milliseconds,
            extra: self.extra.into_owned(),
            shape: self.shape,
        }
    }
}

impl<'a> Transcript<'a> {
    /// A transcript built in code; its text is the concatenation of the sentences' texts and its
    /// content duration their summed spans.
    pub fn new(channel_id: u32, sentences: Vec<Sentence<'a>>) -> Self {
        let mut t = Transcript {
            channel_id,
            content_duration_in_milliseconds: None,
            text: Cow::Borrowed(""),
            sentences,
            extra: Extra::default(),
            shape: Shape::ALL,
        };
        t.text = Cow::Owned(text::concat_sentences(&t.sentences));
        t.content_duration_in_milliseconds = Some(
            t.sentences
                .iter()
                .map(|s| s.end_time.saturating_sub(s.begin_time))
                .fold(Millis::ZERO, |a, b| a + b),
        );
        t
    }

    /// Rebuilds `text` from the sentences, only if it differs (keeping it borrowed otherwise).
    /// Returns whether it changed.
    pub fn rebuild_text(&mut self) -> bool {
        text::rebuild_transcript_text(self)
    }

    /// Detaches from the input buffer.
    pub fn into_owned(self) -> Transcript<'static> {
        Transcript {
            channel_id: self.channel_id,
            content_duration_in_milliseconds: self.content_duration_in_milliseconds,
            text: own(self.text),
            sentences: self
                .sentences
                .into_iter()
                .map(Sentence::into_owned)
                .collect(),
            extra: self.extra.into_owned(),
            shape: self.shape,
        }
    }
}

impl<'a> Sentence<'a> {
    /// A sentence built in code from its words: text and bounds follow the words. With no words,
    /// the text is empty and the bounds zero; set them afterwards.
    pub fn new(words: Vec<Word<'a>>) -> Self {
        let mut s = Sentence {
            begin_time: words.first().map_or(Millis::ZERO, |w| w.begin_time),
            end_time: words.last().map_or(Millis::ZERO, |w| w.end_time),
            text: Cow::Borrowed(""),
            sentence_id: None,
            speaker_id: None,
            words,
            extra: Extra::default(),
            shape: Shape::ALL,
        };
        s.text = Cow::Owned(text::concat_words(&s.words));
        s
    }

    /// A sentence with text and times but no words (as SenseVoice writes them).
    pub fn from_text(begin: Millis, end: Millis, text: impl Into<Cow<'a, str>>) -> Self {
        Sentence {
            begin_time: begin,
            end_time: end,
            text: text.into(),
            words: Vec::new(),
            shape: Shape::ALL,
            ..Sentence::default()
        }
    }

    /// Sets the sentence id.
    pub fn with_id(mut self, id: u64) -> Self {
        self.sentence_id = Some(id);
        self
    }

    /// Sets the speaker id.
    pub fn with_speaker(mut self, speaker: i64) -> Self {
        self.speaker_id = Some(speaker);
        self
    }

    /// Rebuilds `text` from the words when they exist and it differs (keeping it borrowed
    /// otherwise). Returns whether it changed.
    pub fn rebuild_text(&mut self) -> bool {
        text::rebuild_sentence_text(self)
    }

    /// The sentence's span.
    pub fn range(&self) -> crate::TimeRange {
        crate::TimeRange::new(self.begin_time, self.end_time)
    }

    /// Sets the sentence's bounds to its first word's begin and last word's end, after words
    /// were removed. A sentence without words keeps its bounds. Returns whether they changed.
    pub fn fit_bounds_to_words(&mut self) -> bool {
        let (Some(first), Some(last)) = (self.words.first(), self.words.last()) else {
            return false;
        };
        let (begin, end) = (first.begin_time, last.end_time.max(first.begin_time));
        let changed = (begin, end) != (self.begin_time, self.end_time);
        self.begin_time = begin;
        self.end_time = end;
        changed
    }

    /// Detaches from the input buffer.
    pub fn into_owned(self) -> Sentence<'static> {
        Sentence {
            begin_time: self.begin_time,
            end_time: self.end_time,
            text: own(self.text),
            sentence_id: self.sentence_id,
            speaker_id: self.speaker_id,
            words: self.words.into_iter().map(Word::into_owned).collect(),
            extra: self.extra.into_owned(),
            shape: self.shape,
        }
    }
}

impl<'a> Word<'a> {
    /// A word built in code.
    pub fn new(
        begin: Millis,
        end: Millis,
        text: impl Into<Cow<'a, str>>,
        punctuation: impl Into<Cow<'a, str>>,
    ) -> Self {
        Word {
            begin_time: begin,
            end_time: end,
            text: text.into(),
            punctuation: punctuation.into(),
            extra: Extra::default(),
            shape: Shape::ALL,
        }
    }

    /// The word's span.
    pub fn range(&self) -> crate::TimeRange {
        crate::TimeRange::new(self.begin_time, self.end_time)
    }

    /// Detaches from the input buffer.
    pub fn into_owned(self) -> Word<'static> {
        Word {
            begin_time: self.begin_time,
            end_time: self.end_time,
            text: own(self.text),
            punctuation: own(self.punctuation),
            extra: self.extra.into_owned(),
            shape: self.shape,
        }
    }
}

/// Turns a borrowed string into an owned one with any lifetime.
pub(crate) fn own<'b>(s: Cow<'_, str>) -> Cow<'b, str> {
    Cow::Owned(s.into_owned())
}

/// Owned copy of a borrowed raw JSON value.
pub(crate) fn own_raw<'b>(raw: Cow<'_, RawValue>) -> Cow<'b, RawValue> {
    Cow::Owned(raw.into_owned())
}
