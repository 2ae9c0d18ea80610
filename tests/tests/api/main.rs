//! Black-box tests of Canyu over HTTP. One binary, so the harness links once.

mod accounts;
mod admin;
mod browser;
mod burst;
mod cache;
mod comments;
mod decisions;
mod demo;
mod events;
mod idempotency;
mod maintenance;
mod meeting_outcomes;
mod meetings;
mod openapi_spec;
mod ops;
mod outages;
mod public_reads;
mod reports;
mod self_service;
mod surveys;
mod webhooks;
