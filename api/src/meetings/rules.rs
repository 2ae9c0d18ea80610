//! The rules of meetings and their observer seats, as plain functions over plain values.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use uuid::Uuid;

use super::dto::{
    CategorySeats, Eligibility, ItemDeliberation, MeetingStatus, SeatPlan, SelectionMethod,
};
use crate::error::{Error, FieldCode, FieldError, Result};

/// The applications window of a meeting, once its seats are planned.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Where a meeting stands: what staff set (cancelled, drawn, held, …), or while it is only
/// planned, what its applications window says now.
pub fn status(stored: MeetingStatus, window: Option<Window>, now: DateTime<Utc>) -> MeetingStatus {
    match (stored, window) {
        (MeetingStatus::Planned, Some(w)) if now >= w.closes_at => {
            MeetingStatus::ApplicationsClosed
        }
        (MeetingStatus::Planned, Some(w)) if now >= w.opens_at => MeetingStatus::ApplicationsOpen,
        (stored, _) => stored,
    }
}

/// Checks a seat plan for a meeting starting at `starts_at`: distinct categories, at least
/// one seat, a window that closes after it opens and before the meeting, and for a lottery
/// the public value's source named in advance.
pub fn check_plan(plan: &SeatPlan, starts_at: DateTime<Utc>) -> Result<()> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, quota) in plan.quotas.iter().enumerate() {
        if !seen.insert(quota.category) {
            errors.push(FieldError::new(
                format!("quotas[{i}].category"),
                FieldCode::Invalid,
                "a category given twice",
            ));
        }
    }
    if plan.quotas.iter().all(|q| q.seats == 0) {
        errors.push(FieldError::new(
            "quotas",
            FieldCode::Invalid,
            "a meeting with observers has at least one seat",
        ));
    }
    if plan.applications_close_at <= plan.applications_open_at {
        errors.push(
            FieldError::new(
                "applications_close_at",
                FieldCode::MustBeAfter,
                "applications close after they open",
            )
            .other_field("applications_open_at"),
        );
    } else if plan.applications_close_at > starts_at {
        errors.push(FieldError::new(
            "applications_close_at",
            FieldCode::Invalid,
            "applications close before the meeting starts",
        ));
    }
    if plan.selection_method == SelectionMethod::Lottery {
        let source = plan.public_value_source.as_deref().map(str::trim);
        if source.is_none_or(str::is_empty) {
            errors.push(FieldError::new(
                "public_value_source",
                FieldCode::Required,
                "a lottery names where its public value will come from, in advance",
            ));
        }
        // Fixed after the pool is (applications closed) and known before the meeting.
        match plan.public_value_at {
            None => errors.push(FieldError::new(
                "public_value_at",
                FieldCode::Required,
                "a lottery names when its public value is fixed, in advance",
            )),
            Some(at) if at <= plan.applications_close_at => errors.push(
                FieldError::new(
                    "public_value_at",
                    FieldCode::MustBeAfter,
                    "the public value is fixed after applications close",
                )
                .other_field("applications_close_at"),
            ),
            Some(at) if at >= starts_at => errors.push(FieldError::new(
                "public_value_at",
                FieldCode::Invalid,
                "the public value is fixed before the meeting starts",
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Checks the basis a resident claims against those the district accepts.
pub fn check_eligibility(claimed: Eligibility, accepted: &[Eligibility]) -> Result<()> {
    if accepted.contains(&claimed) {
        return Ok(());
    }
    Err(Error::invalid(
        "eligibility",
        FieldCode::NotOneOf,
        "the district does not accept representatives on this basis (GET /representatives/eligibility)",
    ))
}

/// Whether the seat plan may still change: only before applications open.
pub fn may_plan(status: MeetingStatus) -> Result<()> {
    match status {
        MeetingStatus::Planned => Ok(()),
        _ => Err(Error::conflict(
            "plan_frozen",
            "the seats and the window are fixed once applications have opened",
        )),
    }
}

/// Whether a representative may apply (or withdraw an application before the selection).
pub fn may_apply(status: MeetingStatus) -> Result<()> {
    match status {
        MeetingStatus::ApplicationsOpen => Ok(()),
        _ => Err(Error::conflict(
            "applications_not_open",
            "applications are taken only while the window is open",
        )),
    }
}

/// Whether the seats may be allotted now: once applications have closed, once.
pub fn may_select(status: MeetingStatus) -> Result<()> {
    match status {
        MeetingStatus::ApplicationsClosed => Ok(()),
        MeetingStatus::Drawn | MeetingStatus::Held | MeetingStatus::MinutesPublished => Err(
            Error::conflict("already_selected", "the seats are already allotted"),
        ),
        MeetingStatus::Cancelled => Err(cancelled()),
        _ => Err(Error::conflict(
            "applications_not_closed",
            "the seats are allotted once applications have closed",
        )),
    }
}

/// Whether a lottery's pool may be committed now: before its public value is fixed, so that
/// nobody knows the value when the pool is set.
pub fn may_commit(now: DateTime<Utc>, value_at: DateTime<Utc>) -> Result<()> {
    if now >= value_at {
        return Err(Error::conflict(
            "too_late_to_commit",
            "the pool is committed before the public value is fixed; cancel and plan the meeting anew",
        ));
    }
    Ok(())
}

/// Whether the lottery may be drawn now: once its public value is fixed.
pub fn may_draw(now: DateTime<Utc>, value_at: DateTime<Utc>) -> Result<()> {
    if now < value_at {
        return Err(Error::conflict(
            "public_value_not_yet",
            "the lottery is drawn once its public value has been fixed",
        ));
    }
    Ok(())
}

/// First come, first seated: each category's applicants (pseudonym, category) in the order
/// they applied, the first `seats` seated and the rest waiting in that order.
pub fn first_come(quotas: &[(String, u32)], applicants: &[(String, String)]) -> Vec<CategorySeats> {
    quotas
        .iter()
        .map(|(category, seats)| {
            let mut seated: Vec<String> = applicants
                .iter()
                .filter(|(_, c)| c == category)
                .map(|(p, _)| p.clone())
                .collect();
            let waitlist = seated.split_off(seated.len().min(*seats as usize));
            CategorySeats {
                category: category.clone(),
                seats: *seats,
                seated,
                waitlist,
            }
        })
        .collect()
}

/// Whether staff may review applications now: for a meeting allotted by review, once
/// applications have closed and until the seats are declared allotted.
pub fn may_review(status: MeetingStatus, method: SelectionMethod) -> Result<()> {
    match (method, status) {
        (SelectionMethod::Review, MeetingStatus::ApplicationsClosed) => Ok(()),
        (SelectionMethod::Review, _) => Err(Error::conflict(
            "review_closed",
            "applications are reviewed once they have closed and before the seats are allotted",
        )),
        _ => Err(Error::conflict(
            "not_by_review",
            "this meeting's seats are not allotted by review",
        )),
    }
}

/// Where an application staff accept goes: the next seat of its category while one is free,
/// else the end of that category's waitlist. `None` for a seat, `Some(n)` for waitlist place n.
pub fn place_accepted(seats: u32, seated: u32, waiting: u32) -> Option<i32> {
    (seated >= seats).then_some(waiting as i32 + 1)
}

/// Whether the seats of a meeting allotted by review may be declared allotted: once every
/// application has staff's word.
pub fn may_close_review(unreviewed: u64) -> Result<()> {
    if unreviewed > 0 {
        return Err(Error::conflict(
            "reviews_pending",
            format!("{unreviewed} applications still wait for staff's review"),
        ));
    }
    Ok(())
}

/// Whether the meeting may be recorded as held: once it has started, with its seats
/// allotted, or with nobody having applied for any.
pub fn may_hold(
    status: MeetingStatus,
    pool_waiting: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let ready = match status {
        MeetingStatus::Drawn => true,
        MeetingStatus::Planned | MeetingStatus::ApplicationsClosed => !pool_waiting,
        MeetingStatus::Held | MeetingStatus::MinutesPublished => {
            return Err(Error::conflict(
                "already_held",
                "the meeting is recorded as held",
            ))
        }
        MeetingStatus::Cancelled => return Err(cancelled()),
        MeetingStatus::ApplicationsOpen => false,
    };
    if !ready {
        return Err(Error::conflict(
            "seats_not_allotted",
            "the observer seats are allotted before the meeting is held",
        ));
    }
    if now < starts_at {
        return Err(Error::conflict(
            "meeting_not_started",
            "a meeting is recorded as held once it has started",
        ));
    }
    Ok(())
}

/// Checks that `given` names each agenda item deliberating a decision (`linked`) once and
/// no other item.
pub fn check_deliberations(linked: &[Uuid], given: &[ItemDeliberation]) -> Result<()> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in given.iter().enumerate() {
        let field = format!("deliberations[{i}].agenda_item_id");
        if !linked.contains(&item.agenda_item_id) {
            errors.push(FieldError::new(
                field,
                FieldCode::Invalid,
                "not an agenda item of this meeting that deliberates a decision",
            ));
        } else if !seen.insert(item.agenda_item_id) {
            errors.push(FieldError::new(
                field,
                FieldCode::Invalid,
                "an agenda item given twice",
            ));
        }
    }
    if linked.iter().any(|id| !seen.contains(id)) && errors.is_empty() {
        errors.push(FieldError::new(
            "deliberations",
            FieldCode::Required,
            "give the outcome of every agenda item that deliberates a decision",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Whether an opinion on the agenda may be given now: by a representative seated, from the
/// allotment until the meeting is held; written down by staff for a seat (opinions voiced at
/// the meeting), also after, until the minutes are published.
pub fn may_give_opinion(status: MeetingStatus, by_staff: bool) -> Result<()> {
    match (status, by_staff) {
        (MeetingStatus::Drawn, _) | (MeetingStatus::Held, true) => Ok(()),
        _ => Err(Error::conflict(
            "opinions_closed",
            "representatives give opinions once the seats are allotted and until the meeting is held; staff write down those voiced at it until the minutes are published",
        )),
    }
}

/// Whether what happened at the meeting (attendance, the handling of opinions) may be
/// recorded: once it is held, until its minutes are published.
pub fn may_record_outcome(status: MeetingStatus) -> Result<()> {
    match status {
        MeetingStatus::Held => Ok(()),
        MeetingStatus::MinutesPublished => Err(Error::conflict(
            "minutes_published",
            "the minutes are published: the record is closed",
        )),
        _ => Err(Error::conflict(
            "meeting_not_held",
            "this is recorded once the meeting is held",
        )),
    }
}

/// Whether the minutes may be published: once the meeting is held, its attendance recorded
/// (where it had observers) and every opinion handled.
pub fn may_publish_minutes(
    status: MeetingStatus,
    attendance_recorded: bool,
    unhandled: u64,
) -> Result<()> {
    may_record_outcome(status)?;
    if !attendance_recorded {
        return Err(Error::conflict(
            "attendance_unrecorded",
            "record who of those seated attended before the minutes",
        ));
    }
    if unhandled > 0 {
        return Err(Error::conflict(
            "opinions_unhandled",
            format!("{unhandled} opinions still wait to be handled"),
        ));
    }
    Ok(())
}

/// Whether the meeting may be cancelled: until it is held.
pub fn may_cancel(status: MeetingStatus) -> Result<()> {
    match status {
        MeetingStatus::Held | MeetingStatus::MinutesPublished => Err(Error::conflict(
            "already_held",
            "a meeting that took place is not cancelled",
        )),
        MeetingStatus::Cancelled => Err(cancelled()),
        _ => Ok(()),
    }
}

fn cancelled() -> Error {
    Error::conflict("meeting_cancelled", "the meeting was cancelled")
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::meetings::dto::{Category, SeatQuota};

    fn code(err: Error) -> &'static str {
        match err {
            Error::Conflict { code, .. } => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_planned_meeting_follows_its_window_and_what_staff_set_stands() {
        let opens_at = Utc.with_ymd_and_hms(2021, 10, 8, 1, 0, 0).unwrap();
        let window = Window {
            opens_at,
            closes_at: opens_at + Duration::days(7),
        };
        let second = Duration::seconds(1);
        let at = |now| status(MeetingStatus::Planned, Some(window), now);
        assert_eq!(at(opens_at - second), MeetingStatus::Planned);
        assert_eq!(at(opens_at), MeetingStatus::ApplicationsOpen);
        assert_eq!(at(window.closes_at), MeetingStatus::ApplicationsClosed);
        assert_eq!(
            status(MeetingStatus::Planned, None, opens_at),
            MeetingStatus::Planned
        );
        assert_eq!(
            status(MeetingStatus::Cancelled, Some(window), opens_at),
            MeetingStatus::Cancelled
        );
        assert!(may_apply(at(opens_at)).is_ok());
        assert_eq!(
            code(may_apply(at(window.closes_at)).unwrap_err()),
            "applications_not_open"
        );
        assert_eq!(
            code(may_select(at(opens_at)).unwrap_err()),
            "applications_not_closed"
        );
        assert!(may_select(at(window.closes_at)).is_ok());
        assert_eq!(
            code(may_select(MeetingStatus::Drawn).unwrap_err()),
            "already_selected"
        );
        assert_eq!(code(may_plan(at(opens_at)).unwrap_err()), "plan_frozen");
    }

    #[test]
    fn a_plan_names_each_category_once_and_a_lottery_its_source() {
        let opens_at = Utc.with_ymd_and_hms(2021, 10, 8, 1, 0, 0).unwrap();
        let quota = |category, seats| SeatQuota { category, seats };
        let plan = SeatPlan {
            quotas: vec![quota(Category::NpcDeputy, 2), quota(Category::NpcDeputy, 1)],
            applications_open_at: opens_at,
            applications_close_at: opens_at,
            selection_method: SelectionMethod::Lottery,
            public_value_source: Some("  ".into()),
            public_value_at: Some(opens_at),
        };
        let Err(Error::Invalid(errors)) = check_plan(&plan, opens_at + Duration::days(20)) else {
            panic!("refused");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "quotas[1].category",
                "applications_close_at",
                "public_value_source",
                "public_value_at"
            ]
        );
        let good = SeatPlan {
            quotas: vec![quota(Category::NpcDeputy, 2)],
            applications_close_at: opens_at + Duration::days(7),
            public_value_source: Some("上证综合指数".into()),
            public_value_at: Some(opens_at + Duration::days(8)),
            ..plan
        };
        assert!(check_plan(&good, opens_at + Duration::days(20)).is_ok());
        assert!(
            check_plan(&good, opens_at + Duration::days(6)).is_err(),
            "closing after the meeting starts"
        );
        assert!(
            check_plan(&good, opens_at + Duration::days(8)).is_err(),
            "the value fixed when the meeting starts"
        );
        let value_at = good.public_value_at.unwrap();
        let second = Duration::seconds(1);
        assert!(may_commit(value_at - second, value_at).is_ok());
        assert!(may_commit(value_at, value_at).is_err());
        assert!(may_draw(value_at - second, value_at).is_err());
        assert!(may_draw(value_at, value_at).is_ok());
    }

    #[test]
    fn first_come_seats_in_order_and_never_past_the_quota() {
        let quotas = [("legal".to_string(), 2), ("business".to_string(), 0)];
        let applicants: Vec<(String, String)> = [
            ("A", "legal"),
            ("B", "business"),
            ("C", "legal"),
            ("D", "legal"),
        ]
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect();
        let seats = first_come(&quotas, &applicants);
        assert_eq!(seats[0].seated, ["A", "C"]);
        assert_eq!(seats[0].waitlist, ["D"]);
        assert!(seats[1].seated.is_empty());
        assert_eq!(seats[1].waitlist, ["B"]);
    }

    #[test]
    fn only_the_bases_the_district_accepts_are_eligible() {
        let both = [Eligibility::LivesInDistrict, Eligibility::WorksInDistrict];
        assert!(check_eligibility(Eligibility::WorksInDistrict, &both).is_ok());
        let lives = [Eligibility::LivesInDistrict];
        assert!(check_eligibility(Eligibility::LivesInDistrict, &lives).is_ok());
        assert!(matches!(
            check_eligibility(Eligibility::WorksInDistrict, &lives),
            Err(Error::Invalid(errors)) if errors[0].field == "eligibility"
        ));
    }

    #[test]
    fn review_seats_the_accepted_in_order_then_queues_them() {
        assert_eq!(place_accepted(2, 0, 0), None);
        assert_eq!(place_accepted(2, 1, 0), None);
        assert_eq!(place_accepted(2, 2, 0), Some(1));
        assert_eq!(place_accepted(2, 2, 3), Some(4));
        assert_eq!(place_accepted(0, 0, 0), Some(1));
        let closed = MeetingStatus::ApplicationsClosed;
        assert!(may_review(closed, SelectionMethod::Review).is_ok());
        assert_eq!(
            code(may_review(closed, SelectionMethod::Lottery).unwrap_err()),
            "not_by_review"
        );
        assert_eq!(
            code(may_review(MeetingStatus::Drawn, SelectionMethod::Review).unwrap_err()),
            "review_closed"
        );
        assert_eq!(code(may_close_review(1).unwrap_err()), "reviews_pending");
        assert!(may_close_review(0).is_ok());
    }

    #[test]
    fn a_meeting_is_held_once_started_with_its_seats_allotted_then_recorded_and_closed() {
        let starts_at = Utc.with_ymd_and_hms(2021, 10, 28, 1, 0, 0).unwrap();
        let before = starts_at - Duration::seconds(1);
        assert!(may_hold(MeetingStatus::Drawn, false, starts_at, starts_at).is_ok());
        assert_eq!(
            code(may_hold(MeetingStatus::Drawn, false, starts_at, before).unwrap_err()),
            "meeting_not_started"
        );
        assert!(may_hold(MeetingStatus::Planned, false, starts_at, starts_at).is_ok());
        assert_eq!(
            code(
                may_hold(
                    MeetingStatus::ApplicationsClosed,
                    true,
                    starts_at,
                    starts_at
                )
                .unwrap_err()
            ),
            "seats_not_allotted"
        );
        assert_eq!(
            code(may_hold(MeetingStatus::Held, false, starts_at, starts_at).unwrap_err()),
            "already_held"
        );
        assert!(may_give_opinion(MeetingStatus::Drawn, false).is_ok());
        assert_eq!(
            code(may_give_opinion(MeetingStatus::Held, false).unwrap_err()),
            "opinions_closed",
            "a representative's opinion arrives before the meeting"
        );
        assert!(may_give_opinion(MeetingStatus::Held, true).is_ok());
        assert_eq!(
            code(may_give_opinion(MeetingStatus::MinutesPublished, true).unwrap_err()),
            "opinions_closed"
        );
        assert_eq!(
            code(may_record_outcome(MeetingStatus::Drawn).unwrap_err()),
            "meeting_not_held"
        );
        assert_eq!(
            code(may_publish_minutes(MeetingStatus::Held, true, 2).unwrap_err()),
            "opinions_unhandled"
        );
        assert_eq!(
            code(may_publish_minutes(MeetingStatus::Held, false, 0).unwrap_err()),
            "attendance_unrecorded"
        );
        assert!(may_publish_minutes(MeetingStatus::Held, true, 0).is_ok());
        assert_eq!(
            code(may_publish_minutes(MeetingStatus::MinutesPublished, true, 0).unwrap_err()),
            "minutes_published"
        );
        assert_eq!(
            code(may_select(MeetingStatus::Cancelled).unwrap_err()),
            "meeting_cancelled"
        );
        assert!(may_cancel(MeetingStatus::Drawn).is_ok());
        assert_eq!(
            code(may_cancel(MeetingStatus::Held).unwrap_err()),
            "already_held"
        );
    }

    #[test]
    fn every_deliberated_item_gets_one_outcome_and_no_other_does() {
        use crate::meetings::dto::ItemOutcome;
        let (a, b, other) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let given = |ids: &[Uuid]| -> Vec<ItemDeliberation> {
            ids.iter()
                .map(|&agenda_item_id| ItemDeliberation {
                    agenda_item_id,
                    outcome: ItemOutcome::Approved,
                    notes: None,
                })
                .collect()
        };
        assert!(check_deliberations(&[a, b], &given(&[b, a])).is_ok());
        assert!(check_deliberations(&[], &[]).is_ok());
        let fields = |linked: &[Uuid], ids: &[Uuid]| -> Vec<String> {
            match check_deliberations(linked, &given(ids)) {
                Err(Error::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(fields(&[a, b], &[a]), ["deliberations"]);
        assert_eq!(
            fields(&[a], &[a, a, other]),
            [
                "deliberations[1].agenda_item_id",
                "deliberations[2].agenda_item_id"
            ]
        );
    }
}
