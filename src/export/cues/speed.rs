//! Reading speed: re-balancing cues that read too fast after timing.
//!
//! [`timing`] meets the reading speed by extending cues into free time. When speech is dense
//! there is none: the cue ends two frames before the next one starts and still shows more
//! characters per second than the preset allows. A subtitler then works on the text and on
//! the neighbours, and so does [`Rebalance::run`], for each cue that is too fast:
//!
//! * **Move the boundary or merge** with a neighbour of the same run (same speaker, same
//!   block: no long pause between). A slow neighbour (say 5 characters per second) has time
//!   to spare; merging it with a 12 cps cue, or moving the break between them to another
//!   word, gives cues that read. Both cues are laid out again ([`Layout::assemble`], which
//!   breaks lines as usual) and timed again ([`timing`]) between their fixed outer
//!   neighbours; a change is kept only when our own checker ([`qc::check`]) finds fewer
//!   too-fast cues (or the same number, less far over the limit) and no new violation of any
//!   other kind. Break quality counts too: a worse break must buy enough reading time. Only
//!   the few divisions a cheap estimate from speech times ranks best are tried in full.
//! * **Lead the audio**: a cue still too fast may start up to two frames before its speech,
//!   taking time the cue before does not need. Netflix's timing guide puts the in-time on
//!   the first frame of audio, "1–2 frames acceptable" (`subtitles.md` §3.2). The BBC allows
//!   1.5 s either side of the speech (§3.4), but two frames are within both guides.
//!
//! What no layout can fix stays visible: when the speaker talks faster than the limit over a
//! whole run, every cut leaves some cue too fast, the cues keep their speech timing (never
//! stretched over the next speaker's words), and [`qc::check`] reports them.
//!
//! Out-times are not pushed past the next cue's in-time: in a dense run that would make the
//! next cue appear after its speech starts, which no guide allows (Netflix: in-time on the
//! first frame of audio).

use super::{Atom, InParts, Preset};
use super::{Cue, Draft, Layout, LineScratch, Token, close_gap, penalty, timing};
use std::collections::HashSet;

use crate::Millis;
use crate::export::qc::{self, Subtitle, ViolationKind};

/// Reading-time cost of a break penalty point, in milliseconds: a break one point worse must
/// buy 20 ms of reading time, so a cut between two words (50) instead of at a sentence end (0)
/// must buy a second.
const PENALTY_MS: u64 = 20;

/// How many times per cue of the document a too-fast cue is worked on: a bound on the work
/// for any input.
const ROUNDS_PER_CUE: usize = 2;

/// How many divisions of a pair are laid out, timed and checked in full: the most promising
/// by a cheap estimate from speech times.
const CANDIDATES: usize = 4;

/// What the cues were built from, for re-laying out and re-timing a few of them.
pub(super) struct Rebalance<'a, 'b, 'd> {
    pub(super) layout: &'a Layout<'b>,
    pub(super) tokens: &'a InParts<Token<'d>>,
    pub(super) atoms: &'a InParts<Atom>,
    pub(super) names: &'a [Option<std::sync::Arc<str>>],
    /// The time span cues must stay inside.
    pub(super) span: (Millis, Millis),
}

/// The cues' speech times before timing, and the draft each cue was assembled from.
pub(super) struct Speech {
    /// The index of each cue's draft.
    pub(super) owners: Vec<usize>,
    /// Each cue's first word's begin and last word's end.
    pub(super) times: Vec<(Millis, Millis)>,
    /// Each cue's reading length in half characters ([`Cue::reading_length`]), filled in by
    /// [`Rebalance::run`].
    chars: Vec<u32>,
}

impl Speech {
    /// Records the speech times of freshly assembled `cues`, made from `owners`' drafts.
    /// `None` when the cues are not in time order: timing sorts them, and the mapping from
    /// cues to drafts would be lost (only overlapping channels or glitched times do this).
    pub(super) fn record(cues: &[Cue], owners: Vec<usize>) -> Option<Speech> {
        if cues.windows(2).any(|w| w[1].begin < w[0].begin) {
            return None;
        }
        Some(Speech {
            owners,
            times: cues.iter().map(|c| (c.begin, c.end)).collect(),
            chars: Vec::new(),
        })
    }
}

