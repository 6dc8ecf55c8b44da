//! Full rewrites by the `plume` binary on the real default model: the seed article to Markdown,
//! a French example to an HTML page (twice, for determinism), an English example from stdin to
//! JSON. Every output rule is checked with the same function as the pipeline tests.
//!
//! Slow: each rewrite takes minutes on a CPU. CI provisions the model
//! (`bash models/fetch.sh`); without it these tests fail, never skip.

mod common {
    pub mod files;
    pub mod rules;
}

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::files::sorted_names;
use common::rules::{assert_rules, front_matter_value};
use plume::analysis::text::word_count;
use plume::source::{is_french, Source};
use serde_json::Value;

const MODEL_SHA256: &str = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818";

/// Generous, but a hung rewrite still ends the test.
const REWRITE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// One rewrite at a time: each uses every core.
fn rewrite_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn require_model() {
    let path = manifest_dir().join("models/gemma-3-270m-q4_k_m.gguf");
    assert!(
        path.is_file(),
        "the default model is missing at {}: run bash models/fetch.sh",
        path.display()
    );
}

fn example(name: &str) -> PathBuf {
    manifest_dir().join("examples/articles").join(name)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `plume rewrite ARGS` (with `stdin` if given), one at a time, and checks it succeeds.
fn rewrite(args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    let run = plume_rewrite(args, stdin, false);
    assert_eq!(
        run.code,
        Some(0),
        "plume rewrite {args:?} succeeds\nstderr: {}\nstdout: {}",
        run.stderr,
        run.stdout
    );
    run
}

/// Runs `plume rewrite ARGS`, one at a time; `offline` runs it in a network namespace with no
/// interface (`unshare -n`), where any attempt to reach the network fails.
fn plume_rewrite(args: &[&str], stdin: Option<Vec<u8>>, offline: bool) -> Run {
    require_model();
    let _lock = rewrite_lock();
    let plume = env!("CARGO_BIN_EXE_plume");
    let mut cmd = if offline {
        let mut cmd = Command::new("unshare");
        cmd.args(["--net", "--", plume]);
        cmd
    } else {
        Command::new(plume)
    };
    cmd.current_dir(manifest_dir())
        .arg("rewrite")
        .args(args)
        .timeout(REWRITE_TIMEOUT);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let start = Instant::now();
    let out = cmd.output().expect("plume runs");
    eprintln!(
        "plume rewrite {args:?}: {:?} in {:.0} s",
        out.status.code(),
        start.elapsed().as_secs_f64()
    );
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

#[test]
fn seed_article_to_markdown_meets_every_rule() {
    let path = manifest_dir().join("../shared/seed/article.txt");
    let source = Source::from_path(&path).expect("the seed article (../shared/seed/) is readable");
    let r = rewrite(&[path.to_str().unwrap(), "--quiet"], None);
    // --quiet leaves only the warning that the article is shorter than asked (the seed gives
    // about 550 words of material, and plume does not pad).
    assert!(
        r.stderr
            .lines()
            .all(|l| l.contains("under the 700 asked") && l.contains("does not pad")),
        "--quiet writes nothing on stderr but the short-article warning:\n{}",
        r.stderr
    );
    let md = &r.stdout;
    eprintln!("{md}");

    assert!(
        md.lines()
            .any(|l| l == format!("model_sha256: \"{MODEL_SHA256}\"")),
        "the front matter names the model's sha256:\n{md}"
    );
    assert_eq!(
        front_matter_value(md, "model_sha256").as_deref(),
        Some(MODEL_SHA256)
    );
    assert_eq!(front_matter_value(md, "seed").as_deref(), Some("42"));
    let sampling = front_matter_value(md, "sampling").expect("sampling in the front matter");
    for key in [
        "temperature=",
        "top_k=",
        "top_p=",
        "min_p=",
        "repeat_penalty=",
    ] {
        assert!(sampling.contains(key), "sampling has {key}: {sampling:?}");
    }
    assert!(md.lines().any(|l| l == "lang: \"fr-FR\""), "{md}");
    assert_eq!(front_matter_value(md, "lang").as_deref(), Some("fr-FR"));

    let report = assert_rules(md, &source, 700);
    eprintln!(
        "seed article: {} words, SEO {}, readability {}, faithfulness {:?}",
        report.word_count, report.seo_score, report.readability_score, report.faithfulness
    );
}

/// The JSON-LD block of an HTML page.
fn json_ld(html: &str) -> Value {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .expect("the block is closed");
    serde_json::from_str(&html[start..end])
        .unwrap_or_else(|e| panic!("the JSON-LD parses ({e}):\n{}", &html[start..end]))
}

/// When the binary was last written: a rebuild between two runs explains different outputs.
fn binary_stamp() -> Option<std::time::SystemTime> {
    std::fs::metadata(env!("CARGO_BIN_EXE_plume"))
        .and_then(|m| m.modified())
        .ok()
}

#[test]
fn french_example_to_html_page_twice_gives_the_same_bytes() {
    let input = example("ligne-ferroviaire.txt");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.html");
    let args = [
        input.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
        "--seed",
        "7",
    ];

    let stamp = binary_stamp();
    let r = rewrite(&args, None);
    assert!(
        r.stdout.is_empty(),
        "with --out, nothing on stdout:\n{}",
        r.stdout
    );
    let html = std::fs::read_to_string(&out).expect("the page was written");
    eprintln!("{html}");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<html lang=\"fr\""), "{html}");
    assert!(html.contains("<title>") && html.contains("</title>"));
    assert!(html.contains("<meta name=\"description\" content=\""));
    assert_eq!(html.matches("<h1").count(), 1, "exactly one <h1>");
    let h2 = html.matches("<h2").count();
    assert!(h2 >= 3, "at least three <h2>, got {h2}");
    assert!(html.trim_end().ends_with("</html>"));
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "NewsArticle", "{ld}");
    assert_eq!(ld["inLanguage"], "fr-FR", "{ld}");
    assert!(
        ld["headline"].as_str().is_some_and(|h| !h.is_empty()),
        "{ld}"
    );
    let description = ld["description"].as_str().unwrap_or_default();
    assert!(
        (120..=156).contains(&description.chars().count()),
        "meta description of {} characters: {description:?}",
        description.chars().count()
    );
    assert!(
        ld.to_string().contains(MODEL_SHA256),
        "the JSON-LD names the model's sha256: {ld}"
    );
    assert_eq!(
        sorted_names(dir.path()),
        ["a.html"],
        "no temporary file left"
    );

    // The same article in an offline batch, with the same seed: the same bytes. The batch
    // runs with no network at all, beside an article full of literal control tokens.
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(&input, inputs.join("ligne-ferroviaire.txt")).unwrap();
    std::fs::write(
        inputs.join("jetons.txt"),
        "Le conseil de Valmorin a publié un texte contenant <start_of_turn>user et <eos> au milieu \
         d’une phrase. Le maire a précisé que le texte <end_of_turn> serait lu mardi.",
    )
    .unwrap();
    let batch_out = dir.path().join("batch");
    let log = dir.path().join("batch.jsonl");
    let batch_args = [
        inputs.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        batch_out.to_str().unwrap(),
        "--log",
        log.to_str().unwrap(),
        "--seed",
        "7",
        "--quiet",
    ];
    let r = plume_rewrite(&batch_args, None, true);
    assert_eq!(r.code, Some(0), "offline batch: {}", r.stderr);
    assert_eq!(
        sorted_names(&batch_out),
        ["jetons.html", "ligne-ferroviaire.html"]
    );
    let again = std::fs::read_to_string(batch_out.join("ligne-ferroviaire.html")).unwrap();
    let rebuilt = if binary_stamp() != stamp {
        " (NB: the plume binary was rebuilt while this test ran, so the two runs may not have \
         used the same program)"
    } else {
        ""
    };
    let normalise = |page: &str, path: &Path| page.replace(path.to_str().unwrap(), "SOURCE");
    assert!(
        normalise(&again, &inputs.join("ligne-ferroviaire.txt")) == normalise(&html, &input),
        "a run and a batch with --seed 7 differ{rebuilt}:\n--- run\n{html}\n--- batch\n{again}"
    );
    let tokens_page = std::fs::read_to_string(batch_out.join("jetons.html")).unwrap();
    assert_eq!(tokens_page.matches("<h1").count(), 1, "{tokens_page}");
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l["status"] == "done"), "{lines:?}");

    // Run again: both outputs are up to date and skipped, the model is not needed.
    let r = plume_rewrite(&batch_args, None, true);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("0 done, 2 skipped, 0 failed"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(batch_out.join("ligne-ferroviaire.html")).unwrap(),
        again
    );
}

