//! Bounded memory (issue 15): a response body over the client's
//! `max_response_size` fails as soon as its declared length or the bytes
//! read pass the limit, and is never buffered whole.
//!
//! A raw server on 127.0.0.1 streams a large body in 64 KiB chunks and
//! counts the bytes it managed to write; the client can have read no more
//! than that. The loop stops at the body's end, when the client hangs up,
//! or after 20 s.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use phala_cloud::{PhalaCloud, PhalaCloudError, RetryPolicy};

const MIB: u64 = 1024 * 1024;

/// Serves one request: `status`, then `total` bytes of body, with a
/// `Content-Length` or chunked. Returns the base URL and a receiver for the
/// number of body bytes written before the client stopped reading.
fn streaming_server(
    status: u16,
    total: u64,
    declare_length: bool,
) -> (String, mpsc::Receiver<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65536 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let framing = if declare_length {
            format!("content-length: {total}")
        } else {
            "transfer-encoding: chunked".to_owned()
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing}\r\nconnection: close\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![b'x'; 64 * 1024];
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut written = 0u64;
        while written < total && Instant::now() < deadline {
            let ok = if declare_length {
                stream.write_all(&chunk)
            } else {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .and_then(|_| stream.write_all(&chunk))
                    .and_then(|_| stream.write_all(b"\r\n"))
            };
            if ok.is_err() {
                break;
            }
            written += chunk.len() as u64;
        }
        if !declare_length && written >= total {
            let _ = stream.write_all(b"0\r\n\r\n");
        }
        let _ = tx.send(written);
    });
    (base, rx)
}

fn client(base: &str, limit: Option<u64>) -> PhalaCloud {
    let mut b = PhalaCloud::builder()
        .base_url(base)
        .api_key("k")
        .retry_policy(RetryPolicy::none());
    if let Some(limit) = limit {
        b = b.max_response_size(limit);
    }
    b.build().unwrap()
}

fn assert_too_large(err: &PhalaCloudError) {
    match err {
        PhalaCloudError::Request(r) => assert!(r.is_too_large(), "{err}"),
        other => panic!("expected a too-large RequestError, got {other:?}"),
    }
    assert!(err.to_string().contains("exceeds the limit"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_error_body_with_a_declared_length_fails_before_reading() {
    assert_eq!(phala_cloud::DEFAULT_MAX_RESPONSE_SIZE, 32 * MIB);
    let (base, written) = streaming_server(500, 100 * MIB, true);
    let started = Instant::now();
    let err = client(&base, None).get_cvm_info("cvm_1").await.unwrap_err();
    let failed_after = started.elapsed();
    assert_too_large(&err);
    assert!(
        err.to_string().contains("Content-Length 104857600"),
        "{err}"
    );
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    // The connection is closed, not left waiting: the server's write fails
    // well before its 5 s write timeout.
    let written = written.recv_timeout(Duration::from_secs(30)).unwrap();
    let server_done = started.elapsed();
    eprintln!(
        "declared 100 MiB, 32 MiB cap: failed after {failed_after:?}; server stopped after \
         {server_done:?}, having written {written} bytes"
    );
    assert!(server_done < Duration::from_secs(4), "{server_done:?}");
    // Only what the sockets' buffers took before the client hung up.
    assert!(written < 24 * MIB, "{written} bytes written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_chunked_error_body_stops_at_the_cap() {
    let (base, written) = streaming_server(500, 100 * MIB, false);
    let err = client(&base, None).get_cvm_info("cvm_1").await.unwrap_err();
    assert_too_large(&err);
    assert!(
        err.to_string().contains("more than 33554432 bytes"),
        "{err}"
    );
    let written = written.recv_timeout(Duration::from_secs(30)).unwrap();
    eprintln!("chunked 100 MiB, 32 MiB cap: server wrote {written} bytes");
    assert!(written >= 32 * MIB, "the client read up to the cap");
    assert!(
        written < 56 * MIB,
        "{written} bytes written: 100 MB were buffered"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn success_bodies_are_capped_too_and_smaller_ones_pass() {
    for declare in [true, false] {
        let (base, _) = streaming_server(200, 2 * MIB, declare);
        let c = client(&base, Some(MIB));
        assert_too_large(&c.get_cvm_info("cvm_1").await.unwrap_err());

        let (base, _) = streaming_server(200, 2 * MIB, declare);
        let safe = client(&base, Some(MIB)).safe_get_cvm_info("cvm_1").await;
        assert_too_large(&safe.error.unwrap());
    }
    // Under the cap the same body is read whole (and then fails to decode).
    let (base, _) = streaming_server(200, 2 * MIB, false);
    let err = client(&base, Some(4 * MIB))
        .get_cvm_info("cvm_1")
        .await
        .unwrap_err();
    match &err {
        PhalaCloudError::Validation(v) => assert_eq!(v.body().len() as u64, 2 * MIB),
        other => panic!("{other:?}"),
    }
}
