//! Timestamp alignment: repairs the timeline and shifts it to another clock.
//!
//! [`TimestampAligner`] makes every time in a document consistent (DESIGN.md invariant 4) and
//! reports each repair with its location:
//!
//! * **Shift** (optional): linear [`Drift`] correction, then a constant offset, clamped at zero,
//!   for audio that was resampled or trimmed after recognition.
//! * **Duration**: nothing ends past `properties.original_duration_in_milliseconds` when the
//!   result states it (times are clamped to it).
//! * **Words**: a word that ends before it begins, has zero length, is out of order, or where
//!   all words of a sentence carry the same times, gets new times interpolated by character
//!   weight (non-space characters of its text) between its trusted neighbours (the sentence's
//!   bounds at the edges). "Out of order" means outside the longest chain of words with
//!   strictly increasing begins; among chains of that length the one whose words fit together
//!   best (least overlap and gap between neighbours) wins, so an outlier is dropped rather than
//!   its correct neighbour. A trusted word that runs into the next one is cut at the next
//!   one's begin.
//! * **Sentences follow their words.** Paraformer writes a sentence's bounds as its first word's
//!   begin and last word's end, so the words are the evidence: after the word repairs, a
//!   sentence with words is widened or narrowed to exactly its words. This also makes sentence
//!   bounds follow the remaining words after a stage removed words. A sentence without words
//!   that ends before it begins is cut to zero length at its begin.
//! * **Overlapping sentences** of one channel are cut where the fewest words must move (ties go
//!   to the earlier cut, so the earlier sentence gives way); words on either side are clamped
//!   to the cut. Afterwards every sentence begins at or after the previous one's end.
//!
//! Text is never changed, and a document that is already consistent is left exactly as it was
//! (byte-identical JSON). `content_duration_in_milliseconds` (the billing basis) and the stated
//! duration are left as the service wrote them.
//!
//! # Example
//!
//! ```
//! use asrpost::stages::align::TimestampAligner;
//! use asrpost::{Pipeline, Transcription};
//!
//! // The second word ends before it begins, the sentence ends too early.
//! let mut doc = Transcription::from_str(r#"{"transcripts":[{"text":"你好。","sentences":[
//!   {"begin_time":100,"end_time":300,"text":"你好。","words":[
//!     {"begin_time":100,"end_time":300,"text":"你","punctuation":""},
//!     {"begin_time":300,"end_time":200,"text":"好","punctuation":"。"}]}]}]}"#)?;
//! let report = Pipeline::builder().stage(TimestampAligner::new()).build().run(&mut doc)?;
//! let s = &doc.transcripts[0].sentences[0];
//! assert_eq!((s.words[1].begin_time.0, s.words[1].end_time.0), (300, 300));
//! assert!(doc.validate().is_empty());
//! assert_eq!(report.counter("align", "word-end-before-begin"), 1);
//! # Ok::<(), asrpost::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::model::{Location, Sentence, Transcript, Transcription, Word};
use crate::stages::{Detail, Report, ReportEvent, Stage, StageReport};
use crate::{Millis, MillisDelta};

/// A linear clock correction: maps a time of the recognized audio to the time of the audio the
/// result is used with.
///
/// ```
/// use asrpost::Millis;
/// use asrpost::stages::align::Drift;
///
/// let d = Drift::parse("1000:1100,11000:12100")?;
/// assert_eq!(d.apply(Millis(6000)), Millis(6600));
/// assert_eq!(Drift::parse("1.5")?.apply(Millis(1000)), Millis(1500));
/// assert!(Drift::parse("-1").is_err());
/// # Ok::<(), asrpost::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drift {
    kind: DriftKind,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DriftKind {
    Factor(f64),
    /// Through `(old1, new1)` with slope `(new2 - new1) / (old2 - old1)`, kept as integers so
    /// the map is exact at the reference points.
    Points {
        old1: i128,
        new1: i128,
        dnew: i128,
        dold: i128,
    },
}

