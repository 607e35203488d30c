//! Benchmarks of the hot booking rules: a 90-day timeline of a busy item, `is_bookable`
//! against its bookings, and a year of opening hours across both DST changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use domain_booking::{
    is_bookable, timeline, ItemRules, Occupancy, OpeningHours, TimeWindow, WeeklyRule,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// 1,000 bookings of 1–3 units over 90 days on an item of 5 units (a deterministic spread,
/// overlapping but never over-committed by more than the data allows).
fn bookings() -> Vec<Occupancy> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..1_000)
        .map(|_| {
            let start = t0() + Duration::minutes((next() % (90 * 24 * 4)) as i64 * 15);
            let length = Duration::minutes((next() % 32 + 1) as i64 * 15);
            let window = TimeWindow::new(start, start + length).unwrap();
            Occupancy::booking(&window, Duration::minutes(30), (next() % 3 + 1) as i64)
        })
        .collect()
}

fn item() -> ItemRules {
    ItemRules {
        quantity: 5,
        min_duration: Some(Duration::hours(1)),
        max_duration: Some(Duration::days(7)),
        buffer: Duration::minutes(30),
        lead_time: Duration::hours(2),
        max_advance: Duration::days(365),
        active: true,
    }
}

fn weekday_hours() -> OpeningHours {
    let rules = (0..5)
        .map(|d| WeeklyRule::parse(d, "08:00", "18:00").unwrap())
        .collect();
    OpeningHours::new(Berlin, rules)
}

fn benches(c: &mut Criterion) {
    let occupied = bookings();
    let quarter = TimeWindow::new(t0(), t0() + Duration::days(90)).unwrap();
    c.bench_function("timeline of 1,000 bookings over 90 days", |b| {
        b.iter(|| timeline(black_box(5), black_box(&occupied), black_box(&quarter)))
    });

    let hours = weekday_hours();
    let item = item();
    let now = t0() - Duration::days(1);
    // Tuesday 2026-02-10, 09:00–17:00 Berlin.
    let start = Utc.with_ymd_and_hms(2026, 2, 10, 8, 0, 0).unwrap();
    let end = start + Duration::hours(8);
    c.bench_function("is_bookable against 1,000 bookings", |b| {
        b.iter(|| {
            is_bookable(
                black_box(&item),
                black_box(&hours),
                black_box(start),
                black_box(end),
                black_box(1),
                black_box(&occupied),
                black_box(now),
            )
        })
    });

    let year = TimeWindow::new(t0(), t0() + Duration::days(365)).unwrap();
    c.bench_function(
        "opening intervals for a year of 5 weekly rules in Berlin",
        |b| b.iter(|| hours.intervals(black_box(&year))),
    );
}

criterion_group!(booking, benches);
criterion_main!(booking);
