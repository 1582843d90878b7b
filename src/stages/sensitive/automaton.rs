//! A character-level Aho-Corasick automaton with overlapping search.
//!
//! Why not the `aho-corasick` crate: it walks bytes, so a CJK list of 100k entries becomes about
//! 900k states (three per character), slow to build and with every search step a likely cache
//! miss. Walking characters needs about a third of the states; BMP transitions from the root
//! are a flat table (most characters of a transcript start nothing), the rest sorted,
//! contiguous children lists of breadth-first numbered states, searched in place (it replaced
//! a hash map keyed by `(state, char)` behind a bloom filter: in one back-to-back pair of short
//! runs, stage/parse went 0.32 / 0.36 / 0.67 → 0.30 / 0.32 / 0.62 for 1k / 10k / 100k and the
//! 100k build 108 → 62 ms, on a load that changed between the runs).
//!
//! A second pass made each step touch less: the root table also marks characters that occur in
//! no pattern (every state goes straight back to the start on them, without walking failure
//! links), what a step reads about a state is one 16-byte record, and states with many
//! children get a dense row by character class (see [`CharAutomaton`]). Over all the
//! sentences of the synthetic 1-hour result with a cold cache (a clone of the document
//! between runs), matching alone took 130–196 µs per run with the 100k list and dense rows,
//! 177–265 µs without (0.7% more instructions); building 100k entries costs 172M
//! instructions, 0.6% more than before the pass. A third pass made listing the patterns that
//! end at a position read one `[pattern, next]` entry per pattern instead of the pattern, its
//! length and the failure state's record (positions now count characters; the lengths went to
//! the filter's pattern info, which reads them anyway). Stage-level figures are in the
//! [module docs](super).
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
/// A root-table entry for a character no pattern contains.
const ABSENT: u32 = u32::MAX;
/// Root transitions for the Basic Multilingual Plane are looked up in a flat table.
const ROOT_TABLE: usize = 0x10000;
/// Children lists up to this length are scanned; longer ones are binary-searched.
const LINEAR: usize = 8;
/// States with at least this many children get a dense row (see [`CharAutomaton`])…
const DENSE_CHILDREN: usize = 16;
/// …when at least one in this many of the row's entries is a child…
const DENSE_SPARSITY: usize = 8;
/// …while all rows together stay under this many entries (16 MiB).
const DENSE_CAP: usize = 1 << 22;

/// A multiplicative hasher for the builder's `(state, char)` keys: one `u64` write each, no DoS
/// concern (the keys come from the filter's own lists).
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
///
/// States are numbered breadth-first with the children of each state consecutive and sorted by
/// character, so the children of `s` are the states `states[s].first..states[s + 1].first` and
/// a transition is a search of `label` over that range: no hash map, and the hot states near the
/// root sit together at the front of every table. Everything else a search step reads about a
/// state (where its children start, its failure link, where its outputs are) is one 16-byte
/// [`State`], so a step costs one cache line for the state and one for its children's labels.
///
/// States with many children (near the root of a large list, where a text spends most of its
/// steps) also get a dense row indexed by character class (the rank of the character among
/// the BMP characters of all patterns, read from the root table with the root transition): one
/// cache line instead of a binary search over several. Rows are only built where at least one
/// entry in [`DENSE_SPARSITY`] is a child, so they cost at most that many times the children
/// they cover.
pub(crate) struct CharAutomaton {
    /// Per BMP character: `[root's child, class]`; the child is 0 when no pattern starts with
    /// the character, or [`ABSENT`] when no pattern contains it (then every state goes back
    /// to the start).
    root: Vec<[u32; 2]>,
    /// One more entry than states: the last one only closes the children range of the last
    /// state.
    states: Vec<State>,
    /// The character leading into each state.
    label: Vec<u32>,
    /// Per state: the pattern ending there (or [`NONE`]), and the next state on its failure
    /// chain where a pattern ends (or [`NONE`]): listing the patterns that end at a position
    /// reads one entry per pattern.
    out: Vec<[u32; 2]>,
    /// Dense rows: the child for each character class, 0 for none.
    dense: Vec<u32>,
}

