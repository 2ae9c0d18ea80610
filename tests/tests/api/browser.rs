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

        // The calendar starts at the browser's today, and the server's clock is in 2021 here:
        // the past is a link away.
        browser
            .client
            .goto(&format!("{base}/#/events"))
            .await
            .unwrap();
        browser.find("[data-page=events]").await;
        browser.click("#events-past-toggle").await;
        browser
            .click(&format!("a.event-link[data-id=\"{event}\"]"))
            .await;
        browser.find("[data-page=event]").await;
        browser
            .wait_for_text("#event-seats", "剩余 10 个名额")
            .await;
        browser.click("#signup-submit").await;
        browser.wait_for_text("#signup-result", "确认").await;
        // The seats line counts the new signup too, not only the receipt.
        browser.wait_for_text("#event-seats", "剩余 9 个名额").await;

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

/// Where a person can go, as `(route, the page's name)`: the page has rendered when its root
/// carries `data-page=<name>`.
type Stops = Vec<(String, &'static str)>;

/// Ids of the demo's records the pages need, read from the API.
async fn first_id(app: &TestApp, path: &str, token: Option<&str>) -> String {
    let list = expect_status(
        app.send(Method::GET, path, token, Value::Null).await,
        StatusCode::OK,
    )
    .await;
    list["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no record at {path}: {list}"))
        .to_string()
}

