//! What the generated client costs over the same request written by hand with reqwest and
//! serde: `messageStateless` against one local HTTP/1.1 server, both sending the same bytes
//! (URL formed per call, bearer token, `Accept`, `User-Agent`) and decoding into the same
//! generated models, so that the difference is the runtime (URL and header assembly,
//! authenticator, span, retry loop, decode).
//!
//! `cargo bench -p wa-tests --bench runtime_overhead`
//!
//! For a profiler, `ONLY=generated` (or `ONLY=by_hand`) with `CALLS=N` runs N calls of that
//! side alone and nothing else: under `valgrind --tool=callgrind --cache-sim=yes`, two such
//! runs that differ in N give a side's instructions and cache misses per call.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wa_client::models::{StatelessMessageInput, StatelessMessageRequest, StatelessMessageResponse};
use wa_client::{BearerToken, Client, Config};

const ANSWER: &str = r#"{"output":{"generic":[{"response_type":"text","text":"Hello! How can I help?"}],"intents":[{"intent":"greeting","confidence":0.98}],"entities":[]},"context":{"global":{"session_id":"s"}}}"#;

/// A keep-alive HTTP/1.1 server that answers every request with `ANSWER`.
async fn serve(listener: TcpListener) {
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(8192);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
                ANSWER.len(),
                ANSWER
            );
            loop {
                // Read one request: headers, then Content-Length bytes of body.
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    let mut chunk = [0u8; 8192];
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    let mut chunk = [0u8; 8192];
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                buf.drain(..head_end + length);
                if socket.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn request() -> StatelessMessageRequest {
    StatelessMessageRequest {
        input: Some(StatelessMessageInput {
            text: Some("Hello".into()),
            ..Default::default()
        }),
        user_id: Some("bench-user".into()),
        ..Default::default()
    }
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    base: String,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind a local port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    runtime.spawn(serve(listener));
    Setup { runtime, base }
}

async fn generated(client: &Client, body: &StatelessMessageRequest) -> StatelessMessageResponse {
    client
        .message_stateless("assistant", "environment", Some(body))
        .await
        .expect("generated call")
        .into_body()
}

/// The same request by hand: the URL formed per call, as the generated client forms it, and
/// the same headers (`Accept`, `User-Agent`), so that the server's work is the same too.
async fn by_hand(
    http: &reqwest::Client,
    base: &str,
    body: &StatelessMessageRequest,
) -> StatelessMessageResponse {
    let (assistant, environment) = ("assistant", "environment");
    http.post(format!(
        "{base}/v2/assistants/{assistant}/environments/{environment}/message"
    ))
    .query(&[("version", "2024-08-25")])
    .bearer_auth("bench-token")
    .header(reqwest::header::ACCEPT, "application/json")
    .json(body)
    .send()
    .await
    .expect("hand call")
    .error_for_status()
    .expect("success")
    .json()
    .await
    .expect("decode")
}

fn clients(base: &str) -> (Client, reqwest::Client) {
    let client = Client::new(
        Config::builder()
            .service_url(base)
            .authenticator(BearerToken::new("bench-token"))
            .build()
            .expect("config"),
    )
    .expect("client");
    let http = reqwest::Client::builder()
        .user_agent(concat!("wa-client/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client");
    (client, http)
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let (client, http) = clients(&s.base);
    let body = request();
    let mut group = c.benchmark_group("message_stateless");
    group.bench_function("generated", |b| {
        b.to_async(&s.runtime).iter(|| generated(&client, &body))
    });
    group.bench_function("by_hand", |b| {
        b.to_async(&s.runtime)
            .iter(|| by_hand(&http, &s.base, &body))
    });
    group.finish();
}

/// Interleaved rounds of both, so drift on a shared machine hits both alike; prints the
/// ratio criterion's separate groups leave to the reader: the median of the rounds' ratios
/// (a burst of load spoils a round, not the figure), and the ratio of the totals.
fn ratio() {
    let s = setup();
    let (client, http) = clients(&s.base);
    let body = request();
    let rounds: u32 = 100;
    let per_round: u32 = 100;
    let mut ratios = Vec::new();
    let (mut generated_total, mut hand_total) = (Duration::ZERO, Duration::ZERO);
    s.runtime.block_on(async {
        for _ in 0..100 {
            generated(&client, &body).await;
            by_hand(&http, &s.base, &body).await;
        }
        for round in 0..rounds {
            let generated_round = async {
                let start = Instant::now();
                for _ in 0..per_round {
                    generated(&client, &body).await;
                }
                start.elapsed()
            };
            let hand_round = async {
                let start = Instant::now();
                for _ in 0..per_round {
                    by_hand(&http, &s.base, &body).await;
                }
                start.elapsed()
            };
            // Each goes first in every other round.
            let (generated_time, hand_time) = if round % 2 == 0 {
                let g = generated_round.await;
                (g, hand_round.await)
            } else {
                let h = hand_round.await;
                (generated_round.await, h)
            };
            generated_total += generated_time;
            hand_total += hand_time;
            ratios.push(generated_time.as_secs_f64() / hand_time.as_secs_f64());
        }
    });
    ratios.sort_by(f64::total_cmp);
    let median = (ratios[ratios.len() / 2] + ratios[(ratios.len() - 1) / 2]) / 2.0;
    let calls = f64::from(rounds * per_round);
    let generated_us = generated_total.as_secs_f64() * 1e6 / calls;
    let hand_us = hand_total.as_secs_f64() * 1e6 / calls;
    println!(
        "message_stateless: generated {generated_us:.1} µs/call, by hand {hand_us:.1} µs/call, \
         overhead ratio {median:.3} (median of {rounds} rounds of {per_round} calls each; \
         totals {:.3})",
        generated_us / hand_us,
    );
}

criterion_group!(benches, bench);

/// N calls of one side alone (`ONLY`, `CALLS`), for a profiler.
fn one_side(side: &str, calls: u32) {
    let s = setup();
    let (client, http) = clients(&s.base);
    let body = request();
    s.runtime.block_on(async {
        for _ in 0..calls {
            match side {
                "generated" => drop(generated(&client, &body).await),
                "by_hand" => drop(by_hand(&http, &s.base, &body).await),
                other => panic!("ONLY is `generated` or `by_hand`, not `{other}`"),
            }
        }
    });
}

fn main() {
    if let Ok(side) = std::env::var("ONLY") {
        let calls = std::env::var("CALLS").map_or(1000, |n| n.parse().expect("CALLS is a count"));
        one_side(&side, calls);
        return;
    }
    ratio();
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
