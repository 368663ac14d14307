//! IAM's token endpoint, so that the API key flow runs locally.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use serde_json::json;

use super::lock;
use super::replies::{Reply, json_reply};
use super::sessions::State;

const IAM_APIKEY_GRANT: &str = "urn:ibm:params:oauth:grant-type:apikey";

/// The IAM token endpoint: an API key in, a JWT-shaped bearer token out, accepted by the
/// stand-in until it expires.
pub(crate) fn iam_token(state: &Mutex<State>, headers: &http::HeaderMap, body: &Bytes) -> Reply {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let is_form = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "BXNIM0109E",
            "Property 'grant_type' is missing: send a form (application/x-www-form-urlencoded).",
        );
    }
    match form.get("grant_type").map(String::as_str) {
        Some(IAM_APIKEY_GRANT) => {}
        Some(other) => {
            return iam_error(
                StatusCode::BAD_REQUEST,
                "BXNIM0104E",
                &format!("Grant type '{other}' is not supported."),
            );
        }
        None => {
            return iam_error(
                StatusCode::BAD_REQUEST,
                "BXNIM0109E",
                "Property 'grant_type' is missing.",
            );
        }
    }
    let key = form.get("apikey").map(String::as_str).unwrap_or("");
    let mut state = lock(state);
    let known = if state.settings.api_keys.is_empty() {
        !key.is_empty()
    } else {
        state.settings.api_keys.iter().any(|k| k == key)
    };
    if !known {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "BXNIM0415E",
            "Provided API key could not be found.",
        );
    }
    let lifetime = state.settings.token_lifetime.as_secs().max(1);
    let now = state.now();
    let issued = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let expires = issued + lifetime;
    let jti = state.new_id();
    let header = URL_SAFE_NO_PAD.encode(br#"{"kid":"mock","alg":"RS256"}"#);
    let claims = json!({
        "iam_id": "iam-ServiceId-mock",
        "sub": "ServiceId-mock",
        "iss": "https://iam.cloud.ibm.com/identity",
        "grant_type": IAM_APIKEY_GRANT,
        "scope": "ibm openid",
        "jti": jti,
        "iat": issued,
        "exp": expires,
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string().as_bytes());
    // Not signed: nobody but the stand-in itself checks it, by looking it up.
    let signature = URL_SAFE_NO_PAD.encode(jti.as_bytes());
    let token = format!("{header}.{payload}.{signature}");
    state
        .tokens
        .insert(token.clone(), now + Duration::from_secs(lifetime));
    let refresh = format!("mock-refresh-{}", state.new_id());
    json_reply(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "expiration": expires,
            "scope": "ibm openid",
        }),
    )
}

fn iam_error(status: StatusCode, code: &str, message: &str) -> Reply {
    json_reply(
        status,
        &json!({
            "errorCode": code,
            "errorMessage": message,
            "context": { "requestType": "incoming.Identity_Token" },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::MockAssistantBuilder;

    #[test]
    fn tokens_are_jwts_in_unpadded_url_safe_base64() {
        let state = Mutex::new(State::new(MockAssistantBuilder::default().settings));
        let mut headers = http::HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let body = Bytes::from(format!("grant_type={IAM_APIKEY_GRANT}&apikey=k"));
        let reply = iam_token(&state, &headers, &body);
        assert_eq!(reply.status(), StatusCode::OK);
        let token = lock(&state).tokens.keys().next().unwrap().clone();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        for part in &parts {
            assert!(!part.contains(['=', '+', '/']), "{part}");
            URL_SAFE_NO_PAD.decode(part).unwrap();
        }
        let header = URL_SAFE_NO_PAD.decode(parts[0]).unwrap();
        assert_eq!(header, br#"{"kid":"mock","alg":"RS256"}"#);
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    }
}
