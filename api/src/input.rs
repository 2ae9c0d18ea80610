//! Checks of free text shared by every area: names and titles are trimmed, not blank, and
//! hold no control characters (PostgreSQL refuses NUL, and none belongs in a name). The spec
//! states the same of every free-text field (`contract::schema::TEXT`), so these rarely refuse
//! what a client sent through the API.

use crate::error::{Error, FieldCode, FieldError, Result};

const CONTROL: &str = "must not hold control characters";

/// `value` on one line: trimmed, with line breaks and tabs (pasted text) folded into single
/// spaces; or the error of `field` (a 422 when returned with `?`).
pub fn single_line(field: &str, value: &str) -> Result<String, FieldError> {
    let folded = value
        .split(['\n', '\r', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if folded.is_empty() {
        return Err(FieldError::new(
            field,
            FieldCode::Blank,
            "must not be blank",
        ));
    }
    if folded.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            FieldCode::ControlCharacters,
            CONTROL,
        ));
    }
    Ok(folded)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_line_folds_pasted_line_breaks() {
        assert_eq!(
            single_line("title", " 杨浦区\n  规划\t(草案) ").unwrap(),
            "杨浦区 规划 (草案)"
        );
        assert_eq!(
            single_line("title", " \n\t ").unwrap_err().code,
            FieldCode::Blank
        );
        let bell = single_line("title", "a\u{7}b").unwrap_err();
        assert_eq!(bell.code, FieldCode::ControlCharacters);
    }
}
