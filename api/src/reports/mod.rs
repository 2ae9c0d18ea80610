//! Figures the district publishes, each computed from the records (none typed in): the
//! Government Open Month report and the yearly participation figures.

pub mod dto;
pub mod routes;
pub mod service;
