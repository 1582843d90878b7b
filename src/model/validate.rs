//! Content checks: problems in the timeline or text that are data for the alignment stage, not
//! parse errors.

use serde::Serialize;

use super::Transcription;
use super::text::{sentence_matches_words, transcript_matches_sentences};
use crate::Millis;

/// Where in a document something is: channel (transcript index), sentence and word indices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Index into `transcripts`.
    pub transcript: usize,
    /// Index into `sentences`, when the finding is about a sentence or word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<usize>,
    /// Index into `words`, when the finding is about a word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word: Option<usize>,
}

impl Location {
    /// A transcript.
    pub fn transcript(t: usize) -> Self {
        Location {
            transcript: t,
            sentence: None,
            word: None,
        }
    }
    /// A sentence.
    pub fn sentence(t: usize, s: usize) -> Self {
        Location {
            transcript: t,
            sentence: Some(s),
            word: None,
        }
    }
    /// A word.
    pub fn word(t: usize, s: usize, w: usize) -> Self {
        Location {
            transcript: t,
            sentence: Some(s),
            word: Some(w),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "transcript {}", self.transcript)?;
        if let Some(s) = self.sentence {
            write!(f, ", sentence {s}")?;
        }
        if let Some(w) = self.word {
            write!(f, ", word {w}")?;
        }
        Ok(())
    }
}

/// One content problem found by [`Transcription::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where.
    pub location: Location,
    /// What.
    pub kind: FindingKind,
}

/// The kinds of content problems.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A word or sentence ends before it begins.
    EndBeforeBegin {
        /// Its begin time.
        begin: Millis,
        /// Its end time.
        end: Millis,
    },
    /// A word starts before the previous word of its sentence ends.
    WordOverlap {
        /// End of the previous word.
        previous_end: Millis,
        /// Begin of this word.
        begin: Millis,
    },
    /// A word lies (partly) outside its sentence's span.
    WordOutsideSentence,
    /// A sentence starts before the previous sentence of its channel starts.
    SentenceOutOfOrder,
    /// A sentence starts before the previous sentence of its channel ends.
    SentenceOverlap {
        /// End of the previous sentence.
        previous_end: Millis,
        /// Begin of this sentence.
        begin: Millis,
    },
    /// Something ends after the audio's stated duration.
    PastDuration {
        /// The end time.
        end: Millis,
        /// The audio's duration.
        duration: Millis,
    },
    /// A sentence's text differs from the concatenation of its words.
    SentenceTextMismatch,
    /// A transcript's text differs from the concatenation of its sentences.
    TranscriptTextMismatch,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.location)?;
        match &self.kind {
            FindingKind::EndBeforeBegin { begin, end } => {
                write!(f, "ends at {end} before it begins at {begin}")
            }
            FindingKind::WordOverlap {
                previous_end,
                begin,
            } => write!(
                f,
                "begins at {begin} before the previous word ends at {previous_end}"
            ),
            FindingKind::WordOutsideSentence => f.write_str("word lies outside its sentence"),
            FindingKind::SentenceOutOfOrder => {
                f.write_str("sentence begins before the previous one")
            }
            FindingKind::SentenceOverlap {
                previous_end,
                begin,
            } => write!(
                f,
                "begins at {begin} before the previous sentence ends at {previous_end}"
            ),
            FindingKind::PastDuration { end, duration } => {
                write!(f, "ends at {end}, past the audio's duration {duration}")
            }
            FindingKind::SentenceTextMismatch => {
                f.write_str("sentence text differs from its words")
            }
            FindingKind::TranscriptTextMismatch => {
                f.write_str("transcript text differs from its sentences")
            }
        }
    }
}

pub(crate) fn validate(doc: &Transcription<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let duration = doc.duration();
    let mut push = |location, kind| out.push(Finding { location, kind });
    for (ti, t) in doc.transcripts.iter().enumerate() {
        if !transcript_matches_sentences(t) {
            push(
                Location::transcript(ti),
                FindingKind::TranscriptTextMismatch,
            );
        }
        let mut prev: Option<(Millis, Millis)> = None;
        for (si, s) in t.sentences.iter().enumerate() {
            let loc = Location::sentence(ti, si);
            let (begin, end) = (s.begin_time, s.end_time);
            if end < begin {
                push(loc, FindingKind::EndBeforeBegin { begin, end });
            }
            if let Some((pb, pe)) = prev {
                if begin < pb {
                    push(loc, FindingKind::SentenceOutOfOrder);
                } else if begin < pe {
                    push(
                        loc,
                        FindingKind::SentenceOverlap {
                            previous_end: pe,
                            begin,
                        },
                    );
                }
            }
            prev = Some((begin, end));
            if let Some(d) = duration.filter(|&d| end > d) {
                push(loc, FindingKind::PastDuration { end, duration: d });
            }
            if !s.words.is_empty() && !sentence_matches_words(s) {
                push(loc, FindingKind::SentenceTextMismatch);
            }
            let mut prev_end: Option<Millis> = None;
            for (wi, w) in s.words.iter().enumerate() {
                let loc = Location::word(ti, si, wi);
                if w.end_time < w.begin_time {
                    push(
                        loc,
                        FindingKind::EndBeforeBegin {
                            begin: w.begin_time,
                            end: w.end_time,
                        },
                    );
                }
                if let Some(pe) = prev_end.filter(|&pe| w.begin_time < pe) {
                    push(
                        loc,
                        FindingKind::WordOverlap {
                            previous_end: pe,
                            begin: w.begin_time,
                        },
                    );
                }
                prev_end = Some(w.end_time);
                if w.begin_time < begin.min(end) || w.end_time > end.max(begin) {
                    push(loc, FindingKind::WordOutsideSentence);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_problem() {
        let json = r#"{"properties":{"original_duration_in_milliseconds":1000},"transcripts":[{"text":"ab",
          "sentences":[{"begin_time":500,"end_time":400,"text":"a","words":[{"begin_time":300,"end_time":350,"text":"a","punctuation":""}]},
                       {"begin_time":100,"end_time":1200,"text":"c","words":[{"begin_time":200,"end_time":150,"text":"b","punctuation":""},{"begin_time":100,"end_time":300,"text":"","punctuation":""}]}]}]}"#;
        let t = Transcription::from_str(json).unwrap();
        let kinds: Vec<_> = t
            .validate()
            .into_iter()
            .map(|f| (f.location, f.kind))
            .collect();
        use FindingKind::*;
        assert_eq!(
            kinds,
            vec![
                (Location::transcript(0), TranscriptTextMismatch),
                (
                    Location::sentence(0, 0),
                    EndBeforeBegin {
                        begin: Millis(500),
                        end: Millis(400)
                    }
                ),
                (Location::word(0, 0, 0), WordOutsideSentence),
                (Location::sentence(0, 1), SentenceOutOfOrder),
                (
                    Location::sentence(0, 1),
                    PastDuration {
                        end: Millis(1200),
                        duration: Millis(1000)
                    }
                ),
                (Location::sentence(0, 1), SentenceTextMismatch),
                (
                    Location::word(0, 1, 0),
                    EndBeforeBegin {
                        begin: Millis(200),
                        end: Millis(150)
                    }
                ),
                (
                    Location::word(0, 1, 1),
                    WordOverlap {
                        previous_end: Millis(150),
                        begin: Millis(100)
                    }
                ),
            ]
        );
    }
}
