//! Weekly opening hours as wall-clock times in a listing's IANA time zone, expanded to UTC
//! correctly across DST changes.
//!
//! Local times are turned into instants by [`local_to_utc`]: a local time that does not exist
//! (it falls into the gap of a spring-forward change) moves forward to the first valid instant
//! after the gap, and one that exists twice (autumn) takes the earlier instant.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _,
    Timelike, Utc,
};
use chrono_tz::Tz;

use crate::window::{add_saturating, TimeWindow};

/// One opening interval of a weekday, in local wall-clock time.
///
/// `end == 00:00` means the end of the day (24:00), so a rule `00:00`–`00:00` is the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklyRule {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u8,
    pub start: NaiveTime,
    /// `00:00` stands for 24:00 (end of the day).
    pub end: NaiveTime,
}

/// Parses `HH:MM` (two digits each); `24:00` only when `end_of_day` is allowed (and then it
/// is returned as `00:00`).
fn parse_hhmm(raw: &str, allow_end_of_day: bool) -> Option<NaiveTime> {
    let bytes = raw.trim().as_bytes();
    let [h1, h2, b':', m1, m2] = bytes else {
        return None;
    };
    let digit = |b: &u8| b.is_ascii_digit().then(|| u32::from(b - b'0'));
    let hours = digit(h1)? * 10 + digit(h2)?;
    let minutes = digit(m1)? * 10 + digit(m2)?;
    if allow_end_of_day && hours == 24 && minutes == 0 {
        return Some(NaiveTime::MIN);
    }
    NaiveTime::from_hms_opt(hours, minutes, 0)
}

/// Parses a wall-clock time `HH:MM` (00:00–23:59).
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    parse_hhmm(raw, false)
}

fn format_hhmm(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

impl WeeklyRule {
    /// Parses a rule from the API's fields: `weekday` 0–6, `start` and `end` as `HH:MM`, with
    /// `end` allowed to be `24:00` (or `00:00`) for the end of the day; `start < end`.
    pub fn parse(weekday: i64, start: &str, end: &str) -> Result<Self, String> {
        let mut problems = Vec::new();
        let day = u8::try_from(weekday).ok().filter(|d| *d <= 6);
        if day.is_none() {
            problems.push("weekday must be between 0 (Monday) and 6 (Sunday)".to_owned());
        }
        let start_time = parse_hhmm(start, false);
        if start_time.is_none() {
            problems.push("start must be a time HH:MM between 00:00 and 23:59".to_owned());
        }
        let end_time = parse_hhmm(end, true);
        if end_time.is_none() {
            problems.push("end must be a time HH:MM between 00:01 and 24:00".to_owned());
        }
        match (day, start_time, end_time) {
            (Some(weekday), Some(start), Some(end)) => {
                let rule = Self {
                    weekday,
                    start,
                    end,
                };
                if rule.is_valid() {
                    Ok(rule)
                } else {
                    Err("start must be before end".to_owned())
                }
            }
            _ => Err(problems.join("; ")),
        }
    }

    /// Whether the rule ends at midnight (24:00).
    pub fn ends_at_midnight(&self) -> bool {
        self.end == NaiveTime::MIN
    }

    /// Whether the weekday is 0–6 and `start < end` (with `end == 00:00` as 24:00).
    pub fn is_valid(&self) -> bool {
        self.weekday <= 6 && (self.ends_at_midnight() || self.start < self.end)
    }

    /// `start` as `HH:MM`.
    pub fn start_text(&self) -> String {
        format_hhmm(self.start)
    }

    /// `end` as `HH:MM`, `24:00` for the end of the day.
    pub fn end_text(&self) -> String {
        if self.ends_at_midnight() {
            "24:00".to_owned()
        } else {
            format_hhmm(self.end)
        }
    }

    /// The rule on `date` (which should be one of its weekdays) as local date-times.
    fn local_bounds(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let start = date.and_time(self.start);
        let end = if self.ends_at_midnight() {
            date.succ_opt()?.and_time(NaiveTime::MIN)
        } else {
            date.and_time(self.end)
        };
        (start < end).then_some((start, end))
    }

    /// The rule on `date` as a UTC window (empty when DST swallows it whole).
    pub fn window_on(&self, date: NaiveDate, tz: Tz) -> Option<TimeWindow> {
        let (start, end) = self.local_bounds(date)?;
        TimeWindow::new(local_to_utc(tz, start), local_to_utc(tz, end)).ok()
    }
}

/// The instant of a local wall-clock time in `tz`: a non-existent local time (a DST gap)
/// moves forward to the first valid instant after the gap; an ambiguous one (a DST fold)
/// takes the earlier instant.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => after_gap(tz, local),
    }
}

