//! A character-level Aho-Corasick automaton with overlapping search.
//!
//! Why not the `aho-corasick` crate: it walks bytes, so a CJK list of 100k entries becomes about
//! 900k states (three per character), which took 0.5–1 s to build here and made every search
//! step a likely cache miss. Walking characters needs about a third of the states; BMP
//! transitions from the root are a flat table (most characters of a transcript start nothing),
//! the rest one hash map keyed by `(state, char)`.

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

fn key(state: u32, c: char) -> u64 {
    (u64::from(state) << 32) | u64::from(c as u32)
}

/// The automaton of a set of non-empty patterns; pattern `i` is reported as `i`.
pub(crate) struct CharAutomaton {
    root: Vec<u32>,
    trans: Map,
    fail: Vec<u32>,
    /// The pattern ending at each state.
    out: Vec<u32>,
    /// The nearest state on the failure chain (itself excluded) where a pattern ends.
    dict: Vec<u32>,
    /// Byte length of each pattern.
    lens: Vec<u32>,
}

impl CharAutomaton {
    /// Builds the automaton. Empty patterns never match.
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> CharAutomaton {
        let mut root = vec![0u32; ROOT_TABLE];
        let mut trans = Map::default();
        trans.reserve(patterns.iter().map(|p| p.as_ref().len() / 2).sum());
        let mut out = vec![NONE];
        let mut parent = vec![0u32];
        let mut via = vec!['\0'];
        let mut depth = vec![0u32];
        let mut lens = Vec::with_capacity(patterns.len());
        for (id, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            lens.push(p.len() as u32);
            if p.is_empty() {
                continue;
            }
            let mut s = 0u32;
            for c in p.chars() {
                let existing = if s == 0 && (c as usize) < ROOT_TABLE {
                    Some(root[c as usize]).filter(|&t| t != 0)
                } else {
                    trans.get(&key(s, c)).copied()
                };
                s = match existing {
                    Some(t) => t,
                    None => {
                        let t = out.len() as u32;
                        out.push(NONE);
                        parent.push(s);
                        via.push(c);
                        depth.push(depth[s as usize] + 1);
                        if s == 0 && (c as usize) < ROOT_TABLE {
                            root[c as usize] = t;
                        } else {
                            trans.insert(key(s, c), t);
                        }
                        t
                    }
                };
            }
            if out[s as usize] == NONE {
                out[s as usize] = id as u32;
            }
        }
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
        let mut a = CharAutomaton {
            root,
            trans,
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

    #[inline]
    fn step(&self, s: u32, c: char) -> Option<u32> {
        if s == 0 && (c as usize) < ROOT_TABLE {
            let t = self.root[c as usize];
            return (t != 0).then_some(t);
        }
        if self.trans.is_empty() {
            return None;
        }
        self.trans.get(&key(s, c)).copied()
    }

    #[inline]
    fn next(&self, mut s: u32, c: char) -> u32 {
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

    /// Whether any pattern occurs in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let mut s = 0;
        for c in text.chars() {
            s = self.next(s, c);
            if s != 0 && (self.out[s as usize] != NONE || self.dict[s as usize] != NONE) {
                return true;
            }
        }
        false
    }

    /// Calls `f(pattern, start, end)` for every occurrence of every pattern (byte offsets),
    /// ordered by end.
    pub(crate) fn for_each_overlapping(&self, text: &str, mut f: impl FnMut(u32, usize, usize)) {
        let mut s = 0;
        for (i, c) in text.char_indices() {
            s = self.next(s, c);
            if s == 0 {
                continue;
            }
            let end = i + c.len_utf8();
            let mut m = if self.out[s as usize] != NONE {
                s
            } else {
                self.dict[s as usize]
            };
            while m != NONE {
                let id = self.out[m as usize];
                if let Some(&len) = self.lens.get(id as usize) {
                    f(id, end - len as usize, end);
                }
                m = self.dict[m as usize];
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
