//! CSV downloads for staff: UTF-8 with a byte-order mark, so spreadsheet programs read the
//! Chinese right, and cells that a spreadsheet would run as formulas defused.

use std::{future::Future, sync::Arc};

use poem::Body;
use poem_openapi::{payload::Binary, ApiResponse};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// Rows fetched per query while exporting: memory stays flat however many rows there are.
const BATCH: u64 = 1000;

pub const BYTE_ORDER_MARK: &str = "\u{feff}";

#[derive(ApiResponse)]
pub enum CsvFile {
    /// The rows, the first one naming the columns.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Csv(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

impl CsvFile {
    pub fn attachment(file_name: &str, body: Body) -> Self {
        Self::Csv(
            Binary(body),
            format!("attachment; filename=\"{file_name}\""),
        )
    }
}

/// One CSV record. A cell starting with `=`, `+`, `-` or `@` is prefixed with `'`.
pub fn csv_line<'a>(cells: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let cells: Vec<String> = cells
        .into_iter()
        .map(|cell| {
            if cell.starts_with(['=', '+', '-', '@']) {
                format!("'{cell}")
            } else {
                cell.to_string()
            }
        })
        .collect();
    writer
        .write_record(&cells)
        .expect("writing CSV to memory cannot fail");
    writer
        .into_inner()
        .expect("writing CSV to memory cannot fail")
}

/// A CSV streamed batch by batch, so an export of a million rows holds one batch in memory:
/// the header row of `columns`, then the CSV lines `next_batch` makes from a cursor (starting
/// at `start`), each batch with the cursor for the next, until it gives none. Batches are made
/// by a task of their own, one ahead of the client; a client that goes away stops it. A
/// failure, or a panic, ends the download as broken (the connection closes before the body's
/// end), never as a shorter file that looks complete; failures are logged.
pub fn stream_csv<S, F, Fut>(
    what: &'static str,
    columns: &[&str],
    start: S,
    mut next_batch: F,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static
where
    S: Send + 'static,
    F: FnMut(S) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = crate::error::Result<Option<(Vec<u8>, S)>>> + Send,
{
    let mut header = BYTE_ORDER_MARK.as_bytes().to_vec();
    header.extend(csv_line(columns.iter().copied()));
    // `Ok(None)` says the export is complete; a channel closed without it was cut short.
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Option<Vec<u8>>>>(2);
    tokio::spawn(async move {
        if tx.send(Ok(Some(header))).await.is_err() {
            return;
        }
        let mut cursor = start;
        loop {
            let chunk = match next_batch(cursor).await {
                Ok(Some((chunk, next))) => {
                    cursor = next;
                    chunk
                }
                Ok(None) => {
                    let _ = tx.send(Ok(None)).await;
                    return;
                }
                Err(err) => {
                    tracing::error!(error = %err, export = what, "export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            if tx.send(Ok(Some(chunk))).await.is_err() {
                return; // the client went away
            }
        }
    });
    futures_util::stream::unfold(Some(rx), |rx| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some(Ok(Some(chunk))) => Some((Ok(chunk), Some(rx))),
            Some(Ok(None)) => None,
            Some(Err(err)) => Some((Err(err), None)),
            None => Some((Err(std::io::Error::other("export stopped")), None)),
        }
    })
}

/// The rows `select` finds as a streamed CSV, fetched `BATCH` at a time in the order of their
/// id (the column `id`, read by `id_of`), each batch turned into CSV lines by `lines`.
pub fn stream_by_id<E, L, Fut>(
    what: &'static str,
    columns: &[&str],
    db: DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    id_of: fn(&E::Model) -> Uuid,
    lines: L,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static
where
    E: EntityTrait,
    E::Model: Send,
    L: Fn(Vec<E::Model>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = crate::error::Result<Vec<u8>>> + Send + 'static,
{
    let lines = Arc::new(lines);
    stream_csv(what, columns, None::<Uuid>, move |after| {
        let (db, mut select, lines) = (db.clone(), select.clone(), lines.clone());
        async move {
            if let Some(after) = after {
                select = select.filter(id.gt(after));
            }
            let batch = select.order_by_asc(id).limit(BATCH).all(&db).await?;
            let Some(last) = batch.last().map(id_of) else {
                return Ok(None);
            };
            Ok(Some((lines(batch).await?, Some(last))))
        }
    })
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    async fn download(fail_at: Option<u32>) -> Vec<std::io::Result<Vec<u8>>> {
        let rows = stream_csv("test", &["n"], 0, move |n: u32| async move {
            if fail_at == Some(n) {
                panic!("a bug in a batch");
            }
            Ok((n < 3).then(|| (format!("{n}\n").into_bytes(), n + 1)))
        });
        rows.collect().await
    }

    #[tokio::test]
    async fn a_download_cut_short_ends_broken_not_short() {
        let whole = download(None).await;
        assert_eq!(whole.len(), 4, "the header and three rows");
        assert!(whole.iter().all(Result::is_ok));

        let cut = download(Some(2)).await;
        assert_eq!(cut.len(), 4, "the header, two rows, then the break");
        assert!(cut[..3].iter().all(Result::is_ok));
        assert!(cut[3].is_err(), "a panic ends it as broken");
    }
}