/// How well a stretch of cues reads, lower is better: the cues too fast, then the reading
/// time they lack (ms) plus the cost of the break inside the pair.
type Score = (usize, u64);

/// The reading time `c`, with reading length `chars` (half characters), lacks; more than zero
/// when it reads faster than the preset allows, as [`qc::check`] judges it.
fn deficit(c: &Cue, chars: u32, p: &Preset) -> Millis {
    p.reading_time(chars).saturating_sub(c.duration())
}

impl Rebalance<'_, '_, '_> {
    fn preset(&self) -> &Preset {
        self.layout.preset
    }

    /// Re-balances the too-fast cues of `cues` (timed, made from `drafts` as `speech` records).
    pub(super) fn run(
        &self,
        drafts: &mut Vec<Draft>,
        cues: &mut Vec<Cue>,
        mut speech: Speech,
        scratch: &mut LineScratch,
    ) {
        // Timing joins a cue squeezed to nothing into the one before: the mapping is lost.
        if speech.owners.len() != cues.len() {
            return;
        }
        let p = self.preset();
        speech.chars = cues.iter().map(|c| c.laid_out_reading_length(p)).collect();
        let fast = |cues: &[Cue], speech: &Speech, i: usize| {
            deficit(&cues[i], speech.chars[i], p) > Millis::ZERO
        };
        let mut budget = cues.len().saturating_mul(ROUNDS_PER_CUE);
        // Pairs whose window was tried in the same state without finding a change.
        let mut fruitless: HashSet<Vec<u64>> = HashSet::new();
        let mut i = 0;
        while i < cues.len() && budget > 0 {
            if !fast(cues, &speech, i) {
                i += 1;
                continue;
            }
            budget -= 1;
            // The neighbour with time to spare first; the other only if the first cannot
            // make every cue of its window read.
            let mut pairs = [i.checked_sub(1), (i + 1 < cues.len()).then_some(i)];
            if i > 0 && i + 1 < cues.len() {
                let slack = |x: usize| {
                    let need = p.reading_time(speech.chars[x]).max(p.min_duration);
                    cues[x].duration().0 as i128 - need.0 as i128
                };
                if slack(i + 1) > slack(i - 1) {
                    pairs.swap(0, 1);
                }
            }
            let mut best: Option<Change> = None;
            for j in pairs.into_iter().flatten() {
                if best.as_ref().is_some_and(|b| b.score.0 == 0) {
                    break;
                }
                let state = window_state(drafts, cues, &speech, j);
                if fruitless.contains(&state) {
                    continue;
                }
                match self.best_change(drafts, cues, &speech, j, scratch) {
                    Some(c) => {
                        if best.as_ref().is_none_or(|b| c.gain() > b.gain()) {
                            best = Some(c);
                        }
                    }
                    None => {
                        fruitless.insert(state);
                    }
                }
            }
            match best {
                // Look at the same place again: the change may leave room for another.
                Some(change) => {
                    let back = change.apply(drafts, cues, &mut speech);
                    i = i.min(back);
                }
                None => i += 1,
            }
        }
        self.lead_in(cues, &speech);
    }

    /// Whether cues `j` and `j + 1` come from adjacent single-speaker drafts of one run, so
    /// that their boundary may move.
    fn same_run(&self, drafts: &[Draft], speech: &Speech, j: usize) -> Option<(usize, usize)> {
        let (&k, &k2) = (speech.owners.get(j)?, speech.owners.get(j + 1)?);
        let (a, b) = (drafts.get(k)?, drafts.get(k2)?);
        let split_pause = self.layout.split_pause;
        let joined = k2 == k + 1
            && a.second.is_none()
            && b.second.is_none()
            && !b.label
            && a.speaker == b.speaker
            && a.atoms.end == b.atoms.start
            && a.atoms.start < a.atoms.end
            && b.atoms.start < b.atoms.end;
        if !joined {
            return None;
        }
        // The same block: no long pause and no step back in time at the boundary.
        let (x, y) = (&self.atoms[a.atoms.end - 1], &self.atoms[b.atoms.start]);
        (y.begin >= x.begin && y.begin.saturating_sub(x.finish) < split_pause).then_some((k, k2))
    }

    /// The best new division of cues `j` and `j + 1` (one cue, or two cut elsewhere), if it
    /// reads better than the present one.
    fn best_change(
        &self,
        drafts: &[Draft],
        cues: &[Cue],
        speech: &Speech,
        j: usize,
        scratch: &mut LineScratch,
    ) -> Option<Change> {
        let (k, _) = self.same_run(drafts, speech, j)?;
        let p = self.preset();
        let (a, b) = (&drafts[k], &drafts[k + 1]);
        let (lo, cut, hi) = (a.atoms.start, a.atoms.end, b.atoms.end);
        // The window re-timed: one cue either side of the pair, between fixed outer cues.
        let w0 = j.saturating_sub(1);
        let w1 = (j + 3).min(cues.len());
        let outer = (w0.checked_sub(1).map(|x| &cues[x]), cues.get(w1));
        let bounds = (
            outer.0.map_or(self.span.0, |c| c.end + p.min_gap()),
            outer
                .1
                .map_or(self.span.1, |c| c.begin.saturating_sub(p.min_gap())),
        );
        if bounds.1 <= bounds.0 {
            return None;
        }
        // A new cut may be of the present cut's kind or better, and at worst between words:
        // never inside a Chinese word (one-character tokens) unless the present cut is.
        let worst = self.atoms[cut - 1].class.max(penalty::WORD);
        // Estimate each division from speech times and characters, without laying it out:
        // the pair keeps its present start and end, the second cue starts at its first word.
        let (start, end) = (cues[j].begin, cues[j + 1].end);
        let room = u64::from(self.layout.maxw) * self.layout.max_lines as u64;
        // Width before each atom of the pair. The width is also the reading length
        // ([`Preset::reading_length`] counts characters as [`Preset::width`] does, spaces too).
        let mut before = Vec::with_capacity(hi - lo + 1);
        before.push(0u64);
        for at in &self.atoms[lo..hi] {
            let w = before[before.len() - 1];
            before.push(w + u64::from(at.width));
        }
        let width = |x: usize, y: usize| before[y - lo] - before[x - lo];
        // Whether atoms `x..y` may fit the lines: their width, less white space at the ends.
        let fits = |x: usize, y: usize| {
            let edges = u64::from(self.atoms[x].lead + self.atoms[y - 1].trail);
            width(x, y).saturating_sub(edges) <= room
        };
        let lacking = |x: usize, y: usize, shown: Millis| {
            let n = u32::try_from(width(x, y)).unwrap_or(u32::MAX);
            p.reading_time(n).saturating_sub(shown).0
        };
        let estimate = |c: usize| {
            let mid = self.atoms[c].begin;
            let pen = PENALTY_MS * self.atoms[c - 1].pen.max(0) as u64;
            lacking(lo, c, mid.saturating_sub(p.min_gap()).saturating_sub(start))
                + lacking(c, hi, end.saturating_sub(mid))
                + pen
        };
        let mut options: Vec<(u64, usize)> = Vec::new();
        // `hi` is the merge: one cue of both.
        for c in lo + 1..=hi {
            if c == cut || (c < hi && self.atoms[c - 1].class > worst) {
                continue;
            }
            let guess = if c == hi {
                if !fits(lo, hi) {
                    continue;
                }
                lacking(lo, hi, end.saturating_sub(start))
            } else {
                if !fits(lo, c) || !fits(c, hi) {
                    continue;
                }
                estimate(c)
            };
            options.push((guess, c));
        }
        if options.is_empty() {
            return None;
        }
        options.sort_unstable();
        let base = self.speed(
            &cues[w0..w1],
            &speech.chars[w0..w1],
            self.atoms[cut - 1].pen,
        );
        let mut base_others = None;
        let mut best: Option<Change> = None;
        for &(_, c) in options.iter().take(CANDIDATES) {
            let parts = Parts {
                lo,
                cut: (c < hi).then_some(c),
                hi,
            };
            let Some(new) = self.layout_parts(a, parts, scratch) else {
                continue;
            };
            let new_chars: Vec<u32> = new.iter().map(|c| c.laid_out_reading_length(p)).collect();
            let new_speech: Vec<(Millis, Millis)> = new.iter().map(|c| (c.begin, c.end)).collect();
            // Re-time the window from speech times: neighbours as they were spoken.
            let spoken = |x: usize| spoken(&cues[x], speech.times[x]);
            let mut window: Vec<Cue> = (w0..j)
                .map(spoken)
                .chain(new)
                .chain((j + 2..w1).map(spoken))
                .collect();
            // Timing sorts cues by start: out of order (other speakers' cues overlapping the
            // pair), the window would no longer match the drafts.
            if window.windows(2).any(|w| w[1].begin < w[0].begin) {
                continue;
            }
            let len = window.len();
            timing(&mut window, p, bounds.0, bounds.1);
            if window.len() != len {
                continue;
            }
            // As timing closes the gap between any two cues, to the fixed cue after the window.
            if let (Some(next), Some(last)) = (outer.1, window.last_mut()) {
                close_gap(last, next.begin, p);
            }
            let pen = if c == hi { 0 } else { self.atoms[c - 1].pen };
            // Reading speed first: it is cheap to tell, and most divisions fail it.
            let chars: Vec<u32> = (speech.chars[w0..j].iter())
                .chain(&new_chars)
                .chain(&speech.chars[j + 2..w1])
                .copied()
                .collect();
            let score = self.speed(&window, &chars, pen);
            let better = (score.0, score.1 + frame(p).0) < base
                && best.as_ref().is_none_or(|b| score < b.score);
            if !better {
                continue;
            }
            let others = *base_others.get_or_insert_with(|| self.others(outer, &cues[w0..w1]));
            if self.others(outer, &window) <= others {
                let done = score.0 == 0;
                best = Some(Change {
                    score,
                    base,
                    draft: k,
                    first: j,
                    window: w0..w1,
                    cues: window,
                    parts,
                    speech: new_speech,
                    chars: new_chars,
                });
                // Every cue of the window reads: good enough, stop looking.
                if done {
                    break;
                }
            }
        }
        best
    }

    /// Cues for `parts` (atom ranges) of the run that draft `a` starts, each fitting the line
    /// and duration limits; `None` when one does not.
    fn layout_parts(&self, a: &Draft, parts: Parts, scratch: &mut LineScratch) -> Option<Vec<Cue>> {
        let p = self.preset();
        let mut out = Vec::with_capacity(2);
        for (n, r) in parts.ranges().enumerate() {
            let spoken = self.atoms[r.end - 1]
                .finish
                .saturating_sub(self.atoms[r.start].begin);
            if spoken > p.max_duration {
                return None;
            }
            let d = Draft {
                atoms: r.clone(),
                speaker: a.speaker,
                label: a.label && n == 0,
                second: None,
            };
            let cue = self
                .layout
                .assemble(self.tokens, self.atoms, self.names, &d, scratch)?;
            if cue.lines.len() > self.layout.max_lines {
                return None;
            }
            out.push(cue);
        }
        Some(out)
    }

    /// The reading-speed score of `window`, with `pen` the penalty of the break inside the
    /// pair.
    fn speed(&self, window: &[Cue], chars: &[u32], pen: i32) -> Score {
        let p = self.preset();
        let (mut fast, mut lacking) = (0, 0);
        for (c, &n) in window.iter().zip(chars) {
            let d = deficit(c, n, p).0;
            if d > 0 {
                fast += 1;
                lacking += d;
            }
        }
        (fast, lacking + PENALTY_MS * pen.max(0) as u64)
    }

    /// How many rules other than reading speed [`qc::check`] finds broken in `window` and
    /// between it and its fixed outer neighbours.
    fn others(&self, outer: (Option<&Cue>, Option<&Cue>), window: &[Cue]) -> usize {
        let mut subs = Subtitle::from_cues(outer.0.map_or(&[], std::slice::from_ref));
        subs.extend(Subtitle::from_cues(window));
        subs.extend(Subtitle::from_cues(
            outer.1.map_or(&[], std::slice::from_ref),
        ));
        qc::check(&subs, self.preset())
            .iter()
            .filter(|v| !matches!(v.kind, ViolationKind::ReadingSpeed { .. }))
            .count()
    }

    /// Lets a cue still too fast start up to two frames before its speech (Netflix: in-time
    /// on the first frame of audio, "1–2 frames acceptable", `subtitles.md` §3.2), taking the
    /// time from the cue before when that one has more than it needs.
    fn lead_in(&self, cues: &mut [Cue], speech: &Speech) {
        let p = self.preset();
        let (gap, lead) = (p.min_gap(), p.frame_rate.frames(2));
        for i in 1..cues.len().min(speech.chars.len()) {
            let lacking = deficit(&cues[i], speech.chars[i], p);
            if lacking == Millis::ZERO {
                continue;
            }
            let (prev, cur) = cues.split_at_mut(i);
            let (prev, cur) = (&mut prev[i - 1], &mut cur[0]);
            let led = speech.times[i].0.saturating_sub(cur.begin);
            let need = p.display_time(speech.chars[i - 1]);
            // The earliest the previous cue may end, and so the earliest this one may start.
            let prev_end = prev.end.min(prev.begin + need.max(Millis(1)));
            let earliest = (prev_end + gap)
                .max(cur.begin.saturating_sub(lead.saturating_sub(led)))
                .max(cur.begin.saturating_sub(lacking))
                .max(cur.end.saturating_sub(p.max_duration))
                .max(self.span.0);
            if earliest < cur.begin {
                cur.begin = earliest;
                prev.end = prev.end.min(earliest.saturating_sub(gap));
            }
        }
    }
}

