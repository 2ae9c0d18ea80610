//! How many wait for a seat of each open day, kept on its row by triggers on `signups`, so
//! that no read counts the line: a newcomer's place in it, the calendar's waitlist lengths,
//! and the check that nobody waits before a seat is given are each one column of the row.
//! Every change of a signup's status passes through the triggers, whichever code makes it.
//!
//! `canyu_take_place` now checks that column and answers the newcomer's place in line, with
//! the event's title and start as read under its lock, so that a signup is answered from the
//! one round trip of the call.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DatabaseBackend};

use crate::m20261207_000003_take_place;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Triggers of both backends: one for each way a signup can join or leave the line.
const SQLITE_TRIGGERS: [&str; 3] = [
    "CREATE TRIGGER signups_waiting_insert AFTER INSERT ON signups
     WHEN NEW.status = 'waitlisted'
     BEGIN UPDATE events SET waitlist_length = waitlist_length + 1 WHERE id = NEW.event_id; END",
    "CREATE TRIGGER signups_waiting_delete AFTER DELETE ON signups
     WHEN OLD.status = 'waitlisted'
     BEGIN UPDATE events SET waitlist_length = waitlist_length - 1 WHERE id = OLD.event_id; END",
    "CREATE TRIGGER signups_waiting_update AFTER UPDATE OF status ON signups
     WHEN (OLD.status = 'waitlisted') <> (NEW.status = 'waitlisted')
     BEGIN UPDATE events
              SET waitlist_length = waitlist_length + (NEW.status = 'waitlisted')
                                                    - (OLD.status = 'waitlisted')
            WHERE id = NEW.event_id; END",
];

const POSTGRES_TRIGGERS: [&str; 4] = [
    "CREATE FUNCTION canyu_count_waiting() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'waitlisted' THEN
             UPDATE events SET waitlist_length = waitlist_length - 1 WHERE id = OLD.event_id;
         END IF;
         IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'waitlisted' THEN
             UPDATE events SET waitlist_length = waitlist_length + 1 WHERE id = NEW.event_id;
         END IF;
         RETURN NULL;
     END $$",
    "CREATE TRIGGER signups_waiting_insert AFTER INSERT ON signups FOR EACH ROW
     WHEN (NEW.status = 'waitlisted') EXECUTE FUNCTION canyu_count_waiting()",
    "CREATE TRIGGER signups_waiting_delete AFTER DELETE ON signups FOR EACH ROW
     WHEN (OLD.status = 'waitlisted') EXECUTE FUNCTION canyu_count_waiting()",
    "CREATE TRIGGER signups_waiting_update AFTER UPDATE OF status ON signups FOR EACH ROW
     WHEN ((OLD.status = 'waitlisted') <> (NEW.status = 'waitlisted'))
     EXECUTE FUNCTION canyu_count_waiting()",
];

const TAKE_PLACE: &str = r"
CREATE FUNCTION canyu_take_place(
    p_event uuid, p_signup uuid, p_user uuid, p_party integer, p_code text, p_now timestamptz,
    p_status text, p_opens timestamptz, p_closes timestamptz, p_max_party integer,
    p_idempotency_scope text, p_idempotency_key text)
RETURNS TABLE (taken_status text, taken_queue_number integer, waitlist_position integer,
               event_title text, event_starts_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    seated boolean;
    queued integer;
    v_title text;
    v_starts_at timestamptz;
BEGIN
    SELECT e.title, e.starts_at INTO v_title, v_starts_at FROM events e
     WHERE e.id = p_event AND e.status = p_status AND e.signup_opens_at = p_opens
       AND e.signup_closes_at = p_closes AND e.max_party_size = p_max_party
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    UPDATE events e SET seats_taken = e.seats_taken + p_party
     WHERE e.id = p_event AND e.seats_taken + p_party <= e.capacity AND e.waitlist_length = 0;
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
    -- The newcomer is last in line: its place is the line's length, counted by the trigger.
    RETURN QUERY
        SELECT CASE WHEN seated THEN 'confirmed' ELSE 'waitlisted' END, queued,
               CASE WHEN seated THEN NULL ELSE e.waitlist_length END, v_title, v_starts_at
          FROM events e WHERE e.id = p_event;
END
$$";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(integer(Events::WaitlistLength).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE events SET waitlist_length = (SELECT count(*) FROM signups s \
             WHERE s.event_id = events.id AND s.status = 'waitlisted')",
        )
        .await?;
        let statements: &[&str] = match manager.get_database_backend() {
            DatabaseBackend::Postgres => &POSTGRES_TRIGGERS,
            _ => &SQLITE_TRIGGERS,
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION canyu_take_place")
                .await?;
            db.execute_unprepared(TAKE_PLACE).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for trigger in ["insert", "delete", "update"] {
            let on = if manager.get_database_backend() == DatabaseBackend::Postgres {
                " ON signups"
            } else {
                ""
            };
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS signups_waiting_{trigger}{on}"
            ))
            .await?;
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS canyu_count_waiting")
                .await?;
            db.execute_unprepared("DROP FUNCTION canyu_take_place")
                .await?;
            db.execute_unprepared(m20261207_000003_take_place::TAKE_PLACE)
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::WaitlistLength)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    WaitlistLength,
}
