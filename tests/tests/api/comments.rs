//! Comments: the window, moderation, masking, outcomes, the feedback report, the export.

use canyu_tests::{
    error_fields, expect_problem, expect_status, field_codes, on_every_backend, Person, TestApp,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    comments_are_published_only_after_moderation,
    public_lists_mask_names_and_never_show_logins,
    personal_data_typed_into_a_comment_is_masked_when_published,
    an_idempotent_retry_makes_one_comment,
    a_person_may_not_flood_a_consultation,
    staff_record_comments_received_offline,
    feedback_waits_for_every_outcome_and_counts_them,
    not_adopted_needs_a_reason_and_duplicate_its_original,
    commenters_are_notified_of_their_outcome,
    the_csv_export_holds_every_comment,
    one_reason_given_for_many_comments_is_one_line_and_they_are_listed_by_outcome,
);

async fn moderate(app: &TestApp, staff: &Person, comment: &Value, action: Value) -> Value {
    let id = comment["id"].as_str().unwrap();
    expect_status(
        app.send(
            Method::POST,
            &format!("/comments/{id}/moderation"),
            Some(&staff.token),
            action,
        )
        .await,
        StatusCode::OK,
    )
    .await
}

async fn set_outcome(
    app: &TestApp,
    staff: &Person,
    comment: &Value,
    outcome: Value,
) -> reqwest::Response {
    let id = comment["id"].as_str().unwrap();
    app.send(
        Method::PUT,
        &format!("/comments/{id}/outcome"),
        Some(&staff.token),
        outcome,
    )
    .await
}

