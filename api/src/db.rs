//! Connecting to the database, SQLite (the embedded default) or PostgreSQL, and loading a
//! row by id.

use std::{path::Path, time::Duration};

use uuid::Uuid;

use anyhow::Context;
use sea_orm::{
    sea_query::LockType,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PrimaryKeyTrait, QuerySelect,
};

/// Opens the database at `url`; on PostgreSQL with at most `connections` connections.
pub async fn connect(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    if url.starts_with("sqlite:") {
        create_sqlite_folder(url)?;
        // One connection serialises the writes, so concurrent requests queue instead of failing
        // with "database is locked"; WAL keeps readers of other processes out of the way.
        options
            .max_connections(1)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
            })
            .acquire_timeout(Duration::from_secs(30));
    } else {
        // A request waits this long for a connection before it gets a 503 to retry: while
        // the server restarts, clients hear so at once rather than hang.
        options
            .max_connections(connections)
            .connect_timeout(Duration::from_secs(2))
            .acquire_timeout(Duration::from_secs(5));
    }
    Database::connect(options)
        .await
        .with_context(|| format!("cannot open the database at {}", redact(url)))
}

/// The row with primary key `id`, or a 404 naming `what`.
pub async fn find<E>(
    db: &impl ConnectionTrait,
    id: Uuid,
    what: &'static str,
) -> crate::error::Result<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    E::find_by_id(id)
        .one(db)
        .await?
        .ok_or(crate::error::Error::NotFound(what))
}

/// `find`, locking the row until the transaction ends (`FOR UPDATE`), so that writes about
/// it happen one after another across instances. SQLite needs no lock: it has one connection.
pub async fn find_locked<E>(
    txn: &DatabaseTransaction,
    id: Uuid,
    what: &'static str,
) -> crate::error::Result<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    find_with_lock::<E>(txn, id, what, LockType::Update).await
}

/// `find`, keeping the row from changing until the transaction ends (`FOR SHARE`): writers
/// that lock it (`find_locked`) wait, while others that only share it go on together.
pub async fn find_shared<E>(
    txn: &DatabaseTransaction,
    id: Uuid,
    what: &'static str,
) -> crate::error::Result<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    find_with_lock::<E>(txn, id, what, LockType::Share).await
}

async fn find_with_lock<E>(
    txn: &DatabaseTransaction,
    id: Uuid,
    what: &'static str,
    lock: LockType,
) -> crate::error::Result<E::Model>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<Uuid>,
{
    E::find_by_id(id)
        .lock(lock)
        .one(txn)
        .await?
        .ok_or(crate::error::Error::NotFound(what))
}

fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(folder) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create the folder {}", folder.display()))?;
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://canyu:secret@db/canyu"),
            "postgres://canyu:***@db/canyu"
        );
        assert_eq!(
            super::redact("postgres://postgres@localhost/x"),
            "postgres://postgres@localhost/x"
        );
    }
}
