//! Webhooks for app backends: what reaches the outbox is also posted, signed with
//! HMAC-SHA256, to every webhook that asked for its kind, and retried with backoff until it
//! is taken. Each delivery has a unique id, so the receiver can de-duplicate.

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};
use hmac::{Hmac, Mac};
use poem_openapi::{types::Example, Object};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use sha2::Sha256;
use uuid::Uuid;

use crate::{
    audit::{self, AuditEvent},
    auth::{new_secret, Actor},
    enums::{self, name},
    error::{Error, FieldCode, Result},
    notices::{Notice, NoticeKind},
    state::AppState,
    timestamp::Timestamp,
};

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 8;
/// A delivery being sent is leased for this long, so another instance does not send it too.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
const TIMEOUT: Duration = Duration::from_secs(10);
const BATCH: u64 = 50;

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewWebhook {
    /// Where to post, `https://…` (or `http://` inside the district's network).
    #[oai(validator(
        min_length = 8,
        max_length = 2000,
        pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$"
    ))]
    pub url: String,
    /// The kinds of notice to receive.
    #[oai(validator(min_items = 1, max_items = 10))]
    pub kinds: Vec<NoticeKind>,
}

impl Example for NewWebhook {
    fn example() -> Self {
        Self {
            url: "https://app.example.gov.cn/canyu/hooks".into(),
            kinds: vec![NoticeKind::WaitlistOffer],
        }
    }
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub kinds: Vec<NoticeKind>,
    pub active: bool,
    pub created_at: Timestamp,
    /// The signing secret: in the answer that creates the webhook only.
    pub secret: Option<String>,
}

fn view(w: webhook::Model, with_secret: bool) -> Result<Webhook> {
    Ok(Webhook {
        id: w.id,
        url: w.url,
        kinds: w
            .kinds
            .split_whitespace()
            .map(enums::parse)
            .collect::<Result<_>>()?,
        active: w.active,
        created_at: w.created_at.into(),
        secret: with_secret.then_some(w.secret),
    })
}

