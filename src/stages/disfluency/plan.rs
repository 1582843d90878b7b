//! Detection and repair for one sentence, on token views shared by sentences with words and
//! sentences tokenized from their text.

use std::borrow::Cow;

use super::dict::{Dict, Position, Trie, has_triple, is_char_unit, normalize_into, script};
use super::{Kind, Language, Level, Tier};
use crate::text::{Script, leading_main_han};

/// One token: a word, or a piece of a sentence's text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tok<'t> {
    pub(super) text: &'t str,
    pub(super) punct: &'t str,
}

impl Tok<'_> {
    /// No text.
    pub(super) const EMPTY: Tok<'static> = Tok {
        text: "",
        punct: "",
    };
}

/// One thing found: tokens `first..=last`.
#[derive(Clone, Debug)]
pub(super) struct Hit {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) kind: Kind,
    /// The list entry (borrowed for a built-in one), or the repeated token.
    pub(super) entry: Cow<'static, str>,
    pub(super) language: Option<Language>,
    /// Whether the tokens go (in remove mode); loops of protected tokens are only flagged.
    pub(super) removable: bool,
}

/// New texts (or punctuation) of a few tokens, by token index: the repair changes only tokens
/// next to a removal, so a short list costs less than a slot per token.
#[derive(Debug, Default)]
pub(super) struct Changes(Vec<(usize, String)>);

impl Changes {
    /// No changes, keeping the allocation.
    fn clear(&mut self) {
        self.0.clear();
    }

    /// The changed tokens and their new values, leaving no changes (and the allocation).
    pub(super) fn drain(&mut self) -> std::vec::Drain<'_, (usize, String)> {
        self.0.drain(..)
    }

    /// The new value of token `i`, if it changed.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == i)
            .map(|(_, v)| v.as_str())
    }

    /// Sets the new value of token `i`.
    fn set(&mut self, i: usize, value: String) {
        match self.0.iter_mut().find(|(k, _)| *k == i) {
            Some((_, v)) => *v = value,
            None => self.0.push((i, value)),
        }
    }
}

/// What to do with a sentence. Its vectors are reused from sentence to sentence (see
/// [`recycle`]): a changed sentence would otherwise allocate its hits and its flags.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) hits: Vec<Hit>,
    pub(super) keep: Vec<bool>,
    pub(super) text: Changes,
    pub(super) punct: Changes,
    /// No lexical token is left.
    pub(super) emptied: bool,
}

/// Options the planner needs.
#[derive(Clone, Copy, Debug)]
pub(super) struct Settings {
    pub(super) level: Level,
    pub(super) backchannels: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Punct,
    Digit,
    Chars,
    Word,
}

struct Info {
    class: Class,
    /// A hash of the key, to compare tokens quickly.
    hash: u64,
    /// The normalized key.
    key: Key,
    /// Punctuation (of the token, or a punctuation token right after it) ends the clause.
    break_after: bool,
    /// Terminal punctuation (`。？！.?!`) follows.
    terminal_after: bool,
}

/// The number tokens are compared by: up to seven bytes packed with their length, so that
/// equal numbers mean equal texts (most words: a Chinese character is three bytes), and a hash
/// with the top byte set for longer texts, which then need comparing as text. Never 0 for a
/// non-empty text (the length byte or the top byte is set).
#[inline]
fn key_hash(text: &str) -> u64 {
    match super::dict::pack(text) {
        Some(p) => p,
        None => {
            use std::hash::Hasher;
            let mut h = super::dict::Fx::default();
            h.write(text.as_bytes());
            h.finish() | 0xFF << 56
        }
    }
}

/// The character and [`key_hash`] when the text is exactly one common Han character
/// (U+4E00..=U+9FFF, three bytes from 0xE4 0xB8 to 0xE9 0xBF), from one read of its bytes:
/// such a token is its own trimmed, normalized key, and its hash is its bytes.
#[inline]
fn one_han(text: &str) -> Option<(char, u64)> {
    let &[a, b, c] = text.as_bytes() else {
        return None;
    };
    let u = leading_main_han(text.as_bytes())?;
    let hash = u64::from(a) | u64::from(b) << 8 | u64::from(c) << 16 | 3 << 56;
    Some((char::from_u32(u)?, hash))
}

/// A normalized key: a byte range of the token's own text (a Han character is its own key, so
/// most tokens copy nothing), or of the sentence's key buffer.
#[derive(Clone, Copy, Debug)]
struct Key {
    start: u32,
    end: u32,
    own: bool,
}

impl Key {
    /// A range of the key buffer.
    fn buffer(start: usize, end: usize) -> Key {
        Key {
            start: start as u32,
            end: end as u32,
            own: false,
        }
    }

    /// The empty key, which matches no list entry.
    const EMPTY: Key = Key {
        start: 0,
        end: 0,
        own: false,
    };
}

struct Unit {
    tok: usize,
    key: Key,
    /// The first character of the key (none when it is empty), for the bit-set tests.
    first: Option<char>,
    tok_start: bool,
    tok_end: bool,
}

