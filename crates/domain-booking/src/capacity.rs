//! Free units of an equipment item over time, given what already occupies it.

use chrono::{DateTime, Duration, Utc};

use crate::window::TimeWindow;

/// Units taken for a window. For a booking the window already includes the item's buffer:
/// `[start, end + buffer)`; for a blackout it is the blackout's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupancy {
    pub window: TimeWindow,
    pub units: i64,
}

impl Occupancy {
    /// A booking of `units` for `window`, occupying `[start, end + buffer)`.
    pub fn booking(window: &TimeWindow, buffer: Duration, units: i64) -> Self {
        Self {
            window: window.extended_by(buffer),
            units,
        }
    }

    /// A blackout of `units` (use the item's quantity for "all") over `window`.
    pub fn blackout(window: &TimeWindow, units: i64) -> Self {
        Self {
            window: *window,
            units,
        }
    }
}

/// A stretch of time with the same number of free units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub available_units: i64,
}

/// `+units` where an occupancy starts and `-units` where it ends, clipped to `range`, for
/// the occupancies that overlap it. Sorted by time, ends before starts at the same instant
/// (windows are half-open). Units below zero count as zero.
fn events(occupied: &[Occupancy], range: &TimeWindow) -> Vec<(DateTime<Utc>, i64)> {
    let mut events = Vec::with_capacity(occupied.len() * 2);
    for occupancy in occupied {
        if occupancy.units <= 0 {
            continue;
        }
        if let Some(clipped) = occupancy.window.intersection(range) {
            events.push((clipped.start(), occupancy.units));
            events.push((clipped.end(), -occupancy.units));
        }
    }
    events.sort_unstable();
    events
}

/// The most units taken at any instant of `window`.
pub fn peak_units(occupied: &[Occupancy], window: &TimeWindow) -> i64 {
    let mut taken: i64 = 0;
    let mut peak: i64 = 0;
    for (_, delta) in events(occupied, window) {
        taken = taken.saturating_add(delta);
        peak = peak.max(taken);
    }
    peak
}

/// The free units over `range`: slots that cover it exactly, in order, with adjacent slots of
/// equal availability merged. Available = `quantity` − units of the overlapping occupancies,
/// clamped at 0 (it could only go lower if the data were already over-committed).
pub fn timeline(quantity: i64, occupied: &[Occupancy], range: &TimeWindow) -> Vec<Slot> {
    let events = events(occupied, range);
    let mut slots: Vec<Slot> = Vec::new();
    let mut taken: i64 = 0;
    let mut cursor = range.start();
    let mut push = |start: DateTime<Utc>, end: DateTime<Utc>, taken: i64| {
        if start >= end {
            return;
        }
        let available_units = quantity.saturating_sub(taken).max(0);
        match slots.last_mut() {
            Some(last) if last.available_units == available_units && last.end == start => {
                last.end = end;
            }
            _ => slots.push(Slot {
                start,
                end,
                available_units,
            }),
        }
    };
    for (at, delta) in events {
        push(cursor, at, taken);
        cursor = cursor.max(at);
        taken = taken.saturating_add(delta);
    }
    push(cursor, range.end(), taken);
    slots
}

