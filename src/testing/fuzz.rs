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

/// `disfluency`: the first byte picks the options (mode, level, backchannels, languages), the
/// rest is a result JSON; when it parses, the stage never panics, `off` leaves it
/// byte-identical, and the output keeps the text identities where the input had them. The rest
/// is also run as the text of a sentence without words.
pub fn disfluency(data: &[u8]) {
    use crate::stages::disfluency::{DisfluencyRemover, Language, Level, Mode};
    use crate::text::{sentence_matches_words, transcript_matches_sentences};
    use crate::{Millis, Report, Sentence, Stage, Transcript};

    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let mode = [Mode::Off, Mode::Tag, Mode::Remove, Mode::Remove][usize::from(opts & 3)];
    let level = if opts & 4 == 0 {
        Level::Light
    } else {
        Level::Full
    };
    let languages: Vec<Language> = match opts >> 4 {
        0 => Language::ALL.to_vec(),
        n => Language::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| usize::from(n) & (1 << (i % 4)) != 0)
            .map(|(_, l)| l)
            .collect(),
    };
    let stage = DisfluencyRemover::builder()
        .mode(mode)
        .level(level)
        .backchannels(opts & 8 != 0)
        .languages(languages)
        .build()
        .expect("the fuzz options always name a language");
    if let Ok(mut doc) = Transcription::from_slice(rest) {
        let before = doc.to_json();
        let held: Vec<bool> = doc
            .transcripts
            .iter()
            .map(|t| {
                transcript_matches_sentences(t)
                    && t.sentences
                        .iter()
                        .all(|s| s.words.is_empty() || sentence_matches_words(s))
            })
            .collect();
        let mut report = Report::default();
        stage
            .process(&mut doc, &mut report)
            .expect("the stage does not fail");
        if mode == Mode::Off {
            assert_eq!(doc.to_json(), before, "off changed the document");
        }
        for (t, held) in doc.transcripts.iter().zip(held) {
            if held {
                assert!(transcript_matches_sentences(t), "transcript text identity");
                for s in &t.sentences {
                    assert!(
                        s.words.is_empty() || sentence_matches_words(s),
                        "sentence text identity"
                    );
                }
            }
        }
        let _ = report.to_json();
    }
    if let Ok(text) = std::str::from_utf8(rest) {
        let s = Sentence::from_text(Millis(0), Millis(1000), text);
        let mut doc = Transcription::new("", vec![Transcript::new(0, vec![s])]);
        let mut report = Report::default();
        stage
            .process(&mut doc, &mut report)
            .expect("the stage does not fail");
    }
}
