//! The word lists of the hinted languages, compiled into tries of units (a Latin or Cyrillic
//! word, a Hangul word, or one Chinese or Japanese character).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::lists::{self, Lists};
use super::{Language, Tier};
use crate::text::Script;

/// A small, fast hash for the short keys of the lists (FxHash). The tables are fixed at build
/// time, so input cannot grow them.
#[derive(Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FxBuild = BuildHasherDefault<Fx>;

/// Where a list entry may be taken as a filler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Position {
    /// Any whole token.
    Anywhere,
    /// At the start of a sentence or clause (after punctuation or another filler).
    Initial,
    /// Standing alone: at a clause start and followed by punctuation, the sentence end or
    /// another filler.
    Isolated,
}

/// One list entry.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    /// Borrowed for a built-in entry, so that a finding's event names it without a copy.
    pub(super) text: Cow<'static, str>,
    pub(super) tier: Tier,
    pub(super) position: Position,
    pub(super) language: Language,
}

#[derive(Default)]
struct Node {
    /// Children by unit: units of up to seven bytes (a Chinese character, most words) by their
    /// [`pack`]ed form, which is cheaper to hash and compare than the text; longer ones by text.
    short: HashMap<u64, u32, FxBuild>,
    long: HashMap<Box<str>, u32, FxBuild>,
    entry: Option<u32>,
}

impl Node {
    fn next(&self, unit: &str) -> Option<u32> {
        match pack(unit) {
            Some(p) => self.short.get(&p).copied(),
            None => self.long.get(unit).copied(),
        }
    }
}

/// Up to seven bytes and their length in one number: equal numbers mean equal texts.
#[inline]
pub(super) fn pack(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() > 7 {
        return None;
    }
    // Byte by byte: a copy of a variable length would call `memcpy`.
    let mut p = (bytes.len() as u64) << 56;
    for (k, &b) in bytes.iter().enumerate() {
        p |= u64::from(b) << (8 * k);
    }
    Some(p)
}

/// A trie over units.
#[derive(Default)]
pub(super) struct Trie {
    nodes: Vec<Node>,
}

impl Trie {
    pub(super) const ROOT: u32 = 0;

    fn new() -> Trie {
        Trie {
            nodes: vec![Node::default()],
        }
    }

    /// Inserts a unit sequence; the first entry for a sequence wins.
    fn insert(&mut self, units: &[String], entry: u32) {
        let mut node = 0usize;
        for u in units {
            node = match self.nodes[node].next(u) {
                Some(n) => n as usize,
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(Node::default());
                    let parent = &mut self.nodes[node];
                    match pack(u) {
                        Some(p) => parent.short.insert(p, id as u32),
                        None => parent.long.insert(u.clone().into_boxed_str(), id as u32),
                    };
                    id
                }
            };
        }
        if node != 0 && self.nodes[node].entry.is_none() {
            self.nodes[node].entry = Some(entry);
        }
    }

    pub(super) fn step(&self, node: u32, unit: &str) -> Option<u32> {
        self.nodes.get(node as usize)?.next(unit)
    }

    /// [`Trie::step`] by a unit of up to seven bytes already [`pack`]ed.
    pub(super) fn step_packed(&self, node: u32, packed: u64) -> Option<u32> {
        self.nodes.get(node as usize)?.short.get(&packed).copied()
    }

    pub(super) fn entry(&self, node: u32) -> Option<u32> {
        self.nodes.get(node as usize)?.entry
    }
}

/// The compiled lists.
pub(super) struct Dict {
    pub(super) fillers: Trie,
    /// The first characters of the entries: most words are rejected by one bit test.
    first: FirstChars,
    /// The same for the entries of the tiers in use (the prefilter's test).
    first_enabled: FirstChars,
    pub(super) entries: Vec<Entry>,
    pub(super) compounds: Trie,
    /// The first characters of the compounds: where a compound may start.
    pub(super) compound_first: FirstChars,
    pub(super) max_compound: usize,
    /// The most units of a filler entry: how far a candidate reaches.
    pub(super) max_filler: usize,
    pub(super) keep_repeats: HashSet<String, FxBuild>,
    pub(super) stutter_words: HashSet<String, FxBuild>,
    pub(super) stutter_chars_2: HashSet<char, FxBuild>,
    pub(super) stutter_chars_3: HashSet<char, FxBuild>,
    /// The last characters of the stutter words: a repeated phrase ending in another
    /// character is not one.
    pub(super) stutter_ends: HashSet<char, FxBuild>,
    pub(super) loop_safe_chars: HashSet<char, FxBuild>,
}

impl std::fmt::Debug for Dict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dict")
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

