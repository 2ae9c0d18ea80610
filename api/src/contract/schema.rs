//! Checks a JSON value against a schema of the published spec, so that what the spec states
//! (types, formats, lengths, ranges, patterns, required and unknown fields) is exactly what the
//! service enforces, and every refusal names its field with a stable code.

use std::{
    collections::HashMap,
    sync::{LazyLock, RwLock},
};

use chrono::{DateTime, NaiveDate};
use regex::Regex;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::{
    error::{FieldCode, FieldError},
    input::{forbidden, REQUIRED_TEXT, TEXT},
};

/// The schemas a `$ref` may name (`components.schemas` of the spec).
pub struct Schemas<'a>(pub &'a Map<String, Value>);

impl Schemas<'_> {
    /// Every way `value` breaks `schema`; `field` is the path to `value` ("" at the top).
    pub fn check(&self, value: &Value, schema: &Value, field: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        self.check_into(value, schema, field, &mut errors);
        errors
    }

    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| self.0.get(name))
                .unwrap_or(&Value::Null),
            None => schema,
        }
    }

    fn check_into(&self, value: &Value, schema: &Value, field: &str, errors: &mut Vec<FieldError>) {
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                let message = "must not be null";
                errors.push(FieldError::new(
                    name_or_body(field),
                    FieldCode::Required,
                    message,
                ));
            }
            return;
        }
        let schema = self.resolve(schema);
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.check_into(value, part, field, errors);
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                let names: Vec<String> = allowed.iter().map(Value::to_string).collect();
                errors.push(FieldError::new(
                    name_or_body(field),
                    FieldCode::NotOneOf,
                    format!("must be one of {}", names.join(", ")),
                ));
                return;
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => check_string(value, schema, field, errors),
            Some("integer") | Some("number") => check_number(value, schema, field, errors),
            Some("boolean") if !value.is_boolean() => errors.push(wrong_type(field, "a boolean")),
            Some("array") => self.check_array(value, schema, field, errors),
            Some("object") => self.check_object(value, schema, field, errors),
            _ => {}
        }
    }

    fn check_array(
        &self,
        value: &Value,
        schema: &Value,
        field: &str,
        errors: &mut Vec<FieldError>,
    ) {
        let Some(items) = value.as_array() else {
            return errors.push(wrong_type(field, "a list"));
        };
        let count = items.len();
        if let Some(min) = bound(schema, "minItems").filter(|min| (count as i64) < *min) {
            errors.push(
                FieldError::new(
                    name_or_body(field),
                    FieldCode::TooShort,
                    format!("must have at least {min} item{}", plural(min)),
                )
                .min(min),
            );
        }
        if let Some(max) = bound(schema, "maxItems").filter(|max| (count as i64) > *max) {
            errors.push(
                FieldError::new(
                    name_or_body(field),
                    FieldCode::TooLong,
                    format!("must have at most {max} item{}", plural(max)),
                )
                .max(max),
            );
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check_into(item, item_schema, &format!("{field}[{i}]"), errors);
            }
        }
    }

    fn check_object(
        &self,
        value: &Value,
        schema: &Value,
        field: &str,
        errors: &mut Vec<FieldError>,
    ) {
        let Some(object) = value.as_object() else {
            return errors.push(wrong_type(field, "an object"));
        };
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let member = |name: &str| {
            if field.is_empty() {
                name.to_string()
            } else {
                format!("{field}.{name}")
            }
        };
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(required) {
                errors.push(FieldError::new(
                    member(required),
                    FieldCode::Required,
                    "is required",
                ));
            }
        }
        for (name, item) in object {
            match (properties.get(name), schema.get("additionalProperties")) {
                (Some(property), _) => self.check_into(item, property, &member(name), errors),
                (None, Some(Value::Bool(false))) => errors.push(FieldError::new(
                    member(name),
                    FieldCode::UnknownField,
                    "the API has no such field",
                )),
                (None, Some(extra @ Value::Object(_))) => {
                    self.check_into(item, extra, &member(name), errors)
                }
                (None, _) => {}
            }
        }
    }
}

