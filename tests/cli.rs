//! The `plume` binary itself: help and version, clean refusals of bad input (exit 2, the file
//! named on stderr, nothing written), `check` (exit status, JSON report, faithfulness, `--fix`),
//! and the model commands.
//!
//! Most tests need no model. `model verify`, `tokenize` and `generate` use the default model,
//! which CI provisions (`bash models/fetch.sh`); they fail, never skip, without it.
//! `generate` only produces a few tokens, so the whole file stays fast.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use assert_cmd::Command;
use plume::analysis::Document;
use serde_json::Value;

/// Commands that run the model are taken one at a time (the machine may have two cores).
fn model_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn plume() -> Command {
    let mut cmd = Command::cargo_bin("plume").expect("the plume binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.timeout(Duration::from_secs(600));
    cmd
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("plume runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The default model's file: present, or the test fails with the way to provision it.
fn default_model() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/gemma-3-270m-q4_k_m.gguf");
    assert!(
        path.is_file(),
        "the default model is missing at {}: run bash models/fetch.sh",
        path.display()
    );
    path
}

// ---------------------------------------------------------------------------------------------
// Help and version

#[test]
fn help_and_version() {
    let r = run(plume().arg("--help"));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    for sub in ["rewrite", "check", "generate", "tokenize", "bench", "model"] {
        assert!(r.stdout.contains(sub), "--help lists {sub}:\n{}", r.stdout);
    }

    let r = run(plume().arg("--version"));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout.trim(),
        format!("plume {}", env!("CARGO_PKG_VERSION"))
    );

    for args in [
        &["rewrite", "--help"][..],
        &["check", "--help"],
        &["generate", "--help"],
        &["tokenize", "--help"],
        &["bench", "--help"],
        &["model", "--help"],
        &["model", "list", "--help"],
        &["model", "pull", "--help"],
        &["model", "verify", "--help"],
    ] {
        let r = run(plume().args(args));
        assert_eq!(r.code, Some(0), "plume {args:?}: {}", r.stderr);
        assert!(r.stdout.contains("Usage"), "plume {args:?}:\n{}", r.stdout);
    }
    // A few options the README relies on are documented.
    let r = run(plume().args(["rewrite", "--help"]));
    for flag in [
        "--out",
        "--format",
        "--keyphrase",
        "--seed",
        "--quiet",
        "--model",
    ] {
        assert!(r.stdout.contains(flag), "rewrite --help lists {flag}");
    }
}

#[test]
fn unknown_subcommand_or_flag_is_a_usage_error() {
    let r = run(plume().arg("frobnicate"));
    assert_eq!(r.code, Some(2));
    assert!(r.stdout.is_empty());
    let r = run(plume().args(["rewrite", "--no-such-flag", "x.txt"]));
    assert_eq!(r.code, Some(2));
}

// ---------------------------------------------------------------------------------------------
// rewrite: bad inputs

/// Runs `plume rewrite` on `path` and checks a clean refusal that names it.
fn assert_refused(path: &Path, extra: &[&str], why: &str) -> Run {
    let r = run(plume().arg("rewrite").arg(path).args(extra));
    assert_eq!(
        r.code,
        Some(2),
        "{why}: exit status 2\nstdout: {}\nstderr: {}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr.contains(&path.display().to_string()),
        "{why}: stderr names {}:\n{}",
        path.display(),
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "{why}: nothing on stdout:\n{}",
        r.stdout
    );
    assert!(
        !r.stderr.contains("panicked"),
        "{why}: no panic:\n{}",
        r.stderr
    );
    r
}

fn bad_inputs(dir: &Path) -> Vec<(PathBuf, &'static str, &'static str)> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    vec![
        (dir.join("absent.txt"), "missing file", ""),
        (write("vide.txt", b""), "empty file", "empty"),
        (
            write("blanc.txt", b"  \n\t\r\n   \n"),
            "whitespace-only file",
            "blank",
        ),
        (
            write("binaire.txt", b"PK\x03\x04\x00\x00\x14\x00Le texte"),
            "binary file",
            "binary",
        ),
        (
            write(
                "latin1.txt",
                b"Le Caf\xE9 de la gare rouvre ses portes apr\xE8s des travaux.\n",
            ),
            "Latin-1 file",
            "UTF-8",
        ),
    ]
}

