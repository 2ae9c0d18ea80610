//! CSV downloads for staff: UTF-8 with a byte-order mark, so spreadsheet programs read the
//! Chinese right, and cells that a spreadsheet would run as formulas defused.

use poem::Body;
use poem_openapi::{payload::Binary, ApiResponse};

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
/// by a task of their own, one ahead of the client; a client that goes away stops it, and a
/// failure ends the download short (and is logged).
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
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(2);
    tokio::spawn(async move {
        if tx.send(Ok(header)).await.is_err() {
            return;
        }
        let mut cursor = start;
        loop {
            let chunk = match next_batch(cursor).await {
                Ok(Some((chunk, next))) => {
                    cursor = next;
                    chunk
                }
                Ok(None) => return,
                Err(err) => {
                    tracing::error!(error = %err, export = what, "export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            if tx.send(Ok(chunk)).await.is_err() {
                return; // the client went away
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}
