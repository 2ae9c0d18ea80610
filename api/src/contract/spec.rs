//! The spec as published: poem-openapi's document, finished so that it tells the truth and
//! generators can read it. Each operation lists the error statuses it can answer (those its
//! shape implies, plus the ones its area declares in `PROBLEMS`) with their `code`s, request
//! bodies refuse unknown fields, and formats are OpenAPI 3.0's own.

use std::collections::BTreeSet;

use poem::http::Method;
use serde_json::{json, Map, Value};

use crate::input::{REQUIRED_TEXT, TEXT};

/// The problems an operation can answer from its own rules, beyond those every operation or
/// its shape implies (400 for an unreadable request, 401 for required credentials, 413 and
/// 415 for a body, 500).
pub struct Problems {
    pub operation: &'static str,
    pub answers: &'static [(u16, &'static [&'static str])],
}

impl Problems {
    pub const fn new(
        operation: &'static str,
        answers: &'static [(u16, &'static [&'static str])],
    ) -> Self {
        Self { operation, answers }
    }
}

/// The operations that answer from configuration alone: they cannot find the database out
/// of reach (`503 database_unavailable`), as every other operation can.
const WITHOUT_DATABASE: &[&str] = &[
    "getDistrict",
    "listThemes",
    "getRepresentativeEligibility",
    "getSurveyTemplate",
];

/// Finishes poem-openapi's document in place; `cached` names the operations whose anonymous
/// answers carry an `ETag` and may answer `304`.
pub fn finish(doc: &mut Value, declared: &[&[Problems]], cached: &[&str]) {
    standard_formats(doc);
    let request_schemas = request_schemas(doc);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            plain_properties(schema);
            if request_schemas.contains(name) && schema.get("properties").is_some() {
                schema["additionalProperties"] = Value::Bool(false);
                text_patterns(schema);
            }
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|ops| ops.values_mut())
    {
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let own = declared
            .iter()
            .flat_map(|area| area.iter())
            .find(|p| p.operation == id)
            .map_or(&[][..], |p| p.answers);
        set_error_responses(operation, own, !WITHOUT_DATABASE.contains(&id.as_str()));
        if cached.contains(&id.as_str()) {
            set_revalidation(operation);
        }
    }
}

/// Documents an operation's cached anonymous answers: their `ETag` and `Cache-Control`, and
/// the `304` for an `If-None-Match` that names the current version.
fn set_revalidation(operation: &mut Value) {
    let etag = json!({
        "description": "The version of this answer (to anonymous requests): send it back in `If-None-Match` to get `304` while it holds.",
        "schema": {"type": "string"},
        "example": "\"5f1c0a7e9b2d4c3a8e6f0b1d2c3e4f5a\""
    });
    let cache_control = json!({
        "description": "How long anonymous answers may be reused (`public, max-age=2`); `no-store` for requests with credentials.",
        "schema": {"type": "string"}
    });
    let parameters = operation
        .as_object_mut()
        .expect("an operation is an object")
        .entry("parameters")
        .or_insert_with(|| json!([]));
    if let Some(parameters) = parameters.as_array_mut() {
        parameters.push(json!({
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "The `ETag` of a copy the client holds; `304` if it is still current.",
            "schema": {"type": "string"}
        }));
    }
    let responses = operation["responses"]
        .as_object_mut()
        .expect("an operation has responses");
    if let Some(ok) = responses.get_mut("200").and_then(Value::as_object_mut) {
        let headers = ok.entry("headers").or_insert_with(|| json!({}));
        headers["ETag"] = etag.clone();
        headers["Cache-Control"] = cache_control.clone();
    }
    responses.insert(
        "304".into(),
        json!({
            "description": "The copy named in `If-None-Match` is current; no body.",
            "headers": {"ETag": etag, "Cache-Control": cache_control}
        }),
    );
}

/// Every operation id in the document, for the test that keeps `PROBLEMS` in step.
pub fn operation_ids(doc: &Value) -> Vec<String> {
    operations(doc)
        .map(|(_, _, op)| op["operationId"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn operations(doc: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .into_iter()
                .flatten()
                .map(move |(method, op)| (path.as_str(), method.as_str(), op))
        })
}

/// Replaces poem-openapi's formats for unsigned integers and dates by OpenAPI 3.0's, with
/// the bounds they imply.
fn standard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let bounds = match map.get("format").and_then(Value::as_str) {
                Some("naive-date") => Some(("date", None)),
                Some("uint16") => Some(("int32", Some(u64::from(u16::MAX)))),
                Some("uint32") => Some(("int64", Some(u64::from(u32::MAX)))),
                Some("uint64") => Some(("int64", None)),
                _ => None,
            };
            if let Some((format, max)) = bounds {
                map.insert("format".into(), format.into());
                if format != "date" {
                    map.entry("minimum").or_insert(json!(0));
                    if let Some(max) = max {
                        map.entry("maximum").or_insert(json!(max));
                    }
                }
            }
            map.values_mut().for_each(standard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(standard_formats),
        _ => {}
    }
}

/// Names of the schemas a request body can hold, following references.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut pending: Vec<&Value> = operations(doc)
        .filter_map(|(_, _, op)| op.get("requestBody"))
        .collect();
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    if found.insert(name.to_string()) {
                        pending.extend(doc.pointer(&format!("/components/schemas/{name}")));
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    found
}

/// The names of an object schema's required properties.
fn required_names(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// poem-openapi writes a property with its own description as `allOf: [$ref, {description}]`,
/// which generators drop; an optional property may be `null` (it reads as absent). Both are
/// written as `allOf: [$ref]` beside the property's own keywords.
fn plain_properties(schema: &mut Value) {
    let required = required_names(schema);
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        let Some(map) = property.as_object_mut() else {
            continue;
        };
        if let Some(Value::Array(parts)) = map.get_mut("allOf") {
            parts.retain(|part| part.get("$ref").is_some());
        }
        if let Some(reference) = map.remove("$ref") {
            map.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
        if !required.contains(name) {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

/// Free-text properties of a request state what the service takes: no control characters
/// (but tabs and line breaks), and something visible where the text is required.
fn text_patterns(schema: &mut Value) {
    let required = required_names(schema);
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        let text = if property["type"] == "array" {
            &mut property["items"]
        } else {
            property
        };
        let free = text["type"] == "string"
            && ["format", "pattern", "enum"]
                .iter()
                .all(|k| text.get(k).is_none());
        if free {
            let needed = required.contains(name) && text["minLength"].as_u64().unwrap_or(0) > 0;
            text["pattern"] = Value::from(if needed { REQUIRED_TEXT } else { TEXT });
        }
    }
}

/// What each error status means, for every operation that can answer it.
fn status_description(status: u16) -> &'static str {
    match status {
        400 => "The request does not match the API: unreadable JSON, a missing or mistyped field, a value outside its documented range or pattern; `errors` names each field with a `code`.",
        401 => "Missing, unknown or expired credentials.",
        403 => "The caller's role, department or scope does not allow this.",
        404 => "No such record.",
        409 => "The request conflicts with the current state of a record.",
        413 => "The body is larger than 1 MiB.",
        415 => "The body is not `application/json`.",
        422 => "Well-formed fields that break a rule; `errors` names each field with a `code`.",
        429 => "Too many attempts; retry after the number of seconds in `Retry-After`.",
        503 => "Busy right now, or the database is out of reach; retry after the number of seconds in `Retry-After`.",
        _ => "An unexpected failure; it has been logged.",
    }
}

fn set_error_responses(
    operation: &mut Value,
    own: &[(u16, &[&'static str])],
    touches_database: bool,
) {
    let has_body = operation.get("requestBody").is_some();
    let security = operation["security"].as_array();
    let needs_credentials = security.is_some_and(|s| {
        !s.iter()
            .any(|alt| alt.as_object().is_some_and(Map::is_empty))
    });
    let mut answers: Vec<(u16, Vec<&'static str>)> = Vec::new();
    let mut add = |status: u16, codes: &[&'static str]| match answers
        .iter_mut()
        .find(|(s, _)| *s == status)
    {
        Some((_, existing)) => existing.extend(codes),
        None => answers.push((status, codes.to_vec())),
    };
    // Any request can be unreadable: a NUL in the query, a parameter of the wrong type.
    add(400, &["invalid_request"]);
    if needs_credentials {
        add(401, &["unauthorized"]);
    }
    if has_body {
        add(413, &["payload_too_large"]);
        add(415, &["unsupported_media_type"]);
    }
    for (status, codes) in own {
        add(*status, codes);
    }
    add(500, &["internal"]);
    if touches_database {
        add(503, &["database_unavailable"]);
    }
    answers.sort_by_key(|(status, _)| *status);

    let responses = operation["responses"]
        .as_object_mut()
        .expect("an operation has responses");
    responses.retain(|status, _| status.starts_with('2'));
    for (status, mut codes) in answers {
        codes.sort_unstable();
        codes.dedup();
        let listed: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
        let mut response = json!({
            "description": format!("{} `code`: {}.", status_description(status), listed.join(", ")),
            "content": {
                "application/problem+json": {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "example": {
                        "type": format!("urn:canyu:problem:{}", codes[0]),
                        "title": poem::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error"),
                        "status": status,
                        "detail": status_description(status),
                        "code": codes[0],
                        "errors": []
                    }
                }
            }
        });
        if matches!(status, 429 | 503) {
            response["headers"] = json!({
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "required": true,
                    "schema": {"type": "integer", "format": "int64", "minimum": 0}
                }
            });
        }
        responses.insert(status.to_string(), response);
    }
}

/// The methods the document allows on `path` (under the API's base), for the `Allow` header
/// of a `405`.
pub fn allowed_methods(doc: &Value, path: &str) -> Vec<Method> {
    let mut methods: Vec<Method> = routed_operations(doc, path)
        .filter_map(|(_, method, _)| method.to_uppercase().parse().ok())
        .collect();
    methods.dedup();
    methods
}

/// The operations of the template that routing gives `path` to: of the templates matching
/// it, the one with the most literal segments (`/events/themes` before `/events/{id}`).
fn routed_operations<'d>(
    doc: &'d Value,
    path: &str,
) -> impl Iterator<Item = (&'d str, &'d str, &'d Value)> {
    let literal = |template: &str| template.split('/').filter(|s| !s.starts_with('{')).count();
    let routed = operations(doc)
        .filter(|(template, _, _)| template_matches(template, path))
        .map(|(template, _, _)| template)
        .max_by_key(|template| literal(template));
    operations(doc).filter(move |(template, _, _)| Some(*template) == routed)
}

/// The operation answering `method` on `path`, with the path's parameters by name.
pub fn operation_for<'d>(
    doc: &'d Value,
    method: &Method,
    path: &str,
) -> Option<(&'d Value, Vec<(String, String)>)> {
    let (template, _, op) =
        routed_operations(doc, path).find(|(_, m, _)| m.eq_ignore_ascii_case(method.as_str()))?;
    let params = template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, p)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            Some((name.to_string(), p.to_string()))
        })
        .collect();
    Some((op, params))
}

fn template_matches(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.trim_end_matches('/').split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(t), Some(p)) if t == p || (t.starts_with('{') && !p.is_empty()) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_path_is_routed_before_a_template_that_also_matches_it() {
        let doc = json!({"paths": {
            "/events/{id}": {"get": {"operationId": "getEvent"}, "patch": {"operationId": "updateEvent"}},
            "/events/themes": {"get": {"operationId": "listThemes"}},
        }});
        assert_eq!(allowed_methods(&doc, "/events/themes"), [Method::GET]);
        assert_eq!(
            allowed_methods(&doc, "/events/abc"),
            [Method::GET, Method::PATCH]
        );
        let (op, params) = operation_for(&doc, &Method::GET, "/events/themes").unwrap();
        assert_eq!(op["operationId"], "listThemes");
        assert!(params.is_empty());
    }

    #[test]
    fn templates_match_paths_segment_by_segment() {
        assert!(template_matches(
            "/events/{id}/signups",
            "/events/abc/signups"
        ));
        assert!(template_matches("/events", "/events/"));
        assert!(!template_matches("/events/{id}", "/events"));
        assert!(!template_matches("/events/{id}", "/events/a/b"));
        assert!(!template_matches("/events/{id}", "/events//"));
    }

    #[test]
    fn an_operation_lists_what_its_shape_implies_and_what_it_declares() {
        let mut op = json!({
            "operationId": "signUp",
            "parameters": [{"name": "id", "in": "path"}],
            "requestBody": {},
            "security": [{"BearerAuth": []}],
            "responses": {"201": {}, "403": {}, "418": {}}
        });
        set_error_responses(
            &mut op,
            &[(409, &["already_signed_up", "signup_closed"])],
            true,
        );
        let statuses: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert_eq!(
            statuses,
            ["201", "400", "401", "409", "413", "415", "500", "503"]
        );
        let conflict = op["responses"]["409"]["description"].as_str().unwrap();
        assert!(
            conflict.ends_with("`code`: `already_signed_up`, `signup_closed`."),
            "{conflict}"
        );

        let mut public_read =
            json!({"security": [{"BearerAuth": []}, {}], "responses": {"200": {}}});
        set_error_responses(&mut public_read, &[], false);
        let statuses: Vec<&String> = public_read["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(
            statuses,
            ["200", "400", "500"],
            "optional credentials never answer 401"
        );
    }
}