/// The name of the field, or `body` for the request body as a whole.
fn name_or_body(field: &str) -> &str {
    if field.is_empty() {
        "body"
    } else {
        field
    }
}

fn wrong_type(field: &str, expected: &str) -> FieldError {
    FieldError::new(
        name_or_body(field),
        FieldCode::InvalidFormat,
        format!("must be {expected}"),
    )
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn bound(schema: &Value, key: &str) -> Option<i64> {
    schema
        .get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

fn check_string(value: &Value, schema: &Value, field: &str, errors: &mut Vec<FieldError>) {
    let Some(text) = value.as_str() else {
        return errors.push(wrong_type(field, "a string"));
    };
    let field = name_or_body(field);
    let length = text.chars().count() as i64;
    if let Some(min) = bound(schema, "minLength").filter(|min| length < *min) {
        let message = format!("must have at least {min} character{}", plural(min));
        return errors.push(FieldError::new(field, FieldCode::TooShort, message).min(min));
    }
    if let Some(max) = bound(schema, "maxLength").filter(|max| length > *max) {
        let message = format!("must have at most {max} character{}", plural(max));
        return errors.push(FieldError::new(field, FieldCode::TooLong, message).max(max));
    }
    let format_ok = match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => Uuid::parse_str(text).is_ok(),
        Some("date-time") => DateTime::parse_from_rfc3339(text).is_ok(),
        Some("date") => NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        _ => true,
    };
    let pattern_ok = schema
        .get("pattern")
        .and_then(Value::as_str)
        .is_none_or(|pattern| compiled(pattern).is_match(text));
    if !format_ok {
        let format = schema["format"].as_str().unwrap_or_default();
        let message = format!("is not a valid {format}");
        errors.push(FieldError::new(field, FieldCode::InvalidFormat, message));
    } else if !pattern_ok {
        errors.push(match schema["pattern"].as_str() {
            Some(TEXT | REQUIRED_TEXT) if text.chars().any(forbidden) => FieldError::new(
                field,
                FieldCode::ControlCharacters,
                "must not hold control, invisible or text-direction characters",
            ),
            Some(REQUIRED_TEXT) => FieldError::new(field, FieldCode::Blank, "must not be blank"),
            _ => FieldError::new(
                field,
                FieldCode::InvalidFormat,
                "does not have the form the API documents for it",
            ),
        });
    }
}

fn check_number(value: &Value, schema: &Value, field: &str, errors: &mut Vec<FieldError>) {
    let integer = schema.get("type") == Some(&Value::String("integer".into()));
    let number = if integer {
        value
            .as_i64()
            .map(|n| n as f64)
            .or_else(|| value.as_u64().map(|n| n as f64))
    } else {
        value.as_f64()
    };
    let Some(number) = number else {
        return errors.push(wrong_type(
            field,
            if integer { "an integer" } else { "a number" },
        ));
    };
    let min = schema.get("minimum").and_then(Value::as_f64);
    let max = schema.get("maximum").and_then(Value::as_f64);
    let below = min.is_some_and(|min| number < min);
    let above = max.is_some_and(|max| number > max);
    if below || above {
        let mut error = FieldError::new(
            name_or_body(field),
            FieldCode::OutOfRange,
            match (min, max) {
                (Some(min), Some(max)) => format!("must be from {min} to {max}"),
                (Some(min), None) => format!("must be at least {min}"),
                (_, max) => format!("must be at most {}", max.unwrap_or_default()),
            },
        );
        if let Some(min) = min {
            error = error.min(min as i64);
        }
        if let Some(max) = max {
            error = error.max(max as i64);
        }
        errors.push(error);
    }
}

/// Patterns come from the spec, a handful in all; each is compiled once.
fn compiled(pattern: &str) -> Regex {
    static CACHE: LazyLock<RwLock<HashMap<String, Regex>>> = LazyLock::new(Default::default);
    if let Some(regex) = CACHE.read().expect("pattern cache").get(pattern) {
        return regex.clone();
    }
    let regex =
        Regex::new(pattern).unwrap_or_else(|err| panic!("the spec's pattern {pattern}: {err}"));
    CACHE
        .write()
        .expect("pattern cache")
        .insert(pattern.to_string(), regex.clone());
    regex
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schemas() -> Map<String, Value> {
        json!({
            "Signup": {
                "type": "object",
                "required": ["party_size", "login"],
                "additionalProperties": false,
                "properties": {
                    "party_size": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 10},
                    "login": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
                    "when": {"type": "string", "format": "date-time", "nullable": true},
                    "theme": {"$ref": "#/components/schemas/Theme"},
                    "tags": {"type": "array", "maxItems": 1, "items": {"type": "string", "format": "uuid"}}
                }
            },
            "Theme": {"type": "string", "enum": ["a", "b"]}
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn codes(value: Value) -> Vec<(String, FieldCode, Option<FieldParams>)> {
        let schemas = schemas();
        Schemas(&schemas)
            .check(&value, &json!({"$ref": "#/components/schemas/Signup"}), "")
            .into_iter()
            .map(|e| (e.field, e.code, e.params))
            .collect()
    }

    use crate::error::FieldParams;

    #[test]
    fn a_valid_body_passes() {
        assert!(
            codes(json!({"party_size": 10, "login": "abc", "theme": "a", "tags": []})).is_empty()
        );
    }

    #[test]
    fn each_field_is_named_with_its_code_and_bounds() {
        let found = codes(json!({
            "party_size": 11, "login": "", "when": "yesterday", "theme": "c",
            "tags": ["x", "y"], "colour": "red"
        }));
        let range = FieldParams {
            min: Some(1),
            max: Some(10),
            other_field: None,
        };
        assert!(found.contains(&("party_size".into(), FieldCode::OutOfRange, Some(range))));
        let short = FieldParams {
            min: Some(1),
            ..Default::default()
        };
        assert!(found.contains(&("login".into(), FieldCode::TooShort, Some(short))));
        assert!(found.contains(&("when".into(), FieldCode::InvalidFormat, None)));
        assert!(found.contains(&("theme".into(), FieldCode::NotOneOf, None)));
        let long = FieldParams {
            max: Some(1),
            ..Default::default()
        };
        assert!(found.contains(&("tags".into(), FieldCode::TooLong, Some(long))));
        assert!(found.contains(&("tags[0]".into(), FieldCode::InvalidFormat, None)));
        assert!(found.contains(&("colour".into(), FieldCode::UnknownField, None)));
        assert_eq!(found.len(), 8, "{found:?}");
    }

    #[test]
    fn a_missing_field_is_named_as_that_field() {
        let found = codes(json!({"login": "abc"}));
        assert_eq!(
            found,
            vec![("party_size".into(), FieldCode::Required, None)]
        );
        let found = codes(json!({"party_size": 2.5, "login": "ABC"}));
        assert!(found.contains(&("party_size".into(), FieldCode::InvalidFormat, None)));
        assert!(found.contains(&("login".into(), FieldCode::InvalidFormat, None)));
    }

    #[test]
    fn null_is_accepted_where_the_spec_says_nullable() {
        assert!(codes(json!({"party_size": 1, "login": "a", "when": null})).is_empty());
        let found = codes(json!({"party_size": 1, "login": "a", "theme": null}));
        assert_eq!(found, vec![("theme".into(), FieldCode::Required, None)]);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_named_body() {
        assert_eq!(
            codes(json!([1])),
            vec![("body".into(), FieldCode::InvalidFormat, None)]
        );
        assert_eq!(
            codes(Value::Null),
            vec![("body".into(), FieldCode::Required, None)]
        );
    }
}
