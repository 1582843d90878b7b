//! A character-level Aho-Corasick automaton with overlapping search.
//!
//! Why not the `aho-corasick` crate: it walks bytes, so a CJK list of 100k entries becomes about
//! 900k states (three per character), slow to build and with every search step a likely cache
//! miss. Walking characters needs about a third of the states; BMP transitions from the root
//! are a flat table (most characters of a transcript start nothing), the rest one hash map
//! keyed by `(state, char)`.
//!
//! Measured against the crate (1.1.5, `MatchKind::Standard`, overlapping) behind a temporary
//! switch, in one criterion run of `benches/sensitive.rs` (synthetic 1-hour result, 855 kB,
//! `synthetic::sensitive_words`, sequential, release, 2 loaded cores; parse 2.50 ms). Stage time
//! for 1k / 10k / 100k entries, and the time to build 100k:
//!
//! | matcher                                        | 1k      | 10k     | 100k    | build 100k |
//! |------------------------------------------------|---------|---------|---------|------------|
//! | this automaton                                 | 0.96 ms | 0.95 ms | 2.11 ms | 160 ms     |
//! | contiguous NFA stepped while normalizing       | 1.14 ms | 1.35 ms | 2.25 ms | 586 ms     |
//! | noncontiguous NFA stepped while normalizing    | 1.36 ms | 1.54 ms | 2.87 ms | 629 ms     |
//! | `AhoCorasick` (auto = contiguous NFA) on text  | 1.27 ms | 1.42 ms | 2.99 ms | 648 ms     |
//! | same, prefilter off                            | 1.40 ms | 1.44 ms | 2.56 ms | 598 ms     |
//! | `AhoCorasick` noncontiguous NFA on text        | 1.73 ms | 1.74 ms | 3.31 ms | 665 ms     |
//!
//! A second run with the DFA (this automaton: 0.87 / 0.79 / 1.26 ms, build 141 ms; parse
//! 2.58 ms): DFA stepped while normalizing 0.65 / 0.81 / 2.26 ms, `AhoCorasick` DFA on text
//! 0.98 / 1.21 / 2.28 ms, both building 100k in 1.6 s. The crate's best search is 7–42% slower
//! (the DFA wins only on small lists) and every crate build misses the 200 ms target 3–11×.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const NONE: u32 = u32::MAX;
/// Root transitions for the Basic Multilingual Plane are looked up in a flat table.
const ROOT_TABLE: usize = 0x10000;

/// A multiplicative hasher for the `(state, char)` keys: one `u64` write each, no DoS concern
/// (the keys come from the filter's own lists).
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        let h = (self.0 ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

type Map = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// At most 2^23 bits (1 MiB) of transition filter.
const BLOOM_MAX: usize = 1 << 23;

#[inline]
fn bloom_bit(k: u64, bits: usize) -> usize {
    let h = k.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h >> 32) as usize & (bits - 1)
}

fn key(state: u32, c: char) -> u64 {
    (u64::from(state) << 32) | u64::from(c as u32)
}

/// The automaton of a set of non-empty patterns; pattern `i` is reported as `i`.
pub(crate) struct CharAutomaton {
    root: Vec<u32>,
    trans: Map,
    /// One bit per hashed `(state, char)` transition: a clear bit answers most lookups (a
    /// partial match that does not continue) from a table small enough to stay in cache.
    bloom: Vec<u64>,
    fail: Vec<u32>,
    /// The pattern ending at each state.
    out: Vec<u32>,
    /// The nearest state on the failure chain (itself excluded) where a pattern ends.
    dict: Vec<u32>,
    /// Byte length of each pattern.
    lens: Vec<u32>,
}

/// Builds a [`CharAutomaton`] one pattern at a time; the trie doubles as the set of distinct
/// patterns, so duplicates get the id of their first occurrence.
pub(crate) struct AutomatonBuilder {
    root: Vec<u32>,
    trans: Map,
    out: Vec<u32>,
    parent: Vec<u32>,
    via: Vec<char>,
    depth: Vec<u32>,
    lens: Vec<u32>,
}

