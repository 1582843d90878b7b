//! Applying hits: per-character edits of the source pieces, word dropping and punctuation
//! repair, report events.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::matcher::{Found, Pieces, Scratch, with_scratch};
use super::normalize::{NormChar, Span};
use super::{Action, RemovedPunctuation, SensitiveWordFilter};
use crate::Millis;
use crate::model::{Location, Sentence};
use crate::stages::{Detail, ReportEvent, StageReport};
use crate::text::Script;

/// What happens to a source byte range.
#[derive(Clone, Copy, Debug)]
enum Op {
    Mask,
    Delete,
    /// Put the replacement of entry `.0` here, or delete when the range is not the first of
    /// its hit.
    Replace(u32, bool),
}

#[derive(Clone, Copy, Debug)]
struct Edit {
    start: usize,
    end: usize,
    op: Op,
}

impl SensitiveWordFilter {
    /// The edits of `hits`, in source order: one per run of matched source characters, so
    /// skipped separators inside a match stay untouched.
    fn edits(&self, hits: &[Found], chars: &[NormChar]) -> Vec<Edit> {
        let mut out = Vec::new();
        for h in hits {
            let Some(entry) = self.entries.get(h.entry as usize) else {
                continue;
            };
            let op = match &entry.action {
                Action::Mask => Op::Mask,
                Action::Remove => Op::Delete,
                Action::Replace(_) => Op::Replace(h.entry, true),
                Action::Tag => continue,
            };
            let mut first = true;
            let mut last: Option<Span> = None;
            for &NormChar { src: span, .. } in chars
                .get(h.norm.0 as usize..h.norm.1 as usize)
                .unwrap_or(&[])
            {
                if last == Some(span) {
                    continue;
                }
                last = Some(span);
                let op = match op {
                    Op::Replace(e, _) => Op::Replace(e, first),
                    op => op,
                };
                first = false;
                match out.last_mut() {
                    // Extend the previous edit over adjacent characters of the same hit.
                    Some(Edit { end, op: prev, .. })
                        if *end == span.0 as usize
                            && !matches!(op, Op::Replace(_, true))
                            && same_kind(*prev, op) =>
                    {
                        *end = span.1 as usize;
                    }
                    _ => out.push(Edit {
                        start: span.0 as usize,
                        end: span.1 as usize,
                        op,
                    }),
                }
            }
        }
        out
    }

    /// Rewrites piece `i` under `edits`; `None` when it does not change. `tidy_spaces`
    /// collapses the white space a deletion leaves behind (text without words).
    fn rewrite(
        &self,
        pieces: &Pieces<'_>,
        i: usize,
        edits: &[Edit],
        tidy_spaces: bool,
    ) -> Option<String> {
        let mut out = String::with_capacity(pieces.piece(i)?.len());
        self.rewrite_into(pieces, i, edits, tidy_spaces, &mut out)
            .then_some(out)
    }

    /// [`Self::rewrite`] into `out` (cleared first); whether the piece changes.
    fn rewrite_into(
        &self,
        pieces: &Pieces<'_>,
        i: usize,
        edits: &[Edit],
        tidy_spaces: bool,
        out: &mut String,
    ) -> bool {
        out.clear();
        let (Some(piece), Some(&base)) = (pieces.piece(i), pieces.starts.get(i)) else {
            return false;
        };
        let end = base + piece.len();
        let lo = edits.partition_point(|e| e.end <= base);
        let hi = edits.partition_point(|e| e.start < end);
        if lo >= hi {
            return false;
        }
        let mut cur = 0;
        for e in &edits[lo..hi] {
            let s = e.start.max(base) - base;
            let t = e.end.min(end) - base;
            if s < cur {
                continue;
            }
            out.push_str(piece.get(cur..s).unwrap_or(""));
            let deleted = match e.op {
                Op::Mask => {
                    for c in piece.get(s..t).unwrap_or("").chars() {
                        out.push(if c.is_whitespace() { c } else { self.mask });
                    }
                    false
                }
                Op::Delete => true,
                Op::Replace(entry, first) => {
                    if first && e.start >= base {
                        if let Some(Action::Replace(r)) =
                            self.entries.get(entry as usize).map(|x| &x.action)
                        {
                            out.push_str(r);
                        }
                    }
                    true
                }
            };
            cur = t;
            if deleted && tidy_spaces {
                cur = self.tidy(out, piece, cur);
            }
        }
        out.push_str(piece.get(cur..).unwrap_or(""));
        out != piece
    }

