//! The test harness: starts Canyu in-process on a random port against a fresh database
//! (SQLite, or PostgreSQL + Redis when `CANYU_TEST_DATABASE_URL` / `CANYU_TEST_REDIS_URL`
//! are set) and talks to it over HTTP like any client. A test does not know which backend
//! it runs on.

pub mod browser;
pub mod faults;

use std::{future::Future, net::SocketAddr, path::PathBuf};

use canyu::{
    accounts::service::{self, Registration},
    clock::Clock,
    config::Config,
    startup::{self, Application},
    state::AppState,
};
use chrono::{TimeZone, Utc};
use migration::{Migrator, MigratorTrait};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use uuid::Uuid;

pub use serde_json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a fresh app on `backend`, then removes the app's database and cache
/// keys whether the test passed or not.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(storage) = Storage::create(backend).await else {
        return;
    };
    // The server runs until the test has ended, whatever the test keeps of `TestApp`.
    let (app, stop_server) = TestApp::spawn(&storage).await;
    let outcome = tokio::spawn(test(app)).await;
    let _ = stop_server.send(());
    storage.drop().await;
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Declares each named `async fn(TestApp)` as two tests, `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::run($crate::Backend::Sqlite, super::$name).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::run($crate::Backend::Postgres, super::$name).await
            }
        }
    )+};
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A database and cache namespace of one test's own.
struct Storage {
    backend: Backend,
    database_url: String,
    redis_url: Option<String>,
    redis_prefix: String,
    sqlite_file: Option<PathBuf>,
    pg_admin_url: Option<String>,
    pg_database: String,
}

impl Storage {
    async fn create(backend: Backend) -> Option<Self> {
        let id = Uuid::new_v4().simple().to_string();
        let redis_prefix = format!("canyu-test:{id}:");
        match backend {
            Backend::Sqlite => {
                let file = std::env::temp_dir().join(format!("canyu-test-{id}.db"));
                Some(Self {
                    backend,
                    database_url: format!("sqlite://{}?mode=rwc", file.display()),
                    redis_url: None,
                    redis_prefix,
                    sqlite_file: Some(file),
                    pg_admin_url: None,
                    pg_database: String::new(),
                })
            }
            Backend::Postgres => {
                let (Some(admin_url), redis_url) =
                    (env("CANYU_TEST_DATABASE_URL"), env("CANYU_TEST_REDIS_URL"))
                else {
                    assert!(!in_ci(), "CI=true: CANYU_TEST_DATABASE_URL must name a PostgreSQL server for the tests");
                    eprintln!("skipped: set CANYU_TEST_DATABASE_URL (and CANYU_TEST_REDIS_URL) to run on PostgreSQL + Redis");
                    return None;
                };
                assert!(
                    redis_url.is_some() || !in_ci(),
                    "CI=true: CANYU_TEST_REDIS_URL must name a Redis server for the tests"
                );
                let database = format!("canyu_test_{id}");
                // One connection, so that the template's advisory lock and unlock meet.
                let admin = Database::connect(
                    ConnectOptions::new(&admin_url)
                        .max_connections(1)
                        .to_owned(),
                )
                .await
                .expect("cannot reach the PostgreSQL test server");
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                let template = migrated_template(&admin, base).await;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {database} TEMPLATE {template}"))
                    .await
                    .expect("cannot create a test database");
                admin.close().await.ok();
                Some(Self {
                    backend,
                    database_url: format!("{base}/{database}"),
                    redis_url,
                    redis_prefix,
                    sqlite_file: None,
                    pg_admin_url: Some(admin_url),
                    pg_database: database,
                })
            }
        }
    }

    async fn drop(self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some(admin_url) = &self.pg_admin_url {
            if let Ok(admin) = Database::connect(admin_url).await {
                let _ = admin
                    .execute_unprepared(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        self.pg_database
                    ))
                    .await;
                admin.close().await.ok();
            }
        }
        if let Some(url) = &self.redis_url {
            if let Ok(client) = redis::Client::open(url.as_str()) {
                if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                    let keys: Vec<String> = redis::cmd("KEYS")
                        .arg(format!("{}*", self.redis_prefix))
                        .query_async(&mut conn)
                        .await
                        .unwrap_or_default();
                    if !keys.is_empty() {
                        let _: Result<(), _> =
                            redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
                    }
                }
            }
        }
    }

    fn config(&self) -> Config {
        let mut config = Config::from_lookup(|_| None).expect("defaults are valid");
        config.database_url = self.database_url.clone();
        config.redis_url = self.redis_url.clone();
        config.redis_prefix = self.redis_prefix.clone();
        config.bind = "127.0.0.1:0".parse().unwrap();
        // Tests move the clock by weeks; sessions outlive that unless a test says otherwise.
        config.session_ttl = SESSION_TTL.to_std().unwrap();
        // The webhook tests' receivers listen on loopback.
        config.webhooks_to_internal = true;
        // Survey counts are reconciled when a test says so, not by the clock of the runner.
        config.survey_reconcile_every = std::time::Duration::from_secs(24 * 3600);
        config
    }
}

/// A PostgreSQL database with every migration applied, which each test's database copies
/// (`CREATE DATABASE … TEMPLATE`) instead of migrating anew. Named after the migrations, so a
/// new migration makes a new template; built once, under an advisory lock, by whichever test
/// process gets there first, and renamed into place only when complete.
async fn migrated_template(admin: &DatabaseConnection, base_url: &str) -> String {
    let mut names = Sha256::new();
    for migration in Migrator::migrations() {
        names.update(migration.name());
    }
    let template = format!("canyu_template_{}", &hex::encode(names.finalize())[..12]);
    admin
        .execute_unprepared("SELECT pg_advisory_lock(20211129)")
        .await
        .expect("cannot lock the template");
    let exists = admin
        .query_one(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{template}'"),
        ))
        .await
        .expect("cannot list databases")
        .is_some();
    if !exists {
        let building = format!("{template}_building");
        for statement in [
            format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
            format!("CREATE DATABASE {building}"),
        ] {
            admin
                .execute_unprepared(&statement)
                .await
                .expect("cannot build the template");
        }
        let db = Database::connect(format!("{base_url}/{building}"))
            .await
            .expect("cannot reach the template");
        Migrator::up(&db, None)
            .await
            .expect("cannot migrate the template");
        db.close().await.ok();
        admin
            .execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .await
            .expect("cannot put the template in place");
    }
    admin
        .execute_unprepared("SELECT pg_advisory_unlock(20211129)")
        .await
        .expect("cannot unlock the template");
    template
}

/// A running app and a client for it.
pub struct TestApp {
    /// The configuration it runs with, for starting a second instance on the same storage.
    pub config: Config,
    pub backend: Backend,
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// The app's clock: move it with `clock.advance` instead of sleeping.
    pub clock: Clock,
    /// For setting up what only the command line can do (the first admin).
    pub state: AppState,
}

/// A person with an account and a session.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub login: String,
    pub password: String,
    pub token: String,
}

pub const PASSWORD: &str = "a good password";

/// How long a login lasts in tests.
pub const SESSION_TTL: chrono::Duration = chrono::Duration::days(400);

impl TestApp {
    async fn spawn(storage: &Storage) -> (Self, oneshot::Sender<()>) {
        canyu::telemetry::init_tracing("warn");
        let clock = Clock::manual(Utc.with_ymd_and_hms(2021, 9, 1, 1, 0, 0).unwrap());
        let state = startup::connect(storage.config(), clock.clone())
            .await
            .expect("the app starts");
        assert_eq!(
            state.cache.backend_name() == "redis",
            storage.redis_url.is_some(),
            "the cache backend follows the configuration"
        );
        let app = Application::bind(state.clone(), storage.config().bind)
            .await
            .expect("the app binds a port");
        let addr = app.local_addr();
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        (
            Self {
                config: storage.config(),
                backend: storage.backend,
                addr,
                client: reqwest::Client::new(),
                clock,
                state,
            },
            shutdown,
        )
    }

    /// `path` under `/api/v1`, or from the root when it starts with `//`.
    pub fn url(&self, path: &str) -> String {
        match path.strip_prefix("//") {
            Some(root) => format!("http://{}/{root}", self.addr),
            None => format!("http://{}/api/v1{path}", self.addr),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: &str, body: Value) -> RequestBuilder {
        self.request(Method::POST, path).json(&body)
    }

    /// A login no other test person has.
    pub fn unique_phone() -> String {
        // Consecutive numbers from a random start: random ones would collide now and then in
        // a crowd of hundreds.
        static NEXT: std::sync::OnceLock<std::sync::atomic::AtomicU64> = std::sync::OnceLock::new();
        let next = NEXT.get_or_init(|| {
            (Uuid::new_v4().as_u128() % 50_000_000)
                .try_into()
                .map(std::sync::atomic::AtomicU64::new)
                .unwrap()
        });
        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 100_000_000;
        format!("139{n:08}")
    }

    pub async fn register(&self, login: &str, password: &str, display_name: &str) -> Response {
        self.post(
            "/auth/register",
            json!({"login": login, "password": password, "display_name": display_name}),
        )
        .send()
        .await
        .unwrap()
    }

    pub async fn login(&self, login: &str, password: &str) -> Response {
        self.post("/auth/login", json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// A freshly registered, logged-in resident.
    pub async fn resident(&self, display_name: &str) -> Person {
        let login = Self::unique_phone();
        let registered = expect_status(
            self.register(&login, PASSWORD, display_name).await,
            StatusCode::CREATED,
        )
        .await;
        self.logged_in(registered["id"].as_str().unwrap(), &login)
            .await
    }

    /// An admin, created the way `canyu admin create` does it.
    pub async fn admin(&self) -> Person {
        let login = format!("admin-{}@canyu.test", Uuid::new_v4().simple());
        let form = Registration {
            login: login.clone(),
            password: PASSWORD.into(),
            display_name: "管理员".into(),
        };
        let user = service::create_admin(&self.state, form)
            .await
            .expect("admin created");
        self.logged_in(&user.id.to_string(), &login).await
    }

    /// A staff member of a new department; returns the person and the department id.
    pub async fn staff(&self, admin: &Person, department_code: &str) -> (Person, String) {
        let department = expect_status(
            self.post(
                "/departments",
                json!({"code": department_code, "name": format!("{department_code} 部门")}),
            )
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
            StatusCode::CREATED,
        )
        .await;
        let department_id = department["id"].as_str().unwrap().to_string();
        let person = self.resident("工作人员").await;
        expect_status(
            self.request(Method::PUT, &format!("/users/{}/roles/staff", person.id))
                .bearer_auth(&admin.token)
                .json(&json!({"department_id": department_id}))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        (person, department_id)
    }

    async fn logged_in(&self, id: &str, login: &str) -> Person {
        let session = expect_status(self.login(login, PASSWORD).await, StatusCode::OK).await;
        Person {
            id: id.to_string(),
            login: login.to_string(),
            password: PASSWORD.into(),
            token: session["token"].as_str().unwrap().to_string(),
        }
    }
}

/// Asserts the status and returns the JSON body (or `null` for an empty one).
pub async fn expect_status(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {body}");
    if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"))
    }
}

/// Asserts an `application/problem+json` answer with `status` and `code`; returns it.
pub async fn expect_problem(response: Response, status: StatusCode, code: &str) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let problem = expect_status(response, status).await;
    assert_eq!(
        content_type, "application/problem+json",
        "problem: {problem}"
    );
    assert_eq!(problem["code"], code, "problem: {problem}");
    assert_eq!(problem["status"], status.as_u16(), "problem: {problem}");
    assert_eq!(problem["type"], format!("urn:canyu:problem:{code}"));
    problem
}

/// The fields named in a problem's `errors`.
/// Every instant in an answer (`at` and `*_at` fields, at any depth) is written alike: RFC 3339
/// in UTC to the second.
pub fn assert_instants_in_seconds(answer: &Value) {
    fn walk(value: &Value, key: &str) {
        match value {
            Value::Object(fields) => fields.iter().for_each(|(k, v)| walk(v, k)),
            Value::Array(items) => items.iter().for_each(|v| walk(v, key)),
            Value::String(text) if key == "at" || key.ends_with("_at") => {
                let shape = text.len() == 20
                    && text.ends_with('Z')
                    && chrono::DateTime::parse_from_rfc3339(text).is_ok();
                assert!(shape, "{key}: {text} is not an instant to the second");
            }
            _ => {}
        }
    }
    walk(answer, "");
}

pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

/// `(field, code)` of each field error of a problem.
pub fn field_codes(problem: &Value) -> Vec<(&str, &str)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect()
}

