//! The rules of a decision's chain, as plain functions over plain values (`now` is an
//! argument): which moves each stage allows, when a consultation window is valid and open, what
//! an outcome needs, and the feedback report's counts. The service and its SQL filters call or
//! mirror these.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::{
    dto::{Outcome, OutcomeCounts},
    stage::Stage,
};
use crate::error::{Error, FieldCode, FieldError, Result};

/// The shortest consultation window that needs no published reason (State Council decree 713).
pub const MIN_WINDOW: Duration = Duration::days(30);

/// The chain in order; a withdrawn decision leaves it.
pub const CHAIN: [Stage; 8] = [
    Stage::Catalogued,
    Stage::DraftPublished,
    Stage::ConsultationOpen,
    Stage::ConsultationClosed,
    Stage::FeedbackPublished,
    Stage::Deliberated,
    Stage::Decided,
    Stage::Withdrawn,
];

/// Stages in which a decision is still being made.
const ACTIVE: &[Stage] = CHAIN.split_at(6).0;

/// What staff do to a decision; each allows some stages and leads to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    EditCatalog,
    PublishDraft,
    OpenConsultation,
    RecordOfflineComment,
    ManageComments,
    PublishFeedback,
    Deliberate,
    Decide,
    Withdraw,
}

impl Move {
    pub const ALL: [Move; 9] = [
        Move::EditCatalog,
        Move::PublishDraft,
        Move::OpenConsultation,
        Move::RecordOfflineComment,
        Move::ManageComments,
        Move::PublishFeedback,
        Move::Deliberate,
        Move::Decide,
        Move::Withdraw,
    ];

    /// The stages (as they are now) in which the move is allowed.
    pub fn allowed(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            Move::EditCatalog | Move::Withdraw => ACTIVE,
            Move::PublishDraft => &[Catalogued, DraftPublished, ConsultationOpen],
            Move::OpenConsultation => &[DraftPublished, ConsultationOpen],
            Move::RecordOfflineComment | Move::ManageComments => {
                &[ConsultationOpen, ConsultationClosed]
            }
            Move::PublishFeedback => &[ConsultationClosed],
            Move::Deliberate => &[FeedbackPublished],
            Move::Decide => &[Deliberated],
        }
    }

    /// The stage a decision in `from` is in after the move.
    pub fn to(self, from: Stage) -> Stage {
        match self {
            Move::PublishDraft if from == Stage::Catalogued => Stage::DraftPublished,
            Move::OpenConsultation => Stage::ConsultationOpen,
            Move::PublishFeedback => Stage::FeedbackPublished,
            Move::Deliberate => Stage::Deliberated,
            Move::Decide => Stage::Decided,
            Move::Withdraw => Stage::Withdrawn,
            _ => from,
        }
    }

    /// Refuses the move in `stage` with a 409 naming the stage (`stage_is_catalogued`, …).
    pub fn check(self, stage: Stage) -> Result<()> {
        stage.require(self.allowed(), self.action())
    }

    fn action(self) -> &'static str {
        match self {
            Move::EditCatalog => "change the catalog entry",
            Move::PublishDraft => "publish a draft",
            Move::OpenConsultation => "open or extend the consultation",
            Move::RecordOfflineComment => "record a comment received offline",
            Move::ManageComments => "moderate comments or give them an outcome",
            Move::PublishFeedback => "publish the feedback report",
            Move::Deliberate => "record the deliberation",
            Move::Decide => "record the decision's result",
            Move::Withdraw => "withdraw the decision",
        }
    }
}

/// A consultation window: comments are taken from `opens_at` (inclusive) to `closes_at`
/// (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Window {
    /// Whether comments are taken at `now`, given the stage stored for the decision.
    pub fn is_open(&self, stored: Stage, now: DateTime<Utc>) -> bool {
        stored == Stage::ConsultationOpen && self.opens_at <= now && now < self.closes_at
    }

    /// Whether the clock has closed a consultation stored as open. The SQL filter of the
    /// catalog mirrors it (`consultation_closes_at <= now`).
    pub fn closed_by_clock(&self, stored: Stage, now: DateTime<Utc>) -> bool {
        stored == Stage::ConsultationOpen && now >= self.closes_at
    }

    /// Whether a consultation stored as open has yet to begin: until then the decision is
    /// still `draft_published`, as the catalog's SQL filter mirrors (`opens_at > now`).
    pub fn scheduled(&self, stored: Stage, now: DateTime<Utc>) -> bool {
        stored == Stage::ConsultationOpen && now < self.opens_at
    }

    fn is_short(&self) -> bool {
        self.closes_at - self.opens_at < MIN_WINDOW
    }
}

