//! Major decisions: the yearly catalog, each decision's chain from draft to result, the
//! comment collection and the computed feedback report (采纳情况).

pub mod comments;
pub mod dto;
pub mod routes;
pub mod rules;
pub mod sections;
pub mod service;
pub mod stage;