/// A draft with a preamble, two headings and two articles: anchors `s0` to `s4`.
pub const DRAFT: &str = "杨浦区城区管理精细化“十四五”规划（征求意见稿）\n\n# 总则\n为提升城区精细化管理水平，制定本规划。\n\n第一条 本规划适用于杨浦区全域。\n第二条 到2025年，基本建成精细化管理体系。\n# 附则\n本规划自印发之日起施行。";

/// Building decisions up to a stage, as the sponsoring department's staff would.
impl TestApp {
    /// Sends `body` (unless `null`) with `token` (if any).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Response {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if !body.is_null() {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// `staff` publish `comment` (as the API answered its submission).
    pub async fn publish_comment(&self, staff: &Person, comment: &Value) {
        let id = comment["id"].as_str().expect("a comment's id");
        expect_status(
            self.send(
                Method::POST,
                &format!("/comments/{id}/moderation"),
                Some(&staff.token),
                json!({"action": "publish"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }

    /// A catalogued decision of `staff`'s department; returns its id.
    pub async fn catalogued_decision(&self, staff: &Person, title: &str) -> String {
        let body = json!({
            "year": 2021, "title": title, "summary": "规划摘要", "background": "制订背景",
            "legal_basis": "《重大行政决策程序暂行条例》", "timetable": "2021年9月征求意见",
        });
        let created = expect_status(
            self.send(Method::POST, "/decisions", Some(&staff.token), body)
                .await,
            StatusCode::CREATED,
        )
        .await;
        created["id"].as_str().unwrap().to_string()
    }

    /// A decision with `DRAFT` published and a 30-day consultation open from now.
    pub async fn decision_in_consultation(&self, staff: &Person, title: &str) -> String {
        let id = self.catalogued_decision(staff, title).await;
        let draft = self
            .send(
                Method::POST,
                &format!("/decisions/{id}/drafts"),
                Some(&staff.token),
                json!({"body": DRAFT}),
            )
            .await;
        expect_status(draft, StatusCode::CREATED).await;
        let closes_at = (self.clock.now() + chrono::Duration::days(30)).to_rfc3339();
        let window = json!({"closes_at": closes_at});
        expect_status(
            self.send(
                Method::POST,
                &format!("/decisions/{id}/consultation"),
                Some(&staff.token),
                window,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        id
    }

    /// Submits a comment as `person`; returns the answer's body.
    pub async fn comment(&self, person: &Person, decision_id: &str, body: Value) -> Response {
        self.send(
            Method::POST,
            &format!("/decisions/{decision_id}/comments"),
            Some(&person.token),
            body,
        )
        .await
    }
}

/// Open-day events and crowds, as the concurrency tests need them.
impl TestApp {
    /// A published event of `staff`'s department taking signups now; returns its id.
    pub async fn open_event(&self, staff: &Person, capacity: i32, max_party_size: i32) -> String {
        self.open_event_with(
            staff,
            json!({"capacity": capacity, "max_party_size": max_party_size}),
        )
        .await
    }

    /// A published open day of `staff`'s department starting in 11 days (for two hours,
    /// signups open until the day before), with `changes` over those defaults.
    pub async fn open_event_with(&self, staff: &Person, changes: Value) -> String {
        let now = self.clock.now();
        let mut body = json!({
            "title": "走进区城运中心", "theme": "one_network_governance", "description": "参观",
            "venue": "江浦路", "accessibility_notes": "无障碍通道",
            "starts_at": (now + chrono::Duration::days(11)).to_rfc3339(),
            "ends_at": (now + chrono::Duration::days(11) + chrono::Duration::hours(2)).to_rfc3339(),
            "capacity": 50, "max_party_size": 2,
            "signup_opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
            "signup_closes_at": (now + chrono::Duration::days(10)).to_rfc3339(),
            "offer_hours": 24, "status": "published",
        });
        for (field, value) in changes.as_object().expect("changes are a JSON object") {
            body[field] = value.clone();
        }
        let created = expect_status(
            self.send(Method::POST, "/events", Some(&staff.token), body)
                .await,
            StatusCode::CREATED,
        )
        .await;
        created["id"].as_str().unwrap().to_string()
    }

    /// `person`'s signup for `event`, for themselves alone, as the API answers it.
    pub async fn sign_up(&self, person: &Person, event: &str) -> Value {
        expect_status(
            self.send(
                Method::POST,
                &format!("/events/{event}/signups"),
                Some(&person.token),
                json!({"party_size": 1}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await
    }

    /// `staff` cancel `event`, and everyone signed up has been told.
    pub async fn cancel_event(&self, staff: &Person, event: &str) {
        expect_status(
            self.send(
                Method::PATCH,
                &format!("/events/{event}"),
                Some(&staff.token),
                json!({"status": "cancelled"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        canyu::outbox::deliver_pending(&self.state).await.unwrap();
    }

    /// `n` logged-in residents, written straight to the database: hashing `n` passwords
    /// would make a crowd slow to gather, and the crowd's requests are what a test is about.
    pub async fn crowd(&self, n: usize) -> Vec<Person> {
        use sea_orm::{ActiveModelTrait, Set};
        let password_hash = self.state.passwords.hash(PASSWORD.into()).await.unwrap();
        let now = self.clock.now();
        let mut people = Vec::with_capacity(n);
        for i in 0..n {
            let id = Uuid::now_v7();
            let login = Self::unique_phone();
            entity::user::ActiveModel {
                id: Set(id),
                login: Set(login.clone()),
                display_name: Set(format!("居民{i}")),
                password_hash: Set(password_hash.clone()),
                created_at: Set(now),
                erased_at: Set(None),
            }
            .insert(&self.state.db)
            .await
            .unwrap();
            let token = canyu::auth::new_secret();
            entity::session::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(id),
                token_hash: Set(canyu::auth::hash_secret(&token)),
                created_at: Set(now),
                expires_at: Set(now + SESSION_TTL),
            }
            .insert(&self.state.db)
            .await
            .unwrap();
            people.push(Person {
                id: id.to_string(),
                login,
                password: PASSWORD.into(),
                token,
            });
        }
        people
    }

    /// A confirmed signup for `event` of `person` (or of nobody kept, as after erasure) with
    /// `party_size` people, checked in now when `came`; written to the database directly, for
    /// set-ups of many attendees.
    pub async fn signup_in_db(
        &self,
        event: &str,
        person: Option<&Person>,
        party_size: i32,
        came: bool,
    ) -> Uuid {
        use sea_orm::{ActiveModelTrait, Set};
        let now = self.clock.now();
        let id = Uuid::now_v7();
        entity::signup::ActiveModel {
            id: Set(id),
            event_id: Set(event.parse().expect("an event id")),
            user_id: Set(person.map(|p| p.id.parse().expect("a user id"))),
            party_size: Set(party_size),
            status: Set("confirmed".into()),
            queue_number: Set(None),
            offer_expires_at: Set(None),
            checkin_code: Set(canyu::codes::new_code()),
            checked_in_at: Set(came.then_some(now)),
            checkin_nonce: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.state.db)
        .await
        .unwrap();
        // Written behind the API's back: the public reads must hear of it as of any write.
        self.state.public_reads.invalidate().await;
        id
    }

    /// Another instance of the app on the same database and cache, as behind a load
    /// balancer; it runs until the test ends. Returns its address.
    pub async fn second_instance(&self) -> SocketAddr {
        self.instance_with(|_| {}).await
    }

    /// Another instance on the same storage, its configuration changed by `change`.
    pub async fn instance_with(&self, change: impl FnOnce(&mut Config)) -> SocketAddr {
        let mut config = self.config.clone();
        change(&mut config);
        let state = startup::connect(config, self.clock.clone())
            .await
            .expect("a second instance starts");
        let app = Application::bind(state, self.config.bind)
            .await
            .expect("a second instance binds a port");
        let addr = app.local_addr();
        tokio::spawn(app.run_until(std::future::pending()));
        addr
    }
}
