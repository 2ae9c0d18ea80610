//! Enums are stored under the same snake_case names the API uses, through poem-openapi's own
//! conversion, so one spelling serves the wire and the database.

use poem_openapi::types::{ParseFromJSON, ToJSON};
use serde_json::Value;

pub fn name<T: ToJSON>(value: T) -> String {
    match value.to_json() {
        Some(Value::String(name)) => name,
        other => unreachable!("an API enum converts to a string, not {other:?}"),
    }
}

pub fn parse<T: ParseFromJSON>(name: &str) -> Option<T> {
    T::parse_from_json(Some(Value::String(name.to_string()))).ok()
}