/// What a search reads about one state.
#[derive(Clone, Copy, Debug)]
struct State {
    /// Where the children of the state start in the breadth-first numbering.
    first: u32,
    fail: u32,
    /// The first state on the failure chain, this one included, where a pattern ends.
    report: u32,
    /// Where the state's dense row starts in `dense`, or [`NONE`].
    dense: u32,
}

/// Builds a [`CharAutomaton`] one pattern at a time; the trie doubles as the set of distinct
/// patterns, so duplicates get the id of their first occurrence.
pub(crate) struct AutomatonBuilder {
    root: Vec<u32>,
    trans: Map,
    out: Vec<u32>,
    parent: Vec<u32>,
    via: Vec<char>,
    /// Number of distinct patterns.
    patterns: u32,
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
            root: vec![ABSENT; ROOT_TABLE],
            trans,
            out: with(NONE),
            parent: with(0),
            via: {
                let mut v = Vec::with_capacity(chars + 1);
                v.push('\0');
                v
            },
            patterns: 0,
        }
    }

    /// Adds a non-empty pattern; returns its id and whether it is new. Ids count from 0 in
    /// order of first insertion.
    pub(crate) fn insert(&mut self, p: &str) -> (u32, bool) {
        let mut s = 0u32;
        for c in p.chars() {
            let next = self.out.len() as u32;
            if let Some(slot) = self.root.get_mut(c as usize)
                && *slot == ABSENT
            {
                *slot = 0;
            }
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
            }
            s = t;
        }
        match self.out[s as usize] {
            NONE if s != 0 => {
                let id = self.patterns;
                self.patterns += 1;
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
            patterns: _,
        } = self;
        // Only the trie's shape is needed from here on.
        drop(trans);
        let n = out.len();
        // The children of each (insertion-numbered) state, by a counting sort on the parent,
        // each list then sorted by character.
        let mut start = vec![0u32; n + 1];
        for &p in &parent[1..] {
            start[p as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut kids = vec![0u32; n.saturating_sub(1)];
        let mut fill = start.clone();
        for (s, &p) in parent.iter().enumerate().skip(1) {
            kids[fill[p as usize] as usize] = s as u32;
            fill[p as usize] += 1;
        }
        drop(fill);
        for w in start.windows(2) {
            let list = &mut kids[w[0] as usize..w[1] as usize];
            if list.len() > 1 {
                list.sort_unstable_by_key(|&k| via[k as usize]);
            }
        }
        // Breadth-first renumbering: the children of a state get consecutive numbers.
        let mut order: Vec<u32> = Vec::with_capacity(n);
        let mut new_of = vec![0u32; n];
        let mut first = Vec::with_capacity(n + 1);
        order.push(0);
        let mut i = 0;
        while let Some(&old) = order.get(i) {
            first.push(order.len() as u32);
            let (a, b) = (
                start[old as usize] as usize,
                start[old as usize + 1] as usize,
            );
            for &k in &kids[a..b] {
                new_of[k as usize] = order.len() as u32;
                order.push(k);
            }
            i += 1;
        }
        first.push(n as u32);
        drop(kids);
        drop(start);
        let label: Vec<u32> = order.iter().map(|&o| via[o as usize] as u32).collect();
        let new_parent: Vec<u32> = order
            .iter()
            .map(|&o| new_of[parent[o as usize] as usize])
            .collect();
        // Character classes in code point order, for the dense rows.
        let mut classes = 0;
        let root: Vec<[u32; 2]> = root
            .iter()
            .map(|&t| match t {
                ABSENT => [ABSENT, 0],
                t => {
                    classes += 1;
                    [if t == 0 { 0 } else { new_of[t as usize] }, classes - 1]
                }
            })
            .collect();
        let states: Vec<State> = first
            .iter()
            .map(|&first| State {
                first,
                fail: 0,
                report: NONE,
                dense: NONE,
            })
            .collect();
        let new_out: Vec<[u32; 2]> = order.iter().map(|&o| [out[o as usize], NONE]).collect();
        drop(order);
        drop(new_of);
        let mut a = CharAutomaton {
            root,
            states,
            label,
            out: new_out,
            dense: Vec::new(),
        };
        // Breadth-first numbering: a state's failure link points to a shallower state, which
        // is then already done.
        for (s, &p) in new_parent.iter().enumerate().skip(1) {
            let target = match char::from_u32(a.label[s]) {
                Some(c) if p != 0 => {
                    let mut f = a.states[p as usize].fail;
                    loop {
                        if let Some(t) = a.step(f, c) {
                            break t;
                        }
                        if f == 0 {
                            break 0;
                        }
                        f = a.states[f as usize].fail;
                    }
                }
                _ => 0,
            };
            let report = a.states[target as usize].report;
            let st = &mut a.states[s];
            st.fail = target;
            st.report = match a.out.get_mut(s) {
                Some([id, next]) if *id != NONE => {
                    *next = report;
                    s as u32
                }
                _ => report,
            };
        }
        a.build_dense(classes as usize);
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

    /// Gives dense rows to the states with many children (root excluded: it has its table).
    fn build_dense(&mut self, classes: usize) {
        let mut dense: Vec<u32> = Vec::new();
        for s in 1..self.states() {
            let (a, b) = (self.states[s].first, self.states[s + 1].first);
            let children = (b - a) as usize;
            if children < DENSE_CHILDREN
                || children * DENSE_SPARSITY < classes
                || dense.len() + classes > DENSE_CAP
            {
                continue;
            }
            let row = dense.len();
            dense.resize(row + classes, 0);
            for k in a..b {
                if let Some(&[_, class]) = self.root.get(self.label[k as usize] as usize) {
                    dense[row + class as usize] = k;
                }
            }
            self.states[s].dense = row as u32;
        }
        self.dense = dense;
    }

    /// The child of `s` on `c`, if any (without the dense rows).
    #[inline]
    fn step(&self, s: u32, c: char) -> Option<u32> {
        if s == 0 && (c as usize) < ROOT_TABLE {
            let [t, _] = *self.root.get(c as usize)?;
            return (t != 0 && t != ABSENT).then_some(t);
        }
        let (Some(a), Some(b)) = (self.states.get(s as usize), self.states.get(s as usize + 1))
        else {
            return None;
        };
        self.search(a.first, b.first, c)
    }

    /// The state in `a..b` (the children of one state) labelled `c`, if any.
    #[inline]
    fn search(&self, a: u32, b: u32, c: char) -> Option<u32> {
        let labels = self.label.get(a as usize..b as usize)?;
        let c = c as u32;
        let at = if labels.len() <= LINEAR {
            labels.iter().position(|&l| l == c)?
        } else {
            labels.binary_search(&c).ok()?
        };
        Some(a + at as u32)
    }

    /// The state after reading `c` in state `s` (0 is the start).
    // Always: it is the inner loop of every search, and a call costs more than the step.
    #[inline(always)]
    pub(crate) fn next(&self, mut s: u32, c: char) -> u32 {
        let Some(&[root, class]) = self.root.get(c as usize) else {
            return self.next_sparse(s, c);
        };
        // Most characters of a transcript occur in no pattern: back to the start at once,
        // without walking the failure chain.
        if root == ABSENT {
            return 0;
        }
        loop {
            if s == 0 {
                return root;
            }
            let (Some(st), Some(end)) =
                (self.states.get(s as usize), self.states.get(s as usize + 1))
            else {
                return 0;
            };
            if st.dense == NONE {
                if let Some(t) = self.search(st.first, end.first, c) {
                    return t;
                }
            } else if let Some(&t) = self.dense.get(st.dense as usize + class as usize)
                && t != 0
            {
                return t;
            }
            s = st.fail;
        }
    }

    /// [`Self::next`] for a character outside the root table.
    #[cold]
    fn next_sparse(&self, mut s: u32, c: char) -> u32 {
        loop {
            if let Some(t) = self.step(s, c) {
                return t;
            }
            if s == 0 {
                return 0;
            }
            s = self.states.get(s as usize).map_or(0, |st| st.fail);
        }
    }

    /// Calls `f(pattern)` for each pattern ending in state `s`.
    #[inline]
    pub(crate) fn outputs(&self, s: u32, mut f: impl FnMut(u32)) {
        let mut m = self.states.get(s as usize).map_or(NONE, |st| st.report);
        // Each link leads to a shallower state, so the chain ends.
        while let Some(&[id, next]) = self.out.get(m as usize) {
            f(id);
            m = next;
        }
    }

    /// Whether any pattern occurs in `text`.
    #[cfg(test)]
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let mut found = false;
        self.for_each_overlapping(text, |_, _| found = true);
        found
    }

    /// Calls `f(pattern, end)` for every occurrence of every pattern, `end` counting
    /// characters, ordered by end.
    #[cfg(test)]
    pub(crate) fn for_each_overlapping(&self, text: &str, mut f: impl FnMut(u32, usize)) {
        let mut s = 0;
        for (i, c) in text.chars().enumerate() {
            s = self.next(s, c);
            if s != 0 {
                self.outputs(s, |p| f(p, i + 1));
            }
        }
    }

    /// Number of states.
    pub(crate) fn states(&self) -> usize {
        self.states.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence of `pats` (the automaton's patterns) in `text`, as `(pattern, start,
    /// end)` in bytes.
    fn all<P: AsRef<str>>(a: &CharAutomaton, pats: &[P], text: &str) -> Vec<(u32, usize, usize)> {
        let at: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let mut v = Vec::new();
        a.for_each_overlapping(text, |p, end| {
            let len = pats[p as usize].as_ref().chars().count();
            v.push((p, at[end - len], at[end]));
        });
        v.sort();
        v
    }

    #[test]
    fn overlapping_matches() {
        let pats = ["he", "she", "his", "hers", "测试", "试一", "𠀀x", "x"];
        let a = CharAutomaton::new(&pats);
        assert_eq!(all(&a, &pats, "ushers"), [(0, 2, 4), (1, 1, 4), (3, 2, 6)]);
        assert_eq!(all(&a, &pats, "测试一"), [(4, 0, 6), (5, 3, 9)]);
        assert_eq!(all(&a, &pats, "a𠀀x"), [(6, 1, 6), (7, 5, 6)]);
        assert!(a.is_match("测试") && !a.is_match("测一试"));
        let empty = CharAutomaton::new::<&str>(&[]);
        assert!(!empty.is_match("abc"));
        assert_eq!(empty.states(), 1);
    }

    #[test]
    fn dense_rows_agree_with_aho_corasick() {
        // `x`, `测` and `x测` get more than `DENSE_CHILDREN` children each, over a few classes
        // (so they are dense); `q` stays sparse; `𠀀` is outside the root table.
        let mut pats: Vec<String> = Vec::new();
        for c in "abcdefghijklmnoprstuvw测试一下𠀀".chars() {
            pats.extend([
                format!("x{c}"),
                format!("测{c}"),
                format!("x测{c}"),
                format!("{c}q"),
            ]);
        }
        pats.extend(["qa".to_string(), "𠀀x".to_string(), "wx".to_string()]);
        let a = CharAutomaton::new(&pats);
        assert!(a.states.iter().filter(|s| s.dense != NONE).count() >= 3);
        assert_agrees(
            &a,
            &pats,
            &[
                "xax测bx测测cq",
                "𠀀xx𠀀测𠀀qa",
                "wxwx测wq zzz",
                "x测x测x测a下q",
            ],
        );
    }

    /// Every overlapping match of `a` over `texts` is the `aho-corasick` crate's.
    fn assert_agrees<P: AsRef<str> + AsRef<[u8]>>(a: &CharAutomaton, pats: &[P], texts: &[&str]) {
        let ac = aho_corasick::AhoCorasick::new(pats).unwrap();
        for text in texts {
            let mut want: Vec<_> = ac
                .find_overlapping_iter(text)
                .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
                .collect();
            want.sort();
            assert_eq!(all(a, pats, text), want, "{text}");
        }
    }

    #[test]
    fn agrees_with_aho_corasick() {
        let pats = ["ab", "bab", "abab", "b", "测测", "测", "ba"];
        let a = CharAutomaton::new(&pats);
        assert_agrees(&a, &pats, &["abababab", "babbab", "测测测b测a", ""]);
    }
}