impl Drift {
    /// `new = old × factor`.
    ///
    /// # Errors
    ///
    /// When the factor is not a finite number greater than zero.
    pub fn factor(factor: f64) -> Result<Drift> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(Error::invalid(
                "drift",
                format!("factor {factor} is not a number greater than zero"),
            ));
        }
        Ok(Drift {
            kind: DriftKind::Factor(factor),
        })
    }

    /// The line through two reference points: `old1` becomes `new1` and `old2` becomes `new2`.
    ///
    /// # Errors
    ///
    /// When the two old times are equal, or the map would not keep the order of times.
    pub fn points(old1: Millis, new1: Millis, old2: Millis, new2: Millis) -> Result<Drift> {
        let (o1, n1, o2, n2) = (
            i128::from(old1.0),
            i128::from(new1.0),
            i128::from(old2.0),
            i128::from(new2.0),
        );
        let (mut dnew, mut dold) = (n2 - n1, o2 - o1);
        if dold == 0 {
            return Err(Error::invalid(
                "drift",
                format!("both reference points are at {}", old1.0),
            ));
        }
        if dold < 0 {
            dold = -dold;
            dnew = -dnew;
        }
        if dnew <= 0 {
            return Err(Error::invalid(
                "drift",
                format!(
                    "{}:{} and {}:{} would reverse or collapse the timeline",
                    old1.0, new1.0, old2.0, new2.0
                ),
            ));
        }
        Ok(Drift {
            kind: DriftKind::Points {
                old1: o1,
                new1: n1,
                dnew,
                dold,
            },
        })
    }

    /// Parses `FACTOR` (`1.001`) or two reference points `OLD:NEW,OLD:NEW` in milliseconds
    /// (`0:0,3600000:3603600`), as the command line takes them.
    ///
    /// # Errors
    ///
    /// When the text is neither form, or the values are refused by [`Drift::factor`] or
    /// [`Drift::points`].
    pub fn parse(s: &str) -> Result<Drift> {
        let s = s.trim();
        if let Some((a, b)) = s.split_once(',') {
            let point = |p: &str| -> Result<(Millis, Millis)> {
                let (old, new) = p.trim().split_once(':').ok_or_else(|| {
                    Error::invalid("drift", format!("`{p}` is not a point OLD:NEW"))
                })?;
                let ms = |v: &str| {
                    v.trim().parse::<u64>().map(Millis).map_err(|_| {
                        Error::invalid("drift", format!("`{v}` is not a time in milliseconds"))
                    })
                };
                Ok((ms(old)?, ms(new)?))
            };
            let ((o1, n1), (o2, n2)) = (point(a)?, point(b)?);
            return Drift::points(o1, n1, o2, n2);
        }
        let f: f64 = s.parse().map_err(|_| {
            Error::invalid(
                "drift",
                format!("`{s}` is neither a factor nor OLD:NEW,OLD:NEW"),
            )
        })?;
        Drift::factor(f)
    }

    /// Maps one time, rounding to the nearest millisecond and clamping at zero.
    pub fn apply(self, t: Millis) -> Millis {
        match self.kind {
            // `as` saturates, so huge products stay at u64::MAX.
            DriftKind::Factor(f) => Millis((t.0 as f64 * f).round() as u64),
            DriftKind::Points {
                old1,
                new1,
                dnew,
                dold,
            } => {
                let num = (i128::from(t.0) - old1) * dnew;
                // Round half up: floor((2·num + dold) / (2·dold)), dold > 0.
                let q = (2 * num + dold).div_euclid(2 * dold);
                let v = new1 + q;
                Millis(v.clamp(0, i128::from(u64::MAX)) as u64)
            }
        }
    }
}

/// The timestamp alignment stage (name `align`). See the [module docs](self) for what it
/// repairs and how.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TimestampAligner {
    offset: MillisDelta,
    drift: Option<Drift>,
}

impl TimestampAligner {
    /// An aligner that repairs without shifting.
    pub fn new() -> Self {
        TimestampAligner::default()
    }

    /// A constant shift added to every time (after the drift correction), clamped at zero:
    /// negative when the start of the audio was trimmed. By default, zero.
    pub fn offset(mut self, offset: MillisDelta) -> Self {
        self.offset = offset;
        self
    }

