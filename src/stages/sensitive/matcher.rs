//! Finding hits in a sentence: normalize, search every candidate, check boundaries, let allow
//! matches win, then pick leftmost-longest.

use std::cell::RefCell;

use super::automaton::CharAutomaton;
use super::normalize::{Collect, Normalizer, Sink, Span};
use super::{MatchMode, SensitiveWordFilter};
use crate::model::Word;
use crate::text::Script;

/// What one automaton pattern stands for (a normalized text may be a deny entry, an allow
/// entry, or both).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PatInfo {
    /// Index of the deny entry in `SensitiveWordFilter::entries`.
    pub(crate) deny: Option<u32>,
    /// The deny entry's mode.
    pub(crate) deny_mode: MatchMode,
    /// The allow entry's mode.
    pub(crate) allow: Option<MatchMode>,
}

/// A chosen deny match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    /// Index into `SensitiveWordFilter::entries`.
    pub(crate) entry: u32,
    /// Byte range in the normalized text.
    pub(crate) norm: (u32, u32),
    /// Byte range in the source (the concatenated pieces).
    pub(crate) src: (u32, u32),
}

/// Buffers reused across sentences on one thread.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) norm: String,
    pub(crate) map: Vec<Span>,
    denies: Vec<Found>,
    allows: Vec<(u32, u32)>,
    /// Candidates of the first pass: `(pattern, start, end)` in normalized bytes.
    raw: Vec<(u32, u32, u32)>,
    /// The offsets of a sentence's pieces (see [`Pieces::words`]).
    pub(crate) starts: Vec<usize>,
}

/// A [`Sink`] that walks the automaton and records every pattern occurrence.
struct Probe<'a> {
    ac: &'a CharAutomaton,
    state: u32,
    pos: usize,
    raw: &'a mut Vec<(u32, u32, u32)>,
}

impl Sink for Probe<'_> {
    // Always: it runs for every character of every sentence, and not inlining it into the
    // normalizer's loop cost a third of the first pass (call and spills).
    #[inline(always)]
    fn put(&mut self, c: char, _span: Span) {
        self.state = self.ac.next(self.state, c);
        self.pos += c.len_utf8();
        if self.state != 0 {
            let raw = &mut *self.raw;
            self.ac.outputs(self.state, self.pos, |p, s, e| {
                raw.push((p, s as u32, e as u32));
            });
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers (fresh ones if they are already in use).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// Source pieces of one sentence: the words' text and punctuation alternately, or the text
/// alone. `starts[i]` is the byte offset of piece `i` in their concatenation.
pub(crate) struct Pieces<'p> {
    src: Src<'p>,
    pub(crate) starts: Vec<usize>,
    /// Whether the pieces alternate word text and punctuation (enables ASR-word boundaries).
    pub(crate) words: bool,
    /// The pieces end to end, when known (a sentence whose text follows its words) and
    /// already probed (see [`SensitiveWordFilter::scan`]).
    pub(crate) whole: Option<&'p str>,
}

/// Where the pieces are: read in place, so a sentence's pieces cost no list of their own.
enum Src<'p> {
    Words(&'p [Word<'p>]),
    Text(&'p str),
}