/// Visits each stop at a desktop's and a phone's width, in Chinese and (at the phone's width)
/// in English, and collects what axe-core finds against WCAG 2.1 A and AA.
async fn sweep(browser: &Browser, base: &str, who: &str, stops: &Stops, found: &mut Vec<String>) {
    for (lang, width, height) in [("zh-CN", 1280, 900), ("zh-CN", 390, 844), ("en", 390, 844)] {
        browser.resize(width, height).await;
        browser
            .client
            .execute(
                "localStorage.setItem('canyu.lang', arguments[0]);",
                vec![json!(lang)],
            )
            .await
            .unwrap();
        for (route, page) in stops {
            // A fresh load: the language is read at start, and no earlier page lingers.
            browser
                .client
                .goto(&format!("{base}/?{lang}#{route}"))
                .await
                .unwrap();
            browser.find(&format!("[data-page={page}]")).await;
            for violation in browser.accessibility_violations().await {
                found.push(format!("{who} {lang} {width}px #{route}: {violation}"));
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_at_a_phones_and_a_desktops_width() {
    canyu_tests::run(Backend::Sqlite, |app: TestApp| async move {
        app.clock.advance(chrono::Duration::days(5 * 365));
        canyu::demo::load(&app.state).await.unwrap();
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        let token = |login: &str, password: &str| {
            let (login, password) = (login.to_string(), password.to_string());
            let app = &app;
            async move {
                expect_status(app.login(&login, &password).await, StatusCode::OK).await["token"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }
        };
        let staff = token("fgw@yangpu.demo", "demo-staff-2021").await;
        let open = first_id(&app, "/decisions?stage=consultation_open", None).await;
        let reported = first_id(&app, "/decisions?stage=decided", None).await;
        let now = app.clock.now().to_rfc3339();
        let coming = first_id(
            &app,
            &format!("/events?has_seats=true&from={}", urlencode(&now)),
            None,
        )
        .await;
        let meeting = first_id(&app, "/meetings", None).await;
        let staff_event = first_id(&app, "/events?limit=1", Some(&staff)).await;
        let staff_meeting = first_id(&app, "/meetings?limit=1", Some(&staff)).await;
        let s = |route: String, page| (route, page);
        let public: Stops = vec![
            s("/".into(), "home"),
            s("/login".into(), "login"),
            s("/register".into(), "register"),
            s("/password-reset".into(), "password-reset"),
            s("/decisions".into(), "decisions"),
            s(format!("/decisions/{open}"), "decision"),
            s(format!("/decisions/{open}/draft"), "draft"),
            s(format!("/decisions/{reported}/feedback"), "feedback"),
            s("/events".into(), "events"),
            s("/events?past=true".into(), "events"),
            s(format!("/events/{coming}"), "event"),
            s("/meetings".into(), "meetings"),
            s(format!("/meetings/{meeting}"), "meeting"),
            s("/open-month".into(), "open-month"),
            s("/reports".into(), "yearly"),
            s("/no/such/page".into(), "not-found"),
        ];
        let resident: Stops = vec![
            s("/me".into(), "me"),
            s("/me/signups".into(), "my-signups"),
            s("/me/representative".into(), "representative"),
            s(format!("/decisions/{open}/draft"), "draft"),
            s(format!("/events/{coming}"), "event"),
        ];
        let staff_stops: Stops = vec![
            s("/staff".into(), "staff"),
            s("/staff/decisions/new".into(), "staff-new"),
            s(format!("/staff/decisions/{open}"), "staff-decision"),
            s("/staff/events".into(), "staff-events"),
            s("/staff/events/new".into(), "staff-event-new"),
            s(format!("/staff/events/{staff_event}"), "staff-event"),
            s(format!("/staff/events/{staff_event}/checkin"), "checkin"),
            s("/staff/meetings".into(), "staff-meetings"),
            s(format!("/staff/meetings/{staff_meeting}"), "staff-meeting"),
            s("/staff/representatives".into(), "staff-representatives"),
        ];
        let admin: Stops = vec![s("/staff/users".into(), "staff-users")];

        let mut found = Vec::new();
        browser.client.goto(&format!("{base}/")).await.unwrap();
        sweep(&browser, &base, "anyone", &public, &mut found).await;
        // Forms sent empty show their errors.
        browser.resize(390, 844).await;
        for (route, page, submit) in [
            ("/login", "login", "#login-submit"),
            ("/register", "register", "#register-submit"),
        ] {
            browser
                .client
                .goto(&format!("{base}/?errors#{route}"))
                .await
                .unwrap();
            browser.find(&format!("[data-page={page}]")).await;
            browser.click(submit).await;
            browser
                .find("[aria-invalid=true], .field-error, [role=alert]")
                .await;
            for violation in browser.accessibility_violations().await {
                found.push(format!("anyone errors #{route}: {violation}"));
            }
        }
        for (who, login, password, lands_on, stops) in [
            (
                "resident",
                "13800000002",
                "demo-resident-2021",
                "me",
                &resident,
            ),
            (
                "staff",
                "fgw@yangpu.demo",
                "demo-staff-2021",
                "staff",
                &staff_stops,
            ),
            (
                "admin",
                "admin@yangpu.demo",
                "demo-admin-2021",
                "staff",
                &admin,
            ),
        ] {
            browser.resize(1280, 900).await;
            browser.log_in(&base, login, password, lands_on).await;
            sweep(&browser, &base, who, stops, &mut found).await;
            // Logged out as closing the browser's storage would.
            browser
                .client
                .execute("localStorage.clear();", vec![])
                .await
                .unwrap();
        }
        // The check itself can fail: an image without a text alternative is found.
        browser
            .client
            .execute(
                "document.querySelector('main').append(document.createElement('img'));",
                vec![],
            )
            .await
            .unwrap();
        let planted = browser.accessibility_violations().await;
        assert!(
            planted.iter().any(|v| v.starts_with("image-alt")),
            "{planted:?}"
        );
        browser.close().await;
        assert!(found.is_empty(), "axe found:\n{}", found.join("\n"));
    })
    .await;
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reads_their_notices_and_manages_their_account() {
    on_each_backend(|app: TestApp| async move {
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "cyzx").await;
        let resident = app.resident("张三").await;
        // An open day they signed up for is cancelled: one notice waits for them.
        let event = app.open_event(&staff, 10, 2).await;
        app.sign_up(&resident, &event).await;
        app.cancel_event(&staff, &event).await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        browser.resize(390, 844).await;
        browser.log_in(&base, &resident.login, PASSWORD, "me").await;

        // The inbox shows it unread, then marks it read: the header's badge goes.
        browser.wait_for_text("#notifications", "活动取消").await;
        browser.wait_for_text("#notifications", "未读").await;
        browser
            .client
            .goto(&format!("{base}/#/decisions"))
            .await
            .unwrap();
        browser.find("[data-page=decisions]").await;
        let badge = browser
            .client
            .find_all(fantoccini::Locator::Css("#nav-unread"))
            .await
            .unwrap();
        assert!(badge.is_empty(), "no badge once the inbox was shown");

        // A new name shows in the header at once.
        browser.client.goto(&format!("{base}/#/me")).await.unwrap();
        browser.find("[data-page=me]").await;
        browser.fill("#account-display-name", "张小三").await;
        browser.click("#account-name-submit").await;
        browser.wait_for_text("#nav-me", "张小三").await;

        // Deleting the account asks first; the question itself meets WCAG too; "no" keeps all.
        browser.fill("#account-erase-password", PASSWORD).await;
        browser.click("#account-erase-submit").await;
        browser.find(".confirm-ask .confirm-yes").await;
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "{violations:?}");
        browser.click(".confirm-ask .confirm-no").await;
        browser.find("#account-erase-submit").await;
        browser.close().await;
        let me = expect_status(
            app.send(Method::GET, "/me", Some(&resident.token), Value::Null)
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(me["display_name"], "张小三");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_land_on_the_counts_of_what_waits_for_them() {
    on_each_backend(|app: TestApp| async move {
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "fgw").await;
        let resident = app.resident("张三").await;
        let decision = app.decision_in_consultation(&staff, "数字经济政策").await;
        expect_status(
            app.comment(&resident, &decision, json!({"body": "建议增加充电桩"}))
                .await,
            StatusCode::CREATED,
        )
        .await;
        let Some(browser) = Browser::start().await else {
            return;
        };
        let base = format!("http://{}", app.addr);
        browser.log_in(&base, &staff.login, PASSWORD, "staff").await;
        let tile = browser
            .wait_for_text("#tile-comments-to-moderate .tile-count", "1")
            .await;
        assert_eq!(tile.trim(), "1");
        let quiet = browser
            .find("#tile-signups-today .tile-count")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(quiet.trim(), "0");
        browser.close().await;
    })
    .await;
}