/// What decides the outcome of [`Rebalance::best_change`] for cues `j` and `j + 1`: the atoms
/// and times of the window and its outer neighbours.
fn window_state(drafts: &[Draft], cues: &[Cue], speech: &Speech, j: usize) -> Vec<u64> {
    let (w0, w1) = (j.saturating_sub(2), (j + 4).min(cues.len()));
    let mut key = Vec::with_capacity(4 * (w1 - w0) + 1);
    key.push(j as u64);
    for (x, cue) in cues.iter().enumerate().take(w1).skip(w0) {
        let atoms = speech
            .owners
            .get(x)
            .and_then(|&k| drafts.get(k))
            .map_or(0..0, |d| d.atoms.clone());
        key.extend([cue.begin.0, cue.end.0, atoms.start as u64, atoms.end as u64]);
    }
    key
}

/// One frame at the preset's rate: the least improvement in reading time worth a change.
fn frame(p: &Preset) -> Millis {
    p.frame_rate.frames(1)
}

/// `c` with its speech times, before timing.
fn spoken(c: &Cue, (begin, end): (Millis, Millis)) -> Cue {
    let mut c = c.clone();
    c.begin = begin;
    c.end = end;
    c
}

/// The atoms `lo..hi` of two adjacent drafts, cut at `cut` or merged into one.
#[derive(Clone, Copy, Debug)]
struct Parts {
    lo: usize,
    cut: Option<usize>,
    hi: usize,
}

