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

/// A message for one person's inbox (and the webhooks that receive its kind).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    /// Where in the portal it leads.
    pub link: Option<String>,
}
