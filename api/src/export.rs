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
