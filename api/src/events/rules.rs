//! The rules of open days, as plain functions over plain values (`now` is an argument): who
//! may sign up, and the seat arithmetic. The service and its SQL call or mirror these.

use chrono::{DateTime, Duration, Utc};

use super::dto::EventStatus;
use crate::error::{Error, FieldCode, FieldError, Result};

/// When an event takes signups.
#[derive(Clone, Copy, Debug)]
pub struct SignupWindow {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl SignupWindow {
    /// Open from `opens_at` (inclusive) to `closes_at` (exclusive).
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.opens_at <= now && now < self.closes_at
    }
}

/// Whether a person may sign up now for a party of `party_size`: the event is published, its
/// window is open and the party within the event's limit. A draft reads as missing.
pub fn admit(
    status: EventStatus,
    window: SignupWindow,
    now: DateTime<Utc>,
    party_size: i32,
    max_party_size: i32,
) -> Result<()> {
    match status {
        EventStatus::Published => {}
        EventStatus::Cancelled => {
            return Err(Error::conflict(
                "event_cancelled",
                "the event has been cancelled",
            ))
        }
        EventStatus::Draft => return Err(Error::NotFound("event")),
    }
    if now < window.opens_at {
        return Err(Error::conflict(
            "signup_not_open",
            "signups for this event have not opened yet",
        ));
    }
    if now >= window.closes_at {
        return Err(Error::conflict(
            "signup_closed",
            "signups for this event have closed",
        ));
    }
    if party_size > max_party_size {
        let message = format!("at most {max_party_size} people per signup, you included");
        let error = FieldError::new("party_size", FieldCode::OutOfRange, message)
            .min(1)
            .max(i64::from(max_party_size));
        return Err(error.into());
    }
    Ok(())
}

/// When an open day's door takes check-ins: from `opens_before` its start until its end.
#[derive(Clone, Copy, Debug)]
pub struct CheckinWindow {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub opens_before: Duration,
}

impl CheckinWindow {
    pub fn opens_at(&self) -> DateTime<Utc> {
        self.starts_at - self.opens_before
    }

    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.opens_at() <= at && at <= self.ends_at
    }
}

/// When a scan made offline counts as the check-in: at its own time, but never later than it
/// arrived here (a device clock may run ahead). None when that time is outside the event's
/// check-in window or before the signup was made: such a scan is refused, never moved into
/// the window.
pub fn scan_time(
    scanned_at: DateTime<Utc>,
    arrived_at: DateTime<Utc>,
    window: CheckinWindow,
    signed_up_at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let at = scanned_at.min(arrived_at);
    (window.is_open(at) && signed_up_at <= at).then_some(at)
}

/// Seats of an event: how many there are and how many are held (confirmed or offered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seats {
    pub capacity: i32,
    pub taken: i32,
}

impl Seats {
    pub fn left(self) -> i32 {
        self.capacity - self.taken
    }

    /// Whether `party` more seats fit. The SQL mirrors it: `seats_taken + n <= capacity`.
    pub fn fits(self, party: i32) -> bool {
        self.taken + party <= self.capacity
    }

    /// A newcomer gets a seat only when it fits and nobody is waiting: the line is served in
    /// order.
    pub fn admits_newcomer(self, party: i32, anyone_waiting: bool) -> bool {
        !anyone_waiting && self.fits(party)
    }

    /// Seats a newcomer can get now: none while anyone is waiting, as the line comes first.
    pub fn open_to_newcomers(self, anyone_waiting: bool) -> i32 {
        if anyone_waiting {
            0
        } else {
            self.left().max(0)
        }
    }

    /// Whether the capacity may change to `capacity`: never below the seats held.
    pub fn may_resize(self, capacity: i32) -> bool {
        capacity >= self.taken
    }

