//! Time as the runtime sees it: the system's clock, or one a test moves by hand.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

/// Where the runtime reads the time and waits: token lifetimes, `Retry-After` dates and the
/// waits between retries. The default is [`SystemClock`]; tests inject a [`ManualClock`] to
/// step through a token's life or a backoff without waiting, whatever the machine's speed.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    fn now(&self) -> SystemTime;

    /// Waits `duration` (Tokio's timer unless overridden).
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to, or by exactly as long as it is asked to sleep
/// (at once). Clones share the time and the record of waits.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<Manual>>,
}

#[derive(Debug)]
struct Manual {
    now: SystemTime,
    waits: Vec<Duration>,
}

impl ManualClock {
    pub fn new(start: SystemTime) -> Self {
        ManualClock {
            state: Arc::new(Mutex::new(Manual {
                now: start,
                waits: Vec::new(),
            })),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.lock().now += by;
    }

    pub fn set(&self, to: SystemTime) {
        self.lock().now = to;
    }

    /// The waits asked of [`Clock::sleep`], in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.lock().waits.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Manual> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        let mut state = self.lock();
        state.now += duration;
        state.waits.push(duration);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_moves_by_its_waits_and_records_them() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = ManualClock::new(start);
        let shared = clock.clone();
        shared.sleep(Duration::from_millis(1500)).await;
        clock.advance(Duration::from_secs(2));
        shared.sleep(Duration::ZERO).await;
        assert_eq!(clock.now(), start + Duration::from_millis(3500));
        assert_eq!(clock.waits(), [Duration::from_millis(1500), Duration::ZERO]);
        clock.set(start);
        assert_eq!(shared.now(), start);
    }
}
