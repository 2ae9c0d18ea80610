//! Checks of free text shared by every area: names and titles are trimmed, not blank, and
//! hold no control characters (PostgreSQL refuses NUL, and none belongs in a name).

use crate::error::{Error, FieldCode, FieldError, Result};

const CONTROL: &str = "must not hold control characters";

/// `value` trimmed, or the error of `field` (a 422 when returned with `?`).
pub fn single_line(field: &str, value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            FieldCode::Blank,
            "must not be blank",
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            FieldCode::ControlCharacters,
            CONTROL,
        ));
    }
    Ok(trimmed.to_string())
}

/// A filter from a query parameter: a 400 naming `field` when it holds control characters.
pub fn query_text<'a>(field: &str, value: Option<&'a str>) -> Result<Option<&'a str>> {
    match value {
        Some(v) if v.chars().any(char::is_control) => Err(Error::malformed(
            field,
            FieldCode::ControlCharacters,
            CONTROL,
        )),
        other => Ok(other),
    }
}

/// Text of several lines (a comment, a narrative): trimmed, not blank, no control characters
/// but line breaks and tabs.
pub fn multi_line(field: &str, value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(
            field,
            FieldCode::Blank,
            "must not be blank",
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            FieldCode::ControlCharacters,
            CONTROL,
        ));
    }
    Ok(trimmed.to_string())
}

/// `multi_line` for optional text: blank reads as absent.
pub fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => multi_line(field, v).map(Some),
        None => Ok(None),
    }
}
