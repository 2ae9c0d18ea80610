//! `JsonBody<T>`: a JSON request body checked against the published spec before it is read, so
//! that a refusal names every field at fault with a stable code, and what the spec allows is
//! what the service accepts.

use std::ops::Deref;

use poem::{FromRequest, IntoResponse, Request, RequestBody};
use poem_openapi::{
    impl_apirequest_for_payload,
    payload::{Json, ParsePayload, Payload},
    registry::{MetaSchemaRef, Registry},
    types::{ParseFromJSON, Type},
};
use serde_json::Value;

use super::{published, schema::Schemas};
use crate::error::{ApiError, Error, FieldCode, FieldError};

#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> Deref for JsonBody<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Type> Payload for JsonBody<T> {
    const CONTENT_TYPE: &'static str = Json::<T>::CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        Json::<T>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for JsonBody<T> {
    const IS_REQUIRED: bool = T::IS_REQUIRED;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        let value = if data.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&data).map_err(|err| {
                refuse(vec![FieldError::new(
                    "body",
                    FieldCode::InvalidFormat,
                    format!("not JSON: {err}"),
                )])
            })?
        };
        let schema = serde_json::to_value(T::schema_ref()).unwrap_or_default();
        let components = published()["components"]["schemas"]
            .as_object()
            .expect("the spec has schemas");
        let errors = Schemas(components).check(&value, &schema, "");
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
        // The spec check above is the contract; this only converts, and fails only where the
        // spec says less than the type (reported rather than hidden).
        T::parse_from_json(Some(value)).map(Self).map_err(|err| {
            refuse(vec![FieldError::new(
                "body",
                FieldCode::InvalidFormat,
                err.into_message(),
            )])
        })
    }
}

impl_apirequest_for_payload!(JsonBody<T>, T: ParseFromJSON);

fn refuse(errors: Vec<FieldError>) -> poem::Error {
    let detail = match errors.as_slice() {
        [one] => format!("{}: {}", one.field, one.message),
        _ => "some fields do not match the API".to_string(),
    };
    poem::Error::from_response(ApiError::from(Error::Malformed { detail, errors }).into_response())
}
