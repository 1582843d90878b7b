//! Work sharing between the calling thread and the rayon pool, for the short parallel passes
//! of a stage or an export (a few hundred microseconds over one document).
//!
//! A parallel iterator called from outside the pool leaves all the work to the pool and puts
//! the caller to sleep; over such short passes the cost of that is most of the gain. Measured
//! on the disfluency stage of the synthetic hour (two cores): a pool thread takes about 50 µs to
//! wake and a sleeping caller about 35 µs, and equal shares fixed in advance finished up to
//! 70 µs apart. Here the caller works too, every thread takes the next item when it is free,
//! and the caller waits awake (yielding its core) while the last items finish.
//!
//! A pool thread that is slow to start costs the caller nothing until the caller runs out of
//! items; then the caller must wait for the helper job to start (it finds nothing to do),
//! since the job borrows the items. On a busy machine that can take longer than the work.
//! Where the items take some work on the calling thread to plan, [`warm`] wakes the pool's
//! other threads first and keeps them awake (yielding) until the share starts.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the caller waits awake for a helper still at work before it sleeps: longer than
/// one item should take, short enough not to matter when a helper was preempted.
const WAIT_AWAKE: Duration = Duration::from_micros(200);

/// Runs `f` on every item, on the calling thread and the pool's other threads (one helper job
/// per other thread), each thread taking the next item not yet taken. Items are taken in
/// order; which thread runs an item is not fixed, so `f` should write its result into the
/// item (a slot of its own) rather than depend on order.
///
/// With a pool of one thread, one item, or when called from an item of another `share`
/// (whose helpers are busy already), everything runs on the calling thread.
pub(crate) fn share<T: Send, F: Fn(T) + Sync>(items: Vec<T>, f: F) {
    let threads = rayon::current_num_threads().min(items.len());
    if threads < 2 || SHARING.get() {
        items.into_iter().for_each(f);
        return;
    }
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let _sharing = Sharing::enter();
        while let Some(slot) = slots.get(next.fetch_add(1, Ordering::Relaxed)) {
            // Each index is handed out once, so the lock is never contended.
            let item = slot.lock().ok().and_then(|mut s| s.take());
            if let Some(item) = item {
                f(item);
            }
        }
    };
    // Helpers that have started and not finished.
    let running = AtomicUsize::new(0);
    rayon::in_place_scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|_| {
                running.fetch_add(1, Ordering::AcqRel);
                work();
                running.fetch_sub(1, Ordering::AcqRel);
            });
        }
        work();
        // A helper still at work finishes its item soon: waiting for it awake saves the
        // wake-up that sleeping at the end of the scope would cost, and yielding lets it have
        // this core should it be waiting for one. A helper that has not started finds nothing
        // left to do.
        wait_awake(|| running.load(Ordering::Acquire) == 0);
    });
}

/// Yields this thread's core until `done` or for [`WAIT_AWAKE`], whichever comes first.
fn wait_awake(done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() && start.elapsed() < WAIT_AWAKE {
        std::thread::yield_now();
    }
}

/// Keeps the pool's other threads awake until dropped (at most [`WAIT_AWAKE`]), for a `share`
/// that follows after some work on the calling thread: each waits yielding, so that it takes
/// the share's items as soon as they come, instead of being woken then.
pub(crate) struct Warm(Arc<AtomicBool>);

/// Starts keeping the pool's other threads awake ([`Warm`]); nothing inside an item of a
/// `share`, where a `share` runs in place.
pub(crate) fn warm() -> Warm {
    let done = Arc::new(AtomicBool::new(false));
    let helpers = match SHARING.get() {
        true => 0,
        false => rayon::current_num_threads().saturating_sub(1),
    };
    for _ in 0..helpers {
        let done = Arc::clone(&done);
        rayon::spawn(move || wait_awake(|| done.load(Ordering::Acquire)));
    }
    Warm(done)
}

impl Drop for Warm {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

thread_local! {
    /// Whether this thread is running items of a `share`.
    static SHARING: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as running items of a `share` until dropped (also when an item panics).
struct Sharing(bool);

impl Sharing {
    fn enter() -> Sharing {
        Sharing(SHARING.replace(true))
    }
}

impl Drop for Sharing {
    fn drop(&mut self) {
        SHARING.set(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_once() {
        let mut seen = vec![0u32; 1000];
        let items: Vec<(usize, &mut u32)> = seen.iter_mut().enumerate().collect();
        share(items, |(i, slot)| {
            *slot += 1 + i as u32;
        });
        assert!(seen.iter().enumerate().all(|(i, &n)| n == 1 + i as u32));
        share(Vec::<u32>::new(), |_| unreachable!("no items"));
    }

    #[test]
    fn nested_share_runs_in_place() {
        let mut outer = [[0u32; 8]; 2];
        share(outer.iter_mut().collect(), |inner| {
            let thread = std::thread::current().id();
            share(inner.iter_mut().collect(), |n| {
                // On the thread of the outer item: no job waits for a helper that is busy.
                // (Items slow enough that an idle pool thread would take some.)
                std::thread::sleep(std::time::Duration::from_millis(1));
                assert_eq!(std::thread::current().id(), thread);
                *n += 1;
            });
        });
        assert!(outer.iter().flatten().all(|&n| n == 1));
        assert!(!SHARING.get());
    }

    #[test]
    fn runs_inside_the_pool() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let mut seen = [false; 64];
        pool.install(|| share(seen.iter_mut().collect(), |s| *s = true));
        assert!(seen.iter().all(|&s| s));
    }
}