impl AutomatonBuilder {
    /// A builder expecting about `chars` pattern characters in all.
    pub(crate) fn with_capacity(chars: usize) -> Self {
        let mut trans = Map::default();
        trans.reserve(chars);
        let with = |v| {
            let mut out = Vec::with_capacity(chars + 1);
            out.push(v);
            out
        };
        AutomatonBuilder {
            root: vec![0u32; ROOT_TABLE],
            trans,
            out: with(NONE),
            parent: with(0),
            via: {
                let mut v = Vec::with_capacity(chars + 1);
                v.push('\0');
                v
            },
            depth: with(0),
            lens: Vec::new(),
        }
    }

    /// Adds a non-empty pattern; returns its id and whether it is new. Ids count from 0 in
    /// order of first insertion.
    pub(crate) fn insert(&mut self, p: &str) -> (u32, bool) {
        let mut s = 0u32;
        for c in p.chars() {
            let next = self.out.len() as u32;
            let t = if s == 0 && (c as usize) < ROOT_TABLE {
                let slot = &mut self.root[c as usize];
                if *slot == 0 {
                    *slot = next;
                }
                *slot
            } else {
                *self.trans.entry(key(s, c)).or_insert(next)
            };
            if t == next {
                self.out.push(NONE);
                self.parent.push(s);
                self.via.push(c);
                self.depth.push(self.depth[s as usize] + 1);
            }
            s = t;
        }
        match self.out[s as usize] {
            NONE if s != 0 => {
                let id = self.lens.len() as u32;
                self.lens.push(p.len() as u32);
                self.out[s as usize] = id;
                (id, true)
            }
            NONE => (NONE, false),
            id => (id, false),
        }
    }

    /// The automaton.
    pub(crate) fn build(self) -> CharAutomaton {
        let AutomatonBuilder {
            root,
            trans,
            out,
            parent,
            via,
            depth,
            lens,
        } = self;
        let n = out.len();
        // Breadth-first order by a counting sort on depth: a state's failure link points to a
        // shallower state, which is then already done.
        let max_depth = depth.iter().copied().max().unwrap_or(0) as usize;
        let mut bucket = vec![0usize; max_depth + 2];
        for &d in &depth {
            bucket[d as usize + 1] += 1;
        }
        for i in 1..bucket.len() {
            bucket[i] += bucket[i - 1];
        }
        let mut order = vec![0u32; n];
        for (s, &d) in depth.iter().enumerate() {
            order[bucket[d as usize]] = s as u32;
            bucket[d as usize] += 1;
        }
        let bloom_bits = (trans.len() * 8)
            .next_power_of_two()
            .clamp(1 << 12, BLOOM_MAX);
        let mut bloom = vec![0u64; bloom_bits / 64];
        for &k in trans.keys() {
            let b = bloom_bit(k, bloom_bits);
            bloom[b / 64] |= 1 << (b % 64);
        }
        let mut a = CharAutomaton {
            root,
            trans,
            bloom,
            fail: vec![0; n],
            out,
            dict: vec![NONE; n],
            lens,
        };
        for &s in &order {
            let s = s as usize;
            if depth[s] < 2 {
                continue;
            }
            let c = via[s];
            let mut f = a.fail[parent[s] as usize];
            let target = loop {
                if let Some(t) = a.step(f, c) {
                    break t;
                }
                if f == 0 {
                    break 0;
                }
                f = a.fail[f as usize];
            };
            a.fail[s] = target;
            let t = target as usize;
            a.dict[s] = if a.out[t] != NONE { target } else { a.dict[t] };
        }
        a
    }
}

