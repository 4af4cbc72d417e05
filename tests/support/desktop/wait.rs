//! Waiting for a condition against a deadline: [`wait_until`], the [`Probe`] that says whether the
//! condition holds, and the [`TimedOut`] report of what was awaited and what was last seen.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

/// Turns what a polled condition returned into either the awaited value or a description of what
/// was observed instead. Implemented for `bool`, `Option<T>` and `Result<T, E>`.
pub trait Probe {
    /// The value [`wait_until`] returns once the condition holds.
    type Ready;
    /// `Ok` once the condition holds; otherwise what was observed, for the timeout message.
    fn into_ready(self) -> Result<Self::Ready, String>;
}

/// A condition that did not come true before its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedOut {
    pub description: String,
    pub waited: Duration,
    pub last_observed: String,
}

/// Polls `probe` until it reports the condition holds and returns the awaited value; panics with
/// `description` and the last observation when `timeout` passes first.
///
/// The poll interval starts at 2 ms and grows to 50 ms. Timeouts are multiplied by
/// `UNHUNCH_TEST_TIMEOUT_SCALE` when that is set, for slow machines.
pub fn wait_until<P: Probe>(
    description: &str,
    timeout: Duration,
    probe: impl FnMut() -> P,
) -> P::Ready {
    match try_wait_until(description, timeout, probe) {
        Ok(ready) => ready,
        Err(timed_out) => panic!("{timed_out}"),
    }
}

/// Like [`wait_until`], but returns the timeout as an error instead of panicking.
pub fn try_wait_until<P: Probe>(
    description: &str,
    timeout: Duration,
    mut probe: impl FnMut() -> P,
) -> Result<P::Ready, TimedOut> {
    let timeout = scaled_timeout(timeout);
    let started = Instant::now();
    let mut poll_interval = Duration::from_millis(2);
    loop {
        let last_observed = match probe().into_ready() {
            Ok(ready) => return Ok(ready),
            Err(observed) => observed,
        };
        let waited = started.elapsed();
        if waited >= timeout {
            return Err(TimedOut {
                description: description.to_owned(),
                waited,
                last_observed,
            });
        }
        // This sleep is the polling interval of a condition with a deadline, not a stand-in for one.
        thread::sleep(poll_interval.min(timeout - waited));
        poll_interval = (poll_interval * 2).min(Duration::from_millis(50));
    }
}

impl Probe for bool {
    type Ready = ();
    fn into_ready(self) -> Result<(), String> {
        if self { Ok(()) } else { Err("false".into()) }
    }
}

impl<T> Probe for Option<T> {
    type Ready = T;
    fn into_ready(self) -> Result<T, String> {
        self.ok_or_else(|| "nothing yet".into())
    }
}

impl<T, E: fmt::Debug> Probe for Result<T, E> {
    type Ready = T;
    fn into_ready(self) -> Result<T, String> {
        self.map_err(|observed| format!("{observed:?}"))
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "timed out after {:.1?} waiting until {}; last observed: {}",
            self.waited, self.description, self.last_observed
        )
    }
}

impl std::error::Error for TimedOut {}

/// `timeout` multiplied by `UNHUNCH_TEST_TIMEOUT_SCALE` when that is set, for slow machines.
pub(super) fn scaled_timeout(timeout: Duration) -> Duration {
    let scale = std::env::var("UNHUNCH_TEST_TIMEOUT_SCALE")
        .ok()
        .and_then(|scale| scale.parse::<f64>().ok())
        .filter(|scale| *scale > 0.0)
        .unwrap_or(1.0);
    timeout.mul_f64(scale)
}

#[cfg(test)]
mod tests {
    //! A wait that times out says what it waited for and what it last saw.

    use super::*;

    #[test]
    fn a_timed_out_wait_says_what_it_waited_for_and_what_it_saw() {
        let mut polls = 0;
        let timed_out = try_wait_until("the count reaches 1000", Duration::from_millis(30), || {
            polls += 1;
            (polls >= 1000).then_some(()).ok_or(polls)
        })
        .expect_err("the count cannot reach 1000 in 30 ms");
        let message = timed_out.to_string();
        assert!(message.contains("the count reaches 1000"), "{message}");
        assert!(
            message.contains(&format!("last observed: {polls}")),
            "{message}"
        );
    }
}
