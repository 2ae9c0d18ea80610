//! Surveys after open days: questions staff attach to an event, answered once and
//! anonymously by the people who came, and the figures counted from the answers.

pub mod dto;
pub mod routes;
pub mod rules;
pub mod service;
