//! The web portal in headless Chromium, as a person uses it.

use std::future::Future;

use canyu_tests::{browser::Browser, expect_status, Backend, TestApp, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A browser test on SQLite, then on PostgreSQL + Redis where they are configured.
async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    for backend in [Backend::Sqlite, Backend::Postgres] {
        canyu_tests::run(backend, &test).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_registers_and_sees_their_profile() {
    on_each_backend(|app: TestApp| async move {
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        let login = TestApp::unique_phone();

        browser
            .client
            .goto(&format!("{base}/#/register"))
            .await
            .unwrap();
        browser.find("[data-page=register]").await;
        browser.fill("#register-login", &login).await;
        browser.fill("#register-password", "short").await;
        browser.fill("#register-display-name", "张三").await;
        browser.click("#register-submit").await;
        // The server's field error is shown next to the password.
        browser.wait_for_text("#register-password-error", "8").await;

        browser.fill("#register-password", PASSWORD).await;
        browser.click("#register-submit").await;
        browser.find("[data-page=me]").await;
        browser.wait_for_text("#profile-display-name", "张三").await;
        browser.wait_for_text("#profile-login", &login).await;
        browser.wait_for_text("#profile-roles", "居民").await;

        browser.click("#nav-logout").await;
        browser.find("#nav-login").await;
        browser
            .client
            .goto(&format!("{base}/#/login"))
            .await
            .unwrap();
        browser.fill("#login-login", &login).await;
        browser.fill("#login-password", "wrong password").await;
        browser.click("#login-submit").await;
        browser.wait_for_text("#flash", "账号或密码不正确").await;
        browser.fill("#login-password", PASSWORD).await;
        browser.click("#login-submit").await;
        browser.find("[data-page=me]").await;
        browser.wait_for_text("#profile-display-name", "张三").await;

        browser.click("#lang-switch").await;
        browser.wait_for_text("#profile-roles", "Resident").await;
        browser.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_goes_from_the_catalog_to_a_submitted_comment() {
    on_each_backend(|app: TestApp| async move {
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "fgw").await;
        let id = app
            .decision_in_consultation(&staff, "杨浦区促进数字经济发展的若干政策")
            .await;
        let resident = app.resident("张三").await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        // An address nobody made says so, and leads back.
        browser
            .client
            .goto(&format!("{base}/#/no-such-page"))
            .await
            .unwrap();
        browser.find("[data-page=not-found]").await;
        let url = browser.client.current_url().await.unwrap();
        assert!(url.as_str().ends_with("#/no-such-page"), "{url}");
        browser.click("#not-found-home").await;
        // The home page says what one can take part in now, with its deadline.
        browser.find("[data-page=home]").await;
        let open = browser
            .wait_for_text("#home-consultations", "杨浦区促进数字经济发展的若干政策")
            .await;
        assert!(open.contains("征求意见截至"), "{open}");

        browser.log_in(&base, &resident.login, PASSWORD, "me").await;
        browser
            .client
            .goto(&format!("{base}/#/decisions"))
            .await
            .unwrap();
        browser.find("[data-page=decisions]").await;
        browser
            .click(&format!("a.decision-link[data-id=\"{id}\"]"))
            .await;
        browser.find("[data-page=decision]").await;
        browser.wait_for_text("#timeline", "公开征求意见").await;
        browser.click("#read-draft").await;
        browser.find("[data-page=draft]").await;
        browser
            .click("[data-anchor=s2] button.comment-on-section")
            .await;
        browser
            .fill("#comment-body", "建议明确政策的兑现时限。")
            .await;
        browser.click("#comment-submit").await;
        let receipt = browser.wait_for_text("#comment-receipt", "YP-2021-").await;
        // The receipt's number finds the comment from the catalogue, and it is among mine.
        let number = receipt
            .split_whitespace()
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
            .find(|w| w.starts_with("YP-2021-"))
            .unwrap()
            .to_string();
        browser
            .client
            .goto(&format!("{base}/#/decisions"))
            .await
            .unwrap();
        browser.fill("#track-number", &number.to_lowercase()).await;
        browser.click("#track-submit").await;
        browser
            .wait_for_text("#track-result", "杨浦区促进数字经济发展的若干政策")
            .await;
        browser.client.goto(&format!("{base}/#/me")).await.unwrap();
        browser.wait_for_text("#my-comments", &number).await;
        browser.close().await;

        let mine = app
            .send(
                Method::GET,
                &format!("/decisions/{id}/comments?mine=true"),
                Some(&resident.token),
                Value::Null,
            )
            .await;
        let mine = expect_status(mine, StatusCode::OK).await;
        let comment = &mine["items"][0];
        assert_eq!(
            comment["section_anchor"], "s2",
            "the comment points at the section chosen"
        );
        assert_eq!(comment["body"], "建议明确政策的兑现时限。");
        assert!(
            receipt.contains(comment["tracking_number"].as_str().unwrap()),
            "{receipt}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_signs_up_for_an_open_day_and_staff_check_them_in() {
    on_each_backend(|app: TestApp| async move {
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "cyzx").await;
        let event = app.open_event(&staff, 10, 2).await;
        let resident = app.resident("张三").await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        browser.log_in(&base, &resident.login, PASSWORD, "me").await;

        browser
            .client
            .goto(&format!("{base}/#/events"))
            .await
            .unwrap();
        browser.find("[data-page=events]").await;
        browser
            .click(&format!("a.event-link[data-id=\"{event}\"]"))
            .await;
        browser.find("[data-page=event]").await;
        browser.click("#signup-submit").await;
        browser.wait_for_text("#signup-result", "确认").await;

        browser
            .client
            .goto(&format!("{base}/#/me/signups"))
            .await
            .unwrap();
        browser.find("[data-page=my-signups]").await;
        browser.find("img.signup-qr").await;
        let code = browser.find(".signup-code").await.text().await.unwrap();
        let code = code.trim().to_string();
        assert_eq!(code.len(), 9, "the check-in code is shown: {code:?}");

        // Staff at the door, an hour before the start: the phone camera opens the QR code's
        // link, which checks the person in.
        app.clock
            .advance(chrono::Duration::days(11) - chrono::Duration::hours(1));
        browser.click("#nav-logout").await;
        browser.find("#nav-login").await;
        browser.log_in(&base, &staff.login, PASSWORD, "staff").await;
        browser
            .client
            .goto(&format!(
                "{base}/#/staff/events/{event}/checkin?code={}",
                code.to_lowercase()
            ))
            .await
            .unwrap();
        browser.find("[data-page=checkin]").await;
        browser.wait_for_text("#checkin-result", "张**").await;
        browser
            .wait_for_text("#checkin-more", &resident.login[7..])
            .await;
        // Typed again, in any case: already in.
        browser.fill("#checkin-code", &code.to_lowercase()).await;
        browser.click("#checkin-submit").await;
        browser.wait_for_text("#checkin-result", "已签到过").await;
        browser.close().await;

        let mine = expect_status(
            app.send(
                Method::GET,
                "/me/signups",
                Some(&resident.token),
                Value::Null,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert!(
            mine["items"][0]["checked_in_at"].is_string(),
            "checked in once"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_who_came_rates_the_open_day_and_staff_see_the_answer_counted() {
    on_each_backend(|app: TestApp| async move {
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "cyzx").await;
        let event = app.open_event(&staff, 10, 2).await;
        let resident = app.resident("张三").await;
        let signup = expect_status(
            app.send(
                Method::POST,
                &format!("/events/{event}/signups"),
                Some(&resident.token),
                json!({}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        // At the door an hour before the start (it starts 11 days after it was made).
        app.clock
            .advance(chrono::Duration::days(11) - chrono::Duration::hours(1));
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
        // The district template's questions (1: rating, 4: score, both required), open from
        // the end of the event, which is over (it ends two hours after it starts).
        app.clock.advance(chrono::Duration::hours(4));
        let survey = expect_status(
            app.send(
                Method::POST,
                &format!("/events/{event}/survey"),
                Some(&staff.token),
                json!({}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(survey["state"], "open", "{survey}");
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        browser.log_in(&base, &resident.login, PASSWORD, "me").await;

        browser
            .client
            .goto(&format!("{base}/#/events/{event}"))
            .await
            .unwrap();
        browser.find("[data-page=event]").await;
        browser.click("#survey-start").await;
        browser.find("[data-page=survey]").await;
        // Sent without the required answers: the server's errors are shown at their questions.
        browser.click("#survey-submit").await;
        browser
            .wait_for_text("#question-1-error", "请回答这个问题")
            .await;
        browser
            .wait_for_text("#question-4-error", "请回答这个问题")
            .await;
        browser.click("#question-1-5").await;
        browser.click("#question-4-9").await;
        browser.click("#question-5-0").await;
        browser.fill("#question-6", "讲解很细致。").await;
        browser.click("#survey-submit").await;
        browser
            .wait_for_text("#survey-outcome", "感谢您的评价")
            .await;
        browser.wait_for_text("#survey-outcome", "匿名").await;

        // Staff of the host department see the answer counted, live.
        browser.click("#nav-logout").await;
        browser.find("#nav-login").await;
        browser.log_in(&base, &staff.login, PASSWORD, "staff").await;
        browser
            .client
            .goto(&format!("{base}/#/staff/events/{event}"))
            .await
            .unwrap();
        browser.find("[data-page=staff-event]").await;
        browser.wait_for_text("#survey-responses", "1 份").await;
        browser.click("#survey-results").await;
        browser.find("[data-page=survey-results]").await;
        browser.wait_for_text("#survey-rate", "100%").await;
        let responses = browser.wait_for_text("#survey-responses", "1").await;
        assert_eq!(responses.trim(), "1", "one response counted");
        browser.wait_for_text("#results-preview", "预览").await;
        // One response: counts only, no breakdown that could tell what this person gave.
        browser.wait_for_text("#results-few", "不足 5 份").await;
        browser.wait_for_text("#result-1", "1 人回答").await;
        browser.close().await;

        let live = expect_status(
            app.send(
                Method::GET,
                &format!("/surveys/{}/results", survey["id"].as_str().unwrap()),
                Some(&staff.token),
                Value::Null,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(live["responses"], 1);
        assert_eq!(live["questions"][0]["answered"], 1);
        assert_eq!(
            live["questions"][4]["answered"], 1,
            "the choice was sent too"
        );
    })
    .await;
}
