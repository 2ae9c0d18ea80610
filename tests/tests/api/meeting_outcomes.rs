//! What happens at and after a meeting: seats allotted by staff's review, the meeting held
//! with its decisions' deliberation recorded on their timelines in the same transaction, the
//! attendance, opinions and their handling told to each representative, and the minutes.

use canyu_tests::{
    expect_problem, expect_status, field_codes, on_every_backend, Backend, Person, TestApp,
};
use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::meetings::{apply, my_application, planned, representatives, Planned};

on_every_backend!(
    a_reviewed_meeting_is_held_its_opinions_handled_and_its_minutes_published,
    a_decision_not_ready_leaves_the_meeting_and_every_decision_as_they_were,
    a_cancelled_meeting_tells_its_applicants_and_is_drawn_no_more,
    a_district_accepts_representatives_on_the_bases_it_configures,
);

/// A decision whose feedback report is published, ready to be deliberated.
async fn decision_ready(app: &TestApp, sponsor: &Person, title: &str) -> String {
    let id = app.decision_in_consultation(sponsor, title).await;
    app.clock.advance(Duration::days(30));
    let feedback = app
        .send(
            Method::POST,
            &format!("/decisions/{id}/feedback"),
            Some(&sponsor.token),
            json!({"narrative": "未收到意见。"}),
        )
        .await;
    expect_status(feedback, StatusCode::OK).await;
    id
}