impl<'p> Pieces<'p> {
    /// The words' text and punctuation; `starts` is a buffer to reuse (see
    /// [`Self::into_starts`]).
    pub(crate) fn words(words: &'p [Word<'p>], mut starts: Vec<usize>) -> Self {
        starts.clear();
        let mut at = 0;
        for w in words {
            starts.push(at);
            at += w.text.len();
            starts.push(at);
            at += w.punctuation.len();
        }
        Pieces {
            src: Src::Words(words),
            starts,
            words: true,
            whole: None,
        }
    }

    /// A text in one piece.
    pub(crate) fn text(text: &'p str) -> Self {
        Pieces {
            src: Src::Text(text),
            starts: vec![0],
            words: false,
            whole: None,
        }
    }

    /// The same pieces, known to be `whole` end to end.
    pub(crate) fn with_whole(mut self, whole: Option<&'p str>) -> Self {
        self.whole = whole;
        self
    }

    /// Piece `i`.
    pub(crate) fn piece(&self, i: usize) -> Option<&'p str> {
        match self.src {
            Src::Words(words) => {
                let w = words.get(i / 2)?;
                Some(if i % 2 == 0 { &w.text } else { &w.punctuation })
            }
            Src::Text(text) => (i == 0).then_some(text),
        }
    }

    /// Number of pieces.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// The pieces with their offsets.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'p str, usize)> + '_ {
        (0..self.len()).filter_map(|i| Some((self.piece(i)?, *self.starts.get(i)?)))
    }

    /// The offsets buffer, for reuse.
    pub(crate) fn into_starts(self) -> Vec<usize> {
        self.starts
    }

    /// The piece holding source byte `off` (the last piece starting at or before it, so empty
    /// pieces are skipped).
    pub(crate) fn piece_at(&self, off: usize) -> usize {
        self.starts.partition_point(|&s| s <= off).saturating_sub(1)
    }

    /// The source text of `[a, b)`.
    pub(crate) fn slice(&self, a: usize, b: usize) -> String {
        if let Some(whole) = self.whole {
            return whole.get(a..b).unwrap_or("").to_string();
        }
        let mut out = String::new();
        let first = self.piece_at(a);
        for (p, s) in self.iter().skip(first) {
            if s >= b {
                break;
            }
            let e = s + p.len();
            if e <= a {
                continue;
            }
            let lo = a.max(s) - s;
            let hi = b.min(e) - s;
            out.push_str(p.get(lo..hi).unwrap_or(""));
        }
        out
    }

    /// Whether an ASR word's text starts (`start`) or ends at source byte `off`: word texts are
    /// the even pieces, so a word ends where its (odd) punctuation piece starts.
    fn at_word_edge(&self, off: usize, start: bool) -> bool {
        let first = self.starts.partition_point(|&s| s < off);
        self.starts[first..]
            .iter()
            .take_while(|&&s| s == off)
            .enumerate()
            .any(|(k, _)| (first + k) % 2 == usize::from(!start))
    }
}

/// Whether `c` continues a word of a space-separated script (or is the mask character).
pub(crate) fn is_word_char(c: char, mask: char) -> bool {
    c == mask
        || c == '_'
        || matches!(c as u32, 0x300..=0x36F)
        || (c.is_alphanumeric() && !Script::of(c).is_cjk())
}

impl SensitiveWordFilter {
    /// First pass: walks the automaton over the normalized characters of `pieces` (source
    /// text and its byte offset) without building the text or the position map, recording
    /// every candidate in `scratch`. Returns whether there is one; most sentences have none
    /// and stop here.
    pub(crate) fn probe<'p>(
        &self,
        pieces: impl IntoIterator<Item = (&'p str, usize)>,
        scratch: &mut Scratch,
    ) -> bool {
        scratch.raw.clear();
        let mut n = Normalizer::new(
            self.folds,
            Probe {
                ac: &self.ac,
                state: 0,
                pos: 0,
                raw: &mut scratch.raw,
            },
        );
        for (p, s) in pieces {
            n.push(p, s);
        }
        n.finish();
        !scratch.raw.is_empty()
    }