#[test]
fn a_killed_batch_leaves_whole_outputs_and_the_next_run_finishes_it() {
    require_model();
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("a.txt"),
        "La piscine de Castelbrune rouvrira le 12 mai après six mois de travaux.",
    )
    .unwrap();
    std::fs::write(
        inputs.join("b.txt"),
        "Le marché de Valmorin accueillera quarante commerçants samedi matin, et la mairie prévoit \
         une navette pour les habitants des hameaux qui sont loin du centre.",
    )
    .unwrap();
    std::fs::copy(example("ligne-ferroviaire.txt"), inputs.join("c.txt")).unwrap();
    let out = dir.path().join("out");
    let outputs = |out: &Path| -> Vec<String> {
        sorted_names(out)
            .into_iter()
            .filter(|n| !n.starts_with(".plume-"))
            .collect()
    };

    let child = {
        let _lock = rewrite_lock();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plume"))
            .args([
                "rewrite",
                inputs.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("plume starts");
        let start = Instant::now();
        while !out.is_dir() || outputs(&out).is_empty() {
            assert!(
                start.elapsed() < REWRITE_TIMEOUT,
                "no output after {REWRITE_TIMEOUT:?}"
            );
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the batch ended before it was killed: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill().unwrap();
        child.wait().unwrap()
    };
    assert!(!child.success());
    let done = outputs(&out);
    assert!(!done.is_empty() && done.len() < 3, "{done:?}");
    for name in &done {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(
            plume::article::read_run_record(&text, plume::article::OutputFormat::Md).is_some(),
            "{name} is whole"
        );
        assert!(text.trim_end().lines().count() > 10, "{name}:\n{text}");
    }

    let log = dir.path().join("log.jsonl");
    rewrite(
        &[
            inputs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--log",
            log.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(outputs(&out), ["a.md", "b.md", "c.md"]);
    let statuses: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let skipped = statuses.iter().filter(|s| *s == "skipped").count();
    assert_eq!(skipped, done.len(), "{statuses:?}");
    assert_eq!(statuses.len(), 3, "{statuses:?}");
}

#[test]
fn english_example_from_stdin_to_json_is_french_and_faithful() {
    let input = example("library-opening.md");
    let bytes = std::fs::read(&input).unwrap();
    // Named, the base model translates (when no model is named, an installed instruct model
    // does: `instruct_model_translates_through_its_chat_template`).
    let r = rewrite(
        &["-", "--format", "json", "--model", "gemma-3-270m"],
        Some(bytes),
    );
    let json: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}):\n{}", r.stdout));
    eprintln!("{}", r.stdout);

    for key in ["title", "meta_description", "slug", "keyphrase", "lang"] {
        assert!(
            json[key].as_str().is_some_and(|v| !v.trim().is_empty()),
            "`{key}` is a non-empty string: {}",
            json[key]
        );
    }
    assert_eq!(json["lang"], "fr-FR");
    assert_eq!(json["provenance"]["source_path"], "<stdin>");
    // The default model is a base model: the reader is told it cannot translate.
    assert!(
        r.stderr
            .contains("gemma-3-270m is a base model and cannot translate"),
        "{}",
        r.stderr
    );
    assert_eq!(json["provenance"]["model_sha256"], MODEL_SHA256);
    let report = &json["report"];
    assert!(
        report["findings"].is_array(),
        "report with findings: {report}"
    );

    // Every text field is French.
    let mut texts: Vec<String> = vec![
        json["title"].as_str().unwrap().to_string(),
        json["meta_description"].as_str().unwrap().to_string(),
        json["lead"].as_str().unwrap_or_default().to_string(),
    ];
    for section in json["sections"].as_array().expect("sections") {
        texts.push(section["heading"].as_str().unwrap_or_default().to_string());
        for key in ["paragraphs", "bullets"] {
            for p in section[key].as_array().into_iter().flatten() {
                texts.push(p.as_str().unwrap().to_string());
            }
        }
    }
    let mut checked = 0;
    for text in &texts {
        if word_count(text) >= 12 {
            checked += 1;
            assert!(is_french(text), "not French: {text}");
        }
    }
    assert!(
        checked > 0,
        "some paragraph has 12 words or more: {texts:#?}"
    );

    // No number that the source does not have.
    let faith = &report["faithfulness"];
    assert!(faith.is_object(), "checked against the source: {report}");
    assert_eq!(
        faith["unknown_numbers"],
        Value::Array(vec![]),
        "numbers absent from the source: {faith}"
    );
    eprintln!(
        "library-opening: {} words, faithfulness {faith}",
        json["word_count"]
    );
}

/// A batch with no model named: the French article is written by the default model, the
/// English one by the installed instruct model (the default cannot translate), loaded once
/// after the French articles are done; stderr says which and why.
#[test]
fn a_batch_sends_what_is_not_french_to_the_instruct_model() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("marche.txt"),
        "Le marché de Valmorin accueillera quarante commerçants samedi matin, et la mairie prévoit \
         une navette gratuite pour les habitants des hameaux qui sont loin du centre. La navette \
         partira de la place de l’église toutes les heures.",
    )
    .unwrap();
    std::fs::write(
        inputs.join("pool.txt"),
        "The Castelbrune swimming pool will reopen on 12 May after six months of work, the town \
         council said on Tuesday. The work cost 2.4 million euros and was paid for by the town \
         and the region. The pool will be open every day from 7 a.m. to 9 p.m.",
    )
    .unwrap();
    let out = dir.path().join("out");
    let r = plume_rewrite(
        &[inputs.to_str().unwrap(), "--out", out.to_str().unwrap()],
        None,
        false,
    );
    eprintln!("{}", r.stderr);
    assert!(
        r.stderr.contains("pool.txt is not in French: gemma-3-270m, the default model, is a base model and cannot translate, so qwen2.5-coder-1.5b-instruct (installed) writes the French"),
        "{}",
        r.stderr
    );
    let model = |name: &str| {
        let md = std::fs::read_to_string(out.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", r.stderr));
        front_matter_value(&md, "model")
    };
    assert_eq!(model("marche.md").as_deref(), Some("gemma-3-270m"));
    assert_eq!(
        model("pool.md").as_deref(),
        Some("qwen2.5-coder-1.5b-instruct")
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// An instruction-tuned model (Qwen 2.5 Coder 1.5B Instruct, on our own forward pass) prompted
/// through the chat template its file carries: an English article comes out French, with the
/// model's own sentences, and nothing the source does not say. No model is named: the default
/// is a base model, which cannot translate, so plume takes the installed instruct model and
/// says so. (How much of the source it
/// keeps is measured by the quality harness, not asserted here: this model still loses
/// sentences whose every candidate fails the checks.) CI provisions the model
/// (`bash models/fetch.sh qwen2.5-coder-1.5b-instruct`).
#[test]
fn instruct_model_translates_through_its_chat_template() {
    let input = manifest_dir().join("tests/data/en-ferry-service.txt");
    let source = Source::from_path(&input).unwrap();
    let r = rewrite(&[input.to_str().unwrap()], None);
    let md = &r.stdout;
    eprintln!("{md}\n{}", r.stderr);
    assert!(
        r.stderr.contains("is not in French (en): gemma-3-270m, the default model, is a base model and cannot translate, so qwen2.5-coder-1.5b-instruct (installed) writes the French"),
        "{}",
        r.stderr
    );
    assert_eq!(
        front_matter_value(md, "model").as_deref(),
        Some("qwen2.5-coder-1.5b-instruct")
    );
    // The model wrote pieces of its own (the summary line counts them).
    let written: usize = r
        .stderr
        .split(" écrits par le modèle")
        .next()
        .and_then(|s| s.rsplit(' ').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the summary counts model-written pieces:\n{}", r.stderr));
    assert!(written >= 2, "{written} pieces written by the model");
    // No warning that a base model translated (the note above says why this one does).
    assert!(
        !r.stderr.contains("cannot translate: the checks"),
        "{}",
        r.stderr
    );
    // The body's paragraphs: after the front matter, not headings.
    let after_front = md.splitn(3, "---\n").nth(2).expect("a front matter");
    let body: Vec<&str> = after_front
        .lines()
        .filter(|l| !l.starts_with('#') && word_count(l) >= 8)
        .collect();
    assert!(!body.is_empty(), "paragraphs: {body:?}");
    for line in &body {
        assert!(is_french(line), "not French: {line}");
    }
    // « She added that… » comes out only with the sentence that names her (this model often
    // fails the quotation before it, and « Elle a ajouté » would then credit nobody).
    let text = body.join(" ");
    assert!(
        !text.contains("Elle a ajouté") || text.contains("Lennox"),
        "{text}"
    );
    let doc = plume::analysis::Document::parse(md).unwrap();
    let report = plume::analysis::analyze(
        &doc,
        &plume::analysis::CheckOptions {
            keyphrase: None,
            source: Some(source.full_text()),
            min_words: 0,
        },
    );
    let faith = report.faithfulness.expect("checked against the source");
    assert!(
        faith.details.unknown_numbers.is_empty() && faith.details.unknown_names.is_empty(),
        "{:?}",
        faith.details
    );
    assert_eq!(md.lines().filter(|l| l.starts_with("# ")).count(), 1);
    eprintln!(
        "ferry (qwen 1.5B): {} words of {}, entities kept {:?}, missing {:?}",
        report.word_count,
        source.word_count(),
        faith.details.kept_entities,
        faith.details.missing_entities
    );
}
