//! Clients generated from the construct fixtures (compiled in `src/lib.rs`) on the wire:
//! query styles, header and cookie parameters, form and multipart bodies, success answers
//! typed per status, and error bodies read as the model the spec gives.

use std::collections::HashMap;

use serde_json::json;
use wa_client::{Config, NoAuth};
use wa_tests::{names, parameters_and_bodies as pb};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn config(server: &MockServer) -> Config {
    Config::builder()
        .service_url(server.uri())
        .authenticator(NoAuth)
        .build()
        .unwrap()
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request");
    all.remove(0)
}

#[tokio::test]
async fn query_parameters_follow_their_style() {
    let server = MockServer::start().await;
    // `/search` is a `$ref` to the `/find` path item; declared first, it keeps the plain name.
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["a"])))
        .mount(&server)
        .await;
    let client = pb::Client::new(config(&server)).unwrap();
    let params = pb::models::FindParams {
        limit: Some(5),
        ids: Some(vec![1, 2]),
        words: Some(vec!["a".into(), "b".into()]),
        flags: Some(vec!["x".into(), "y".into()]),
        filter: Some(pb::models::Filter {
            kind: Some("cat".into()),
            age: Some(3),
        }),
        tags: Some(vec!["t1".into(), "t2".into()]),
    };
    let found = client.find(&params).await.unwrap();
    assert_eq!(found.into_body(), ["a"]);
    let sent = only_request(&server).await;
    let pairs: Vec<(String, String)> = sent
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("limit", "5"),
        ("ids", "1,2"),
        ("words", "a b"),
        ("flags", "x|y"),
        ("filter[kind]", "cat"),
        ("filter[age]", "3"),
        ("tags", "t1"),
        ("tags", "t2"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn error_bodies_decode_as_the_spec_model() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"title":"No match","status":404}"#,
            "application/problem+json",
        ))
        .mount(&server)
        .await;
    let client = pb::Client::new(config(&server)).unwrap();
    let err = client.find(&Default::default()).await.unwrap_err();
    let problem: pb::models::Problem = err.as_http().unwrap().json().unwrap();
    assert_eq!(problem.title.as_deref(), Some("No match"));
    assert_eq!(problem.status, Some(404));
}

#[tokio::test]
async fn form_bodies_are_url_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/forms"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = pb::Client::new(config(&server)).unwrap();
    let body = pb::models::SubmitFormRequest {
        name: "Ada L".into(),
        tags: Some(vec!["x".into(), "y&z".into()]),
    };
    client.submit_form(&body).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(
        sent.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        "name=Ada+L&tags=x&tags=y%26z"
    );
}

#[tokio::test]
async fn multipart_bodies_send_files_and_fields_and_answers_are_typed_per_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"ticket": "T-1"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = pb::Client::new(config(&server)).unwrap();
    let mut meta = wa_client::__private::indexmap::IndexMap::new();
    meta.insert("owner".to_string(), "ada".to_string());
    let body = pb::models::Upload {
        file: wa_client::__private::bytes::Bytes::from_static(b"\x89PNG raw"),
        thumbnail: None,
        title: Some("Logo".into()),
        meta: Some(meta),
    };
    let first = client.upload(&body).await.unwrap();
    assert_eq!(first.status().as_u16(), 202);
    assert_eq!(
        first.into_body(),
        pb::models::UploadSuccess::Status202(pb::models::Queued {
            ticket: "T-1".into()
        })
    );
    let second = client.upload(&body).await.unwrap();
    assert_eq!(second.into_body(), pb::models::UploadSuccess::Status204);

    let sent = &server.received_requests().await.unwrap()[0];
    let content_type = sent
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type");
    let text = String::from_utf8_lossy(&sent.body);
    assert!(
        text.contains(
            "name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ),
        "{text}"
    );
    assert!(sent.body.windows(8).any(|w| w == b"\x89PNG raw"));
    assert!(text.contains("name=\"title\"\r\n\r\nLogo\r\n"));
    assert!(
        text.contains("Content-Type: application/json\r\n\r\n{\"owner\":\"ada\"}"),
        "{text}"
    );
    assert!(
        !text.contains("thumbnail"),
        "an absent optional file was sent"
    );
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn awkward_names_reach_the_wire_unchanged() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"self":"s","crate":"c","fooBar":"camel","foo_bar":"snake","1st":1,"@id":"aWQ=","big":5,"born":"2024-02-29","seen":"2024-02-29T10:00:00Z"}"#,
            "application/vnd.things+json",
        ))
        .mount(&server).await;
    let client = names::Client::new(config(&server)).unwrap();
    let params = names::models::GetV1ThingsByThingIdSubItemsParams {
        type_: Some("lower".into()),
        type_2: Some("Upper".into()),
        session: Some("abc".into()),
    };
    let kind = client
        .get_v1_things_by_thing_id_sub_items("t 1", "req-7", &params)
        .await
        .unwrap()
        .into_body();
    assert_eq!(
        (kind.foo_bar.as_deref(), kind.foo_bar_2.as_deref()),
        (Some("camel"), Some("snake"))
    );
    assert_eq!(kind.born.unwrap().to_string(), "2024-02-29");
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v1/things/t%201/sub.items");
    let query: HashMap<_, _> = sent.url.query_pairs().into_owned().collect();
    assert_eq!(query.get("type").map(String::as_str), Some("lower"));
    assert_eq!(query.get("Type").map(String::as_str), Some("Upper"));
    assert_eq!(sent.headers.get("x-request-id").unwrap(), "req-7");
    assert_eq!(sent.headers.get("cookie").unwrap(), "session=abc");
}

#[tokio::test]
async fn a_list_answer_iterates_in_place_and_can_be_changed_and_taken() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["a", "b", "c"])))
        .mount(&server)
        .await;
    let client = pb::Client::new(config(&server)).unwrap();
    let mut found = client.find(&Default::default()).await.unwrap();
    let mut seen = Vec::new();
    for item in &found {
        seen.push(item.clone());
    }
    assert_eq!(seen, ["a", "b", "c"]);
    for item in &mut found {
        item.push('!');
    }
    found.push("d".into());
    assert_eq!(found.status(), 200, "status kept after changing the body");
    assert_eq!(found.into_inner(), ["a!", "b!", "c!", "d"]);
}