pub async fn create(state: &AppState, actor: Actor, form: NewWebhook) -> Result<Webhook> {
    let allow_internal = state.config.webhooks_to_internal;
    if let Err(refusal) = destination(form.url.trim(), allow_internal).await {
        // A name that does not resolve yet may later; it is checked again at every send.
        if refusal != Refusal::Unresolved {
            return Err(Error::invalid(
                "url",
                FieldCode::Invalid,
                refusal.to_string(),
            ));
        }
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let created = webhook::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(form.url.trim().to_string()),
        secret: Set(new_secret()),
        kinds: Set(form
            .kinds
            .iter()
            .map(|k| name(*k))
            .collect::<Vec<_>>()
            .join(" ")),
        active: Set(true),
        created_by: Set(actor.user_id()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let event = AuditEvent {
        action: "webhook.create",
        entity_type: "webhook",
        entity_id: created.id.to_string(),
        detail: json!({"url": created.url, "kinds": created.kinds}),
    };
    audit::record(&txn, now, actor, event).await?;
    txn.commit().await?;
    view(created, true)
}

pub async fn list(state: &AppState) -> Result<Vec<Webhook>> {
    let rows = webhook::Entity::find()
        .order_by_asc(webhook::Column::Id)
        .all(&state.db)
        .await?;
    rows.into_iter().map(|w| view(w, false)).collect()
}

pub async fn deactivate(state: &AppState, actor: Actor, id: Uuid) -> Result<()> {
    let txn = state.db.begin().await?;
    let found = webhook::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("webhook"))?;
    let mut active: webhook::ActiveModel = found.into();
    active.active = Set(false);
    active.update(&txn).await?;
    let event = AuditEvent {
        action: "webhook.deactivate",
        entity_type: "webhook",
        entity_id: id.to_string(),
        detail: json!({}),
    };
    audit::record(&txn, state.clock.now(), actor, event).await?;
    txn.commit().await?;
    Ok(())
}

/// Queues `notice` for every active webhook that receives its kind (called by the outbox
/// worker, in the transaction that delivers the message).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    user_id: Option<Uuid>,
    notice: &Notice,
) -> Result<()> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?;
    for hook in hooks
        .iter()
        .filter(|h| h.kinds.split_whitespace().any(|k| k == name(notice.kind)))
    {
        let id = Uuid::now_v7();
        let payload = json!({
            "delivery_id": id, "kind": notice.kind, "occurred_at": now, "user_id": user_id,
            "title": notice.title, "body": notice.body, "title_en": notice.title_en,
            "body_en": notice.body_en, "link": notice.link,
        });
        webhook_delivery::ActiveModel {
            id: Set(id),
            webhook_id: Set(hook.id),
            kind: Set(name(notice.kind)),
            payload: Set(payload),
            attempts: Set(0),
            next_attempt_at: Set(now),
            delivered_at: Set(None),
            last_status: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The signature a receiver checks: hex HMAC-SHA256 of `"{timestamp}.{body}"` with the secret.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// How long to wait after `attempts` failures: 1 min, 2 min, 4 min, … at most 6 h.
fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(30 * 2_i64.pow(attempts.clamp(0, 10) as u32))
        .min(chrono::Duration::hours(6))
}

/// Sends the deliveries that are due; returns how many were taken by their receiver.
pub async fn deliver_due(state: &AppState) -> Result<u64> {
    let now = state.clock.now();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::DeliveredAt.is_null())
        .filter(webhook_delivery::Column::Attempts.lt(MAX_ATTEMPTS))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut delivered = 0;
    for delivery in due {
        let leased = webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::NextAttemptAt,
                Expr::value(now + LEASE),
            )
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::NextAttemptAt.eq(delivery.next_attempt_at))
            .filter(webhook_delivery::Column::DeliveredAt.is_null())
            .exec(&state.db)
            .await?;
        if leased.rows_affected == 0 {
            continue; // another instance is sending it
        }
        let hook = webhook::Entity::find_by_id(delivery.webhook_id)
            .one(&state.db)
            .await?;
        let Some(hook) = hook.filter(|h| h.active) else {
            // Switched off: give the delivery up rather than send it.
            webhook_delivery::Entity::update_many()
                .col_expr(
                    webhook_delivery::Column::Attempts,
                    Expr::value(MAX_ATTEMPTS),
                )
                .filter(webhook_delivery::Column::Id.eq(delivery.id))
                .exec(&state.db)
                .await?;
            continue;
        };
        let body = serde_json::to_vec(&delivery.payload).map_err(anyhow::Error::from)?;
        let timestamp = now.timestamp();
        let headers = [
            ("content-type", "application/json".to_string()),
            ("x-canyu-delivery", delivery.id.to_string()),
            ("x-canyu-event", delivery.kind.clone()),
            ("x-canyu-timestamp", timestamp.to_string()),
            (
                "x-canyu-signature",
                signature(&hook.secret, timestamp, &body),
            ),
        ];
        let sent = post(&hook.url, headers, body, state.config.webhooks_to_internal).await;
        let status = sent.map(|s| i32::from(s.as_u16()));
        let taken = sent.is_some_and(|s| s.is_success());
        let attempts = delivery.attempts + 1;
        let mut update = webhook_delivery::ActiveModel {
            id: Set(delivery.id),
            attempts: Set(attempts),
            last_status: Set(status),
            ..Default::default()
        };
        if taken {
            update.delivered_at = Set(Some(now));
            delivered += 1;
        } else {
            update.next_attempt_at = Set(now + backoff(attempts));
            log_failure(&hook.url, status, attempts);
        }
        update.update(&state.db).await?;
    }
    Ok(delivered)
}

