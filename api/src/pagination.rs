//! Cursor pagination: `?limit=&cursor=` → `{items, next_cursor}`. Lists are newest first by
//! id (ids are UUIDv7, so they order by creation), or in time order (the calendar by start,
//! a timeline), ties broken by id. A cursor is the opaque position of the last item seen:
//! its id, or its time and id; any cursor of the right form is a position, never an error.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use poem_openapi::{
    types::{ParseFromJSON, ToJSON},
    Object,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

use crate::error::{Error, FieldCode, Result};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;
/// What a cursor looks like: 16 bytes in URL-safe base64 (the routes state it literally, a
/// test keeps them equal).
pub const CURSOR_PATTERN: &str = r"^[A-Za-z0-9_-]{21}[AQgw]$";
/// What a cursor of a list in time order looks like: 24 bytes (nanoseconds and id; SQLite
/// keeps instants to the nanosecond, so a coarser cursor would repeat an item).
pub const TIME_CURSOR_PATTERN: &str = r"^[A-Za-z0-9_-]{32}$";

/// One page of a list.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Page<T: ParseFromJSON + ToJSON> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn malformed_cursor() -> Error {
    Error::malformed(
        "cursor",
        FieldCode::InvalidFormat,
        "not a cursor from this list; start again without one",
    )
}

fn decode<const N: usize>(cursor: &str) -> Result<[u8; N]> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(malformed_cursor)
}

fn limit_of(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// The page from rows selected with one extra (to tell whether there is a next page).
fn page_of<M, T: ParseFromJSON + ToJSON>(
    limit: u32,
    mut rows: Vec<M>,
    cursor: impl Fn(&M) -> String,
    item: impl FnMut(M) -> Result<T>,
) -> Result<Page<T>> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = rows.last().filter(|_| more).map(cursor);
    Ok(Page {
        items: rows.into_iter().map(item).collect::<Result<_>>()?,
        next_cursor,
    })
}

/// A page of a list newest first (or, with `apply_oldest_first`, oldest first) by id.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    limit: u32,
    after: Option<Uuid>,
}

impl PageRequest {
    /// Every item of a paged list, page by page: for a list that is one person's own and so
    /// short (their data export), never for a public one.
    pub async fn all<T, F, Fut>(mut fetch: F) -> Result<Vec<T>>
    where
        T: ParseFromJSON + ToJSON,
        F: FnMut(PageRequest) -> Fut,
        Fut: std::future::Future<Output = Result<Page<T>>>,
    {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = fetch(PageRequest::new(Some(MAX_LIMIT), cursor.as_deref())?).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(all),
            }
        }
    }

    pub fn new(limit: Option<u32>, cursor: Option<&str>) -> Result<Self> {
        Ok(Self {
            limit: limit_of(limit),
            after: cursor.map(decode::<16>).transpose()?.map(Uuid::from_bytes),
        })
    }

    /// Restricts `select` to this page (plus one row, to tell whether there is a next page).
    pub fn apply<E: EntityTrait>(&self, select: Select<E>, id: E::Column) -> Select<E> {
        let select = match self.after {
            Some(after) => select.filter(id.lt(after)),
            None => select,
        };
        select.order_by_desc(id).limit(u64::from(self.limit) + 1)
    }

    /// Restricts `select` to this page, oldest first.
    pub fn apply_oldest_first<E: EntityTrait>(
        &self,
        select: Select<E>,
        id: E::Column,
    ) -> Select<E> {
        let select = match self.after {
            Some(after) => select.filter(id.gt(after)),
            None => select,
        };
        select.order_by_asc(id).limit(u64::from(self.limit) + 1)
    }

    /// Builds the page from the rows `apply` selected.
    pub fn page<M, T: ParseFromJSON + ToJSON>(
        &self,
        rows: Vec<M>,
        id: impl Fn(&M) -> Uuid,
        item: impl FnMut(M) -> Result<T>,
    ) -> Result<Page<T>> {
        page_of(
            self.limit,
            rows,
            |last| URL_SAFE_NO_PAD.encode(id(last).as_bytes()),
            item,
        )
    }
}

/// A page of a list in time order, ties broken by id.
#[derive(Clone, Copy, Debug)]
pub struct TimePageRequest {
    limit: u32,
    after: Option<(DateTime<Utc>, Uuid)>,
}

impl TimePageRequest {
    pub fn new(limit: Option<u32>, cursor: Option<&str>) -> Result<Self> {
        let after = cursor.map(decode::<24>).transpose()?.map(|bytes| {
            let (nanos, id) = bytes.split_at(8);
            let nanos = i64::from_be_bytes(nanos.try_into().expect("8 bytes"));
            let id = Uuid::from_slice(id).expect("16 bytes");
            // Nanoseconds since 1970 span 1677 to 2262, years every database compares: a
            // forged cursor reads as a place before or after everything.
            (DateTime::from_timestamp_nanos(nanos), id)
        });
        Ok(Self {
            limit: limit_of(limit),
            after,
        })
    }

    /// Restricts `select` to this page in ascending order of `time` then `id`.
    pub fn apply<E: EntityTrait>(
        &self,
        select: Select<E>,
        time: E::Column,
        id: E::Column,
    ) -> Select<E> {
        let select = match self.after {
            Some((at, after)) => select.filter(
                Condition::any()
                    .add(time.gt(at))
                    .add(time.eq(at).and(id.gt(after))),
            ),
            None => select,
        };
        select
            .order_by_asc(time)
            .order_by_asc(id)
            .limit(u64::from(self.limit) + 1)
    }

    /// Builds the page from the rows `apply` selected; `position` gives a row's time and id.
    pub fn page<M, T: ParseFromJSON + ToJSON>(
        &self,
        rows: Vec<M>,
        position: impl Fn(&M) -> (DateTime<Utc>, Uuid),
        item: impl FnMut(M) -> Result<T>,
    ) -> Result<Page<T>> {
        page_of(
            self.limit,
            rows,
            |last| {
                let (at, id) = position(last);
                let nanos = at.timestamp_nanos_opt().unwrap_or(i64::MAX);
                let mut bytes = nanos.to_be_bytes().to_vec();
                bytes.extend_from_slice(id.as_bytes());
                URL_SAFE_NO_PAD.encode(bytes)
            },
            item,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_cursor_reads_back_its_position_and_any_other_is_a_position_too() {
        let at = DateTime::from_timestamp(1_635_000_000, 123_456_789).unwrap();
        let id = Uuid::now_v7();
        let page = TimePageRequest::new(Some(1), None).unwrap();
        let built = page
            .page(vec![(at, id), (at, id)], |r| *r, |_| Ok(0_i32))
            .unwrap();
        let cursor = built.next_cursor.unwrap();
        assert!(regex::Regex::new(TIME_CURSOR_PATTERN)
            .unwrap()
            .is_match(&cursor));
        assert_eq!(
            TimePageRequest::new(None, Some(&cursor)).unwrap().after,
            Some((at, id))
        );
        for forged in ["A".repeat(32), "_".repeat(32)] {
            let (at, _) = TimePageRequest::new(None, Some(&forged))
                .unwrap()
                .after
                .unwrap();
            assert!(
                (1..=9999).contains(&chrono::Datelike::year(&at)),
                "{forged}"
            );
        }
        assert!(TimePageRequest::new(None, Some("short")).is_err());
    }
}
