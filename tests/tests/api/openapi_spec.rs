//! The checked-in `openapi.yaml` is the code's spec, and the spec is one a mobile developer
//! can build from.

use serde_json::Value;

const CHECKED_IN: &str = include_str!("../../../openapi.yaml");

#[test]
fn openapi_yaml_matches_the_code() {
    let generated = canyu::openapi::spec_yaml();
    if generated != CHECKED_IN {
        panic!("openapi.yaml differs from the code; regenerate it with `cargo run -- openapi > openapi.yaml`");
    }
}

#[test]
fn every_operation_is_documented_with_summary_errors_and_examples() {
    let spec: Value = serde_json::from_str(&canyu::openapi::service().spec()).unwrap();
    let schemas = &spec["components"]["schemas"];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            assert!(
                operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            let responses = operation["responses"].as_object().unwrap();
            for status in ["400", "401", "404", "422", "500"] {
                let content = &responses
                    .get(status)
                    .unwrap_or_else(|| panic!("{name} does not declare {status}"))["content"];
                assert!(
                    content.get("application/problem+json").is_some(),
                    "{name} {status} is not problem+json"
                );
            }
            if let Some(body) = operation.get("requestBody") {
                let reference = body["content"]["application/json; charset=utf-8"]["schema"]
                    ["$ref"]
                    .as_str()
                    .or_else(|| body["content"]["application/json"]["schema"]["$ref"].as_str())
                    .unwrap_or_else(|| panic!("{name} body has no schema: {body}"));
                let schema = &schemas[reference.rsplit('/').next().unwrap()];
                assert!(
                    schema.get("example").is_some(),
                    "{name}: request body {reference} has no example"
                );
            }
        }
    }
}