    /// A linear clock correction applied to every time before the offset. By default, none.
    pub fn drift(mut self, drift: Option<Drift>) -> Self {
        self.drift = drift;
        self
    }

    fn shifts(&self) -> bool {
        self.offset.0 != 0 || self.drift.is_some()
    }

    fn map(&self, t: Millis) -> Millis {
        let t = match self.drift {
            Some(d) => d.apply(t),
            None => t,
        };
        t.shift(self.offset)
    }
}

impl Stage for TimestampAligner {
    fn name(&self) -> &'static str {
        "align"
    }

    fn process(&self, doc: &mut Transcription<'_>, report: &mut Report) -> Result<()> {
        let st = report.stage(self.name());
        let duration = doc.duration();
        for (ti, t) in doc.transcripts.iter_mut().enumerate() {
            self.align_transcript(ti, t, duration, st);
        }
        Ok(())
    }
}

/// Records a repair: an event and its counter.
fn note(st: &mut StageReport, event: ReportEvent) {
    let kind = event.kind.clone();
    st.count(&kind, 1);
    st.event(event);
}

impl TimestampAligner {
    fn align_transcript(
        &self,
        ti: usize,
        t: &mut Transcript<'_>,
        duration: Option<Millis>,
        st: &mut StageReport,
    ) {
        if self.shifts() {
            let mut n = 0;
            for s in &mut t.sentences {
                s.begin_time = self.map(s.begin_time);
                s.end_time = self.map(s.end_time);
                for w in &mut s.words {
                    w.begin_time = self.map(w.begin_time);
                    w.end_time = self.map(w.end_time);
                }
                n += 1 + s.words.len() as u64;
            }
            st.count("shifted", n);
        }
        for (si, s) in t.sentences.iter_mut().enumerate() {
            let loc = Location::sentence(ti, si);
            if let Some(d) = duration {
                clamp_sentence(s, d, loc, st);
            }
            if s.end_time < s.begin_time {
                note(
                    st,
                    ReportEvent::new("sentence-end-before-begin", loc)
                        .time(s.begin_time, s.end_time),
                );
                s.end_time = s.begin_time;
            }
            if !s.words.is_empty() {
                repair_words(s, ti, si, st);
                let (old_b, old_e) = (s.begin_time, s.end_time);
                if s.fit_bounds_to_words() {
                    note(
                        st,
                        ReportEvent::new("sentence-fitted-to-words", loc)
                            .time(s.begin_time, s.end_time)
                            .detail(Detail::new().with("begin", old_b.0).with("end", old_e.0)),
                    );
                }
            }
        }
        for si in 1..t.sentences.len() {
            let (done, rest) = t.sentences.split_at_mut(si);
            let (p, c) = (&mut done[si - 1], &mut rest[0]);
            if c.begin_time < p.end_time {
                let cut = resolve_overlap(p, c);
                // Words squashed against the cut get the room left around them, so a second
                // run finds nothing to do. Bounds stay: the runs end at the sentences' ends.
                repair_words(p, ti, si - 1, st);
                repair_words(c, ti, si, st);
                note(
                    st,
                    ReportEvent::new("sentence-overlap", Location::sentence(ti, si))
                        .time(c.begin_time, c.end_time)
                        .detail(Detail::new().with("cut", cut.0)),
                );
            }
        }
    }
}

/// Clamps every time of a sentence to the audio's duration.
fn clamp_sentence(s: &mut Sentence<'_>, d: Millis, loc: Location, st: &mut StageReport) {
    let past = |t: Millis| t > d;
    let any = past(s.begin_time)
        || past(s.end_time)
        || s.words
            .iter()
            .any(|w| past(w.begin_time) || past(w.end_time));
    if !any {
        return;
    }
    let mut words = 0u64;
    for w in &mut s.words {
        if past(w.begin_time) || past(w.end_time) {
            words += 1;
            w.begin_time = w.begin_time.min(d);
            w.end_time = w.end_time.min(d);
        }
    }
    note(
        st,
        ReportEvent::new("past-duration", loc)
            .time(s.begin_time, s.end_time)
            .detail(Detail::new().with("duration", d.0).with("words", words)),
    );
    s.begin_time = s.begin_time.min(d);
    s.end_time = s.end_time.min(d);
}

