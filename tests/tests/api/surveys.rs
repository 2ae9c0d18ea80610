//! Surveys after an open day: only people who came answer, once; answers are checked against
//! their questions, counted into figures anyone can recompute by hand, and kept apart from
//! the people who gave them.

use canyu_tests::{
    error_fields, expect_problem, expect_status, faults::FaultyLink, field_codes, on_every_backend,
    Backend, Person, TestApp,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    only_people_who_came_answer_and_only_once,
    answers_are_checked_against_their_questions,
    figures_match_a_hand_computed_fixture,
    answers_hold_nothing_that_links_them_to_a_person,
    cached_figures_equal_a_recount_after_a_thousand_concurrent_responses,
    responses_the_cache_missed_are_caught_up,
    a_person_with_two_signups_answers_once,
    staff_change_a_survey_until_someone_answers,
    free_text_is_public_only_once_published_and_masked,
    people_who_came_are_invited_once_when_the_survey_opens,
    warm_results_are_read_from_the_cache_alone_and_writes_show_at_once,
);

/// An open day starting in an hour (its door is open for check-in), with `came` people
/// checked in and `stayed_away` signed up but not; the clock is still before the event.
pub(crate) struct OpenDay {
    pub(crate) staff: Person,
    event: String,
    starts_at: chrono::DateTime<chrono::Utc>,
    pub(crate) came: Vec<Person>,
    stayed_away: Vec<Person>,
}