/// Checks a window that staff open (`current` is the open window being extended, if any) and
/// returns the shortened reason to publish with it: `reason` (or the current window's) when
/// the window is shorter than 30 days, none otherwise. No reason makes a window shorter than
/// `floor`.
pub fn check_window(
    window: Window,
    current: Option<(Window, Option<String>)>,
    reason: Option<String>,
    now: DateTime<Utc>,
    floor: Duration,
) -> Result<Option<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    // A minute's grace for a form filled in just before `now`.
    if current.is_none() && window.opens_at < now - Duration::minutes(1) {
        let message = "cannot be in the past";
        errors.push(FieldError::new("opens_at", FieldCode::OutOfRange, message));
    }
    let (after, earliest_close, message) = match &current {
        Some((open, _)) => (
            "closes_at",
            open.closes_at,
            "an extension must end later than the current window",
        ),
        None => ("opens_at", window.opens_at, "must be after opens_at"),
    };
    if window.closes_at <= earliest_close {
        errors
            .push(FieldError::new("closes_at", FieldCode::MustBeAfter, message).other_field(after));
    }
    let reason = reason.or_else(|| current.and_then(|(_, reason)| reason));
    if window.closes_at > earliest_close && window.closes_at - window.opens_at < floor {
        let days = floor.num_days();
        errors.push(
            FieldError::new(
                "closes_at",
                FieldCode::OutOfRange,
                format!("a consultation lasts at least {days} days, whatever the reason"),
            )
            .min(days),
        );
    } else if window.is_short() && reason.is_none() {
        errors.push(FieldError::new(
            "shortened_reason",
            FieldCode::Required,
            "a window shorter than 30 days needs a published reason (State Council decree 713)",
        ));
    }
    if errors.is_empty() {
        Ok(reason.filter(|_| window.is_short()))
    } else {
        Err(errors)
    }
}

