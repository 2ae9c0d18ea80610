//! Instants as every answer writes them: RFC 3339 in UTC to the second,
//! `2026-11-29T09:18:52Z`, whatever precision the database keeps. Requests may send any
//! RFC 3339 instant.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

impl Timestamp {
    pub fn to_wire(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The instant as the district reads it in a notice or a timeline, e.g.
    /// `2021年7月30日 09:30`.
    pub fn in_words(self, timezone: chrono_tz::Tz) -> String {
        self.0
            .with_timezone(&timezone)
            .format("%Y年%-m月%-d日 %H:%M")
            .to_string()
    }

    /// The district's calendar day this instant falls on, from its midnight to the next.
    pub fn local_day(self, timezone: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        use chrono::{Days, NaiveTime, TimeZone};
        let day = self.0.with_timezone(&timezone).date_naive();
        // A zone that skips midnight (none in China) starts the day at the first instant.
        let start = |d: chrono::NaiveDate| {
            timezone
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .earliest()
                .map_or(self.0, |t| t.with_timezone(&Utc))
        };
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        (start(day), start(next))
    }

    /// The same in English, e.g. `30 Jul 2021, 09:30`.
    pub fn in_english_words(self, timezone: chrono_tz::Tz) -> String {
        self.0
            .with_timezone(&timezone)
            .format("%-d %b %Y, %H:%M")
            .to_string()
    }
}

impl Type for Timestamp {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string_date-time".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "date-time")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ToJSON for Timestamp {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_wire()))
    }
}

/// Answers are read back by the generated clients and the tests; the API never takes a
/// `Timestamp` in a request.
impl ParseFromJSON for Timestamp {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Ok(Self(text.parse()?)),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn answers_carry_whole_seconds_in_utc() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 9, 18, 52).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        assert_eq!(Timestamp(at).to_wire(), "2026-11-29T09:18:52Z");
        assert_eq!(
            Timestamp::parse_from_json(Some(Value::String("2026-11-29T17:18:52+08:00".into())))
                .unwrap(),
            Timestamp(at - chrono::Duration::nanoseconds(123_456_789))
        );
    }

    #[test]
    fn the_local_day_runs_from_the_districts_midnight() {
        let shanghai = chrono_tz::Asia::Shanghai;
        // 01:30 UTC on 1 Sep is 09:30 in Shanghai; 17:00 UTC is already 2 Sep there.
        let morning = Timestamp(Utc.with_ymd_and_hms(2021, 9, 1, 1, 30, 0).unwrap());
        let (from, until) = morning.local_day(shanghai);
        assert_eq!(from, Utc.with_ymd_and_hms(2021, 8, 31, 16, 0, 0).unwrap());
        assert_eq!(until, Utc.with_ymd_and_hms(2021, 9, 1, 16, 0, 0).unwrap());
        let night = Timestamp(Utc.with_ymd_and_hms(2021, 9, 1, 17, 0, 0).unwrap());
        assert_eq!(night.local_day(shanghai).0, until);
        assert_eq!(morning.in_english_words(shanghai), "1 Sep 2021, 09:30");
    }
}
