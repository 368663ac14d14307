//! Clients generated from the construct fixtures (compiled in `src/lib.rs`) on the wire:
//! query styles, header and cookie parameters, form and multipart bodies, success answers
//! typed per status, and error bodies read as the model the spec gives; the Swagger 2.0
//! fixture's bodies, forms, file uploads and collection formats.

use std::collections::HashMap;

use serde_json::json;
use wa_client::{Config, NoAuth};
use wa_tests::{names, parameters_and_bodies as pb};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server answering `verb at` with `answer`.
async fn answering(verb: &str, at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

fn config(server: &MockServer) -> Config {
    config_for(&server.uri())
}

fn config_for(url: &str) -> Config {
    Config::builder()
        .service_url(url)
        .authenticator(NoAuth)
        .build()
        .unwrap()
}

/// The request sent a URL-encoded form, and this is its body.
fn assert_form(sent: Request, body: &str) {
    assert_eq!(
        sent.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(String::from_utf8(sent.body).unwrap(), body);
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = server.received_requests().await.unwrap();
    assert_eq!(all.len(), 1, "expected exactly one request");
    all.remove(0)
}

/// A crate that compiles its own spec sends its own name as `User-Agent`, not Watson's.
#[tokio::test]
async fn a_crate_compiling_its_own_spec_announces_itself() {
    let server = answering(
        "GET",
        "/search",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    let client = pb::Client::new(config(&server)).unwrap();
    client.find(&Default::default()).await.unwrap();
    let sent = only_request(&server).await;
    let agent = sent.headers.get("user-agent").unwrap().to_str().unwrap();
    assert_eq!(agent, concat!("wa-tests/", env!("CARGO_PKG_VERSION")));
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
            ..Default::default()
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
    let server = answering("POST", "/forms", ResponseTemplate::new(204)).await;
    let client = pb::Client::new(config(&server)).unwrap();
    let body = pb::models::SubmitFormRequest {
        tags: Some(vec!["x".into(), "y&z".into()]),
        ..pb::models::SubmitFormRequest::new("Ada L".into())
    };
    client.submit_form(&body).await.unwrap();
    let sent = only_request(&server).await;
    assert_form(sent, "name=Ada+L&tags=x&tags=y%26z");
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
        title: Some("Logo".into()),
        meta: Some(meta),
        ..pb::models::Upload::new(wa_client::__private::bytes::Bytes::from_static(
            b"\x89PNG raw",
        ))
    };
    let first = client.upload(&body).await.unwrap();
    assert_eq!(first.status().as_u16(), 202);
    assert_eq!(
        first.into_body(),
        pb::models::UploadSuccess::Status202(pb::models::Queued::new("T-1".into()))
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
        r#type: Some("lower".into()),
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
async fn idioms_of_published_specs_on_the_wire() {
    use wa_tests::published_idioms as pi;
    let server = answering(
        "GET",
        "/Calls/CA%2F1.json",
        ResponseTemplate::new(200).set_body_json(json!({
            "sid": "CA/1",
            "status": "active",
            "parent": null,
            "created": "2026-11-28"
        })),
    )
    .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = pi::Client::new(config(&server)).unwrap();

    // An undeclared path parameter next to literal text is a string argument, one segment.
    let call = client.fetch_call("CA/1").await.unwrap().into_body();
    assert_eq!(call.status, Some(pi::models::Status::Active));
    // Optional and nullable: the `null` sent is told apart from a missing field.
    assert_eq!(call.parent, Some(None));
    assert_eq!(call.created.as_deref(), Some("2026-11-28"));
    // `readOnly` (here through an annotating `allOf` member) is kept when an answer is
    // encoded again, and left out of a request that does not set it.
    let sent = serde_json::to_value(&call).unwrap();
    assert_eq!(sent["created"], "2026-11-28", "{sent}");
    assert_eq!(sent.get("parent"), Some(&serde_json::Value::Null), "{sent}");
    let fresh = serde_json::to_value(pi::models::Call::new("CA2".into())).unwrap();
    assert!(fresh.get("created").is_none(), "{fresh}");
    assert!(fresh.get("parent").is_none(), "{fresh}");

    // A union as a path parameter is written in the simple style.
    client
        .delete_role(&pi::models::RoleRef::Integer(42))
        .await
        .unwrap();
    client
        .delete_role(&pi::models::RoleRef::String("ops team".into()))
        .await
        .unwrap();
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .skip(1)
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/roles/42", "/roles/ops%20team"]);

    // An annotated reference is the referenced type, and `required` from an annotating
    // member makes the composed field required.
    let forwarded: pi::models::ForwardedCall = call.clone();
    let named = pi::models::NamedCall::new("n".into());
    assert_eq!(forwarded.sid, "CA/1");
    assert_eq!(named.name, "n");
}

/// A path parameter described by plain-text `content` is its schema's value, sent as text;
/// an answer whose schema names a response decodes as that response's model.
#[tokio::test]
async fn a_plain_text_content_parameter_and_a_schema_naming_a_response() {
    use wa_tests::published_idioms as pi;
    let id = "0b0c1a5e-8d3f-4d59-9a4e-2f6f3c1d7e10";
    let server = answering(
        "GET",
        &format!("/orders/{id}"),
        ResponseTemplate::new(200).set_body_json(json!({"id": id, "region": "south"})),
    )
    .await;
    let client = pi::Client::new(config(&server)).unwrap();
    let order: pi::models::Order = client.get_order(id).await.unwrap().into_body();
    assert_eq!(order.id, id);
    assert_eq!(order.region, Some(pi::models::Region::South));
}

#[tokio::test]
async fn discriminators_statuses_and_shadowing_names_of_published_specs() {
    use wa_tests::published_idioms as pi;
    let server = answering(
        "GET",
        "/pets",
        ResponseTemplate::new(200).set_body_json(json!({
            "pet_type": "dog", "name": "Rex", "barks": true
        })),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/shapes"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"kind": "square", "side": 2.0})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/"))
        .respond_with(ResponseTemplate::new(201).set_body_bytes(b"\x89PNG".to_vec()))
        .mount(&server)
        .await;
    let client = pi::Client::new(config(&server)).unwrap();

    // A parent with a discriminator decodes as the component that extends it, by the tag the
    // child's own `enum` gives.
    let pet = client.get_pet().await.unwrap().into_body();
    let pi::models::Pet::Dog(dog) = &pet else {
        panic!("expected a dog, got {pet:?}");
    };
    assert_eq!((dog.name.as_deref(), dog.barks), (Some("Rex"), Some(true)));
    assert_eq!(serde_json::to_value(&pet).unwrap()["pet_type"], "dog");

    // Without a mapping, a member's `example` names its tag.
    let shape = client.get_shape().await.unwrap().into_body();
    assert!(
        matches!(shape, pi::models::Shape::Square(ref s) if s.side == Some(2.0)),
        "{shape:?}"
    );

    // Arguments named like the method's locals are sent as themselves; a non-JSON status
    // answers with its bytes.
    let answer = client.list_items("req", "resp").await.unwrap().into_body();
    assert_eq!(
        answer,
        pi::models::ListItemsSuccess::Status201(b"\x89PNG".to_vec().into())
    );
    let sent = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(sent.url.query(), Some("request=req"));
    assert_eq!(sent.headers.get("response").unwrap(), "resp");

    // Enum values YAML reads as booleans stay strings.
    let r: pi::models::Ref =
        serde_json::from_value(json!({"$ref": "x", "answer": "true"})).unwrap();
    assert_eq!(r.answer, Some(pi::models::RefAnswer::True));
    assert_eq!(r.r#ref.as_deref(), Some("x"));
}

#[tokio::test]
async fn multipart_without_fields_sends_the_parts_the_caller_gives() {
    use wa_tests::published_idioms as pi;
    let server = answering("POST", "/uploads", ResponseTemplate::new(204)).await;
    let client = pi::Client::new(config(&server)).unwrap();
    let mut parts = wa_client::Multipart::new();
    parts.text("note", "two files").unwrap();
    parts.bytes("file", b"first");
    client.upload(parts).await.unwrap();
    let sent = only_request(&server).await;
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&sent.body);
    assert!(
        body.contains("name=\"note\"") && body.contains("two files"),
        "{body}"
    );
    assert!(
        body.contains("name=\"file\"") && body.contains("first"),
        "{body}"
    );
}

#[test]
fn models_with_required_fields_have_a_constructor() {
    use wa_tests::published_idioms::models::{Call, NamedCall, Status};
    let call = Call {
        status: Some(Status::Active),
        ..Call::new("CA1".into())
    };
    assert_eq!(
        serde_json::to_value(&call).unwrap(),
        json!({"sid": "CA1", "status": "active"})
    );
    assert_eq!(NamedCall::new("n".into()).sid, None);
}

#[tokio::test]
async fn a_list_answer_iterates_in_place_and_can_be_changed_and_taken() {
    let server = answering(
        "GET",
        "/search",
        ResponseTemplate::new(200).set_body_json(json!(["a", "b", "c"])),
    )
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

#[tokio::test]
async fn openapi_31_constructs_on_the_wire() {
    use wa_tests::openapi_31 as o;
    let server = answering(
        "POST",
        "/shapes",
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "s1",
            "shape": {"kind": "square", "side": 2},
            "owner": null,
            "parent": null,
            "color": null,
            "size": 3,
            "visibility": "own",
            "layer": 1,
            "labels": [{"name": "big", "note": null}],
            "point": [1.5, "north"],
            "thumbnail": "aGk="
        })),
    )
    .await;
    let client = o::Client::new(config(&server)).unwrap();

    // A member's `const` is its tag: written by the union, not by the member.
    let circle = o::models::Shape::Circle(o::models::Circle::new(1.5));
    let stored = client.create_shape(&circle).await.unwrap().into_body();
    let sent: serde_json::Value = only_request(&server).await.body_json().unwrap();
    assert_eq!(sent, json!({"kind": "circle", "radius": 1.5}));

    // An optional nullable field sends an explicit `null` when asked to.
    let cleared = o::models::Shape::Circle(o::models::Circle {
        label: Some(None),
        ..o::models::Circle::new(1.5)
    });
    client.create_shape(&cleared).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent: serde_json::Value = requests.last().unwrap().body_json().unwrap();
    assert_eq!(
        sent,
        json!({"kind": "circle", "radius": 1.5, "label": null})
    );

    // `type: [T, 'null']`, a `{type: 'null'}` union member and `null` in an enum read null.
    assert_eq!(
        stored.shape,
        o::models::Shape::Square(o::models::Square::new(2))
    );
    assert_eq!(stored.owner, Some(None));
    assert_eq!(stored.parent, Some(None));
    assert_eq!(stored.color, Some(None));
    assert_eq!(stored.labels[0].note, Some(None));
    // A type list is a union; a tuple an array of the union of its item types.
    assert_eq!(stored.size, o::models::StoredSize::Integer(3));
    assert_eq!(
        stored.point,
        [
            o::models::StoredPointItem::Number(1.5),
            o::models::StoredPointItem::String("north".into())
        ]
    );
    // A oneOf of consts is an enum named by the titles; integers stay integers.
    assert_eq!(
        stored.visibility,
        Some(o::models::StoredVisibility::OwnerOnly)
    );
    assert_eq!(stored.layer, Some(1));
    assert_eq!(
        serde_json::to_value(o::models::StoredVisibility::Public).unwrap(),
        json!("pub")
    );
    let later: o::models::StoredVisibility = serde_json::from_value(json!("friends")).unwrap();
    assert_eq!(
        later,
        o::models::StoredVisibility::Unknown("friends".into())
    );
    assert_eq!(serde_json::to_value(&later).unwrap(), json!("friends"));
    // base64 text stays text; the webhook payload is a model of its own.
    assert_eq!(stored.thumbnail.as_deref(), Some("aGk="));
    let payload: o::models::ShapeCreatedPayload =
        serde_json::from_value(json!({"id": "s1"})).unwrap();
    assert_eq!(payload.id, "s1");
}

#[tokio::test]
async fn openapi_31_binary_part_is_sent_as_bytes() {
    use wa_tests::openapi_31 as o;
    let server = answering("POST", "/uploads", ResponseTemplate::new(204)).await;
    let client = o::Client::new(config(&server)).unwrap();
    let body = o::models::UploadRequest {
        preview: Some(Some(vec![7u8, 8, 9].into())),
        ..o::models::UploadRequest::new(vec![0u8, 159, 146, 150].into())
    };
    client.upload(&body).await.unwrap();
    let request = only_request(&server).await;
    let text = String::from_utf8_lossy(&request.body);
    assert!(text.contains("name=\"file\""), "{text}");
    assert!(!text.contains("name=\"note\""), "{text}");
    assert!(text.contains("name=\"preview\""), "{text}");
    assert!(
        request.body.windows(4).any(|w| w == [0u8, 159, 146, 150]),
        "the bytes are sent as they are"
    );

    // An optional nullable file holding `null` is left out, as multipart has no null.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let body = o::models::UploadRequest {
        preview: Some(None),
        ..body
    };
    client.upload(&body).await.unwrap();
    let text = String::from_utf8_lossy(&only_request(&server).await.body).into_owned();
    assert!(!text.contains("name=\"preview\""), "{text}");
}