/// The local date of `instant` in `tz` (the UTC date where the local one is out of range).
fn local_date(tz: Tz, instant: DateTime<Utc>) -> NaiveDate {
    let utc = instant.naive_utc();
    let offset = offset_seconds(tz.offset_from_utc_datetime(&utc));
    utc.checked_add_signed(Duration::seconds(offset))
        .unwrap_or(utc)
        .date()
}

fn exists(tz: Tz, local: NaiveDateTime) -> bool {
    !matches!(tz.from_local_datetime(&local), LocalResult::None)
}

/// The first valid instant after the gap that `local` falls into.
fn after_gap(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    // Whole seconds: transitions happen on whole seconds, so the truncated time is in the gap too.
    let mut lo = local.with_nanosecond(0).unwrap_or(local);
    // Find a later local time that exists (gaps are at most a few hours; look up to ~2 days).
    let mut step = Duration::hours(1);
    let mut hi = None;
    for _ in 0..7 {
        if let Some(candidate) = lo.checked_add_signed(step) {
            if exists(tz, candidate) {
                hi = Some(candidate);
                break;
            }
        }
        step = step * 2;
    }
    let Some(mut hi) = hi else {
        // No valid time nearby (cannot happen with real zone data): read the time in the
        // zone's current offset.
        let offset = tz.offset_from_utc_datetime(&local);
        return add_saturating(
            Utc.from_utc_datetime(&local),
            -Duration::seconds(offset_seconds(offset)),
        );
    };
    // Binary search on whole seconds for the first local time that exists.
    while (hi - lo) > Duration::seconds(1) {
        let mid = lo + Duration::seconds((hi - lo).num_seconds() / 2);
        if exists(tz, mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    match tz.from_local_datetime(&hi) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => Utc.from_utc_datetime(&hi),
    }
}

fn offset_seconds(offset: <Tz as chrono::TimeZone>::Offset) -> i64 {
    use chrono::Offset as _;
    i64::from(offset.fix().local_minus_utc())
}

/// A listing's weekly opening hours in its time zone. No rules means always open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    tz: Tz,
    rules: Vec<WeeklyRule>,
}

impl OpeningHours {
    /// Keeps the rules as given; overlapping rules are allowed and merged when expanding.
    pub fn new(tz: Tz, rules: Vec<WeeklyRule>) -> Self {
        Self { tz, rules }
    }

