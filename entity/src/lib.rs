//! Canyu's tables as sea-orm entities, one module per table.

pub mod api_key;
pub mod app_meta;
pub mod audit_entry;
pub mod comment;
pub mod decision;
pub mod decision_event;
pub mod department;
pub mod draft;
pub mod draft_section;
pub mod event;
pub mod idempotency_key;
pub mod notification;
pub mod outbox_message;
pub mod role_grant;
pub mod session;
pub mod signup;
pub mod survey;
pub mod survey_answer;
pub mod survey_invitation;
pub mod survey_participation;
pub mod survey_question;
pub mod survey_response;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