#[tokio::test]
async fn pages_whose_cursor_and_items_may_be_null_are_followed_to_the_end() {
    use futures::TryStreamExt;
    use wa_tests::openapi_31 as o;
    use wiremock::matchers::query_param;
    let server = MockServer::start().await;
    Mock::given(path("/labels"))
        .and(query_param("cursor", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "labels": null,
            "pagination": {"next_cursor": "3"}
        })))
        .mount(&server)
        .await;
    Mock::given(path("/labels"))
        .and(query_param("cursor", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "labels": [{"name": "c"}],
            "pagination": null
        })))
        .mount(&server)
        .await;
    Mock::given(path("/labels"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "labels": [{"name": "a"}, {"name": "b"}],
            "pagination": {"next_cursor": "2"}
        })))
        .with_priority(10)
        .mount(&server)
        .await;
    let client = o::Client::new(config(&server)).unwrap();
    let labels: Vec<_> = client
        .list_labels_all(&Default::default())
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = labels.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn references_into_other_nodes_resolve_to_their_types() {
    use wa_tests::published_idioms as pi;
    let server = answering(
        "GET",
        "/tags",
        ResponseTemplate::new(200).set_body_json(json!({"id": "t1"})),
    )
    .await;
    let client = pi::Client::new(config(&server)).unwrap();
    let params = pi::models::GetTagParams { limit: Some(3) };
    // `#/components/schemas/Tag/allOf/0` is a model of its own, with its required `id`.
    let tag: pi::models::TagAllOf0 = client.get_tag(&params).await.unwrap().into_body();
    assert_eq!(tag.id, "t1");
    let sent = only_request(&server).await;
    assert_eq!(sent.url.query(), Some("limit=3"));
}

