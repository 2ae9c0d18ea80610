//! Checks of free text shared by every area: names and titles are trimmed, not blank, and
//! hold no control characters (PostgreSQL refuses NUL, and none belongs in a name).

use crate::error::{Error, FieldError, Result};

/// `value` trimmed, or the error of `field` (a 422 when returned with `?`).
pub fn single_line(field: &str, value: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must not hold control characters"));
    }
    Ok(trimmed.to_string())
}

/// A filter from a query parameter: a 400 naming `field` when it holds control characters.
pub fn query_text<'a>(field: &str, value: Option<&'a str>) -> Result<Option<&'a str>> {
    match value {
        Some(v) if v.chars().any(char::is_control) => {
            Err(Error::malformed(field, "must not hold control characters"))
        }
        other => Ok(other),
    }
}
