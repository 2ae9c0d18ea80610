//! The staff console's overview: what waits for the caller's department in every area, so
//! that staff start where the work is.

pub mod routes;
