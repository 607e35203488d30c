//! Adventure sessions: weekly recurrences expanded to UTC windows at a local wall time.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::hours::{local_to_utc, parse_time};
use crate::window::TimeWindow;

/// Sessions every one of `weekdays` (0 = Monday … 6 = Sunday) at local `time`, from
/// `from_date` to `to_date` (both included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub weekdays: Vec<u8>,
    pub time: NaiveTime,
    pub from_date: NaiveDate,
    pub to_date: NaiveDate,
}

/// The most sessions one request may create.
pub const MAX_SESSIONS_PER_REQUEST: usize = 500;

/// The longest recurrence: dates from `from_date` to `to_date`, both included.
pub const MAX_RECURRENCE_DAYS: i64 = 366;

fn parse_date(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    let bytes = raw.as_bytes();
    let shape = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// Parses a recurrence from the API's fields, with every problem keyed by field name:
/// `weekdays` non-empty, each 0–6, no duplicates; `time` `HH:MM`; `from_date` and `to_date`
/// `YYYY-MM-DD` with `to_date >= from_date` and at most [`MAX_RECURRENCE_DAYS`] dates.
/// Weekdays come back sorted.
pub fn parse_recurrence(
    weekdays: &[i64],
    time: &str,
    from_date: &str,
    to_date: &str,
) -> Result<Recurrence, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let mut days: Vec<u8> = Vec::new();
    if weekdays.is_empty() {
        errors.push(("weekdays", "must name at least one weekday".into()));
    } else if weekdays.iter().any(|d| !(0..=6).contains(d)) {
        errors.push((
            "weekdays",
            "must be between 0 (Monday) and 6 (Sunday)".into(),
        ));
    } else {
        days = weekdays
            .iter()
            .filter_map(|d| u8::try_from(*d).ok())
            .collect();
        days.sort_unstable();
        let before = days.len();
        days.dedup();
        if days.len() != before {
            errors.push(("weekdays", "must not repeat a weekday".into()));
        }
    }
    let time = parse_time(time);
    if time.is_none() {
        errors.push((
            "time",
            "must be a time HH:MM between 00:00 and 23:59".into(),
        ));
    }
    let from = parse_date(from_date);
    if from.is_none() {
        errors.push(("from_date", "must be a date YYYY-MM-DD".into()));
    }
    let to = parse_date(to_date);
    if to.is_none() {
        errors.push(("to_date", "must be a date YYYY-MM-DD".into()));
    }
    if let (Some(from), Some(to)) = (from, to) {
        let span = (to - from).num_days() + 1;
        if span < 1 {
            errors.push(("to_date", "must not be before from_date".into()));
        } else if span > MAX_RECURRENCE_DAYS {
            errors.push((
                "to_date",
                format!("must be at most {MAX_RECURRENCE_DAYS} days from from_date, both included"),
            ));
        }
    }
    match (errors.is_empty(), time, from, to) {
        (true, Some(time), Some(from_date), Some(to_date)) => Ok(Recurrence {
            weekdays: days,
            time,
            from_date,
            to_date,
        }),
        _ => Err(errors),
    }
}

