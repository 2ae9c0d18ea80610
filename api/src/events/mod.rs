//! Government Open Month: open-day events, signups with a waitlist that never oversells,
//! check-in at the door.

pub mod checkins;
pub mod dto;
pub mod routes;
pub mod rules;
pub mod service;
pub mod signups;