/// A deliberation happened at a meeting: not after `today`, and not before the day the
/// feedback report it deliberated was published (both days as the district reads them).
pub fn check_meeting_date(
    meeting: NaiveDate,
    feedback_published: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<()> {
    if meeting > today {
        let error = FieldError::new(
            "meeting_date",
            FieldCode::OutOfRange,
            "record a meeting once it has been held, not before",
        );
        return Err(error.other_field("today").into());
    }
    if feedback_published.is_some_and(|published| meeting < published) {
        let error = FieldError::new(
            "meeting_date",
            FieldCode::MustBeAfter,
            "the meeting deliberates the published feedback, so it cannot be earlier",
        );
        return Err(error.other_field("feedback_published_at").into());
    }
    Ok(())
}

/// What an outcome needs: a published reason when not adopted, the original when a duplicate.
pub fn check_outcome(outcome: Outcome, reason: Option<&str>, duplicate_of: bool) -> Result<()> {
    match outcome {
        Outcome::NotAdopted if reason.is_none() => Err(Error::invalid(
            "reason",
            FieldCode::Required,
            "say why the comment is not adopted; the reason is published",
        )),
        Outcome::Duplicate if !duplicate_of => Err(Error::invalid(
            "duplicate_of",
            FieldCode::Required,
            "name the comment this one repeats",
        )),
        _ => Ok(()),
    }
}

/// Feedback is published only when no comment awaits moderation or an outcome.
pub fn check_ready_for_feedback(pending: u64, without_outcome: u64) -> Result<()> {
    if pending > 0 || without_outcome > 0 {
        return Err(Error::conflict(
            "comments_without_outcome",
            format!("{pending} comments await moderation and {without_outcome} published comments have no outcome"),
        ));
    }
    Ok(())
}

/// Adds `n` published comments with `outcome` to the report's counts.
pub fn tally(counts: &mut OutcomeCounts, outcome: Option<Outcome>, n: u64) {
    counts.total += n;
    match outcome {
        Some(Outcome::Adopted) => counts.adopted += n,
        Some(Outcome::PartiallyAdopted) => counts.partially_adopted += n,
        Some(Outcome::NotAdopted) => counts.not_adopted += n,
        Some(Outcome::Duplicate) => counts.duplicate += n,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 7, 1, 0, 0, 0).unwrap() + Duration::seconds(secs)
    }

    fn window(opens: i64, length: Duration) -> Window {
        Window {
            opens_at: at(opens),
            closes_at: at(opens) + length,
        }
    }

    const FLOOR: Duration = Duration::days(7);

    #[test]
    fn no_reason_makes_a_window_shorter_than_the_floor() {
        let reason = Some("防汛紧急".to_string());
        let just_short = window(0, FLOOR - Duration::seconds(1));
        let found =
            codes(check_window(just_short, None, reason.clone(), at(0), FLOOR).unwrap_err());
        assert_eq!(found, [("closes_at".into(), FieldCode::OutOfRange)]);
        let at_floor = window(0, FLOOR);
        assert_eq!(
            check_window(at_floor, None, reason.clone(), at(0), FLOOR),
            Ok(reason)
        );
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, FieldCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_window_a_minute_short_of_30_days_needs_a_reason() {
        let short = window(0, MIN_WINDOW - Duration::minutes(1));
        let refused = check_window(short, None, None, at(0), FLOOR).unwrap_err();
        assert_eq!(
            codes(refused),
            [("shortened_reason".into(), FieldCode::Required)]
        );
        let reason = Some("防汛紧急".to_string());
        assert_eq!(
            check_window(short, None, reason.clone(), at(0), FLOOR),
            Ok(reason)
        );
        assert_eq!(
            check_window(window(0, MIN_WINDOW), None, None, at(0), FLOOR),
            Ok(None)
        );
    }

    #[test]
    fn a_reason_is_not_published_with_a_full_window() {
        let full = window(0, MIN_WINDOW);
        assert_eq!(
            check_window(full, None, Some("x".into()), at(0), FLOOR),
            Ok(None)
        );
    }

    #[test]
    fn a_window_must_close_after_it_opens_and_not_start_in_the_past() {
        let backwards = Window {
            opens_at: at(100),
            closes_at: at(100),
        };
        let found =
            codes(check_window(backwards, None, Some("r".into()), at(0), FLOOR).unwrap_err());
        assert_eq!(found, [("closes_at".into(), FieldCode::MustBeAfter)]);
        let past = window(-61, MIN_WINDOW);
        let found = codes(check_window(past, None, None, at(0), FLOOR).unwrap_err());
        assert_eq!(found, [("opens_at".into(), FieldCode::OutOfRange)]);
        assert!(check_window(window(-60, MIN_WINDOW), None, None, at(0), FLOOR).is_ok());
    }

    #[test]
    fn an_extension_ends_later_and_keeps_the_published_reason() {
        let open = window(0, Duration::days(10));
        let current = Some((open, Some("防汛紧急".to_string())));
        let same_close = Window {
            opens_at: open.opens_at,
            closes_at: open.closes_at,
        };
        let found =
            codes(check_window(same_close, current.clone(), None, at(5), FLOOR).unwrap_err());
        assert_eq!(found, [("closes_at".into(), FieldCode::MustBeAfter)]);
        let longer = window(0, Duration::days(20));
        assert_eq!(
            check_window(longer, current, None, at(86_400 * 12), FLOOR),
            Ok(Some("防汛紧急".to_string())),
            "an open window's start is never 'in the past'"
        );
    }

    #[test]
    fn comments_are_taken_from_the_opening_second_until_before_the_close() {
        let w = window(0, MIN_WINDOW);
        let open = Stage::ConsultationOpen;
        assert!(!w.is_open(open, at(-1)));
        assert!(w.is_open(open, at(0)));
        assert!(w.is_open(open, w.closes_at - Duration::seconds(1)));
        assert!(!w.is_open(open, w.closes_at));
        assert!(w.closed_by_clock(open, w.closes_at));
        assert!(!w.closed_by_clock(open, w.closes_at - Duration::seconds(1)));
        assert!(!w.is_open(Stage::DraftPublished, at(1)));
        assert!(w.scheduled(open, at(-1)));
        assert!(!w.scheduled(open, at(0)));
    }

    #[test]
    fn no_move_goes_back_along_the_chain() {
        let order = |s: Stage| CHAIN.iter().position(|x| *x == s).unwrap();
        for mv in Move::ALL {
            for &from in mv.allowed() {
                assert!(order(mv.to(from)) >= order(from), "{mv:?} from {from:?}");
            }
        }
        assert!(
            Move::Decide.check(Stage::FeedbackPublished).is_err(),
            "no skipping"
        );
        assert!(Move::PublishDraft.check(Stage::ConsultationClosed).is_err());
        assert!(Move::Withdraw.check(Stage::Decided).is_err());
        assert_eq!(
            Move::PublishDraft.to(Stage::ConsultationOpen),
            Stage::ConsultationOpen
        );
    }

    #[test]
    fn a_meeting_is_dated_between_the_feedback_and_today() {
        let day = |d| NaiveDate::from_ymd_opt(2021, 11, d).unwrap();
        let (published, today) = (Some(day(8)), day(20));
        assert!(check_meeting_date(day(8), published, today).is_ok());
        assert!(check_meeting_date(day(20), published, today).is_ok());
        assert!(check_meeting_date(day(7), published, today).is_err());
        assert!(check_meeting_date(day(21), published, today).is_err());
    }

    #[test]
    fn outcomes_need_their_reason_or_original() {
        assert!(check_outcome(Outcome::NotAdopted, None, false).is_err());
        assert!(check_outcome(Outcome::NotAdopted, Some("超出本规划范围"), false).is_ok());
        assert!(check_outcome(Outcome::Duplicate, None, false).is_err());
        assert!(check_outcome(Outcome::Duplicate, None, true).is_ok());
        assert!(check_outcome(Outcome::Adopted, None, false).is_ok());
    }

    #[test]
    fn the_report_counts_every_published_comment_once() {
        let mut counts = OutcomeCounts::default();
        for outcome in [
            Some(Outcome::Adopted),
            Some(Outcome::NotAdopted),
            Some(Outcome::NotAdopted),
            None,
        ] {
            tally(&mut counts, outcome, 1);
        }
        tally(&mut counts, Some(Outcome::Duplicate), 3);
        assert_eq!(
            (
                counts.total,
                counts.adopted,
                counts.not_adopted,
                counts.duplicate
            ),
            (7, 1, 2, 3)
        );
        assert!(check_ready_for_feedback(0, 0).is_ok());
        assert!(check_ready_for_feedback(1, 0).is_err());
        assert!(check_ready_for_feedback(0, 1).is_err());
    }
}
