//! Masking personal data in public views.

/// `张三` → `张*`, `欧阳娜娜` → `欧***`, `Li` → `L*`: the first character and a star for each
/// other one (at least one, so a one-character name is masked too).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    let first = chars.next().map(String::from).unwrap_or_default();
    format!("{first}{}", "*".repeat(chars.count().max(1)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(super::mask_name("张三"), "张*");
        assert_eq!(super::mask_name("欧阳娜娜"), "欧***");
        assert_eq!(super::mask_name("Li"), "L*");
        assert_eq!(super::mask_name("王"), "王*");
    }
}
