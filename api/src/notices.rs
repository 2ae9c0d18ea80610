//! What happens to a person, told as a notice. `NoticeKind` is the one list of kinds: the
//! outbox, the inbox, the webhooks and the spec's documentation of them all derive from it.

use poem_openapi::Enum;
use serde::{Deserialize, Serialize};

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The feedback report is out: how the person's comment was handled.
    CommentOutcome,
    /// Moderation did not publish the person's comment, and says why.
    CommentRejected,
    /// A seat freed up and is held for the person, first in line, until a deadline.
    WaitlistOffer,
    /// A held seat was not confirmed in time and passed to the next in line.
    OfferExpired,
    /// An open day the person signed up for was cancelled.
    EventCancelled,
    /// The survey of an open day the person came to is open for their answers.
    SurveyInvitation,
    /// A representative was given an observer seat at a meeting, or a place on its waitlist.
    MeetingSeat,
    /// A meeting's lottery pool was committed: the applicant's pseudonym and the pool's hash,
    /// their own record of it before the draw.
    LotteryCommitted,
    /// Staff's review rejected a representative's application for a seat, with the reason.
    ApplicationRejected,
    /// How a representative's opinion on an agenda item was handled.
    OpinionHandled,
    /// A meeting the representative observed published its conclusion.
    MeetingConclusion,
    /// A meeting the person applied to observe was cancelled.
    MeetingCancelled,
}

/// The language a notice is read in: English when the reader's `Accept-Language` puts
/// English first, the district's Chinese otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
}

impl Language {
    /// The preferred of the two by an `Accept-Language` header (`en-GB,en;q=0.9,zh;q=0.5`):
    /// the range with the highest weight, the first of equals.
    pub fn preferred(accept_language: Option<&str>) -> Self {
        let mut best: Option<(f32, &str)> = None;
        for range in accept_language.unwrap_or_default().split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if !tag.is_empty() && weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, tag));
            }
        }
        let primary = best.map(|(_, tag)| tag.split('-').next().unwrap_or_default());
        if primary.is_some_and(|p| p.eq_ignore_ascii_case("en")) {
            Self::English
        } else {
            Self::Chinese
        }
    }

    /// The BCP 47 tag of text in this language.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Chinese => "zh-CN",
            Self::English => "en",
        }
    }
}

/// A message for one person's inbox (and the webhooks that receive its kind), written in
/// Chinese and in English: the portal and the app show the reader's language.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    /// Empty in a message queued before notices were written in English.
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub body_en: String,
    /// Where in the portal it leads.
    pub link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::Language::{self, Chinese, English};

    #[test]
    fn the_reader_gets_english_only_when_they_put_it_first() {
        assert_eq!(Language::preferred(None), Chinese);
        assert_eq!(Language::preferred(Some("")), Chinese);
        assert_eq!(Language::preferred(Some("en")), English);
        assert_eq!(
            Language::preferred(Some("en-GB,en;q=0.9,zh;q=0.5")),
            English
        );
        assert_eq!(
            Language::preferred(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            Chinese
        );
        assert_eq!(Language::preferred(Some("zh;q=0.5, EN-us;q=0.8")), English);
        assert_eq!(Language::preferred(Some("en;q=0, fr")), Chinese);
        assert_eq!(Language::preferred(Some("fr")), Chinese);
    }
}
