//! Named indexes: a unique one's name is how a violation becomes a clear 409.

use sea_orm_migration::prelude::*;

pub async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr>
where
    T: IntoTableRef + 'static,
    C: IntoIndexColumn + Clone + 'static,
{
    create(
        manager,
        Index::create().name(name).table(table).to_owned(),
        cols,
    )
    .await
}

pub async fn unique_index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr>
where
    T: IntoTableRef + 'static,
    C: IntoIndexColumn + Clone + 'static,
{
    create(
        manager,
        Index::create().name(name).table(table).unique().to_owned(),
        cols,
    )
    .await
}

async fn create<C: IntoIndexColumn + Clone + 'static>(
    manager: &SchemaManager<'_>,
    mut index: IndexCreateStatement,
    cols: &[C],
) -> Result<(), DbErr> {
    for col in cols {
        index.col(col.clone());
    }
    manager.create_index(index).await
}
