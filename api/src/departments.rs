//! The district's departments as every area shows them: one answer shape, one lookup.

use std::collections::HashMap;

use entity::department;
use poem_openapi::{types::Example, Object};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::Result;

#[derive(Object, Clone, Debug)]
#[oai(example)]
pub struct Department {
    pub id: Uuid,
    /// Short stable code, e.g. `fgw`.
    pub code: String,
    pub name: String,
}

impl Example for Department {
    fn example() -> Self {
        Self {
            id: Uuid::from_u128(0x0191_a2b3_c4d5_7e6f_8a9b_0000_0000_0001),
            code: "fgw".into(),
            name: "区发展改革委".into(),
        }
    }
}

impl From<department::Model> for Department {
    fn from(d: department::Model) -> Self {
        Self {
            id: d.id,
            code: d.code,
            name: d.name,
        }
    }
}

/// Every department by id: a district has tens, so one query serves a whole list.
#[derive(Default)]
pub struct Directory(HashMap<Uuid, Department>);

impl Directory {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self> {
        let all = department::Entity::find().all(db).await?;
        Ok(Self(all.into_iter().map(|d| (d.id, d.into())).collect()))
    }

    pub fn find(&self, id: Uuid) -> Option<Department> {
        self.0.get(&id).cloned()
    }

    /// The department a record names. Departments are never deleted (records refer to them
    /// by foreign key), so a miss is a fault: logged, and shown by its id alone.
    pub fn get(&self, id: Uuid) -> Department {
        self.find(id).unwrap_or_else(|| {
            tracing::error!(%id, "a record names a department that does not exist");
            Department {
                id,
                code: String::new(),
                name: String::new(),
            }
        })
    }
}
