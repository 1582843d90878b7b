//! Writing results back to JSON, losslessly.
//!
//! Known fields come first in the service's order, then the fields asrpost does not model (raw,
//! as they came), then enrichment added by stages. A field absent from the input is written only
//! once a stage gives it a value; a `null` stays `null` until then.

use std::borrow::Cow;
use std::io;

use serde_json::value::RawValue;

use super::{
    Extra, ExtraValue, Properties, Sentence, Shape, Transcript, Transcription, Word, keys,
};
use crate::Millis;

/// How to write JSON.
///
/// # Example
///
/// ```
/// use asrpost::{Transcription, WriteOptions};
///
/// let t = Transcription::from_str(r#"{"file_url":"会议.wav"}"#)?;
/// assert_eq!(t.to_json(), r#"{"file_url":"会议.wav"}"#);
/// let ascii = WriteOptions::new().escape_non_ascii(true).to_string(&t);
/// assert_eq!(ascii, r#"{"file_url":"\u4f1a\u8bae.wav"}"#);
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    pretty: bool,
    escape_non_ascii: bool,
}

impl WriteOptions {
    /// Compact output with raw UTF-8, as the service writes it.
    pub const fn new() -> Self {
        WriteOptions {
            pretty: false,
            escape_non_ascii: false,
        }
    }

    /// Indent with two spaces. By default, compact.
    pub const fn pretty(mut self, yes: bool) -> Self {
        self.pretty = yes;
        self
    }

    /// Write every non-ASCII character as a `\u` escape. By default, CJK and other text is
    /// written as raw UTF-8.
    pub const fn escape_non_ascii(mut self, yes: bool) -> Self {
        self.escape_non_ascii = yes;
        self
    }

    /// Writes the document into a new string.
    pub fn to_string(&self, t: &Transcription<'_>) -> String {
        let mut out = String::with_capacity(estimate(t));
        self.write_to_string(t, &mut out);
        out
    }

    /// Appends the document to `out` (reuse one buffer across documents).
    pub fn write_to_string(&self, t: &Transcription<'_>, out: &mut String) {
        let mut w = JsonWriter {
            out,
            opts: *self,
            indent: 0,
            sink: None,
        };
        t.write_json(&mut w);
    }

    /// Writes the document to an `io::Write`.
    ///
    /// # Errors
    ///
    /// Any error of the writer.
    /// The output goes out in chunks of about 64 KiB, so writing a large document to a file
    /// needs no copy of it in memory.
    pub fn to_writer(&self, t: &Transcription<'_>, mut wtr: impl io::Write) -> io::Result<()> {
        let mut out = String::with_capacity(FLUSH_AT + 4096);
        let mut w = JsonWriter {
            out: &mut out,
            opts: *self,
            indent: 0,
            sink: Some(Sink {
                wtr: &mut wtr,
                error: None,
            }),
        };
        t.write_json(&mut w);
        if let Some(e) = w.sink.and_then(|s| s.error) {
            return Err(e);
        }
        wtr.write_all(out.as_bytes())
    }
}

/// A rough output size, so the buffer rarely grows.
fn estimate(t: &Transcription<'_>) -> usize {
    256 + t
        .transcripts
        .iter()
        .map(|tr| {
            tr.text.len() * 2
                + tr.sentences.len() * 160
                + 80 * tr.sentences.iter().map(|s| s.words.len()).sum::<usize>()
        })
        .sum::<usize>()
}

/// [`WriteOptions::to_writer`] passes the buffer on once it holds this many bytes.
const FLUSH_AT: usize = 64 * 1024;

pub(crate) struct JsonWriter<'o> {
    out: &'o mut String,
    opts: WriteOptions,
    indent: usize,
    /// Where the buffer goes when it is full, when writing to an `io::Write`.
    sink: Option<Sink<'o>>,
}

pub(crate) struct Sink<'o> {
    wtr: &'o mut dyn io::Write,
    /// The first write error; later output is dropped.
    error: Option<io::Error>,
}

impl<'o> JsonWriter<'o> {
    /// Passes a full buffer on to the sink. Called between array elements, where every
    /// string written so far is complete.
    fn flush_full(&mut self) {
        if let Some(sink) = &mut self.sink {
            if self.out.len() >= FLUSH_AT {
                if sink.error.is_none() {
                    if let Err(e) = sink.wtr.write_all(self.out.as_bytes()) {
                        sink.error = Some(e);
                    }
                }
                self.out.clear();
            }
        }
    }

    fn newline(&mut self) {
        if self.opts.pretty {
            self.out.push('\n');
            for _ in 0..self.indent {
                self.out.push_str("  ");
            }
        }
    }