#[test]
fn rewrite_refuses_bad_input_naming_the_file() {
    let dir = tempdir();
    for (path, why, reason) in bad_inputs(dir.path()) {
        let r = assert_refused(&path, &[], why);
        assert!(
            r.stderr.contains(reason),
            "{why}: stderr says why ({reason:?}):\n{}",
            r.stderr
        );
    }
}

#[test]
fn rewrite_checks_the_input_before_the_model() {
    // With a model that does not exist, the input's error is the one reported: the input is
    // read and checked before any model is looked for.
    let dir = tempdir();
    for (path, why, _) in bad_inputs(dir.path()) {
        let r = assert_refused(&path, &["--model", "/nonexistent/plume-model.gguf"], why);
        assert!(
            !r.stderr.contains("plume-model.gguf"),
            "{why}: the input is checked first:\n{}",
            r.stderr
        );
    }
}

#[test]
fn rewrite_refuses_empty_stdin_naming_it() {
    for stdin in [&b""[..], b" \n \n"] {
        let r = run(plume().args(["rewrite", "-"]).write_stdin(stdin));
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("<stdin>"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn rewrite_leaves_an_existing_output_file_alone_on_bad_input() {
    let dir = tempdir();
    let out = dir.path().join("article.md");
    let old = "---\ntitle: \"Ancien article\"\n---\n# Ancien article\n\nÀ garder tel quel.\n";
    std::fs::write(&out, old).unwrap();
    for (path, why, _) in bad_inputs(dir.path()) {
        let r = assert_refused(&path, &["--out", out.to_str().unwrap()], why);
        assert_eq!(
            std::fs::read(&out).unwrap(),
            old.as_bytes(),
            "{why}: the existing output file is untouched; stderr: {}",
            r.stderr
        );
    }
    let r = run(plume()
        .args(["rewrite", "-", "--out", out.to_str().unwrap()])
        .write_stdin(""));
    assert_eq!(r.code, Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), old.as_bytes());
    // Nothing else appeared in the folder (no temporary file).
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "article.md",
            "binaire.txt",
            "blanc.txt",
            "latin1.txt",
            "vide.txt"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// rewrite: batches (what is refused before the model is looked for)

const NO_MODEL: &str = "/nonexistent/plume-model.gguf";

#[test]
fn several_articles_need_an_output_folder() {
    let r = run(plume().args([
        "rewrite",
        "examples/articles/ligne-ferroviaire.txt",
        "examples/articles/library-opening.md",
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--out FOLDER"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let r = run(plume().args([
        "rewrite",
        "-",
        "examples/articles/ligne-ferroviaire.txt",
        "--out",
        "/tmp/plume-never-used",
    ]));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("standard input"), "{}", r.stderr);
    assert!(!Path::new("/tmp/plume-never-used").exists());
}

#[test]
fn batch_options_are_refused_for_one_article() {
    for flag in ["--force", "--fail-fast"] {
        let r = run(plume().args(["rewrite", "examples/articles/ligne-ferroviaire.txt", flag]));
        assert_eq!(r.code, Some(2), "{flag}: {}", r.stderr);
        assert!(r.stderr.contains("batches"), "{flag}: {}", r.stderr);
    }
}

#[test]
fn an_output_folder_or_log_that_cannot_be_written_is_refused_before_the_model() {
    let dir = tempdir();
    let file = dir.path().join("un-fichier");
    std::fs::write(&file, "x").unwrap();
    let inputs = [
        "examples/articles/ligne-ferroviaire.txt",
        "examples/articles/library-opening.md",
    ];
    let out = file.join("sortie");
    let r = run(plume()
        .args([
            "rewrite",
            "--model",
            NO_MODEL,
            "--out",
            out.to_str().unwrap(),
        ])
        .args(inputs));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("un-fichier/sortie"), "{}", r.stderr);
    assert!(!r.stderr.contains("plume-model"), "{}", r.stderr);

    let out = dir.path().join("sortie");
    let log = file.join("journal.jsonl");
    let r = run(plume()
        .args([
            "rewrite",
            "--model",
            NO_MODEL,
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--log", log.to_str().unwrap()])
        .args(inputs));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("journal.jsonl"), "{}", r.stderr);
    assert!(!r.stderr.contains("plume-model"), "{}", r.stderr);
}

#[test]
fn a_batch_with_nothing_to_read_reports_each_input_and_exits_1() {
    let dir = tempdir();
    let empty = dir.path().join("dossier-vide");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("sortie");
    let log = dir.path().join("journal.jsonl");
    let r = run(plume()
        .args(["rewrite", "--model", NO_MODEL, "-q"])
        .args([
            "--out",
            out.to_str().unwrap(),
            "--log",
            log.to_str().unwrap(),
        ])
        .arg(&empty)
        .arg(dir.path().join("absent.txt")));
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("dossier-vide") && r.stderr.contains("absent.txt"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("0 done, 0 skipped, 2 failed"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("plume-model"),
        "the model is not needed: {}",
        r.stderr
    );
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines
        .iter()
        .all(|l| l["status"] == "failed" && l["error"].is_string()));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

// ---------------------------------------------------------------------------------------------
// check

const SUBJECTS: &[&str] = &[
    "les voisins du quartier",
    "les enfants de l’école primaire",
    "plusieurs retraités",
    "les commerçants du marché",
    "des familles récemment installées",
    "les bénévoles de l’association",
    "les élus du conseil de quartier",
    "les jardiniers amateurs",
    "quelques étudiants",
    "les habitants de la rue voisine",
    "des lycéens curieux",
];

const VERBS: &[&str] = &[
    "arrosent les tomates et les courgettes",
    "préparent des ateliers gratuits sur le compost",
    "partagent volontiers leurs conseils de plantation",
    "réparent les bacs abîmés par l’hiver",
    "organisent une petite fête pour goûter les récoltes",
    "notent leurs idées dans un cahier commun",
    "installent des nichoirs pour les mésanges",
    "cueillent les fraises avant les grosses chaleurs",
    "plantent des fleurs qui attirent les abeilles",
    "discutent des prochains aménagements",
];

const COMPLEMENTS: &[&str] = &[
    "chaque samedi matin",
    "pendant les vacances scolaires",
    "autour du jardin partagé",
    "près de la cabane en bois",
    "dès le retour du printemps",
    "sous le regard curieux des passants",
    "quand la météo le permet",
];

const OPENERS: &[&str] = &[
    "",
    "Ainsi, ",
    "Par ailleurs, ",
    "",
    "En effet, ",
    "De plus, ",
    "Cependant, ",
    "Enfin, ",
];

/// The `i`-th sentence: every index below 770 gives a different one.
fn sentence(i: usize) -> String {
    let opener = OPENERS[i % OPENERS.len()];
    let subject = SUBJECTS[i % SUBJECTS.len()];
    let text = format!(
        "{opener}{subject} {} {}.",
        VERBS[i % VERBS.len()],
        COMPLEMENTS[i % COMPLEMENTS.len()]
    );
    let mut chars = text.chars();
    let first = chars.next().unwrap();
    first.to_uppercase().chain(chars).collect()
}

/// A French article that follows the rules: front matter, one H1, four H2, about 900 words,
/// French typography (U+00A0 before the colon and inside « », U+202F before ? and !).
fn good_article(extra: &str) -> String {
    let mut md = String::from(
        "---\n\
         title: \"Jardin partagé\u{a0}: le quartier des Tilleuls cultive son avenir\"\n\
         meta_description: \"Le jardin partagé du quartier des Tilleuls réunit voisins, enfants et retraités autour des récoltes, des ateliers gratuits et d’une fête.\"\n\
         slug: \"jardin-partage-quartier-des-tilleuls\"\n\
         keyphrase: \"jardin partagé\"\n\
         ---\n\
         # Jardin partagé\u{a0}: le quartier des Tilleuls cultive son avenir\n\n\
         Le jardin partagé du quartier des Tilleuls attire chaque année de nouveaux habitants. \
         Pourquoi un tel succès\u{202f}? Une voisine parle d’un «\u{a0}lieu de rencontre\u{a0}» \
         où chacun trouve sa place.",
    );
    md.push_str(extra);
    md.push_str("\n\n");
    let headings = [
        "Le jardin partagé au fil des saisons",
        "Des ateliers pour apprendre ensemble",
        "Un jardin partagé ouvert à tous",
        "Les prochaines étapes du projet",
    ];
    let mut k = 0;
    for h in headings {
        md.push_str(&format!("## {h}\n\n"));
        for _ in 0..3 {
            let para: Vec<String> = (k..k + 5).map(sentence).collect();
            k += 5;
            md.push_str(&para.join(" "));
            md.push_str("\n\n");
        }
    }
    md.push_str("Les curieux sont les bienvenus\u{202f}!\n");
    md
}

fn check_json(path: &Path, extra: &[&str]) -> (Run, Value) {
    let r = run(plume()
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .args(extra));
    let json: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("check --format json prints JSON ({e}):\n{}", r.stdout));
    (r, json)
}

fn problems(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "good")
        .map(|f| format!("{} ({}): {}", f["id"], f["severity"], f["message"]))
        .collect()
}

#[test]
fn check_reports_on_a_good_article() {
    let dir = tempdir();
    let path = dir.path().join("jardin.md");
    let md = good_article("");
    std::fs::write(&path, &md).unwrap();
    let words = plume::analysis::text::word_count(&md);
    assert!(words >= 800, "the test article has {words} words");

    let (r, json) = check_json(&path, &[]);
    let ready = json["ready"].as_bool().expect("ready is a boolean");
    assert_eq!(
        r.code,
        Some(if ready { 0 } else { 1 }),
        "exit status follows `ready`; problems: {:#?}\n{}",
        problems(&json),
        r.stderr
    );
    assert!(
        ready,
        "a well-formed article is ready; problems: {:#?}",
        problems(&json)
    );
    for key in [
        "findings",
        "seo_score",
        "readability_score",
        "word_count",
        "ready",
        "faithfulness",
    ] {
        assert!(json.get(key).is_some(), "the report has `{key}`");
    }
    assert!(
        json["faithfulness"].is_null(),
        "no source, no faithfulness verdict"
    );
    for key in ["seo_score", "readability_score"] {
        let score = json[key].as_u64().unwrap();
        assert!(score <= 100, "{key} = {score}");
    }
    assert!(json["word_count"].as_u64().unwrap() >= 700);
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() > 10, "{} findings", findings.len());
    for f in findings {
        for key in ["id", "area", "severity", "score", "message", "span", "fix"] {
            assert!(f.get(key).is_some(), "finding without `{key}`: {f}");
        }
        assert!(f["id"].is_string() && f["message"].is_string(), "{f}");
        assert!(
            ["good", "improve", "problem"].contains(&f["severity"].as_str().unwrap()),
            "{f}"
        );
    }
    // The file is read, never written.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), md);

    // The text report exits the same way.
    let r = run(plume().arg("check").arg(&path));
    assert_eq!(r.code, Some(if ready { 0 } else { 1 }), "{}", r.stderr);
    assert!(!r.stdout.trim().is_empty());
}

