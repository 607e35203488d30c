//! Property tests of the booking rules: quotes, the capacity invariant under any sequence of
//! requests and transitions, and the timeline.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use domain_booking::{
    apply, free_units, is_bookable, quote_equipment, timeline, Action, Actor, BookingClock,
    BookingStatus, ItemRules, Occupancy, OpeningHours, Pricing, TimeWindow, WeeklyRule,
};
use domain_catalog::PricingUnit;
use domain_core::Currency;
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap()
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

fn pricing() -> impl Strategy<Value = Pricing> {
    (
        prop_oneof![Just(PricingUnit::Hour), Just(PricingUnit::Day)],
        0..=10_000_000_000_i64,
        proptest::option::of(1..=10_000_000_000_i64),
        proptest::option::of(1..=10_000_000_000_i64),
    )
        .prop_map(|(unit, unit_price, daily_cap, weekly_price)| Pricing {
            unit,
            unit_price,
            daily_cap,
            weekly_price,
            currency: Currency::parse("EUR").unwrap(),
        })
}

proptest! {
    #[test]
    fn quotes_are_never_negative_and_never_fall_as_the_rental_grows(
        pricing in pricing(),
        quantity in 1..=10_000_i64,
        a in 1..=2_000_000_i64,
        b in 1..=2_000_000_i64,
    ) {
        let (short, long) = (a.min(b), a.max(b));
        let quote = |length_minutes: i64| {
            let window = TimeWindow::starting_at(t0(), minutes(length_minutes)).unwrap();
            quote_equipment(&pricing, &window, quantity)
        };
        let (q_short, q_long) = (quote(short), quote(long));
        prop_assert!(q_short.total.amount >= 0);
        prop_assert!(q_long.total.amount >= 0);
        prop_assert!(q_short.total.amount <= q_long.total.amount,
            "{} min: {:?}, {} min: {:?}", short, q_short, long, q_long);
        for q in [&q_short, &q_long] {
            prop_assert!(q.line_items.iter().all(|l| l.amount >= 0 && l.quantity >= 1));
            let sum = q.line_items.iter().fold(0_i64, |s, l| s.saturating_add(l.amount));
            prop_assert_eq!(sum, q.total.amount);
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Request a booking `[t0 + start·15 min, + len·15 min)` of `quantity` units.
    Request {
        start: i64,
        len: i64,
        quantity: i64,
        hold: i64,
    },
    Approve(usize),
    Confirm(usize),
    Cancel(usize, Actor),
    /// The sweeper expires whatever has lapsed.
    Sweep,
    Blackout {
        start: i64,
        len: i64,
        units: i64,
    },
    /// Time passes.
    Tick(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..200_i64, 1..24_i64, 1..4_i64, 1..16_i64)
            .prop_map(|(start, len, quantity, hold)| Op::Request { start, len, quantity, hold }),
        3 => any::<usize>().prop_map(Op::Approve),
        2 => any::<usize>().prop_map(Op::Confirm),
        1 => (any::<usize>(), prop_oneof![Just(Actor::Customer), Just(Actor::Vendor)])
            .prop_map(|(i, a)| Op::Cancel(i, a)),
        1 => Just(Op::Sweep),
        1 => (0..200_i64, 1..24_i64, 1..3_i64)
            .prop_map(|(start, len, units)| Op::Blackout { start, len, units }),
        3 => (1..180_i64).prop_map(Op::Tick),
    ]
}

#[derive(Debug)]
struct Booking {
    window: TimeWindow,
    quantity: i64,
    clock: BookingClock,
}

struct Store {
    item: ItemRules,
    hours: OpeningHours,
    bookings: Vec<Booking>,
    blackouts: Vec<Occupancy>,
    now: DateTime<Utc>,
}

impl Store {
    /// What holds capacity at `now`, bookings with their buffer, optionally leaving one out.
    fn occupied(&self, except: Option<usize>) -> Vec<Occupancy> {
        self.bookings
            .iter()
            .enumerate()
            .filter(|(i, b)| Some(*i) != except && b.clock.is_blocking(self.now))
            .map(|(_, b)| Occupancy::booking(&b.window, self.item.buffer, b.quantity))
            .chain(self.blackouts.iter().copied())
            .collect()
    }

    fn slot(&self, start: i64, len: i64) -> TimeWindow {
        let start = t0() + minutes(start * 15);
        TimeWindow::new(start, start + minutes(len * 15)).unwrap()
    }

    fn transition(&mut self, index: usize, action: Action, actor: Actor) {
        if self.bookings.is_empty() {
            return;
        }
        let i = index % self.bookings.len();
        let clock = self.bookings[i].clock;
        if let Ok(status) = apply(&clock, action, actor, Some("because"), self.now) {
            if action == Action::Approve {
                // Approval re-checks capacity against everything else.
                let window = self.item.occupied_window(&self.bookings[i].window);
                if free_units(self.item.quantity, &self.occupied(Some(i)), &window)
                    < self.bookings[i].quantity
                {
                    return;
                }
            }
            let booking = &mut self.bookings[i];
            booking.clock.status = status;
            if status == BookingStatus::Approved {
                booking.clock.payment_due_at = Some(self.now + Duration::hours(2));
            }
        }
    }

    fn run(&mut self, op: &Op) {
        match *op {
            Op::Request {
                start,
                len,
                quantity,
                hold,
            } => {
                let window = self.slot(start, len);
                let existing = self.occupied(None);
                let verdict = is_bookable(
                    &self.item,
                    &self.hours,
                    window.start(),
                    window.end(),
                    quantity,
                    &existing,
                    self.now,
                );
                if verdict.is_ok() {
                    self.bookings.push(Booking {
                        window,
                        quantity,
                        clock: BookingClock {
                            status: BookingStatus::Requested,
                            hold_expires_at: self.now + minutes(hold * 15),
                            payment_due_at: None,
                        },
                    });
                }
            }
            Op::Approve(i) => self.transition(i, Action::Approve, Actor::Vendor),
            Op::Confirm(i) => self.transition(i, Action::Confirm, Actor::System),
            Op::Cancel(i, actor) => self.transition(i, Action::Cancel, actor),
            Op::Sweep => {
                for i in 0..self.bookings.len() {
                    self.transition(i, Action::Expire, Actor::System);
                }
            }
            Op::Blackout { start, len, units } => {
                let window = self.slot(start, len);
                if free_units(self.item.quantity, &self.occupied(None), &window) >= units {
                    self.blackouts.push(Occupancy::blackout(&window, units));
                }
            }
            Op::Tick(m) => self.now += minutes(m),
        }
    }

    /// The most units taken at any instant, computed with `timeline`.
    fn peak(&self) -> i64 {
        const BIG: i64 = 1_000_000;
        let range = TimeWindow::new(t0() - Duration::days(2), t0() + Duration::days(10)).unwrap();
        timeline(BIG, &self.occupied(None), &range)
            .iter()
            .map(|slot| BIG - slot.available_units)
            .max()
            .unwrap_or(0)
    }
}

fn hours_strategy() -> impl Strategy<Value = OpeningHours> {
    prop_oneof![
        Just(OpeningHours::always_open(Tz::Europe__Berlin)),
        Just(OpeningHours::new(
            Tz::Europe__Berlin,
            (0..7)
                .map(|d| WeeklyRule::parse(d, "06:00", "22:00").unwrap())
                .collect(),
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_requests_and_transitions_over_commits_an_item(
        quantity in 1..=4_i64,
        buffer in 0..=4_i64,
        lead in 0..=8_i64,
        hours in hours_strategy(),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut store = Store {
            item: ItemRules {
                quantity,
                min_duration: None,
                max_duration: None,
                buffer: minutes(buffer * 15),
                lead_time: minutes(lead * 15),
                max_advance: Duration::days(30),
                active: true,
            },
            hours,
            bookings: Vec::new(),
            blackouts: Vec::new(),
            now: t0() - Duration::hours(12),
        };
        for op in &ops {
            store.run(op);
            let peak = store.peak();
            prop_assert!(peak <= quantity, "after {:?}: {} units taken of {}", op, peak, quantity);
        }
    }
}

fn occupancies() -> impl Strategy<Value = Vec<Occupancy>> {
    proptest::collection::vec(
        (-20..120_i64, 1..40_i64, -1..4_i64).prop_map(|(start, len, units)| {
            let start = t0() + minutes(start * 5);
            Occupancy {
                window: TimeWindow::new(start, start + minutes(len * 5)).unwrap(),
                units,
            }
        }),
        0..40,
    )
}

proptest! {
    #[test]
    fn timeline_slots_tile_the_range_and_agree_with_free_units(
        quantity in 0..=6_i64,
        occupied in occupancies(),
        from in 0..100_i64,
        len in 1..100_i64,
        sub in (0..100_i64, 1..100_i64),
    ) {
        let start = t0() + minutes(from * 5);
        let range = TimeWindow::new(start, start + minutes(len * 5)).unwrap();
        let slots = timeline(quantity, &occupied, &range);
        prop_assert!(!slots.is_empty());
        prop_assert_eq!(slots[0].start, range.start());
        prop_assert_eq!(slots[slots.len() - 1].end, range.end());
        for slot in &slots {
            prop_assert!(slot.start < slot.end);
            prop_assert!((0..=quantity.max(0)).contains(&slot.available_units));
            let window = TimeWindow::new(slot.start, slot.end).unwrap();
            prop_assert_eq!(free_units(quantity, &occupied, &window), slot.available_units);
        }
        for pair in slots.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start, "no gaps or overlaps");
            prop_assert_ne!(pair[0].available_units, pair[1].available_units, "merged");
        }
        let min = slots.iter().map(|s| s.available_units).min().unwrap();
        prop_assert_eq!(free_units(quantity, &occupied, &range), min);
        // Any window inside the range: free units = the least of the slots it touches.
        let (sub_from, sub_len) = sub;
        let sub_start = range.start() + minutes(sub_from * 5 % (len * 5));
        let sub_end = (sub_start + minutes(sub_len * 5)).min(range.end());
        if let Ok(window) = TimeWindow::new(sub_start, sub_end) {
            let expected = slots
                .iter()
                .filter(|s| s.start < window.end() && window.start() < s.end)
                .map(|s| s.available_units)
                .min()
                .unwrap();
            prop_assert_eq!(free_units(quantity, &occupied, &window), expected);
        }
    }

    #[test]
    fn opening_intervals_are_sorted_disjoint_and_inside_the_range(
        tz in prop_oneof![Just(Tz::Europe__Berlin), Just(Tz::America__New_York), Just(Tz::Australia__Lord_Howe)],
        rules in proptest::collection::vec((0..7_i64, 0..96_i64, 1..=96_i64), 1..10),
        from_hours in 0..(24 * 400_i64),
        len_hours in 1..(24 * 30_i64),
    ) {
        let rules: Vec<WeeklyRule> = rules
            .into_iter()
            .map(|(day, a, b)| {
                let (a, b) = (a.min(b - 1), b.max(a + 1));
                let hhmm = |q: i64| format!("{:02}:{:02}", q / 4, q % 4 * 15);
                WeeklyRule::parse(day, &hhmm(a), &hhmm(b)).unwrap()
            })
            .collect();
        let hours = OpeningHours::new(tz, rules);
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::hours(from_hours);
        let range = TimeWindow::new(start, start + Duration::hours(len_hours)).unwrap();
        let intervals = hours.intervals(&range);
        for interval in &intervals {
            prop_assert!(range.start() <= interval.start() && interval.end() <= range.end());
            prop_assert!(hours.allows_pickup(interval.start()));
            prop_assert!(hours.allows_return(interval.end()));
        }
        for pair in intervals.windows(2) {
            prop_assert!(pair[0].end() < pair[1].start(), "sorted, merged: {:?}", pair);
        }
    }
}