/// A bare HTTP server for one request, answering `200` with `content_type` and a chunked
/// body: each piece sent on the returned channel is written (and flushed) as it comes, and
/// the body ends when the sender is dropped. The request head arrives on the receiver.
/// Tests hand a piece over only after the client has read what came before, so a piece
/// boundary is a boundary between reads.
async fn chunked_server(
    content_type: &'static str,
) -> (
    String,
    tokio::sync::mpsc::UnboundedSender<&'static str>,
    tokio::sync::oneshot::Receiver<String>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (pieces, mut next) = tokio::sync::mpsc::unbounded_channel::<&'static str>();
    let (head_tx, head) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 16 * 1024];
        let n = socket.read(&mut buf).await.unwrap();
        let _ = head_tx.send(String::from_utf8_lossy(&buf[..n]).into_owned());
        let start = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        socket.write_all(start.as_bytes()).await.unwrap();
        while let Some(piece) = next.recv().await {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            socket.write_all(chunk.as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
        }
        socket.write_all(b"0\r\n\r\n").await.unwrap();
    });
    (url, pieces, head)
}

#[tokio::test]
async fn a_json_lines_stream_decodes_item_by_item_and_survives_a_malformed_line() {
    use futures::StreamExt;
    use wa_tests::openapi_32 as o;
    let (url, pieces, head) = chunked_server("application/jsonl").await;
    let client = o::Client::new(config_for(&url)).unwrap();
    let mut lines = client
        .tail_logs(&o::models::TailLogsParams { since: Some(5) })
        .await
        .unwrap()
        .into_body();
    let head = head.await.unwrap().to_ascii_lowercase();
    assert!(head.starts_with("get /logs?since=5 "), "{head}");
    assert!(head.contains("accept: application/jsonl\r\n"), "{head}");

    // The second item is cut in the middle: its first half arrives with the first item.
    pieces
        .send("{\"level\":\"info\",\"message\":\"one\"}\n{\"level\":\"warn\",\"mess")
        .unwrap();
    let one = lines.next().await.unwrap().unwrap();
    assert_eq!(
        (one.level, one.message.as_str()),
        (o::models::LogLineLevel::Info, "one")
    );
    pieces.send("age\":\"two\"}\r\n").unwrap();
    let two = lines.next().await.unwrap().unwrap();
    assert_eq!(
        (two.level, two.message.as_str()),
        (o::models::LogLineLevel::Warn, "two")
    );

    // A line that is not an item is an error for that item; the stream goes on.
    pieces
        .send("\nnot json\n{\"level\":\"error\",\"message\":\"three\"}")
        .unwrap();
    pieces.send("\n{\"message\":\"no level\"}\n").unwrap();
    let bad = lines.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&bad, wa_client::Error::Stream(m) if m.contains("item 3") && m.contains("not json")),
        "{bad:?}"
    );
    let three = lines.next().await.unwrap().unwrap();
    assert_eq!(three.message, "three");
    assert!(
        lines.next().await.unwrap().is_err(),
        "a line missing a required field"
    );
    // The last line needs no newline.
    pieces
        .send("{\"level\":\"debug\",\"message\":\"last\"}")
        .unwrap();
    drop(pieces);
    assert_eq!(lines.next().await.unwrap().unwrap().message, "last");
    assert!(lines.next().await.is_none());
}

