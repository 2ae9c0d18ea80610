//! Accounts: registration, login, sessions, roles, departments, API keys and the audit log
//! as admins see it.

pub mod dto;
pub mod login;
pub mod profile;
pub mod routes;
pub mod service;
pub mod throttle;
