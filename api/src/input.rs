//! Checks of free text shared by every area: names and titles are trimmed, not blank, and
//! hold no control characters (PostgreSQL refuses NUL, and none belongs in a name). The spec
//! states the same of every free-text field (`contract::schema::TEXT`), so these rarely refuse
//! what a client sent through the API.

use crate::error::{Error, FieldCode, FieldError, Result};

const CONTROL: &str = "must not hold control, invisible or text-direction characters";

/// The rule of free text as the spec states it: no control characters but tabs and line
/// breaks, and no invisible or text-direction characters.
pub const TEXT: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$";
/// Free text that must say something: `TEXT` with at least one visible character.
pub const REQUIRED_TEXT: &str = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$";

/// What `TEXT` refuses: control characters other than tabs and line breaks, and characters
/// that are invisible or turn the direction of text (a name that is a zero-width space, a
/// name written backwards).
pub fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

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
    if folded.chars().any(forbidden) {
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
    if trimmed.chars().any(forbidden) {
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
