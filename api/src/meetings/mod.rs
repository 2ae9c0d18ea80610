//! Executive meetings with public-representative observers: meetings and agendas, the
//! representatives' profiles, the seats per category, applications, and their allotment by
//! first come or by a lottery anyone can verify.

pub mod dto;
pub mod lottery;
pub mod routes;
pub mod rules;
pub mod service;