    fn object(&mut self) -> ObjectWriter<'_, 'o> {
        self.out.push('{');
        self.indent += 1;
        ObjectWriter {
            w: self,
            first: true,
        }
    }

    fn array<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.out.push('[');
        if items.is_empty() {
            self.out.push(']');
            return;
        }
        self.indent += 1;
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.newline();
            each(self, item);
            self.flush_full();
        }
        self.indent -= 1;
        self.newline();
        self.out.push(']');
    }

    fn u64(&mut self, n: u64) {
        crate::time::push_decimal(n, self.out);
    }

    fn i64(&mut self, n: i64) {
        if n < 0 {
            self.out.push('-');
        }
        self.u64(n.unsigned_abs());
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.out.push('"');
        let ascii = self.opts.escape_non_ascii;
        let clean = s
            .bytes()
            .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && (!ascii || b < 0x80));
        if clean {
            self.out.push_str(s);
        } else {
            for c in s.chars() {
                match c {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    '\n' => self.out.push_str("\\n"),
                    '\r' => self.out.push_str("\\r"),
                    '\t' => self.out.push_str("\\t"),
                    c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => self.escape_char(c),
                    c => self.out.push(c),
                }
            }
        }
        self.out.push('"');
    }

    fn escape_char(&mut self, c: char) {
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            self.out.push_str(&format!("\\u{unit:04x}"));
        }
    }

    fn raw(&mut self, raw: &RawValue) {
        let text = raw.get();
        if self.opts.escape_non_ascii && !text.is_ascii() {
            // Non-ASCII can only stand inside strings in JSON text, so escaping each such
            // character in place keeps the value the same.
            for c in text.chars() {
                if c.is_ascii() {
                    self.out.push(c);
                } else {
                    self.escape_char(c);
                }
            }
        } else {
            self.out.push_str(text);
        }
    }

    fn value(&mut self, v: &serde_json::Value) {
        let text = if self.opts.pretty {
            serde_json::to_string_pretty(v)
        } else {
            serde_json::to_string(v)
        };
        // Serializing a `Value` to a string cannot fail (its map keys are strings).
        let text = text.unwrap_or_default();
        match RawValue::from_string(text) {
            Ok(raw) => self.raw(&raw),
            Err(_) => self.out.push_str("null"),
        }
    }
}

struct ObjectWriter<'w, 'o> {
    w: &'w mut JsonWriter<'o>,
    first: bool,
}

impl<'o> ObjectWriter<'_, 'o> {
    fn key(&mut self, key: &str) -> &mut JsonWriter<'o> {
        if !self.first {
            self.w.out.push(',');
        }
        self.first = false;
        self.w.newline();
        self.w.str(key);
        self.w.out.push(':');
        if self.w.opts.pretty {
            self.w.out.push(' ');
        }
        self.w
    }

    /// Writes known field `bit` by the round-trip rule: a present field always, a `null` one as
    /// `null` while it still has its default, an absent one only once it has a value.
    /// An unset optional field is written only as the `null` it was in the input.
    fn field<F: Field + ?Sized>(&mut self, shape: Shape, names: &[&str], bit: u8, value: &F) {
        let name = names[bit as usize];
        if value.is_unset() {
            if shape.is_null(bit) {
                self.key(name).out.push_str("null");
            }
        } else if shape.is_present(bit) || !value.is_default() {
            value.write(self.key(name));
        } else if shape.is_null(bit) {
            self.key(name).out.push_str("null");
        }
    }

    fn extra(&mut self, extra: &Extra<'_>) {
        for (key, value) in extra.iter() {
            match value {
                ExtraValue::Input(raw) => self.key(key).raw(raw),
                ExtraValue::Added(v) => self.key(key).value(v),
            }
        }
    }

    fn end(self) {
        self.w.indent -= 1;
        if !self.first {
            self.w.newline();
        }
        self.w.out.push('}');
    }
}

/// A value of a known field.
trait Field {
    fn is_default(&self) -> bool;
    /// An optional field without a value.
    fn is_unset(&self) -> bool {
        false
    }
    fn write(&self, w: &mut JsonWriter<'_>);
}

impl Field for Millis {
    fn is_default(&self) -> bool {
        self.0 == 0
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.u64(self.0);
    }
}

impl Field for u32 {
    fn is_default(&self) -> bool {
        *self == 0
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.u64(u64::from(*self));
    }
}

impl Field for u64 {
    fn is_default(&self) -> bool {
        *self == 0
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.u64(*self);
    }
}

impl Field for i64 {
    fn is_default(&self) -> bool {
        *self == 0
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.i64(*self);
    }
}

impl Field for Cow<'_, str> {
    fn is_default(&self) -> bool {
        self.is_empty()
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.str(self);
    }
}