pub(super) fn lists(language: Language) -> &'static Lists {
    match language {
        Language::Zh => &lists::ZH,
        Language::En => &lists::EN,
        Language::Ja => &lists::JA,
        Language::Ko => &lists::KO,
        Language::De => &lists::DE,
        Language::Fr => &lists::FR,
        Language::Ru => &lists::RU,
    }
}

/// Whether a character belongs to a script written without spaces, where each character is a
/// unit (Chinese, Japanese kana).
pub(super) fn is_char_unit(c: char) -> bool {
    matches!(script(c), Script::Han | Script::Kana)
}

/// [`Script::of`] with the common cases first.
#[inline]
pub(super) fn script(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '0'..='9' => Script::Digit,
        ' ' => Script::Space,
        '\u{4E00}'..='\u{9FFF}' => Script::Han,
        _ => Script::of(c),
    }
}

/// The matching form of a word: lower case, `’` as `'`, and runs of three or more identical
/// letters as one (`ummm` → `um`, `ээээ` → `э`).
pub(super) fn normalize_into(word: &str, out: &mut String) {
    let start = out.len();
    let mut last: Option<char> = None;
    let mut run = 0usize;
    if word.bytes().all(|b| b.is_ascii_lowercase()) && !has_triple(word.as_bytes()) {
        // The common case: nothing to change.
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        let c = if c == '’' { '\'' } else { c };
        if c.is_ascii() || is_char_unit(c) {
            let l = c.to_ascii_lowercase();
            if Some(l) == last {
                run += 1;
            } else {
                last = Some(l);
                run = 1;
            }
            if run < 3 || !l.is_ascii_alphabetic() {
                out.push(l);
            } else if run == 3 {
                out.pop();
            }
            continue;
        }
        for l in c.to_lowercase() {
            if Some(l) == last {
                run += 1;
            } else {
                last = Some(l);
                run = 1;
            }
            if run == 3 && l.is_alphabetic() && !is_char_unit(l) {
                // Drop the second copy already written; keep one.
                let cut = out[start..]
                    .char_indices()
                    .next_back()
                    .map_or(out.len(), |(i, _)| start + i);
                out.truncate(cut);
                continue;
            }
            if run > 3 && l.is_alphabetic() && !is_char_unit(l) {
                continue;
            }
            out.push(l);
        }
    }
}

/// Whether a byte repeats three times in a row (`ummm`), which [`normalize_into`] shortens.
pub(super) fn has_triple(b: &[u8]) -> bool {
    b.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// The units of a list entry.
fn entry_units(entry: &str) -> Vec<String> {
    if entry.chars().any(is_char_unit) {
        entry
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_string())
            .collect()
    } else {
        entry
            .split_whitespace()
            .map(|w| {
                let mut s = String::new();
                normalize_into(w, &mut s);
                s
            })
            .collect()
    }
}

fn norm(s: &str) -> String {
    entry_units(s).join(" ")
}

/// User changes to the lists.
#[derive(Clone, Debug, Default)]
pub(super) struct Edits {
    pub(super) added: Vec<(Language, Tier, String)>,
    pub(super) removed: Vec<(Language, String)>,
}

/// A set of characters as bits over the Basic Multilingual Plane: most characters are ruled
/// out by one bit test. A character beyond it is always maybe in the set (the caller's full
/// test then decides), as is every character in the empty set of [`FirstChars::ALL`].
#[derive(Clone, Default)]
pub(super) struct FirstChars(Vec<u64>);

impl FirstChars {
    /// Every character maybe.
    const ALL: FirstChars = FirstChars(Vec::new());

    /// No character (of the plane).
    fn none() -> FirstChars {
        FirstChars(vec![0; 1024])
    }

    fn insert(&mut self, c: char) {
        let u = c as usize;
        if let Some(w) = self.0.get_mut(u >> 6) {
            *w |= 1 << (u & 63);
        }
    }

    /// Whether `c` may be in the set.
    #[inline]
    pub(super) fn may_contain(&self, c: char) -> bool {
        let u = c as usize;
        self.0.get(u >> 6).is_none_or(|w| w & (1 << (u & 63)) != 0)
    }
}

impl Dict {
    /// Whether an entry may start with `c` (a lower-case character).
    #[inline]
    pub(super) fn may_start(&self, c: char) -> bool {
        self.first.may_contain(c)
    }

    /// Whether an entry of a tier in use (see [`Dict::use_tiers`]) may start with `c`.
    #[inline]
    pub(super) fn may_start_used(&self, c: char) -> bool {
        self.first_enabled.may_contain(c)
    }

    /// Restricts [`Dict::may_start_used`] to the entries of the tiers `used` accepts: in the
    /// light level, sentences with only marker or backchannel words skip the planner.
    pub(super) fn use_tiers(&mut self, used: impl Fn(Tier) -> bool) {
        let mut bits = FirstChars::none();
        for e in self.entries.iter().filter(|e| used(e.tier)) {
            let units = entry_units(&e.text);
            if let Some(c) = units.first().and_then(|u| u.chars().next()) {
                bits.insert(c);
            }
        }
        self.first_enabled = bits;
    }

