//! Parsing results from JSON, with limits for untrusted input.
//!
//! The `Deserialize` impls are written by hand rather than derived: one pass over the object's
//! keys fills the known fields, marks which were absent or `null`, and keeps every other field as
//! borrowed raw JSON. That keeps parsing lossless at the speed of a plain borrowed struct
//! (`#[serde(flatten)]` would buffer every field first).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Properties, Sentence, Shape, Transcript, Transcription, Word};
use crate::error::{Error, ErrorKind, Position, Result};

/// serde_json's own nesting limit; deeper input is refused by serde_json itself.
const SERDE_JSON_DEPTH: usize = 128;

/// Limits and entry points for parsing untrusted input.
///
/// # Example
///
/// ```
/// use asrpost::{ErrorKind, ParseOptions};
///
/// let opts = ParseOptions::new().max_bytes(16);
/// let err = opts.parse_str(r#"{"file_url":"a long url.wav"}"#).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::LimitExceeded { what: "input size in bytes", limit: 16 }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    max_bytes: usize,
    max_depth: usize,
}

/// The default nesting limit: the format needs 6 levels; 64 leaves room for nested unknown
/// fields while refusing pathological input early.
const DEFAULT_DEPTH: usize = 64;

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions::new()
    }
}

impl ParseOptions {
    /// The default limits: 4 GiB of input, nesting depth 128.
    pub const fn new() -> Self {
        ParseOptions {
            max_bytes: 4 << 30,
            max_depth: DEFAULT_DEPTH,
        }
    }

    /// The largest input accepted, in bytes. By default, 4 GiB (a 12-hour result is about
    /// 100 MB).
    pub const fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = limit;
        self
    }

    /// The deepest nesting of arrays and objects accepted, anywhere in the input (unknown
    /// fields included). Results are checked while they are parsed (the known structure by
    /// its place, unknown fields by a scan of their raw text); task responses and real-time
    /// events by a scan of the input first. Neither recurses. By default, 64; at most 128,
    /// serde_json's own limit for the known structure.
    pub const fn max_depth(mut self, limit: usize) -> Self {
        self.max_depth = if limit < SERDE_JSON_DEPTH {
            limit
        } else {
            SERDE_JSON_DEPTH
        };
        self
    }

    /// Parses a result from a string, borrowing from it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::LimitExceeded`] past a limit, [`ErrorKind::Json`] with line and column
    /// for anything that is not a result object.
    pub fn parse_str<'a>(&self, json: &'a str) -> Result<Transcription<'a>> {
        self.parse_transcription(json)
    }

    /// Parses a result from bytes (UTF-8, an optional byte-order mark), borrowing from them.
    ///
    /// # Errors
    ///
    /// As [`Self::parse_str`], plus [`ErrorKind::Utf8`] for bytes that are not UTF-8.
    pub fn parse_slice<'a>(&self, json: &'a [u8]) -> Result<Transcription<'a>> {
        self.parse_transcription(str_from_utf8(json)?)
    }

    /// Parses a result. Rather than scanning the input for its depth first (a quarter of the
    /// parse time), the model's visitors check the depth of the structure they know, and the
    /// raw text of each unknown field, against the limit in [`DEPTH_LIMIT`].
    fn parse_transcription<'a>(&self, json: &'a str) -> Result<Transcription<'a>> {
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        if json.len() > self.max_bytes {
            return Err(Error::limit("input size in bytes", self.max_bytes));
        }
        let previous = DEPTH_LIMIT.replace(self.max_depth);
        let parsed = serde_json::from_str(json);
        DEPTH_LIMIT.set(previous);
        parsed.map_err(|e| {
            if e.to_string().starts_with(DEPTH_MESSAGE) {
                Error::limit("nesting depth", self.max_depth)
            } else {
                json_error(e)
            }
        })
    }

    /// Parses any borrowed JSON type under these limits (task responses, real-time events).
    pub(crate) fn parse<'a, T: Deserialize<'a>>(&self, json: &'a str) -> Result<T> {
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        if json.len() > self.max_bytes {
            return Err(Error::limit("input size in bytes", self.max_bytes));
        }
        if nesting_depth(json.as_bytes()) > self.max_depth {
            return Err(Error::limit("nesting depth", self.max_depth));
        }
        serde_json::from_str(json).map_err(json_error)
    }
}

/// UTF-8 validation with a position, and BOM tolerance.
pub(crate) fn str_from_utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        ErrorKind::Utf8 { offset, line }.into()
    })
}

/// Maps a serde_json error, turning its recursion limit into [`ErrorKind::LimitExceeded`].
#[cold]
pub(crate) fn json_error(source: serde_json::Error) -> Error {
    if source.to_string().starts_with("recursion limit exceeded") {
        return Error::limit("nesting depth", SERDE_JSON_DEPTH);
    }
    ErrorKind::Json {
        position: Position {
            line: source.line(),
            column: source.column(),
        },
        source,
    }
    .into()
}