impl CharAutomaton {
    /// The automaton of `patterns` (test helper: ids are positions, patterns distinct).
    #[cfg(test)]
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> CharAutomaton {
        let mut b = AutomatonBuilder::with_capacity(0);
        for p in patterns {
            b.insert(p.as_ref());
        }
        b.build()
    }

    #[inline]
    fn step(&self, s: u32, c: char) -> Option<u32> {
        if s == 0 && (c as usize) < ROOT_TABLE {
            let t = self.root[c as usize];
            return (t != 0).then_some(t);
        }
        let k = key(s, c);
        let b = bloom_bit(k, self.bloom.len() * 64);
        if self.bloom[b / 64] & (1 << (b % 64)) == 0 {
            return None;
        }
        self.trans.get(&k).copied()
    }

    /// The state after reading `c` in state `s` (0 is the start).
    #[inline]
    pub(crate) fn next(&self, mut s: u32, c: char) -> u32 {
        loop {
            if let Some(t) = self.step(s, c) {
                return t;
            }
            if s == 0 {
                return 0;
            }
            s = self.fail[s as usize];
        }
    }

    /// Calls `f(pattern, start, end)` for each pattern ending in state `s`, at byte `end`.
    #[inline]
    pub(crate) fn outputs(&self, s: u32, end: usize, mut f: impl FnMut(u32, usize, usize)) {
        let Some(&own) = self.out.get(s as usize) else {
            return;
        };
        let mut m = if own != NONE {
            s
        } else {
            self.dict[s as usize]
        };
        while m != NONE {
            let id = self.out[m as usize];
            if let Some(&len) = self.lens.get(id as usize) {
                f(id, end.saturating_sub(len as usize), end);
            }
            m = self.dict[m as usize];
        }
    }

    /// Whether any pattern occurs in `text`.
    #[cfg(test)]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let mut found = false;
        self.for_each_overlapping(text, |_, _, _| found = true);
        found
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern (byte offsets),
    /// ordered by end.
    #[cfg(test)]
    pub(crate) fn for_each_overlapping(&self, text: &str, mut f: impl FnMut(u32, usize, usize)) {
        let mut s = 0;
        for (i, c) in text.char_indices() {
            s = self.next(s, c);
            if s != 0 {
                self.outputs(s, i + c.len_utf8(), &mut f);
            }
        }
    }

    /// Number of states.
    pub(crate) fn states(&self) -> usize {
        self.out.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(a: &CharAutomaton, text: &str) -> Vec<(u32, usize, usize)> {
        let mut v = Vec::new();
        a.for_each_overlapping(text, |p, s, e| v.push((p, s, e)));
        v.sort();
        v
    }

    #[test]
    fn overlapping_matches() {
        let a = CharAutomaton::new(&["he", "she", "his", "hers", "测试", "试一", "𠀀x", "x"]);
        assert_eq!(all(&a, "ushers"), [(0, 2, 4), (1, 1, 4), (3, 2, 6)]);
        assert_eq!(all(&a, "测试一"), [(4, 0, 6), (5, 3, 9)]);
        assert_eq!(all(&a, "a𠀀x"), [(6, 1, 6), (7, 5, 6)]);
        assert!(a.is_match("测试") && !a.is_match("测一试"));
        let empty = CharAutomaton::new::<&str>(&[]);
        assert!(!empty.is_match("abc"));
        assert_eq!(empty.states(), 1);
    }

    #[test]
    fn agrees_with_aho_corasick() {
        let pats = ["ab", "bab", "abab", "b", "测测", "测", "ba"];
        let a = CharAutomaton::new(&pats);
        let ac = aho_corasick::AhoCorasick::new(pats).unwrap();
        for text in ["abababab", "babbab", "测测测b测a", ""] {
            let mut want: Vec<_> = ac
                .find_overlapping_iter(text)
                .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
                .collect();
            want.sort();
            assert_eq!(all(&a, text), want, "{text}");
        }
    }
}