    /// Repairs text around a deletion in text without words, as word dropping does for words:
    /// no doubled or leading spaces, no space before a mark, no mark at the start, one mark where
    /// two meet (the later one when it ends the text). Returns where to continue in `piece`.
    fn tidy(&self, out: &mut String, piece: &str, mut cur: usize) -> usize {
        let rest = |cur: usize| piece.get(cur..).unwrap_or("");
        let is_mark = |c: char| Script::of(c) == Script::Punctuation;
        let marks: usize = rest(cur)
            .chars()
            .take_while(|&c| is_mark(c))
            .map(char::len_utf8)
            .sum();
        if marks > 0 {
            let head = out.trim_end();
            let after = rest(cur + marks);
            if self.removed_punctuation == RemovedPunctuation::Drop || head.is_empty() {
                cur += marks;
            } else if head.ends_with(is_mark) {
                if after.trim().is_empty() {
                    let keep = head.trim_end_matches(is_mark).len();
                    out.truncate(keep);
                } else {
                    cur += marks;
                }
            } else {
                let keep = head.len();
                out.truncate(keep);
            }
        }
        if let Some(c) = rest(cur).chars().next() {
            if c.is_whitespace() && (out.is_empty() || out.ends_with(char::is_whitespace)) {
                cur += c.len_utf8();
            }
        } else {
            let keep = out.trim_end().len();
            out.truncate(keep);
        }
        cur
    }

    /// Filters one sentence: on its words when it has any, otherwise on its text.
    pub(crate) fn filter_sentence(
        &self,
        loc: Location,
        channel: u32,
        s: &mut Sentence<'_>,
        report: &mut StageReport,
    ) {
        with_scratch(|scratch| {
            if s.words.is_empty() {
                self.filter_text_only(loc, channel, s, report, scratch, true);
                return;
            }
            let consistent = text_matches_words(s);
            self.filter_words(loc, channel, s, report, scratch, consistent);
            if !consistent {
                // The text does not follow the words (a glitchy input): filter it on its own
                // so it cannot leak what the words hid; its hits were reported with the words.
                self.filter_text_only(loc, channel, s, &mut StageReport::default(), scratch, false);
            }
        });
    }

    fn filter_text_only(
        &self,
        loc: Location,
        channel: u32,
        s: &mut Sentence<'_>,
        report: &mut StageReport,
        scratch: &mut Scratch,
        events: bool,
    ) {
        let text = s.text.as_ref();
        let pieces = Pieces::text(text);
        let (hits, allowed) = self.scan(&pieces, scratch);
        if allowed > 0 {
            report.count("allowed", allowed);
        }
        if hits.is_empty() {
            return;
        }
        let mut tags = Vec::new();
        for h in &hits {
            if events {
                let event = self
                    .event(h, channel, loc, &pieces)
                    .time(s.begin_time, s.end_time);
                report.event(event);
            }
            if let Some(v) = self.tag_value(h) {
                tags.push(v);
            }
        }
        if events {
            self.count(report, &hits);
        }
        let edits = self.edits(&hits, &scratch.chars);
        let new = self.rewrite(&pieces, 0, &edits, true);
        if let Some(new) = new {
            s.text = Cow::Owned(new);
            report.count("sentences-changed", 1);
        }
        if !tags.is_empty() && events {
            let _ = s.enrich("sensitive_matches", Value::Array(tags));
        }
    }