    /// How many people at the head of the line (their parties in line order) get a seat
    /// offered now: each in turn while their party fits; a party that does not fit stops the
    /// line, so nobody behind it jumps ahead.
    pub fn offers(self, line: &[i32]) -> usize {
        let mut seats = self;
        line.iter()
            .take_while(|&&party| {
                let fits = seats.fits(party);
                if fits {
                    seats.taken += party;
                }
                fits
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, 1, 0, 0, 0).unwrap() + Duration::seconds(secs)
    }

    fn window() -> SignupWindow {
        SignupWindow {
            opens_at: at(0),
            closes_at: at(3600),
        }
    }

    fn code(result: Result<()>) -> String {
        match result {
            Ok(()) => "ok".into(),
            Err(Error::Conflict { code, .. }) => code.into(),
            Err(Error::NotFound(_)) => "not_found".into(),
            Err(Error::Invalid(errors)) => format!("{}:{:?}", errors[0].field, errors[0].code),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn signups_are_taken_from_the_opening_second_until_before_the_closing_one() {
        let admit_at = |secs| code(admit(EventStatus::Published, window(), at(secs), 1, 2));
        assert_eq!(admit_at(-1), "signup_not_open");
        assert_eq!(admit_at(0), "ok");
        assert_eq!(admit_at(3599), "ok");
        assert_eq!(admit_at(3600), "signup_closed");
    }

    #[test]
    fn a_party_at_the_limit_is_admitted_and_one_over_is_refused() {
        let admit_party = |n| code(admit(EventStatus::Published, window(), at(1), n, 4));
        assert_eq!(admit_party(4), "ok");
        assert_eq!(admit_party(5), "party_size:OutOfRange");
    }

    #[test]
    fn only_published_events_take_signups() {
        let status = |s| code(admit(s, window(), at(1), 1, 2));
        assert_eq!(status(EventStatus::Cancelled), "event_cancelled");
        assert_eq!(status(EventStatus::Draft), "not_found");
    }

    #[test]
    fn a_scan_counts_within_the_check_in_window_only() {
        let event = CheckinWindow {
            starts_at: at(3 * 3600),
            ends_at: at(5 * 3600),
            opens_before: Duration::hours(2),
        };
        let signed_up = at(-86_400);
        let scan = |secs| scan_time(at(secs), at(6 * 3600), event, signed_up);
        assert_eq!(scan(3600), Some(at(3600)), "two hours before the start");
        assert_eq!(scan(3599), None);
        assert_eq!(scan(5 * 3600), Some(at(5 * 3600)));
        assert_eq!(scan(5 * 3600 + 1), None, "after the end");
        assert_eq!(scan(-300 * 86_400), None, "300 days early");
        let late_signup = scan_time(at(4000), at(6 * 3600), event, at(5000));
        assert_eq!(late_signup, None, "before the signup existed");
        let ahead = scan_time(at(4 * 3600), at(4 * 3600 - 60), event, signed_up);
        assert_eq!(
            ahead,
            Some(at(4 * 3600 - 60)),
            "a device clock ahead counts as arrival"
        );
        let sooner = CheckinWindow {
            opens_before: Duration::minutes(30),
            ..event
        };
        assert_eq!(scan_time(at(3600), at(6 * 3600), sooner, signed_up), None);
        assert_eq!(
            scan_time(at(3 * 3600 - 1800), at(6 * 3600), sooner, signed_up),
            Some(at(3 * 3600 - 1800))
        );
    }

    #[test]
    fn the_last_seat_fits_and_none_after_it() {
        let seats = Seats {
            capacity: 3,
            taken: 2,
        };
        assert!(seats.fits(1));
        assert!(!seats.fits(2));
        assert_eq!(
            Seats {
                capacity: 3,
                taken: 3
            }
            .left(),
            0
        );
        assert!(!seats.admits_newcomer(1, true), "the line comes first");
        assert_eq!(seats.open_to_newcomers(false), 1);
        assert_eq!(
            seats.open_to_newcomers(true),
            0,
            "a seat a newcomer cannot get is not free"
        );
    }

    #[test]
    fn a_party_that_does_not_fit_stops_the_line() {
        let seats = Seats {
            capacity: 5,
            taken: 2,
        };
        assert_eq!(seats.offers(&[2, 2, 1]), 1);
        assert_eq!(seats.offers(&[1, 1, 1, 1]), 3);
        assert_eq!(seats.offers(&[]), 0);
    }

    /// An event as the service keeps it, driven only through the rules above.
    #[derive(Debug)]
    struct Model {
        seats: Seats,
        /// Held seats (confirmed or offered): party sizes by signup number.
        holding: Vec<(u32, i32)>,
        /// Waiting, in queue order: (signup number, party).
        line: VecDeque<(u32, i32)>,
        next: u32,
    }

    impl Model {
        fn sign_up(&mut self, party: i32) {
            let id = self.next;
            self.next += 1;
            if self.seats.admits_newcomer(party, !self.line.is_empty()) {
                self.seats.taken += party;
                self.holding.push((id, party));
            } else {
                self.line.push_back((id, party));
            }
        }

        fn release(&mut self, pick: usize) {
            if self.holding.is_empty() {
                return;
            }
            let (_, party) = self.holding.remove(pick % self.holding.len());
            self.seats.taken -= party;
            self.offer();
        }

        fn leave_line(&mut self, pick: usize) {
            if !self.line.is_empty() {
                self.line.remove(pick % self.line.len());
                // A new head may fit where the old one did not.
                self.offer();
            }
        }

        fn resize(&mut self, capacity: i32) {
            if self.seats.may_resize(capacity) {
                self.seats.capacity = capacity;
                self.offer();
            }
        }

        fn offer(&mut self) {
            let parties: Vec<i32> = self.line.iter().map(|(_, p)| *p).collect();
            for _ in 0..self.seats.offers(&parties) {
                let (id, party) = self.line.pop_front().expect("offered from the line");
                self.seats.taken += party;
                self.holding.push((id, party));
            }
        }
    }

    #[derive(Clone, Debug)]
    enum Step {
        SignUp(i32),
        Cancel(usize),
        Decline(usize),
        LeaveLine(usize),
        Resize(i32),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (1..=4i32).prop_map(Step::SignUp),
            2 => any::<usize>().prop_map(Step::Cancel),
            1 => any::<usize>().prop_map(Step::Decline),
            1 => any::<usize>().prop_map(Step::LeaveLine),
            1 => (0..=12i32).prop_map(Step::Resize),
        ]
    }

    proptest! {
        #[test]
        fn seats_stay_within_capacity_and_the_line_in_order(
            capacity in 0..=10i32,
            steps in prop::collection::vec(step(), 0..60),
        ) {
            let mut event = Model {
                seats: Seats { capacity, taken: 0 },
                holding: Vec::new(),
                line: VecDeque::new(),
                next: 0,
            };
            for step in steps {
                match step {
                    Step::SignUp(party) => event.sign_up(party),
                    Step::Cancel(pick) | Step::Decline(pick) => event.release(pick),
                    Step::LeaveLine(pick) => event.leave_line(pick),
                    Step::Resize(capacity) => event.resize(capacity),
                }
                let held: i32 = event.holding.iter().map(|(_, p)| p).sum();
                prop_assert_eq!(event.seats.taken, held, "seats taken are the seats held");
                prop_assert!(event.seats.taken <= event.seats.capacity, "oversold: {:?}", event);
                prop_assert!(
                    event.line.iter().zip(event.line.iter().skip(1)).all(|(a, b)| a.0 < b.0),
                    "line out of order: {:?}", event
                );
                if let Some((_, head)) = event.line.front() {
                    prop_assert!(!event.seats.fits(*head), "a seat stays free while the head waits: {:?}", event);
                }
            }
        }
    }
}