#[tokio::test]
async fn an_event_stream_with_an_item_schema_yields_whole_events() {
    use futures::StreamExt;
    use wa_tests::openapi_32 as o;
    let (url, pieces, head) = chunked_server("text/event-stream").await;
    let client = o::Client::new(config_for(&url)).unwrap();
    let mut ticks = client.watch_ticks().await.unwrap().into_body();
    assert!(
        head.await
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept: text/event-stream\r\n")
    );
    pieces
        .send("event: tick\nid: 7\nretry: 1500\ndata: {\"seq\":1,\"price\":2.5}\n\ndata: {\"seq\"")
        .unwrap();
    let first = ticks.next().await.unwrap().unwrap();
    assert_eq!(first.event.as_deref(), Some("tick"));
    assert_eq!(first.id.as_deref(), Some("7"));
    assert_eq!(first.retry, Some(1500));
    assert_eq!(first.data.seq, 1);
    assert_eq!(first.data.price, Some(Some(2.5)));
    pieces
        .send(":2,\"price\":null}\n\ndata: {oops\n\n")
        .unwrap();
    // As SSE reads it: an event without a type is a `message`; the last id carries over.
    let second = ticks.next().await.unwrap().unwrap();
    assert_eq!(second.event.as_deref(), Some("message"));
    assert_eq!((second.id.as_deref(), second.data.seq), (Some("7"), 2));
    assert_eq!(second.data.price, Some(None));
    assert!(matches!(
        ticks.next().await.unwrap(),
        Err(wa_client::Error::Stream(_))
    ));
    pieces.send("data: {\"seq\":3}\n\n").unwrap();
    drop(pieces);
    assert_eq!(ticks.next().await.unwrap().unwrap().data.seq, 3);
    assert!(ticks.next().await.is_none());

    // Text data stays text.
    let server = answering(
        "GET",
        "/notes",
        ResponseTemplate::new(200)
            .insert_header("content-type", "text/event-stream")
            .set_body_string("event: note\ndata: hello\ndata: world\n\n"),
    )
    .await;
    let client = o::Client::new(config(&server)).unwrap();
    let notes: Vec<_> = client
        .watch_notes()
        .await
        .unwrap()
        .into_body()
        .collect()
        .await;
    let note = notes[0].as_ref().unwrap();
    assert_eq!(
        (note.event.as_deref(), note.data.as_str()),
        (Some("note"), "hello\nworld")
    );
}