thread_local! {
    /// The nesting limit of the result being parsed on this thread. Outside
    /// [`ParseOptions::parse_transcription`] (a result inside another document), serde_json's
    /// own limit.
    static DEPTH_LIMIT: Cell<usize> = const { Cell::new(SERDE_JSON_DEPTH) };
}

/// The start of the message of a depth error raised by a visitor.
const DEPTH_MESSAGE: &str = "nesting depth limit exceeded";

/// Fails when `depth` (counting `[` and `{` from the root) is past the current limit.
#[inline(always)]
fn check_depth<E: de::Error>(depth: usize) -> Result<(), E> {
    if depth > DEPTH_LIMIT.get() {
        return Err(E::custom(DEPTH_MESSAGE));
    }
    Ok(())
}

/// Whether `list` holds `key`, at compile time.
const fn contains(list: &[&str], key: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        let (a, b) = (list[i].as_bytes(), key.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The deepest nesting of `[` and `{` outside strings.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    max
}

/// A string that borrows from the input when it has no escapes.
pub(crate) struct CowStr<'a>(pub(crate) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            #[inline(always)]
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

/// Reads one known field's value: `null` marks the field null and leaves the default.
///
/// Inlined into each visitor (as the derived code is): called for every field of every word,
/// the call overhead and the generic `Option<T>` impl showed up at ~10% of the parse.
#[inline(always)]
fn field<'de, A, T, U>(
    map: &mut A,
    shape: &mut Shape,
    bit: u8,
    name: &'static str,
    convert: impl FnOnce(T) -> U,
    slot: &mut U,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if shape.is_present(bit) || shape.is_null(bit) {
        return Err(de::Error::duplicate_field(name));
    }
    match map.next_value_seed(NullOr::<T>(PhantomData))? {
        Some(v) => {
            *slot = convert(v);
            shape.set_present(bit);
        }
        None => shape.set_null(bit),
    }
    Ok(())
}

/// Deserializes `null` as `None` and anything else as `Some(T)`: `Option<T>`'s impl, inlined.
struct NullOr<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for NullOr<T> {
    type Value = Option<T>;

    #[inline(always)]
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullOr<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    #[inline(always)]
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// Keeps an unknown field as borrowed raw JSON. `depth` is the depth of the object it is in.
fn unknown<'de: 'a, 'a, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut super::Extra<'a>,
    key: Cow<'a, str>,
    depth: usize,
) -> Result<(), A::Error> {
    // serde_json skips raw values without recursion, so only the limit bounds their nesting.
    let raw: &'de RawValue = map.next_value()?;
    check_depth(depth + nesting_depth(raw.get().as_bytes()))?;
    extra.push_input(key, Cow::Borrowed(raw));
    Ok(())
}

/// Implements `Deserialize` for a model struct: its depth in the document (the root object is
/// 1), the keys of its array fields, and `$field => bit, type, conversion` per known key.
macro_rules! model_deserialize {
    ($ty:ident, $expecting:literal, depth $depth:literal, arrays [$($array:literal),*], { $($key:literal => $bit:literal, $slot:ident: $t:ty = $conv:expr;)* }) => {
        impl<'de: 'a, 'a> Deserialize<'de> for $ty<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V<'a>(PhantomData<&'a ()>);
                impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
                    type Value = $ty<'a>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$ty<'a>, A::Error> {
                        const ARRAYS: &[&str] = &[$($array),*];
                        check_depth($depth)?;
                        let mut out = $ty::default();
                        while let Some(CowStr(key)) = map.next_key::<CowStr<'a>>()? {
                            match key.as_ref() {
                                $($key => {
                                    field::<A, $t, _>(&mut map, &mut out.shape, $bit, $key, $conv, &mut out.$slot)?;
                                    // An array (even empty) is one level below its object.
                                    const IS_ARRAY: bool = contains(ARRAYS, $key);
                                    if IS_ARRAY && out.shape.is_present($bit) {
                                        check_depth($depth + 1)?;
                                    }
                                })*
                                _ => unknown(&mut map, &mut out.extra, key, $depth)?,
                            }
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(V(PhantomData))
            }
        }
    };
}

/// Gives back the spare capacity of a parsed array. serde_json gives no length hint, so the
/// vector grew by doubling: a third of a result's word memory was slack. Shrinking in place is
/// cheap next to parsing the elements.
fn fit<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