/// The decision's sponsor puts it on the meeting's agenda; returns the item's id.
async fn deliberating(app: &TestApp, day: &Planned, sponsor: &Person, decision: &str) -> String {
    let added = app
        .send(
            Method::POST,
            &format!("/meetings/{}/agenda", day.meeting),
            Some(&sponsor.token),
            json!({"title": "审议专项规划", "presenting_department_id": day.department, "decision_id": decision}),
        )
        .await;
    let agenda = expect_status(added, StatusCode::CREATED).await["agenda"].clone();
    agenda.as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn review(
    app: &TestApp,
    staff: &Person,
    application: &Value,
    body: Value,
) -> reqwest::Response {
    let path = format!(
        "/applications/{}/review",
        application["id"].as_str().unwrap()
    );
    app.send(Method::POST, &path, Some(&staff.token), body)
        .await
}

async fn notices(app: &TestApp, person: &Person, kind: &str) -> Vec<Value> {
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = app
        .send(
            Method::GET,
            "/me/notifications",
            Some(&person.token),
            Value::Null,
        )
        .await;
    expect_status(inbox, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .cloned()
        .collect()
}

async fn a_reviewed_meeting_is_held_its_opinions_handled_and_its_minutes_published(app: TestApp) {
    let admin = app.admin().await;
    let (sponsor, _) = app.staff(&admin, "jsglw").await;
    let decision = decision_ready(&app, &sponsor, "杨浦区城区管理精细化“十四五”规划").await;
    let day = planned(
        &app,
        json!({"quotas": [{"category": "legal", "seats": 1}], "selection_method": "review"}),
    )
    .await;
    // Only the decision's sponsor puts it before the meeting.
    let foreign = app
        .send(
            Method::POST,
            &format!("/meetings/{}/agenda", day.meeting),
            Some(&day.staff.token),
            json!({"title": "审议专项规划", "presenting_department_id": day.department, "decision_id": decision}),
        )
        .await;
    expect_problem(foreign, StatusCode::FORBIDDEN, "forbidden").await;
    let item = deliberating(&app, &day, &sponsor, &decision).await;
    let lawyers = representatives(&app, &day.staff, "legal", 3).await;
    app.clock.advance(Duration::days(1));
    let mut applications = Vec::new();
    for person in &lawyers {
        let applied = apply(&app, person, &day.meeting, json!([day.public_item])).await;
        applications.push(expect_status(applied, StatusCode::CREATED).await);
    }
    let staff = &day.staff;
    let accept = json!({"verdict": "accepted"});
    expect_problem(
        review(&app, staff, &applications[0], accept.clone()).await,
        StatusCode::CONFLICT,
        "review_closed",
    )
    .await;
    app.clock.advance(Duration::days(2));
    let path = |what: &str| format!("/meetings/{}/{what}", day.meeting);
    let as_staff = Some(staff.token.as_str());
    expect_problem(
        app.send(Method::POST, &path("selection"), as_staff, Value::Null)
            .await,
        StatusCode::CONFLICT,
        "reviews_pending",
    )
    .await;

    // The first accepted takes the one seat, the next accepted waits; a rejection says why.
    let seated = expect_status(
        review(&app, staff, &applications[0], accept.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(seated["status"], "seated");
    let problem = expect_problem(
        review(
            &app,
            staff,
            &applications[1],
            json!({"verdict": "rejected"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("reason", "required")]);
    let rejected = expect_status(
        review(
            &app,
            staff,
            &applications[1],
            json!({"verdict": "rejected", "reason": "已列席本年度其他会议"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (rejected["status"].as_str(), rejected["reason"].as_str()),
        (Some("rejected"), Some("已列席本年度其他会议"))
    );
    let waiting = expect_status(
        review(&app, staff, &applications[2], accept.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            waiting["status"].as_str(),
            waiting["waitlist_position"].as_i64()
        ),
        (Some("waitlisted"), Some(1))
    );
    expect_problem(
        review(&app, staff, &applications[0], accept).await,
        StatusCode::CONFLICT,
        "already_reviewed",
    )
    .await;
    let told = notices(&app, &lawyers[1], "application_rejected").await;
    assert!(
        told[0]["body"]
            .as_str()
            .unwrap()
            .contains("已列席本年度其他会议"),
        "{told:?}"
    );
    let allotted = app
        .send(Method::POST, &path("selection"), as_staff, Value::Null)
        .await;
    assert_eq!(
        expect_status(allotted, StatusCode::OK).await["status"],
        "drawn"
    );

    // Opinions come from the seat: the rejected lawyer has none, a confidential item takes
    // none; staff may write one down for the seat.
    let opinion = |text: &str, named: bool, item: &str| json!({"agenda_item_id": item, "text": text, "named": named});
    let opinions_path = path("opinions");
    let give = |person: &Person, body: Value| {
        let token = person.token.clone();
        let (app, path) = (&app, opinions_path.clone());
        async move { app.send(Method::POST, &path, Some(&token), body).await }
    };
    expect_problem(
        give(&lawyers[1], opinion("建议", false, &item)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let problem = expect_problem(
        give(&lawyers[0], opinion("建议", false, &day.confidential_item)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("agenda_item_id", "not_found")]);
    let anonymous = expect_status(
        give(
            &lawyers[0],
            opinion("建议明确背街小巷保洁频次，联系我 13912345678", false, &item),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let named = expect_status(
        give(
            &lawyers[0],
            opinion("建议公开考核结果", true, &day.public_item),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(named["representative"], "居民0");

    // Held once started, every deliberated item given its outcome, recorded on the decision.
    let deliberation = json!({"deliberations": [{"agenda_item_id": item, "outcome": "approved_with_amendments", "notes": "请吸收列席代表意见"}]});
    expect_problem(
        app.send(Method::POST, &path("held"), as_staff, deliberation.clone())
            .await,
        StatusCode::CONFLICT,
        "meeting_not_started",
    )
    .await;
    app.clock.advance(Duration::days(7));
    let problem = expect_problem(
        app.send(
            Method::POST,
            &path("held"),
            as_staff,
            json!({"deliberations": []}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("deliberations", "required")]);
    let held = app
        .send(Method::POST, &path("held"), as_staff, deliberation)
        .await;
    assert_eq!(expect_status(held, StatusCode::OK).await["status"], "held");
    let timeline = app
        .get(&format!("/decisions/{decision}/timeline?limit=100"))
        .send()
        .await
        .unwrap();
    let timeline = expect_status(timeline, StatusCode::OK).await;
    let last = timeline["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "deliberated", "{timeline}");
    assert!(
        last["note"]
            .as_str()
            .unwrap()
            .contains("区政府第140次常务会议"),
        "{last}"
    );

    // Once held, what representatives said at the meeting is written down by staff, masked in
    // public whatever staff send: consent to be named is the representative's own.
    expect_problem(
        give(&lawyers[0], opinion("补充意见", true, &item)).await,
        StatusCode::CONFLICT,
        "opinions_closed",
    )
    .await;
    let mut voiced = opinion("会上补充：建议增加夜间保洁。", true, &item);
    voiced["application_id"] = applications[0]["id"].clone();
    let voiced = expect_status(give(staff, voiced).await, StatusCode::CREATED).await;
    assert_eq!(voiced["named"], false);
    let deliberated = expect_status(
        app.get(&format!("/decisions/{decision}"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(deliberated["stage"], "deliberated");
    assert_eq!(
        deliberated["deliberation"]["meeting_number"],
        "区政府第140次常务会议"
    );
    assert_eq!(
        deliberated["deliberation"]["outcome"],
        "approved_with_amendments"
    );

    // Attendance names seats only, and comes before the minutes.
    expect_problem(
        app.send(
            Method::POST,
            &path("minutes"),
            as_staff,
            json!({"conclusion": "原则通过"}),
        )
        .await,
        StatusCode::CONFLICT,
        "attendance_unrecorded",
    )
    .await;
    let problem = expect_problem(
        app.send(
            Method::PUT,
            &path("attendance"),
            as_staff,
            json!({"attended": [applications[2]["id"]]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("attended[0]", "not_found")]);
    let attended = app
        .send(
            Method::PUT,
            &path("attendance"),
            as_staff,
            json!({"attended": [applications[0]["id"]]}),
        )
        .await;
    assert_eq!(
        expect_status(attended, StatusCode::OK).await["observers"],
        json!([{"category": "legal", "seated": 1, "attended": 1}])
    );

    // Before the minutes the public sees no opinion, the representative their own.
    let public = |app: &TestApp| app.get(&path("opinions")).send();
    assert_eq!(
        expect_status(public(&app).await.unwrap(), StatusCode::OK).await["items"],
        json!([])
    );
    let own = app
        .send(
            Method::GET,
            &path("opinions"),
            Some(&lawyers[0].token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(own, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    for outsider in [&lawyers[2], &sponsor] {
        let others = app
            .send(
                Method::GET,
                &path("opinions"),
                Some(&outsider.token),
                Value::Null,
            )
            .await;
        assert_eq!(
            expect_status(others, StatusCode::OK).await["items"],
            json!([])
        );
    }

    // Every opinion is handled before the minutes; each handling and the conclusion are told.
    expect_problem(
        app.send(
            Method::POST,
            &path("minutes"),
            as_staff,
            json!({"conclusion": "原则通过"}),
        )
        .await,
        StatusCode::CONFLICT,
        "opinions_unhandled",
    )
    .await;
    let handlings = [
        (&anonymous, "已采纳，规划增加保洁频次要求。"),
        (&named, "部分采纳。"),
        (&voiced, "采纳，详询 13800001111。"),
    ];
    for (opinion, handling) in handlings {
        let handled = app
            .send(
                Method::POST,
                &format!("/opinions/{}/handling", opinion["id"].as_str().unwrap()),
                as_staff,
                json!({"handling": handling}),
            )
            .await;
        assert_eq!(
            expect_status(handled, StatusCode::OK).await["handling"],
            handling
        );
    }
    expect_problem(
        app.send(
            Method::POST,
            &format!("/opinions/{}/handling", named["id"].as_str().unwrap()),
            as_staff,
            json!({"handling": "再次"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_handled",
    )
    .await;
    let handled = notices(&app, &lawyers[0], "opinion_handled").await;
    assert_eq!(handled.len(), 3, "{handled:?}");
    assert!(handled
        .iter()
        .any(|n| n["body"] == "已采纳，规划增加保洁频次要求。"));
    let minutes = app
        .send(
            Method::POST,
            &path("minutes"),
            as_staff,
            json!({"conclusion": "会议原则通过该规划。"}),
        )
        .await;
    let minutes = expect_status(minutes, StatusCode::OK).await;
    assert_eq!(
        (minutes["status"].as_str(), minutes["conclusion"].as_str()),
        (Some("minutes_published"), Some("会议原则通过该规划。"))
    );
    assert_eq!(
        notices(&app, &lawyers[0], "meeting_conclusion").await.len(),
        1
    );
    assert!(
        notices(&app, &lawyers[2], "meeting_conclusion")
            .await
            .is_empty(),
        "waiting, not seated"
    );
    expect_problem(
        app.send(
            Method::PUT,
            &path("attendance"),
            as_staff,
            json!({"attended": []}),
        )
        .await,
        StatusCode::CONFLICT,
        "minutes_published",
    )
    .await;

    // Now public: the name masked unless consented, personal data in the text masked.
    let published = expect_status(public(&app).await.unwrap(), StatusCode::OK).await;
    let items = published["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let first = &items[0];
    assert_ne!(first["representative"], "居民0");
    assert!(
        first["representative"].as_str().unwrap().contains('*'),
        "{first}"
    );
    assert!(
        !first["text"].as_str().unwrap().contains("13912345678"),
        "{first}"
    );
    assert_eq!(first["handling"], "已采纳，规划增加保洁频次要求。");
    assert_eq!(items[1]["representative"], "居民0", "consented");
    assert_ne!(items[2]["representative"], "居民0", "written down by staff");
    assert!(!items[2]["handling"]
        .as_str()
        .unwrap()
        .contains("13800001111"));

    let year = app.clock.now().with_timezone(&app.config.timezone).year();
    let figures = app.get(&format!("/reports/{year}")).send().await.unwrap();
    assert_eq!(
        expect_status(figures, StatusCode::OK).await["meetings"],
        json!({"held_with_observers": 1, "observers_seated": 1, "observers_attended": 1})
    );
}

async fn a_decision_not_ready_leaves_the_meeting_and_every_decision_as_they_were(app: TestApp) {
    let admin = app.admin().await;
    let (sponsor, _) = app.staff(&admin, "jsglw").await;
    let still_closing = app
        .decision_in_consultation(&sponsor, "杨浦区养老服务设施布局专项规划")
        .await;
    let ready = decision_ready(&app, &sponsor, "杨浦区城区管理精细化“十四五”规划").await;
    let day = planned(
        &app,
        json!({"quotas": [{"category": "resident", "seats": 2}], "selection_method": "first_come"}),
    )
    .await;
    let items = [
        deliberating(&app, &day, &sponsor, &ready).await,
        deliberating(&app, &day, &sponsor, &still_closing).await,
    ];
    let residents = representatives(&app, &day.staff, "resident", 2).await;
    app.clock.advance(Duration::days(1));
    for person in &residents {
        expect_status(
            apply(&app, person, &day.meeting, json!([])).await,
            StatusCode::CREATED,
        )
        .await;
    }
    // Withdrawing a profile withdraws the applications still being taken.
    let gone = app
        .send(
            Method::DELETE,
            "/me/representative",
            Some(&residents[1].token),
            Value::Null,
        )
        .await;
    expect_status(gone, StatusCode::OK).await;
    assert_eq!(
        my_application(&app, &day.meeting, &residents[1]).await["status"],
        "withdrawn"
    );

    app.clock.advance(Duration::days(2));
    let path = |what: &str| format!("/meetings/{}/{what}", day.meeting);
    let as_staff = Some(day.staff.token.as_str());
    app.clock.advance(Duration::days(7));
    let deliberations = json!({"deliberations": items.iter().map(|i| json!({"agenda_item_id": i, "outcome": "approved"})).collect::<Vec<_>>()});
    expect_problem(
        app.send(Method::POST, &path("held"), as_staff, deliberations.clone())
            .await,
        StatusCode::CONFLICT,
        "seats_not_allotted",
    )
    .await;
    let allotted = app
        .send(Method::POST, &path("selection"), as_staff, Value::Null)
        .await;
    expect_status(allotted, StatusCode::OK).await;
    let problem = expect_problem(
        app.send(Method::POST, &path("held"), as_staff, deliberations)
            .await,
        StatusCode::CONFLICT,
        "decision_not_ready",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("deliberations[1]"),
        "{problem}"
    );
    let meeting = app
        .get(&format!("/meetings/{}", day.meeting))
        .send()
        .await
        .unwrap();
    let meeting = expect_status(meeting, StatusCode::OK).await;
    assert_eq!(meeting["status"], "drawn");
    let untouched = expect_status(
        app.get(&format!("/decisions/{ready}"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        untouched["stage"], "feedback_published",
        "the first decision's deliberation was undone"
    );

    // The item not ready is deferred: the meeting is held, the other decision deliberated.
    let deferred = json!({"deliberations": [
        {"agenda_item_id": items[0], "outcome": "approved"},
        {"agenda_item_id": items[1], "outcome": "deferred"},
    ]});
    let held = app
        .send(Method::POST, &path("held"), as_staff, deferred)
        .await;
    assert_eq!(expect_status(held, StatusCode::OK).await["status"], "held");
    let stage = |id: String| {
        let app = &app;
        async move {
            let found = app.get(&format!("/decisions/{id}")).send().await.unwrap();
            expect_status(found, StatusCode::OK).await["stage"].clone()
        }
    };
    assert_eq!(stage(ready.clone()).await, "deliberated");
    assert_eq!(stage(still_closing.clone()).await, "consultation_closed");
    expect_problem(
        app.send(
            Method::POST,
            &path("cancellation"),
            as_staff,
            json!({"reason": "议程调整"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_held",
    )
    .await;
}

/// Cancelled after its lottery's pool was committed: every applicant is told why, and the
/// lottery is drawn no more.
async fn a_cancelled_meeting_tells_its_applicants_and_is_drawn_no_more(app: TestApp) {
    let value_at = app.clock.now() + Duration::days(4);
    let day = planned(
        &app,
        json!({"quotas": [{"category": "cppcc_member", "seats": 1}], "selection_method": "lottery", "public_value_source": "上证综合指数", "public_value_at": value_at.to_rfc3339()}),
    )
    .await;
    let members = representatives(&app, &day.staff, "cppcc_member", 2).await;
    app.clock.advance(Duration::days(1));
    for person in &members {
        expect_status(
            apply(&app, person, &day.meeting, json!([])).await,
            StatusCode::CREATED,
        )
        .await;
    }
    app.clock.advance(Duration::days(2));
    let path = |what: &str| format!("/meetings/{}/{what}", day.meeting);
    let as_staff = Some(day.staff.token.as_str());
    let committed = app
        .send(Method::POST, &path("selection"), as_staff, Value::Null)
        .await;
    expect_status(committed, StatusCode::OK).await;
    let cancelled = app
        .send(
            Method::POST,
            &path("cancellation"),
            as_staff,
            json!({"reason": "议程调整"}),
        )
        .await;
    let cancelled = expect_status(cancelled, StatusCode::OK).await;
    assert_eq!(
        (
            cancelled["status"].as_str(),
            cancelled["cancellation_reason"].as_str()
        ),
        (Some("cancelled"), Some("议程调整"))
    );
    for person in &members {
        let told = notices(&app, person, "meeting_cancelled").await;
        assert!(
            told[0]["body"].as_str().unwrap().contains("议程调整"),
            "{told:?}"
        );
    }
    app.clock.advance(Duration::days(1));
    expect_problem(
        app.send(
            Method::POST,
            &path("draw"),
            as_staff,
            json!({"value": "3572.37"}),
        )
        .await,
        StatusCode::CONFLICT,
        "meeting_cancelled",
    )
    .await;
    for person in &members {
        assert_eq!(
            my_application(&app, &day.meeting, person).await["status"],
            "applied"
        );
    }
}

/// Staff on two instances accept every applicant at once: the quota is never exceeded and the
/// rest wait in distinct places.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_reviewing_at_once_never_exceed_the_quota() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let day = planned(
            &app,
            json!({"quotas": [{"category": "business", "seats": 2}], "selection_method": "review"}),
        )
        .await;
        let people = representatives(&app, &day.staff, "business", 8).await;
        app.clock.advance(Duration::days(1));
        let mut applications = Vec::new();
        for person in &people {
            applications.push(
                expect_status(
                    apply(&app, person, &day.meeting, json!([])).await,
                    StatusCode::CREATED,
                )
                .await,
            );
        }
        app.clock.advance(Duration::days(2));
        let bases = [
            format!("http://{}", app.addr),
            format!("http://{}", app.second_instance().await),
        ];
        let reviews: Vec<_> = applications
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let url = format!(
                    "{}/api/v1/applications/{}/review",
                    bases[i % 2],
                    a["id"].as_str().unwrap()
                );
                let request = app
                    .client
                    .post(url)
                    .bearer_auth(&day.staff.token)
                    .json(&json!({"verdict": "accepted"}));
                tokio::spawn(request.send())
            })
            .collect();
        let mut seated = 0;
        let mut places = Vec::new();
        for reviewed in reviews {
            let placed = expect_status(reviewed.await.unwrap().unwrap(), StatusCode::OK).await;
            match placed["status"].as_str().unwrap() {
                "seated" => seated += 1,
                _ => places.push(placed["waitlist_position"].as_i64().unwrap()),
            }
        }
        places.sort();
        assert_eq!((seated, places), (2, vec![1, 2, 3, 4, 5, 6]));
    })
    .await;
}

/// A district that accepts only people living in it says so, and refuses another basis.
async fn a_district_accepts_representatives_on_the_bases_it_configures(app: TestApp) {
    use canyu::meetings::dto::Eligibility;

    let strict = app
        .instance_with(|config| {
            config.representative_eligibility = vec![Eligibility::LivesInDistrict]
        })
        .await;
    let url = |path: &str| format!("http://{strict}/api/v1{path}");
    let rule = app
        .client
        .get(url("/representatives/eligibility"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_status(rule, StatusCode::OK).await,
        json!({"accepted": ["lives_in_district"]})
    );
    let person = app.resident("王五").await;
    let profile = |basis: &str| {
        app.client
            .post(url("/representatives"))
            .bearer_auth(&person.token)
            .json(&json!({"category": "resident", "organisation": "控江路街道", "statement": "关注社区养老。", "eligibility": basis}))
            .send()
    };
    let problem = expect_problem(
        profile("works_in_district").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("eligibility", "not_one_of")]);
    expect_status(
        profile("lives_in_district").await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let default = app
        .get("/representatives/eligibility")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_status(default, StatusCode::OK).await,
        json!({"accepted": ["lives_in_district", "works_in_district"]})
    );
}
