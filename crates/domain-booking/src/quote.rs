//! Prices in integer minor units (no floats anywhere), with daily and weekly caps.

use domain_catalog::{ListingSpec, ListingTerms, PricingUnit};
use domain_core::{Currency, Money};

use crate::window::TimeWindow;

/// One line of a quote: `quantity × unit_amount = amount`, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub description: String,
    pub quantity: i64,
    pub unit_amount: i64,
    pub amount: i64,
}

impl LineItem {
    fn new(description: String, quantity: i64, unit_amount: i64) -> Self {
        Self {
            description,
            quantity,
            unit_amount,
            amount: quantity.saturating_mul(unit_amount),
        }
    }
}

/// A price snapshot: line items and their total in the listing's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub line_items: Vec<LineItem>,
    pub total: Money,
}

impl Quote {
    fn from_lines(line_items: Vec<LineItem>, currency: Currency) -> Self {
        let total = line_items
            .iter()
            .fold(0_i64, |sum, line| sum.saturating_add(line.amount));
        Self {
            line_items,
            total: Money::new(total, currency),
        }
    }
}

/// How an equipment item is priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    pub unit: PricingUnit,
    /// Per hour or per day, minor units.
    pub unit_price: i64,
    /// Hourly items: the most one full 24-hour block (or the remaining hours) costs.
    pub daily_cap: Option<i64>,
    /// Daily items: the most one full 7-day block (or the remaining days) costs.
    pub weekly_price: Option<i64>,
    pub currency: Currency,
}

impl Pricing {
    /// The pricing of an equipment listing; `None` for adventures.
    pub fn from_spec(spec: &ListingSpec) -> Option<Self> {
        match &spec.terms {
            ListingTerms::Equipment(terms) => Some(Self {
                unit: terms.pricing_unit,
                unit_price: spec.price,
                daily_cap: terms.daily_cap,
                weekly_price: terms.weekly_price,
                currency: spec.currency,
            }),
            ListingTerms::Adventure(_) => None,
        }
    }
}

