//! The web portal in headless Chromium: a person registers, sees their profile, logs out and
//! in again.

use canyu_tests::{browser::Browser, Backend, TestApp, PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_registers_and_sees_their_profile() {
    canyu_tests::run(Backend::Sqlite, |app: TestApp| async move {
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
