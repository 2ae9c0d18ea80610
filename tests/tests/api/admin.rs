//! Departments, role grants, API keys and the audit log.

use canyu_tests::{error_fields, expect_problem, expect_status, on_every_backend, Person, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    admin_operations_refuse_anonymous_callers_and_residents,
    admins_create_departments_others_cannot,
    staff_is_granted_with_a_department,
    only_admins_grant_and_the_last_admin_stays,
    admins_find_accounts_with_masked_logins,
    lists_page_with_a_cursor,
    api_keys_are_shown_once_scoped_and_revocable,
    staff_and_admin_writes_are_audited,
);

async fn create_department(app: &TestApp, who: &Person, code: &str) -> reqwest::Response {
    app.post("/departments", json!({"code": code, "name": "区民政局"}))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap()
}

async fn grant(
    app: &TestApp,
    who: &Person,
    user_id: &str,
    role: &str,
    body: Value,
) -> reqwest::Response {
    app.request(Method::PUT, &format!("/users/{user_id}/roles/{role}"))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn admin_operations_refuse_anonymous_callers_and_residents(app: TestApp) {
    let resident = app.resident("张三").await;
    let someone = uuid::Uuid::now_v7();
    let operations = [
        (
            Method::POST,
            "/departments".to_string(),
            json!({"code": "mzj", "name": "区民政局"}),
        ),
        (Method::GET, "/users".to_string(), Value::Null),
        (
            Method::PUT,
            format!("/users/{someone}/roles/admin"),
            json!({}),
        ),
        (
            Method::DELETE,
            format!("/users/{someone}/roles/admin"),
            Value::Null,
        ),
        (
            Method::POST,
            "/api-keys".to_string(),
            json!({"name": "x", "scopes": ["audit:read"]}),
        ),
        (Method::GET, "/api-keys".to_string(), Value::Null),
        (Method::DELETE, format!("/api-keys/{someone}"), Value::Null),
        (Method::GET, "/audit-log".to_string(), Value::Null),
    ];
    for (method, path, body) in operations {
        let request = || {
            let request = app.request(method.clone(), &path);
            if body.is_null() {
                request
            } else {
                request.json(&body)
            }
        };
        expect_problem(
            request().send().await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
        let as_resident = request().bearer_auth(&resident.token).send().await.unwrap();
        expect_problem(as_resident, StatusCode::FORBIDDEN, "forbidden").await;
    }
}

async fn admins_create_departments_others_cannot(app: TestApp) {
    let admin = app.admin().await;
    let resident = app.resident("张三").await;

    let department = expect_status(
        create_department(&app, &admin, "mzj").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(department["code"], "mzj");
    assert_eq!(department["name"], "区民政局");

    expect_problem(
        create_department(&app, &admin, "mzj").await,
        StatusCode::CONFLICT,
        "department_code_taken",
    )
    .await;
    expect_problem(
        create_department(&app, &resident, "jyj").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let anonymous = app
        .post("/departments", json!({"code": "jyj", "name": "区教育局"}))
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let problem = expect_problem(
        create_department(&app, &admin, "Bad Code").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error_fields(&problem), ["code"]);

    let listed = expect_status(
        app.get("/departments").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "refused attempts wrote nothing"
    );
}

async fn staff_is_granted_with_a_department(app: TestApp) {
    let admin = app.admin().await;
    let person = app.resident("王晓明").await;
    let department = expect_status(
        create_department(&app, &admin, "mzj").await,
        StatusCode::CREATED,
    )
    .await;

    let problem = expect_problem(
        grant(&app, &admin, &person.id, "staff", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["department_id"]);
    let unknown = json!({"department_id": uuid::Uuid::now_v7()});
    expect_problem(
        grant(&app, &admin, &person.id, "staff", unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let with_department = json!({"department_id": department["id"]});
    expect_problem(
        grant(&app, &admin, &person.id, "admin", with_department.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let missing_user = uuid::Uuid::now_v7().to_string();
    expect_problem(
        grant(
            &app,
            &admin,
            &missing_user,
            "staff",
            with_department.clone(),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        grant(&app, &admin, &person.id, "mayor", with_department.clone()).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;

    let granted = expect_status(
        grant(&app, &admin, &person.id, "staff", with_department).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(granted["roles"], json!(["resident", "staff"]));
    let me = expect_status(
        app.get("/me")
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["department"]["code"], "mzj");
    assert_eq!(me["roles"], json!(["resident", "staff"]));
}

async fn only_admins_grant_and_the_last_admin_stays(app: TestApp) {
    let admin = app.admin().await;
    let resident = app.resident("张三").await;
    expect_problem(
        grant(&app, &resident, &resident.id, "admin", json!({})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let revoke_own = app
        .request(Method::DELETE, &format!("/users/{}/roles/admin", admin.id))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    expect_problem(revoke_own, StatusCode::CONFLICT, "last_admin").await;

    expect_status(
        grant(&app, &admin, &resident.id, "admin", json!({})).await,
        StatusCode::OK,
    )
    .await;
    let revoke = app
        .request(Method::DELETE, &format!("/users/{}/roles/admin", admin.id))
        .bearer_auth(&resident.token)
        .send()
        .await
        .unwrap();
    expect_status(revoke, StatusCode::NO_CONTENT).await;
    // The session of the former admin no longer carries the role.
    expect_problem(
        create_department(&app, &admin, "fgw").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn admins_find_accounts_with_masked_logins(app: TestApp) {
    let admin = app.admin().await;
    let person = app.resident("张三").await;
    let found = expect_status(
        app.get(&format!("/users?login={}", person.login))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let masked = items[0]["login_masked"].as_str().unwrap();
    assert_eq!(
        masked,
        format!("{}****{}", &person.login[..3], &person.login[7..])
    );
    assert!(
        !found.to_string().contains(&person.login),
        "the full login never appears in the list"
    );

    expect_problem(
        app.get("/users")
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn lists_page_with_a_cursor(app: TestApp) {
    let admin = app.admin().await;
    for code in ["d-one", "d-two", "d-three", "d-four", "d-five"] {
        expect_status(
            create_department(&app, &admin, code).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/departments?limit=2&cursor={c}"),
            None => "/departments?limit=2".to_string(),
        };
        let page = expect_status(app.get(&path).send().await.unwrap(), StatusCode::OK).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["d-five", "d-four", "d-three", "d-two", "d-one"],
        "newest first, each once"
    );

    let problem = expect_problem(
        app.get("/departments?cursor=not-a-cursor")
            .send()
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error_fields(&problem), ["cursor"]);
    let problem = expect_problem(
        app.get("/departments?limit=0").send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error_fields(&problem), ["limit"]);
}

async fn api_keys_are_shown_once_scoped_and_revocable(app: TestApp) {
    let admin = app.admin().await;
    let created = app
        .post(
            "/api-keys",
            json!({"name": "app backend", "scopes": ["audit:read"]}),
        )
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    let created = expect_status(created, StatusCode::CREATED).await;
    let key = created["key"].as_str().unwrap();
    assert!(key.starts_with(created["prefix"].as_str().unwrap()));

    let listed = expect_status(
        app.get("/api-keys")
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"][0]["id"], created["id"]);
    assert!(
        !listed.to_string().contains(key),
        "the key itself is never shown again"
    );

    let audit = expect_status(
        app.get("/audit-log")
            .header("X-Api-Key", key)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(!audit["items"].as_array().unwrap().is_empty());
    let resident = app.resident("张三").await;
    expect_problem(
        app.get("/audit-log")
            .bearer_auth(&resident.token)
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.get("/audit-log")
            .header("X-Api-Key", "cyk_forged")
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    expect_problem(
        app.get("/me")
            .header("X-Api-Key", key)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    let no_scopes = app
        .post("/api-keys", json!({"name": "x", "scopes": []}))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    expect_problem(no_scopes, StatusCode::BAD_REQUEST, "invalid_request").await;
    let by_resident = app
        .post("/api-keys", json!({"name": "x", "scopes": ["audit:read"]}))
        .bearer_auth(&resident.token)
        .send()
        .await
        .unwrap();
    expect_problem(by_resident, StatusCode::FORBIDDEN, "forbidden").await;

    let id = created["id"].as_str().unwrap();
    expect_status(
        app.request(Method::DELETE, &format!("/api-keys/{id}"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_problem(
        app.get("/audit-log")
            .header("X-Api-Key", key)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "invalid_api_key",
    )
    .await;
    let missing = format!("/api-keys/{}", uuid::Uuid::now_v7());
    expect_problem(
        app.request(Method::DELETE, &missing)
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn staff_and_admin_writes_are_audited(app: TestApp) {
    let admin = app.admin().await;
    let (staff, department_id) = app.staff(&admin, "fgw").await;
    let log = expect_status(
        app.get("/audit-log?limit=100")
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let entries = log["items"].as_array().unwrap();

    let department = entries
        .iter()
        .find(|e| e["action"] == "department.create")
        .expect("department creation is audited");
    assert_eq!(department["actor_user_id"], admin.id.as_str());
    assert_eq!(department["entity_id"], department_id.as_str());

    let grant = entries
        .iter()
        .find(|e| e["action"] == "role.grant" && e["entity_id"] == staff.id.as_str())
        .expect("role grant is audited");
    assert_eq!(grant["actor_user_id"], admin.id.as_str());
    assert_eq!(grant["detail"]["role"], "staff");
    assert!(
        grant["at"]
            .as_str()
            .unwrap()
            .starts_with("2021-09-01T01:00:00"),
        "recorded at the app's clock: {grant}"
    );
    assert!(
        !log.to_string().contains(&staff.login),
        "no personal data in the audit log"
    );

    let only_departments = expect_status(
        app.get("/audit-log?entity_type=department")
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(only_departments["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["entity_type"] == "department"));
}