    /// No weekly rules: open at every instant.
    pub fn always_open(tz: Tz) -> Self {
        Self::new(tz, Vec::new())
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    pub fn rules(&self) -> &[WeeklyRule] {
        &self.rules
    }

    pub fn is_always_open(&self) -> bool {
        self.rules.is_empty()
    }

    /// The opening intervals in UTC that overlap `range`, clipped to it, sorted, with
    /// overlapping or touching intervals merged. Always open → `[range]`.
    pub fn intervals(&self, range: &TimeWindow) -> Vec<TimeWindow> {
        if self.is_always_open() {
            return vec![*range];
        }
        let mut by_weekday: [Vec<&WeeklyRule>; 7] = Default::default();
        for rule in &self.rules {
            if let Some(slot) = by_weekday.get_mut(usize::from(rule.weekday)) {
                slot.push(rule);
            }
        }
        // One local day either side covers every offset and fold.
        let first_local = local_date(self.tz, range.start());
        let last_local = local_date(self.tz, range.end());
        let mut date = first_local.pred_opt().unwrap_or(first_local);
        let last = last_local.succ_opt().unwrap_or(last_local);
        let mut found = Vec::new();
        loop {
            let weekday = date.weekday().num_days_from_monday() as usize;
            for rule in by_weekday.get(weekday).into_iter().flatten() {
                if let Some(window) = rule.window_on(date, self.tz) {
                    if let Some(clipped) = window.intersection(range) {
                        found.push(clipped);
                    }
                }
            }
            match date.succ_opt() {
                Some(next) if next <= last => date = next,
                _ => break,
            }
        }
        merge(found)
    }

    /// Whether a pickup (booking start) at `instant` is within opening hours: inside
    /// `[open, close]` of some opening interval (exactly at opening is fine).
    pub fn allows_pickup(&self, instant: DateTime<Utc>) -> bool {
        self.within(instant)
    }

    /// Whether a return (booking end) at `instant` is within opening hours: inside
    /// `[open, close]` of some opening interval (exactly at closing is fine).
    pub fn allows_return(&self, instant: DateTime<Utc>) -> bool {
        self.within(instant)
    }

    fn within(&self, instant: DateTime<Utc>) -> bool {
        if self.is_always_open() {
            return true;
        }
        let around = TimeWindow::new(
            add_saturating(instant, -Duration::days(2)),
            add_saturating(instant, Duration::days(2)),
        );
        around.is_ok_and(|around| {
            self.intervals(&around)
                .iter()
                .any(|open| open.start() <= instant && instant <= open.end())
        })
    }
}

/// Sorts windows and merges those that overlap or touch.
pub(crate) fn merge(mut windows: Vec<TimeWindow>) -> Vec<TimeWindow> {
    windows.sort();
    let mut merged: Vec<TimeWindow> = Vec::with_capacity(windows.len());
    for window in windows {
        match merged.last_mut() {
            Some(last) if window.start() <= last.end() => {
                if window.end() > last.end() {
                    if let Ok(joined) = TimeWindow::new(last.start(), window.end()) {
                        *last = joined;
                    }
                }
            }
            _ => merged.push(window),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Europe::Berlin};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn window(a: DateTime<Utc>, b: DateTime<Utc>) -> TimeWindow {
        TimeWindow::new(a, b).unwrap()
    }

    fn rule(weekday: i64, start: &str, end: &str) -> WeeklyRule {
        WeeklyRule::parse(weekday, start, end).unwrap()
    }

    fn every_day(start: &str, end: &str) -> Vec<WeeklyRule> {
        (0..7).map(|d| rule(d, start, end)).collect()
    }

    /// The intervals of one local date in `tz`.
    fn day(tz: Tz, rules: Vec<WeeklyRule>, y: i32, m: u32, d: u32) -> Vec<TimeWindow> {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let start = local_to_utc(tz, date.and_time(NaiveTime::MIN));
        let end = local_to_utc(tz, date.succ_opt().unwrap().and_time(NaiveTime::MIN));
        OpeningHours::new(tz, rules).intervals(&window(start, end))
    }

    #[test]
    fn a_rule_parses_from_weekday_and_hh_mm() {
        let r = rule(0, "08:00", "18:30");
        assert_eq!(r.weekday, 0);
        assert_eq!(r.start, NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(r.end, NaiveTime::from_hms_opt(18, 30, 0).unwrap());
        assert_eq!(
            (r.start_text(), r.end_text()),
            ("08:00".into(), "18:30".into())
        );
        assert!(!r.ends_at_midnight());
    }

    #[test]
    fn twenty_four_hundred_is_the_end_of_the_day() {
        let r = rule(6, "00:00", "24:00");
        assert!(r.ends_at_midnight());
        assert_eq!(r.end_text(), "24:00");
        assert_eq!(rule(6, "22:00", "00:00"), rule(6, "22:00", "24:00"));
        assert!(WeeklyRule::parse(6, "24:00", "24:00").is_err());
    }

    #[test]
    fn malformed_rules_are_refused() {
        for (weekday, start, end) in [
            (7, "08:00", "18:00"),
            (-1, "08:00", "18:00"),
            (0, "8:00", "18:00"),
            (0, "08:00", "18"),
            (0, "08:60", "18:00"),
            (0, "25:00", "26:00"),
            (0, "24:30", "24:30"),
            (0, "18:00", "08:00"),
            (0, "08:00", "08:00"),
            (0, "ab:cd", "18:00"),
            (0, "", "18:00"),
        ] {
            assert!(
                WeeklyRule::parse(weekday, start, end).is_err(),
                "{weekday} {start} {end}"
            );
        }
    }

    #[test]
    fn parse_reports_every_problem() {
        let message = WeeklyRule::parse(9, "x", "y").unwrap_err();
        assert!(message.contains("weekday"), "{message}");
        assert!(message.contains("start"), "{message}");
        assert!(message.contains("end"), "{message}");
    }

    #[test]
    fn parse_time_accepts_only_hh_mm_within_a_day() {
        assert_eq!(parse_time("07:05"), NaiveTime::from_hms_opt(7, 5, 0));
        assert_eq!(parse_time("24:00"), None);
        assert_eq!(parse_time("7:05"), None);
    }

    #[test]
    fn no_rules_means_always_open() {
        let hours = OpeningHours::always_open(Berlin);
        assert!(hours.is_always_open());
        assert_eq!(hours.tz(), Berlin);
        assert!(hours.rules().is_empty());
        let range = window(utc(2026, 6, 1, 3, 0), utc(2026, 6, 9, 3, 0));
        assert_eq!(hours.intervals(&range), vec![range]);
        assert!(hours.allows_pickup(utc(2026, 6, 1, 3, 0)));
        assert!(hours.allows_return(utc(2026, 6, 1, 23, 59)));
    }

    #[test]
    fn new_keeps_the_rules_as_given() {
        let rules = vec![rule(0, "08:00", "12:00"), rule(0, "10:00", "14:00")];
        let hours = OpeningHours::new(Berlin, rules.clone());
        assert_eq!(hours.rules(), rules.as_slice());
        assert!(!hours.is_always_open());
    }

    #[test]
    fn an_ordinary_summer_day_is_converted_with_the_summer_offset() {
        // 2026-06-01 is a Monday; Berlin is UTC+2.
        let got = day(Berlin, vec![rule(0, "08:00", "18:00")], 2026, 6, 1);
        assert_eq!(
            got,
            vec![window(utc(2026, 6, 1, 6, 0), utc(2026, 6, 1, 16, 0))]
        );
    }

    #[test]
    fn intervals_are_clipped_to_the_range_and_sorted() {
        let hours = OpeningHours::new(Berlin, every_day("08:00", "18:00"));
        let range = window(utc(2026, 6, 1, 10, 0), utc(2026, 6, 3, 7, 0));
        assert_eq!(
            hours.intervals(&range),
            vec![
                window(utc(2026, 6, 1, 10, 0), utc(2026, 6, 1, 16, 0)),
                window(utc(2026, 6, 2, 6, 0), utc(2026, 6, 2, 16, 0)),
                window(utc(2026, 6, 3, 6, 0), utc(2026, 6, 3, 7, 0)),
            ]
        );
    }

    #[test]
    fn overlapping_and_touching_rules_are_merged() {
        let rules = vec![
            rule(0, "12:00", "14:00"),
            rule(0, "08:00", "12:00"),
            rule(0, "13:00", "15:00"),
            rule(0, "16:00", "17:00"),
            rule(0, "20:00", "24:00"),
            rule(1, "00:00", "02:00"),
        ];
        let got = day(Berlin, rules.clone(), 2026, 6, 1);
        assert_eq!(
            got,
            vec![
                window(utc(2026, 6, 1, 6, 0), utc(2026, 6, 1, 13, 0)),
                window(utc(2026, 6, 1, 14, 0), utc(2026, 6, 1, 15, 0)),
                window(utc(2026, 6, 1, 18, 0), utc(2026, 6, 1, 22, 0)),
            ]
        );
        // Across midnight, Monday evening and Tuesday night are one interval.
        let range = window(utc(2026, 6, 1, 0, 0), utc(2026, 6, 3, 0, 0));
        let hours = OpeningHours::new(Berlin, rules);
        assert!(hours
            .intervals(&range)
            .contains(&window(utc(2026, 6, 1, 18, 0), utc(2026, 6, 2, 0, 0))));
    }

    #[test]
    fn berlin_spring_forward_keeps_an_eight_to_six_day_at_ten_hours() {
        // 2026-03-29 (Sunday): 02:00 CET jumps to 03:00 CEST.
        let got = day(Berlin, vec![rule(6, "08:00", "18:00")], 2026, 3, 29);
        assert_eq!(
            got,
            vec![window(utc(2026, 3, 29, 6, 0), utc(2026, 3, 29, 16, 0))]
        );
        assert_eq!(got[0].duration(), Duration::hours(10));
        // The day before was still on winter time.
        let before = day(Berlin, vec![rule(5, "08:00", "18:00")], 2026, 3, 28);
        assert_eq!(
            before,
            vec![window(utc(2026, 3, 28, 7, 0), utc(2026, 3, 28, 17, 0))]
        );
    }

    #[test]
    fn berlin_fall_back_keeps_an_eight_to_six_day_at_ten_hours() {
        // 2026-10-25 (Sunday): 03:00 CEST falls back to 02:00 CET.
        let got = day(Berlin, vec![rule(6, "08:00", "18:00")], 2026, 10, 25);
        assert_eq!(
            got,
            vec![window(utc(2026, 10, 25, 7, 0), utc(2026, 10, 25, 17, 0))]
        );
        assert_eq!(got[0].duration(), Duration::hours(10));
    }

    #[test]
    fn a_day_spanning_the_change_is_nine_or_eleven_real_hours() {
        let spring = day(Berlin, vec![rule(6, "01:00", "11:00")], 2026, 3, 29);
        assert_eq!(spring[0].duration(), Duration::hours(9));
        let autumn = day(Berlin, vec![rule(6, "01:00", "11:00")], 2026, 10, 25);
        assert_eq!(autumn[0].duration(), Duration::hours(11));
        let whole_spring = day(Berlin, vec![rule(6, "00:00", "24:00")], 2026, 3, 29);
        assert_eq!(whole_spring[0].duration(), Duration::hours(23));
        let whole_autumn = day(Berlin, vec![rule(6, "00:00", "24:00")], 2026, 10, 25);
        assert_eq!(whole_autumn[0].duration(), Duration::hours(25));
    }

    #[test]
    fn berlin_one_thirty_to_three_thirty_is_one_hour_in_spring_and_three_in_autumn() {
        let spring = day(Berlin, vec![rule(6, "01:30", "03:30")], 2026, 3, 29);
        // 01:30 CET = 00:30 UTC; 03:30 CEST = 01:30 UTC.
        assert_eq!(
            spring,
            vec![window(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))]
        );
        let autumn = day(Berlin, vec![rule(6, "01:30", "03:30")], 2026, 10, 25);
        // 01:30 CEST = 23:30 UTC the day before; 03:30 CET = 02:30 UTC.
        assert_eq!(
            autumn,
            vec![window(utc(2026, 10, 24, 23, 30), utc(2026, 10, 25, 2, 30))]
        );
    }

    #[test]
    fn berlin_a_time_in_the_spring_gap_moves_forward_to_the_end_of_the_gap() {
        // 02:30 does not exist on 2026-03-29: the first valid instant after the gap is
        // 03:00 CEST = 01:00 UTC.
        let got = day(Berlin, vec![rule(6, "02:30", "04:00")], 2026, 3, 29);
        assert_eq!(
            got,
            vec![window(utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 2, 0))]
        );
        // A rule entirely inside the gap has no real time at all.
        assert!(day(Berlin, vec![rule(6, "02:00", "02:45")], 2026, 3, 29).is_empty());
    }

    #[test]
    fn berlin_an_ambiguous_autumn_time_takes_the_earlier_instant() {
        // 02:30 happens twice on 2026-10-25: first at 00:30 UTC (CEST), then 01:30 UTC (CET).
        let got = day(Berlin, vec![rule(6, "02:30", "04:00")], 2026, 10, 25);
        assert_eq!(
            got,
            vec![window(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3, 0))]
        );
    }