impl Parts {
    /// The atom range of each draft.
    fn ranges(self) -> impl Iterator<Item = std::ops::Range<usize>> {
        let cut = self.cut.unwrap_or(self.hi);
        std::iter::once(self.lo..cut).chain(self.cut.map(|c| c..self.hi))
    }
}

/// A new division of two adjacent cues, with the window of cues re-timed around it.
struct Change {
    /// The window's score after the change, and before.
    score: Score,
    base: Score,
    /// The first of the two drafts.
    draft: usize,
    /// The first of the two cues.
    first: usize,
    /// The cues the window replaces, and its new cues.
    window: std::ops::Range<usize>,
    cues: Vec<Cue>,
    /// The new atom ranges of the drafts, and the speech times of their cues.
    parts: Parts,
    speech: Vec<(Millis, Millis)>,
    /// The reading lengths of the new cues, in half characters.
    chars: Vec<u32>,
}

impl Change {
    /// How much better the window reads: cues no longer too fast, then reading time won.
    fn gain(&self) -> (usize, i128) {
        (
            self.base.0.saturating_sub(self.score.0),
            i128::from(self.base.1) - i128::from(self.score.1),
        )
    }

    /// Applies the change; returns the first cue whose text or time changed.
    fn apply(self, drafts: &mut Vec<Draft>, cues: &mut Vec<Cue>, speech: &mut Speech) -> usize {
        let (k, j) = (self.draft, self.first);
        let Parts { lo, cut, hi } = self.parts;
        if let Some(cut) = cut {
            drafts[k].atoms = lo..cut;
            drafts[k + 1].atoms = cut..hi;
            speech.times[j + 1] = self.speech[1];
            speech.chars[j + 1] = self.chars[1];
        } else {
            drafts[k].atoms = lo..hi;
            drafts.remove(k + 1);
            speech.owners.remove(j + 1);
            speech.times.remove(j + 1);
            speech.chars.remove(j + 1);
            for o in &mut speech.owners[j + 1..] {
                *o -= 1;
            }
        }
        speech.times[j] = self.speech[0];
        speech.chars[j] = self.chars[0];
        let start = self.window.start;
        cues.splice(self.window, self.cues);
        start
    }
}

