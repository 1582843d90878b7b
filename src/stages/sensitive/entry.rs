//! List entries, their file formats, and the service's `special_word_filter` parameter.

use serde::Deserialize;

use crate::error::{Error, Result};

/// What to do with a match of an entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Replace each matched character with the mask character, one per Unicode scalar value
    /// (the service's `filter_with_signed`: `测试` → `**`). White space inside a match is kept.
    Mask,
    /// Delete the matched characters (the service's `filter_with_empty`). Words left empty are
    /// dropped; their punctuation is kept as [`super::RemovedPunctuation`] says.
    Remove,
    /// Replace the match with this text (put in the first matched word; the other matched
    /// characters are deleted as with [`Action::Remove`]).
    Replace(String),
    /// Leave the text alone; report the hit and add to each word it covers a
    /// `sensitive_matches` field, a list of `{"entry", "tag"?}` (on the sentence when it has no
    /// words).
    Tag,
}

impl Action {
    /// The action's name: `mask`, `remove`, `replace` or `tag`.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Mask => "mask",
            Action::Remove => "remove",
            Action::Replace(_) => "replace",
            Action::Tag => "tag",
        }
    }

    /// The report event kind of a hit: `masked`, `removed`, `replaced` or `tagged`.
    pub(crate) fn event_kind(&self) -> &'static str {
        match self {
            Action::Mask => "masked",
            Action::Remove => "removed",
            Action::Replace(_) => "replaced",
            Action::Tag => "tagged",
        }
    }
}

/// Where an entry may match relative to word boundaries.
///
/// A "word character" is a letter, digit, combining mark or `_` of a script written with spaces
/// (Latin, Cyrillic, Greek…), or the mask character (so masking never creates new boundaries).
/// CJK characters are not word characters: Chinese has no spaces between words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MatchMode {
    /// Whole word at each end of the entry that is a word character, anywhere otherwise: `class`
    /// does not hit `ass`, `22b` does not hit `2b`, but `测试` hits `帮我测试一下` and `sb` hits
    /// `我是sb吗`.
    #[default]
    Auto,
    /// Whole word at both ends. At a CJK end this also requires the match to start (end) where
    /// an ASR word starts (ends); only useful with multi-character tokens, since paraformer-v2
    /// emits one Chinese character per word.
    Whole,
    /// Like [`MatchMode::Whole`] at the start only: `fuck` hits `fucking`.
    Prefix,
    /// Like [`MatchMode::Whole`] at the end only: `hole` hits `asshole` but not `holes`.
    Suffix,
    /// Anywhere, even inside a word (the service's behaviour).
    Embedded,
}

impl MatchMode {
    /// Every mode.
    pub const ALL: [MatchMode; 5] = [
        MatchMode::Auto,
        MatchMode::Whole,
        MatchMode::Prefix,
        MatchMode::Suffix,
        MatchMode::Embedded,
    ];

    /// The mode's name: `auto`, `whole`, `prefix`, `suffix` or `embedded`.
    pub fn name(self) -> &'static str {
        match self {
            MatchMode::Auto => "auto",
            MatchMode::Whole => "whole",
            MatchMode::Prefix => "prefix",
            MatchMode::Suffix => "suffix",
            MatchMode::Embedded => "embedded",
        }
    }

    /// The mode with this name.
    pub fn from_name(name: &str) -> Option<MatchMode> {
        MatchMode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the start (`start == true`) or end of a match is checked against a boundary in
    /// this mode, given whether that end of the entry is a word character.
    pub(crate) fn checks(self, start: bool, word_char: bool) -> bool {
        match self {
            MatchMode::Auto => word_char,
            MatchMode::Whole => true,
            MatchMode::Prefix => start,
            MatchMode::Suffix => !start,
            MatchMode::Embedded => false,
        }
    }
}

