//! Splitting a draft into addressable sections, and telling what changed between versions.
//!
//! A section starts at a Markdown heading (`# …`) or at a numbered article (`第一条 …`); text
//! before the first one is the preamble. Anchors (`s1`, `s2`, …) number the sections of one
//! version in order.

/// One section of a draft version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub anchor: String,
    pub heading: String,
    pub body: String,
}

pub fn split(markdown: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut preamble = String::new();
    for line in markdown.lines() {
        match section_start(line) {
            Some((heading, rest)) => sections.push(Section {
                anchor: format!("s{}", sections.len() + 1),
                heading: heading.to_string(),
                body: rest.to_string(),
            }),
            None => {
                let body = match sections.last_mut() {
                    Some(section) => &mut section.body,
                    None => &mut preamble,
                };
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(line);
            }
        }
    }
    let preamble = preamble.trim();
    if !preamble.is_empty() || sections.is_empty() {
        sections.insert(
            0,
            Section {
                anchor: "s0".into(),
                heading: String::new(),
                body: preamble.to_string(),
            },
        );
    }
    for section in &mut sections {
        section.body = section.body.trim().to_string();
    }
    sections
}

/// `(heading, rest of the line)` when `line` starts a section.
fn section_start(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    let hashes = trimmed.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes) {
        let heading = trimmed[hashes..].strip_prefix(' ')?.trim();
        return (!heading.is_empty()).then_some((heading, ""));
    }
    let rest = trimmed.strip_prefix('第')?;
    let numeral_len: usize = rest
        .chars()
        .take_while(|c| "一二三四五六七八九十百千零〇0123456789".contains(*c))
        .map(char::len_utf8)
        .sum();
    if numeral_len == 0 || !rest[numeral_len..].starts_with('条') {
        return None;
    }
    let end = '第'.len_utf8() + numeral_len + '条'.len_utf8();
    Some((&trimmed[..end], trimmed[end..].trim()))
}

/// Sections added, removed and changed from one version to the next, by heading.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

pub fn changes(before: &[Section], after: &[Section]) -> Changes {
    let find = |sections: &[Section], heading: &str| {
        sections
            .iter()
            .find(|s| s.heading == heading)
            .map(|s| s.body.clone())
    };
    let mut changes = Changes::default();
    for section in after {
        match find(before, &section.heading) {
            None => changes.added.push(section.heading.clone()),
            Some(body) if body != section.body => changes.changed.push(section.heading.clone()),
            Some(_) => {}
        }
    }
    changes.removed = before
        .iter()
        .filter(|s| find(after, &s.heading).is_none())
        .map(|s| s.heading.clone())
        .collect();
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "杨浦区城区管理精细化规划（征求意见稿）\n\n# 总则\n为提升城区管理水平……\n\n第一条 本规划适用于全区。\n第二条 目标：\n到2025年……\n# 附则\n本规划自发布之日起施行。";

    #[test]
    fn headings_and_articles_start_sections() {
        let sections = split(DRAFT);
        let headings: Vec<&str> = sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["", "总则", "第一条", "第二条", "附则"]);
        let anchors: Vec<&str> = sections.iter().map(|s| s.anchor.as_str()).collect();
        assert_eq!(anchors, ["s0", "s1", "s2", "s3", "s4"]);
        assert_eq!(sections[0].body, "杨浦区城区管理精细化规划（征求意见稿）");
        assert_eq!(sections[2].body, "本规划适用于全区。");
        assert_eq!(sections[3].body, "目标：\n到2025年……");
    }

    #[test]
    fn text_without_sections_is_one_section() {
        assert_eq!(
            split("只有一段。"),
            [Section {
                anchor: "s0".into(),
                heading: String::new(),
                body: "只有一段。".into()
            }]
        );
        assert_eq!(
            split("第一条款不是条文").len(),
            1,
            "第一条 must be followed by nothing but the article"
        );
        assert_eq!(split("#hashtag").len(), 1, "a heading needs a space");
    }

    #[test]
    fn changes_are_told_by_heading() {
        let before = split(DRAFT);
        let after = split(
            &DRAFT
                .replace("到2025年", "到2026年")
                .replace("# 附则\n本规划自发布之日起施行。", "第三条 新增条款。"),
        );
        assert_eq!(
            changes(&before, &after),
            Changes {
                added: vec!["第三条".into()],
                removed: vec!["附则".into()],
                changed: vec!["第二条".into()]
            }
        );
    }
}