/// The fewest free units at any instant of `window` (`quantity` − peak units taken, at least
/// 0). O(n log n) in the number of occupancies.
pub fn free_units(quantity: i64, occupied: &[Occupancy], window: &TimeWindow) -> i64 {
    quantity.saturating_sub(peak_units(occupied, window)).max(0)
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

    fn occ(a: (u32, u32), b: (u32, u32), units: i64) -> Occupancy {
        Occupancy::blackout(&w(a, b), units)
    }

    fn slot(a: (u32, u32), b: (u32, u32), available_units: i64) -> Slot {
        Slot {
            start: at(a.0, a.1),
            end: at(b.0, b.1),
            available_units,
        }
    }

    #[test]
    fn an_empty_item_is_one_slot_of_its_quantity() {
        assert_eq!(
            timeline(3, &[], &w((8, 0), (18, 0))),
            vec![slot((8, 0), (18, 0), 3)]
        );
        assert_eq!(free_units(3, &[], &w((8, 0), (18, 0))), 3);
    }

    #[test]
    fn the_timeline_subtracts_overlapping_units() {
        let occupied = [occ((9, 0), (11, 0), 1), occ((10, 0), (12, 0), 2)];
        assert_eq!(
            timeline(3, &occupied, &w((8, 0), (13, 0))),
            vec![
                slot((8, 0), (9, 0), 3),
                slot((9, 0), (10, 0), 2),
                slot((10, 0), (11, 0), 0),
                slot((11, 0), (12, 0), 1),
                slot((12, 0), (13, 0), 3),
            ]
        );
    }

    #[test]
    fn adjacent_slots_with_equal_availability_are_merged() {
        // One booking ends as another starts: availability never changes at 10:00.
        let occupied = [occ((9, 0), (10, 0), 1), occ((10, 0), (11, 0), 1)];
        assert_eq!(
            timeline(2, &occupied, &w((8, 0), (12, 0))),
            vec![
                slot((8, 0), (9, 0), 2),
                slot((9, 0), (11, 0), 1),
                slot((11, 0), (12, 0), 2),
            ]
        );
    }

    #[test]
    fn occupancies_outside_the_range_are_ignored_and_crossing_ones_clipped() {
        let occupied = [
            occ((6, 0), (8, 0), 1),
            occ((7, 0), (9, 0), 1),
            occ((17, 0), (20, 0), 1),
        ];
        assert_eq!(
            timeline(1, &occupied, &w((8, 0), (18, 0))),
            vec![
                slot((8, 0), (9, 0), 0),
                slot((9, 0), (17, 0), 1),
                slot((17, 0), (18, 0), 0),
            ]
        );
    }

    #[test]
    fn over_committed_data_is_clamped_at_zero() {
        let occupied = [occ((9, 0), (10, 0), 2), occ((9, 0), (10, 0), 2)];
        assert_eq!(
            timeline(3, &occupied, &w((9, 0), (10, 0))),
            vec![slot((9, 0), (10, 0), 0)]
        );
        assert_eq!(free_units(3, &occupied, &w((9, 0), (10, 0))), 0);
        assert_eq!(peak_units(&occupied, &w((9, 0), (10, 0))), 4);
    }

    #[test]
    fn occupancies_without_units_take_nothing() {
        let occupied = [occ((9, 0), (10, 0), 0), occ((9, 0), (10, 0), -2)];
        assert_eq!(free_units(1, &occupied, &w((9, 0), (10, 0))), 1);
    }

    #[test]
    fn free_units_is_the_minimum_over_the_window() {
        let occupied = [occ((9, 0), (11, 0), 1), occ((10, 0), (12, 0), 2)];
        assert_eq!(free_units(3, &occupied, &w((8, 0), (9, 0))), 3);
        assert_eq!(free_units(3, &occupied, &w((8, 0), (9, 30))), 2);
        assert_eq!(free_units(3, &occupied, &w((8, 0), (13, 0))), 0);
        assert_eq!(free_units(3, &occupied, &w((11, 0), (13, 0))), 1);
        assert_eq!(free_units(3, &occupied, &w((12, 0), (13, 0))), 3);
    }

    #[test]
    fn touching_occupancies_do_not_add_up() {
        let occupied = [occ((8, 0), (10, 0), 1), occ((10, 0), (12, 0), 1)];
        assert_eq!(free_units(1, &occupied, &w((8, 0), (12, 0))), 0);
        assert_eq!(peak_units(&occupied, &w((8, 0), (12, 0))), 1);
        assert_eq!(free_units(1, &occupied[..1], &w((10, 0), (12, 0))), 1);
    }

    #[test]
    fn a_booking_occupies_its_window_plus_the_buffer() {
        let booking = Occupancy::booking(&w((8, 0), (10, 0)), Duration::minutes(30), 2);
        assert_eq!(booking.window, w((8, 0), (10, 30)));
        assert_eq!(booking.units, 2);
        assert_eq!(
            Occupancy::blackout(&w((8, 0), (10, 0)), 5).window,
            w((8, 0), (10, 0))
        );
    }
}
