//! The demo district behind `serve --demo`: Yangpu's departments, an admin, staff, a public
//! representative and residents. It loads into an empty database only, once.

mod decisions;
mod events;
mod meetings;
mod surveys;

use anyhow::bail;
use entity::{app_meta, department, user};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use crate::{
    accounts::service::{self, Registration},
    auth::{Actor, Role},
    pagination::PageRequest,
    state::AppState,
};

const MARKER: &str = "demo_loaded_at";

/// 杨浦区's departments that the demo decisions and open days refer to.
const DEPARTMENTS: &[(&str, &str)] = &[
    ("zfb", "区政府办公室"),
    ("fgw", "区发展改革委"),
    ("jsglw", "区建设管理委"),
    ("sthjj", "区生态环境局"),
    ("mzj", "区民政局"),
    ("wjw", "区卫生健康委"),
    ("scjgj", "区市场监管局"),
    ("sfj", "区司法局"),
    ("ghzyj", "区规划资源局"),
    ("zwfwb", "区政务服务办"),
    ("cyzx", "区城运中心"),
    ("jyj", "区教育局"),
];

pub struct DemoLogin {
    pub role: &'static str,
    pub login: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    /// The department code of a staff member.
    department: Option<&'static str>,
    grant: Option<Role>,
}

pub const LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: "admin",
        login: "admin@yangpu.demo",
        password: "demo-admin-2021",
        display_name: "平台管理员",
        department: None,
        grant: Some(Role::Admin),
    },
    DemoLogin {
        role: "staff · 区发展改革委",
        login: "fgw@yangpu.demo",
        password: "demo-staff-2021",
        display_name: "王晓明",
        department: Some("fgw"),
        grant: Some(Role::Staff),
    },
    DemoLogin {
        role: "staff · 区民政局",
        login: "mzj@yangpu.demo",
        password: "demo-staff-2021",
        display_name: "陈静",
        department: Some("mzj"),
        grant: Some(Role::Staff),
    },
    DemoLogin {
        role: "representative",
        login: "13900000001",
        password: "demo-rep-2021",
        display_name: "刘建国",
        department: None,
        grant: Some(Role::Representative),
    },
    DemoLogin {
        role: "resident",
        login: "13800000001",
        password: "demo-resident-2021",
        display_name: "张三",
        department: None,
        grant: None,
    },
    DemoLogin {
        role: "resident",
        login: "13800000002",
        password: "demo-resident-2021",
        display_name: "李四",
        department: None,
        grant: None,
    },
];

pub enum Outcome {
    Loaded,
    AlreadyLoaded,
}

pub async fn load(state: &AppState) -> anyhow::Result<Outcome> {
    if app_meta::Entity::find_by_id(MARKER)
        .one(&state.db)
        .await?
        .is_some()
    {
        return Ok(Outcome::AlreadyLoaded);
    }
    let empty = user::Entity::find().count(&state.db).await? == 0
        && department::Entity::find().count(&state.db).await? == 0;
    if !empty {
        bail!(
            "the database already holds data that is not the demo district, so --demo will not load into it; \
             start without --demo, or point CANYU_DATABASE_URL at a new database"
        );
    }
    for (code, name) in DEPARTMENTS {
        service::create_department(state, Actor::System, code, name).await?;
    }
    let departments = service::list_departments(state, PageRequest::new(Some(100), None)?)
        .await?
        .items;
    let mut people = Vec::new();
    for person in LOGINS {
        let form = Registration {
            login: person.login.into(),
            password: person.password.into(),
            display_name: person.display_name.into(),
        };
        let user = service::register(state, form).await?;
        if let Some(role) = person.grant {
            let department_id = person
                .department
                .and_then(|code| departments.iter().find(|d| d.code == code))
                .map(|d| d.id);
            service::grant_role(state, Actor::System, user.id, role, department_id).await?;
        }
        people.push(service::me(state, user.id).await?);
    }
    let admin = people
        .iter()
        .find(|p| p.roles.contains(&Role::Admin))
        .map(events::acting_as)
        .expect("the demo has an admin");
    let public: Vec<_> = people
        .iter()
        .filter(|p| {
            !p.roles
                .iter()
                .any(|r| matches!(r, Role::Staff | Role::Admin))
        })
        .collect();
    let residents: Vec<_> = public
        .iter()
        .filter(|p| p.roles.len() == 1)
        .map(|p| events::acting_as(p))
        .collect();
    decisions::load(state, &departments, &admin, &residents).await?;
    // The representative signs up for open days too, so that the full ones have a waitlist.
    let visitors: Vec<_> = public.iter().map(|p| events::acting_as(p)).collect();
    events::load(state, &departments, &admin, &visitors).await?;
    surveys::load(state, &departments, &admin, &residents[0]).await?;
    let representative = public
        .iter()
        .find(|p| p.roles.contains(&Role::Representative))
        .map(|p| events::acting_as(p))
        .expect("the demo has a representative");
    meetings::load(state, &departments, &admin, &representative).await?;
    decisions::record_results(state, &admin).await?;
    app_meta::ActiveModel {
        key: Set(MARKER.into()),
        value: Set(state.clock.now().to_rfc3339()),
    }
    .insert(&state.db)
    .await?;
    Ok(Outcome::Loaded)
}
