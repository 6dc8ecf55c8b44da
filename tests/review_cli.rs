//! `plume check --review`, `plume review` and `plume rewrite --review` on the command line:
//! the page written for a hand-written article, its links, and clean refusals (exit 2, the
//! file named, nothing written). No model needed: the real-model page is tested in a browser
//! by `tests/review_page.rs`.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn plume() -> Command {
    let mut cmd = Command::cargo_bin("plume").expect("the plume binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.timeout(Duration::from_secs(120));
    cmd
}

const SOURCE: &str = "examples/articles/ligne-ferroviaire.txt";

/// A hand-written article from the example source: two of its sentences reworded, one kept,
/// and one it never says.
const ARTICLE: &str = "---\ntitle: \"La ligne Valmorin–Castelbrune rouvre\"\nmeta_description: \"Le premier train est parti de Valmorin lundi 2 février.\"\n---\n\n# La ligne Valmorin–Castelbrune rouvre\n\nLundi 2 février à 6 h 12, le premier train a quitté la gare de Valmorin avec plus de deux cents voyageurs.\n\n## Un chantier de 96 millions d’euros\n\nLes travaux ont coûté 96 millions d'euros, financés à 60 % par la région, à 30 % par l'État et à 10 % par les deux intercommunalités desservies.\n\nUne quatrième gare ouvrira en 2031 à Bellerive.\n";

fn write_article(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("article.md");
    std::fs::write(&path, ARTICLE).unwrap();
    path
}

#[test]
fn check_writes_the_page_with_every_sentence_linked_or_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let article = write_article(dir.path());
    let page = dir.path().join("review.html");
    let out = plume()
        .arg("check")
        .arg(&article)
        .args(["--source", SOURCE, "--review"])
        .arg(&page)
        .output()
        .unwrap();
    // The article is short: the report has problems (exit 1), the page is written anyway.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    // The article's side of the page, and the opening tag of the span holding `text` there.
    let side = &html[html.find("id=\"article\"").unwrap()..];
    let span = |text: &str| -> String {
        let at = side
            .find(text)
            .unwrap_or_else(|| panic!("{text} not on the page"));
        let open = side[..at].rfind("<span class=\"s").unwrap();
        side[open..at].to_string()
    };
    // The reworded sentence is matched to its source, the kept one marked as kept, the
    // invented one flagged with no source.
    assert!(span("le premier train a quitté").contains("o-matched"));
    assert!(span("le premier train a quitté").contains("data-src=\"s1\""));
    assert!(span("Les travaux ont coûté").contains("o-source_kept"));
    let invented = span("Une quatrième gare");
    assert!(invented.contains("o-unsupported look") && invented.contains("data-src=\"\""));
    // The heading is the source's own (typography aside); the title is matched to the
    // source's (plume cannot tell how a hand-written title was made).
    assert!(span("Un chantier de").contains("o-source_kept"));
    assert!(side.contains(
        "<h1 id=\"b0\"><span class=\"s o-matched\" id=\"a0\" tabindex=\"0\" data-src=\"s0\">"
    ));
    // The report names the invented number and links its findings.
    assert!(html.contains("Rapport :") && html.contains("href=\"#b"));
}

#[test]
fn review_without_a_source_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let article = write_article(dir.path());
    let page = dir.path().join("review.html");
    let out = plume()
        .arg("check")
        .arg(&article)
        .arg("--review")
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--source"));
    assert!(!page.exists());
}

#[test]
fn the_page_never_overwrites_the_article_or_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let article = write_article(dir.path());
    let out = plume()
        .arg("check")
        .arg(&article)
        .args(["--source", SOURCE, "--review"])
        .arg(&article)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("article.md"));
    assert_eq!(std::fs::read_to_string(&article).unwrap(), ARTICLE);
}

#[test]
fn review_refuses_what_is_not_a_plume_json_article_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("notes.json", "not json at all", "not JSON"),
        ("other.json", "{\"a\": 1}", "not an article written by"),
        (
            "old.json",
            r#"{"title":"T","meta_description":"M","slug":"t","keyphrase":"t","lang":"fr-FR","lead":"L","sections":[],"provenance":{"plume_version":"0","model_id":"m","model_sha256":"x","seed":1,"sampling":{"temperature":0.7,"top_k":40,"top_p":0.95,"min_p":0.05,"repeat_penalty":1.1},"source_path":"s","source_sha256":"y","settings":"","generated":true}}"#,
            "has no alignment",
        ),
    ];
    for (name, text, why) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let page = dir.path().join(format!("{name}.html"));
        let out = plume()
            .arg("review")
            .arg(&path)
            .arg("-o")
            .arg(&page)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains(why),
            "{name}: {stderr}"
        );
        assert!(!page.exists());
    }
}

#[test]
fn a_batch_refuses_review_before_loading_any_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = plume()
        .args([
            "rewrite",
            SOURCE,
            "examples/articles/library-opening.md",
            "--out",
        ])
        .arg(dir.path().join("out/"))
        .arg("--review")
        .arg(dir.path().join("r.html"))
        .args(["--model", "/nonexistent.gguf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("plume review ARTICLE.json"));
}
