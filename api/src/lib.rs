//! Canyu (参与): the public-participation platform of a district government.
//!
//! Each domain area has its own folder (`routes` → `service` → storage); cross-cutting
//! pieces (errors, auth, cache, clock, idempotency, pagination, audit) live once at the top.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cache;
pub mod clock;
pub mod codes;
pub mod compression;
pub mod config;
pub mod console;
pub mod contract;
pub mod db;
pub mod decisions;
pub mod demo;
pub mod departments;
pub mod enums;
pub mod error;
pub mod events;
pub mod export;
pub mod idempotency;
pub mod input;
pub mod limits;
pub mod maintenance;
pub mod meetings;
pub mod notices;
pub mod openapi;
pub mod ops;
pub mod outbox;
pub mod pagination;
pub mod passwords;
pub mod personal_data;
pub mod privacy;
pub mod public_reads;
pub mod recent;
pub mod reports;
pub mod startup;
pub mod state;
pub mod surveys;
pub mod telemetry;
pub mod throttle;
pub mod timestamp;
pub mod web;
pub mod webhooks;
pub mod worker;
