//! The demo district loads into an empty database once, and never into someone's data.

use canyu::demo;
use canyu_tests::{expect_status, on_every_backend, TestApp};
use reqwest::StatusCode;

on_every_backend!(
    demo_loads_once_and_its_logins_work,
    demo_refuses_a_database_with_other_data
);

async fn demo_loads_once_and_its_logins_work(app: TestApp) {
    assert!(matches!(
        demo::load(&app.state).await.unwrap(),
        demo::Outcome::Loaded
    ));
    assert!(matches!(
        demo::load(&app.state).await.unwrap(),
        demo::Outcome::AlreadyLoaded
    ));

    let departments = expect_status(
        app.get("/departments?limit=100").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = departments["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for expected in ["区发展改革委", "区建设管理委", "区生态环境局", "区民政局"]
    {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for person in demo::LOGINS {
        let session = expect_status(
            app.login(person.login, person.password).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(session["user"]["display_name"], person.display_name);
    }
    let admin = demo::LOGINS.iter().find(|p| p.role == "admin").unwrap();
    let session = expect_status(app.login(admin.login, admin.password).await, StatusCode::OK).await;
    assert!(session["user"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "admin"));
}

async fn demo_refuses_a_database_with_other_data(app: TestApp) {
    app.resident("张三").await;
    let err = demo::load(&app.state).await.err().expect("refused");
    assert!(err.to_string().contains("--demo"), "{err}");
}
