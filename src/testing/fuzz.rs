//! Bodies of the fuzz targets in `fuzz/`, shared with the test that runs them over the committed
//! seed corpus (`fuzz/seeds/<target>/`), so CI exercises them without a fuzzer.
//!
//! Each body panics only when an invariant breaks; bad input must give an `Err`, never a panic.

use crate::{ParseOptions, Transcription};

/// `parse`: any bytes give a document or an error, through every parser.
pub fn parse(data: &[u8]) {
    let _ = Transcription::from_slice(data);
    let _ = ParseOptions::new()
        .max_depth(8)
        .max_bytes(4096)
        .parse_slice(data);
    let _ = crate::task::TaskResponse::from_slice(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::realtime::Event::from_str(text);
        let _ = crate::realtime::Assembler::new().push(text);
    }
}

/// `sensitive`: arbitrary word lists, options and transcripts never panic the sensitive-word
/// stage, and the text identities and the masking character count hold.
pub fn sensitive(data: &[u8]) {
    use crate::stages::sensitive::{
        Action, Entry, MatchMode, RemovedPunctuation, SensitiveWordFilter,
    };
    use crate::text::{char_count, concat_words};
    use crate::{Millis, Report, Sentence, Stage, Transcript, Word};

    let mut u = arbitrary::Unstructured::new(data);
    let flags: u8 = u.arbitrary().unwrap_or(0);
    let mask: char = if flags & 1 != 0 {
        u.arbitrary().unwrap_or('*')
    } else {
        '*'
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut allow: Vec<Entry> = Vec::new();
    let mut all_mask = true;
    for _ in 0..u.int_in_range(0..=8u8).unwrap_or(0) {
        let word: String = u.arbitrary().unwrap_or_default();
        let action = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => Action::Mask,
            1 => Action::Remove,
            2 => Action::Replace(u.arbitrary().unwrap_or_default()),
            _ => Action::Tag,
        };
        all_mask &= action == Action::Mask;
        let mode = MatchMode::ALL[usize::from(u.int_in_range(0..=4u8).unwrap_or(0))];
        let entry = Entry::new(word, action).mode(mode);
        if u.ratio(1u8, 5).unwrap_or(false) {
            allow.push(entry);
        } else {
            entries.push(entry);
        }
    }
    let mut b = SensitiveWordFilter::builder();
    b.entries(entries.iter().cloned())
        .allow_entries(allow)
        .mask_char(mask)
        .case_insensitive(flags & 2 != 0)
        .fold_width(flags & 4 != 0)
        .skip_separators_in_cjk(flags & 8 != 0)
        .parallel(flags & 16 != 0)
        .removed_punctuation(if flags & 32 != 0 {
            RemovedPunctuation::Drop
        } else {
            RemovedPunctuation::Keep
        });
    let Ok(filter) = b.build() else {
        return;
    };

    // Sentences of words: arbitrary tokens, or the characters of an entry (one per word, as
    // paraformer-v2 writes Chinese), each with arbitrary punctuation.
    let mut sentences = Vec::new();
    let mut t = 0u64;
    for _ in 0..u.int_in_range(0..=4u8).unwrap_or(0) {
        let mut words = Vec::new();
        for _ in 0..u.int_in_range(0..=6u8).unwrap_or(0) {
            let punct: String = if u.ratio(1u8, 3).unwrap_or(false) {
                u.arbitrary().unwrap_or_default()
            } else {
                String::new()
            };
            let pick = u.choose_index(entries.len() + 1).unwrap_or(0);
            let tokens: Vec<String> = match entries.get(pick) {
                Some(e) => e.word.chars().map(String::from).collect(),
                None => vec![u.arbitrary().unwrap_or_default()],
            };
            let n = tokens.len();
            for (i, tok) in tokens.into_iter().enumerate() {
                let p = if i + 1 == n {
                    punct.clone()
                } else {
                    String::new()
                };
                words.push(Word::new(Millis(t), Millis(t + 10), tok, p));
                t += 10;
            }
        }
        if words.is_empty() {
            let text: String = u.arbitrary().unwrap_or_default();
            sentences.push(Sentence::from_text(Millis(t), Millis(t + 1), text));
        } else {
            sentences.push(Sentence::new(words));
        }
    }
    let doc = crate::Transcription::new("a.wav", vec![Transcript::new(0, sentences)]);
    let mut out = doc.clone();
    let mut report = Report::default();
    if filter.process(&mut out, &mut report).is_err() {
        return;
    }
    for (a, b) in out.transcripts.iter().zip(&doc.transcripts) {
        assert_eq!(a.text, crate::text::concat_sentences(&a.sentences));
        assert_eq!(a.sentences.len(), b.sentences.len());
        for (x, y) in a.sentences.iter().zip(&b.sentences) {
            if !x.words.is_empty() {
                assert_eq!(x.text, concat_words(&x.words), "sentence identity");
            }
            if all_mask && !mask.is_whitespace() {
                assert_eq!(
                    char_count(&x.text),
                    char_count(&y.text),
                    "mask keeps length"
                );
                assert_eq!(x.words.len(), y.words.len());
            }
        }
    }
    for e in report.events() {
        if let Some((a, b)) = e.words {
            assert!(a < b, "empty word range");
        }
    }
    for s in doc.transcripts.iter().flat_map(|t| &t.sentences) {
        let filtered = filter.filter_text(&s.text);
        if all_mask {
            assert_eq!(char_count(&filtered), char_count(&s.text));
        }
        for hit in filter.find(&s.text) {
            assert!(
                s.text.get(hit.range.clone()).is_some(),
                "hit on a char boundary"
            );
        }
    }
}