/// Posts a delivery to the address `url` resolves to, once checked, following no redirect;
/// the receiver's status, or none when nothing answered (or the address was refused).
async fn post(
    url: &str,
    headers: [(&str, String); 5],
    body: Vec<u8>,
    allow_internal: bool,
) -> Option<reqwest::StatusCode> {
    let (host, addr) = match destination(url, allow_internal).await {
        Ok(checked) => checked,
        Err(refusal) => {
            let host = url.split('/').nth(2).unwrap_or_default();
            tracing::warn!(host, %refusal, "webhook address refused");
            return None;
        }
    };
    // Sent to the address just checked, so that a second lookup cannot point elsewhere.
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, addr)
        .build()
        .ok()?;
    let mut request = client.post(url).body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.send().await.ok().map(|response| response.status())
}

fn log_failure(url: &str, status: Option<i32>, attempts: i32) {
    let host = url.split('/').nth(2).unwrap_or_default();
    tracing::warn!(
        host,
        ?status,
        attempts,
        "webhook delivery failed; will retry"
    );
}

/// Forgets deliveries made before `before` that are finished (taken, or given up).
pub async fn forget_finished(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    let finished = Condition::any()
        .add(webhook_delivery::Column::DeliveredAt.is_not_null())
        .add(webhook_delivery::Column::Attempts.gte(MAX_ATTEMPTS));
    let deleted = webhook_delivery::Entity::delete_many()
        .filter(finished)
        .filter(webhook_delivery::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Why a webhook address is not called.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not an http(s) address")]
    NotHttp,
    #[error("credentials do not belong in the address; sign with the webhook secret instead")]
    Credentials,
    #[error("the host name does not resolve")]
    Unresolved,
    #[error("the address is inside a private, loopback or link-local network")]
    Internal,
}

/// Where a webhook's POST goes: its host and the address it resolves to, checked. Loopback,
/// private, link-local (cloud metadata at 169.254.169.254), shared and unspecified addresses
/// are refused unless the installation allows internal targets.
pub async fn destination(url: &str, allow_internal: bool) -> Result<(String, SocketAddr), Refusal> {
    let url = reqwest::Url::parse(url).map_err(|_| Refusal::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refusal::NotHttp);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Credentials);
    }
    let host = url.host_str().ok_or(Refusal::NotHttp)?;
    let port = url.port_or_known_default().ok_or(Refusal::NotHttp)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| Refusal::Unresolved)?
            .collect(),
    };
    let first = *addresses.first().ok_or(Refusal::Unresolved)?;
    if !allow_internal && addresses.iter().any(|a| is_internal(a.ip())) {
        return Err(Refusal::Internal);
    }
    Ok((bare.to_string(), first))
}

/// Addresses no webhook may reach from the service's own network position.
fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [first, second, ..] = a.octets();
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_documentation()
                || first == 0
                || (first == 100 && (second & 0xc0) == 64)
        }
        IpAddr::V6(a) => {
            let first = a.segments()[0];
            a.is_loopback()
                || a.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || a.to_ipv4_mapped()
                    .is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_and_credentialled_addresses_are_refused() {
        for (url, refusal) in [
            ("http://127.0.0.1:8080/hook", Refusal::Internal),
            ("http://169.254.169.254/latest/meta-data", Refusal::Internal),
            ("http://10.1.2.3/hook", Refusal::Internal),
            ("http://192.168.0.1/hook", Refusal::Internal),
            ("http://[::1]/hook", Refusal::Internal),
            ("http://[::ffff:127.0.0.1]/hook", Refusal::Internal),
            ("http://0.0.0.0/hook", Refusal::Internal),
            ("http://localhost/hook", Refusal::Internal),
            ("https://user:secret@203.0.114.9/hook", Refusal::Credentials),
            ("ftp://203.0.114.9/hook", Refusal::NotHttp),
        ] {
            assert_eq!(destination(url, false).await.unwrap_err(), refusal, "{url}");
        }
        let public = destination("https://203.0.114.9/hook", false)
            .await
            .unwrap();
        assert_eq!(public.1, "203.0.114.9:443".parse().unwrap());
        assert!(destination("http://127.0.0.1:8080/hook", true)
            .await
            .is_ok());
    }
}