    fn filter_words(
        &self,
        loc: Location,
        channel: u32,
        s: &mut Sentence<'_>,
        report: &mut StageReport,
        scratch: &mut Scratch,
        rebuild_text: bool,
    ) {
        // A text that follows the words is their pieces end to end, which normalize to the
        // same characters: walked in one piece, it needs no offsets of the pieces, which most
        // sentences (no candidate) then never collect.
        if rebuild_text && !self.walk([(s.text.as_ref(), 0)], scratch) {
            return;
        }
        let pieces = Pieces::words(&s.words, std::mem::take(&mut scratch.starts))
            .with_whole(rebuild_text.then_some(s.text.as_ref()));
        if !rebuild_text && !self.walk(pieces.iter(), scratch) {
            scratch.starts = pieces.into_starts();
            return;
        }
        let (hits, allowed) = self.choose(&pieces, scratch);
        if allowed > 0 {
            report.count("allowed", allowed);
        }
        if hits.is_empty() {
            scratch.starts = pieces.into_starts();
            return;
        }
        let mut tags: Vec<Vec<Value>> = Vec::new();
        for h in &hits {
            let first = pieces.piece_at(h.src.0 as usize) / 2;
            let last = pieces.piece_at((h.src.1 as usize).saturating_sub(1)) / 2;
            let covered = s.words.get(first..=last).unwrap_or(&[]);
            let begin = covered
                .iter()
                .map(|w| w.begin_time)
                .min()
                .unwrap_or(Millis::ZERO);
            let end = covered
                .iter()
                .map(|w| w.end_time)
                .max()
                .unwrap_or(Millis::ZERO);
            let event = self
                .event(h, channel, loc, &pieces)
                .words(first, last + 1)
                .time(begin, end);
            report.event(event);
            if let Some(v) = self.tag_value(h) {
                if tags.is_empty() {
                    tags = vec![Vec::new(); s.words.len()];
                }
                for t in tags.iter_mut().take(last + 1).skip(first) {
                    t.push(v.clone());
                }
            }
        }
        self.count(report, &hits);
        let edits = self.edits(&hits, &scratch.chars);
        // Only the pieces an edit overlaps can change (an empty piece never does).
        let mut rewritten: Vec<(usize, Cow<'static, str>)> = Vec::new();
        let mut next = 0;
        let buf = &mut scratch.piece;
        for e in &edits {
            let first = pieces.piece_at(e.start).max(next);
            let last = pieces.piece_at(e.end.saturating_sub(1));
            for i in first..=last {
                if self.rewrite_into(&pieces, i, &edits, false, buf) {
                    rewritten.push((i, piece_text(buf)));
                }
            }
            next = next.max(last + 1);
        }
        // The text under the same edits is the new sentence text unless a word is dropped
        // (then punctuation moves): cheaper than joining the words again.
        let new_text = match pieces.whole {
            Some(text) if !rewritten.is_empty() => {
                self.rewrite(&Pieces::text(text), 0, &edits, false)
            }
            _ => None,
        };
        scratch.starts = pieces.into_starts();

        let n = s.words.len();
        // Allocated on the first dropped word: masks and replacements drop none.
        let mut dropped: Vec<bool> = Vec::new();
        let changed = !rewritten.is_empty();
        for (i, new) in rewritten {
            let Some(w) = s.words.get_mut(i / 2) else {
                continue;
            };
            if i % 2 == 0 {
                if new.trim().is_empty() && !w.text.trim().is_empty() {
                    if dropped.is_empty() {
                        dropped = vec![false; n];
                    }
                    if let Some(d) = dropped.get_mut(i / 2) {
                        *d = true;
                    }
                }
                w.text = new;
            } else {
                w.punctuation = new;
            }
        }
        for (w, t) in s.words.iter_mut().zip(tags) {
            if !t.is_empty() {
                let _ = w.enrich("sensitive_matches", Value::Array(t));
            }
        }
        let any_dropped = !dropped.is_empty();
        if any_dropped {
            self.repair_punctuation(s, &dropped);
            let mut i = 0;
            s.words.retain(|_| {
                i += 1;
                !dropped[i - 1]
            });
            report.count(
                "words-dropped",
                dropped.iter().filter(|&&d| d).count() as u64,
            );
        }
        if changed {
            report.count("sentences-changed", 1);
            if rebuild_text {
                if s.words.is_empty() {
                    s.text = Cow::Borrowed("");
                } else if !any_dropped {
                    if let Some(new) = new_text {
                        s.text = Cow::Owned(new);
                    }
                } else {
                    s.rebuild_text();
                }
            }
        }
    }

    /// Moves the punctuation of each run of dropped words onto the word before the run: when
    /// that word has none, or when the run ends the sentence (its mark ends the sentence).
    fn repair_punctuation(&self, s: &mut Sentence<'_>, dropped: &[bool]) {
        let n = s.words.len();
        let mut prev: Option<usize> = None;
        let mut i = 0;
        while i < n {
            if !dropped[i] {
                prev = Some(i);
                i += 1;
                continue;
            }
            let mut mark: Option<Cow<'_, str>> = None;
            while i < n && dropped[i] {
                let p = std::mem::take(&mut s.words[i].punctuation);
                if !p.trim().is_empty() {
                    mark = Some(p);
                }
                i += 1;
            }
            if self.removed_punctuation == RemovedPunctuation::Drop {
                continue;
            }
            let (Some(k), Some(mark)) = (prev, mark) else {
                continue;
            };
            let at_end = i >= n;
            let w = &mut s.words[k];
            if w.punctuation.is_empty() || at_end {
                if !mark.starts_with(char::is_whitespace) && w.text.ends_with(char::is_whitespace) {
                    w.text = Cow::Owned(w.text.trim_end().to_string());
                }
                w.punctuation = Cow::Owned(mark.into_owned());
            }
        }
    }

    fn event(&self, h: &Found, channel: u32, loc: Location, pieces: &Pieces<'_>) -> ReportEvent {
        let entry = self.entries.get(h.entry as usize);
        let mut detail = Detail::new().with("channel", channel);
        if let Some(e) = entry {
            detail.insert("entry", e.word.clone());
            detail.insert("action", e.action.name());
            if let Action::Replace(r) = &e.action {
                detail.insert("replacement", r.clone());
            }
            if let Some(t) = &e.tag {
                detail.insert("tag", t.clone());
            }
        }
        let kind = entry.map_or("masked", |e| e.action.event_kind());
        ReportEvent::new(kind, loc)
            .text(pieces.slice(h.src.0 as usize, h.src.1 as usize))
            .detail(detail)
    }

    /// Counts `hits`: `hits`, and one counter per action kind, updated once per run of hits
    /// of one kind (each update is a map lookup; a sentence's hits mostly share a kind).
    fn count(&self, report: &mut StageReport, hits: &[Found]) {
        report.count("hits", hits.len() as u64);
        let mut run: Option<(&Action, u64)> = None;
        for h in hits {
            let Some(action) = self.entries.get(h.entry as usize).map(|e| &e.action) else {
                continue;
            };
            match &mut run {
                Some((a, n)) if std::mem::discriminant(*a) == std::mem::discriminant(action) => {
                    *n += 1
                }
                _ => {
                    if let Some((a, n)) = run.replace((action, 1)) {
                        report.count(a.event_kind(), n);
                    }
                }
            }
        }
        if let Some((a, n)) = run {
            report.count(a.event_kind(), n);
        }
    }

    fn tag_value(&self, h: &Found) -> Option<Value> {
        let e = self.entries.get(h.entry as usize)?;
        if e.action != Action::Tag {
            return None;
        }
        let mut v = Map::new();
        v.insert("entry".to_owned(), Value::String(e.word.clone()));
        if let Some(t) = &e.tag {
            v.insert("tag".to_owned(), Value::String(t.clone()));
        }
        Some(Value::Object(v))
    }

    /// The hits in plain text, as `(byte range, entry index)`.
    pub(crate) fn find_in(&self, text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
        with_scratch(|scratch| {
            let pieces = Pieces::text(text);
            let (hits, _) = self.scan(&pieces, scratch);
            hits.iter()
                .map(|h| (h.src.0 as usize..h.src.1 as usize, h.entry as usize))
                .collect()
        })
    }

    /// Plain text with the hits applied.
    pub(crate) fn apply_to<'t>(&self, text: &'t str) -> Cow<'t, str> {
        with_scratch(|scratch| {
            let pieces = Pieces::text(text);
            let (hits, _) = self.scan(&pieces, scratch);
            if hits.is_empty() {
                return Cow::Borrowed(text);
            }
            let edits = self.edits(&hits, &scratch.chars);
            match self.rewrite(&pieces, 0, &edits, true) {
                Some(new) => Cow::Owned(new),
                None => Cow::Borrowed(text),
            }
        })
    }
}

