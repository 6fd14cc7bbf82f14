//! The audit log of association API keys: every request that presented a known key — used,
//! refused for its scope, rate-limited, or refused because the key was revoked or expired — is
//! recorded with the key's id, the method, the route pattern (never the query string nor a
//! body), the status answered and the time.
//!
//! The extractor that reads the key fills a [`KeySlot`] this middleware put in the request, so
//! the status is known whatever answered (the handler, an extractor, a panic).

use std::cell::Cell;
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use chrono::Utc;
use entraide_domain::ids::ApiKeyId;
use entraide_persistence::api_keys::{self, KeyRequest};

use crate::db;
use crate::security::api_keys::is_api_key;
use crate::state::AppState;

/// The key a request presented, once the extractor found it.
#[derive(Clone, Default)]
pub struct KeySlot(Rc<Cell<Option<ApiKeyId>>>);

impl KeySlot {
    pub fn set(&self, key: ApiKeyId) {
        self.0.set(Some(key));
    }
}

fn carries_key(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .is_some_and(|(_, token)| is_api_key(token.trim()))
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !carries_key(&req) {
        return next.call(req).await;
    }
    let slot = KeySlot::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().to_string();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(no route)".to_owned());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let result = next.call(req).await;
    if let (Some(key_id), Some(state)) = (slot.0.get(), state) {
        let status = match &result {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        let request = KeyRequest {
            key_id,
            method,
            route,
            status: status.as_u16(),
            at: Utc::now(),
        };
        let recorded = db::write_outside_request(state.db.clone(), move |conn| {
            Ok(api_keys::record_request(conn, &request)?)
        })
        .await;
        if let Err(error) = recorded {
            tracing::error!(%error, key_id = %key_id, "could not record an API key request");
        }
    }
    result
}