/// The sessions of a recurrence: each matching local date at `time` in `tz`, turned into UTC
/// the way opening hours are (a time in a DST gap moves forward to the end of the gap, an
/// ambiguous one takes the earlier instant), lasting `duration`; sorted. More than
/// [`MAX_SESSIONS_PER_REQUEST`] sessions, or a duration that is not positive, is an error.
pub fn expand(
    recurrence: &Recurrence,
    tz: Tz,
    duration: Duration,
) -> Result<Vec<TimeWindow>, String> {
    if duration <= Duration::zero() {
        return Err("the duration must be positive".into());
    }
    let mut sessions = Vec::new();
    let mut date = recurrence.from_date;
    while date <= recurrence.to_date {
        let weekday = date.weekday().num_days_from_monday();
        if recurrence.weekdays.iter().any(|d| u32::from(*d) == weekday) {
            if sessions.len() == MAX_SESSIONS_PER_REQUEST {
                return Err(format!(
                    "a recurrence may create at most {MAX_SESSIONS_PER_REQUEST} sessions"
                ));
            }
            let start = local_to_utc(tz, date.and_time(recurrence.time));
            let window = TimeWindow::starting_at(start, duration)
                .map_err(|_| "a session would end beyond the supported range".to_owned())?;
            sessions.push(window);
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    sessions.sort();
    Ok(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};
    use chrono_tz::{America::New_York, Europe::Berlin};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn fields(errors: &[(&'static str, String)]) -> Vec<&'static str> {
        errors.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn a_recurrence_parses_with_sorted_weekdays() {
        let r = parse_recurrence(&[5, 0, 2], "10:00", "2026-06-01", "2026-06-30").unwrap();
        assert_eq!(r.weekdays, vec![0, 2, 5]);
        assert_eq!(r.time, NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        assert_eq!(r.from_date, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        assert_eq!(r.to_date, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    }

    #[test]
    fn weekdays_must_be_present_in_range_and_unique() {
        for (weekdays, problem) in [
            (&[][..], "at least one"),
            (&[7][..], "between"),
            (&[-1][..], "between"),
            (&[1, 1][..], "repeat"),
        ] {
            let errors =
                parse_recurrence(weekdays, "10:00", "2026-06-01", "2026-06-02").unwrap_err();
            assert_eq!(fields(&errors), vec!["weekdays"], "{weekdays:?}");
            assert!(errors[0].1.contains(problem), "{errors:?}");
        }
    }

    #[test]
    fn time_must_be_hh_mm() {
        for time in ["10", "10:0", "24:00", "10:60", "ten"] {
            let errors = parse_recurrence(&[0], time, "2026-06-01", "2026-06-02").unwrap_err();
            assert_eq!(fields(&errors), vec!["time"], "{time}");
        }
    }

    #[test]
    fn dates_must_be_iso_dates() {
        for date in [
            "2026-6-01",
            "2026-02-30",
            "01.06.2026",
            "2026-06-01T00:00",
            "",
        ] {
            let errors = parse_recurrence(&[0], "10:00", date, "2026-06-02").unwrap_err();
            assert_eq!(fields(&errors), vec!["from_date"], "{date}");
            let errors = parse_recurrence(&[0], "10:00", "2026-06-01", date).unwrap_err();
            assert_eq!(fields(&errors), vec!["to_date"], "{date}");
        }
    }

    #[test]
    fn the_end_date_must_not_be_before_the_start_date() {
        let errors = parse_recurrence(&[0], "10:00", "2026-06-02", "2026-06-01").unwrap_err();
        assert_eq!(fields(&errors), vec!["to_date"]);
        assert!(parse_recurrence(&[0], "10:00", "2026-06-02", "2026-06-02").is_ok());
    }

    #[test]
    fn a_recurrence_spans_at_most_366_days() {
        // 2028 is a leap year: 366 dates.
        assert!(parse_recurrence(&[0], "10:00", "2028-01-01", "2028-12-31").is_ok());
        let errors = parse_recurrence(&[0], "10:00", "2028-01-01", "2029-01-01").unwrap_err();
        assert_eq!(fields(&errors), vec!["to_date"]);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = parse_recurrence(&[], "x", "y", "z").unwrap_err();
        assert_eq!(
            fields(&errors),
            vec!["weekdays", "time", "from_date", "to_date"]
        );
    }

    #[test]
    fn expand_gives_each_matching_date_at_the_local_time() {
        // June 2026: Mondays 1, 8, 15, 22, 29 and Wednesdays 3, 10, 17, 24. Berlin = UTC+2.
        let r = parse_recurrence(&[2, 0], "10:00", "2026-06-01", "2026-06-30").unwrap();
        let sessions = expand(&r, Berlin, Duration::hours(3)).unwrap();
        let starts: Vec<u32> = sessions.iter().map(|s| s.start().day()).collect();
        assert_eq!(starts, vec![1, 3, 8, 10, 15, 17, 22, 24, 29]);
        assert_eq!(
            sessions[0],
            TimeWindow::new(utc(2026, 6, 1, 8, 0), utc(2026, 6, 1, 11, 0)).unwrap()
        );
        assert!(sessions.windows(2).all(|p| p[0] < p[1]));
    }

    #[test]
    fn berlin_sessions_keep_their_wall_time_across_both_changes() {
        // Sundays at 10:00 around 2026-03-29 and 2026-10-25.
        let r = parse_recurrence(&[6], "10:00", "2026-03-22", "2026-04-05").unwrap();
        let starts: Vec<_> = expand(&r, Berlin, Duration::hours(2))
            .unwrap()
            .iter()
            .map(TimeWindow::start)
            .collect();
        assert_eq!(
            starts,
            vec![
                utc(2026, 3, 22, 9, 0),
                utc(2026, 3, 29, 8, 0),
                utc(2026, 4, 5, 8, 0)
            ]
        );
        let r = parse_recurrence(&[6], "10:00", "2026-10-18", "2026-11-01").unwrap();
        let starts: Vec<_> = expand(&r, Berlin, Duration::hours(2))
            .unwrap()
            .iter()
            .map(TimeWindow::start)
            .collect();
        assert_eq!(
            starts,
            vec![
                utc(2026, 10, 18, 8, 0),
                utc(2026, 10, 25, 9, 0),
                utc(2026, 11, 1, 9, 0)
            ]
        );
    }

    #[test]
    fn new_york_sessions_keep_their_wall_time_across_both_changes() {
        let r = parse_recurrence(&[5, 6], "09:00", "2026-03-07", "2026-03-08").unwrap();
        let starts: Vec<_> = expand(&r, New_York, Duration::hours(1))
            .unwrap()
            .iter()
            .map(TimeWindow::start)
            .collect();
        assert_eq!(starts, vec![utc(2026, 3, 7, 14, 0), utc(2026, 3, 8, 13, 0)]);
        let r = parse_recurrence(&[5, 6], "09:00", "2026-10-31", "2026-11-01").unwrap();
        let starts: Vec<_> = expand(&r, New_York, Duration::hours(1))
            .unwrap()
            .iter()
            .map(TimeWindow::start)
            .collect();
        assert_eq!(
            starts,
            vec![utc(2026, 10, 31, 13, 0), utc(2026, 11, 1, 14, 0)]
        );
    }

    #[test]
    fn a_session_time_in_the_gap_moves_forward_and_an_ambiguous_one_is_the_earlier() {
        let spring = parse_recurrence(&[6], "02:30", "2026-03-29", "2026-03-29").unwrap();
        let got = expand(&spring, Berlin, Duration::hours(1)).unwrap();
        assert_eq!(got[0].start(), utc(2026, 3, 29, 1, 0));
        let autumn = parse_recurrence(&[6], "01:30", "2026-11-01", "2026-11-01").unwrap();
        let got = expand(&autumn, New_York, Duration::hours(1)).unwrap();
        assert_eq!(got[0].start(), utc(2026, 11, 1, 5, 30));
    }

    #[test]
    fn expand_refuses_more_than_the_session_limit() {
        let r = Recurrence {
            weekdays: (0..7).collect(),
            time: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            from_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to_date: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        };
        assert!(expand(&r, Berlin, Duration::hours(1)).is_err());
        let exactly = Recurrence {
            to_date: r.from_date + Duration::days(499),
            ..r.clone()
        };
        assert_eq!(
            expand(&exactly, Berlin, Duration::hours(1)).unwrap().len(),
            500
        );
    }

    #[test]
    fn expand_refuses_an_empty_duration() {
        let r = parse_recurrence(&[0], "10:00", "2026-06-01", "2026-06-30").unwrap();
        assert!(expand(&r, Berlin, Duration::zero()).is_err());
    }
}