async fn open_day(app: &TestApp, came: usize, stayed_away: usize) -> OpenDay {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let now = app.clock.now();
    let starts_at = now + Duration::hours(1);
    let event = app
        .open_event_with(
            &staff,
            json!({
                "capacity": 50, "max_party_size": 1,
                "starts_at": starts_at.to_rfc3339(),
                "ends_at": (starts_at + Duration::hours(2)).to_rfc3339(),
                "signup_closes_at": (now + Duration::minutes(30)).to_rfc3339(),
            }),
        )
        .await;
    let mut people = app.crowd(came + stayed_away).await;
    let stayed_away = people.split_off(came);
    for person in people.iter().chain(&stayed_away) {
        let signup = expect_status(
            app.send(
                Method::POST,
                &format!("/events/{event}/signups"),
                Some(&person.token),
                json!({}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        if people.iter().any(|p| p.id == person.id) {
            expect_status(
                app.send(
                    Method::POST,
                    &format!("/events/{event}/checkins"),
                    Some(&staff.token),
                    json!({"code": signup["checkin_code"]}),
                )
                .await,
                StatusCode::OK,
            )
            .await;
        }
    }
    OpenDay {
        staff,
        event,
        starts_at,
        came: people,
        stayed_away,
    }
}

async fn create_survey(app: &TestApp, day: &OpenDay, body: Value) -> Value {
    expect_status(
        app.send(
            Method::POST,
            &format!("/events/{}/survey", day.event),
            Some(&day.staff.token),
            body,
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn answer(
    app: &TestApp,
    person: &Person,
    survey: &Value,
    answers: Value,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/surveys/{}/responses", survey["id"].as_str().unwrap()),
        Some(&person.token),
        json!({"answers": answers}),
    )
    .await
}

fn question(survey: &Value, position: usize) -> Value {
    survey["questions"][position - 1]["id"].clone()
}

/// The clock well past the end of the event (it ends 3 hours after it was made).
fn after_the_event(app: &TestApp) {
    app.clock.advance(Duration::days(11) + Duration::hours(3));
}

/// The clock past the close of a survey that opened at the end of the event.
fn until_it_closes(app: &TestApp) {
    app.clock.advance(Duration::days(14));
}

async fn publish(app: &TestApp, survey: &Value, staff: &Person) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!(
            "/surveys/{}/results/publication",
            survey["id"].as_str().unwrap()
        ),
        Some(&staff.token),
        Value::Null,
    )
    .await
}

async fn results(app: &TestApp, survey: &Value, token: Option<&str>) -> reqwest::Response {
    app.send(
        Method::GET,
        &format!("/surveys/{}/results", survey["id"].as_str().unwrap()),
        token,
        Value::Null,
    )
    .await
}

async fn only_people_who_came_answer_and_only_once(app: TestApp) {
    let day = open_day(&app, 2, 1).await;
    let survey = create_survey(&app, &day, json!({})).await;
    assert_eq!(
        survey["questions"].as_array().unwrap().len(),
        6,
        "the district template's questions"
    );
    let public = expect_status(
        app.get(&format!("/events/{}/survey", day.event))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["id"], survey["id"]);
    assert_eq!(
        public["state"], "not_yet_open",
        "it opens when the event ends"
    );
    assert!(public.get("caller").is_none(), "nobody asked");
    let rating = |v: i64| json!([{"question_id": question(&survey, 1), "value": v}, {"question_id": question(&survey, 4), "value": 9}]);

    expect_problem(
        answer(&app, &day.came[0], &survey, rating(5)).await,
        StatusCode::CONFLICT,
        "survey_not_open",
    )
    .await;
    after_the_event(&app);
    expect_problem(
        answer(&app, &day.stayed_away[0], &survey, rating(5)).await,
        StatusCode::FORBIDDEN,
        "not_an_attendee",
    )
    .await;
    let stranger = app.resident("路人").await;
    expect_problem(
        answer(&app, &stranger, &survey, rating(5)).await,
        StatusCode::FORBIDDEN,
        "not_an_attendee",
    )
    .await;
    let receipt = expect_status(
        answer(&app, &day.came[0], &survey, rating(5)).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(receipt.as_object().unwrap().len(), 2, "{receipt}");
    let as_seen_by = |person: &Person| {
        let request = app
            .request(Method::GET, &format!("/events/{}/survey", day.event))
            .bearer_auth(&person.token);
        async move { expect_status(request.send().await.unwrap(), StatusCode::OK).await }
    };
    let seen = as_seen_by(&day.came[0]).await;
    assert_eq!(seen["state"], "open");
    assert_eq!(seen["caller"], json!({"came": true, "answered": true}));
    assert_eq!(
        as_seen_by(&day.came[1]).await["caller"],
        json!({"came": true, "answered": false})
    );
    assert_eq!(
        as_seen_by(&day.stayed_away[0]).await["caller"],
        json!({"came": false, "answered": false})
    );
    expect_problem(
        answer(&app, &day.came[0], &survey, rating(1)).await,
        StatusCode::CONFLICT,
        "already_answered",
    )
    .await;

    // A retry with the same key is the same response, counted once.
    let path = format!("/surveys/{}/responses", survey["id"].as_str().unwrap());
    for _ in 0..2 {
        let sent = app
            .request(Method::POST, &path)
            .bearer_auth(&day.came[1].token)
            .header("Idempotency-Key", "rate-open-day-1")
            .json(&json!({"answers": rating(4)}))
            .send()
            .await
            .unwrap();
        expect_status(sent, StatusCode::CREATED).await;
    }
    let live = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(live["responses"], 2);
    assert_eq!(live["checked_in"], 2);
    assert_eq!(live["response_rate"], 100.0);

    app.clock.advance(Duration::days(15));
    expect_problem(
        answer(&app, &day.stayed_away[0], &survey, rating(5)).await,
        StatusCode::CONFLICT,
        "survey_not_open",
    )
    .await;
}

async fn answers_are_checked_against_their_questions(app: TestApp) {
    let day = open_day(&app, 1, 0).await;
    let survey = create_survey(
        &app,
        &day,
        json!({"questions": [
            {"kind": "rating", "prompt": "总体满意度", "required": true},
            {"kind": "nps", "prompt": "推荐可能性", "required": true},
            {"kind": "multiple_choice", "prompt": "感兴趣的环节", "options": ["参观", "讲解", "交流"]},
            {"kind": "free_text", "prompt": "建议"},
        ]}),
    )
    .await;
    after_the_event(&app);
    let q = |n| question(&survey, n);
    let refused = answer(
        &app,
        &day.came[0],
        &survey,
        json!([
            {"question_id": q(1), "value": 6},
            {"question_id": q(3), "choices": [0, 0]},
            {"question_id": q(4), "value": 3},
            {"question_id": "0190d7a4-0000-7000-8000-000000000000", "value": 1},
        ]),
    )
    .await;
    let problem = expect_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [
            ("answers[0].value", "out_of_range"),
            ("answers[1].choices[1]", "invalid"),
            ("answers[2].value", "invalid"),
            ("answers[3].question_id", "not_found"),
            ("questions[1]", "required"),
        ]
    );
    assert_eq!(problem["errors"][0]["params"], json!({"min": 1, "max": 5}));

    let choice_out_of_range = answer(
        &app,
        &day.came[0],
        &survey,
        json!([
            {"question_id": q(1), "value": 5},
            {"question_id": q(2), "value": 10},
            {"question_id": q(3), "choices": [3]},
        ]),
    )
    .await;
    let problem = expect_problem(
        choice_out_of_range,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["answers[2].choices[0]"]);

    let bad_questions = app
        .send(
            Method::POST,
            &format!("/events/{}/survey", app.open_event(&day.staff, 5, 1).await),
            Some(&day.staff.token),
            json!({"questions": [
                {"kind": "single_choice", "prompt": "只有一个选项", "options": ["是"]},
                {"kind": "rating", "prompt": "评分", "options": ["甲", "乙"]},
                {"kind": "multiple_choice", "prompt": "重复的选项", "options": ["甲", "乙", " 甲"]},
            ]}),
        )
        .await;
    let problem = expect_problem(
        bad_questions,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [
            ("questions[0].options", "too_short"),
            ("questions[1].options", "invalid"),
            ("questions[2].options[2]", "invalid"),
        ]
    );
    // Nothing was written by the refusals.
    let live = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(live["responses"], 0);
    let export = format!(
        "/surveys/{}/responses/export",
        survey["id"].as_str().unwrap()
    );
    expect_problem(
        app.send(Method::GET, &export, Some(&day.staff.token), Value::Null)
            .await,
        StatusCode::CONFLICT,
        "too_few_responses",
    )
    .await;
}

/// One person's (rating, score, choices, text).
type Given = (i64, Option<i64>, &'static [i64], Option<&'static str>);

async fn figures_match_a_hand_computed_fixture(app: TestApp) {
    let day = open_day(&app, 8, 0).await;
    let survey = create_survey(
        &app,
        &day,
        json!({"questions": [
            {"kind": "rating", "prompt": "总体满意度", "required": true},
            {"kind": "nps", "prompt": "推荐可能性"},
            {"kind": "multiple_choice", "prompt": "感兴趣的环节", "options": ["参观", "讲解", "交流"]},
            {"kind": "free_text", "prompt": "建议"},
        ]}),
    )
    .await;
    after_the_event(&app);
    let q = |n| question(&survey, n);
    // (rating, score, choices, text) of six people; two of the eight who came do not answer.
    let given: [Given; 6] = [
        (5, Some(10), &[0, 1], Some("很好")),
        (4, Some(9), &[0], None),
        (4, Some(8), &[], None),
        (3, Some(6), &[2], Some("希望多安排几场")),
        (5, Some(10), &[0, 2], None),
        (2, None, &[1], None),
    ];
    for (i, (rating, score, choices, text)) in given.iter().enumerate() {
        let mut answers = vec![json!({"question_id": q(1), "value": rating})];
        if let Some(score) = score {
            answers.push(json!({"question_id": q(2), "value": score}));
        }
        if !choices.is_empty() {
            answers.push(json!({"question_id": q(3), "choices": choices}));
        }
        if let Some(text) = text {
            answers.push(json!({"question_id": q(4), "text": text}));
        }
        expect_status(
            answer(&app, &day.came[i], &survey, json!(answers)).await,
            StatusCode::CREATED,
        )
        .await;
        if i == 3 {
            let few = expect_status(
                results(&app, &survey, Some(&day.staff.token)).await,
                StatusCode::OK,
            )
            .await;
            assert_eq!(few["responses"], 4);
            assert_eq!(few["breakdown_shown"], false);
            assert_eq!(few["questions"][0]["answered"], 4);
            assert!(
                few["questions"][0].get("distribution").is_none()
                    && few["questions"][0].get("mean").is_none(),
                "four answers show counts only: {few}"
            );
        }
    }

    expect_problem(
        results(&app, &survey, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        publish(&app, &survey, &day.staff).await,
        StatusCode::CONFLICT,
        "survey_still_open",
    )
    .await;
    let answered_on = app
        .clock
        .now()
        .with_timezone(&app.config.timezone)
        .date_naive()
        .to_string();
    until_it_closes(&app);
    let published = expect_status(publish(&app, &survey, &day.staff).await, StatusCode::OK).await;
    let public = expect_status(results(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(public, published);
    assert_eq!(public["published"], true);
    assert_eq!(public["responses"], 6);
    assert_eq!(public["checked_in"], 8);
    assert_eq!(public["response_rate"], 75.0, "6 of 8");

    let counts = |question: &Value| -> Vec<u64> {
        question["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["count"].as_u64().unwrap())
            .collect()
    };
    let rating = &public["questions"][0];
    assert_eq!(rating["answered"], 6);
    assert_eq!(counts(rating), [0, 1, 1, 2, 2], "ratings 1 to 5");
    assert_eq!(rating["mean"], 3.83, "23 / 6");
    assert_eq!(rating["csat"], 66.7, "4 of 6 gave 4 or 5");
    assert!(rating.get("nps").is_none());

    let nps = &public["questions"][1];
    assert_eq!(nps["answered"], 5);
    assert_eq!(
        counts(nps),
        [0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 2],
        "scores 0 to 10"
    );
    assert_eq!(nps["nps"], 40.0, "3 promoters and 1 detractor of 5");

    let choices = &public["questions"][2];
    assert_eq!(choices["answered"], 5);
    assert_eq!(counts(choices), [3, 2, 2]);
    assert_eq!(choices["distribution"][1]["label"], "讲解");

    let text = &public["questions"][3];
    assert_eq!(text["answered"], 2);
    assert!(
        text.get("distribution").is_none(),
        "texts are not counted into values"
    );

    // The export: a row a response, the day and the answers; nothing about who.
    let path = format!(
        "/surveys/{}/responses/export",
        survey["id"].as_str().unwrap()
    );
    expect_problem(
        app.send(Method::GET, &path, Some(&day.came[0].token), Value::Null)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let export = app
        .send(Method::GET, &path, Some(&day.staff.token), Value::Null)
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    let text = export.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "submitted_on",
            "1. 总体满意度",
            "2. 推荐可能性",
            "3. 感兴趣的环节",
            "4. 建议"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r[0] == answered_on), "the day only");
    assert!(rows
        .iter()
        .any(|r| r[1..] == ["5", "10", "参观；讲解", "很好"]));
    assert!(rows.iter().any(|r| r[1..] == ["2", "", "讲解", ""]));
    for person in &day.came {
        assert!(!text.contains(&person.id) && !text.contains(&person.login));
    }
}

async fn answers_hold_nothing_that_links_them_to_a_person(app: TestApp) {
    use sea_orm::{EntityTrait, Iterable};

    // The stored answer knows its survey, its running number and its day; no person.
    let columns = |names: Vec<String>| names.join(",");
    assert_eq!(
        columns(
            entity::survey_response::Column::iter()
                .map(|c| format!("{c:?}"))
                .collect()
        ),
        "Id,SurveyId,Seq,SubmittedOn"
    );
    assert_eq!(
        columns(
            entity::survey_answer::Column::iter()
                .map(|c| format!("{c:?}"))
                .collect()
        ),
        "Id,ResponseId,QuestionId,Value,Text,TextPublished"
    );
    assert_eq!(
        columns(
            entity::survey_participation::Column::iter()
                .map(|c| format!("{c:?}"))
                .collect()
        ),
        "SurveyId,SignupId",
        "who answered, without a time or a link to the answers"
    );

    let day = open_day(&app, 5, 0).await;
    let survey = create_survey(
        &app,
        &day,
        json!({"questions": [{"kind": "rating", "prompt": "总体满意度", "required": true}]}),
    )
    .await;
    after_the_event(&app);
    for (i, person) in day.came.iter().enumerate() {
        expect_status(
            answer(
                &app,
                person,
                &survey,
                json!([{"question_id": question(&survey, 1), "value": 1 + i % 5}]),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let responses = entity::survey_response::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(responses.len(), 5);
    assert!(
        responses.iter().all(|r| r.id.get_version_num() == 4),
        "random ids: their order tells nothing of when or by whom"
    );
    let before = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;

    // After the signups' personal data is erased the answers and figures stay.
    let retention = chrono::Duration::from_std(app.config.retention).unwrap();
    app.clock.advance(retention);
    canyu::maintenance::sweep(&app.state).await.unwrap();
    let after = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after, before);
}

/// A survey (one required rating, an NPS and a multiple choice) of an ended open day with
/// `n` people checked in, set up in the database directly; the clock is past the event.
pub(crate) async fn surveyed_crowd(app: &TestApp, n: usize) -> (OpenDay, Value) {
    let day = open_day(app, 0, 0).await;
    let people = app.crowd(n).await;
    for person in &people {
        app.signup_in_db(&day.event, Some(person), 1, true).await;
    }
    let survey = create_survey(
        app,
        &day,
        json!({"questions": [
            {"kind": "rating", "prompt": "总体满意度", "required": true},
            {"kind": "nps", "prompt": "推荐可能性"},
            {"kind": "multiple_choice", "prompt": "感兴趣的环节", "options": ["参观", "讲解", "交流"]},
        ]}),
    )
    .await;
    after_the_event(app);
    (
        OpenDay {
            came: people,
            ..day
        },
        survey,
    )
}

/// Person `i`'s answers: a spread over every kind.
pub(crate) fn answers_of(survey: &Value, i: usize) -> Value {
    let mut answers = vec![json!({"question_id": question(survey, 1), "value": 1 + i % 5})];
    if !i.is_multiple_of(3) {
        answers.push(json!({"question_id": question(survey, 2), "value": i % 11}));
    }
    if !i.is_multiple_of(4) {
        answers.push(json!({"question_id": question(survey, 3), "choices": [i % 3, (i + 1) % 3]}));
    }
    json!(answers)
}

async fn cached_figures_equal_a_recount_after_a_thousand_concurrent_responses(app: TestApp) {
    let (day, survey) = surveyed_crowd(&app, 1000).await;
    let id = survey["id"].as_str().unwrap();
    // The counters exist before the storm, so every response is counted into them.
    let before = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before["responses"], 0);
    let sent: Vec<_> = day
        .came
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let request = app
                .request(Method::POST, &format!("/surveys/{id}/responses"))
                .bearer_auth(&person.token)
                .json(&json!({"answers": answers_of(&survey, i)}));
            tokio::spawn(async move { request.send().await.unwrap().status() })
        })
        .collect();
    for response in sent {
        assert_eq!(response.await.unwrap(), StatusCode::CREATED);
    }
    // Every response is in the cache, counted in order (on a loaded machine a Redis call
    // may fail during the storm: what it missed, reconciliation counts, as every 30 s).
    let key = format!("survey:{id}:counts");
    for _ in 0..40 {
        if app.state.cache.ping().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    // As the periodic job would, until a pass finds Redis answering throughout.
    let mut reconciled = false;
    for _ in 0..10 {
        if canyu::surveys::service::reconcile(&app.state, |_, _| {})
            .await
            .is_ok()
        {
            reconciled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    assert!(reconciled);
    let counters = app.state.cache.counters(&key).await.unwrap().unwrap();
    assert_eq!(counters[canyu::cache::WATERMARK], 1000);
    let cached = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cached["responses"], 1000);
    // A flush: the figures are rebuilt from the database, and are the same.
    app.state.cache.delete(&key).await.unwrap();
    let recounted = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cached, recounted);
    assert_eq!(recounted["questions"][0]["distribution"][0]["count"], 200);
}

async fn responses_the_cache_missed_are_caught_up(app: TestApp) {
    let (day, survey) = surveyed_crowd(&app, 12).await;
    let id = survey["id"].as_str().unwrap();
    let key = format!("survey:{id}:counts");
    let respond = |base: String, i: usize| {
        let request = app
            .client
            .post(format!("{base}/api/v1/surveys/{id}/responses"))
            .bearer_auth(&day.came[i].token)
            .json(&json!({"answers": answers_of(&survey, i)}));
        async move { expect_status(request.send().await.unwrap(), StatusCode::CREATED).await }
    };
    let here = format!("http://{}", app.addr);
    for i in 0..5 {
        respond(here.clone(), i).await;
    }
    let read = || async {
        expect_status(
            results(&app, &survey, Some(&day.staff.token)).await,
            StatusCode::OK,
        )
        .await
    };
    assert_eq!(read().await["responses"], 5);

    // Another instance whose cache is not this one's (as with Redis down at the moment of
    // its writes) takes three responses: this cache never hears of them. (The invitations
    // go out first: on SQLite the other instance's start-up run of that job would contend
    // with its responses for the one file, which a real installation never shares.)
    canyu::surveys::service::invite_attendees(&app.state)
        .await
        .unwrap();
    let other = app.instance_with(|config| config.redis_url = None).await;
    for i in 5..8 {
        respond(format!("http://{other}"), i).await;
    }
    let counters = app.state.cache.counters(&key).await.unwrap().unwrap();
    assert_eq!(
        counters[canyu::cache::WATERMARK],
        5,
        "the cache missed three"
    );
    let done = canyu::surveys::service::reconcile(&app.state, |_, _| {})
        .await
        .unwrap();
    assert_eq!((done.surveys, done.responses), (1, 3));
    assert_eq!(read().await["responses"], 8);

    // Missed again; the next response counted here finds the cache behind and catches up.
    respond(format!("http://{other}"), 8).await;
    respond(here.clone(), 9).await;
    let mut cached = read().await;
    for _ in 0..50 {
        if cached["responses"] == 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        cached = read().await;
    }
    assert_eq!(cached["responses"], 10, "caught up in the background");
    app.state.cache.delete(&key).await.unwrap();
    assert_eq!(read().await, cached, "equal to a recount from the database");
}

/// With Redis hanging, responses are still taken and results computed from the database,
/// exact; once Redis answers, reconciliation makes the cached figures exact too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_stay_exact_while_redis_hangs() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let (day, survey) = surveyed_crowd(&app, 6).await;
        let id = survey["id"].as_str().unwrap().to_string();
        let link = FaultyLink::to_redis_of(&app).await;
        let other = app
            .instance_with(|config| config.redis_url = Some(link.redis_url()))
            .await;
        let read_from = |base: String| {
            let request = app
                .client
                .get(format!("{base}/api/v1/surveys/{id}/results"))
                .bearer_auth(&day.staff.token);
            async move { expect_status(request.send().await.unwrap(), StatusCode::OK).await }
        };
        let here = format!("http://{}", app.addr);
        assert_eq!(
            read_from(here.clone()).await["responses"],
            0,
            "the counters are cached"
        );

        link.fall_silent();
        for (i, person) in day.came.iter().enumerate() {
            let sent = app
                .client
                .post(format!("http://{other}/api/v1/surveys/{id}/responses"))
                .bearer_auth(&person.token)
                .json(&json!({"answers": answers_of(&survey, i)}))
                .send()
                .await
                .unwrap();
            expect_status(sent, StatusCode::CREATED).await;
        }
        let while_down = read_from(format!("http://{other}")).await;
        assert_eq!(while_down["responses"], 6, "computed from the database");

        canyu::surveys::service::reconcile(&app.state, |_, _| {})
            .await
            .unwrap();
        assert_eq!(read_from(here).await, while_down);
    })
    .await;
}

/// Someone who came, cancelled and signed up again has two signups checked in (check-in
/// opens before the start): they still answer once.
async fn a_person_with_two_signups_answers_once(app: TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    let (day, survey) = surveyed_crowd(&app, 0).await;
    let person = app.resident("两次报名").await;
    let first = app.signup_in_db(&day.event, Some(&person), 1, true).await;
    entity::signup::ActiveModel {
        id: Set(first),
        status: Set("cancelled".into()),
        ..Default::default()
    }
    .update(&app.state.db)
    .await
    .unwrap();
    app.signup_in_db(&day.event, Some(&person), 1, true).await;
    expect_status(
        answer(&app, &person, &survey, answers_of(&survey, 0)).await,
        StatusCode::CREATED,
    )
    .await;
    expect_problem(
        answer(&app, &person, &survey, answers_of(&survey, 1)).await,
        StatusCode::CONFLICT,
        "already_answered",
    )
    .await;
    let seen = expect_status(
        app.request(Method::GET, &format!("/events/{}/survey", day.event))
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["caller"], json!({"came": true, "answered": true}));
}

async fn change(app: &TestApp, survey: &Value, staff: &Person, body: Value) -> reqwest::Response {
    app.send(
        Method::PATCH,
        &format!("/surveys/{}", survey["id"].as_str().unwrap()),
        Some(&staff.token),
        body,
    )
    .await
}

async fn staff_change_a_survey_until_someone_answers(app: TestApp) {
    let day = open_day(&app, 1, 0).await;
    let survey = create_survey(&app, &day, json!({})).await;
    // Read once, so that what the results read of the survey is cached.
    let before = results(&app, &survey, Some(&day.staff.token)).await;
    assert_eq!(
        expect_status(before, StatusCode::OK).await["questions"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    let changed = expect_status(
        change(
            &app,
            &survey,
            &day.staff,
            json!({"title": "电梯现场会评价", "questions": [
                {"kind": "rating", "prompt": "总体满意度", "required": true},
                {"kind": "single_choice", "prompt": "从哪里得知活动", "options": ["居委会", "随申办"]},
            ]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["title"], "电梯现场会评价");
    let kinds: Vec<&str> = changed["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["rating", "single_choice"],
        "the questions replaced, in order"
    );
    let live = expect_status(
        results(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        live["questions"][1]["prompt"], "从哪里得知活动",
        "results read after the change show its questions"
    );
    assert_eq!(
        changed["opens_at"], survey["opens_at"],
        "what was not sent stays"
    );

    let problem = expect_problem(
        change(
            &app,
            &survey,
            &day.staff,
            json!({"closes_at": survey["opens_at"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("closes_at", "must_be_after")]);
    let problem = expect_problem(
        change(
            &app,
            &survey,
            &day.staff,
            json!({"opens_at": app.clock.now().to_rfc3339()}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [("opens_at", "must_be_after")],
        "before the event starts"
    );
    let admin = app.admin().await;
    let (other_staff, _) = app.staff(&admin, "mzj").await;
    expect_problem(
        change(&app, &survey, &other_staff, json!({"title": "别的部门"})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    after_the_event(&app);
    let rated = json!([{"question_id": question(&changed, 1), "value": 4}]);
    expect_status(
        answer(&app, &day.came[0], &changed, rated).await,
        StatusCode::CREATED,
    )
    .await;
    expect_problem(
        change(
            &app,
            &survey,
            &day.staff,
            json!({"questions": [{"kind": "rating", "prompt": "改了的题目", "required": true}]}),
        )
        .await,
        StatusCode::CONFLICT,
        "questions_frozen",
    )
    .await;
    // Closing early is still possible, and then the results may be published.
    let close = (app.clock.now() + Duration::minutes(1)).to_rfc3339();
    let closed = expect_status(
        change(&app, &survey, &day.staff, json!({"closes_at": close})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        closed["questions"], changed["questions"],
        "frozen, unchanged"
    );
    expect_problem(
        publish(&app, &survey, &day.staff).await,
        StatusCode::CONFLICT,
        "survey_still_open",
    )
    .await;
    app.clock.advance(Duration::minutes(1));
    expect_status(publish(&app, &survey, &day.staff).await, StatusCode::OK).await;
    let reopen = (app.clock.now() + Duration::days(1)).to_rfc3339();
    expect_problem(
        change(&app, &survey, &day.staff, json!({"closes_at": reopen})).await,
        StatusCode::CONFLICT,
        "results_published",
    )
    .await;
}

async fn texts(app: &TestApp, survey: &Value, token: Option<&str>) -> reqwest::Response {
    app.send(
        Method::GET,
        &format!("/surveys/{}/texts", survey["id"].as_str().unwrap()),
        token,
        Value::Null,
    )
    .await
}

async fn publish_texts(
    app: &TestApp,
    survey: &Value,
    token: &str,
    body: Value,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!(
            "/surveys/{}/texts/publication",
            survey["id"].as_str().unwrap()
        ),
        Some(token),
        body,
    )
    .await
}

async fn free_text_is_public_only_once_published_and_masked(app: TestApp) {
    let day = open_day(&app, 6, 0).await;
    let survey = create_survey(
        &app,
        &day,
        json!({"questions": [
            {"kind": "rating", "prompt": "总体满意度", "required": true},
            {"kind": "free_text", "prompt": "建议"},
        ]}),
    )
    .await;
    after_the_event(&app);
    let written = ["希望增加周末场次", "请联系我 13912345678，想参加下一场"];
    for (i, person) in day.came.iter().enumerate() {
        let mut given = vec![json!({"question_id": question(&survey, 1), "value": 4})];
        if let Some(text) = written.get(i) {
            given.push(json!({"question_id": question(&survey, 2), "text": text}));
        }
        expect_status(
            answer(&app, person, &survey, json!(given)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    expect_problem(
        texts(&app, &survey, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let for_staff = expect_status(
        texts(&app, &survey, Some(&day.staff.token)).await,
        StatusCode::OK,
    )
    .await;
    let mut items = for_staff["items"].as_array().unwrap().clone();
    items.sort_by_key(|t| t["original"].as_str().unwrap().len());
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["original"], written[0]);
    assert_eq!(items[1]["original"], written[1]);
    assert_eq!(
        items[1]["text"], "请联系我 ***，想参加下一场",
        "as the public would read it"
    );
    assert!(items.iter().all(|t| t["published"] == false));

    until_it_closes(&app);
    expect_status(publish(&app, &survey, &day.staff).await, StatusCode::OK).await;
    let public = expect_status(texts(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(public["items"], json!([]), "none published yet");

    let (first, second) = (items[0]["id"].clone(), items[1]["id"].clone());
    let stranger = uuid::Uuid::new_v4().to_string();
    let problem = expect_problem(
        publish_texts(
            &app,
            &survey,
            &day.staff.token,
            json!({"answer_ids": [first, stranger], "published": true}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("answer_ids", "invalid")]);
    expect_problem(
        publish_texts(
            &app,
            &survey,
            &day.came[0].token,
            json!({"answer_ids": [first], "published": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let public = expect_status(texts(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(
        public["items"],
        json!([]),
        "a refused publication changes nothing"
    );

    for (expected, ids) in [(2, json!([first, second])), (0, json!([second]))] {
        let done = publish_texts(
            &app,
            &survey,
            &day.staff.token,
            json!({"answer_ids": ids, "published": true}),
        )
        .await;
        assert_eq!(
            expect_status(done, StatusCode::OK).await["changed"],
            expected
        );
    }
    let withdrawn = publish_texts(
        &app,
        &survey,
        &day.staff.token,
        json!({"answer_ids": [first], "published": false}),
    )
    .await;
    assert_eq!(expect_status(withdrawn, StatusCode::OK).await["changed"], 1);
    let public = expect_status(texts(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(
        public["items"],
        json!([{"id": second, "question_id": question(&survey, 2), "text": "请联系我 ***，想参加下一场", "published": true}]),
        "published ones only, masked, nothing as written"
    );
}

async fn people_who_came_are_invited_once_when_the_survey_opens(app: TestApp) {
    use canyu::{outbox, surveys::service::invite_attendees};
    let day = open_day(&app, 2, 1).await;
    let survey = create_survey(&app, &day, json!({})).await;
    assert_eq!(
        invite_attendees(&app.state).await.unwrap(),
        0,
        "not open yet"
    );
    after_the_event(&app);
    // The first has already answered when the invitations go out: they are not asked again.
    let rated = json!([{"question_id": question(&survey, 1), "value": 5}, {"question_id": question(&survey, 4), "value": 9}]);
    expect_status(
        answer(&app, &day.came[0], &survey, rated).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(invite_attendees(&app.state).await.unwrap(), 1);
    assert_eq!(invite_attendees(&app.state).await.unwrap(), 0, "once");
    outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = |person: &Person| {
        let request = app.get("/me/notifications").bearer_auth(&person.token);
        async move {
            let found = expect_status(request.send().await.unwrap(), StatusCode::OK).await;
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "survey_invitation")
                .cloned()
                .collect::<Vec<_>>()
        }
    };
    let invited = inbox(&day.came[1]).await;
    assert_eq!(invited.len(), 1, "{invited:?}");
    assert_eq!(invited[0]["link"], format!("#/events/{}/survey", day.event));
    let body = invited[0]["body"].as_str().unwrap();
    assert!(
        body.contains("年") && !body.contains('T'),
        "a local time in words: {body}"
    );
    assert!(inbox(&day.came[0]).await.is_empty(), "already answered");
    assert!(inbox(&day.stayed_away[0]).await.is_empty(), "did not come");

    // A door scan made offline during the event reaches the server after the invitations:
    // that person is invited on the next run, and only they.
    let late = &day.stayed_away[0];
    let signups = expect_status(
        app.send(Method::GET, "/me/signups", Some(&late.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    let during = day.starts_at + Duration::minutes(30);
    let scans = json!({"scans": [{
        "code": signups["items"][0]["checkin_code"],
        "device_nonce": "door-1-0001",
        "scanned_at": during.to_rfc3339(),
    }]});
    let applied = expect_status(
        app.send(
            Method::POST,
            &format!("/events/{}/checkins/batch", day.event),
            Some(&day.staff.token),
            scans,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(applied[0]["outcome"], "checked_in", "{applied}");
    assert_eq!(invite_attendees(&app.state).await.unwrap(), 1);
    outbox::deliver_pending(&app.state).await.unwrap();
    assert_eq!(inbox(late).await.len(), 1);
    assert_eq!(inbox(&day.came[1]).await.len(), 1, "not invited twice");
}

async fn warm_results_are_read_from_the_cache_alone_and_writes_show_at_once(app: TestApp) {
    use sea_orm::ConnectionTrait;
    let day = open_day(&app, 5, 1).await;
    let survey = create_survey(&app, &day, json!({})).await;
    let live = || async {
        expect_status(
            results(&app, &survey, Some(&day.staff.token)).await,
            StatusCode::OK,
        )
        .await
    };
    assert_eq!(live().await["checked_in"], 5);
    // A check-in shows in the response rate at once, though the count is cached.
    let late = &day.stayed_away[0];
    let signups = expect_status(
        app.send(Method::GET, "/me/signups", Some(&late.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    expect_status(
        app.send(
            Method::POST,
            &format!("/events/{}/checkins", day.event),
            Some(&day.staff.token),
            json!({"code": signups["items"][0]["checkin_code"]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(live().await["checked_in"], 6);

    after_the_event(&app);
    for (i, person) in day.came.iter().enumerate() {
        expect_status(
            answer(&app, person, &survey, answers_of_template(&survey, i)).await,
            StatusCode::CREATED,
        )
        .await;
    }
    until_it_closes(&app);
    expect_problem(
        results(&app, &survey, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_status(publish(&app, &survey, &day.staff).await, StatusCode::OK).await;
    let public = expect_status(results(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(public["published"], true, "a publication shows at once");
    assert_eq!(
        (public["responses"].as_u64(), public["checked_in"].as_u64()),
        (Some(5), Some(6))
    );

    // Behind the service's back the survey and the check-ins leave the database: a warm
    // read does not notice.
    for statement in [
        "DELETE FROM survey_answers",
        "DELETE FROM survey_responses",
        "DELETE FROM survey_participations",
        "DELETE FROM survey_invitations",
        "DELETE FROM survey_questions",
        "DELETE FROM surveys",
        "UPDATE signups SET checked_in_at = NULL",
    ] {
        app.state.db.execute_unprepared(statement).await.unwrap();
    }
    let cached = expect_status(results(&app, &survey, None).await, StatusCode::OK).await;
    assert_eq!(cached, public);
}

/// Person `i`'s answers to the district template's required questions.
fn answers_of_template(survey: &Value, i: usize) -> Value {
    json!([
        {"question_id": question(survey, 1), "value": 1 + i % 5},
        {"question_id": question(survey, 4), "value": i % 11},
    ])
}