/// A list of characters as a slice (for `contains` and patterns) and as a test by `match`
/// (range tests, for the hot path), written once.
macro_rules! char_set {
    ($(#[$doc:meta])* $list:ident, $test:ident, [$($c:literal),+ $(,)?]) => {
        $(#[$doc])*
        const $list: &[char] = &[$($c),+];
        #[inline]
        fn $test(c: char) -> bool {
            matches!(c, $($c)|+)
        }
    };
}

char_set!(
    /// Punctuation that ends a sentence (the code asks `is_terminal`; the tests read the list).
    #[cfg(test)]
    TERMINAL,
    is_terminal,
    ['。', '？', '！', '.', '?', '!', '…', '．']
);
const WEAK: &[char] = &['，', ',', '、', ';', '；', ':', '：', '-', '—', '～', '~'];
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '》', '"', ']', '〉'];
char_set!(
    /// Punctuation that opens a quotation or bracket.
    OPENERS,
    is_opener,
    ['“', '‘', '「', '『', '（', '(', '【', '《', '"', '\'', '[', '〈']
);

/// What a token's punctuation does, in one pass.
#[derive(Clone, Copy, Default)]
struct Marks {
    /// It ends the clause: something is left after [`trim`].
    breaks: bool,
    /// It has terminal punctuation (`strength` 2).
    terminal: bool,
    /// It opens a quotation or bracket.
    opener: bool,
}

impl Marks {
    #[inline]
    fn of(p: &str) -> Marks {
        // The marks Paraformer writes after most Chinese words, without the general loop.
        const BREAK: Marks = Marks {
            breaks: true,
            terminal: false,
            opener: false,
        };
        match p {
            "，" | "、" => return BREAK,
            "。" | "？" | "！" => {
                return Marks {
                    terminal: true,
                    ..BREAK
                };
            }
            _ => {}
        }
        let mut m = Marks {
            breaks: !p.is_empty() && !trim(p).is_empty(),
            ..Marks::default()
        };
        for c in p.chars() {
            // Tests by `match` rather than two list searches; the lists share no character (a
            // test checks it), so one match decides.
            if is_terminal(c) {
                m.terminal = true;
            } else if is_opener(c) {
                m.opener = true;
            }
        }
        m
    }
}

/// 0 none, 1 weak, 2 terminal.
fn strength(p: &str) -> u8 {
    // A loop over the characters: cheaper than two pattern searches.
    let mut s = 0;
    for c in p.chars() {
        if is_terminal(c) {
            return 2;
        }
        if WEAK.contains(&c) {
            s = 1;
        }
    }
    s
}

fn only_weak(p: &str) -> bool {
    !p.trim().is_empty() && p.chars().all(|c| c.is_whitespace() || WEAK.contains(&c))
}

/// `str::trim`, with the ASCII case first.
#[inline]
pub(super) fn trim(s: &str) -> &str {
    let t = s.trim_ascii();
    let b = t.as_bytes();
    // Other whitespace is U+0085..=U+3000: a lead byte from 0xE4 on (CJK) starts none of it,
    // and an ASCII last byte ends none of it, so most words skip decoding.
    let head =
        b.first().is_some_and(|&x| (0x80..0xE4).contains(&x)) && t.starts_with(non_ascii_space);
    let tail = b.last().is_some_and(|&x| x >= 0x80) && t.ends_with(non_ascii_space);
    if head || tail { t.trim() } else { t }
}

/// Whitespace outside ASCII (all of it lies in U+0085..=U+3000).
#[inline]
fn non_ascii_space(c: char) -> bool {
    (0x85..=0x3000).contains(&(c as u32)) && c.is_whitespace()
}

/// Two or more letters, all capitals, or one spelled Latin capital letter.
fn is_acronym(lex: &str) -> bool {
    let mut letters = 0;
    for c in lex.chars().filter(|c| c.is_alphabetic()) {
        if !c.is_uppercase() {
            return false;
        }
        letters += 1;
    }
    letters >= 2
        || (letters == 1
            && lex != "I"
            && lex.chars().count() == 1
            && lex.chars().all(|c| Script::of(c) == Script::Latin))
}

fn classify(lex: &str) -> Class {
    let mut chars = false;
    let mut letters = false;
    for c in lex.chars() {
        match script(c) {
            Script::Digit => return Class::Digit,
            Script::Han | Script::Kana => chars = true,
            Script::Punctuation | Script::Space => {}
            _ => letters = true,
        }
    }
    if chars && !letters {
        Class::Chars
    } else if chars || letters {
        Class::Word
    } else {
        Class::Punct
    }
}

/// Buffers reused across sentences (one set per thread), so planning allocates only for what
/// it finds.
#[derive(Default)]
struct Buffers {
    info: Vec<Info>,
    units: Vec<Unit>,
    keys: String,
    starts: Vec<usize>,
    scratch: Scratch,
    /// The vectors of a plan given back by [`recycle`], for the next one.
    plan: Plan,
}

/// Per-sentence working vectors of the planner, reused across sentences.
#[derive(Default)]
struct Scratch {
    cands: Vec<(usize, usize, u32)>,
    relevant: Vec<usize>,
    accepted: Vec<bool>,
    starts: Vec<bool>,
    ends: Vec<bool>,
    gone: Vec<bool>,
    marks: Vec<bool>,
    repeats: Repeats,
}

/// Working vectors of [`repetitions`].
#[derive(Default)]
struct Repeats {
    /// The lexical tokens left after the fillers.
    seq: Vec<usize>,
    barrier: Vec<bool>,
    done: Vec<bool>,
    hashes: Vec<u64>,
    /// A repeated phrase of Chinese words, looked up in the stutter words.
    phrase: String,
}

/// Clears `v` and fills it with `n` copies of `value`, keeping its allocation.
fn reset<T: Clone>(v: &mut Vec<T>, n: usize, value: T) {
    v.clear();
    v.resize(n, value);
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// What the scan of a sentence found: where the planner has to look.
#[derive(Clone, Copy, Debug, Default)]
struct Found {
    /// A token may start a list entry of a tier in use (its first character's bit is set).
    used: bool,
    /// Lexical tokens repeat (`A A`, `A B A B`, `A B C A B C`, by hash) in a way the
    /// planner may take as a stutter or a loop (see [`Windows`]), or one is a fragment (`w-`).
    repeat: bool,
    /// Some punctuation opens a quotation.
    quote: bool,
}

impl Found {
    /// Whether the planner may find anything: a filler of a tier in use, or a repetition.
    /// Repetitions among tokens left after removing fillers need a filler, so the scan of the
    /// input's lexical tokens covers them.
    fn anything(self) -> bool {
        self.used || self.repeat
    }
}

/// The hashes of the last five lexical tokens of the scan, newest first (0 before the first:
/// no token hashes to 0, see [`key_hash`]), shifted along rather than kept in a ring.
#[derive(Default)]
struct Recent {
    back: [u64; 5],
    /// The length of the run of equal hashes that ends with the newest.
    run: usize,
}

/// The repeat windows a lexical token ends (see [`repetitions`]).
#[derive(Clone, Copy)]
struct Windows {
    /// The length of the run of equal tokens it ends (1 when the token before differs).
    run: usize,
    /// It ends `A B A B` or `A B C A B C`.
    phrase: bool,
}

impl Recent {
    /// Adds a lexical token's hash and says which windows it ends.
    #[inline]
    fn push(&mut self, x: u64) -> Windows {
        let [b1, b2, b3, b4, b5] = self.back;
        self.run = if b1 == x { self.run + 1 } else { 1 };
        // Each phrase needs `x` equal to the second or third last: test that first. A token
        // not seen yet is 0, which equals no token, so no window reaches before the first.
        let phrase = (b2 == x && b3 == b1) || (b3 == x && b4 == b1 && b5 == b2);
        self.back = [x, b1, b2, b3, b4];
        Windows {
            run: self.run,
            phrase,
        }
    }
}

impl Windows {
    /// Whether [`repetitions`] may find something here, for any token: a run or a phrase.
    fn any(self) -> bool {
        self.run >= 2 || self.phrase
    }

    /// The same for a token that is the Han character `c`, with the planner's rules (see
    /// [`is_stutter`]): a loop, a stutter of a listed character, or a phrase ending like a
    /// stutter word. The planner sees the same runs or shorter ones (split by terminal
    /// punctuation), so nothing it finds is missed.
    fn han(self, dict: &Dict, c: char) -> bool {
        self.run >= 4
            || (self.run >= 2 && dict.stutter_chars_2.contains(&c))
            || (self.run >= 3 && dict.stutter_chars_3.contains(&c))
            || (self.phrase && dict.stutter_ends.contains(&c))
    }
}

/// The key of a token that is one Han character: its own three bytes.
const OWN_HAN: Key = Key {
    start: 0,
    end: 3,
    own: true,
};

struct Ctx<'a, 't> {
    dict: &'a Dict,
    toks: &'a [Tok<'t>],
    info: Vec<Info>,
    units: Vec<Unit>,
    keys: String,
    /// The units that start a token whose first character may start a list entry (any
    /// tier): the only places a filler candidate starts.
    starts: Vec<usize>,
    found: Found,
}

impl<'a, 't> Ctx<'a, 't> {
    /// The scan: one pass over the tokens that classifies each, records its key, hash and
    /// clause breaks, and notes where the planner has to look ([`Found`], `starts`). A token
    /// that is one Han character without punctuation (how Paraformer writes most Chinese)
    /// takes a few lookups and copies nothing; the others take [`Ctx::scan_other`].
    fn new(dict: &'a Dict, toks: &'a [Tok<'t>], buffers: &mut Buffers) -> Self {
        // The vectors move out one by one (the whole `Buffers` is large to move).
        let mut info = std::mem::take(&mut buffers.info);
        let mut units = std::mem::take(&mut buffers.units);
        let mut keys = std::mem::take(&mut buffers.keys);
        let mut starts = std::mem::take(&mut buffers.starts);
        info.clear();
        units.clear();
        keys.clear();
        starts.clear();
        let mut cx = Ctx {
            dict,
            toks,
            info,
            units,
            keys,
            starts,
            found: Found::default(),
        };
        cx.info.reserve(toks.len());
        cx.units.reserve(toks.len());
        let mut recent = Recent::default();
        for (i, t) in toks.iter().enumerate() {
            let Some((c, hash)) = one_han(t.text) else {
                // Out of line (`scan_other` is not inlined): the loop stays small.
                if let Some((hash, fragment)) = cx.scan_other(i) {
                    cx.found.repeat |= recent.push(hash).any() || fragment;
                }
                continue;
            };
            // Most such words have no punctuation.
            let marks = if t.punct.is_empty() {
                Marks::default()
            } else {
                Marks::of(t.punct)
            };
            cx.found.quote |= marks.opener;
            cx.units.push(Unit {
                tok: i,
                key: OWN_HAN,
                first: Some(c),
                tok_start: true,
                tok_end: true,
            });
            cx.info.push(Info {
                class: Class::Chars,
                hash,
                key: OWN_HAN,
                break_after: marks.breaks,
                terminal_after: marks.terminal,
            });
            if dict.may_start(c) {
                cx.note_start(cx.units.len() - 1, c);
            }
            let w = recent.push(hash);
            if w.any() {
                cx.found.repeat |= w.han(dict, c);
            }
        }
        cx
    }

    /// Records a token start whose first character `c` may start a list entry.
    #[inline]
    fn note_start(&mut self, unit: usize, c: char) {
        self.starts.push(unit);
        self.found.used |= self.dict.may_start_used(c);
    }

    /// The scan of any other token: trimmed, classified, normalized, split into units.
    /// Returns the hash of a lexical token and whether it is a fragment (`w-`).
    #[inline(never)]
    fn scan_other(&mut self, i: usize) -> Option<(u64, bool)> {
        let t = self.toks[i];
        let p = t.punct;
        let lex = trim(t.text);
        if !lex.is_empty()
            && lex.bytes().all(|b| b.is_ascii_lowercase())
            && !has_triple(lex.as_bytes())
        {
            return Some(self.scan_plain(i, lex));
        }
        let class = classify(lex);
        let start = self.keys.len();
        if class == Class::Chars {
            // Nothing to normalize in Chinese or Japanese.
            self.keys.push_str(lex);
        } else {
            normalize_into(lex, &mut self.keys);
        }
        let key = Key::buffer(start, self.keys.len());
        let first_unit = self.units.len();
        match class {
            Class::Chars => {
                let mut off = start;
                let mut first = true;
                let mut chars = self.keys[start..].chars().peekable();
                while let Some(c) = chars.next() {
                    let len = c.len_utf8();
                    self.units.push(Unit {
                        tok: i,
                        key: Key::buffer(off, off + len),
                        first: Some(c),
                        tok_start: first,
                        tok_end: chars.peek().is_none(),
                    });
                    first = false;
                    off += len;
                }
            }
            Class::Word | Class::Digit => {
                // Digits and acronyms (`ER`, `HM`) never match a list.
                let key = if class == Class::Digit || is_acronym(lex) {
                    Key::EMPTY
                } else {
                    key
                };
                self.units.push(Unit {
                    tok: i,
                    key,
                    first: self.key(i, key).chars().next(),
                    tok_start: true,
                    tok_end: true,
                });
            }
            Class::Punct => {}
        }
        let marks = Marks::of(p);
        self.found.quote |= if class == Class::Punct {
            Marks::of(t.text).opener
        } else {
            marks.opener
        };
        let key_text = &self.keys[start..];
        let hash = key_hash(key_text);
        let fragment = class == Class::Word && key_text.ends_with('-');
        self.info.push(Info {
            class,
            hash,
            key,
            break_after: marks.breaks,
            terminal_after: marks.terminal,
        });
        if class == Class::Punct {
            // A punctuation token ends the clause of the token before it.
            if i > 0 {
                let terminal = strength(t.text) == 2 || strength(p) == 2;
                let prev = &mut self.info[i - 1];
                prev.break_after = true;
                prev.terminal_after |= terminal;
            }
            return None;
        }
        // A start when the first unit starts an entry: the bit of its first character, then
        // the trie (a Latin word is one unit, and most of those starting with a listed letter
        // start no entry).
        let first = self
            .units
            .get(first_unit)
            .and_then(|u| self.keys.get(u.key.start as usize..u.key.end as usize))
            .and_then(|k| Some((k, k.chars().next()?)));
        if let Some((unit, c)) = first {
            if self.dict.may_start(c) && self.dict.fillers.step(Trie::ROOT, unit).is_some() {
                self.note_start(first_unit, c);
            }
        }
        Some((hash, fragment))
    }

    /// [`Ctx::scan_other`] of a word of lower-case ASCII letters `lex` (most Latin words): a
    /// [`Class::Word`] that is its own normalized key (not an acronym, not a fragment), so
    /// nothing is copied, classified or normalized.
    fn scan_plain(&mut self, i: usize, lex: &str) -> (u64, bool) {
        let t = self.toks[i];
        // `lex` is `t.text` trimmed: where it starts in it.
        let start = lex.as_ptr() as usize - t.text.as_ptr() as usize;
        let key = Key {
            start: start as u32,
            end: (start + lex.len()) as u32,
            own: true,
        };
        let unit = self.units.len();
        let c = char::from(lex.as_bytes()[0]);
        self.units.push(Unit {
            tok: i,
            key,
            first: Some(c),
            tok_start: true,
            tok_end: true,
        });
        let marks = if t.punct.is_empty() {
            Marks::default()
        } else {
            Marks::of(t.punct)
        };
        self.found.quote |= marks.opener;
        let hash = key_hash(lex);
        self.info.push(Info {
            class: Class::Word,
            hash,
            key,
            break_after: marks.breaks,
            terminal_after: marks.terminal,
        });
        if self.dict.may_start(c) && self.dict.fillers.step(Trie::ROOT, lex).is_some() {
            self.note_start(unit, c);
        }
        (hash, false)
    }

    /// Returns the vectors to `buffers`, for the next sentence.
    fn into_buffers(self, buffers: &mut Buffers) {
        buffers.info = self.info;
        buffers.units = self.units;
        buffers.keys = self.keys;
        buffers.starts = self.starts;
    }

    /// The text of key `k` of token `tok`.
    fn key(&self, tok: usize, k: Key) -> &str {
        let source = if k.own {
            self.toks[tok].text
        } else {
            &self.keys
        };
        source.get(k.start as usize..k.end as usize).unwrap_or("")
    }

    /// The normalized key of token `i`.
    fn tok_key(&self, i: usize) -> &str {
        self.key(i, self.info[i].key)
    }

    /// The key of unit `i`.
    fn unit_key(&self, i: usize) -> &str {
        let u = &self.units[i];
        self.key(u.tok, u.key)
    }

    /// Steps `trie` from `node` by unit `i`. A unit that is its token's own key (a Han
    /// character, a plain Latin word) has the token's hash as key, which for up to seven bytes
    /// is the packed text: the trie is stepped by it, without slicing and packing the text.
    fn step(&self, trie: &Trie, node: u32, i: usize) -> Option<u32> {
        let u = &self.units[i];
        let hash = self.info[u.tok].hash;
        if u.key.own && hash >> 56 <= 7 {
            let next = trie.step_packed(node, hash);
            debug_assert_eq!(next, trie.step(node, self.unit_key(i)));
            return next;
        }
        trie.step(node, self.unit_key(i))
    }

    fn is_lexical(&self, i: usize) -> bool {
        self.info[i].class != Class::Punct
    }

    /// The lexical token before `i` (most often `i - 1`).
    fn prev_lexical(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| self.is_lexical(j))
    }

    /// The lexical token after `i` (most often `i + 1`).
    fn next_lexical(&self, i: usize) -> Option<usize> {
        (i + 1..self.toks.len()).find(|&j| self.is_lexical(j))
    }

    /// Whether units `i..=j` lie inside a protected compound (`金额` around `额`), other than
    /// exactly the span itself.
    fn protected(&self, i: usize, j: usize) -> bool {
        let max = self.dict.max_compound;
        if max == 0 {
            return false;
        }
        let from = i.saturating_sub(max - 1);
        for s in from..=j {
            // Most units start no compound: one bit test.
            let starts = self.units[s]
                .first
                .is_some_and(|c| self.dict.compound_first.may_contain(c));
            if !starts {
                continue;
            }
            let mut node = Trie::ROOT;
            for e in s..self.units.len().min(s + max) {
                match self.step(&self.dict.compounds, node, e) {
                    Some(n) => node = n,
                    None => break,
                }
                if self.dict.compounds.entry(node).is_some() && e >= i && (s, e) != (i, j) {
                    return true;
                }
                let u = &self.units[e];
                if u.tok_end && self.info[u.tok].break_after {
                    break;
                }
            }
        }
        false
    }

    /// Filler candidates: the longest list entry at each token start, whole tokens only.
    /// With `fast`, only the scan's `starts` are tried; otherwise every token start is (the
    /// same result, which tests check).
    fn candidates(
        &self,
        fast: bool,
        out: &mut Vec<(usize, usize, u32)>,
        relevant: &mut Vec<usize>,
    ) {
        out.clear();
        // The first unit not inside an earlier candidate.
        let mut free = 0;
        let mut try_at = |i: usize| {
            if i < free {
                return;
            }
            if let Some((j, e)) = self.longest_entry(i) {
                if !self.protected(i, j) {
                    out.push((self.units[i].tok, self.units[j].tok, e));
                }
                free = j + 1;
            }
        };
        if fast {
            // A start whose first character starts only entries of tiers not in use matters
            // only when its candidate could cover (and so hide) a start that matters, within
            // the longest entry's reach: mark those from the end, skip the others.
            let reach = self.dict.max_filler.max(1) - 1;
            let mut next_relevant = usize::MAX;
            relevant.clear();
            for &i in self.starts.iter().rev() {
                let used = self.units[i]
                    .first
                    .is_some_and(|c| self.dict.may_start_used(c));
                if used || next_relevant.saturating_sub(i) <= reach {
                    relevant.push(i);
                    next_relevant = i;
                }
            }
            relevant.iter().rev().for_each(|&i| try_at(i));
        } else {
            (0..self.units.len())
                .filter(|&i| {
                    self.units[i].tok_start
                        && self.units[i].first.is_some_and(|c| self.dict.may_start(c))
                })
                .for_each(try_at);
        }
    }

    /// The longest list entry of whole tokens starting at unit `i` (inside one clause): its
    /// last unit and entry.
    fn longest_entry(&self, i: usize) -> Option<(usize, u32)> {
        let mut node = Trie::ROOT;
        let mut best = None;
        for j in i..self.units.len() {
            let u = &self.units[j];
            match self.step(&self.dict.fillers, node, j) {
                Some(n) => node = n,
                None => break,
            }
            if u.tok_end {
                if let Some(e) = self.dict.fillers.entry(node) {
                    best = Some((j, e));
                }
                if self.info[u.tok].break_after {
                    break;
                }
            }
        }
        best
    }
}

/// Whether a tier counts with these settings.
pub(super) fn enabled(tier: Tier, s: Settings) -> bool {
    match tier {
        Tier::Hesitation => true,
        Tier::Backchannel => s.backchannels,
        Tier::Marker => s.level == Level::Full,
    }
}

/// Plans one sentence. `None` when nothing is found.
///
/// With `fast`, the planner takes the scan's shortcuts (see [`Found`]): a sentence where the
/// scan saw neither a list character of a tier in use nor a repeat is skipped, fillers are
/// looked for only at the scan's `starts`, and the repetition and quotation searches run only
/// where the scan saw a repeat or a quotation mark. Without, it does the full work; tests
/// compare the two.
pub(super) fn plan(dict: &Dict, toks: &[Tok<'_>], settings: Settings, fast: bool) -> Option<Plan> {
    BUFFERS.with(|cell| {
        let mut buffers = cell.borrow_mut();
        let cx = Ctx::new(dict, toks, &mut buffers);
        let mut plan = None;
        if !fast || cx.found.anything() {
            let mut p = std::mem::take(&mut buffers.plan);
            if plan_ctx(&cx, settings, fast, &mut buffers.scratch, &mut p) {
                plan = Some(p);
            } else {
                buffers.plan = p;
            }
        }
        cx.into_buffers(&mut buffers);
        plan
    })
}

/// Gives the vectors of a plan that is done with back to this thread's planner, for the next
/// sentence.
pub(super) fn recycle(plan: Plan) {
    BUFFERS.with(|cell| cell.borrow_mut().plan = plan);
}

/// Plans into `out` (whose vectors are reused): false when nothing is found.
fn plan_ctx(
    cx: &Ctx<'_, '_>,
    settings: Settings,
    fast: bool,
    scratch: &mut Scratch,
    out: &mut Plan,
) -> bool {
    let dict = cx.dict;
    let toks = cx.toks;
    let n = toks.len();
    // Only the hits' field is borrowed: `out.keep` is set below while they are read.
    let hits = &mut out.hits;
    hits.clear();
    // 1. Fillers, with their position rules.
    let Scratch {
        cands,
        relevant,
        accepted,
        starts,
        ends,
        gone,
        marks: g,
        repeats,
    } = scratch;
    cx.candidates(fast, cands, relevant);
    cands.retain(|&(_, _, e)| enabled(dict.entries[e as usize].tier, settings));
    let cands = &*cands;
    reset(accepted, cands.len(), false);
    reset(starts, n, false);
    reset(ends, n, false);
    loop {
        let mut changed = false;
        for (c, &(a, b, e)) in cands.iter().enumerate() {
            if accepted[c] {
                continue;
            }
            let left = || match cx.prev_lexical(a) {
                None => true,
                Some(p) => cx.info[p].break_after || ends[p],
            };
            let right = || match cx.next_lexical(b) {
                None => true,
                Some(q) => cx.info[b].break_after || starts[q],
            };
            let ok = match dict.entries[e as usize].position {
                Position::Anywhere => true,
                Position::Initial => left(),
                Position::Isolated => left() && right(),
            };
            if ok {
                accepted[c] = true;
                starts[a] = true;
                ends[b] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    reset(gone, n, false);
    for (c, &(a, b, e)) in cands.iter().enumerate() {
        if accepted[c] {
            let entry = &dict.entries[e as usize];
            hits.push(Hit {
                first: a,
                last: b,
                kind: Kind::from(entry.tier),
                // A built-in entry is not copied.
                entry: entry.text.clone(),
                language: Some(entry.language),
                removable: true,
            });
            gone[a..=b].iter_mut().for_each(|g| *g = true);
        }
    }
    // 2. Repetitions and loops among the other lexical tokens: without a removed filler these
    // are the scan's tokens, so its repeat test rules them out.
    if !fast || cx.found.repeat || !hits.is_empty() {
        repetitions(cx, gone, fast, hits, repeats);
    }
    if hits.is_empty() {
        return false;
    }
    // 3. Never empty a sentence of an answer: in light mode keep a sentence made only of
    // fillers; a backchannel that is the whole reply always stays.
    let mut removed_all = |hits: &[Hit]| {
        reset(g, n, false);
        for h in hits.iter().filter(|h| h.removable) {
            g[h.first..=h.last].iter_mut().for_each(|x| *x = true);
        }
        (0..n).all(|i| !cx.is_lexical(i) || g[i])
    };
    if removed_all(hits) {
        if settings.level == Level::Light {
            return false;
        }
        hits.retain(|h| h.kind != Kind::Backchannel);
        if hits.is_empty() {
            return false;
        }
    }
    // A quotation made only of fillers is quoted speech (`他说：“嗯。”`): keep it.
    if !fast || cx.found.quote {
        keep_quoted(cx, hits, g);
        if hits.is_empty() {
            return false;
        }
    }
    // Mostly in order already (fillers, then repetitions after them): the check keeps the
    // sort's code out of the instruction cache.
    if !hits.is_sorted_by_key(|h| (h.first, h.last)) {
        hits.sort_by_key(|h| (h.first, h.last));
    }
    reset(&mut out.keep, n, true);
    for h in hits.iter().filter(|h| h.removable) {
        out.keep[h.first..=h.last]
            .iter_mut()
            .for_each(|k| *k = false);
    }
    out.text.clear();
    out.punct.clear();
    repair(cx, out);
    out.emptied = (0..n).all(|i| !out.keep[i] || !cx.is_lexical(i));
    true
}

/// Drops the removable hits that are all of a quotation's words (`他说：“嗯。”` is quoted
/// speech). Out of line: only sentences with a quotation mark get here, and the hot path stays
/// small for the instruction cache.
#[inline(never)]
fn keep_quoted(cx: &Ctx<'_, '_>, hits: &mut Vec<Hit>, g: &mut Vec<bool>) {
    let toks = cx.toks;
    let n = toks.len();
    reset(g, n, false);
    for h in hits.iter().filter(|h| h.removable) {
        g[h.first..=h.last].iter_mut().for_each(|x| *x = true);
    }
    let marks = |i: usize| {
        if cx.is_lexical(i) {
            toks[i].punct
        } else {
            toks[i].text
        }
    };
    let mut start = None;
    for i in 0..n {
        if i > 0 && marks(i - 1).trim_end().ends_with(OPENERS) {
            start = Some(i);
        }
        let closes = marks(i).contains(CLOSERS)
            || (i + 1 < n && !cx.is_lexical(i + 1) && toks[i + 1].text.contains(CLOSERS));
        if let (Some(st), true) = (start, closes) {
            let lexical: Vec<usize> = (st..=i).filter(|&k| cx.is_lexical(k)).collect();
            if !lexical.is_empty() && lexical.iter().all(|&k| g[k]) {
                hits.retain(|h| !(h.removable && h.first >= st && h.last <= i));
            }
            start = None;
        }
    }
}

fn is_loop_safe(cx: &Ctx<'_, '_>, t: usize) -> bool {
    let info = &cx.info[t];
    let key = cx.tok_key(t);
    match info.class {
        Class::Digit | Class::Punct => true,
        Class::Chars => {
            let mut cs = key.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => cx.dict.loop_safe_chars.contains(&c),
                _ => cx.dict.keep_repeats.contains(key),
            }
        }
        Class::Word => {
            let lex = cx.toks[t].text.trim();
            cx.dict.keep_repeats.contains(key)
                // Spelled letters, but not the pronoun `I` or the article `a`.
                || (key.chars().count() == 1 && lex != "I" && lex != "a")
                || key.contains(|c: char| c.is_ascii_digit())
        }
    }
}

fn single_char(key: &str) -> Option<char> {
    let mut cs = key.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Whether a run of `len` (2 or 3) copies of token `t` is a stutter.
fn is_stutter(cx: &Ctx<'_, '_>, t: usize, len: usize) -> bool {
    let key = cx.tok_key(t);
    match cx.info[t].class {
        Class::Word => !is_loop_safe(cx, t),
        Class::Chars => match single_char(key) {
            Some(c) if key.chars().all(|c| Script::of(c) == Script::Han) => {
                cx.dict.stutter_chars_2.contains(&c)
                    || (len >= 3 && cx.dict.stutter_chars_3.contains(&c))
            }
            Some(_) => false,
            None => cx.dict.stutter_words.contains(key),
        },
        _ => false,
    }
}

/// Whether [`repetitions`] may find anything in `seq`: a run that is a loop or a stutter, a
/// repeated pair or triple, or a fragment (`w-`). Most sentences have none of these and skip
/// the full search. The test compares hashes only and ignores barriers, which can only make
/// it pass more often (equal tokens have equal hashes; runs get longer).
fn may_repeat(cx: &Ctx<'_, '_>, seq: &[usize], hashes: &mut Vec<u64>) -> bool {
    hashes.clear();
    hashes.extend(seq.iter().map(|&t| cx.info[t].hash));
    let h = &hashes[..];
    let n = h.len();
    for k in 0..n {
        let x = h[k];
        // `A B A B`, `A B C A B C`.
        if (k + 3 < n && x == h[k + 2] && h[k + 1] == h[k + 3])
            || (k + 5 < n && x == h[k + 3] && h[k + 1] == h[k + 4] && h[k + 2] == h[k + 5])
        {
            return true;
        }
        // A run starting here: a loop, or a stutter. A run found by the full search lies
        // inside this one and starts at any of its tokens (a stutter of two is also one of
        // three).
        if k + 1 < n && x == h[k + 1] && (k == 0 || h[k - 1] != x) {
            let len = h[k..].iter().take_while(|&&y| y == x).count();
            if len >= 4 || seq[k..k + len].iter().any(|&t| is_stutter(cx, t, len)) {
                return true;
            }
        }
        let t = seq[k];
        if cx.info[t].class == Class::Word && cx.tok_key(t).ends_with('-') {
            return true;
        }
    }
    false
}

/// Whether a window of [`may_repeat`] crosses the gap that removing tokens `first..=last` (a
/// filler) leaves among the lexical tokens not `gone`: a run or a repeated phrase through it,
/// by hash. Only the five tokens on each side matter, so they are found by walking out from
/// the gap rather than by listing the sentence.
fn crosses_gap(cx: &Ctx<'_, '_>, gone: &[bool], first: usize, last: usize) -> bool {
    let kept = |i: &usize| cx.is_lexical(*i) && !gone[*i];
    // The window, left to right: up to five tokens before the gap, then up to five after.
    let mut w = [0u64; 10];
    let mut before = 0;
    for i in (0..first).rev().filter(kept).take(5) {
        before += 1;
        w[5 - before] = cx.info[i].hash;
    }
    let mut after = 0;
    for i in (last + 1..cx.toks.len()).filter(kept).take(5) {
        w[5 + after] = cx.info[i].hash;
        after += 1;
    }
    if before == 0 || after == 0 {
        // Not a gap between two tokens.
        return false;
    }
    let h = &w[5 - before..5 + after];
    let (n, g) = (h.len(), before - 1);
    (h[g] == h[g + 1])
        || (g.saturating_sub(4)..=g).any(|k| {
            (k + 3 < n && h[k] == h[k + 2] && h[k + 1] == h[k + 3])
                || (k + 5 < n && h[k] == h[k + 3] && h[k + 1] == h[k + 4] && h[k + 2] == h[k + 5])
        })
}

/// Finds repetitions and loops among the lexical tokens not `gone`. With `fast`, when the
/// scan saw no repeat in the input, only windows through the gaps the fillers left can hold
/// one: without such a window there is nothing to search.
fn repetitions(cx: &Ctx<'_, '_>, gone: &[bool], fast: bool, hits: &mut Vec<Hit>, r: &mut Repeats) {
    // Without a repeat in the input (the scan's test), a repetition needs a window through a
    // gap the removed fillers left: the hits so far are those fillers.
    if fast && !cx.found.repeat && !hits.iter().any(|h| crosses_gap(cx, gone, h.first, h.last)) {
        return;
    }
    let Repeats {
        seq,
        barrier,
        done,
        hashes,
        phrase,
    } = r;
    seq.clear();
    seq.extend((0..cx.toks.len()).filter(|&i| cx.is_lexical(i) && !gone[i]));
    if seq.len() < 2 {
        return;
    }
    let seq = &*seq;
    if !may_repeat(cx, seq, hashes) {
        return;
    }
    // barrier[k]: terminal punctuation between seq[k] and seq[k + 1].
    barrier.clear();
    barrier.extend((0..seq.len()).map(|k| {
        let end = seq.get(k + 1).copied().unwrap_or(cx.toks.len());
        (seq[k]..end).any(|t| cx.info[t].terminal_after)
    }));
    let barrier = &*barrier;
    let same = |a: usize, b: usize| {
        let (x, y) = (seq[a], seq[b]);
        cx.info[x].hash == cx.info[y].hash && cx.tok_key(x) == cx.tok_key(y)
    };
    reset(done, seq.len(), false);
    let push = |hits: &mut Vec<Hit>, from: usize, to: usize, kind: Kind, removable: bool| {
        // Tokens seq[from..to] (contiguous in seq, maybe not in toks) go, one hit per run of
        // adjacent tokens.
        let mut k = from;
        while k < to {
            let mut e = k;
            while e + 1 < to && seq[e + 1] == seq[e] + 1 {
                e += 1;
            }
            hits.push(Hit {
                first: seq[k],
                last: seq[e],
                kind,
                entry: Cow::Owned(cx.toks[seq[k]].text.trim().to_string()),
                language: None,
                removable,
            });
            k = e + 1;
        }
    };
    // Runs of one token.
    let mut k = 0;
    while k < seq.len() {
        let mut e = k;
        while e + 1 < seq.len() && !barrier[e] && same(e, e + 1) {
            e += 1;
        }
        let len = e - k + 1;
        if len >= 4 {
            let safe = is_loop_safe(cx, seq[k]);
            if safe {
                push(hits, k, k + 1, Kind::Loop, false);
                if let Some(h) = hits.last_mut() {
                    h.last = seq[e];
                }
            } else {
                push(hits, k, e, Kind::Loop, true);
            }
            done[k..=e].iter_mut().for_each(|d| *d = true);
        } else if len >= 2 && is_stutter(cx, seq[k], len) {
            push(hits, k, e, Kind::Repetition, true);
            done[k..=e].iter_mut().for_each(|d| *d = true);
        } else if len >= 2 {
            done[k..=e].iter_mut().for_each(|d| *d = true);
        }
        k = e + 1;
    }
    // Repeated phrases of two or three tokens (`I think I think`, `我们我们`).
    let mut k = 0;
    while k < seq.len() {
        let mut matched = 0;
        for n in [3usize, 2] {
            // The token comparison first: it rejects almost every window.
            if k + 2 * n > seq.len()
                || !(0..n).all(|i| same(k + i, k + n + i))
                || done[k..k + 2 * n].iter().any(|&d| d)
                || barrier[k..k + 2 * n - 1].iter().any(|&b| b)
            {
                continue;
            }
            let all = |class| (0..n).all(|i| cx.info[seq[k + i]].class == class);
            let ok = if all(Class::Word) {
                (0..n).any(|i| !is_loop_safe(cx, seq[k + i]))
            } else if all(Class::Chars) {
                phrase.clear();
                (0..n).for_each(|i| phrase.push_str(cx.tok_key(seq[k + i])));
                cx.dict.stutter_words.contains(phrase.as_str())
            } else {
                false
            };
            if ok {
                push(hits, k, k + n, Kind::Repetition, true);
                done[k..k + n].iter_mut().for_each(|d| *d = true);
                matched = n;
                break;
            }
        }
        k += matched.max(1);
    }
    // Fragments: `w- went`.
    for k in 0..seq.len() - 1 {
        if done[k] || cx.info[seq[k]].class != Class::Word || barrier[k] {
            continue;
        }
        if let Some(stem) = cx.tok_key(seq[k]).strip_suffix('-') {
            if !stem.is_empty() && cx.tok_key(seq[k + 1]).starts_with(stem) {
                push(hits, k, k + 1, Kind::Repetition, true);
            }
        }
    }
}

fn capitalize(s: &str) -> Option<String> {
    let lead = s.len() - s.trim_start().len();
    let mut cs = s[lead..].chars();
    let c = cs.next()?;
    if !c.is_lowercase() || !matches!(Script::of(c), Script::Latin | Script::Cyrillic) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..lead]);
    out.extend(c.to_uppercase());
    out.push_str(cs.as_str());
    Some(out)
}

/// Whether a word ends in a Latin or Cyrillic letter (or digit), i.e. in a spaced language.
fn ends_spaced_script(text: &str) -> bool {
    use crate::text::Script;
    text.trim_end().chars().next_back().is_some_and(|c| {
        let script = Script::of(c);
        script.is_alphabetic() || script == Script::Digit
    })
}

fn starts_upper(s: &str) -> bool {
    s.trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase())
}

/// Repairs punctuation, spacing and capitals around the removed tokens.
fn repair(cx: &Ctx<'_, '_>, plan: &mut Plan) {
    let toks = cx.toks;
    let n = toks.len();
    let original_first = (0..n).find(|&i| cx.is_lexical(i));
    let mut i = 0;
    while i < n {
        if plan.keep[i] {
            i += 1;
            continue;
        }
        let a = i;
        while i < n && !plan.keep[i] {
            i += 1;
        }
        let b = i - 1;
        let prev = (0..a).rev().find(|&j| plan.keep[j]);
        let next = (b + 1..n).find(|&j| plan.keep[j]);
        // The strongest terminal punctuation of the run moves to the word before it.
        let terminal = toks[a..=b]
            .iter()
            .map(|t| t.punct)
            .rfind(|p| strength(p) == 2);
        let capital = Some(a) == original_first && starts_upper(toks[a].text)
            || prev.is_some_and(|p| strength(current_punct(plan, toks, p)) == 2)
                && starts_upper(toks[a].text);
        if let Some(p) = prev {
            // Not borrowed from the plan, which changes below: copied only when an earlier
            // repair set it.
            let cur = match punct_of(plan, toks, p) {
                Ok(c) => Cow::Borrowed(c),
                Err(c) => Cow::Owned(c.to_string()),
            };
            let cur = cur.as_ref();
            // Closing quotes and brackets of the run stay.
            // Mostly none: the collecting code runs only when there are some.
            let closers: String = if toks[a..=b].iter().any(|t| t.punct.contains(CLOSERS)) {
                toks[a..=b]
                    .iter()
                    .flat_map(|t| t.punct.chars())
                    .filter(|c| CLOSERS.contains(c) && !cur.contains(*c))
                    .collect()
            } else {
                String::new()
            };
            if cur.contains(OPENERS) || cur.contains(CLOSERS) {
                // Leave quotes alone; only add the run's closers.
                if !closers.is_empty() {
                    let mut np = cur.trim_end().to_string();
                    np.push_str(&closers);
                    np.push_str(&cur[cur.trim_end().len()..]);
                    set_punct(cx, plan, p, Cow::Owned(np));
                }
            } else if let Some(t) = terminal.filter(|_| strength(cur) < 2) {
                let mut np: String = t
                    .trim_end()
                    .chars()
                    .filter(|c| !CLOSERS.contains(c))
                    .collect();
                np.push_str(&closers);
                np.push_str(&t[t.trim_end().len()..]);
                set_punct(cx, plan, p, Cow::Owned(np));
            } else if !closers.is_empty() {
                let mut np = cur.trim_end().to_string();
                np.push_str(&closers);
                np.push_str(&cur[cur.trim_end().len()..]);
                set_punct(cx, plan, p, Cow::Owned(np));
            } else if next.is_none() && only_weak(cur) {
                // A clause comma left at the end of the sentence.
                let ws = &cur[cur.trim_end().len()..];
                set_punct(cx, plan, p, Cow::Borrowed(ws));
            } else if only_weak(cur)
                && only_weak(toks[b].punct)
                && ends_spaced_script(toks[p].text)
                && (0..p).any(|j| plan.keep[j] && cx.is_lexical(j))
            {
                // A parenthetical filler inside a clause of a spaced language (`was, um, great`):
                // its commas go with it. After a sentence-initial word (`Hmm, uhm, yes`) the
                // comma belongs to that word, and in CJK it marks a real pause (`我们，嗯，去吧`).
                let ws = &cur[cur.trim_end().len()..];
                let ws = if ws.is_empty() { " " } else { ws };
                set_punct(cx, plan, p, Cow::Borrowed(ws));
            }
        }
        // Punctuation left without its word: at the start, or after punctuation.
        let mut q = next;
        while let Some(j) = q {
            if cx.is_lexical(j) {
                break;
            }
            let text = toks[j].text.trim();
            let orphan = match prev {
                None => !text.starts_with(OPENERS),
                Some(p) => {
                    strength(current_punct(plan, toks, p)) >= strength(text) && strength(text) > 0
                }
            };
            if !orphan {
                break;
            }
            plan.keep[j] = false;
            q = (j + 1..n).find(|&k| plan.keep[k]);
        }
        // The space before the run stays what it was (Fun-ASR puts spaces before words).
        if prev.is_none() || !toks[a].text.starts_with(char::is_whitespace) {
            if let Some(j) = q {
                let cur = plan.text.get(j).unwrap_or(toks[j].text);
                if cur.starts_with(char::is_whitespace) {
                    let t = cur.trim_start().to_string();
                    plan.text.set(j, t);
                }
            }
        }
        if capital {
            if let Some(j) = (b + 1..n).find(|&k| plan.keep[k] && cx.is_lexical(k)) {
                let cur = plan.text.get(j).unwrap_or(toks[j].text);
                if let Some(c) = capitalize(cur) {
                    plan.text.set(j, c);
                }
            }
        }
    }
}

/// The punctuation token `i` has now (after the repairs so far).
fn current_punct<'p>(plan: &'p Plan, toks: &'p [Tok<'_>], i: usize) -> &'p str {
    match punct_of(plan, toks, i) {
        Ok(p) | Err(p) => p,
    }
}