#[tokio::test]
async fn ndjson_and_json_seq_streams_decode() {
    use futures::StreamExt;
    use wa_tests::openapi_32 as o;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/metrics"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/x-ndjson")
                .set_body_string(
                    "{\"name\":\"cpu\",\"value\":0.5}\n{\"name\":\"mem\",\"value\":12}\n",
                ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/changes"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json-seq")
                .set_body_string("\u{1e}{\"id\":\"a\",\"op\":\"added\"}\n\u{1e}{\"id\":\n\u{1e}{\"id\":\"a\",\"op\":\"removed\"}\n"),
        )
        .mount(&server)
        .await;
    let client = o::Client::new(config(&server)).unwrap();
    let metrics: Vec<_> = client
        .stream_metrics()
        .await
        .unwrap()
        .into_body()
        .collect()
        .await;
    let names: Vec<_> = metrics
        .iter()
        .map(|m| m.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["cpu", "mem"]);
    let changes: Vec<_> = client
        .watch_changes()
        .await
        .unwrap()
        .into_body()
        .collect()
        .await;
    assert_eq!(changes.len(), 3);
    assert_eq!(changes[0].as_ref().unwrap().op, o::models::ChangeOp::Added);
    assert!(
        changes[1].is_err(),
        "a truncated record is an error for it alone"
    );
    assert_eq!(
        changes[2].as_ref().unwrap().op,
        o::models::ChangeOp::Removed
    );
    let accepts: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["accept"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(accepts, ["application/x-ndjson", "application/json-seq"]);
}

