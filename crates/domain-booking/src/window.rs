//! Half-open UTC time windows `[start, end)`.

use std::fmt;

use chrono::{DateTime, Duration, Utc};

/// Why a window could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    #[error("end must be after start")]
    EndNotAfterStart,
}

/// A half-open window of time `[start, end)` in UTC with `start < end`.
///
/// Two windows overlap iff `a.start < b.end && b.start < a.end`: a window ending at 10:00 and
/// one starting at 10:00 do not overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// `instant + by`, saturating at the ends of chrono's range instead of panicking.
pub(crate) fn add_saturating(instant: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    instant
        .checked_add_signed(by)
        .unwrap_or(if by < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
}

impl TimeWindow {
    /// A window `[start, end)`; `end <= start` is refused.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, WindowError> {
        if end <= start {
            return Err(WindowError::EndNotAfterStart);
        }
        Ok(Self { start, end })
    }

    /// A window `[start, start + duration)`; a duration that is not positive is refused.
    pub fn starting_at(start: DateTime<Utc>, duration: Duration) -> Result<Self, WindowError> {
        Self::new(start, add_saturating(start, duration))
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn duration(&self) -> Duration {
        self.end - self.start
    }

    /// Whether the two windows share an instant (touching windows do not).
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `start <= instant < end`.
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }

    /// `[start, end + after)`: the occupied window of a booking with a turnaround buffer. A
    /// negative `after` counts as zero, so the result is never shorter than `self`.
    pub fn extended_by(&self, after: Duration) -> TimeWindow {
        let after = after.max(Duration::zero());
        TimeWindow {
            start: self.start,
            end: add_saturating(self.end, after),
        }
    }

    /// The part both windows share, if any.
    pub fn intersection(&self, other: &TimeWindow) -> Option<TimeWindow> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(TimeWindow { start, end })
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}, {})",
            self.start.to_rfc3339(),
            self.end.to_rfc3339()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, h, m, 0).unwrap()
    }

    fn w(a: (u32, u32), b: (u32, u32)) -> TimeWindow {
        TimeWindow::new(at(a.0, a.1), at(b.0, b.1)).unwrap()
    }

    #[test]
    fn a_window_needs_its_end_after_its_start() {
        assert_eq!(
            TimeWindow::new(at(10, 0), at(10, 0)),
            Err(WindowError::EndNotAfterStart)
        );
        assert_eq!(
            TimeWindow::new(at(10, 0), at(9, 0)),
            Err(WindowError::EndNotAfterStart)
        );
        let window = TimeWindow::new(at(9, 0), at(10, 30)).unwrap();
        assert_eq!((window.start(), window.end()), (at(9, 0), at(10, 30)));
        assert_eq!(window.duration(), Duration::minutes(90));
    }

    #[test]
    fn starting_at_adds_the_duration_and_refuses_empty_ones() {
        assert_eq!(
            TimeWindow::starting_at(at(9, 0), Duration::hours(2)).unwrap(),
            w((9, 0), (11, 0))
        );
        assert!(TimeWindow::starting_at(at(9, 0), Duration::zero()).is_err());
        assert!(TimeWindow::starting_at(at(9, 0), Duration::hours(-1)).is_err());
    }

    #[test]
    fn touching_windows_do_not_overlap() {
        let morning = w((8, 0), (10, 0));
        let late = w((10, 0), (12, 0));
        assert!(!morning.overlaps(&late));
        assert!(!late.overlaps(&morning));
    }

    #[test]
    fn windows_sharing_a_moment_overlap_either_way_round() {
        let a = w((8, 0), (10, 0));
        for b in [
            w((9, 59), (12, 0)),
            w((7, 0), (8, 1)),
            w((8, 30), (9, 0)),
            w((7, 0), (11, 0)),
            a,
        ] {
            assert!(a.overlaps(&b), "{a} {b}");
            assert!(b.overlaps(&a), "{b} {a}");
        }
        assert!(!a.overlaps(&w((6, 0), (8, 0))));
    }

    #[test]
    fn contains_includes_the_start_and_excludes_the_end() {
        let a = w((8, 0), (10, 0));
        assert!(a.contains(at(8, 0)));
        assert!(a.contains(at(9, 59)));
        assert!(!a.contains(at(10, 0)));
        assert!(!a.contains(at(7, 59)));
    }

    #[test]
    fn extended_by_moves_only_the_end() {
        let a = w((8, 0), (10, 0));
        assert_eq!(a.extended_by(Duration::minutes(30)), w((8, 0), (10, 30)));
        assert_eq!(a.extended_by(Duration::zero()), a);
        assert_eq!(a.extended_by(Duration::minutes(-30)), a);
    }

    #[test]
    fn extending_past_the_end_of_time_saturates() {
        let a = TimeWindow::new(at(8, 0), DateTime::<Utc>::MAX_UTC).unwrap();
        assert_eq!(
            a.extended_by(Duration::days(1)).end(),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn intersection_is_the_shared_part() {
        let a = w((8, 0), (10, 0));
        assert_eq!(
            a.intersection(&w((9, 0), (11, 0))),
            Some(w((9, 0), (10, 0)))
        );
        assert_eq!(a.intersection(&w((10, 0), (11, 0))), None);
    }

    #[test]
    fn a_window_displays_as_a_half_open_interval() {
        assert_eq!(
            w((8, 0), (10, 0)).to_string(),
            "[2026-06-01T08:00:00+00:00, 2026-06-01T10:00:00+00:00)"
        );
    }
}