#[test]
fn check_flags_a_bad_article_with_exit_1() {
    let dir = tempdir();
    let path = dir.path().join("court.md");
    std::fs::write(
        &path,
        "# Titre\n\nUn texte bien trop court pour l'article.\n",
    )
    .unwrap();
    let (r, json) = check_json(&path, &[]);
    assert_eq!(json["ready"], false);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
}

#[test]
fn check_a_missing_file_exits_2_naming_it() {
    let dir = tempdir();
    let path = dir.path().join("introuvable.md");
    for extra in [&[][..], &["--format", "json"], &["--fix"]] {
        let r = run(plume().arg("check").arg(&path).args(extra));
        assert_eq!(r.code, Some(2), "check {extra:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&path.display().to_string()),
            "check {extra:?} names the file:\n{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
        assert!(!path.exists(), "check {extra:?} created the file");
    }
    // A missing source is an error too.
    let article = dir.path().join("jardin.md");
    std::fs::write(&article, good_article("")).unwrap();
    let source = dir.path().join("source-absente.txt");
    let r = run(plume()
        .arg("check")
        .arg(&article)
        .arg("--source")
        .arg(&source));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("source-absente.txt"), "{}", r.stderr);
}

/// An article whose front matter is never closed is refused with the file's name and the
/// reason, not as an « invalid setting ».
#[test]
fn check_an_unclosed_front_matter_names_the_file_and_the_problem() {
    let dir = tempdir();
    let article = dir.path().join("brouillon.md");
    std::fs::write(
        &article,
        "---\ntitle: \"Un titre\"\n\n# Un titre\n\nUn texte.\n",
    )
    .unwrap();
    let r = run(plume().arg("check").arg(&article));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("brouillon.md"), "{}", r.stderr);
    assert!(r.stderr.contains("never closed"), "{}", r.stderr);
    assert!(!r.stderr.contains("invalid setting"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn check_with_source_flags_an_invented_name() {
    let dir = tempdir();
    let source = dir.path().join("source.txt");
    std::fs::write(
        &source,
        "Le jardin partagé du quartier des Tilleuls attire de nouveaux habitants.\n\n\
         Les voisins, les enfants de l’école primaire et plusieurs retraités y arrosent les \
         tomates et les courgettes chaque samedi matin. Les bénévoles de l’association préparent \
         des ateliers gratuits sur le compost et organisent une petite fête pour goûter les \
         récoltes. Une voisine parle d’un « lieu de rencontre » où chacun trouve sa place.\n",
    )
    .unwrap();

    // Faithful: the verdict is there and says so.
    let faithful = dir.path().join("fidele.md");
    std::fs::write(&faithful, good_article("")).unwrap();
    let (r, json) = check_json(&faithful, &["--source", source.to_str().unwrap()]);
    let faith = &json["faithfulness"];
    assert!(faith.is_object(), "faithfulness with --source: {json}");
    for key in [
        "faithful",
        "unknown_names",
        "unknown_numbers",
        "broken_quotes",
        "kept_entities",
        "missing_entities",
    ] {
        assert!(
            faith.get(key).is_some(),
            "faithfulness has `{key}`: {faith}"
        );
    }
    assert!(
        faith["unknown_names"].as_array().unwrap().is_empty(),
        "{faith}"
    );
    assert_eq!(faith["faithful"], true, "{faith}");
    assert_eq!(
        r.code,
        Some(if json["ready"] == true { 0 } else { 1 }),
        "{}",
        r.stderr
    );

    // An invented name is flagged, and the article is not ready.
    let invented = dir.path().join("invente.md");
    std::fs::write(
        &invented,
        good_article(" Selon Bernard Tapie, le projet a séduit tout le quartier."),
    )
    .unwrap();
    let (r, json) = check_json(&invented, &["--source", source.to_str().unwrap()]);
    let faith = &json["faithfulness"];
    let names: Vec<&str> = faith["unknown_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("Bernard Tapie")),
        "the invented name is flagged: {faith}"
    );
    assert_eq!(faith["faithful"], false, "{faith}");
    assert_eq!(json["ready"], false);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // The text report names it as well.
    let r = run(plume()
        .arg("check")
        .arg(&invented)
        .arg("--source")
        .arg(&source));
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("Bernard Tapie"), "{}", r.stdout);
}

#[test]
fn check_fix_rewrites_typography_once() {
    let dir = tempdir();
    let path = dir.path().join("brouillon.md");
    let text = "---\n\
                title: \"L'été au jardin\"\n\
                slug: \"ete-au-jardin\"\n\
                keyphrase: \"jardin\"\n\
                ---\n\
                # L'été au jardin\n\n\
                Le maire l'a dit : \"c'est un beau projet\". Qui l'eût cru ? Personne !\n\n\
                ## Les récoltes\n\n\
                Aujourd'hui, les tomates sont mûres et l'équipe est ravie.\n";
    std::fs::write(&path, text).unwrap();

    let r = run(plume().arg("check").arg(&path).arg("--fix"));
    assert!(
        matches!(r.code, Some(0 | 1)),
        "check --fix runs: {}",
        r.stderr
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_ne!(fixed, text, "the file was rewritten");
    assert!(fixed.contains('’'), "apostrophes fixed:\n{fixed}");
    assert!(
        !fixed.contains("l'a") && !fixed.contains("Aujourd'hui"),
        "{fixed}"
    );
    assert!(
        fixed.contains('«') && fixed.contains('»'),
        "quotes fixed:\n{fixed}"
    );
    assert!(
        !fixed.contains("\"c'est") && !fixed.contains("\"c’est"),
        "{fixed}"
    );
    assert!(
        fixed.contains("\u{a0}:") || fixed.contains("\u{202f}:"),
        "a no-break space before the colon:\n{fixed}"
    );
    assert!(
        fixed.contains("\u{202f}?") || fixed.contains("\u{a0}?"),
        "a no-break space before the question mark:\n{fixed}"
    );
    assert!(
        r.stderr.contains("plume: fixed"),
        "each change is reported on stderr:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("brouillon.md"),
        "stderr names the file:\n{}",
        r.stderr
    );
    // The front matter is still front matter, its non-prose values untouched.
    let doc = Document::parse(&fixed).unwrap();
    assert_eq!(doc.front.slug.as_deref(), Some("ete-au-jardin"));
    assert_eq!(doc.front.keyphrase.as_deref(), Some("jardin"));
    assert_eq!(doc.front.title.as_deref(), Some("L’été au jardin"));
    assert!(fixed.starts_with("---\ntitle: \""), "{fixed}");

    // Idempotent: a second run changes nothing and says so.
    let r2 = run(plume().arg("check").arg(&path).arg("--fix"));
    assert_eq!(r2.code, r.code, "{}", r2.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), fixed);
    assert!(
        !r2.stderr.contains("plume: fixed"),
        "second run changed something:\n{}",
        r2.stderr
    );
    assert!(r2.stderr.contains("0 typography fixes"), "{}", r2.stderr);
    // No temporary file left behind.
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
}

// ---------------------------------------------------------------------------------------------
// model, tokenize, generate

fn catalog_ids() -> Vec<String> {
    plume::model::source::Catalog::builtin()
        .models
        .iter()
        .map(|m| m.id.clone())
        .collect()
}

#[test]
fn model_list_shows_the_default() {
    let r = run(plume().args(["model", "list"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("gemma-3-270m"))
        .unwrap_or_else(|| panic!("gemma-3-270m listed:\n{}", r.stdout));
    assert!(line.starts_with("gemma-3-270m (default)"), "{line}");
    assert_eq!(
        r.stdout.matches("(default)").count(),
        1,
        "one default:\n{}",
        r.stdout
    );
    for id in catalog_ids() {
        assert!(r.stdout.contains(&id), "{id} listed:\n{}", r.stdout);
    }
}

#[test]
fn model_verify_the_default_model() {
    let path = default_model();
    let _lock = model_lock();
    let r = run(plume().args(["model", "verify"]));
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("ok"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"),
        "{}",
        r.stdout
    );
    // Also by path.
    let r = run(plume().args(["model", "verify"]).arg(&path));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.starts_with("ok"), "{}", r.stdout);
}

#[test]
fn model_pull_offline_only_looks_in_the_cache() {
    // An empty cache: a clear refusal, at once, without the network.
    let home = tempdir();
    let r = run(plume()
        .args(["model", "pull", "gemma-3-270m"])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", home.path()));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("HF_HUB_OFFLINE"), "{}", r.stderr);
    assert!(
        r.stderr.contains("unsloth/gemma-3-270m-GGUF"),
        "{}",
        r.stderr
    );

    // The model in hf-hub's cache layout: pull gives its path, checked.
    let snapshot = home
        .path()
        .join("hub/models--unsloth--gemma-3-270m-GGUF/snapshots/0123abcd");
    let refs = home
        .path()
        .join("hub/models--unsloth--gemma-3-270m-GGUF/refs");
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(refs.join("main"), "0123abcd").unwrap();
    let cached = snapshot.join("gemma-3-270m-Q4_K_M.gguf");
    std::os::unix::fs::symlink(default_model(), &cached).unwrap();
    let r = run(plume()
        .args(["model", "pull", "gemma-3-270m"])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", home.path()));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout.trim(), cached.display().to_string());
}

#[test]
fn model_verify_a_missing_file_exits_2_naming_it() {
    let r = run(plume().args(["model", "verify", "/some/missing.gguf"]));
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.contains("/some/missing.gguf"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn generate_with_a_missing_model_exits_2_naming_it() {
    let r = run(plume().args(["generate", "--model", "/nonexistent.gguf", "x"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("/nonexistent.gguf"), "{}", r.stderr);
    assert!(r.stdout.is_empty());

    let r = run(plume().args(["generate", "--model", "no-such-id", "x"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no-such-id"), "{}", r.stderr);
    for id in catalog_ids() {
        assert!(
            r.stderr.contains(&id),
            "the catalog id {id} is listed:\n{}",
            r.stderr
        );
    }
    assert!(r.stdout.is_empty());
}

fn tokenize(args: &[&str]) -> Vec<u64> {
    let r = run(plume().arg("tokenize").args(args).arg("--json"));
    assert_eq!(r.code, Some(0), "tokenize {args:?}: {}", r.stderr);
    let ids: Vec<u64> = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("tokenize --json prints an array of ids ({e}): {}", r.stdout));
    ids
}

#[test]
fn tokenize_prints_ids() {
    default_model();
    let ids = tokenize(&["Bonjour le monde"]);
    assert!(ids.len() >= 3, "{ids:?}");
    assert_eq!(ids[0], 2, "BOS first: {ids:?}");

    let special = tokenize(&["<start_of_turn>user", "--parse-special"]);
    assert!(
        special.contains(&105),
        "<start_of_turn> is id 105: {special:?}"
    );
    let plain = tokenize(&["<start_of_turn>user"]);
    assert!(
        !plain.contains(&105),
        "without --parse-special the marker is plain text: {plain:?}"
    );
    assert!(plain.len() > special.len());

    // The plain form is the same ids, space separated.
    let r = run(plume().args(["tokenize", "Bonjour le monde"]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let spaced: Vec<u64> = r
        .stdout
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    assert_eq!(spaced, ids);
}

fn generate(args: &[&str]) -> Run {
    let r = run(plume()
        .args(["generate", "La capitale de la France est", "-n", "8"])
        .args(args));
    assert_eq!(r.code, Some(0), "generate {args:?}: {}", r.stderr);
    assert!(
        !r.stdout.trim().is_empty(),
        "generate {args:?} prints text:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("tokens/s"),
        "generate {args:?} reports its speed:\n{}",
        r.stderr
    );
    r
}

#[test]
fn generate_is_deterministic() {
    default_model();
    let _lock = model_lock();
    let a = generate(&["--temp", "0"]);
    let b = generate(&["--temp", "0"]);
    assert_eq!(a.stdout, b.stdout, "greedy generation is deterministic");

    let c = generate(&["--seed", "1", "--temp", "0.9"]);
    let d = generate(&["--seed", "1", "--temp", "0.9"]);
    assert_eq!(c.stdout, d.stdout, "same seed, same text");
}

#[test]
fn generate_rejects_out_of_range_sampling() {
    default_model();
    let _lock = model_lock();
    let r = run(plume().args(["generate", "x", "-n", "1", "--top-p", "0"]));
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--top-p"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}
