//! A per-address limit on sign-in attempts, so one address cannot guess passwords
//! across many accounts quickly. Per process: each server limits what it receives.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `addr`; `false` when it is over the limit.
    pub fn allow(&self, addr: IpAddr, now: Instant) -> bool {
        let Ok(mut hits) = self.hits.lock() else {
            return true;
        };
        if hits.len() > 10_000 {
            // Forget idle addresses so the map cannot grow without bound.
            hits.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let times = hits.entry(addr).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_address_and_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = [127, 0, 0, 1].into();
        let b: IpAddr = [127, 0, 0, 2].into();
        let t = Instant::now();
        assert!(limiter.allow(a, t));
        assert!(limiter.allow(a, t));
        assert!(!limiter.allow(a, t));
        assert!(limiter.allow(b, t));
        assert!(limiter.allow(a, t + Duration::from_secs(61)));
    }
}
