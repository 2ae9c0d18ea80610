//! The chain a decision moves along. No skipping, no going back; an open consultation
//! closes by the clock, without anyone pressing a button.

use chrono::{DateTime, Utc};
use entity::decision;
use poem_openapi::Enum;

use super::service::window_of;
use crate::{
    enums,
    error::{Error, Result},
};

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Stage {
    /// In the year's catalog; no draft yet.
    Catalogued,
    DraftPublished,
    /// Residents may comment between the window's open and close instants.
    ConsultationOpen,
    ConsultationClosed,
    /// The feedback report (采纳情况) is public.
    FeedbackPublished,
    /// An executive meeting has deliberated it.
    Deliberated,
    /// The decision document is public.
    Decided,
    Withdrawn,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Catalogued => "catalogued",
            Self::DraftPublished => "draft_published",
            Self::ConsultationOpen => "consultation_open",
            Self::ConsultationClosed => "consultation_closed",
            Self::FeedbackPublished => "feedback_published",
            Self::Deliberated => "deliberated",
            Self::Decided => "decided",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The stage of `decision` at `now`: a consultation opens and closes by the clock.
    pub fn of(decision: &decision::Model, now: DateTime<Utc>) -> Result<Self> {
        let stored = enums::parse(&decision.stage)?;
        Ok(match window_of(decision) {
            Some(window) if window.closed_by_clock(stored, now) => Self::ConsultationClosed,
            Some(window) if window.scheduled(stored, now) => Self::DraftPublished,
            _ => stored,
        })
    }

    /// Refuses an action unless the decision is in one of `allowed`, with a 409 whose code
    /// names the stage it is in (`stage_is_catalogued`, …).
    pub fn require(self, allowed: &[Stage], action: &str) -> Result<()> {
        if allowed.contains(&self) {
            return Ok(());
        }
        Err(Error::conflict(
            self.conflict_code(),
            format!("cannot {action}: the decision is {}", self.as_str()),
        ))
    }

    fn conflict_code(self) -> &'static str {
        match self {
            Self::Catalogued => "stage_is_catalogued",
            Self::DraftPublished => "stage_is_draft_published",
            Self::ConsultationOpen => "stage_is_consultation_open",
            Self::ConsultationClosed => "stage_is_consultation_closed",
            Self::FeedbackPublished => "stage_is_feedback_published",
            Self::Deliberated => "stage_is_deliberated",
            Self::Decided => "stage_is_decided",
            Self::Withdrawn => "stage_is_withdrawn",
        }
    }
}
