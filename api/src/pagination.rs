//! Cursor pagination: `?limit=&cursor=` → `{items, next_cursor}`, newest first, or in the
//! order of a column (the calendar by start time). The cursor is the opaque id of the last
//! item seen; ids are UUIDv7, so they order by creation and break ties in a column's order.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
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

/// One page of a list.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Page<T: ParseFromJSON + ToJSON> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn unknown_cursor() -> Error {
    Error::malformed(
        "cursor",
        FieldCode::InvalidFormat,
        "not a cursor from this list; start again without one",
    )
}

#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    limit: u32,
    after: Option<Uuid>,
}

impl PageRequest {
    pub fn new(limit: Option<u32>, cursor: Option<&str>) -> Result<Self> {
        let after = cursor
            .map(|c| {
                URL_SAFE_NO_PAD
                    .decode(c)
                    .ok()
                    .and_then(|bytes| Uuid::from_slice(&bytes).ok())
                    .ok_or_else(unknown_cursor)
            })
            .transpose()?;
        Ok(Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            after,
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

    /// The id of the last item seen, for `apply_ascending`'s caller to read its key.
    pub fn after(&self) -> Option<Uuid> {
        self.after
    }

    /// Restricts `select` to this page in ascending order of `key` then `id`, after the last
    /// item seen, whose `key` was `last_key` (`None`: no such item, the cursor is refused).
    pub fn apply_ascending<E: EntityTrait, V: Into<sea_orm::Value> + Clone>(
        &self,
        select: Select<E>,
        key: E::Column,
        id: E::Column,
        last_key: Option<V>,
    ) -> Result<Select<E>> {
        let select = match (self.after, last_key) {
            (Some(after), Some(last)) => select.filter(
                Condition::any()
                    .add(key.gt(last.clone()))
                    .add(key.eq(last).and(id.gt(after))),
            ),
            (Some(_), None) => return Err(unknown_cursor()),
            (None, _) => select,
        };
        Ok(select
            .order_by_asc(key)
            .order_by_asc(id)
            .limit(u64::from(self.limit) + 1))
    }

    /// Builds the page from the rows `apply` selected.
    pub fn page<M, T: ParseFromJSON + ToJSON>(
        &self,
        mut rows: Vec<M>,
        id: impl Fn(&M) -> Uuid,
        item: impl FnMut(M) -> Result<T>,
    ) -> Result<Page<T>> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last()
                .map(|last| URL_SAFE_NO_PAD.encode(id(last).as_bytes()))
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(item).collect::<Result<_>>()?,
            next_cursor,
        })
    }
}
