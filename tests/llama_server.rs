//! `plume rewrite --endpoint` against a real inference server (issue 16): llama.cpp's own
//! `llama-server`, built by `tools/build-llama-server.sh` (the README's test command runs it),
//! started here on 127.0.0.1 with the default model and stopped at the end of each test. The
//! protocol details, retries and malformed answers are tested against a scripted server in
//! `tests/openai_backend.rs`; here the whole rewrite, several articles in flight, and a server
//! that dies in the middle of a batch and is restarted.
//!
//! Without the server binary these tests fail (they do not skip): run the script, or point
//! `PLUME_LLAMA_SERVER` at a `llama-server` of your own.

mod common {
    pub mod rules;
}

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::rules::{assert_rules, front_matter_value};
use plume::source::Source;

/// The llama-cpp-python version the build script pins (its folder in the cache).
const LLAMA_VERSION: &str = "0.3.36";

/// One server at a time: each uses both cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where `tools/build-llama-server.sh` puts the server (or `PLUME_LLAMA_SERVER`).
fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PLUME_LLAMA_SERVER") {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("PLUME_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|c| PathBuf::from(c).join("plume")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/plume")))
        .expect("HOME is set");
    let path = cache
        .join(format!("llama-server-{LLAMA_VERSION}"))
        .join("llama-server");
    assert!(
        path.is_file(),
        "{} is missing: run `bash tools/build-llama-server.sh` (or set PLUME_LLAMA_SERVER)",
        path.display()
    );
    path
}

