//! Finding hits in a sentence: normalize and search every candidate in one pass, check
//! boundaries, let allow matches win, then pick leftmost-longest.

use std::cell::RefCell;

use super::automaton::CharAutomaton;
use super::normalize::{NormChar, Normalizer, Sink, Span};
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
    /// Length in normalized characters.
    pub(crate) len: u32,
}

/// A chosen deny match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    /// Index into `SensitiveWordFilter::entries`.
    pub(crate) entry: u32,
    /// Character range in the normalized text.
    pub(crate) norm: (u32, u32),
    /// Byte range in the source (the concatenated pieces).
    pub(crate) src: (u32, u32),
}

/// Buffers reused across sentences on one thread.
#[derive(Default)]
pub(crate) struct Scratch {
    /// The normalized text of the last walk, with its position map.
    pub(crate) chars: Vec<NormChar>,
    denies: Vec<Found>,
    allows: Vec<(u32, u32)>,
    /// Candidates of the last walk: `(pattern, end)`, the end in normalized characters.
    raw: Vec<(u32, u32)>,
    /// The offsets of a sentence's pieces (see [`Pieces::words`]).
    pub(crate) starts: Vec<usize>,
    /// A rewritten piece.
    pub(crate) piece: String,
}

/// A [`Sink`] that keeps the normalized characters with their source ranges and walks the
/// automaton over them, recording every pattern occurrence: one pass gives the candidates and
/// what it takes to check and place them.
struct Walk<'a> {
    ac: &'a CharAutomaton,
    state: u32,
    chars: &'a mut Vec<NormChar>,
    raw: &'a mut Vec<(u32, u32)>,
}

impl Sink for Walk<'_> {
    // Always: it runs for every character of every sentence, and not inlining it into the
    // normalizer's loop cost a third of the walk (call and spills).
    #[inline(always)]
    fn put(&mut self, c: char, src: Span) {
        self.chars.push(NormChar { c, src });
        self.state = self.ac.next(self.state, c);
        if self.state != 0 {
            let (raw, end) = (&mut *self.raw, self.chars.len() as u32);
            self.ac.outputs(self.state, |p| raw.push((p, end)));
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
    /// The pieces end to end, when known (a sentence whose text follows its words).
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
        // The script first: it decides CJK characters without `is_alphanumeric`'s table.
        || (!Script::of(c).is_cjk() && c.is_alphanumeric())
}

impl SensitiveWordFilter {
    /// Normalizes `pieces` (source text and its byte offset) into `scratch.chars` and walks
    /// the automaton over them, recording every candidate. Returns whether there is one; most
    /// sentences have none and stop here.
    pub(crate) fn walk<'p>(
        &self,
        pieces: impl IntoIterator<Item = (&'p str, usize)>,
        scratch: &mut Scratch,
    ) -> bool {
        scratch.chars.clear();
        scratch.raw.clear();
        let mut n = Normalizer::new(
            self.folds,
            Walk {
                ac: &self.ac,
                state: 0,
                chars: &mut scratch.chars,
                raw: &mut scratch.raw,
            },
        );
        for (p, s) in pieces {
            n.push(p, s);
        }
        n.finish();
        !scratch.raw.is_empty()
    }

    /// [`Self::walk`] over `pieces`, then [`Self::choose`].
    pub(crate) fn scan(&self, pieces: &Pieces<'_>, scratch: &mut Scratch) -> (Vec<Found>, u64) {
        if !self.walk(pieces.iter(), scratch) {
            return (Vec::new(), 0);
        }
        self.choose(pieces, scratch)
    }

    /// The hits among the candidates of the last [`Self::walk`] (over `pieces`, or over their
    /// concatenation, which normalizes to the same characters and positions), leftmost-longest,
    /// with the number of deny candidates an allow match suppressed.
    pub(crate) fn choose(&self, pieces: &Pieces<'_>, scratch: &mut Scratch) -> (Vec<Found>, u64) {
        let Scratch {
            chars,
            denies,
            allows,
            raw,
            ..
        } = scratch;
        let chars = chars.as_slice();
        denies.clear();
        allows.clear();
        for &(pattern, e) in raw.iter() {
            let Some(info) = self.pats.get(pattern as usize) else {
                continue;
            };
            let e = e as usize;
            let s = e.saturating_sub(info.len as usize);
            if let Some(mode) = info.allow
                && self.edges_ok(mode, chars, s, e, pieces)
            {
                allows.push((s as u32, e as u32));
            }
            if let Some(entry) = info.deny
                && self.edges_ok(info.deny_mode, chars, s, e, pieces)
                && let (Some(a), Some(b)) = (chars.get(s), chars.get(e.wrapping_sub(1)))
            {
                denies.push(Found {
                    entry,
                    norm: (s as u32, e as u32),
                    src: (a.src.0, b.src.1),
                });
            }
        }
        let before = denies.len();
        denies.retain(|d| !allows.iter().any(|a| a.0 <= d.norm.0 && a.1 >= d.norm.1));
        let allowed = (before - denies.len()) as u64;
        // Leftmost first, longest first at the same start, then greedily non-overlapping in
        // source terms (two normalized characters can come from one source character).
        denies.sort_unstable_by_key(|d| (d.norm.0, std::cmp::Reverse(d.norm.1)));
        let mut out: Vec<Found> = Vec::new();
        for d in denies.iter() {
            if out.last().is_none_or(|l| d.src.0 >= l.src.1) {
                out.push(*d);
            }
        }
        (out, allowed)
    }

    /// Whether a match `[s, e)` of normalized characters respects `mode`'s boundaries.
    fn edges_ok(
        &self,
        mode: MatchMode,
        chars: &[NormChar],
        s: usize,
        e: usize,
        pieces: &Pieces<'_>,
    ) -> bool {
        if mode == MatchMode::Embedded {
            return true;
        }
        let (Some(first), Some(last)) = (chars.get(s), chars.get(e.wrapping_sub(1))) else {
            return false;
        };
        let before = s.checked_sub(1).and_then(|i| chars.get(i)).map(|n| n.c);
        let after = chars.get(e).map(|n| n.c);
        let edge_ok = |c: char, neighbour: Option<char>, start: bool| {
            let word = is_word_char(c, self.mask);
            if !mode.checks(start, word) {
                return true;
            }
            if word {
                return neighbour.is_none_or(|n| !is_word_char(n, self.mask));
            }
            if pieces.words && Script::of(c).is_cjk() {
                let off = if start { first.src.0 } else { last.src.1 };
                return pieces.at_word_edge(off as usize, start);
            }
            true
        };
        edge_ok(first.c, before, true) && edge_ok(last.c, after, false)
    }
}
