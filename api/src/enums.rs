//! Enums are stored under the same snake_case names the API uses, through poem-openapi's own
//! conversion, so one spelling serves the wire and the database.

use poem_openapi::types::{ParseFromJSON, ToJSON};
use serde_json::Value;

use crate::error::{Error, Result};

pub fn name<T: ToJSON>(value: T) -> String {
    match value.to_json() {
        Some(Value::String(name)) => name,
        other => unreachable!("an API enum converts to a string, not {other:?}"),
    }
}

/// A value read back from the database. One this build does not know (written by a newer
/// version, or by hand) is a fault: refused as an internal error, which is logged, and never
/// read as some default.
pub fn parse<T: ParseFromJSON>(stored: &str) -> Result<T> {
    T::parse_from_json(Some(Value::String(stored.to_string()))).map_err(|_| {
        Error::Internal(anyhow::anyhow!(
            "the database holds {stored:?}, which is no {}",
            T::name()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::dto::SignupStatus;

    #[test]
    fn a_stored_name_reads_back_and_an_unknown_one_is_an_error() {
        assert_eq!(name(SignupStatus::Waitlisted), "waitlisted");
        assert_eq!(
            parse::<SignupStatus>("waitlisted").unwrap(),
            SignupStatus::Waitlisted
        );
        let unknown = parse::<SignupStatus>("wait_listed").unwrap_err();
        assert!(matches!(unknown, Error::Internal(_)), "{unknown:?}");
    }
}