/// One entry of a sensitive-word list.
///
/// # Example
///
/// ```
/// use asrpost::stages::sensitive::{Action, Entry, MatchMode};
///
/// let e = Entry::new("五星红旗", Action::Replace("国家旗帜".into())).tag("politics");
/// assert_eq!(e.tag.as_deref(), Some("politics"));
/// let e = Entry::new("fuck", Action::Mask).mode(MatchMode::Prefix);
/// assert_eq!(e.mode, MatchMode::Prefix);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The text to find (normalized like the transcript before matching).
    pub word: String,
    /// What to do with a match.
    pub action: Action,
    /// A free-form label reported with each hit (`politics`, `gambling`…).
    pub tag: Option<String>,
    /// Where the entry may match.
    pub mode: MatchMode,
}

impl Entry {
    /// An entry with no tag and [`MatchMode::Auto`].
    pub fn new(word: impl Into<String>, action: Action) -> Entry {
        Entry {
            word: word.into(),
            action,
            tag: None,
            mode: MatchMode::Auto,
        }
    }

    /// Sets the tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Entry {
        self.tag = Some(tag.into());
        self
    }

    /// Sets the match mode.
    pub fn mode(mut self, mode: MatchMode) -> Entry {
        self.mode = mode;
        self
    }
}

/// Deny and allow entries read from a file.
///
/// Two formats are accepted:
///
/// * **Lines** ([`WordList::from_lines`]): one entry per line; blank lines and lines starting
///   with `#` are skipped; surrounding white space is trimmed.
/// * **JSON** ([`WordList::from_json`]): an array of entries, or an object
///   `{"entries": [...], "allow": [...]}`. An entry is a string, or an object with `word`
///   (required), `action` (`mask`, `remove`, `replace`, `tag`), `replacement` (required with
///   `replace`), `tag` and `mode` (`auto`, `whole`, `prefix`, `suffix`, `embedded`).
///
/// A TOML format is not offered: JSON covers the same structure without another dependency.
///
/// # Example
///
/// ```
/// use asrpost::stages::sensitive::{Action, MatchMode, WordList};
///
/// let list = WordList::from_json(r#"{"entries": ["测试",
///     {"word": "damn", "action": "replace", "replacement": "darn", "mode": "prefix"}],
///     "allow": ["测试员"]}"#, Action::Mask)?;
/// assert_eq!(list.entries[0].action, Action::Mask);
/// assert_eq!(list.entries[1].action, Action::Replace("darn".into()));
/// assert_eq!(list.entries[1].mode, MatchMode::Prefix);
/// assert_eq!(list.allow[0].word, "测试员");
///
/// let list = WordList::from_lines("# banned\n开始\n\n发生\n", Action::Remove);
/// assert_eq!(list.entries.len(), 2);
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordList {
    /// Entries to act on.
    pub entries: Vec<Entry>,
    /// Entries whose matches protect the deny matches they cover.
    pub allow: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonList {
    Entries(Vec<JsonEntry>),
    Object(JsonObject),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonObject {
    #[serde(default)]
    entries: Vec<JsonEntry>,
    #[serde(default)]
    allow: Vec<JsonEntry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonEntry {
    Word(String),
    Full(JsonFull),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFull {
    word: String,
    action: Option<String>,
    replacement: Option<String>,
    tag: Option<String>,
    mode: Option<String>,
}

impl WordList {
    /// Reads a one-entry-per-line list; every entry gets `action`.
    pub fn from_lines(text: &str, action: Action) -> WordList {
        let entries = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| Entry::new(l, action.clone()))
            .collect();
        WordList {
            entries,
            allow: Vec::new(),
        }
    }

    /// Reads a JSON list (see the type's docs); entries without an `action` get `action`.
    ///
    /// # Errors
    ///
    /// Invalid JSON, unknown fields, and entries with an unknown action or mode or a
    /// `replace` without `replacement`, named by their index.
    pub fn from_json(json: &str, action: Action) -> Result<WordList> {
        let list: JsonList = serde_json::from_str(json.trim_start_matches('\u{feff}'))
            .map_err(|e| Error::invalid("word list", e.to_string()))?;
        let (entries, allow) = match list {
            JsonList::Entries(e) => (e, Vec::new()),
            JsonList::Object(o) => (o.entries, o.allow),
        };
        let convert = |what: &str, list: Vec<JsonEntry>| -> Result<Vec<Entry>> {
            list.into_iter()
                .enumerate()
                .map(|(i, e)| e.into_entry(&action).map_err(|m| entry_error(what, i, m)))
                .collect()
        };
        Ok(WordList {
            entries: convert("entries", entries)?,
            allow: convert("allow", allow)?,
        })
    }
}

fn entry_error(what: &str, index: usize, message: String) -> Error {
    Error::invalid(format!("word list {what}[{index}]"), message)
}

impl JsonEntry {
    fn into_entry(self, default: &Action) -> std::result::Result<Entry, String> {
        let f = match self {
            JsonEntry::Word(w) => return Ok(Entry::new(w, default.clone())),
            JsonEntry::Full(f) => f,
        };
        let action = match (f.action.as_deref(), f.replacement) {
            (None, None) => default.clone(),
            (Some("mask"), None) => Action::Mask,
            (Some("remove"), None) => Action::Remove,
            (Some("tag"), None) => Action::Tag,
            (Some("replace") | None, Some(r)) => Action::Replace(r),
            (Some("replace"), None) => {
                return Err(format!(
                    "`{}`: action `replace` needs a `replacement`",
                    f.word
                ));
            }
            (Some(a @ ("mask" | "remove" | "tag")), Some(_)) => {
                return Err(format!(
                    "`{}`: `replacement` given with action `{a}`",
                    f.word
                ));
            }
            (Some(a), _) => {
                return Err(format!(
                    "`{}`: unknown action `{a}` (expected mask, remove, replace or tag)",
                    f.word
                ));
            }
        };
        let mode = match f.mode.as_deref() {
            None => MatchMode::Auto,
            Some(m) => MatchMode::from_name(m).ok_or_else(|| {
                format!(
                    "`{}`: unknown mode `{m}` (expected auto, whole, prefix, suffix or embedded)",
                    f.word
                )
            })?,
        };
        Ok(Entry {
            word: f.word,
            action,
            tag: f.tag,
            mode,
        })
    }
}

/// The service's `special_word_filter` parameter.
///
/// ```json
/// {"filter_with_signed":{"word_list":["测试"]},
///  "filter_with_empty":{"word_list":["开始","发生"]},
///  "system_reserved_filter":true}
/// ```
///
/// `filter_with_signed` words are masked, `filter_with_empty` words removed. The service's own
/// reserved list (`system_reserved_filter`) is **not bundled**: supply it with
/// [`super::SensitiveWordFilterBuilder::reserved_words`]. An absent `system_reserved_filter`
/// reads as `false` here (the file-transcription service treats it as `true`).
///
/// # Example
///
/// ```
/// use asrpost::stages::sensitive::SpecialWordFilter;
///
/// let f = SpecialWordFilter::from_json(r#"{"filter_with_signed":{"word_list":["测试"]},
///     "filter_with_empty":{"word_list":["开始"]}}"#)?;
/// assert_eq!(f.signed, ["测试"]);
/// assert_eq!(f.empty, ["开始"]);
/// assert!(!f.system_reserved);
/// // The wire form, a JSON string holding the object, is accepted too.
/// let g = SpecialWordFilter::from_json(r#""{\"filter_with_empty\":{\"word_list\":[\"开始\"]}}""#)?;
/// assert_eq!(g.empty, ["开始"]);
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecialWordFilter {
    /// `filter_with_signed.word_list`: words to mask.
    pub signed: Vec<String>,
    /// `filter_with_empty.word_list`: words to delete.
    pub empty: Vec<String>,
    /// `system_reserved_filter`: also mask the reserved list.
    pub system_reserved: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSwf {
    filter_with_signed: Option<RawWordList>,
    filter_with_empty: Option<RawWordList>,
    system_reserved_filter: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWordList {
    #[serde(default)]
    word_list: Vec<String>,
}

impl SpecialWordFilter {
    /// Parses the parameter: the JSON object, or a JSON string holding it (the wire form).
    ///
    /// # Errors
    ///
    /// Invalid JSON, unknown keys (a typo would silently filter nothing), or wrong types.
    pub fn from_json(json: &str) -> Result<SpecialWordFilter> {
        let bad = |e: serde_json::Error| Error::invalid("special_word_filter", e.to_string());
        let json = json.trim().trim_start_matches('\u{feff}');
        let inner: String;
        let json = if json.starts_with('"') {
            inner = serde_json::from_str(json).map_err(bad)?;
            inner.as_str()
        } else {
            json
        };
        let raw: RawSwf = serde_json::from_str(json).map_err(bad)?;
        Ok(SpecialWordFilter {
            signed: raw
                .filter_with_signed
                .map(|l| l.word_list)
                .unwrap_or_default(),
            empty: raw
                .filter_with_empty
                .map(|l| l.word_list)
                .unwrap_or_default(),
            system_reserved: raw.system_reserved_filter.unwrap_or(false),
        })
    }

    /// The parameter as the service takes it (a JSON object; send it as a string).
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "filter_with_signed": {"word_list": self.signed},
            "filter_with_empty": {"word_list": self.empty},
            "system_reserved_filter": self.system_reserved,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_entry_errors_name_the_entry() {
        for (json, want) in [
            (
                r#"["a", {"word": "b", "action": "blur"}]"#,
                "invalid word list entries[1]: `b`: unknown action `blur`",
            ),
            (
                r#"{"allow": [{"word": "c", "mode": "partial"}]}"#,
                "invalid word list allow[0]: `c`: unknown mode `partial`",
            ),
            (
                r#"[{"word": "d", "action": "replace"}]"#,
                "invalid word list entries[0]: `d`: action `replace` needs a `replacement`",
            ),
            (
                r#"[{"word": "e", "action": "mask", "replacement": "x"}]"#,
                "invalid word list entries[0]: `e`: `replacement` given with action `mask`",
            ),
            (r#"{"entrys": []}"#, "invalid word list"),
            ("[1]", "invalid word list"),
        ] {
            let err = WordList::from_json(json, Action::Mask)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{json}: {err}");
        }
    }

    #[test]
    fn json_entries() {
        let l = WordList::from_json(
            r#"[{"word": "x", "replacement": "y", "tag": "t"}, {"word": "z", "action": "tag"}]"#,
            Action::Remove,
        )
        .unwrap();
        assert_eq!(
            l.entries,
            [
                Entry::new("x", Action::Replace("y".into())).tag("t"),
                Entry::new("z", Action::Tag)
            ]
        );
    }

    #[test]
    fn special_word_filter() {
        let f = SpecialWordFilter::from_json(
            r#"{"filter_with_signed":{"word_list":["测试"]},"system_reserved_filter":true}"#,
        )
        .unwrap();
        assert_eq!(f.signed, ["测试"]);
        assert!(f.empty.is_empty() && f.system_reserved);
        assert_eq!(SpecialWordFilter::from_json(&f.to_json()).unwrap(), f);
        let err = SpecialWordFilter::from_json(r#"{"filter_with_sign":{}}"#).unwrap_err();
        assert!(err.to_string().contains("filter_with_sign"), "{err}");
        assert!(SpecialWordFilter::from_json("not json").is_err());
        assert!(SpecialWordFilter::from_json(r#"{"system_reserved_filter":"yes"}"#).is_err());
    }
}
