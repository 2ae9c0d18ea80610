//! Headless Chromium through ChromeDriver, for the tests that drive the web pages. On a
//! machine without them the browser tests are skipped with a reason, except under `CI=true`,
//! where their absence fails.

use std::{net::TcpListener, path::Path, process::Stdio, time::Duration};

use fantoccini::{wd::Capabilities, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// axe-core, pinned in `tests/package.json` (`npm ci --prefix tests` installs it).
const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/node_modules/axe-core/axe.min.js"
);
/// What the portal is held to: WCAG 2.0 and 2.1, levels A and AA.
const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    /// `None` (after saying why) when Chromium or ChromeDriver is not installed.
    pub async fn start() -> Option<Self> {
        if !(Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists()) {
            assert!(!super::in_ci(), "CI=true: the browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver)");
            eprintln!("skipped: browser tests need {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let profile =
            TempDir(std::env::temp_dir().join(format!("canyu-chromium-{}", uuid::Uuid::new_v4())));
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.0.display()),
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Self {
                        client,
                        driver,
                        _profile: profile,
                    })
                }
                Err(err) => {
                    last_error = Some(err);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("cannot start a browser session: {last_error:?}");
    }

    /// Waits (up to 10 s) for the element matching `css`.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(err) => self.fail(&format!("no element {css}: {err}")).await,
        }
    }

    /// Panics with what the page shows, and leaves a screenshot for a person to look at.
    async fn fail(&self, message: &str) -> ! {
        let shot = std::env::temp_dir().join(format!(
            "canyu-browser-failure-{}.png",
            uuid::Uuid::new_v4()
        ));
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&shot, png);
        }
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let body = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!(
            "{message}\nat {url}\npage text: {body}\nscreenshot: {}",
            shot.display()
        );
    }

    /// Types into the input matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Waits until the element matching `css` has text containing `expected`; returns it.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let mut text = String::new();
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                text = element.text().await.unwrap_or_default();
                if text.contains(expected) {
                    return text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.fail(&format!(
            "{css} never showed {expected:?}; last text {text:?}"
        ))
        .await
    }

    /// Logs in through the portal's login page and waits for the page a person lands on:
    /// `me` for residents, `staff` (the console) for staff and admins.
    pub async fn log_in(&self, base: &str, login: &str, password: &str, lands_on: &str) {
        self.client.goto(&format!("{base}/#/login")).await.unwrap();
        self.fill("#login-login", login).await;
        self.fill("#login-password", password).await;
        self.click("#login-submit").await;
        self.find(&format!("[data-page={lands_on}]")).await;
    }

    /// The window's size in CSS pixels: 1280×900 for a desktop, 390×844 for a phone.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// What axe-core finds against WCAG 2.1 A and AA on the page as it is now, one line a
    /// rule (its id, impact and the elements at fault); empty when nothing.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        let loaded = self
            .client
            .execute("return typeof window.axe !== 'undefined';", vec![])
            .await
            .unwrap();
        if loaded != json!(true) {
            let axe = std::fs::read_to_string(AXE).unwrap_or_else(|err| {
                panic!("{AXE}: {err}; install it with `npm ci --prefix tests`")
            });
            self.client.execute(&axe, vec![]).await.unwrap();
        }
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
                   .then((r) => done(r.violations.map((v) => `${v.id} (${v.impact}): ${
                     v.nodes.map((n) => n.target.join(' ')).join(', ')}`)))
                   .catch((e) => done([`axe failed: ${e}`]));",
                vec![json!(AXE_TAGS)],
            )
            .await
            .unwrap();
        serde_json::from_value(found).unwrap()
    }

    /// Ends the session (ChromeDriver then stops Chromium) and removes the profile.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}
