//! The chain of a decision: catalog, drafts, the consultation window, deliberation, result.

use canyu_tests::{
    error_fields, expect_problem, expect_status, field_codes, on_every_backend, TestApp, DRAFT,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    the_whole_chain_is_disclosed_on_the_timeline,
    a_window_under_30_days_needs_a_published_reason,
    the_window_closes_by_the_clock,
    an_open_window_can_be_extended_not_shortened,
    illegal_transitions_name_the_current_stage,
    drafts_are_split_into_sections_and_versions_stay_readable,
    only_the_sponsoring_department_manages_a_decision,
    the_catalog_filters_by_year_stage_department_and_text,
    a_withdrawn_decision_says_why_and_moves_no_further,
    another_area_records_a_deliberation_inside_its_own_transaction,
    catalog_edits_leave_a_public_trace,
    a_scheduled_consultation_is_not_open_until_it_opens,
);

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.send(Method::POST, path, Some(token), body).await
}

/// The whole timeline of decision `id`: one page of up to 100 entries, and no page after it.
async fn whole_timeline(app: &TestApp, id: &str) -> Value {
    let timeline = expect_status(
        app.get(&format!("/decisions/{id}/timeline?limit=100"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(
        timeline.get("next_cursor").is_none(),
        "the whole timeline on one page: {timeline}"
    );
    timeline
}

async fn timeline_kinds(app: &TestApp, id: &str) -> Vec<String> {
    whole_timeline(app, id).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn the_whole_chain_is_disclosed_on_the_timeline(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "jsglw").await;
    let resident = app.resident("张三").await;
    let id = app
        .decision_in_consultation(&staff, "杨浦区城区管理精细化“十四五”规划")
        .await;

    let comment = expect_status(
        app.comment(
            &resident,
            &id,
            json!({"body": "建议增加停车位", "section_anchor": "s3"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let comment_id = comment["id"].as_str().unwrap();
    expect_status(
        post(
            &app,
            &staff.token,
            &format!("/comments/{comment_id}/moderation"),
            json!({"action": "publish"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let outcome = json!({"outcome": "partially_adopted"});
    expect_status(
        app.send(
            Method::PUT,
            &format!("/comments/{comment_id}/outcome"),
            Some(&staff.token),
            outcome,
        )
        .await,
        StatusCode::OK,
    )
    .await;

    app.clock.advance(Duration::days(30));
    let feedback = json!({"narrative": "共收到意见1条，部分采纳1条。"});
    let report = expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/feedback"),
            feedback,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["totals"]["partially_adopted"], 1);

    // A meeting on the day of the report is fine; one after today (or before the report) is not.
    for (days, code) in [(1, "out_of_range"), (-1, "must_be_after")] {
        let date = (app.clock.now() + Duration::days(days)).date_naive();
        let meeting = json!({"meeting_number": "区政府第138次常务会议", "meeting_date": date, "outcome": "approved"});
        let path = format!("/decisions/{id}/deliberation");
        let problem = expect_problem(
            post(&app, &staff.token, &path, meeting).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(field_codes(&problem), [("meeting_date", code)]);
    }
    let today = app.clock.now().date_naive();
    let deliberation = json!({"meeting_number": "区政府第138次常务会议", "meeting_date": today, "outcome": "approved"});
    let decided = expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/deliberation"),
            deliberation,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decided["stage"], "deliberated");
    assert_eq!(
        decided["deliberation"]["meeting_number"],
        "区政府第138次常务会议"
    );
    let result = json!({
        "document_number": "杨府发〔2021〕12号", "document_title": "杨浦区城区管理精细化“十四五”规划",
        "effective_date": "2021-12-01", "documents": [{"title": "规划全文", "url": "https://www.shyp.gov.cn/1.pdf"}],
    });
    let decided = expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/result"),
            result,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decided["stage"], "decided");
    assert_eq!(decided["result"]["document_number"], "杨府发〔2021〕12号");

    assert_eq!(
        timeline_kinds(&app, &id).await,
        [
            "catalogued",
            "draft_published",
            "consultation_open",
            "consultation_closed",
            "feedback_published",
            "deliberated",
            "decided"
        ]
    );
    let timeline = whole_timeline(&app, &id).await;
    let entries = timeline["items"].as_array().unwrap();
    let at = |i: usize| {
        chrono::DateTime::parse_from_rfc3339(entries[i]["at"].as_str().unwrap()).unwrap()
    };
    assert!(
        (1..entries.len()).all(|i| at(i - 1) <= at(i)),
        "oldest first: {timeline}"
    );
    assert_eq!(entries[6]["documents"][0]["title"], "规划全文");
}

async fn a_window_under_30_days_needs_a_published_reason(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.catalogued_decision(&staff, "数字经济政策").await;
    expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/drafts"),
            json!({"body": DRAFT}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/decisions/{id}/consultation");
    let closes_in = |days: i64| (app.clock.now() + Duration::days(days)).to_rfc3339();

    let problem = expect_problem(
        post(
            &app,
            &staff.token,
            &path,
            json!({"closes_at": closes_in(29)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["shortened_reason"]);
    let blank = json!({"closes_at": closes_in(29), "shortened_reason": "  "});
    expect_problem(
        post(&app, &staff.token, &path, blank).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let past = json!({"opens_at": (app.clock.now() - Duration::days(1)).to_rfc3339(), "closes_at": closes_in(40)});
    let problem = expect_problem(
        post(&app, &staff.token, &path, past).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["opens_at"]);
    // Not even a published reason makes a consultation of a few seconds.
    let seconds = (app.clock.now() + Duration::seconds(5)).to_rfc3339();
    let blink = json!({"closes_at": seconds, "shortened_reason": "试试看"});
    let problem = expect_problem(
        post(&app, &staff.token, &path, blink).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("closes_at", "out_of_range")]);
    assert_eq!(problem["errors"][0]["params"]["min"], 7);

    let reasoned =
        json!({"closes_at": closes_in(15), "shortened_reason": "落实上级紧急部署，须于年内出台"});
    let decision = expect_status(
        post(&app, &staff.token, &path, reasoned).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(decision["stage"], "consultation_open");
    assert_eq!(
        decision["consultation"]["shortened_reason"],
        "落实上级紧急部署，须于年内出台"
    );
    assert_eq!(decision["consultation"]["is_open"], true);
    let timeline = expect_status(
        app.get(&format!("/decisions/{id}/timeline"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(
        timeline.to_string().contains("落实上级紧急部署"),
        "the reason is published on the timeline"
    );

    // A full-length window carries no reason.
    let other = app.catalogued_decision(&staff, "另一项决策").await;
    expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{other}/drafts"),
            json!({"body": DRAFT}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let full = json!({"closes_at": closes_in(30), "shortened_reason": "不需要"});
    let decision = expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{other}/consultation"),
            full,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        decision["consultation"].get("shortened_reason").is_none(),
        "{decision}"
    );
}

async fn the_window_closes_by_the_clock(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("李四").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;

    app.clock.advance(Duration::days(30) - Duration::seconds(1));
    expect_status(
        app.comment(&resident, &id, json!({"body": "最后一秒的意见"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    app.clock.advance(Duration::seconds(1));
    expect_problem(
        app.comment(&resident, &id, json!({"body": "晚了一秒"}))
            .await,
        StatusCode::CONFLICT,
        "consultation_not_open",
    )
    .await;

    let decision = expect_status(
        app.get(&format!("/decisions/{id}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(decision["stage"], "consultation_closed");
    assert_eq!(decision["consultation"]["is_open"], false);
    assert_eq!(
        timeline_kinds(&app, &id).await.last().unwrap(),
        "consultation_closed",
        "no one pressed a button"
    );
}

async fn an_open_window_can_be_extended_not_shortened(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let path = format!("/decisions/{id}/consultation");
    let shorter = json!({"closes_at": (app.clock.now() + Duration::days(20)).to_rfc3339()});
    let problem = expect_problem(
        post(&app, &staff.token, &path, shorter).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert!(error_fields(&problem).contains(&"closes_at".to_string()));

    let later = app.clock.now() + Duration::days(45);
    let decision = expect_status(
        post(
            &app,
            &staff.token,
            &path,
            json!({"closes_at": later.to_rfc3339()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let closes_at = chrono::DateTime::parse_from_rfc3339(
        decision["consultation"]["closes_at"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(closes_at, later);
    assert_eq!(
        timeline_kinds(&app, &id).await.last().unwrap(),
        "consultation_extended"
    );

    app.clock.advance(Duration::days(40));
    let resident = app.resident("王五").await;
    expect_status(
        app.comment(&resident, &id, json!({"body": "延长期内的意见"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn illegal_transitions_name_the_current_stage(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.catalogued_decision(&staff, "数字经济政策").await;
    let closes_at = (app.clock.now() + Duration::days(30)).to_rfc3339();

    let open = post(
        &app,
        &staff.token,
        &format!("/decisions/{id}/consultation"),
        json!({"closes_at": closes_at}),
    )
    .await;
    expect_problem(open, StatusCode::CONFLICT, "stage_is_catalogued").await;
    let feedback = post(
        &app,
        &staff.token,
        &format!("/decisions/{id}/feedback"),
        json!({"narrative": "x"}),
    )
    .await;
    expect_problem(feedback, StatusCode::CONFLICT, "stage_is_catalogued").await;

    let id = app.decision_in_consultation(&staff, "另一项").await;
    let deliberation =
        json!({"meeting_number": "第140次", "meeting_date": "2021-12-01", "outcome": "approved"});
    expect_problem(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/deliberation"),
            deliberation,
        )
        .await,
        StatusCode::CONFLICT,
        "stage_is_consultation_open",
    )
    .await;
    let feedback = post(
        &app,
        &staff.token,
        &format!("/decisions/{id}/feedback"),
        json!({"narrative": "x"}),
    )
    .await;
    expect_problem(feedback, StatusCode::CONFLICT, "stage_is_consultation_open").await;
    app.clock.advance(Duration::days(31));
    let draft = json!({"body": DRAFT, "changelog": "太晚了"});
    expect_problem(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/drafts"),
            draft,
        )
        .await,
        StatusCode::CONFLICT,
        "stage_is_consultation_closed",
    )
    .await;
    let result =
        json!({"document_number": "1", "document_title": "t", "effective_date": "2022-01-01"});
    expect_problem(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/result"),
            result,
        )
        .await,
        StatusCode::CONFLICT,
        "stage_is_consultation_closed",
    )
    .await;

    let missing = uuid::Uuid::now_v7();
    expect_problem(
        app.get(&format!("/decisions/{missing}"))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn drafts_are_split_into_sections_and_versions_stay_readable(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let path = format!("/decisions/{id}/drafts");

    let drafts = expect_status(app.get(&path).send().await.unwrap(), StatusCode::OK).await;
    let sections = drafts["items"][0]["sections"].as_array().unwrap();
    let headings: Vec<&str> = sections
        .iter()
        .map(|s| s["heading"].as_str().unwrap())
        .collect();
    assert_eq!(headings, ["", "总则", "第一条", "第二条", "附则"]);
    assert_eq!(sections[2]["anchor"], "s2");
    assert_eq!(sections[2]["body"], "本规划适用于杨浦区全域。");

    let revised = DRAFT.replace("到2025年", "到2026年");
    let problem = expect_problem(
        post(&app, &staff.token, &path, json!({"body": revised})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["changelog"]);
    let second = expect_status(
        post(
            &app,
            &staff.token,
            &path,
            json!({"body": revised, "changelog": "调整目标年份"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(second["version"], 2);
    assert_eq!(second["changes"]["changed"], json!(["第二条"]));

    let drafts = expect_status(app.get(&path).send().await.unwrap(), StatusCode::OK).await;
    let versions: Vec<i64> = drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [2, 1], "newest first, the old one still readable");
    assert!(drafts["items"][1]["body"]
        .as_str()
        .unwrap()
        .contains("到2025年"));
    let decision = expect_status(
        app.get(&format!("/decisions/{id}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(decision["current_draft_version"], 2);
    assert_eq!(
        timeline_kinds(&app, &id).await.last().unwrap(),
        "draft_revised"
    );

    let resident = app.resident("赵六").await;
    let problem = expect_problem(
        app.comment(
            &resident,
            &id,
            json!({"body": "意见", "section_anchor": "s99"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["section_anchor"]);
    let comment = expect_status(
        app.comment(
            &resident,
            &id,
            json!({"body": "意见", "section_anchor": "s3"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        comment["draft_version"], 2,
        "a comment is on the current draft"
    );
}

async fn only_the_sponsoring_department_manages_a_decision(app: TestApp) {
    let admin = app.admin().await;
    let (staff, own_department) = app.staff(&admin, "fgw").await;
    let (other_staff, _) = app.staff(&admin, "mzj").await;
    let resident = app.resident("张三").await;

    let body = json!({"year": 2021, "title": "t", "summary": "", "background": "", "legal_basis": "", "timetable": "", "sponsor_department_id": own_department});
    expect_problem(
        app.send(
            Method::POST,
            "/decisions",
            Some(&other_staff.token),
            body.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.send(
            Method::POST,
            "/decisions",
            Some(&resident.token),
            body.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.send(Method::POST, "/decisions", None, body.clone())
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let created = expect_status(
        app.send(Method::POST, "/decisions", Some(&admin.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        created["sponsor"]["code"], "fgw",
        "an admin may act for any department"
    );

    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/decisions/{id}"),
            json!({"title": "改"}),
        ),
        (
            Method::POST,
            format!("/decisions/{id}/drafts"),
            json!({"body": DRAFT, "changelog": "x"}),
        ),
        (
            Method::POST,
            format!("/decisions/{id}/consultation"),
            json!({"closes_at": (app.clock.now() + Duration::days(60)).to_rfc3339()}),
        ),
        (
            Method::POST,
            format!("/decisions/{id}/withdrawal"),
            json!({"reason": "x"}),
        ),
        (
            Method::GET,
            format!("/decisions/{id}/comments/export"),
            Value::Null,
        ),
    ] {
        expect_problem(
            app.send(
                method.clone(),
                &path,
                Some(&other_staff.token),
                body.clone(),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_problem(
            app.send(method, &path, Some(&resident.token), body).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    let comment = expect_status(
        app.comment(&resident, &id, json!({"body": "意见"})).await,
        StatusCode::CREATED,
    )
    .await;
    let comment_id = comment["id"].as_str().unwrap();
    let moderation = post(
        &app,
        &other_staff.token,
        &format!("/comments/{comment_id}/moderation"),
        json!({"action": "publish"}),
    )
    .await;
    expect_problem(moderation, StatusCode::FORBIDDEN, "forbidden").await;
    let outcome = app
        .send(
            Method::PUT,
            &format!("/comments/{comment_id}/outcome"),
            Some(&other_staff.token),
            json!({"outcome": "adopted"}),
        )
        .await;
    expect_problem(outcome, StatusCode::FORBIDDEN, "forbidden").await;
    let queue = app
        .send(
            Method::GET,
            &format!("/decisions/{id}/comments?status=pending"),
            Some(&other_staff.token),
            Value::Null,
        )
        .await;
    expect_problem(queue, StatusCode::FORBIDDEN, "forbidden").await;

    let patched = app
        .send(
            Method::PATCH,
            &format!("/decisions/{id}"),
            Some(&staff.token),
            json!({"timetable": "2021年12月审议"}),
        )
        .await;
    let patched = expect_status(patched, StatusCode::OK).await;
    assert_eq!(patched["timetable"], "2021年12月审议");
    assert_eq!(patched["title"], "数字经济政策", "absent fields stay");
}

async fn the_catalog_filters_by_year_stage_department_and_text(app: TestApp) {
    let admin = app.admin().await;
    let (fgw, fgw_id) = app.staff(&admin, "fgw").await;
    let (mzj, _) = app.staff(&admin, "mzj").await;
    let planning = app
        .decision_in_consultation(&fgw, "杨浦区城区管理精细化“十四五”规划")
        .await;
    let elderly = app
        .catalogued_decision(&mzj, "杨浦区养老服务设施布局专项规划")
        .await;

    let titles = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect()
    };
    let app = &app;
    let list = |query: String| async move {
        expect_status(
            app.get(&format!("/decisions?{query}"))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await
    };
    assert_eq!(
        titles(list("year=2021".into()).await),
        [elderly.as_str(), planning.as_str()]
    );
    assert!(titles(list("year=2020".into()).await).is_empty());
    assert_eq!(
        titles(list(format!("department_id={fgw_id}")).await),
        [planning.as_str()]
    );
    assert_eq!(
        titles(list("stage=catalogued".into()).await),
        [elderly.as_str()]
    );
    assert_eq!(
        titles(list("q=%E5%85%BB%E8%80%81".into()).await),
        [elderly.as_str()],
        "text search: 养老"
    );
    assert_eq!(
        titles(list("stage=consultation_open".into()).await),
        [planning.as_str()]
    );
    app.clock.advance(Duration::days(31));
    assert!(titles(list("stage=consultation_open".into()).await).is_empty());
    assert_eq!(
        titles(list("stage=consultation_closed".into()).await),
        [planning.as_str()],
        "closed by the clock"
    );
    let problem = expect_problem(
        app.get("/decisions?stage=finished").send().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error_fields(&problem), ["stage"]);
}

async fn a_withdrawn_decision_says_why_and_moves_no_further(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let withdrawn = expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/withdrawal"),
            json!({"reason": "上位政策调整"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(withdrawn["stage"], "withdrawn");
    assert_eq!(withdrawn["withdrawn_reason"], "上位政策调整");
    expect_problem(
        app.comment(&resident, &id, json!({"body": "意见"})).await,
        StatusCode::CONFLICT,
        "consultation_not_open",
    )
    .await;
    expect_problem(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/withdrawal"),
            json!({"reason": "again"}),
        )
        .await,
        StatusCode::CONFLICT,
        "stage_is_withdrawn",
    )
    .await;
    assert_eq!(timeline_kinds(&app, &id).await.last().unwrap(), "withdrawn");
}

/// The seam the meetings area uses: the deliberation lands on the decision's timeline with
/// the caller's transaction, and not at all when that transaction is rolled back.
async fn another_area_records_a_deliberation_inside_its_own_transaction(app: TestApp) {
    use canyu::decisions::{
        dto::DeliberationRequest,
        service::{record_deliberation_in, Recorder},
    };
    use sea_orm::TransactionTrait;

    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "jsglw").await;
    let id = app
        .decision_in_consultation(&staff, "杨浦区养老服务设施布局专项规划")
        .await;
    app.clock.advance(Duration::days(30));
    expect_status(
        post(
            &app,
            &staff.token,
            &format!("/decisions/{id}/feedback"),
            json!({"narrative": "未收到意见。"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let session = canyu::auth::session_for_token(&app.state, &staff.token)
        .await
        .unwrap();
    let decision_id = id.parse().unwrap();
    let form = || DeliberationRequest {
        meeting_number: "区政府第140次常务会议".into(),
        meeting_date: app.clock.now().date_naive(),
        outcome: canyu::decisions::dto::DeliberationOutcome::Approved,
        notes: None,
        documents: vec![],
    };

    let meeting = app.state.db.begin().await.unwrap();
    record_deliberation_in(
        &meeting,
        app.clock.now(),
        app.config.timezone,
        Recorder::Sponsor(&session),
        decision_id,
        form(),
    )
    .await
    .unwrap();
    meeting.rollback().await.unwrap();
    assert!(!timeline_kinds(&app, &id)
        .await
        .contains(&"deliberated".to_string()));

    let meeting = app.state.db.begin().await.unwrap();
    record_deliberation_in(
        &meeting,
        app.clock.now(),
        app.config.timezone,
        Recorder::Sponsor(&session),
        decision_id,
        form(),
    )
    .await
    .unwrap();
    meeting.commit().await.unwrap();
    // Written beside the API, as the meetings area does inside its own request: the public
    // reads hear of it as they would of that request.
    app.state.public_reads.invalidate().await;
    assert_eq!(
        timeline_kinds(&app, &id).await.last().unwrap(),
        "deliberated"
    );
    let decision = expect_status(
        app.get(&format!("/decisions/{id}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(decision["stage"], "deliberated");
}

async fn catalog_edits_leave_a_public_trace(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "jsglw").await;
    let id = app
        .decision_in_consultation(&staff, "杨浦区旧住房更新计划")
        .await;
    let patch = json!({"title": "杨浦区旧住房更新三年计划", "legal_basis": "《上海市城市更新条例》", "summary": null});
    let path = format!("/decisions/{id}");
    let changed = app
        .send(Method::PATCH, &path, Some(&staff.token), patch.clone())
        .await;
    expect_status(changed, StatusCode::OK).await;
    let timeline = whole_timeline(&app, &id).await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "details_updated");
    assert_eq!(last["stage"], "consultation_open");
    let note = last["note"].as_str().unwrap();
    assert!(
        note.contains("《杨浦区旧住房更新计划》改为《杨浦区旧住房更新三年计划》"),
        "{note}"
    );
    assert!(note.contains("法律依据"), "{note}");

    // Staff's long texts follow the rule of every free text: no ESC, no BEL.
    let escaped = json!({"summary": "摘要\u{1b}[31m", "background": "背景\u{7}"});
    let problem = expect_problem(
        app.send(Method::PATCH, &path, Some(&staff.token), escaped)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [
            ("background", "control_characters"),
            ("summary", "control_characters")
        ]
    );

    // The same request again changes nothing and adds nothing.
    let again = app
        .send(Method::PATCH, &path, Some(&staff.token), patch)
        .await;
    expect_status(again, StatusCode::OK).await;
    assert_eq!(
        timeline_kinds(&app, &id)
            .await
            .iter()
            .filter(|k| *k == "details_updated")
            .count(),
        1
    );
}

/// Whether the catalog lists decision `id` under `stage`.
async fn listed(app: &TestApp, stage: &str, id: &str) -> bool {
    let page = expect_status(
        app.get(&format!("/decisions?stage={stage}"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == id)
}

async fn a_scheduled_consultation_is_not_open_until_it_opens(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "mzj").await;
    let resident = app.resident("陈二").await;
    let id = app
        .catalogued_decision(&staff, "杨浦区养老服务补贴办法")
        .await;
    let draft = post(
        &app,
        &staff.token,
        &format!("/decisions/{id}/drafts"),
        json!({"body": DRAFT}),
    )
    .await;
    expect_status(draft, StatusCode::CREATED).await;
    let opens_at = (app.clock.now() + Duration::days(3)).to_rfc3339();
    let closes_at = (app.clock.now() + Duration::days(33)).to_rfc3339();
    let window = json!({"opens_at": opens_at, "closes_at": closes_at});
    let path = format!("/decisions/{id}/consultation");
    // A double tap sends the same request twice: one change, one timeline entry.
    for _ in 0..2 {
        let scheduled = post(&app, &staff.token, &path, window.clone()).await;
        let decision = expect_status(scheduled, StatusCode::OK).await;
        assert_eq!(
            decision["stage"], "draft_published",
            "not open before it opens"
        );
        assert_eq!(decision["consultation"]["is_open"], false);
    }
    // The timeline tells what has happened: the opening shows once the window has opened.
    let kinds = timeline_kinds(&app, &id).await;
    assert!(
        !kinds.contains(&"consultation_open".to_string()),
        "{kinds:?}"
    );

    assert!(listed(&app, "draft_published", &id).await);
    assert!(!listed(&app, "consultation_open", &id).await);
    let early = app
        .comment(&resident, &id, json!({"body": "何时开始？"}))
        .await;
    expect_problem(early, StatusCode::CONFLICT, "consultation_not_open").await;

    app.clock.advance(Duration::days(3));
    assert!(listed(&app, "consultation_open", &id).await);
    assert!(!listed(&app, "draft_published", &id).await);
    let kinds = timeline_kinds(&app, &id).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "consultation_open").count(),
        1,
        "once, after the double tap: {kinds:?}"
    );
    let comment = app
        .comment(&resident, &id, json!({"body": "建议提高补贴标准"}))
        .await;
    expect_status(comment, StatusCode::CREATED).await;
}
