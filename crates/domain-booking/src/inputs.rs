//! The shape of quote, booking and session requests: which fields go together. Values are
//! judged later by the rules; this only decides what the request is for.

use chrono::{DateTime, Utc};
use domain_core::ValidationErrors;

use crate::availability::{QuoteInput, SessionInput};

/// The fields of a quote or booking request, as received: either an item and a window
/// (`equipment_id`, `start`, `end`, `quantity`) or a session (`session_id`, `participants`).
#[derive(Debug, Clone, Default)]
pub struct QuoteFields {
    pub equipment_id: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub quantity: Option<i64>,
    pub session_id: Option<String>,
    pub participants: Option<i64>,
}

/// The fields of a session request: either one `start`, or a recurrence (`weekdays`, `time`,
/// `from_date`, `to_date`); `capacity` with both.
#[derive(Debug, Clone, Default)]
pub struct SessionFields {
    pub start: Option<DateTime<Utc>>,
    pub weekdays: Option<Vec<i64>>,
    pub time: Option<String>,
    pub from_date: Option<String>,
    pub to_date: Option<String>,
    pub capacity: Option<i64>,
}

impl QuoteInput {
    /// Exactly one target: an item with its window (quantity 1 unless given), or a session
    /// (1 participant unless given). Fields of the other target are refused, each by name.
    pub fn from_fields(fields: QuoteFields) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match (fields.equipment_id, fields.session_id) {
            (Some(equipment_id), None) => {
                if fields.participants.is_some() {
                    errors.add("participants", "goes with session_id, not equipment_id");
                }
                let start =
                    errors.check("start", fields.start.ok_or("is required with equipment_id"));
                let end = errors.check("end", fields.end.ok_or("is required with equipment_id"));
                errors.into_result()?;
                match (start, end) {
                    (Some(start), Some(end)) => Ok(Self::Equipment {
                        equipment_id,
                        start,
                        end,
                        quantity: fields.quantity.unwrap_or(1),
                    }),
                    _ => Err(ValidationErrors::single("start", "is required")),
                }
            }
            (None, Some(session_id)) => {
                for (field, present) in [
                    ("start", fields.start.is_some()),
                    ("end", fields.end.is_some()),
                    ("quantity", fields.quantity.is_some()),
                ] {
                    if present {
                        errors.add(field, "goes with equipment_id, not session_id");
                    }
                }
                errors.into_result()?;
                Ok(Self::Session {
                    session_id,
                    participants: fields.participants.unwrap_or(1),
                })
            }
            _ => Err(ValidationErrors::single(
                "equipment_id",
                "give exactly one of equipment_id and session_id",
            )),
        }
    }
}

impl SessionInput {
    /// One session or a recurrence, not both and not neither; a recurrence names all four of
    /// its fields.
    pub fn from_fields(fields: SessionFields) -> Result<Self, ValidationErrors> {
        let recurring = fields.weekdays.is_some()
            || fields.time.is_some()
            || fields.from_date.is_some()
            || fields.to_date.is_some();
        match (fields.start, recurring) {
            (Some(start), false) => Ok(Self::Single {
                start,
                capacity: fields.capacity,
            }),
            (None, true) => {
                let mut errors = ValidationErrors::new();
                let weekdays = errors.check("weekdays", fields.weekdays.ok_or(MISSING));
                let time = errors.check("time", fields.time.ok_or(MISSING));
                let from_date = errors.check("from_date", fields.from_date.ok_or(MISSING));
                let to_date = errors.check("to_date", fields.to_date.ok_or(MISSING));
                errors.into_result()?;
                match (weekdays, time, from_date, to_date) {
                    (Some(weekdays), Some(time), Some(from_date), Some(to_date)) => {
                        Ok(Self::Recurring {
                            weekdays,
                            time,
                            from_date,
                            to_date,
                            capacity: fields.capacity,
                        })
                    }
                    _ => Err(ValidationErrors::single("weekdays", MISSING)),
                }
            }
            _ => Err(ValidationErrors::single(
                "start",
                "give either start (one session) or weekdays, time, from_date and to_date",
            )),
        }
    }
}

const MISSING: &str = "is required for a recurrence";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 5, 3, hour, 0, 0).unwrap()
    }

    fn fields_of(errors: ValidationErrors) -> Vec<String> {
        errors.fields().map(|(field, _)| field.to_owned()).collect()
    }

    #[test]
    fn an_item_quote_needs_its_window_and_defaults_to_one_unit() {
        let input = QuoteInput::from_fields(QuoteFields {
            equipment_id: Some("e".into()),
            start: Some(at(9)),
            end: Some(at(11)),
            ..QuoteFields::default()
        })
        .unwrap();
        assert!(matches!(input, QuoteInput::Equipment { quantity: 1, .. }));
        let error = QuoteInput::from_fields(QuoteFields {
            equipment_id: Some("e".into()),
            participants: Some(2),
            ..QuoteFields::default()
        })
        .unwrap_err();
        assert_eq!(fields_of(error), ["end", "participants", "start"]);
    }

    #[test]
    fn a_session_quote_refuses_item_fields_and_defaults_to_one_participant() {
        let input = QuoteInput::from_fields(QuoteFields {
            session_id: Some("s".into()),
            ..QuoteFields::default()
        })
        .unwrap();
        assert!(matches!(
            input,
            QuoteInput::Session {
                participants: 1,
                ..
            }
        ));
        let error = QuoteInput::from_fields(QuoteFields {
            session_id: Some("s".into()),
            start: Some(at(9)),
            quantity: Some(2),
            ..QuoteFields::default()
        })
        .unwrap_err();
        assert_eq!(fields_of(error), ["quantity", "start"]);
    }

    #[test]
    fn exactly_one_target() {
        for fields in [
            QuoteFields::default(),
            QuoteFields {
                equipment_id: Some("e".into()),
                session_id: Some("s".into()),
                ..QuoteFields::default()
            },
        ] {
            let error = QuoteInput::from_fields(fields).unwrap_err();
            assert_eq!(fields_of(error), ["equipment_id"]);
        }
    }

    #[test]
    fn sessions_are_one_start_or_a_complete_recurrence() {
        let single = SessionInput::from_fields(SessionFields {
            start: Some(at(10)),
            capacity: Some(8),
            ..SessionFields::default()
        });
        assert!(matches!(
            single,
            Ok(SessionInput::Single {
                capacity: Some(8),
                ..
            })
        ));
        let partial = SessionInput::from_fields(SessionFields {
            weekdays: Some(vec![0]),
            time: Some("10:00".into()),
            ..SessionFields::default()
        })
        .unwrap_err();
        assert_eq!(fields_of(partial), ["from_date", "to_date"]);
        let both = SessionInput::from_fields(SessionFields {
            start: Some(at(10)),
            weekdays: Some(vec![0]),
            ..SessionFields::default()
        })
        .unwrap_err();
        assert_eq!(fields_of(both), ["start"]);
        let recurrence = SessionInput::from_fields(SessionFields {
            weekdays: Some(vec![0, 2]),
            time: Some("10:00".into()),
            from_date: Some("2027-05-01".into()),
            to_date: Some("2027-05-31".into()),
            ..SessionFields::default()
        });
        assert!(matches!(recurrence, Ok(SessionInput::Recurring { .. })));
    }
}