/// A `llama-server` serving the default model as `gemma-3-270m`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts a server on `port` (a free one when `None`) and waits until it answers.
    fn start(port: Option<u16>) -> Server {
        let port = port.unwrap_or_else(|| {
            TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port()
        });
        let model = manifest_dir().join("models/gemma-3-270m-q4_k_m.gguf");
        assert!(model.is_file(), "run `bash models/fetch.sh` first");
        let child = Process::new(server_binary())
            .arg("-m")
            .arg(&model)
            .args(["--alias", "gemma-3-270m", "--host", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .args(["-t", "2", "-c", "16384", "-np", "4", "--log-disable"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("llama-server starts");
        let server = Server { child, port };
        server.wait_until_ready();
        server
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    fn wait_until_ready(&self) {
        let health = format!("http://127.0.0.1:{}/health", self.port);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            if ureq::get(&health).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("llama-server did not become ready on port {}", self.port);
    }

    /// Kills the server now, as a crash would.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn plume(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("plume").unwrap();
    cmd.current_dir(dir)
        .env_remove("PLUME_ENDPOINT")
        .env_remove("PLUME_API_KEY");
    cmd
}

fn example(name: &str) -> PathBuf {
    manifest_dir().join("examples/articles").join(name)
}

/// Its pieces four at a time (`--parallel 4`: the first answers asked ahead), with the
/// log-probabilities the server gives.
#[test]
fn the_seed_article_through_llama_server_meets_the_same_checks_as_a_local_rewrite() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = Server::start(None);
    let dir = tempfile::tempdir().unwrap();
    let seed = manifest_dir().join("../shared/seed/article.txt");
    let out = plume(dir.path())
        .arg("rewrite")
        .arg(&seed)
        .args(["--endpoint", &server.endpoint(), "--model", "gemma-3-270m"])
        .args([
            "-q",
            "--parallel",
            "4",
            "--format",
            "json",
            "-o",
            "article.json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("article.json")).unwrap())
            .unwrap();
    let article: plume::article::Article = serde_json::from_value(json.clone()).unwrap();
    let md = plume::article::render_markdown(&article);
    // llama.cpp's server gives the log-probabilities of its tokens.
    let candidates: Vec<&serde_json::Value> = json["writing"]["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["candidates"].as_array().unwrap())
        .collect();
    assert!(!candidates.is_empty());
    assert!(
        candidates
            .iter()
            .all(|c| c["mean_logprob"].as_f64().is_some_and(|lp| lp <= 0.0)),
        "a candidate without its log-probability"
    );
    eprintln!("{md}");
    let source = Source::from_path(&seed).unwrap();
    assert_rules(&md, &source, 700);
    let model = front_matter_value(&md, "model").unwrap();
    assert!(
        model.contains("gemma-3-270m") && model.contains(&format!("127.0.0.1:{}", server.port)),
        "the provenance names the served model and the host: {model}"
    );
    assert!(front_matter_value(&md, "model_sha256")
        .unwrap()
        .starts_with("served:"));
}

#[test]
fn a_batch_with_four_articles_in_flight_passes_every_check() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = Server::start(None);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    // The default model is a base model that cannot translate: French sources of several
    // sections, in the three formats, one of them twice.
    let corpus = manifest_dir().join("examples/quality/corpus");
    let sources = [
        (example("ligne-ferroviaire.txt"), "ligne-ferroviaire.txt"),
        (example("ligne-ferroviaire.txt"), "ligne-copie.txt"),
        (
            corpus.join("fr-hopital-urgences.md"),
            "fr-hopital-urgences.md",
        ),
        (
            corpus.join("fr-vendanges-gel.html"),
            "fr-vendanges-gel.html",
        ),
    ];
    let mut inputs = Vec::new();
    for (source, name) in sources {
        let path = d.join("in").join(name);
        std::fs::copy(source, &path).unwrap();
        inputs.push(path);
    }
    let out = plume(d)
        .args(["rewrite", "in/", "--out", "out/", "-q", "--parallel", "4"])
        .args(["--endpoint", &server.endpoint(), "--model", "gemma-3-270m"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("4 done"), "{stderr}");
    for input in &inputs {
        let stem = input.file_stem().unwrap().to_str().unwrap();
        let md = std::fs::read_to_string(d.join(format!("out/{stem}.md"))).unwrap();
        let source = Source::from_path(input).unwrap();
        assert_rules(&md, &source, 700);
    }
}

#[test]
fn a_server_killed_mid_batch_fails_the_rest_naming_it_and_the_rerun_finishes() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = Server::start(None);
    let port = server.port;
    let endpoint = server.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in")).unwrap();
    let article =
        std::fs::read_to_string(manifest_dir().join("tests/data/fr-piscine-brevanne.txt")).unwrap();
    for (name, day) in [("a", "lundi"), ("b", "mardi"), ("c", "mercredi")] {
        std::fs::write(
            d.join(format!("in/{name}.txt")),
            article.replace("lundi", day),
        )
        .unwrap();
    }
    let args = [
        "rewrite",
        "in/",
        "--out",
        "out/",
        "--min-words",
        "0",
        "-q",
        "--model",
        "gemma-3-270m",
        "--endpoint",
        &endpoint,
    ];
    // The batch runs in the background; the server dies as soon as the first article is out.
    let mut batch = Process::new(assert_cmd::cargo::cargo_bin("plume"))
        .current_dir(d)
        .args(args)
        .env_remove("PLUME_ENDPOINT")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let first = d.join("out/a.md");
    let start = Instant::now();
    while !first.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the first article never came"
        );
        assert!(batch.try_wait().unwrap().is_none(), "the batch ended early");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.kill();
    let run = batch.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("failed:").count(), 2, "{stderr}");
    assert!(
        stderr.contains(&endpoint) && stderr.contains("in/b.txt") && stderr.contains("in/c.txt"),
        "the failures name the endpoint and the articles:\n{stderr}"
    );
    let kept = std::fs::read_to_string(&first).unwrap();
    assert!(!d.join("out/b.md").exists() && !d.join("out/c.md").exists());

    // Restarted on the same port: the finished article is skipped, the rest written.
    let _server = Server::start(Some(port));
    let run = plume(d).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 skipped") && stderr.contains("2 done"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&first).unwrap(), kept);
    for name in ["b", "c"] {
        let md = std::fs::read_to_string(d.join(format!("out/{name}.md"))).unwrap();
        assert!(md.contains("model: \"gemma-3-270m"), "{md}");
    }
}

#[test]
fn bench_measures_the_server_as_the_client_sees_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let server = Server::start(None);
    let dir = tempfile::tempdir().unwrap();
    let out = plume(dir.path())
        .args([
            "bench", "-p", "64", "-n", "16", "-r", "2", "--format", "json",
        ])
        .args(["--endpoint", &server.endpoint(), "--model", "gemma-3-270m"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["endpoint"], server.endpoint().as_str());
    let tests = report["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 2, "{report}");
    assert_eq!(tests[0]["name"], "pp64");
    assert_eq!(tests[1]["name"], "tg16");
    // The server's own count of the tokens: a prompt of about 64, exactly 16 generated.
    let prompt_tokens = tests[0]["tokens"].as_u64().unwrap();
    assert!((48..=80).contains(&prompt_tokens), "{report}");
    assert_eq!(tests[1]["tokens"], 16, "{report}");
    assert!(
        tests.iter().all(|t| t["mean"].as_f64().unwrap() > 0.0),
        "{report}"
    );
}