/// Digits after the decimal point of a currency's minor unit (ISO 4217).
pub fn minor_unit_digits(currency: Currency) -> u32 {
    match currency.code() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// An amount in minor units for people: `4500` EUR → `"45.00 EUR"`, `4500` JPY → `"4500 JPY"`.
pub fn format_money(amount: i64, currency: Currency) -> String {
    let digits = minor_unit_digits(currency);
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{abs} {currency}");
    }
    let scale = 10_u64.pow(digits);
    format!(
        "{sign}{}.{:0width$} {currency}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Billable units: `ceil(duration / unit)`.
fn billable_units(window: &TimeWindow, unit_seconds: i64) -> i64 {
    let duration = window.duration();
    let seconds = duration.num_seconds();
    let part = duration - chrono::Duration::seconds(seconds);
    let seconds = if part > chrono::Duration::zero() {
        seconds.saturating_add(1)
    } else {
        seconds
    };
    // Windows are never empty, so this is at least 1.
    seconds.div_euclid(unit_seconds) + i64::from(seconds.rem_euclid(unit_seconds) > 0)
}

/// The price of renting `quantity` units of an item for `window`, exactly as booking-rules.md
/// says: billable units = ceil(duration / unit); hourly items with a `daily_cap` pay
/// min(24 × unit_price, cap) per full 24 h block and min(hours × unit_price, cap) for the
/// rest; daily items with a `weekly_price` pay min(7 × unit_price, weekly) per full 7-day
/// block and min(days × unit_price, weekly) for the rest; all of that × quantity.
///
/// Each line's quantity already includes the booked quantity. Arithmetic saturates; a
/// quantity below 1 prices as 0 (the rules refuse it anyway).
pub fn quote_equipment(pricing: &Pricing, window: &TimeWindow, quantity: i64) -> Quote {
    let quantity = quantity.max(0);
    let currency = pricing.currency;
    let price = pricing.unit_price;
    let (unit_seconds, one, many, block_units, block_name, cap) = match pricing.unit {
        PricingUnit::Hour => (
            3_600,
            "hour",
            "hours",
            24,
            "24-hour block",
            pricing.daily_cap,
        ),
        PricingUnit::Day => (86_400, "day", "days", 7, "week", pricing.weekly_price),
    };
    let units = billable_units(window, unit_seconds);
    let times = if quantity == 1 {
        String::new()
    } else {
        format!(" × {}", plural(quantity, "unit", "units"))
    };
    let plain = |n: i64| {
        LineItem::new(
            format!(
                "{} × {}{}",
                plural(n, one, many),
                format_money(price, currency),
                times
            ),
            n.saturating_mul(quantity),
            price,
        )
    };
    let block_price = price.saturating_mul(block_units);
    let lines = match cap {
        // The cap matters only when a full block at the unit price would cost more.
        Some(cap) if cap < block_price => {
            let blocks = units / block_units;
            let rest = units % block_units;
            let mut lines = Vec::new();
            if blocks > 0 {
                lines.push(LineItem::new(
                    format!(
                        "{} at {}{}",
                        plural(blocks, block_name, &format!("{block_name}s")),
                        format_money(cap, currency),
                        times
                    ),
                    blocks.saturating_mul(quantity),
                    cap,
                ));
            }
            if rest > 0 {
                if rest.saturating_mul(price) <= cap {
                    lines.push(plain(rest));
                } else {
                    lines.push(LineItem::new(
                        format!(
                            "{} capped at {}{}",
                            plural(rest, one, many),
                            format_money(cap, currency),
                            times
                        ),
                        quantity,
                        cap,
                    ));
                }
            }
            lines
        }
        _ => vec![plain(units)],
    };
    Quote::from_lines(lines, currency)
}

/// The price of `participants` seats: participants × price_per_person (below 1 prices as 0).
pub fn quote_adventure(price_per_person: i64, currency: Currency, participants: i64) -> Quote {
    let participants = participants.max(0);
    let line = LineItem::new(
        format!(
            "{} × {}",
            plural(participants, "participant", "participants"),
            format_money(price_per_person, currency)
        ),
        participants,
        price_per_person,
    );
    Quote::from_lines(vec![line], currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use domain_catalog::{ListingInput, ListingKind};

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap()
    }

    fn lasting(duration: Duration) -> TimeWindow {
        TimeWindow::starting_at(start(), duration).unwrap()
    }

    fn hourly(price: i64, cap: Option<i64>) -> Pricing {
        Pricing {
            unit: PricingUnit::Hour,
            unit_price: price,
            daily_cap: cap,
            weekly_price: None,
            currency: eur(),
        }
    }

    fn daily(price: i64, weekly: Option<i64>) -> Pricing {
        Pricing {
            unit: PricingUnit::Day,
            unit_price: price,
            daily_cap: None,
            weekly_price: weekly,
            currency: eur(),
        }
    }

    fn total(pricing: &Pricing, duration: Duration, quantity: i64) -> i64 {
        quote_equipment(pricing, &lasting(duration), quantity)
            .total
            .amount
    }

    fn consistent(quote: &Quote) {
        for line in &quote.line_items {
            assert_eq!(line.amount, line.quantity * line.unit_amount, "{line:?}");
        }
        let sum: i64 = quote.line_items.iter().map(|l| l.amount).sum();
        assert_eq!(sum, quote.total.amount);
    }

    #[test]
    fn hourly_items_bill_started_hours() {
        let p = hourly(1_000, None);
        assert_eq!(total(&p, Duration::hours(3), 1), 3_000);
        assert_eq!(total(&p, Duration::minutes(181), 1), 4_000);
        assert_eq!(total(&p, Duration::minutes(1), 1), 1_000);
        assert_eq!(
            total(&p, Duration::hours(3) + Duration::nanoseconds(1), 1),
            4_000
        );
        let quote = quote_equipment(&p, &lasting(Duration::hours(3)), 1);
        assert_eq!(
            quote.line_items,
            vec![LineItem {
                description: "3 hours × 10.00 EUR".into(),
                quantity: 3,
                unit_amount: 1_000,
                amount: 3_000,
            }]
        );
        assert_eq!(quote.total, Money::new(3_000, eur()));
    }

    #[test]
    fn daily_items_bill_started_days() {
        let p = daily(4_500, None);
        assert_eq!(total(&p, Duration::hours(24), 1), 4_500);
        assert_eq!(total(&p, Duration::hours(25), 1), 9_000);
        assert_eq!(total(&p, Duration::days(3), 1), 13_500);
        let quote = quote_equipment(&p, &lasting(Duration::days(3)), 1);
        assert_eq!(quote.line_items[0].description, "3 days × 45.00 EUR");
        consistent(&quote);
    }

    #[test]
    fn the_daily_cap_applies_at_each_boundary() {
        // 24 × 10.00 = 240.00 > cap 150.00; 15 hours reach the cap.
        let p = hourly(1_000, Some(15_000));
        assert_eq!(total(&p, Duration::hours(14), 1), 14_000);
        assert_eq!(total(&p, Duration::hours(15), 1), 15_000);
        assert_eq!(total(&p, Duration::hours(16), 1), 15_000);
        assert_eq!(total(&p, Duration::hours(23), 1), 15_000);
        assert_eq!(total(&p, Duration::hours(24), 1), 15_000);
        assert_eq!(total(&p, Duration::hours(25), 1), 16_000);
        assert_eq!(total(&p, Duration::hours(48), 1), 30_000);
        assert_eq!(total(&p, Duration::hours(63), 1), 45_000);
        for hours in [23, 24, 25, 63] {
            consistent(&quote_equipment(&p, &lasting(Duration::hours(hours)), 2));
        }
    }

    #[test]
    fn capped_quotes_explain_their_blocks() {
        let p = hourly(1_000, Some(15_000));
        let quote = quote_equipment(&p, &lasting(Duration::hours(25)), 1);
        assert_eq!(
            quote.line_items,
            vec![
                LineItem {
                    description: "1 24-hour block at 150.00 EUR".into(),
                    quantity: 1,
                    unit_amount: 15_000,
                    amount: 15_000,
                },
                LineItem {
                    description: "1 hour × 10.00 EUR".into(),
                    quantity: 1,
                    unit_amount: 1_000,
                    amount: 1_000,
                },
            ]
        );
        let quote = quote_equipment(&p, &lasting(Duration::hours(23)), 1);
        assert_eq!(quote.line_items.len(), 1);
        assert_eq!(
            quote.line_items[0].description,
            "23 hours capped at 150.00 EUR"
        );
        assert_eq!(quote.total.amount, 15_000);
    }

    #[test]
    fn a_daily_cap_above_a_full_day_changes_nothing() {
        let p = hourly(1_000, Some(30_000));
        for hours in [1, 23, 24, 25, 100] {
            assert_eq!(total(&p, Duration::hours(hours), 1), hours * 1_000);
        }
        let q = quote_equipment(&p, &lasting(Duration::hours(25)), 1);
        assert_eq!(q.line_items.len(), 1);
    }

    #[test]
    fn the_weekly_price_applies_at_each_boundary() {
        // 7 × 45.00 = 315.00 > weekly 250.00; 6 days = 270.00 is capped too.
        let p = daily(4_500, Some(25_000));
        assert_eq!(total(&p, Duration::days(5), 1), 22_500);
        assert_eq!(total(&p, Duration::days(6), 1), 25_000);
        assert_eq!(total(&p, Duration::days(7), 1), 25_000);
        assert_eq!(total(&p, Duration::days(8), 1), 29_500);
        assert_eq!(total(&p, Duration::days(14), 1), 50_000);
        assert_eq!(
            total(&p, Duration::days(7) + Duration::minutes(1), 1),
            29_500
        );
        let quote = quote_equipment(&p, &lasting(Duration::days(8)), 1);
        assert_eq!(quote.line_items[0].description, "1 week at 250.00 EUR");
        assert_eq!(quote.line_items[1].description, "1 day × 45.00 EUR");
        consistent(&quote);
    }

    #[test]
    fn the_quantity_multiplies_every_line() {
        let p = daily(4_500, Some(25_000));
        assert_eq!(total(&p, Duration::days(8), 3), 3 * 29_500);
        let quote = quote_equipment(&p, &lasting(Duration::days(8)), 3);
        assert_eq!(quote.line_items[0].quantity, 3);
        assert_eq!(
            quote.line_items[0].description,
            "1 week at 250.00 EUR × 3 units"
        );
        consistent(&quote);
        let hourly = hourly(1_000, None);
        let quote = quote_equipment(&hourly, &lasting(Duration::hours(5)), 2);
        assert_eq!(quote.line_items[0].quantity, 10);
        assert_eq!(quote.total.amount, 10_000);
        assert_eq!(total(&hourly, Duration::hours(5), 0), 0);
    }

    #[test]
    fn a_cap_of_the_other_pricing_unit_is_ignored() {
        let hourly_with_weekly = Pricing {
            weekly_price: Some(1),
            ..hourly(1_000, None)
        };
        assert_eq!(total(&hourly_with_weekly, Duration::days(8), 1), 192_000);
        let daily_with_cap = Pricing {
            daily_cap: Some(1),
            ..daily(4_500, None)
        };
        assert_eq!(total(&daily_with_cap, Duration::days(2), 1), 9_000);
    }

    #[test]
    fn huge_amounts_saturate_instead_of_overflowing() {
        let p = daily(i64::MAX / 2, None);
        assert_eq!(total(&p, Duration::days(3), 1_000), i64::MAX);
    }

    #[test]
    fn adventures_cost_participants_times_the_price_per_person() {
        let quote = quote_adventure(8_900, eur(), 3);
        assert_eq!(quote.total, Money::new(26_700, eur()));
        assert_eq!(
            quote.line_items[0].description,
            "3 participants × 89.00 EUR"
        );
        assert_eq!(quote.line_items[0].quantity, 3);
        assert_eq!(
            quote_adventure(8_900, eur(), 1).line_items[0].description,
            "1 participant × 89.00 EUR"
        );
        assert_eq!(quote_adventure(8_900, eur(), -1).total.amount, 0);
    }

    #[test]
    fn money_is_formatted_with_the_currencys_minor_unit() {
        assert_eq!(format_money(4_500, eur()), "45.00 EUR");
        assert_eq!(format_money(5, eur()), "0.05 EUR");
        assert_eq!(format_money(-150, eur()), "-1.50 EUR");
        assert_eq!(
            format_money(4_500, Currency::parse("JPY").unwrap()),
            "4500 JPY"
        );
        assert_eq!(
            format_money(4_500, Currency::parse("KWD").unwrap()),
            "4.500 KWD"
        );
    }

    #[test]
    fn pricing_comes_from_equipment_listings_only() {
        let base = ListingInput {
            category: Some("boat".into()),
            title: Some("Boat".into()),
            city: Some("Lagos".into()),
            country: Some("PT".into()),
            currency: Some("EUR".into()),
            ..ListingInput::default()
        };
        let tz = domain_accounts::TimeZone::utc();
        let boat = ListingInput {
            pricing_unit: Some("hour".into()),
            unit_price: Some(4_500),
            daily_cap: Some(Some(30_000)),
            ..base.clone()
        }
        .parse(ListingKind::Equipment, tz)
        .unwrap();
        assert_eq!(Pricing::from_spec(&boat), Some(hourly(4_500, Some(30_000))));
        let tour = ListingInput {
            price_per_person: Some(8_900),
            duration_minutes: Some(120),
            capacity: Some(8),
            ..base
        }
        .parse(ListingKind::Adventure, domain_accounts::TimeZone::utc())
        .unwrap();
        assert_eq!(Pricing::from_spec(&tour), None);
    }
}