impl<T: Field> Field for Option<T> {
    fn is_default(&self) -> bool {
        self.is_none()
    }
    fn is_unset(&self) -> bool {
        self.is_none()
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        match self {
            Some(v) => v.write(w),
            None => w.out.push_str("null"),
        }
    }
}

impl<T: Field> Field for Vec<T> {
    fn is_default(&self) -> bool {
        self.is_empty()
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        w.array(self, |w, item| item.write(w));
    }
}

impl Field for Properties<'_> {
    fn is_default(&self) -> bool {
        self.shape == Shape::default()
            && self.audio_format.is_empty()
            && self.channels.is_empty()
            && self.original_sampling_rate.is_none()
            && self.original_duration_in_milliseconds.is_none()
            && self.extra.is_empty()
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        let (s, k) = (self.shape, keys::PROPERTIES);
        let mut o = w.object();
        o.field(s, k, 0, &self.audio_format);
        o.field(s, k, 1, &self.channels);
        o.field(s, k, 2, &self.original_sampling_rate);
        o.field(s, k, 3, &self.original_duration_in_milliseconds);
        o.extra(&self.extra);
        o.end();
    }
}

impl Field for Transcript<'_> {
    fn is_default(&self) -> bool {
        false
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        let (s, k) = (self.shape, keys::TRANSCRIPT);
        let mut o = w.object();
        o.field(s, k, 0, &self.channel_id);
        o.field(s, k, 1, &self.content_duration_in_milliseconds);
        o.field(s, k, 2, &self.text);
        o.field(s, k, 3, &self.sentences);
        o.extra(&self.extra);
        o.end();
    }
}

impl Field for Sentence<'_> {
    fn is_default(&self) -> bool {
        false
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        let (s, k) = (self.shape, keys::SENTENCE);
        let mut o = w.object();
        o.field(s, k, 0, &self.begin_time);
        o.field(s, k, 1, &self.end_time);
        o.field(s, k, 2, &self.text);
        o.field(s, k, 3, &self.sentence_id);
        o.field(s, k, 4, &self.speaker_id);
        o.field(s, k, 5, &self.words);
        o.extra(&self.extra);
        o.end();
    }
}

impl Field for Word<'_> {
    fn is_default(&self) -> bool {
        false
    }
    fn write(&self, w: &mut JsonWriter<'_>) {
        let (s, k) = (self.shape, keys::WORD);
        let mut o = w.object();
        o.field(s, k, 0, &self.begin_time);
        o.field(s, k, 1, &self.end_time);
        o.field(s, k, 2, &self.text);
        o.field(s, k, 3, &self.punctuation);
        o.extra(&self.extra);
        o.end();
    }
}