/// Enough of the default mask for any word a mask covers whole: such a word (most often one
/// Chinese character) borrows its new text from here instead of allocating it.
const STARS: &str = "********************************";

/// A rewritten piece as word text: borrowed from [`STARS`] when it is one, otherwise a copy.
fn piece_text(piece: &str) -> Cow<'static, str> {
    match STARS.get(..piece.len()) {
        Some(stars) if stars == piece => Cow::Borrowed(stars),
        _ => Cow::Owned(piece.to_owned()),
    }
}

fn same_kind(a: Op, b: Op) -> bool {
    matches!(
        (a, b),
        (Op::Mask, Op::Mask) | (Op::Delete, Op::Delete) | (Op::Replace(..), Op::Replace(..))
    )
}

/// Whether the sentence's text is its words' text and punctuation, end to end.
fn text_matches_words(s: &Sentence<'_>) -> bool {
    let mut rest = s.text.as_bytes();
    for w in &s.words {
        let Some(after) = strip(rest, w.text.as_bytes()) else {
            return false;
        };
        rest = after;
        // Most words have no punctuation.
        if !w.punctuation.is_empty() {
            let Some(after) = strip(rest, w.punctuation.as_bytes()) else {
                return false;
            };
            rest = after;
        }
    }
    rest.is_empty()
}

/// `text` after `prefix`, if it starts with it.
#[inline]
fn strip<'t>(text: &'t [u8], prefix: &[u8]) -> Option<&'t [u8]> {
    let (head, tail) = text.split_at_checked(prefix.len())?;
    same_bytes(head, prefix).then_some(tail)
}

/// `a == b` for two slices of the same length. Most parts of a sentence are empty or one
/// character: compared as fixed-size arrays, they need no call to `memcmp`, which would cost
/// more than the comparison (this runs for every word of every sentence).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    match a.len() {
        0 => true,
        1 => a.first() == b.first(),
        3 => a.first_chunk::<3>() == b.first_chunk::<3>(),
        _ => a == b,
    }
}