fn cow(s: CowStr<'_>) -> Cow<'_, str> {
    s.0
}

model_deserialize!(Transcription, "a Paraformer result object", depth 1, arrays ["transcripts"], {
    "file_url" => 0, file_url: CowStr<'a> = cow;
    "properties" => 1, properties: Properties<'a> = |v| v;
    "transcripts" => 2, transcripts: Vec<Transcript<'a>> = fit;
});

model_deserialize!(Properties, "a properties object", depth 2, arrays ["channels"], {
    "audio_format" => 0, audio_format: CowStr<'a> = cow;
    "channels" => 1, channels: Vec<u32> = |v| v;
    "original_sampling_rate" => 2, original_sampling_rate: u32 = Some;
    "original_duration_in_milliseconds" => 3, original_duration_in_milliseconds: crate::Millis = Some;
});

model_deserialize!(Transcript, "a transcript object", depth 3, arrays ["sentences"], {
    "channel_id" => 0, channel_id: u32 = |v| v;
    "content_duration_in_milliseconds" => 1, content_duration_in_milliseconds: crate::Millis = Some;
    "text" => 2, text: CowStr<'a> = cow;
    "sentences" => 3, sentences: Vec<Sentence<'a>> = fit;
});

model_deserialize!(Sentence, "a sentence object", depth 5, arrays ["words"], {
    "begin_time" => 0, begin_time: crate::Millis = |v| v;
    "end_time" => 1, end_time: crate::Millis = |v| v;
    "text" => 2, text: CowStr<'a> = cow;
    "sentence_id" => 3, sentence_id: u64 = Some;
    "speaker_id" => 4, speaker_id: i64 = Some;
    "words" => 5, words: Vec<Word<'a>> = fit;
});

model_deserialize!(Word, "a word object", depth 7, arrays [], {
    "begin_time" => 0, begin_time: crate::Millis = |v| v;
    "end_time" => 1, end_time: crate::Millis = |v| v;
    "text" => 2, text: CowStr<'a> = cow;
    "punctuation" => 3, punctuation: CowStr<'a> = cow;
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_strings() {
        assert_eq!(nesting_depth(br#"{"a":"[[[{{"}"#), 1);
        assert_eq!(nesting_depth(br#"[[{"a":"\"[["}]]"#), 3);
    }

    #[test]
    fn parsed_words_are_compact() {
        // The memory bar of `asrpost process` (peak ≤ 2.5× the input) rests on these.
        assert!(std::mem::size_of::<super::super::Word<'_>>() <= 80);
        let json = r#"{"transcripts":[{"sentences":[{"words":[{},{},{},{},{}]}]}]}"#;
        let t = Transcription::from_str(json).unwrap();
        let words = &t.transcripts[0].sentences[0].words;
        assert_eq!(words.capacity(), words.len());
    }

    #[test]
    fn bom_is_accepted() {
        let t = Transcription::from_slice(b"\xEF\xBB\xBF{\"file_url\":\"x\"}").unwrap();
        assert_eq!(t.file_url, "x");
    }

    #[test]
    fn duplicate_known_field_is_an_error() {
        let err = Transcription::from_str(r#"{"file_url":"a","file_url":"b"}"#).unwrap_err();
        assert!(
            err.to_string().contains("duplicate field `file_url`"),
            "{err}"
        );
    }

    #[test]
    fn low_depth_limit() {
        let opts = ParseOptions::new().max_depth(3);
        let ok = r#"{"transcripts":[{"sentences":[]}]}"#;
        assert!(opts.parse_str(ok).is_err());
        assert!(ParseOptions::new().max_depth(4).parse_str(ok).is_ok());
    }

    #[test]
    fn visitor_depth_checks_match_a_scan_of_the_input() {
        let docs = [
            r#"{"file_url":"a"}"#,
            r#"{"transcripts":[]}"#,
            r#"{"properties":{"channels":[]},"transcripts":null}"#,
            r#"{"transcripts":[{"sentences":[]}]}"#,
            r#"{"transcripts":[{"sentences":[{"words":[]}]}]}"#,
            r#"{"transcripts":[{"sentences":[{"words":[{"text":"a"}]}]}]}"#,
            r#"{"transcripts":[{"sentences":[{"words":[{"x":[{"y":[1]}]}]}]}]}"#,
            r#"{"x":[[["[[[[["]]],"transcripts":[{"y":{"z":{}}}]}"#,
            r#"{"properties":{"x":[[{}]],"channels":[0]}}"#,
        ];
        for json in docs {
            let depth = nesting_depth(json.as_bytes());
            for limit in 1..=12 {
                let result = ParseOptions::new().max_depth(limit).parse_str(json);
                match result {
                    Ok(_) => assert!(depth <= limit, "{json} passed limit {limit}"),
                    Err(e) => {
                        assert!(depth > limit, "{json} at limit {limit}: {e}");
                        assert!(matches!(
                            e.kind(),
                            ErrorKind::LimitExceeded { what: "nesting depth", limit: l } if *l == limit
                        ));
                    }
                }
            }
        }
    }

    #[test]
    fn deep_unknown_field_is_a_limit_error() {
        let deep = format!("{{\"x\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let err = Transcription::from_str(&deep).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::LimitExceeded {
                what: "nesting depth",
                limit: 64
            }
        ));
        let ok = format!("{{\"x\":{}{}}}", "[".repeat(60), "]".repeat(60));
        assert!(Transcription::from_str(&ok).is_ok());
    }
}