/// Whether the words are already consistent: each has positive length and starts at or after
/// the previous one's end. The common case, checked without allocating.
fn words_clean(words: &[Word<'_>]) -> bool {
    let mut prev_end = Millis::ZERO;
    for (i, w) in words.iter().enumerate() {
        if w.end_time <= w.begin_time || (i > 0 && w.begin_time < prev_end) {
            return false;
        }
        prev_end = w.end_time;
    }
    true
}

/// The interpolation weight of a word: its non-space characters, at least one.
fn weight(w: &Word<'_>) -> u64 {
    (w.text.chars().filter(|c| !c.is_whitespace()).count() as u64).max(1)
}

/// Above this many words a sentence's trusted words come from a plain longest increasing
/// subsequence (O(n log n)) instead of the quadratic search with tie-breaks.
const EXACT_TRUST_LIMIT: usize = 128;

/// Marks the words to trust among the candidates (words with positive length): the longest
/// chain with strictly increasing begins. Among chains of that length, the one whose words
/// fit together best (least total overlap and gap between consecutive words) wins, so an
/// outlier is dropped rather than its correct neighbour.
fn trusted(words: &[Word<'_>], cand: &[usize]) -> Vec<bool> {
    let mut keep = vec![false; words.len()];
    // Common case (only zero-length or inverted words were wrong): all are in order.
    if cand
        .windows(2)
        .all(|p| words[p[0]].begin_time < words[p[1]].begin_time)
    {
        for &i in cand {
            keep[i] = true;
        }
        return keep;
    }
    let m = cand.len();
    let mut prev = vec![usize::MAX; m];
    let last = if m <= EXACT_TRUST_LIMIT {
        // (length, misfit) of the best chain ending at each candidate.
        let mut best: Vec<(usize, u128)> = Vec::with_capacity(m);
        for (k, &j) in cand.iter().enumerate() {
            let mut here = (1usize, 0u128);
            for (h, &i) in cand[..k].iter().enumerate() {
                if words[i].begin_time >= words[j].begin_time {
                    continue;
                }
                let (e, b) = (words[i].end_time.0, words[j].begin_time.0);
                let step = u128::from(e.abs_diff(b));
                let score = (best[h].0 + 1, best[h].1 + step);
                if score.0 > here.0 || (score.0 == here.0 && score.1 < here.1) {
                    here = score;
                    prev[k] = h;
                }
            }
            best.push(here);
        }
        let mut last = usize::MAX;
        for (k, &score) in best.iter().enumerate() {
            if last == usize::MAX
                || score.0 > best[last].0
                || (score.0 == best[last].0 && score.1 < best[last].1)
            {
                last = k;
            }
        }
        last
    } else {
        let mut tails: Vec<usize> = Vec::new();
        for (k, &i) in cand.iter().enumerate() {
            let b = words[i].begin_time;
            let pos = tails.partition_point(|&h| words[cand[h]].begin_time < b);
            if pos > 0 {
                prev[k] = tails[pos - 1];
            }
            if pos == tails.len() {
                tails.push(k);
            } else {
                tails[pos] = k;
            }
        }
        tails.last().copied().unwrap_or(usize::MAX)
    };
    let mut k = last;
    while k != usize::MAX {
        keep[cand[k]] = true;
        k = prev[k];
    }
    keep
}

/// Repairs the words of sentence `si` so they have `begin <= end` and do not overlap,
/// interpolating the ones whose times cannot be trusted.
fn repair_words(s: &mut Sentence<'_>, ti: usize, si: usize, st: &mut StageReport) {
    if words_clean(&s.words) {
        return;
    }
    let words = &mut s.words;
    let n = words.len();
    let mut bad = vec![false; n];
    let first = (words[0].begin_time, words[0].end_time);
    if n >= 2 && words.iter().all(|w| (w.begin_time, w.end_time) == first) {
        note(
            st,
            ReportEvent::new("words-degenerate", Location::sentence(ti, si))
                .words(0, n)
                .time(first.0, first.1),
        );
        bad.fill(true);
    } else {
        for (wi, w) in words.iter().enumerate() {
            if w.end_time < w.begin_time {
                bad[wi] = true;
                note(
                    st,
                    ReportEvent::new("word-end-before-begin", Location::word(ti, si, wi))
                        .time(w.begin_time, w.end_time),
                );
            } else if w.end_time == w.begin_time {
                bad[wi] = true;
            }
        }
        let cand: Vec<usize> = (0..n).filter(|&i| !bad[i]).collect();
        let keep = trusted(words, &cand);
        for &i in &cand {
            if !keep[i] {
                bad[i] = true;
                note(
                    st,
                    ReportEvent::new("word-out-of-order", Location::word(ti, si, i))
                        .time(words[i].begin_time, words[i].end_time),
                );
            }
        }
        // A trusted word running into the next trusted one ends where that one begins.
        let mut last: Option<usize> = None;
        for i in 0..n {
            if bad[i] {
                continue;
            }
            if let Some(p) = last {
                if words[p].end_time > words[i].begin_time {
                    note(
                        st,
                        ReportEvent::new("word-overlap", Location::word(ti, si, p))
                            .time(words[p].begin_time, words[p].end_time)
                            .detail(Detail::new().with("next_begin", words[i].begin_time.0)),
                    );
                    words[p].end_time = words[i].begin_time;
                }
            }
            last = Some(i);
        }
    }
    // Interpolate each run of untrusted words between its trusted neighbours.
    let (sb, se) = (s.begin_time, s.end_time);
    let words = &mut s.words;
    let mut a = 0;
    while a < n {
        if !bad[a] {
            a += 1;
            continue;
        }
        let mut b = a;
        while b < n && bad[b] {
            b += 1;
        }
        let from = match (a, b < n) {
            (0, true) => sb.min(words[b].begin_time),
            (0, false) => sb,
            _ => words[a - 1].end_time,
        };
        let to = if b < n {
            words[b].begin_time
        } else {
            se.max(from)
        };
        let span = u128::from(to.saturating_sub(from).0);
        let total: u64 = words[a..b].iter().map(weight).sum();
        let mut cum: u64 = 0;
        let mut changed = false;
        for w in &mut words[a..b] {
            let at = |c: u64| from + Millis((span * u128::from(c) / u128::from(total)) as u64);
            let begin = at(cum);
            cum += weight(w);
            let end = at(cum);
            changed |= (begin, end) != (w.begin_time, w.end_time);
            w.begin_time = begin;
            w.end_time = end;
        }
        if changed {
            note(
                st,
                ReportEvent::new("words-interpolated", Location::sentence(ti, si))
                    .words(a, b)
                    .time(from, to),
            );
        }
        a = b;
    }
}

/// Cuts two overlapping consecutive sentences at the point where the fewest words must move,
/// clamps both sides to it and returns it. `p` ends after `c` begins; both are internally
/// consistent (words ordered, bounds equal to the word hull).
fn resolve_overlap(p: &mut Sentence<'_>, c: &mut Sentence<'_>) -> Millis {
    let lo = c.begin_time.max(p.begin_time);
    let hi = p.end_time.max(lo);
    // A sentence without words counts as one word spanning the sentence.
    let p_ends: Vec<Millis> = if p.words.is_empty() {
        vec![p.end_time]
    } else {
        p.words.iter().map(|w| w.end_time).collect()
    };
    let c_begins: Vec<Millis> = if c.words.is_empty() {
        vec![c.begin_time]
    } else {
        c.words.iter().map(|w| w.begin_time).collect()
    };
    // Words that must move for a cut at t: p's words ending after t, c's words beginning
    // before it. Both lists are sorted, so each count is a binary search.
    let cost = |t: Millis| {
        (p_ends.len() - p_ends.partition_point(|&e| e <= t)) + c_begins.partition_point(|&b| b < t)
    };
    let mut best = (cost(lo), lo);
    let candidates = p_ends
        .iter()
        .chain(&c_begins)
        .copied()
        .filter(|&t| lo < t && t <= hi);
    for t in candidates.chain(std::iter::once(hi)) {
        let k = (cost(t), t);
        if k < best {
            best = k;
        }
    }
    let cut = best.1;
    for w in &mut p.words {
        w.begin_time = w.begin_time.min(cut);
        w.end_time = w.end_time.min(cut);
    }
    p.end_time = p.end_time.min(cut);
    p.begin_time = p.begin_time.min(cut);
    for w in &mut c.words {
        w.begin_time = w.begin_time.max(cut);
        w.end_time = w.end_time.max(cut);
    }
    c.begin_time = c.begin_time.max(cut);
    c.end_time = c.end_time.max(cut);
    p.fit_bounds_to_words();
    c.fit_bounds_to_words();
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pipeline;

    /// Words as `(begin, end)` with one-character texts.
    fn sentence(b: u64, e: u64, words: &[(u64, u64)]) -> Sentence<'static> {
        let mut s = Sentence::new(
            words
                .iter()
                .map(|&(b, e)| Word::new(Millis(b), Millis(e), "字", ""))
                .collect(),
        );
        s.begin_time = Millis(b);
        s.end_time = Millis(e);
        s
    }

    fn times(s: &Sentence<'_>) -> (u64, u64, Vec<(u64, u64)>) {
        (
            s.begin_time.0,
            s.end_time.0,
            s.words
                .iter()
                .map(|w| (w.begin_time.0, w.end_time.0))
                .collect(),
        )
    }

    fn align(
        sentences: Vec<Sentence<'static>>,
        aligner: TimestampAligner,
    ) -> Transcription<'static> {
        let mut doc = Transcription::new("a.wav", vec![Transcript::new(0, sentences)]);
        doc.properties.original_duration_in_milliseconds = Some(Millis(10_000));
        Pipeline::builder()
            .stage(aligner)
            .build()
            .run(&mut doc)
            .unwrap();
        assert!(doc.validate().is_empty(), "{:?}", doc.validate());
        doc
    }

    macro_rules! t {
        ($name:ident, ($b:expr, $e:expr, $w:expr) => ($xb:expr, $xe:expr, $xw:expr)) => {
            #[test]
            fn $name() {
                let doc = align(vec![sentence($b, $e, &$w)], TimestampAligner::new());
                let want: Vec<(u64, u64)> = $xw.to_vec();
                assert_eq!(times(&doc.transcripts[0].sentences[0]), ($xb, $xe, want));
            }
        };
    }

    t!(clean_unchanged, (0, 300, [(0, 100), (100, 300)]) => (0, 300, [(0, 100), (100, 300)]));
    t!(inverted_word_interpolated, (0, 300, [(0, 100), (200, 150), (200, 300)])
        => (0, 300, [(0, 100), (100, 200), (200, 300)]));
    t!(zero_length_between_gap, (0, 400, [(0, 100), (250, 250), (300, 400)])
        => (0, 400, [(0, 100), (100, 300), (300, 400)]));
    t!(all_equal_spread, (100, 400, [(100, 100), (100, 100), (100, 100)])
        => (100, 400, [(100, 200), (200, 300), (300, 400)]));
    t!(absent_times_spread, (1000, 1600, [(0, 0), (0, 0)]) => (1000, 1600, [(1000, 1300), (1300, 1600)]));
    t!(early_outlier, (0, 300, [(0, 100), (100, 200), (20, 300)])
        => (0, 300, [(0, 100), (100, 200), (200, 300)]));
    t!(middle_outlier, (0, 300, [(0, 100), (9000, 9100), (200, 300)])
        => (0, 300, [(0, 100), (100, 200), (200, 300)]));
    t!(overlap_trimmed, (0, 300, [(0, 250), (100, 300)]) => (0, 300, [(0, 100), (100, 300)]));
    t!(sentence_widened, (50, 250, [(0, 100), (100, 300)]) => (0, 300, [(0, 100), (100, 300)]));
    t!(sentence_narrowed, (0, 900, [(100, 200), (200, 300)]) => (100, 300, [(100, 200), (200, 300)]));
    t!(past_duration, (9000, 12000, [(9000, 9500), (9500, 12000)])
        => (9000, 10000, [(9000, 9500), (9500, 10000)]));

    #[test]
    fn character_weight() {
        let mut s = Sentence::new(vec![
            Word::new(Millis(0), Millis(0), "hello ", ""),
            Word::new(Millis(0), Millis(0), "a", "."),
        ]);
        s.end_time = Millis(600);
        let doc = align(vec![s], TimestampAligner::new());
        assert_eq!(
            times(&doc.transcripts[0].sentences[0]).2,
            vec![(0, 500), (500, 600)]
        );
    }

    #[test]
    fn overlapping_sentences_cut_where_fewest_words_move() {
        // The previous sentence's last word runs long: the previous one gives way.
        let doc = align(
            vec![
                sentence(0, 900, &[(0, 100), (100, 900)]),
                sentence(300, 500, &[(300, 400), (400, 500)]),
            ],
            TimestampAligner::new(),
        );
        let s = &doc.transcripts[0].sentences;
        assert_eq!(times(&s[0]), (0, 300, vec![(0, 100), (100, 300)]));
        assert_eq!(times(&s[1]), (300, 500, vec![(300, 400), (400, 500)]));
        // The next sentence's first word starts early: it gives way.
        let doc = align(
            vec![
                sentence(0, 300, &[(0, 100), (100, 200), (200, 300)]),
                sentence(50, 500, &[(50, 400), (400, 500)]),
            ],
            TimestampAligner::new(),
        );
        let s = &doc.transcripts[0].sentences;
        assert_eq!(
            times(&s[0]),
            (0, 300, vec![(0, 100), (100, 200), (200, 300)])
        );
        assert_eq!(times(&s[1]), (300, 500, vec![(300, 400), (400, 500)]));
    }

    #[test]
    fn wordless_sentences() {
        let a = Sentence::from_text(Millis(0), Millis(500), "a");
        let b = Sentence::from_text(Millis(400), Millis(300), "b");
        let doc = align(vec![a, b], TimestampAligner::new());
        let s = &doc.transcripts[0].sentences;
        assert_eq!((s[0].begin_time.0, s[0].end_time.0), (0, 400));
        assert_eq!((s[1].begin_time.0, s[1].end_time.0), (400, 400));
    }

    #[test]
    fn offset_and_drift() {
        let shifted = align(
            vec![sentence(1000, 2000, &[(1000, 1500), (1500, 2000)])],
            TimestampAligner::new()
                .drift(Some(Drift::factor(2.0).unwrap()))
                .offset(MillisDelta(-2500)),
        );
        assert_eq!(
            times(&shifted.transcripts[0].sentences[0]),
            (0, 1500, vec![(0, 500), (500, 1500)])
        );
        let d = Drift::points(Millis(0), Millis(100), Millis(1000), Millis(1200)).unwrap();
        assert_eq!(d.apply(Millis(500)), Millis(650));
        assert_eq!(d.apply(Millis(1)), Millis(101));
    }

    #[test]
    fn drift_refuses() {
        for bad in [
            "0",
            "-2",
            "nan",
            "inf",
            "x",
            "1:1,1:2",
            "0:10,10:0",
            "0:0,10:0",
            "1:2",
            "a:b,c:d",
        ] {
            assert!(Drift::parse(bad).is_err(), "{bad}");
        }
        assert!(Drift::parse(" 0:0 , 1000:1001 ").is_ok());
    }

    #[test]
    fn huge_times_do_not_panic() {
        let doc = align(
            vec![sentence(
                u64::MAX,
                0,
                &[(u64::MAX, 0), (u64::MAX - 1, u64::MAX)],
            )],
            TimestampAligner::new().drift(Some(Drift::factor(1e300).unwrap())),
        );
        assert_eq!(doc.transcripts[0].sentences[0].end_time, Millis(10_000));
    }
}
