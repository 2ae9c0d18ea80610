//! Masking personal data in public views.

use std::{borrow::Cow, sync::LazyLock};

use regex::Regex;

/// What stands in for a name's other characters, whatever their number.
const NAME_MASK: &str = "**";
/// What stands in for personal data found in free text.
const TEXT_MASK: &str = "***";

/// `张三` → `张**`, `欧阳娜娜` → `欧**`, `Li` → `L**`: the first character only, and a mask
/// of one length, so the name's length is not told either.
pub fn mask_name(name: &str) -> String {
    let first = name
        .trim()
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    format!("{first}{NAME_MASK}")
}

/// Mainland ID card numbers, mobile numbers (with or without `+86`, spaces or dashes) and
/// e-mail addresses. A digit pattern counts only as a whole number, not inside a longer one.
static PERSONAL_DATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[1-9]\d{16}[\dXx]",
        r"|(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}",
        r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    ))
    .expect("a valid pattern")
});

/// `text` with the personal data people type into comments (ID card numbers, mobile
/// numbers, e-mail addresses) masked, for publication.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut redacted = String::new();
    let mut copied = 0;
    for found in PERSONAL_DATA.find_iter(text) {
        let digit_at = |i: Option<char>| i.is_some_and(|c| c.is_ascii_digit());
        let glued = digit_at(text[..found.start()].chars().next_back())
            || digit_at(text[found.end()..].chars().next());
        if glued {
            continue;
        }
        redacted.push_str(&text[copied..found.start()]);
        redacted.push_str(TEXT_MASK);
        copied = found.end();
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    redacted.push_str(&text[copied..]);
    Cow::Owned(redacted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_character_and_hide_their_length() {
        assert_eq!(mask_name("张三"), "张**");
        assert_eq!(mask_name("欧阳娜娜"), "欧**");
        assert_eq!(mask_name("Li"), "L**");
        assert_eq!(mask_name("王"), "王**");
    }

    #[test]
    fn personal_data_in_text_is_masked() {
        for (text, expected) in [
            ("请联系我13812345678谢谢", "请联系我***谢谢"),
            ("电话 +86 138-1234-5678。", "电话 ***。"),
            ("手机 138 1234 5678", "手机 ***"),
            ("身份证号31011019900307123X，住杨浦", "身份证号***，住杨浦"),
            ("邮箱 zhang.san@example.com 可回复", "邮箱 *** 可回复"),
            ("两个：13812345678、13987654321", "两个：***、***"),
        ] {
            assert_eq!(redact(text), expected, "{text}");
        }
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for text in [
            "第十三条建议增加 200 个车位",
            "预算 1381234567 元",
            "编号 138123456789",
            "2021年3月5日 14:00",
            "电话 021-65431234",
            "a@b",
        ] {
            assert!(matches!(redact(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
