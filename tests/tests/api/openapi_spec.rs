//! The checked-in `openapi.yaml` is the code's spec, and the spec is one a mobile developer
//! can build from.

use std::collections::BTreeSet;

use canyu::{
    accounts::login,
    openapi::{document, operation_ids},
    pagination::{CURSOR_PATTERN, TIME_CURSOR_PATTERN},
};
use serde_json::Value;

const CHECKED_IN: &str = include_str!("../../../openapi.yaml");

#[test]
fn openapi_yaml_matches_the_code() {
    let generated = canyu::openapi::spec_yaml();
    if generated != CHECKED_IN {
        panic!("openapi.yaml differs from the code; regenerate it with `cargo run -- openapi > openapi.yaml`");
    }
}

fn operations() -> impl Iterator<Item = (String, &'static Value)> {
    document()["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .map(move |(method, op)| (format!("{} {path}", method.to_uppercase()), op))
        })
}

#[test]
fn every_operation_has_an_id_a_summary_problem_answers_and_examples() {
    let schemas = &document()["components"]["schemas"];
    for (name, operation) in operations() {
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name} has no summary"
        );
        assert!(
            operation["operationId"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{name} has no operationId"
        );
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('2') {
                continue;
            }
            if status == "304" {
                assert!(
                    response.get("content").is_none(),
                    "{name}: a 304 has no body"
                );
                assert!(response["headers"]["ETag"].is_object(), "{name}");
                continue;
            }
            let content = &response["content"]["application/problem+json"];
            assert!(content.is_object(), "{name} {status} is not problem+json");
            assert!(
                content["example"]["code"].is_string(),
                "{name} {status} has no example"
            );
        }
        if let Some(body) = operation.get("requestBody") {
            let reference = body["content"]["application/json; charset=utf-8"]["schema"]["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{name} body has no schema: {body}"));
            let schema = &schemas[reference.rsplit('/').next().unwrap()];
            assert!(
                schema.get("example").is_some(),
                "{name}: {reference} has no example"
            );
            assert_eq!(
                schema["additionalProperties"],
                Value::Bool(false),
                "{name}: {reference}"
            );
        }
    }
}

#[test]
fn operation_ids_are_unique_and_each_area_declares_problems_for_its_own() {
    let ids = operation_ids();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate operationId");
    let declared: Vec<&str> = [
        canyu::accounts::routes::PROBLEMS,
        canyu::decisions::routes::PROBLEMS,
        canyu::events::routes::PROBLEMS,
        canyu::surveys::routes::PROBLEMS,
        canyu::meetings::routes::PROBLEMS,
        canyu::reports::routes::PROBLEMS,
        canyu::personal_data::routes::PROBLEMS,
        canyu::console::routes::PROBLEMS,
    ]
    .iter()
    .flat_map(|area| area.iter().map(|p| p.operation))
    .collect();
    for id in &declared {
        assert!(
            ids.contains(&id.to_string()),
            "PROBLEMS names {id}, which is no operation"
        );
    }
    for id in &ids {
        assert!(
            declared.contains(&id.as_str()),
            "{id} declares no PROBLEMS entry"
        );
    }
}

#[test]
fn public_reads_list_no_credential_or_conflict_statuses() {
    for (name, operation) in operations() {
        let optional = operation["security"]
            .as_array()
            .is_none_or(|s| s.iter().any(|alt| alt.as_object().unwrap().is_empty()));
        if name.starts_with("GET") && optional && !name.ends_with("/comments") {
            let statuses: Vec<&String> =
                operation["responses"].as_object().unwrap().keys().collect();
            for status in ["401", "403", "409", "415", "429"] {
                assert!(
                    !statuses.contains(&&status.to_string()),
                    "{name} lists {status}"
                );
            }
        }
    }
}

#[test]
fn shared_patterns_are_stated_alike_everywhere() {
    for (name, operation) in operations() {
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["name"] == "cursor" {
                let pattern = &parameter["schema"]["pattern"];
                assert!(
                    pattern == CURSOR_PATTERN || pattern == TIME_CURSOR_PATTERN,
                    "{name}: {pattern}"
                );
            }
        }
    }
    let schemas = &document()["components"]["schemas"];
    for request in ["RegisterRequest", "LoginRequest"] {
        assert_eq!(
            schemas[request]["properties"]["login"]["pattern"],
            login::PATTERN,
            "{request}"
        );
    }
}

#[test]
fn the_spec_is_openapi_3_0() {
    let doc = document();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    assert!(
        doc["info"].get("summary").is_none(),
        "info.summary is 3.1 only"
    );
    let text = doc.to_string();
    for format in ["naive-date", "uint64", "uint32", "uint16"] {
        assert!(
            !text.contains(&format!("\"format\":\"{format}\"")),
            "{format}"
        );
    }
}