#[cfg(test)]
mod tests {
    use super::super::{CueBuilder, Language, Preset, SpeakerLabels};
    use crate::export::qc::{self, Subtitle, ViolationKind};
    use crate::{Millis, Sentence, Transcript, Transcription, Word};

    type Phrases = &'static [(&'static str, u64, u64)];

    /// A one-speaker document from phrases `(text, ms per word, pause after)`: Chinese text
    /// one character per word (punctuation attached), other text one word per space.
    fn doc(phrases: Phrases) -> Transcription<'static> {
        let mut words = Vec::new();
        let mut t = 1000;
        for &(text, step, pause) in phrases {
            let cjk = !text.is_ascii();
            let mut pieces: Vec<(String, String)> = Vec::new();
            if cjk {
                // Han characters one by one, Latin words whole with the space after them.
                let mut latin = false;
                for c in text.chars() {
                    match pieces.last_mut() {
                        Some(last) if "，。！？、 ".contains(c) => last.1.push(c),
                        Some(last) if latin && c.is_ascii_alphanumeric() => last.0.push(c),
                        _ => pieces.push((c.to_string(), String::new())),
                    }
                    latin = c.is_ascii_alphanumeric();
                }
            } else {
                for w in text.split(' ') {
                    let (word, punct) = match w.char_indices().last() {
                        Some((k, c)) if ",.!?".contains(c) => (&w[..k], &w[k..]),
                        _ => (w, ""),
                    };
                    pieces.push((word.to_string(), format!("{punct} ")));
                }
            }
            for (text, punct) in pieces {
                words.push(Word::new(Millis(t), Millis(t + step), text, punct));
                t += step;
            }
            t += pause;
        }
        let sentence = Sentence::new(words).with_speaker(0);
        Transcription::new("", vec![Transcript::new(0, vec![sentence])])
    }

    /// Reading-speed violations and all others of `doc`'s cues, and the cues' text.
    fn check(
        doc: &Transcription<'_>,
        preset: &Preset,
        labels: SpeakerLabels,
        rebalance: bool,
    ) -> (usize, usize, Vec<super::super::Cue>) {
        let cues = CueBuilder::new(preset.clone())
            .speaker_labels(labels)
            .rebalance(rebalance)
            .build(doc);
        let found = qc::check(&Subtitle::from_cues(&cues), preset);
        let fast = found
            .iter()
            .filter(|v| matches!(v.kind, ViolationKind::ReadingSpeed { .. }))
            .count();
        (fast, found.len() - fast, cues)
    }

    fn text(cues: &[super::super::Cue]) -> String {
        cues.iter()
            .flat_map(|c| &c.lines)
            .flat_map(|l| l.text.chars())
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    /// Fast speech next to slow speech of the same speaker: the layout's cut leaves one cue too
    /// fast, re-balancing moves the cut or merges so that every cue reads.
    #[test]
    fn fast_speech_rebalanced() {
        let zh = Preset::netflix(Language::Chinese);
        let en = Preset::netflix(Language::English);
        // Name, preset, phrases, cues too fast as cut, the re-balanced cues' lines.
        type Case<'a> = (&'a str, &'a Preset, Phrases, usize, &'a [&'a [&'a str]]);
        let cases: &[Case<'_>] = &[
            (
                // A Chinese speaker naming English terms quickly (Latin letters count 0.5
                // each, still too fast). The slow first sentence lends its time.
                "zh terms",
                &zh,
                &[
                    ("我们先看一下这个问题。", 300, 200),
                    ("这个server的latency太高了，", 120, 150),
                    ("所以要换database。", 120, 150),
                    ("好。", 500, 1000),
                ],
                1,
                &[
                    &["我们先看一下这个问题。", "这个server的latency太高了，"],
                    &["所以要换database。好。"],
                ],
            ),
            (
                // A quick reply before a slow sentence: the cut moves into the slow one.
                "en reply",
                &en,
                &[
                    ("Yes, exactly, that is right.", 110, 250),
                    (
                        "And then we will talk about the budget for next year, slowly.",
                        420,
                        0,
                    ),
                ],
                1,
                &[
                    &["Yes, exactly, that is right.", "And then we will"],
                    &["talk about the budget for next year,", "slowly."],
                ],
            ),
        ];
        for (name, preset, phrases, fast_before, want) in cases {
            let doc = doc(phrases);
            let (fast, other, before) = check(&doc, preset, SpeakerLabels::None, false);
            assert_eq!((fast, other), (*fast_before, 0), "{name}: before");
            let (fast, other, after) = check(&doc, preset, SpeakerLabels::None, true);
            assert_eq!((fast, other), (0, 0), "{name}: after {after:?}");
            let got: Vec<Vec<&str>> = after
                .iter()
                .map(|c| c.lines.iter().map(|l| l.text.as_str()).collect())
                .collect();
            assert_eq!(&got, want, "{name}");
            assert_eq!(text(&before), text(&after), "{name}: words");
        }
    }

    /// A speaker faster than the limit over a whole run: no cut helps, the cues keep their
    /// speech timing (at most two frames early) and the checker still reports them.
    #[test]
    fn too_fast_everywhere_stays_visible() {
        let zh = Preset::netflix(Language::Chinese);
        let en = Preset::netflix(Language::English);
        let cases: &[(&Preset, Phrases)] = &[
            (
                &zh,
                &[
                    ("这个server的latency太高了，", 90, 50),
                    ("所以我们要换一个database，", 90, 50),
                    ("然后重新做performance testing。", 90, 0),
                ],
            ),
            (
                &en,
                &[
                    ("So basically what we need to do right now is", 90, 40),
                    ("to take the whole thing apart and start again,", 90, 40),
                    ("because nothing in there works the way it should.", 90, 0),
                ],
            ),
        ];
        for (preset, phrases) in cases {
            let doc = doc(phrases);
            let (before, other_before, _) = check(&doc, preset, SpeakerLabels::None, false);
            let (after, other, cues) = check(&doc, preset, SpeakerLabels::None, true);
            assert!(
                after > 0 && after <= before,
                "{}: {after} of {before}",
                preset.name
            );
            // The document ends with its last word: the last cue may be too short, as before.
            assert!(other <= other_before, "{}: {cues:?}", preset.name);
            let lead = preset.frame_rate.frames(2);
            for c in &cues {
                let first = c.lines[0].words[0].begin;
                assert!(c.begin + lead >= first, "{c:?} leads its speech");
            }
        }
    }
}
