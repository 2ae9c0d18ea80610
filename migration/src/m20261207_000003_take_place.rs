//! A signup's seat or waitlist place taken in one statement on PostgreSQL: the function
//! locks the event's row, takes a seat if one is free and nobody waits (otherwise the next
//! place in line), and inserts the signup, all in the one round trip of its call, so that an
//! open day's row is held for the time of one statement rather than of a conversation.
//!
//! Each statement inside a PL/pgSQL function reads what was committed before it started, so
//! the check for people waiting, made after the lock is held, sees every signup before it
//! (one `WITH` statement would read from before its wait for the lock). A signup sent with an
//! `Idempotency-Key` marks it carried out in the same statement. The admission rules
//! stay in the service: it passes the facts it checked them on, and the function takes
//! nothing (no row) when they changed meanwhile, for the service to check again. SQLite, with
//! its single writer and no network, runs the same steps as statements of one transaction.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Replaced by `m20261207_000004_waitlist_length`, whose `down` brings it back.
pub(crate) const TAKE_PLACE: &str = r"
CREATE OR REPLACE FUNCTION canyu_take_place(
    p_event uuid, p_signup uuid, p_user uuid, p_party integer, p_code text, p_now timestamptz,
    p_status text, p_opens timestamptz, p_closes timestamptz, p_max_party integer,
    p_idempotency_scope text, p_idempotency_key text)
RETURNS TABLE (taken_status text, taken_queue_number integer)
LANGUAGE plpgsql AS $$
DECLARE
    seated boolean;
    queued integer;
BEGIN
    PERFORM 1 FROM events e
     WHERE e.id = p_event AND e.status = p_status AND e.signup_opens_at = p_opens
       AND e.signup_closes_at = p_closes AND e.max_party_size = p_max_party
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE events e SET seats_taken = e.seats_taken + p_party
     WHERE e.id = p_event AND e.seats_taken + p_party <= e.capacity
       AND NOT EXISTS (SELECT 1 FROM signups s
                        WHERE s.event_id = p_event AND s.status = 'waitlisted');
    seated := FOUND;
    IF NOT seated THEN
        UPDATE events e SET waitlist_seq = e.waitlist_seq + 1
         WHERE e.id = p_event
        RETURNING e.waitlist_seq INTO queued;
    END IF;
    INSERT INTO signups (id, event_id, user_id, party_size, status, queue_number,
                         checkin_code, created_at, updated_at)
    VALUES (p_signup, p_event, p_user, p_party,
            CASE WHEN seated THEN 'confirmed' ELSE 'waitlisted' END, queued,
            p_code, p_now, p_now);
    IF p_idempotency_scope IS NOT NULL THEN
        UPDATE idempotency_keys k SET committed_at = p_now
         WHERE k.scope = p_idempotency_scope AND k.key = p_idempotency_key;
    END IF;
    RETURN QUERY SELECT CASE WHEN seated THEN 'confirmed' ELSE 'waitlisted' END, queued;
END
$$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(TAKE_PLACE)
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("DROP FUNCTION IF EXISTS canyu_take_place")
            .await?;
        Ok(())
    }
}