#[tokio::test]
async fn query_and_other_methods_are_sent_as_named() {
    use wa_tests::openapi_32 as o;
    let server = MockServer::start().await;
    Mock::given(method("QUERY"))
        .and(path("/documents"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "d1"}])))
        .mount(&server)
        .await;
    Mock::given(method("COPY"))
        .and(path("/documents/d%201"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "d2"})))
        .mount(&server)
        .await;
    Mock::given(method("LINK"))
        .and(path("/documents/d1"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = o::Client::new(config(&server)).unwrap();
    let search = o::models::Search {
        words: Some("annual report".into()),
        ..Default::default()
    };
    let found = client.search_documents(&search).await.unwrap().into_body();
    assert_eq!(found[0].id, "d1");
    let copy = client.copy_document("d 1", "/archive/d1").await.unwrap();
    assert_eq!(copy.id, "d2");
    client.link_documents_by_id("d1").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    assert_eq!(
        sent,
        [
            ("QUERY".to_owned(), "/documents".to_owned()),
            ("COPY".to_owned(), "/documents/d%201".to_owned()),
            ("LINK".to_owned(), "/documents/d1".to_owned()),
        ]
    );
    assert_eq!(
        requests[0].body_json::<serde_json::Value>().unwrap(),
        json!({"words": "annual report"})
    );
    assert_eq!(requests[1].headers["destination"], "/archive/d1");
}

#[tokio::test]
async fn a_querystring_parameter_is_the_whole_query_string() {
    use wa_tests::openapi_32 as o;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = o::Client::new(config(&server)).unwrap();
    let filter = o::models::Filter {
        author: Some("ann lee".into()),
        tags: Some(vec!["a&b".into(), "c".into()]),
        ..Default::default()
    };
    client
        .find(&o::models::FindParams {
            filter: Some(filter),
        })
        .await
        .unwrap();
    client
        .find(&o::models::FindParams::default())
        .await
        .unwrap();
    client.find_raw("author=ann&year=2024").await.unwrap();
    // A number is sent as its text (it was refused as "not an object").
    client.find_page(3).await.unwrap();
    let search = o::models::Search {
        limit: Some(2),
        ..Default::default()
    };
    client.find_json(&search).await.unwrap();
    let queries: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(
        queries,
        [
            Some("author=ann+lee&tags=a%26b&tags=c".to_owned()),
            None,
            Some("author=ann&year=2024".to_owned()),
            Some("3".to_owned()),
            Some("%7B%22limit%22%3A2%7D".to_owned()),
        ]
    );
}

#[tokio::test]
async fn schemas_inside_other_answers_and_misplaced_references_decode_as_their_types() {
    use wa_tests::references_and_refinements as rr;
    let server = MockServer::start().await;
    let member = json!({"id": "U42", "name": "Ada", "team": {"slug": "core", "size": 3}});
    for (verb, at, status, body) in [
        ("GET", "/members", 200, json!([member])),
        (
            "GET",
            "/teams/core",
            200,
            json!({"slug": "core", "size": 3}),
        ),
        (
            "POST",
            "/incidents",
            201,
            json!({"title": "down", "owner": null}),
        ),
    ] {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = rr::Client::new(config(&server)).unwrap();
    // `listMembers` answers with `getUser`'s answer schema: one type for both places, whose
    // `id` is the scalar `UserId` refined by `allOf`.
    let members: Vec<rr::models::GetUserResponse> =
        client.list_members().await.unwrap().into_body();
    let id: &rr::models::UserId = &members[0].id;
    assert_eq!(id, "U42");
    // `getTeam` answers with a property of that schema.
    let team: rr::models::GetUserResponseTeam = client.get_team("core").await.unwrap().into_body();
    assert_eq!(members[0].team.as_ref(), Some(&team));
    assert_eq!(team.size, Some(3));
    // The 201 names a request body; it is read as a response carrying an `Incident`, whose
    // `owner` (a `UserId` refined as nullable) tells `null` from absent.
    let incident = rr::models::Incident::new("down".into());
    let created: rr::models::Incident =
        client.create_incident(&incident).await.unwrap().into_body();
    assert_eq!(created.owner, Some(None));
    assert_eq!(created.title, "down");
}

#[tokio::test]
async fn members_sharing_a_tag_written_in_place_or_recursive_decode_as_their_types() {
    use wa_runtime::UnrecognizedReason;
    use wa_tests::tagged_unions::{Client, models as m};
    // As the service gives items back: an input message carries an id and a status too.
    let answer = json!({
        "items": [
            {"type": "message", "id": "in1", "role": "user", "content": "hi", "status": "completed"},
            {"type": "message", "id": "out1", "role": "assistant", "status": "completed",
             "content": [{"text": "hello"}]},
            {"type": "tool_call", "name": "lookup", "arguments": "{}"},
            {"type": "message", "id": "x", "role": "robot", "content": "beep"},
        ],
        "actions": [
            {"type": "click", "x": 1, "y": 2},
            {"type": "type", "text": "abc"},
            {"type": "wait"},
            {"type": "scroll", "dy": 3},
        ],
        "filter": {"type": "and", "filters": [
            {"key": "a", "value": 1.5},
            {"type": "or", "filters": [{"key": "b", "value": true}]},
        ]},
        "outline": {"title": "1", "children": [{"title": "1.1", "children": [{"title": "1.1.1"}]}]},
    });
    let server = answering(
        "POST",
        "/conversations",
        ResponseTemplate::new(200).set_body_json(&answer),
    )
    .await;
    let client = Client::new(config(&server)).unwrap();
    let asked = m::Conversation::new(vec![m::Item::InputMessage(m::InputMessage::new(
        m::InputMessageRole::User,
        "hi".into(),
    ))]);
    let got = client
        .continue_conversation(&asked)
        .await
        .unwrap()
        .into_body();
    let sent: serde_json::Value =
        serde_json::from_slice(&only_request(&server).await.body).unwrap();
    assert_eq!(
        sent["items"],
        json!([{"type": "message", "role": "user", "content": "hi"}])
    );

    // Both messages carry `type: message`; `role` tells which member each is.
    let m::Item::InputMessage(input) = &got.items[0] else {
        panic!("{:?}", got.items[0]);
    };
    assert_eq!(input.role, m::InputMessageRole::User);
    assert_eq!(input.status, Some(m::Status::Completed));
    let m::Item::OutputMessage(output) = &got.items[1] else {
        panic!("{:?}", got.items[1]);
    };
    assert_eq!(
        (output.id.as_str(), output.content[0].text.as_str()),
        ("out1", "hello")
    );
    assert!(matches!(&got.items[2], m::Item::ToolCall(call) if call.name == "lookup"));
    // A message that fits neither is kept whole, with why each refused it.
    let m::Item::Unknown(kept) = &got.items[3] else {
        panic!("{:?}", got.items[3]);
    };
    let UnrecognizedReason::Invalid { tag, error } = &kept.reason else {
        panic!("{:?}", kept.reason);
    };
    assert_eq!(tag, "message");
    assert!(
        error.contains("not InputMessage (`role` is `robot`)")
            && error.contains("not OutputMessage (`role` is `robot`)"),
        "{error}"
    );

    // Members written in place are models named after their title or union and tag.
    assert!(matches!(
        &got.actions.as_ref().unwrap()[0],
        m::Action::Click(m::ActionClick { x: 1, y: 2, .. })
    ));
    assert!(
        matches!(&got.actions.as_ref().unwrap()[1], m::Action::Type(m::TypedText { text, .. }) if text == "abc")
    );
    assert!(matches!(
        &got.actions.as_ref().unwrap()[2],
        m::Action::Wait(m::ActionWait { ms: None, .. })
    ));
    assert!(
        matches!(&got.actions.as_ref().unwrap()[3], m::Action::Unknown(u) if u.reason == UnrecognizedReason::UnknownTag("scroll".into()))
    );

    // `$recursiveRef` and `$dynamicRef` are the schema that holds them.
    let filter = got.filter.as_ref().unwrap();
    let m::AllOrAnyFiltersItem::AllOrAny(inner) = &filter.filters[1] else {
        panic!("{:?}", filter.filters[1]);
    };
    assert_eq!(inner.r#type, m::AllOrAnyType::Or);
    let outline = got.outline.as_ref().unwrap();
    let grandchild = &outline.children.as_ref().unwrap()[0]
        .children
        .as_ref()
        .unwrap()[0];
    assert_eq!(grandchild.title, "1.1.1");

    // Everything, the refused message included, encodes back as it came.
    assert_eq!(serde_json::to_value(&got).unwrap(), answer);
}

#[test]
fn a_message_with_a_role_of_the_other_member_still_needs_its_fields() {
    use wa_runtime::UnrecognizedReason;
    use wa_tests::tagged_unions::models as m;
    // `role: assistant` picks `OutputMessage`, which needs an `id`: kept, with the reason.
    let item: m::Item =
        serde_json::from_value(json!({"type": "message", "role": "assistant", "content": "x"}))
            .unwrap();
    let m::Item::Unknown(kept) = &item else {
        panic!("{item:?}");
    };
    let UnrecognizedReason::Invalid { error, .. } = &kept.reason else {
        panic!("{:?}", kept.reason);
    };
    assert!(
        error.contains("not InputMessage (`role` is `assistant`)"),
        "{error}"
    );
    assert!(
        error.contains("not OutputMessage (") && error.contains("id"),
        "{error}"
    );
}

/// The Swagger 2.0 fixture's client, at `basePath` on `server`.
fn kennel(server: &MockServer) -> wa_tests::swagger_2::Client {
    let config = Config::builder()
        .service_url(format!("{}/kennel", server.uri()))
        .authenticator(NoAuth)
        .build()
        .unwrap();
    wa_tests::swagger_2::Client::new(config).unwrap()
}

#[test]
fn swagger_2_host_base_path_and_scheme_are_the_default_url() {
    assert_eq!(
        wa_tests::swagger_2::Client::DEFAULT_SERVICE_URL,
        "http://localhost/kennel"
    );
}

#[tokio::test]
async fn swagger_2_collection_formats_in_the_query() {
    use wa_tests::swagger_2::models as m;
    let server = answering(
        "GET",
        "/kennel/dogs",
        ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "name": "Rex", "owner": null, "nickname": null, "pet": {"kind": "Cat", "lives": 9}}
        ])),
    )
    .await;
    let params = m::ListDogsParams {
        x_request_id: Some("r-1".into()),
        page_size: Some(5),
        ids: Some(vec![1, 2]),
        words: Some(vec!["a".into(), "b".into()]),
        cells: Some(vec!["c".into(), "d".into()]),
        flags: Some(vec!["x".into(), "y".into()]),
        tags: Some(vec!["t1".into(), "t2".into()]),
        size: Some(m::ListDogsSize::Large),
    };
    let dogs = kennel(&server)
        .list_dogs(&params)
        .await
        .unwrap()
        .into_body();
    let sent = only_request(&server).await;
    let pairs: Vec<(String, String)> = sent.url.query_pairs().into_owned().collect();
    let expected = [
        ("page_size", "5"),
        ("ids", "1,2"),
        ("words", "a b"),
        ("cells", "c\td"),
        ("flags", "x|y"),
        ("tags", "t1"),
        ("tags", "t2"),
        ("size", "large"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    assert_eq!(pairs, expected);
    assert_eq!(sent.headers.get("x-request-id").unwrap(), "r-1");
    // `x-nullable` and a 3.1-style type list both read `null` as a value of its own.
    assert_eq!(dogs[0].owner, Some(None));
    assert_eq!(dogs[0].nickname, Some(None));
    assert_eq!(dogs[0].chip, None);
    // A 2.0 discriminator tags the members with their definition names.
    assert_eq!(
        dogs[0].pet,
        Some(m::Pet::Cat(m::Cat {
            lives: Some(9),
            ..Default::default()
        }))
    );
}

#[tokio::test]
async fn swagger_2_body_parameter_and_shared_error_response() {
    use wa_tests::swagger_2::models as m;
    let server = answering(
        "POST",
        "/kennel/dogs",
        ResponseTemplate::new(201).set_body_json(json!({"id": 7, "name": "Rex"})),
    )
    .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "asleep", "code": 9})),
        )
        .mount(&server)
        .await;
    let client = kennel(&server);
    let dog = m::Dog {
        chip: Some(None),
        ..m::Dog::new("Rex".into())
    };
    let added = client
        .add_dog(&Default::default(), &dog)
        .await
        .unwrap()
        .into_body();
    assert_eq!(added.id, Some(7));
    let sent: serde_json::Value = server.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(sent, json!({"name": "Rex", "chip": null}));

    // The root's `responses` are the error models of the operations that refer to them.
    let err = client.list_dogs(&Default::default()).await.unwrap_err();
    let problem: m::Problem = err.as_http().unwrap().json().unwrap();
    assert_eq!(problem.message.as_deref(), Some("asleep"));
}