    /// Normalizes `pieces` into `scratch` and returns the chosen hits, leftmost-longest, with
    /// the number of deny candidates an allow match suppressed. `scratch.map` is valid when
    /// hits are returned.
    ///
    /// When the pieces' concatenation is known ([`Pieces::whole`]), it normalizes to the same
    /// characters and map as the pieces, in one call instead of one per piece, and
    /// [`Self::probe`] has already run over it.
    pub(crate) fn scan(&self, pieces: &Pieces<'_>, scratch: &mut Scratch) -> (Vec<Found>, u64) {
        let whole = pieces.whole;
        let found = if whole.is_some() {
            !scratch.raw.is_empty()
        } else {
            self.probe(pieces.iter(), scratch)
        };
        if !found {
            return (Vec::new(), 0);
        }
        // Second pass: the normalized text and its map, to check and place the candidates,
        // up to the character after the last one (for the boundary check).
        let end = scratch.raw.iter().map(|r| r.2 as usize).max().unwrap_or(0);
        let mut n = Normalizer::new(
            self.folds,
            Collect::new(&mut scratch.norm, Some(&mut scratch.map)).up_to(end),
        );
        match whole {
            Some(text) => n.push(text, 0),
            None => {
                for (p, s) in pieces.iter() {
                    n.push(p, s);
                }
            }
        }
        n.finish();

        let Scratch {
            norm,
            map,
            denies,
            allows,
            raw,
            ..
        } = scratch;
        let (norm, map) = (norm.as_str(), map.as_slice());
        denies.clear();
        allows.clear();
        for &(pattern, s, e) in raw.iter() {
            let (s, e) = (s as usize, e as usize);
            let Some(info) = self.pats.get(pattern as usize) else {
                continue;
            };
            if let Some(mode) = info.allow
                && self.edges_ok(mode, norm, map, s, e, pieces)
            {
                allows.push((s as u32, e as u32));
            }
            if let Some(entry) = info.deny
                && self.edges_ok(info.deny_mode, norm, map, s, e, pieces)
                && let (Some(a), Some(b)) = (map.get(s), map.get(e.saturating_sub(1)))
            {
                denies.push(Found {
                    entry,
                    norm: (s as u32, e as u32),
                    src: (a.0, b.1),
                });
            }
        }
        let before = scratch.denies.len();
        let allows = &scratch.allows;
        scratch
            .denies
            .retain(|d| !allows.iter().any(|a| a.0 <= d.norm.0 && a.1 >= d.norm.1));
        let allowed = (before - scratch.denies.len()) as u64;
        // Leftmost first, longest first at the same start, then greedily non-overlapping in
        // source terms (two normalized characters can come from one source character).
        scratch
            .denies
            .sort_unstable_by_key(|d| (d.norm.0, std::cmp::Reverse(d.norm.1)));
        let mut out: Vec<Found> = Vec::new();
        for d in &scratch.denies {
            if out.last().is_none_or(|l| d.src.0 >= l.src.1) {
                out.push(*d);
            }
        }
        (out, allowed)
    }

    /// Whether a match `[s, e)` of normalized text respects `mode`'s boundaries.
    fn edges_ok(
        &self,
        mode: MatchMode,
        norm: &str,
        map: &[Span],
        s: usize,
        e: usize,
        pieces: &Pieces<'_>,
    ) -> bool {
        if mode == MatchMode::Embedded {
            return true;
        }
        let (Some(matched), Some(before), Some(after)) =
            (norm.get(s..e), norm.get(..s), norm.get(e..))
        else {
            return false;
        };
        let (Some(first), Some(last)) = (matched.chars().next(), matched.chars().next_back())
        else {
            return false;
        };
        let edge_ok = |c: char, neighbour: Option<char>, start: bool| {
            let word = is_word_char(c, self.mask);
            if !mode.checks(start, word) {
                return true;
            }
            if word {
                return neighbour.is_none_or(|n| !is_word_char(n, self.mask));
            }
            if pieces.words && Script::of(c).is_cjk() {
                let off = if start {
                    map.get(s).map(|m| m.0)
                } else {
                    map.get(e - 1).map(|m| m.1)
                };
                return off.is_some_and(|o| pieces.at_word_edge(o as usize, start));
            }
            true
        };
        edge_ok(first, before.chars().next_back(), true)
            && edge_ok(last, after.chars().next(), false)
    }
}