async fn public_comments(app: &TestApp, decision: &str) -> Value {
    expect_status(
        app.get(&format!("/decisions/{decision}/comments"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await
}

async fn comments_are_published_only_after_moderation(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;

    let first = expect_status(
        app.comment(
            &resident,
            &id,
            json!({"body": "意见一", "section_anchor": "s2"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let second = expect_status(
        app.comment(&resident, &id, json!({"body": "广告"})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(first["status"], "pending");
    assert!(first["tracking_number"]
        .as_str()
        .unwrap()
        .starts_with("YP-2021-"));
    assert!(
        public_comments(&app, &id).await["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing public before moderation"
    );

    let queue = app
        .send(
            Method::GET,
            &format!("/decisions/{id}/comments?status=pending"),
            Some(&staff.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(queue, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    moderate(&app, &staff, &first, json!({"action": "publish"})).await;
    let id2 = second["id"].as_str().unwrap();
    let no_reason = app
        .send(
            Method::POST,
            &format!("/comments/{id2}/moderation"),
            Some(&staff.token),
            json!({"action": "reject"}),
        )
        .await;
    assert_eq!(
        error_fields(
            &expect_problem(
                no_reason,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed"
            )
            .await
        ),
        ["reason"]
    );
    moderate(
        &app,
        &staff,
        &second,
        json!({"action": "reject", "reason": "spam"}),
    )
    .await;

    let public = public_comments(&app, &id).await;
    let items = public["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["body"], "意见一");
    assert!(
        items[0].get("tracking_number").is_none() && items[0].get("status").is_none(),
        "{public}"
    );

    let mine = app
        .send(
            Method::GET,
            &format!("/decisions/{id}/comments?mine=true"),
            Some(&resident.token),
            Value::Null,
        )
        .await;
    let mine = expect_status(mine, StatusCode::OK).await;
    let statuses: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["rejected", "published"]);
    assert_eq!(mine["items"][0]["rejection_reason"], "spam");
    expect_problem(
        app.get(&format!("/decisions/{id}/comments?mine=true"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    let drafts = expect_status(
        app.get(&format!("/decisions/{id}/drafts"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let counts: Vec<u64> = drafts["items"][0]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["comment_count"].as_u64().unwrap())
        .collect();
    assert_eq!(
        counts,
        [0, 0, 1, 0, 0],
        "per-section counts of published comments"
    );
}

async fn public_lists_mask_names_and_never_show_logins(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let masked = app.resident("张三").await;
    let named = app.resident("李四").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let a = expect_status(
        app.comment(&masked, &id, json!({"body": "意见甲"})).await,
        StatusCode::CREATED,
    )
    .await;
    let b = expect_status(
        app.comment(&named, &id, json!({"body": "意见乙", "name_consent": true}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    moderate(&app, &staff, &a, json!({"action": "publish"})).await;
    moderate(&app, &staff, &b, json!({"action": "publish"})).await;

    let public = public_comments(&app, &id).await;
    let authors: Vec<&str> = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["李四", "张**"]);
    let text = public.to_string();
    for login in [&masked.login, &named.login] {
        assert!(
            !text.contains(login.as_str()),
            "a login appears in the public list: {text}"
        );
    }
    assert!(!text.contains('@'));
}

async fn personal_data_typed_into_a_comment_is_masked_when_published(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let written = "请回电13812345678或写信 zhang.san@example.com，身份证31011019900307123X。";
    let comment = expect_status(
        app.comment(&resident, &id, json!({"body": written})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(comment["body"], written, "the author sees what they wrote");
    moderate(&app, &staff, &comment, json!({"action": "publish"})).await;

    let public = public_comments(&app, &id).await;
    assert_eq!(
        public["items"][0]["body"],
        "请回电***或写信 ***，身份证***。"
    );
    let own = expect_status(
        app.request(Method::GET, &format!("/decisions/{id}/comments?mine=true"))
            .bearer_auth(&resident.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        own["items"][0]["body"], written,
        "nor is it hidden from its author"
    );
    let queue = expect_status(
        app.request(
            Method::GET,
            &format!("/decisions/{id}/comments?status=published"),
        )
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        queue["items"][0]["body"], written,
        "staff see what was written"
    );
}

async fn an_idempotent_retry_makes_one_comment(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let send = || {
        app.request(Method::POST, &format!("/decisions/{id}/comments"))
            .bearer_auth(&resident.token)
            .header("Idempotency-Key", "comment-attempt-1")
            .json(&json!({"body": "信号不好，重发一次"}))
            .send()
    };
    let first = expect_status(send().await.unwrap(), StatusCode::CREATED).await;
    let retry = expect_status(send().await.unwrap(), StatusCode::CREATED).await;
    assert_eq!(first, retry);
    let mine = app
        .send(
            Method::GET,
            &format!("/decisions/{id}/comments?mine=true"),
            Some(&resident.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(mine, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn a_person_may_not_flood_a_consultation(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    for n in 0..10 {
        expect_status(
            app.comment(&resident, &id, json!({"body": format!("意见{n}")}))
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let refused = app
        .comment(&resident, &id, json!({"body": "第十一条"}))
        .await;
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_comments").await;
    let other = app.resident("李四").await;
    expect_status(
        app.comment(&other, &id, json!({"body": "别人不受影响"}))
            .await,
        StatusCode::CREATED,
    )
    .await;

    let blank = app.comment(&other, &id, json!({"body": "  \n "})).await;
    let problem = expect_problem(blank, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(field_codes(&problem), [("body", "blank")]);
    let long = app
        .comment(&other, &id, json!({"body": "长".repeat(5001)}))
        .await;
    assert_eq!(
        error_fields(&expect_problem(long, StatusCode::BAD_REQUEST, "invalid_request").await),
        ["body"]
    );
}

async fn staff_record_comments_received_offline(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let letter = json!({"body": "来信意见", "channel": "letter", "author_name": "王老先生"});
    let recorded = expect_status(
        app.comment(&staff, &id, letter.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(recorded["channel"], "letter");
    assert_eq!(recorded["status"], "published", "staff transcribed it");
    assert_eq!(recorded["author"], "王**");
    let problem = expect_problem(
        app.comment(
            &staff,
            &id,
            json!({"body": "座谈会意见", "channel": "symposium"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["author_name"]);
    expect_problem(
        app.comment(&resident, &id, letter).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn feedback_waits_for_every_outcome_and_counts_them(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let mut comments = Vec::new();
    for (n, anchor) in ["s1", "s2", "s2", "s3"].iter().enumerate() {
        let resident = app.resident(&format!("居民{n}")).await;
        let comment = expect_status(
            app.comment(
                &resident,
                &id,
                json!({"body": format!("意见{n}"), "section_anchor": anchor}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        comments.push(comment);
    }
    let advertiser = app.resident("广告").await;
    let spam = expect_status(
        app.comment(&advertiser, &id, json!({"body": "广告"})).await,
        StatusCode::CREATED,
    )
    .await;
    app.clock.advance(Duration::days(30));
    let feedback_path = format!("/decisions/{id}/feedback");
    let publish = || {
        app.send(
            Method::POST,
            &feedback_path,
            Some(&staff.token),
            json!({"narrative": "感谢各位的意见。"}),
        )
    };

    expect_problem(
        publish().await,
        StatusCode::CONFLICT,
        "comments_without_outcome",
    )
    .await;
    for comment in &comments {
        moderate(&app, &staff, comment, json!({"action": "publish"})).await;
    }
    moderate(
        &app,
        &staff,
        &spam,
        json!({"action": "reject", "reason": "spam"}),
    )
    .await;
    for (comment, outcome) in comments.iter().zip([
        json!({"outcome": "adopted"}),
        json!({"outcome": "partially_adopted"}),
        json!({"outcome": "not_adopted", "reason": "已在其他规划中安排"}),
    ]) {
        expect_status(
            set_outcome(&app, &staff, comment, outcome).await,
            StatusCode::OK,
        )
        .await;
    }
    let problem = expect_problem(
        publish().await,
        StatusCode::CONFLICT,
        "comments_without_outcome",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains('1'),
        "{problem}"
    );
    expect_problem(
        app.get(&feedback_path).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let preview = expect_status(
        app.send(Method::GET, &feedback_path, Some(&staff.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(preview.get("published_at").is_none(), "staff see a preview");
    let before = public_comments(&app, &id).await;
    let items = before["items"].as_array().unwrap();
    assert!(
        items.iter().all(|c| c.get("outcome").is_none()),
        "outcomes are public with the report, not before"
    );

    let duplicate = json!({"outcome": "duplicate", "duplicate_of": comments[1]["id"]});
    expect_status(
        set_outcome(&app, &staff, &comments[3], duplicate).await,
        StatusCode::OK,
    )
    .await;
    let report = expect_status(publish().await, StatusCode::OK).await;
    assert_eq!(
        report["totals"],
        json!({"adopted": 1, "partially_adopted": 1, "not_adopted": 1, "duplicate": 1, "total": 4})
    );
    // The rejected comment is counted as received and not published, and its author told why.
    assert_eq!(report["received"], 5);
    assert_eq!(
        report["not_published"],
        json!([{"reason": "spam", "comments": 1}])
    );
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = app
        .send(
            Method::GET,
            "/me/notifications",
            Some(&advertiser.token),
            Value::Null,
        )
        .await;
    let inbox = expect_status(inbox, StatusCode::OK).await;
    let told: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "comment_rejected")
        .collect();
    assert_eq!(told.len(), 1, "{inbox}");
    assert!(told[0]["body"]
        .as_str()
        .unwrap()
        .contains(spam["tracking_number"].as_str().unwrap()));
    let s2 = report["by_section"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section_anchor"] == "s2")
        .unwrap();
    assert_eq!(s2["heading"], "第一条");
    assert_eq!(s2["counts"]["total"], 2);
    assert_eq!(
        report["not_adopted"],
        json!([{"section_anchor": "s2", "reason": "已在其他规划中安排", "comments": 1}])
    );
    assert_eq!(report["narrative"], "感谢各位的意见。");

    let after = public_comments(&app, &id).await;
    assert!(after["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("outcome").is_some()));
    let public = expect_status(
        app.get(&feedback_path).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["totals"], report["totals"]);
    assert!(public["published_at"].is_string());
    let decision = expect_status(
        app.get(&format!("/decisions/{id}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(decision["stage"], "feedback_published");
    let late = set_outcome(
        &app,
        &staff,
        &comments[0],
        json!({"outcome": "not_adopted", "reason": "改主意"}),
    )
    .await;
    expect_problem(late, StatusCode::CONFLICT, "stage_is_feedback_published").await;
}

async fn not_adopted_needs_a_reason_and_duplicate_its_original(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let comment = expect_status(
        app.comment(&resident, &id, json!({"body": "意见"})).await,
        StatusCode::CREATED,
    )
    .await;

    let unmoderated = set_outcome(&app, &staff, &comment, json!({"outcome": "adopted"})).await;
    expect_problem(unmoderated, StatusCode::CONFLICT, "comment_not_published").await;
    moderate(&app, &staff, &comment, json!({"action": "publish"})).await;
    for body in [
        json!({"outcome": "not_adopted"}),
        json!({"outcome": "not_adopted", "reason": "  "}),
    ] {
        let problem = expect_problem(
            set_outcome(&app, &staff, &comment, body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), ["reason"]);
    }
    let problem = expect_problem(
        set_outcome(&app, &staff, &comment, json!({"outcome": "duplicate"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["duplicate_of"]);
    let itself = json!({"outcome": "duplicate", "duplicate_of": comment["id"]});
    expect_problem(
        set_outcome(&app, &staff, &comment, itself).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let done = expect_status(
        set_outcome(
            &app,
            &staff,
            &comment,
            json!({"outcome": "not_adopted", "reason": "超出本规划范围"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["outcome"], "not_adopted");
    let missing = uuid::Uuid::now_v7();
    let problem = app
        .send(
            Method::PUT,
            &format!("/comments/{missing}/outcome"),
            Some(&staff.token),
            json!({"outcome": "adopted"}),
        )
        .await;
    expect_problem(problem, StatusCode::NOT_FOUND, "not_found").await;
}

async fn commenters_are_notified_of_their_outcome(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let resident = app.resident("张三").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let comment = expect_status(
        app.comment(&resident, &id, json!({"body": "意见"})).await,
        StatusCode::CREATED,
    )
    .await;
    // The receipt's number, typed in any case, says where the comment stands: no text, no
    // name, no outcome before the report.
    let number = comment["tracking_number"].as_str().unwrap().to_string();
    let receipt = |number: String| {
        let app = &app;
        async move {
            let found = app
                .get(&format!("/comments/tracking/{number}"))
                .send()
                .await
                .unwrap();
            expect_status(found, StatusCode::OK).await
        }
    };
    let pending = receipt(number.to_lowercase()).await;
    assert_eq!(
        (
            pending["status"].as_str(),
            pending["decision_title"].as_str()
        ),
        (Some("pending"), Some("数字经济政策"))
    );
    assert!(
        pending.get("body").is_none() && pending.get("author").is_none(),
        "{pending}"
    );
    expect_problem(
        app.get("/comments/tracking/YP-2021-ZZZZZZ")
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    moderate(&app, &staff, &comment, json!({"action": "publish"})).await;
    expect_status(
        set_outcome(&app, &staff, &comment, json!({"outcome": "adopted"})).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        receipt(number.clone()).await.get("outcome").is_none(),
        "not before the report"
    );
    // My comments, across decisions, newest first, with their text.
    let other = app.decision_in_consultation(&staff, "养老服务规划").await;
    expect_status(
        app.comment(&resident, &other, json!({"body": "第二条意见"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let mine = app
        .send(
            Method::GET,
            "/me/comments",
            Some(&resident.token),
            Value::Null,
        )
        .await;
    let mine = expect_status(mine, StatusCode::OK).await;
    let listed: Vec<(&str, &str)> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["decision_title"].as_str().unwrap(),
                c["body"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("养老服务规划", "第二条意见"), ("数字经济政策", "意见")]
    );
    app.clock.advance(Duration::days(30));
    expect_status(
        app.send(
            Method::POST,
            &format!("/decisions/{id}/feedback"),
            Some(&staff.token),
            json!({"narrative": "谢谢"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = expect_status(
        app.send(
            Method::GET,
            "/me/notifications",
            Some(&resident.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{inbox}");
    assert_eq!(items[0]["kind"], "comment_outcome");
    assert_eq!(receipt(number).await["outcome"], "adopted");
    assert!(items[0]["body"]
        .as_str()
        .unwrap()
        .contains(comment["tracking_number"].as_str().unwrap()));
    assert!(items[0]["body"].as_str().unwrap().contains("已采纳"));
    assert_eq!(
        canyu::outbox::deliver_pending(&app.state).await.unwrap(),
        0,
        "each message is delivered once"
    );
    expect_problem(
        app.get("/me/notifications").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn the_csv_export_holds_every_comment(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let mut tracking = Vec::new();
    for n in 0..3 {
        let resident = app.resident(&format!("居民{n}")).await;
        for m in 0..8 {
            let body = json!({"body": format!("意见{n}-{m}，含逗号, \"引号\"\n换行"), "section_anchor": "s2"});
            let comment =
                expect_status(app.comment(&resident, &id, body).await, StatusCode::CREATED).await;
            tracking.push((
                comment["id"].as_str().unwrap().to_string(),
                comment["tracking_number"].as_str().unwrap().to_string(),
            ));
        }
    }
    let formula =
        json!({"body": "=HYPERLINK(\"http://evil\")", "channel": "letter", "author_name": "某某"});
    expect_status(app.comment(&staff, &id, formula).await, StatusCode::CREATED).await;

    let response = app
        .send(
            Method::GET,
            &format!("/decisions/{id}/comments/export"),
            Some(&staff.token),
            Value::Null,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let text = response.text().await.unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheet programs");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let column = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let (id_at, number_at, body_at) = (
        column("comment_id"),
        column("tracking_number"),
        column("body"),
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 25, "every comment, one row each");
    for (comment, number) in &tracking {
        assert!(
            rows.iter()
                .any(|row| &row[id_at] == comment && &row[number_at] == number),
            "{comment} {number} missing"
        );
    }
    let row = rows
        .iter()
        .find(|r| r[body_at].starts_with("意见0-0"))
        .unwrap();
    assert_eq!(row[body_at], "意见0-0，含逗号, \"引号\"\n换行");
    assert_eq!(row[column("section_heading")], "第一条");
    assert!(
        rows.iter().any(|r| r[body_at].starts_with("'=HYPERLINK")),
        "formulas are defused"
    );
    expect_problem(
        app.send(
            Method::GET,
            &format!("/decisions/{id}/comments/export"),
            None,
            Value::Null,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn one_reason_given_for_many_comments_is_one_line_and_they_are_listed_by_outcome(
    app: TestApp,
) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let id = app.decision_in_consultation(&staff, "数字经济政策").await;
    let reasons = ["已在其他规划中安排", "已在其他规划中安排", "超出本政策范围"];
    let mut comments = Vec::new();
    for n in 0..reasons.len() {
        let resident = app.resident(&format!("居民{n}")).await;
        let comment = expect_status(
            app.comment(&resident, &id, json!({ "body": format!("意见{n}") }))
                .await,
            StatusCode::CREATED,
        )
        .await;
        app.publish_comment(&staff, &comment).await;
        comments.push(comment);
    }
    let by_outcome = |who: Option<&Person>| {
        let mut request = app.get(&format!("/decisions/{id}/comments?outcome=not_adopted"));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        request.send()
    };
    for (comment, reason) in comments.iter().zip(reasons) {
        let outcome = json!({"outcome": "not_adopted", "reason": reason});
        expect_status(
            set_outcome(&app, &staff, comment, outcome).await,
            StatusCode::OK,
        )
        .await;
    }
    let before = expect_status(by_outcome(None).await.unwrap(), StatusCode::OK).await;
    assert_eq!(before["items"], json!([]), "not public before the report");

    app.clock.advance(Duration::days(30));
    let report = expect_status(
        app.send(
            Method::POST,
            &format!("/decisions/{id}/feedback"),
            Some(&staff.token),
            json!({"narrative": "感谢各位的意见。"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        report["not_adopted"],
        json!([
            {"reason": "已在其他规划中安排", "comments": 2},
            {"reason": "超出本政策范围", "comments": 1},
        ])
    );
    let listed = expect_status(by_outcome(None).await.unwrap(), StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["outcome"] == "not_adopted"));
}
