//! The review page in a real browser: the seed article rewritten by the real default model
//! with `--review`, opened in headless Chromium through chromedriver (WebDriver over HTTP).
//! Clicking a model-written sentence highlights exactly its source sentences, the page makes
//! no request beyond its own file, and it loads and runs its script with the network
//! disabled. The screenshot is kept in `target/test-artifacts/review-seed.png`.
//!
//! CI installs Chromium and chromedriver (`bash tools/install-chromium.sh`, Debian's
//! `chromium` and `chromium-driver`) and the model (`bash models/fetch.sh`); without them these
//! tests fail, never skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn find(program: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not installed: run bash tools/install-chromium.sh"))
}

/// Chromium's own binary (Debian's `/usr/bin/chromium` is a shell wrapper around it).
fn chromium() -> PathBuf {
    let direct = Path::new("/usr/lib/chromium/chromium");
    if direct.is_file() {
        direct.to_path_buf()
    } else {
        find("chromium")
    }
}

/// The seed article rewritten to JSON with `--review`: (the folder, the page). `plume review`
/// on the JSON gives the same page, byte for byte.
fn seed_review() -> (tempfile::TempDir, PathBuf) {
    let model = manifest_dir().join("models/gemma-3-270m-q4_k_m.gguf");
    assert!(
        model.is_file(),
        "the default model is missing: run bash models/fetch.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("seed.review.html");
    let out = Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("rewrite")
        .arg(manifest_dir().join("../shared/seed/article.txt"))
        .args(["--seed", "7", "-q", "--format", "json", "-o"])
        .arg(dir.path().join("seed.json"))
        .arg("--review")
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = Command::new(env!("CARGO_BIN_EXE_plume"))
        .arg("review")
        .arg(dir.path().join("seed.json"))
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        again.stdout == std::fs::read(&page).unwrap(),
        "plume review wrote another page"
    );
    (dir, page)
}

/// A chromedriver on a free local port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
    session: String,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(find("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while ureq::get(&format!("{url}/status")).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut driver = Driver {
            child,
            url,
            session: String::new(),
        };
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,1000"]
            }
        }}});
        let value = driver.call("POST", "/session", Some(caps));
        driver.session = value["sessionId"].as_str().unwrap().to_string();
        driver
    }

    /// One WebDriver command; its `value`.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = if self.session.is_empty() {
            format!("{}{path}", self.url)
        } else {
            format!("{}/session/{}{path}", self.url, self.session)
        };
        let request = ureq::request(method, &url).timeout(Duration::from_secs(60));
        let response = match body {
            Some(b) => request.send_json(b),
            None => request.call(),
        };
        let text = match response {
            Ok(r) => r.into_string().unwrap(),
            Err(ureq::Error::Status(code, r)) => {
                panic!(
                    "WebDriver {method} {path}: {code} {}",
                    r.into_string().unwrap()
                )
            }
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        };
        serde_json::from_str::<Value>(&text).unwrap()["value"].take()
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = ureq::delete(&format!("{}/session/{}", self.url, self.session)).call();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn selecting_a_sentence_highlights_its_sources_and_nothing_leaves_the_file() {
    let (_dir, page) = seed_review();
    let html = std::fs::read_to_string(&page).unwrap();
    // Nothing to fetch: no external script, style, font or image.
    for attr in ["src=\"http", "href=\"http", "url(", "@import", "@font-face"] {
        assert!(
            !html.contains(attr),
            "the page refers to something outside it: {attr}"
        );
    }
    let driver = Driver::start();
    let url = format!("file://{}", page.display());
    driver.call("POST", "/url", Some(json!({ "url": url })));

    // Every article sentence has a source sentence, or is one the program built.
    let orphans = driver.script(
        "return [...document.querySelectorAll('#article .s')].filter(e => !e.dataset.src && !e.classList.contains('o-extractive') && !e.classList.contains('o-template')).map(e => e.textContent)",
    );
    assert_eq!(orphans, json!([]), "article sentences without a source");

    // Click the first model-written sentence of the body: it and exactly its sources are
    // highlighted.
    let target = driver.script(
        "const e = document.querySelector('#article p:not(.meta-desc) > .s.o-model[data-src]:not([data-src=\"\"])'); return e ? [e.id, e.dataset.src] : null",
    );
    let (id, sources) = (
        target[0]
            .as_str()
            .expect("a model-written sentence with sources"),
        target[1].as_str().unwrap(),
    );
    let element = driver.call(
        "POST",
        "/element",
        Some(json!({ "using": "css selector", "value": format!("#{id}") })),
    );
    let element_id = element.as_object().unwrap().values().next().unwrap();
    driver.call(
        "POST",
        &format!("/element/{}/click", element_id.as_str().unwrap()),
        Some(json!({})),
    );
    let highlighted =
        driver.script("return [...document.querySelectorAll('.hl')].map(e => e.id).sort()");
    let mut expected: Vec<&str> = std::iter::once(id).chain(sources.split(' ')).collect();
    expected.sort_unstable();
    assert_eq!(highlighted, json!(expected));
    assert!(expected.iter().any(|s| s.starts_with('s')));
    // The detail box says how the sentence was made.
    let detail = driver.script("return document.getElementById('detail').textContent");
    assert!(
        detail.as_str().unwrap().contains("écrite par le modèle"),
        "{detail}"
    );
    // The screenshot (the sentence selected, its sources highlighted, how it was made), kept
    // as the test's artefact.
    let png = driver.call("GET", "/screenshot", None);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(png.as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"\x89PNG"));
    let artefacts = manifest_dir().join("target/test-artifacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    std::fs::write(artefacts.join("review-seed.png"), bytes).unwrap();
    // Clicking a source sentence highlights the article sentences made from it.
    let first_source = sources.split(' ').next().unwrap();
    let back = driver.script(&format!(
        "const s = document.getElementById('{first_source}'); s.click(); return [s.dataset.art, [...document.querySelectorAll('#article .hl')].map(e => e.id).join(' ')]"
    ));
    assert_eq!(back[0], back[1]);
    assert!(back[0].as_str().unwrap().split(' ').any(|a| a == id));

    // The browser fetched nothing but the page itself.
    let resources =
        driver.script("return performance.getEntriesByType('resource').map(e => e.name)");
    assert_eq!(resources, json!([]));
}

#[test]
fn the_page_loads_and_runs_with_the_network_disabled() {
    let (_dir, page) = seed_review();
    // A new network namespace has no route anywhere (not even loopback is up); the page's
    // script marks the body when it has run.
    let out = Command::new("unshare")
        .arg("--net")
        .arg(chromium())
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("unshare and chromium run");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not run offline: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dom.contains("id=\"alignment\"") && dom.contains("class=\"s o-"));
}