#[tokio::test]
async fn swagger_2_form_data_is_url_encoded() {
    use wa_tests::swagger_2::models as m;
    let server = answering(
        "POST",
        "/kennel/dogs/3/notes",
        ResponseTemplate::new(200).set_body_raw("noted", "text/plain"),
    )
    .await;
    let body = m::AddNoteRequest {
        stars: Some(4),
        tags: Some(vec!["calm".into(), "a&b".into()]),
        seen: Some(vec!["park".into(), "home".into()]),
        ..m::AddNoteRequest::new("Sat when told".into())
    };
    let stored = kennel(&server)
        .add_note(3, &body)
        .await
        .unwrap()
        .into_body();
    assert_eq!(&stored[..], b"noted");
    let sent = only_request(&server).await;
    // `tags` has 2.0's default `collectionFormat: csv`; `seen` says `multi`.
    assert_form(
        sent,
        "text=Sat+when+told&tags=calm%2Ca%26b&seen=park&seen=home&stars=4",
    );
}

/// A non-JSON answer is asked for in the media type the spec names; a 2.0 answer without
/// `schema` of an operation that produces only such a type is its bytes.
#[tokio::test]
async fn swagger_2_answers_in_named_media_types_are_their_bytes() {
    let server = MockServer::start().await;
    for (at, media, body) in [
        (
            "/kennel/dogs/3/photo",
            "image/jpeg",
            &b"\xff\xd8\xff jpeg"[..],
        ),
        (
            "/kennel/dogs/3/records",
            "application/x-tar",
            &b"records.tar"[..],
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .and(header("accept", media))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), media))
            .expect(1)
            .mount(&server)
            .await;
    }
    let kennel = kennel(&server);
    let photo = kennel.get_photo(3).await.unwrap().into_body();
    assert_eq!(&photo[..], b"\xff\xd8\xff jpeg");
    let records = kennel.export_records(3).await.unwrap().into_body();
    assert_eq!(&records[..], b"records.tar");
}