impl Transcription<'_> {
    pub(crate) fn write_json(&self, w: &mut JsonWriter<'_>) {
        let (s, k) = (self.shape, keys::TRANSCRIPTION);
        let mut o = w.object();
        o.field(s, k, 0, &self.file_url);
        o.field(s, k, 1, &self.properties);
        o.field(s, k, 2, &self.transcripts);
        o.extra(&self.extra);
        o.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long document built in code: 2 000 sentences of 20 words, some with escapes.
    fn long_document() -> Transcription<'static> {
        let sentences = (0..2000u64)
            .map(|i| {
                let words = (0..20u64)
                    .map(|j| {
                        let t = Millis(i * 10_000 + j * 300);
                        let text = if j == 7 { "\"引号\" " } else { "字" };
                        super::super::Word::new(t, t + Millis(300), text, "")
                    })
                    .collect();
                super::super::Sentence::new(words).with_id(i + 1)
            })
            .collect();
        Transcription::new("a.wav", vec![Transcript::new(0, sentences)])
    }

    #[test]
    fn to_writer_streams_the_same_bytes() {
        let doc = long_document();
        for opts in [
            WriteOptions::new(),
            WriteOptions::new().pretty(true),
            WriteOptions::new().escape_non_ascii(true),
        ] {
            let expected = opts.to_string(&doc);
            assert!(expected.len() > 4 * FLUSH_AT);
            let mut chunks = Vec::new();
            struct Chunks<'a>(&'a mut Vec<usize>, Vec<u8>);
            impl io::Write for Chunks<'_> {
                fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                    self.0.push(buf.len());
                    self.1.extend_from_slice(buf);
                    Ok(buf.len())
                }
                fn flush(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            let mut sink = Chunks(&mut chunks, Vec::new());
            opts.to_writer(&doc, &mut sink).unwrap();
            assert_eq!(String::from_utf8(sink.1).unwrap(), expected);
            // Streamed in pieces, none much bigger than the flush size but the first, which
            // holds the whole transcript text.
            assert!(chunks.len() > 4);
            assert!(
                chunks[1..].iter().all(|&n| n < FLUSH_AT + 4096),
                "{chunks:?}"
            );
        }
    }

    #[test]
    fn to_writer_reports_the_first_error() {
        struct Full;
        impl io::Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let err = WriteOptions::new()
            .to_writer(&long_document(), Full)
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
    }

    fn roundtrip(json: &str) -> String {
        Transcription::from_str(json).unwrap().to_json()
    }

    #[test]
    fn absent_null_and_present_are_kept() {
        for json in [
            r#"{}"#,
            r#"{"file_url":null}"#,
            r#"{"file_url":""}"#,
            r#"{"transcripts":[{"sentences":[{"speaker_id":null,"words":[]}]}]}"#,
            r#"{"properties":{"channels":[0,1],"x":{"deep":[1,2,"三"]}},"y":true}"#,
        ] {
            assert_eq!(roundtrip(json), json);
        }
    }

    #[test]
    fn escapes_are_written_back() {
        let json = r#"{"file_url":"a\"b\\c\n\u0001\u003c"}"#;
        let back: serde_json::Value = serde_json::from_str(&roundtrip(json)).unwrap();
        assert_eq!(back["file_url"], "a\"b\\c\n\u{1}<");
    }

    #[test]
    fn ascii_escape_covers_astral_and_raw_fields() {
        let t = Transcription::from_str(r#"{"file_url":"😀","z":"中"}"#).unwrap();
        let out = WriteOptions::new().escape_non_ascii(true).to_string(&t);
        assert_eq!(out, r#"{"file_url":"\ud83d\ude00","z":"\u4e2d"}"#);
    }

    #[test]
    fn pretty_is_valid_json() {
        let json = r#"{"file_url":"a","properties":{"channels":[]},"transcripts":[{"text":"x","sentences":[]}],"e":{}}"#;
        let t = Transcription::from_str(json).unwrap();
        let pretty = t.to_json_pretty();
        assert!(pretty.contains("\n  \"properties\": {"));
        let a: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        let b: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn built_documents_omit_unset_options() {
        let s = Sentence::new(vec![Word::new(Millis(0), Millis(5), "a", "")]);
        let doc = Transcription::new("u", vec![Transcript::new(0, vec![s])]);
        let json = doc.to_json();
        assert!(
            !json.contains("speaker_id") && !json.contains("sentence_id"),
            "{json}"
        );
        assert!(
            json.contains(r#""words":[{"begin_time":0,"end_time":5,"text":"a","punctuation":""}]"#)
        );
    }

    #[test]
    fn enrichment_is_written_after_input_fields() {
        let mut t = Transcription::from_str(r#"{"file_url":"a","x":1}"#).unwrap();
        t.enrich("asrpost", serde_json::json!({"turns": []}))
            .unwrap();
        assert_eq!(
            t.to_json(),
            r#"{"file_url":"a","x":1,"asrpost":{"turns":[]}}"#
        );
        assert!(t.enrich("x", serde_json::json!(2)).is_err());
        assert!(t.enrich("file_url", serde_json::json!(2)).is_err());
    }

    #[test]
    fn static_enrichment_is_enrichment() {
        let json = r#"{"transcripts":[{"sentences":[{"begin_time":0,"end_time":5,"text":"a",
            "words":[{"begin_time":0,"end_time":5,"text":"a","punctuation":"","y":1}]}]}]}"#;
        let (mut a, mut b) = (
            Transcription::from_str(json).unwrap(),
            Transcription::from_str(json).unwrap(),
        );
        let (sa, sb) = (
            &mut a.transcripts[0].sentences[0],
            &mut b.transcripts[0].sentences[0],
        );
        sa.enrich("tag", serde_json::json!(1)).unwrap();
        sb.enrich_static("tag", serde_json::json!(1)).unwrap();
        // Replacing keeps one field.
        sa.words[0].enrich("tag", serde_json::json!(2)).unwrap();
        sa.words[0].enrich("tag", serde_json::json!(3)).unwrap();
        sb.words[0]
            .enrich_static("tag", serde_json::json!(2))
            .unwrap();
        sb.words[0]
            .enrich_static("tag", serde_json::json!(3))
            .unwrap();
        assert!(sb.enrich_static("text", serde_json::json!(2)).is_err());
        assert!(
            sb.words[0]
                .enrich_static("y", serde_json::json!(2))
                .is_err()
        );
        assert!(
            sb.words[0]
                .enrich_static("begin_time", serde_json::json!(2))
                .is_err()
        );
        assert_eq!(a.to_json(), b.to_json());
        assert!(a.to_json().contains(r#""y":1,"tag":3}"#));
    }
}