/// [`current_punct`], and where it is: `Ok` in the sentence's tokens (no repair changed it,
/// most often), `Err` in the plan.
fn punct_of<'p, 't>(plan: &'p Plan, toks: &[Tok<'t>], i: usize) -> Result<&'t str, &'p str> {
    if let Some(p) = plan.punct.get(i) {
        return Err(p);
    }
    // A word of one Han character is a letter (a test checks the range), without decoding.
    if toks[i].punct.is_empty()
        && one_han(toks[i].text).is_none()
        && toks[i].text.trim().chars().all(|c| !c.is_alphanumeric())
    {
        // A punctuation token: its text is its punctuation.
        return match plan.text.get(i) {
            Some(t) => Err(t),
            None => Ok(toks[i].text),
        };
    }
    Ok(toks[i].punct)
}

/// Sets the punctuation of token `i` to `p` (a string built for it is kept, not copied).
fn set_punct(cx: &Ctx<'_, '_>, plan: &mut Plan, i: usize, p: Cow<'_, str>) {
    if !cx.is_lexical(i) {
        // A punctuation token takes the stronger mark as its text.
        if !p.trim().is_empty() {
            plan.text.set(i, p.trim().to_string());
        }
        return;
    }
    let text = plan.text.get(i).unwrap_or(cx.toks[i].text);
    if !p.trim().is_empty() && text.ends_with(char::is_whitespace) {
        // `think ` + `. ` would read `think . `.
        let t = text.trim_end().to_string();
        plan.text.set(i, t);
    }
    if p != cx.toks[i].punct {
        plan.punct.set(i, p.into_owned());
    }
}

