//! Logins are a mainland mobile number or an e-mail address: personal data, normalised once
//! on the way in and masked in every view but the person's own.

/// What the API accepts as a login (stated in the spec; `normalize` reads every such value).
pub const PATTERN: &str = r"^\s*(?:(?:\+86[ -]?)?1[3-9](?:[ -]?[0-9]){9}|[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s\x00-\x1f\x7f-\x9f.])\s*$";

/// The canonical form: 11 digits for a phone, lower case for an e-mail.
pub fn normalize(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.contains('@') {
        normalize_email(raw)
    } else {
        normalize_phone(raw)
    }
}

fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").unwrap_or(&digits);
    let mut chars = digits.chars();
    let valid = digits.len() == 11
        && digits.chars().all(|c| c.is_ascii_digit())
        && chars.next() == Some('1')
        && matches!(chars.next(), Some('3'..='9'));
    valid.then(|| digits.to_string())
}

fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && email.len() <= 254
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.contains('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    valid.then_some(email)
}

/// `13812345678` → `138****5678`; `zhang@example.com` → `z***@example.com`.
pub fn mask(login: &str) -> String {
    match login.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None if login.len() == 11 => format!("{}****{}", &login[..3], &login[7..]),
        None => "***".to_string(),
    }
}

/// The last four digits of a mobile-number login (`13812345678` → `5678`), to tell two
/// people of one name apart at a door; `None` for an e-mail (or an erased) login.
pub fn phone_ending(login: &str) -> Option<String> {
    normalize_phone(login).map(|phone| phone[7..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_phone_has_an_ending() {
        assert_eq!(phone_ending("13812345678").as_deref(), Some("5678"));
        assert_eq!(phone_ending("zhang@example.com"), None);
        assert_eq!(phone_ending("erased:0191a2b3"), None);
    }

    #[test]
    fn phones_and_emails_are_normalised() {
        assert_eq!(normalize(" 138-1234-5678 ").as_deref(), Some("13812345678"));
        assert_eq!(normalize("+86 13812345678").as_deref(), Some("13812345678"));
        assert_eq!(
            normalize("Zhang.San@Example.COM").as_deref(),
            Some("zhang.san@example.com")
        );
    }

    #[test]
    fn other_logins_are_refused() {
        for bad in [
            "",
            "12812345678",
            "1381234567",
            "abc",
            "a@b",
            "@example.com",
            "a b@example.com",
            "a@@b.com",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_login_the_spec_allows_is_read() {
        let pattern = regex::Regex::new(PATTERN).unwrap();
        for login in [
            "13812345678",
            " +86 138 1234 5678 ",
            "+86-138-1234-5678",
            "zhang.san@example.com",
            "张三@例子.中国",
            "a@b.c",
        ] {
            assert!(pattern.is_match(login), "{login}");
            assert!(normalize(login).is_some(), "{login}");
        }
        for login in [
            "12812345678",
            "a@b",
            "a@.b.c",
            "a@b.c.",
            "a b@c.d",
            "a@b@c.d",
        ] {
            assert!(!pattern.is_match(login), "{login}");
        }
    }

    #[test]
    fn masks_hide_most_of_the_login() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("zhang@example.com"), "z***@example.com");
    }
}
