//! The answers of the personal-data API.

use poem_openapi::{types::Example, Object};

use crate::{
    accounts::dto::{Notification, User},
    decisions::dto::CommentReceipt,
    events::dto::Signup,
    meetings::dto::{Application, Opinion, Representative},
    timestamp::Timestamp,
};

/// Everything the platform holds about the caller, as they see it themselves. Survey
/// answers are not in it: they are stored apart from who gave them, so nobody can find
/// them by person.
#[derive(Object, Debug)]
#[oai(example)]
pub struct MyData {
    pub exported_at: Timestamp,
    pub account: User,
    /// Newest first, in Chinese.
    pub notifications: Vec<Notification>,
    /// Newest first, with their text.
    pub comments: Vec<CommentReceipt>,
    /// Newest first.
    pub signups: Vec<Signup>,
    pub representative_profiles: Vec<Representative>,
    pub meeting_applications: Vec<Application>,
    pub meeting_opinions: Vec<Opinion>,
}

impl Example for MyData {
    fn example() -> Self {
        Self {
            exported_at: User::example().created_at,
            account: User::example(),
            notifications: vec![Notification::example()],
            comments: vec![CommentReceipt::example()],
            signups: vec![Signup::example()],
            representative_profiles: vec![],
            meeting_applications: vec![],
            meeting_opinions: vec![],
        }
    }
}

/// The caller's password, to confirm that they themselves delete their account.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ErasureRequest {
    #[oai(validator(min_length = 1, max_length = 128), write_only)]
    pub password: String,
}

impl Example for ErasureRequest {
    fn example() -> Self {
        Self {
            password: "correct horse battery".into(),
        }
    }
}

/// What deleting the account did.
#[derive(Object, Debug)]
#[oai(example)]
pub struct Erasure {
    /// Comments kept in the record under an anonymous name.
    pub comments_anonymised: u64,
    /// Signups for open days still to come, cancelled (their seats offered to the waitlist).
    pub signups_cancelled: u64,
    /// Signups for past open days, kept without the person.
    pub signups_anonymised: u64,
}

impl Example for Erasure {
    fn example() -> Self {
        Self {
            comments_anonymised: 3,
            signups_cancelled: 1,
            signups_anonymised: 2,
        }
    }
}