/// Splits a sentence's text into tokens: one per Chinese or Japanese character, one per run of
/// other letters (with its trailing spaces), punctuation after a token as its punctuation.
pub(super) fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out: Vec<Tok<'_>> = Vec::new();
    let bytes = text.len();
    let mut i = 0;
    let tok = |text, punct| Tok { text, punct };
    while i < bytes {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let script = Script::of(c);
        let word_end = if is_char_unit(c) {
            // One character, plus a long-vowel mark run (`えー`).
            let mut e = c.len_utf8();
            for d in rest[e..].chars() {
                if d == 'ー' {
                    e += d.len_utf8();
                } else {
                    break;
                }
            }
            Some(e)
        } else if matches!(script, Script::Punctuation | Script::Space) {
            None
        } else {
            let mut e = 0;
            let mut it = rest.char_indices().peekable();
            while let Some((k, d)) = it.next() {
                let s = Script::of(d);
                let joiner = matches!(d, '-' | '\'' | '’' | '&')
                    && it.peek().is_some_and(|&(_, n)| {
                        !is_char_unit(n)
                            && !matches!(Script::of(n), Script::Punctuation | Script::Space)
                    });
                let trailing_hyphen = d == '-' && it.peek().is_none_or(|&(_, n)| n.is_whitespace());
                if is_char_unit(d)
                    || (matches!(s, Script::Punctuation | Script::Space)
                        && !joiner
                        && !trailing_hyphen)
                {
                    break;
                }
                e = k + d.len_utf8();
            }
            Some(e.max(c.len_utf8()))
        };
        match word_end {
            Some(e) => {
                // Trailing spaces belong to the word, punctuation after them to its punct.
                let after = &rest[e..];
                let ws = after.len() - after.trim_start().len();
                let p_len = punct_len(&after[ws..]);
                if p_len == 0 {
                    out.push(tok(&rest[..e + ws], ""));
                    i += e + ws;
                } else {
                    let p_end = ws + p_len;
                    let after_p = &after[p_end..];
                    let ws2 = after_p.len() - after_p.trim_start().len();
                    out.push(tok(&rest[..e], &rest[e..e + p_end + ws2]));
                    i += e + p_end + ws2;
                }
            }
            None => {
                // Punctuation with no word before it in this sentence.
                let len = punct_len(rest).max(c.len_utf8());
                let after = &rest[len..];
                let ws = after.len() - after.trim_start().len();
                out.push(tok(&rest[..len + ws], ""));
                i += len + ws;
            }
        }
    }
    out
}