    #[test]
    fn new_york_spring_forward_keeps_an_eight_to_six_day_at_ten_hours() {
        // 2026-03-08 (Sunday): 02:00 EST jumps to 03:00 EDT.
        let got = day(New_York, vec![rule(6, "08:00", "18:00")], 2026, 3, 8);
        assert_eq!(
            got,
            vec![window(utc(2026, 3, 8, 12, 0), utc(2026, 3, 8, 22, 0))]
        );
        assert_eq!(got[0].duration(), Duration::hours(10));
    }

    #[test]
    fn new_york_fall_back_keeps_an_eight_to_six_day_at_ten_hours() {
        // 2026-11-01 (Sunday): 02:00 EDT falls back to 01:00 EST.
        let got = day(New_York, vec![rule(6, "08:00", "18:00")], 2026, 11, 1);
        assert_eq!(
            got,
            vec![window(utc(2026, 11, 1, 13, 0), utc(2026, 11, 1, 23, 0))]
        );
        assert_eq!(got[0].duration(), Duration::hours(10));
    }

    #[test]
    fn new_york_one_thirty_to_three_is_half_an_hour_in_spring() {
        // 01:30 EST = 06:30 UTC; 03:00 EDT = 07:00 UTC.
        let got = day(New_York, vec![rule(6, "01:30", "03:00")], 2026, 3, 8);
        assert_eq!(
            got,
            vec![window(utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 0))]
        );
    }

    #[test]
    fn new_york_one_thirty_in_autumn_takes_the_earlier_instant() {
        // 01:30 happens twice: 05:30 UTC (EDT) and 06:30 UTC (EST); the earlier one counts.
        // 03:00 EST = 08:00 UTC, so the interval is two and a half real hours.
        let got = day(New_York, vec![rule(6, "01:30", "03:00")], 2026, 11, 1);
        assert_eq!(
            got,
            vec![window(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 8, 0))]
        );
    }

    #[test]
    fn new_york_a_time_in_the_spring_gap_moves_forward_to_three_o_clock() {
        // 02:30 does not exist; 03:00 EDT = 07:00 UTC.
        let got = day(New_York, vec![rule(6, "02:30", "04:00")], 2026, 3, 8);
        assert_eq!(
            got,
            vec![window(utc(2026, 3, 8, 7, 0), utc(2026, 3, 8, 8, 0))]
        );
    }

    #[test]
    fn local_to_utc_resolves_single_gap_and_fold() {
        let local = |h, m| {
            NaiveDate::from_ymd_opt(2026, 3, 29)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        assert_eq!(local_to_utc(Berlin, local(1, 59)), utc(2026, 3, 29, 0, 59));
        assert_eq!(local_to_utc(Berlin, local(2, 0)), utc(2026, 3, 29, 1, 0));
        assert_eq!(local_to_utc(Berlin, local(2, 59)), utc(2026, 3, 29, 1, 0));
        assert_eq!(local_to_utc(Berlin, local(3, 0)), utc(2026, 3, 29, 1, 0));
        let fold = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 0, 0)
            .unwrap();
        assert_eq!(local_to_utc(Berlin, fold), utc(2026, 10, 25, 0, 0));
    }

    #[test]
    fn a_pickup_exactly_at_opening_and_a_return_exactly_at_closing_are_allowed() {
        let hours = OpeningHours::new(Berlin, vec![rule(0, "08:00", "18:00")]);
        // 2026-06-01 is a Monday: open 06:00–16:00 UTC.
        assert!(hours.allows_pickup(utc(2026, 6, 1, 6, 0)));
        assert!(hours.allows_return(utc(2026, 6, 1, 16, 0)));
        assert!(hours.allows_pickup(utc(2026, 6, 1, 12, 0)));
        assert!(hours.allows_return(utc(2026, 6, 1, 12, 0)));
        assert!(!hours.allows_pickup(utc(2026, 6, 1, 5, 59)));
        assert!(!hours.allows_return(utc(2026, 6, 1, 16, 1)));
        // Tuesday has no rule.
        assert!(!hours.allows_pickup(utc(2026, 6, 2, 12, 0)));
        assert!(!hours.allows_return(utc(2026, 6, 2, 12, 0)));
    }

    #[test]
    fn opening_checks_near_the_end_of_time_do_not_panic() {
        let hours = OpeningHours::new(Berlin, every_day("08:00", "18:00"));
        let _ = hours.allows_pickup(DateTime::<Utc>::MAX_UTC);
        let _ = hours.allows_return(DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn a_year_of_weekday_rules_has_one_interval_per_open_day() {
        let rules = (0..5).map(|d| rule(d, "09:00", "17:00")).collect();
        let hours = OpeningHours::new(Berlin, rules);
        let range = window(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
        let got = hours.intervals(&range);
        assert_eq!(got.len(), 261, "weekdays in 2026");
        assert!(got.iter().all(|w| w.duration() == Duration::hours(8)));
        assert!(got.windows(2).all(|p| p[0].end() < p[1].start()));
    }
}