#[tokio::test]
async fn swagger_2_file_parameter_is_a_multipart_upload() {
    use wa_tests::swagger_2::models as m;
    let server = answering(
        "POST",
        "/kennel/dogs/3/photo",
        ResponseTemplate::new(200).set_body_json(json!({"url": "/p/3.jpg"})),
    )
    .await;
    let body = m::UploadPhotoRequest {
        caption: Some("Rex at the beach".into()),
        ..m::UploadPhotoRequest::new(wa_client::__private::bytes::Bytes::from_static(
            b"\xff\xd8\xff jpeg",
        ))
    };
    let photo = kennel(&server)
        .upload_photo(3, &body)
        .await
        .unwrap()
        .into_body();
    assert_eq!(photo.url, "/p/3.jpg");
    let sent = only_request(&server).await;
    let content_type = sent.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let text = String::from_utf8_lossy(&sent.body);
    assert!(
        text.contains(
            "name=\"photo\"; filename=\"photo\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ),
        "{text}"
    );
    assert!(sent.body.windows(8).any(|w| w == b"\xff\xd8\xff jpeg"));
    assert!(
        text.contains("name=\"caption\"\r\n\r\nRex at the beach\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn a_spec_in_many_files_on_the_wire() {
    use wa_tests::multi_shop as shop;
    let pet = json!({
        "id": 7, "name": "Rex",
        "category": {"name": "dogs", "parent": {"name": "animals"}},
        "tag": {"label": "sale", "cents": 250},
        "owner": {"name": "Ann", "address": {"city": "Oslo"}},
    });
    let server = answering(
        "GET",
        "/pets/7",
        ResponseTemplate::new(200).set_body_json(&pet),
    )
    .await;
    let client = shop::Client::new(config(&server)).unwrap();
    let got = client.get_pet("7").await.unwrap().into_inner();
    // One model per file, whichever `$ref` reached it.
    let _: &shop::models::Animal = &got;
    let category: &shop::models::Category = got.category.as_ref().unwrap();
    assert_eq!(category.parent.as_ref().unwrap().name, "animals");
    let tag: &shop::models::PriceTag = got.tag.as_ref().unwrap();
    assert_eq!(tag.cents, Some(250));
    let owner: &shop::models::Person = got.owner.as_ref().unwrap();
    let address: &shop::models::Address = owner.address.as_ref().unwrap();
    assert_eq!(address.city.as_deref(), Some("Oslo"));
    assert_eq!(serde_json::to_value(&got).unwrap(), pet);

    // The error model comes from a response kept in a file; the union from a file whose
    // mapping names other files.
    let server = answering(
        "GET",
        "/orders",
        ResponseTemplate::new(200).set_body_json(json!([
            {"id": "o1", "payment": {"method": "card", "last4": "4242"},
             "shipTo": {"street": "Main St"}},
            {"id": "o2", "payment": {"method": "transfer", "iban": "NO93"}},
        ])),
    )
    .await;
    let client = shop::Client::new(config(&server)).unwrap();
    let orders = client.list_orders().await.unwrap().into_inner();
    assert!(matches!(&orders[0].payment, shop::models::Payment::Card(c) if c.last4 == "4242"));
    assert!(matches!(&orders[1].payment, shop::models::Payment::Transfer(t) if t.iban == "NO93"));
    let ship_to: &shop::models::ShippingAddress = orders[0].ship_to.as_ref().unwrap();
    assert_eq!(ship_to.street, "Main St");

    let server = answering(
        "GET",
        "/pets",
        ResponseTemplate::new(500).set_body_json(json!({"message": "down"})),
    )
    .await;
    let client = shop::Client::new(config(&server)).unwrap();
    let err = client.list_pets(&Default::default()).await.unwrap_err();
    let error: shop::models::Error = err.as_http().unwrap().json().unwrap();
    assert_eq!(error.message, "down");
}

#[tokio::test]
async fn operations_sharing_an_operation_id_are_named_by_method_and_path() {
    use wa_tests::multi_repeated as repeated;
    let server = answering("DELETE", "/accounts/a1", ResponseTemplate::new(204)).await;
    let client = repeated::Client::new(config(&server)).unwrap();
    client.delete_accounts_by_account_id("a1").await.unwrap();
    let server = answering(
        "GET",
        "/accounts",
        ResponseTemplate::new(200).set_body_json(json!([{"id": "a1", "balance": 5}])),
    )
    .await;
    let client = repeated::Client::new(config(&server)).unwrap();
    let accounts = client.get_accounts().await.unwrap().into_inner();
    assert_eq!(accounts[0].balance, Some(5));
}