/// Length of the punctuation (and spaces between marks) at the start of `s`.
fn punct_len(s: &str) -> usize {
    let mut end = 0;
    let mut k = 0;
    for (i, c) in s.char_indices() {
        match Script::of(c) {
            Script::Punctuation => {
                k = i + c.len_utf8();
                end = k;
            }
            Script::Space => k = i + c.len_utf8(),
            _ => break,
        }
    }
    let _ = k;
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `trim` had before its fast path.
    fn trim_reference(s: &str) -> &str {
        let t = s.trim_ascii();
        if t.ends_with(|c: char| !c.is_ascii() && c.is_whitespace())
            || t.starts_with(|c: char| !c.is_ascii() && c.is_whitespace())
        {
            t.trim()
        } else {
            t
        }
    }

    #[test]
    fn trim_matches_its_definition() {
        for s in [
            "",
            " ",
            "我",
            " 我 ",
            "\u{3000}嗯\u{3000}",
            "\u{a0}um\u{a0}",
            "\u{85}x",
            "x\u{2028}",
            "\u{b}uh\u{b}",
            "\u{b} \u{3000}",
            "é ",
            " ü",
            "한국어 ",
            "\u{3001}",
            "。",
            "\u{2009}think",
            "ok\u{202f}",
        ] {
            assert_eq!(trim(s), trim_reference(s), "{s:?}");
        }
    }

    #[test]
    fn non_ascii_whitespace_lies_in_the_tested_range() {
        for c in (char::MIN..=char::MAX).filter(|c| !c.is_ascii() && c.is_whitespace()) {
            assert!(non_ascii_space(c), "{c:?}");
        }
    }

    #[test]
    fn one_han_takes_exactly_one_common_han_character() {
        for (s, want) in [
            ("我", true),
            ("\u{4E00}", true),
            ("\u{9FFF}", true),
            ("\u{4DFF}", false),
            ("\u{A000}", false),
            ("あ", false),
            ("我们", false),
            (" 我", false),
            ("abc", false),
            ("", false),
        ] {
            let c = s.chars().next();
            assert_eq!(one_han(s).map(|(c, _)| c), c.filter(|_| want), "{s:?}");
            if want {
                assert_eq!(one_han(s).map(|(_, h)| h), Some(key_hash(s)));
                assert_eq!(script(s.chars().next().unwrap()), Script::Han);
                assert_eq!(classify(s), Class::Chars);
            }
        }
    }

    #[test]
    fn common_han_characters_are_alphanumeric() {
        for u in 0x4E00..=0x9FFF {
            let c = char::from_u32(u).unwrap();
            assert!(c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn marks_lists_are_those_of_the_match() {
        for c in TERMINAL {
            assert!(Marks::of(&c.to_string()).terminal, "{c:?}");
            assert!(!OPENERS.contains(c), "{c:?}");
        }
        for c in OPENERS {
            assert!(Marks::of(&c.to_string()).opener, "{c:?}");
        }
    }

    #[test]
    fn marks_match_their_definitions() {
        for p in [
            "",
            " ",
            "，",
            "。",
            "、",
            "？",
            "！",
            ", ",
            ". ",
            "?",
            "！”",
            "“",
            "\u{b}",
            "\u{3000}",
            "\u{3000}\u{b}",
            "…",
            "「",
            "'",
            "\"",
            "-",
            " ; ",
        ] {
            let m = Marks::of(p);
            assert_eq!(m.breaks, !trim(p).is_empty(), "{p:?}");
            assert_eq!(m.terminal, strength(p) == 2, "{p:?}");
            assert_eq!(m.opener, p.contains(OPENERS), "{p:?}");
        }
    }
}
