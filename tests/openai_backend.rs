//! `plume rewrite --endpoint` (issue 16): the whole pipeline on top of an OpenAI-compatible
//! inference server. The server here is a small one of the test's own on 127.0.0.1 that echoes
//! the text it is asked to rewrite (the checks then keep or refuse it as from any model); the
//! generator's requests, retries and errors are unit-tested in `src/generate/openai.rs`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{json, Value};

const NO_MODEL: &str = "/nonexistent/plume-model.gguf";

const ARTICLE: &str = include_str!("data/fr-piscine-brevanne.txt");

/// What the server saw: each request's head and body.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Serves `/v1/models` and `/v1/chat/completions` (echoing the text after the instruction)
/// until the test ends; returns the endpoint and what it saw.
fn echo_server() -> (String, Seen) {
    let (endpoint, seen, _) = echo_server_at("127.0.0.1:0", None);
    (endpoint, seen)
}

/// [`echo_server`] on `address`, stopping (its port closed) after `limit` requests; each
/// request is answered on its own thread, a little later, and the third value is the most
/// requests it had in flight at once.
fn echo_server_at(address: &str, limit: Option<usize>) -> (String, Seen, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(address).unwrap();
    let endpoint = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let most_seen = Arc::clone(&most);
    std::thread::spawn(move || {
        for (served, stream) in listener.incoming().enumerate() {
            if limit.is_some_and(|l| served >= l) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let (log, in_flight, most) =
                (Arc::clone(&log), Arc::clone(&in_flight), Arc::clone(&most));
            std::thread::spawn(move || answer(stream, &log, &in_flight, &most));
        }
    });
    (endpoint, seen, most_seen)
}

/// Reads one request from `stream`, logs it, and answers it (an echo of the text asked about);
/// `in_flight` counts the requests read and not yet answered, `most` the most it reached.
fn answer(
    mut stream: std::net::TcpStream,
    log: &Seen,
    in_flight: &AtomicUsize,
    most: &AtomicUsize,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let body = String::from_utf8(body).unwrap();
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    most.fetch_max(now, Ordering::SeqCst);
    let answer = if head.starts_with("GET /v1/models") {
        json!({ "data": [{ "id": "echo-model" }] })
    } else if head.starts_with("POST /v1/completions") {
        json!({ "choices": [{ "text": " tout le monde", "finish_reason": "stop" }] })
    } else {
        // A moment of work, so that requests sent together are seen together.
        std::thread::sleep(Duration::from_millis(30));
        let request: Value = serde_json::from_str(&body).unwrap();
        let asked = request["messages"][1]["content"].as_str().unwrap_or("");
        let text = asked.rsplit("\n\n").next().unwrap_or("").to_string();
        json!({
            "model": "echo-model",
            "choices": [{ "message": { "role": "assistant", "content": text }, "finish_reason": "stop" }],
            "usage": { "prompt_tokens": 100, "completion_tokens": 20 }
        })
    };
    log.lock().unwrap().push((head, body));
    in_flight.fetch_sub(1, Ordering::SeqCst);
    let answer = answer.to_string();
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = stream.write_all(reply.as_bytes());
}

fn plume(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plume").expect("the plume binary is built");
    cmd.current_dir(dir)
        .env_remove("PLUME_ENDPOINT")
        .env_remove("PLUME_API_KEY")
        .timeout(Duration::from_secs(120));
    cmd
}

#[test]
fn a_rewrite_through_a_server_is_checked_and_records_the_server_not_the_key() {
    let (endpoint, seen) = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), ARTICLE).unwrap();
    let out = plume(d)
        .args(["rewrite", "a.txt", "--min-words", "0", "--out", "a.md"])
        .args(["--endpoint", &endpoint])
        .env("PLUME_API_KEY", "cle-secrete")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let article = std::fs::read_to_string(d.join("a.md")).unwrap();
    let host = endpoint
        .trim_start_matches("http://")
        .trim_end_matches("/v1");
    assert!(
        article.contains(&format!("model: \"echo-model at {host}\"")),
        "{article}"
    );
    assert!(
        article.contains(&format!("model_sha256: \"served:echo-model@{host}\"")),
        "{article}"
    );
    assert!(article.contains("Odile Ferrand") && article.contains("3,2"));
    assert!(!article.contains("cle-secrete") && !stderr.contains("cle-secrete"));
    assert!(stderr.contains("at the server"), "{stderr}");
    let seen = seen.lock().unwrap();
    assert!(seen[0].0.starts_with("GET /v1/models"), "{:?}", seen[0]);
    let chats: Vec<&(String, String)> = seen
        .iter()
        .filter(|(head, _)| head.starts_with("POST /v1/chat/completions"))
        .collect();
    assert!(!chats.is_empty());
    assert!(chats
        .iter()
        .all(|(head, _)| head.contains("Bearer cle-secrete")));
    let first: Value = serde_json::from_str(&chats[0].1).unwrap();
    assert_eq!(first["model"], "echo-model");
    assert_eq!(first["messages"][0]["role"], "system");
}

#[test]
fn a_server_that_does_not_answer_is_named_and_nothing_is_written() {
    // A port that was free a moment ago.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}/v1");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), ARTICLE).unwrap();
    let out = plume(d)
        .args(["rewrite", "a.txt", "--out", "a.md", "--endpoint", &endpoint])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&endpoint) && stderr.contains("cannot reach"),
        "{stderr}"
    );
    assert!(!d.join("a.md").exists());
}