    /// Compiles the lists of `languages` with the user's edits.
    pub(super) fn build(languages: &[Language], edits: &Edits) -> Dict {
        let mut d = Dict {
            fillers: Trie::new(),
            first: FirstChars::none(),
            first_enabled: FirstChars::ALL,
            compound_first: FirstChars::none(),
            entries: Vec::new(),
            compounds: Trie::new(),
            max_compound: 0,
            max_filler: 0,
            keep_repeats: HashSet::default(),
            stutter_words: HashSet::default(),
            stutter_chars_2: HashSet::default(),
            stutter_chars_3: HashSet::default(),
            stutter_ends: HashSet::default(),
            loop_safe_chars: HashSet::default(),
        };
        for &lang in languages {
            let l = lists(lang);
            let removed: HashSet<String> = edits
                .removed
                .iter()
                .filter(|(rl, _)| *rl == lang)
                .map(|(_, e)| norm(e))
                .collect();
            // Spellings that are real words in another hinted language with the same script.
            let clashes: HashSet<String> = languages
                .iter()
                .filter(|&&o| o != lang && o.script() == lang.script())
                .flat_map(|&o| lists(o).clashes.iter().map(|c| norm(c)))
                .collect();
            let builtin = [
                (Tier::Hesitation, l.hesitations),
                (Tier::Backchannel, l.backchannels),
                (Tier::Marker, l.markers),
            ];
            let user = edits
                .added
                .iter()
                .filter(|(al, _, _)| *al == lang)
                .map(|(_, t, e)| (*t, Cow::Owned(e.clone())));
            let all = builtin
                .iter()
                .flat_map(|(t, es)| es.iter().map(move |e| (*t, Cow::Borrowed(*e))))
                .chain(user);
            for (tier, entry) in all {
                let text = entry.as_ref();
                let key = norm(text);
                if key.is_empty() || removed.contains(&key) || clashes.contains(&key) {
                    continue;
                }
                let position = if l.initial_only.contains(&text) {
                    Position::Initial
                } else if l.isolated_only.contains(&text) {
                    Position::Isolated
                } else if tier == Tier::Hesitation {
                    Position::Anywhere
                } else {
                    Position::Isolated
                };
                let id = d.entries.len() as u32;
                let units = entry_units(text);
                d.entries.push(Entry {
                    text: entry,
                    tier,
                    position,
                    language: lang,
                });
                if let Some(c) = units.first().and_then(|u| u.chars().next()) {
                    d.first.insert(c);
                }
                d.max_filler = d.max_filler.max(units.len());
                d.fillers.insert(&units, id);
            }
            for c in l.compounds {
                let units = entry_units(c);
                if let Some(c) = units.first().and_then(|u| u.chars().next()) {
                    d.compound_first.insert(c);
                }
                d.max_compound = d.max_compound.max(units.len());
                d.compounds.insert(&units, 0);
            }
            // Repeated backchannels are confirmations (`yeah, yeah`, `ja ja`), not stutters.
            for k in l.keep_repeats.iter().chain(l.backchannels) {
                d.keep_repeats.insert(norm(k).replace(' ', ""));
            }
            for k in l.stutter_words {
                d.stutter_words.insert((*k).to_string());
                d.stutter_ends.extend(k.chars().next_back());
            }
            d.stutter_chars_2.extend(l.stutter_chars_2.chars());
            d.stutter_chars_3.extend(l.stutter_chars_3.chars());
            d.loop_safe_chars.extend(l.loop_safe_chars.chars());
        }
        d.first_enabled = d.first.clone();
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize() {
        for (input, want) in [
            ("Umm", "umm"),
            ("UMMMM", "um"),
            ("hmmm", "hm"),
            ("Ээээ", "э"),
            ("D’accord", "d'accord"),
            ("been", "been"),
            ("嗯", "嗯"),
        ] {
            let mut s = String::new();
            normalize_into(input, &mut s);
            assert_eq!(s, want, "{input}");
        }
    }

    #[test]
    fn clashes_gate_languages() {
        let en = Dict::build(&[Language::En], &Edits::default());
        let en_de = Dict::build(&[Language::En, Language::De], &Edits::default());
        let has = |d: &Dict, w: &str| {
            d.fillers
                .step(Trie::ROOT, w)
                .and_then(|n| d.fillers.entry(n))
                .is_some()
        };
        assert!(has(&en, "um"));
        assert!(!has(&en_de, "um"));
        assert!(!has(&en_de, "er"));
        assert!(has(&en_de, "äh"));
    }
}
