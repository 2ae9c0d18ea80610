//! Short codes a person reads aloud or types from paper: a check-in code at the door, a
//! password-reset code from a service desk. Eight characters from an alphabet without
//! look-alikes (no 0/O, 1/I/L), shown as `7KQM-3XPA`, read back whatever the case and
//! separators.

use rand::Rng;

/// 31 characters: 8 of them carry 39.6 bits.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH: usize = 8;

/// A new random code, as stored and shown (`7KQM-3XPA`).
pub fn new_code() -> String {
    let mut rng = rand::rng();
    let raw: String = (0..LENGTH)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}", &raw[..LENGTH / 2], &raw[LENGTH / 2..])
}

/// What a person typed, in the form codes are stored in (`7KQM-3XPA`): any case, spaces and
/// dashes ignored. `None` when it cannot be a code.
pub fn normalize(typed: &str) -> Option<String> {
    let raw: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{2010}'..='\u{2015}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = raw.len() == LENGTH && raw.bytes().all(|b| ALPHABET.contains(&b));
    valid.then(|| format!("{}-{}", &raw[..LENGTH / 2], &raw[LENGTH / 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_code_reads_back_as_itself_whatever_the_case_and_spacing() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), LENGTH + 1);
            assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
            let typed = code.to_lowercase().replace('-', " ");
            assert_eq!(normalize(&typed).as_deref(), Some(code.as_str()));
            assert_eq!(
                normalize(&code.replace('-', "")).as_deref(),
                Some(code.as_str())
            );
        }
    }

    #[test]
    fn look_alikes_and_wrong_lengths_are_not_codes() {
        assert_eq!(normalize("7KQM-3XPA").as_deref(), Some("7KQM-3XPA"));
        assert_eq!(normalize("7KQM-3XP"), None);
        assert_eq!(normalize("7KQM-3XPAA"), None);
        assert_eq!(normalize("0KQM-3XPA"), None);
        assert_eq!(normalize("IKQM-3XPA"), None);
        assert_eq!(normalize("7KQM—3XPA").as_deref(), Some("7KQM-3XPA"));
        assert_eq!(normalize(""), None);
    }
}