#[test]
fn nothing_is_sent_without_an_explicit_backend_or_endpoint() {
    let (endpoint, seen) = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), ARTICLE).unwrap();
    // PLUME_ENDPOINT alone does not send the article anywhere: the local model is looked for.
    let out = plume(d)
        .args(["rewrite", "a.txt", "-m", NO_MODEL])
        .env("PLUME_ENDPOINT", &endpoint)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("plume-model.gguf"), "{stderr}");
    assert!(seen.lock().unwrap().is_empty());
    // `--backend openai` with no endpoint anywhere says what to give.
    let out = plume(d)
        .args(["rewrite", "a.txt", "--backend", "openai"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("needs --endpoint"), "{stderr}");
    // With it, PLUME_ENDPOINT is the server.
    let out = plume(d)
        .args(["generate", "Bonjour", "-n", "4", "--backend", "openai"])
        .env("PLUME_ENDPOINT", &endpoint)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), " tout le monde\n");
    let seen = seen.lock().unwrap();
    assert!(seen[0].0.starts_with("GET /v1/models"));
    assert!(seen[1].0.starts_with("POST /v1/completions"));
}

#[test]
fn a_batch_through_a_server_writes_the_same_articles_with_several_in_flight() {
    let (endpoint, _seen) = echo_server();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, day) in [("a", "lundi"), ("b", "mardi"), ("c", "mercredi")] {
        std::fs::create_dir_all(d.join("in")).unwrap();
        std::fs::write(
            d.join(format!("in/{name}.txt")),
            ARTICLE.replace("lundi", day),
        )
        .unwrap();
    }
    let mut outputs = Vec::new();
    for parallel in ["1", "3"] {
        let out = format!("out-{parallel}/");
        let run = plume(d)
            .args(["rewrite", "in/", "--out", &out, "--min-words", "0", "-q"])
            .args(["--endpoint", &endpoint, "--parallel", parallel])
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let files: Vec<String> = ["a", "b", "c"]
            .iter()
            .map(|n| std::fs::read_to_string(d.join(format!("out-{parallel}/{n}.md"))).unwrap())
            .collect();
        outputs.push(files);
    }
    assert_eq!(outputs[0], outputs[1]);
    // The local engine takes one article at a time.
    let run = plume(d)
        .args([
            "rewrite",
            "in/",
            "--out",
            "x/",
            "--parallel",
            "2",
            "-m",
            NO_MODEL,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--parallel is for an inference server"),
        "{stderr}"
    );
}

#[test]
fn one_article_has_several_pieces_in_flight_and_the_same_text() {
    let (endpoint, seen, most) = echo_server_at("127.0.0.1:0", None);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), ARTICLE).unwrap();
    let mut runs = Vec::new();
    for parallel in ["1", "4"] {
        most.store(0, Ordering::SeqCst);
        let before = seen.lock().unwrap().len();
        let out = format!("a-{parallel}.json");
        let run = plume(d)
            .args([
                "rewrite",
                "a.txt",
                "--min-words",
                "0",
                "-q",
                "--format",
                "json",
            ])
            .args([
                "--out",
                &out,
                "--endpoint",
                &endpoint,
                "--parallel",
                parallel,
            ])
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let mut asked: Vec<String> = seen.lock().unwrap()[before..]
            .iter()
            .map(|(_, body)| body.clone())
            .collect();
        asked.sort();
        let article = std::fs::read_to_string(d.join(&out)).unwrap();
        runs.push((article, asked, most.load(Ordering::SeqCst)));
    }
    // One request at a time, then the first answers asked ahead, up to four at a time.
    assert_eq!(runs[0].2, 1);
    assert!(
        runs[1].2 > 1 && runs[1].2 <= 4,
        "{} in flight at most",
        runs[1].2
    );
    // The same article and writing record, from the same requests in another order (none
    // asked twice, none more).
    assert!(
        runs[0].0 == runs[1].0,
        "the article differs with --parallel 4"
    );
    assert!(runs[0].1 == runs[1].1, "other requests with --parallel 4");
}

#[test]
fn a_server_that_dies_mid_batch_fails_the_rest_naming_it_and_the_rerun_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    for (name, day) in [("a", "lundi"), ("b", "mardi"), ("c", "mercredi")] {
        std::fs::write(
            d.join(format!("in/{name}.txt")),
            ARTICLE.replace("lundi", day),
        )
        .unwrap();
    }
    let args = |endpoint: &str| -> Vec<String> {
        ["rewrite", "in/", "--out", "out/", "--min-words", "0", "-q"]
            .iter()
            .map(|s| s.to_string())
            .chain(["--endpoint".into(), endpoint.into()])
            .chain(["--model".into(), "echo-model".into()])
            .collect()
    };
    // How many requests the first article takes.
    let (endpoint, seen) = echo_server();
    let probe = plume(d)
        .args([
            "rewrite",
            "in/a.txt",
            "--min-words",
            "0",
            "-q",
            "--model",
            "echo-model",
        ])
        .args(["--endpoint", &endpoint])
        .output()
        .unwrap();
    assert_eq!(probe.status.code(), Some(0));
    let per_article = seen.lock().unwrap().len();

    // A server that stops after the first article.
    let (endpoint, _, _) = echo_server_at("127.0.0.1:0", Some(per_article));
    let address = endpoint
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_string();
    let run = plume(d).args(args(&endpoint)).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("failed:").count(), 2, "{stderr}");
    assert!(
        stderr.contains(&endpoint) && stderr.contains("in/b.txt"),
        "{stderr}"
    );
    let first = std::fs::read_to_string(d.join("out/a.md")).unwrap();
    assert!(!d.join("out/b.md").exists() && !d.join("out/c.md").exists());

    // Restarted on the same address: the finished article is skipped, the rest written.
    let (endpoint, _, _) = echo_server_at(&address, None);
    let run = plume(d).args(args(&endpoint)).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 skipped") && stderr.contains("2 done"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(d.join("out/a.md")).unwrap(), first);
    assert!(d.join("out/b.md").exists() && d.join("out/c.md").exists());
}
