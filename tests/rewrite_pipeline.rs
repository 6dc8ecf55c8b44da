//! The rewrite pipeline with fake text generators, no model: whatever the "model" writes —
//! faithful echoes, invented names and numbers, loops, English — the article meets every rule.

mod common {
    pub mod files;
    pub mod rules;
}

use std::path::{Path, PathBuf};

use common::files::sorted_names;
use common::rules::assert_rules;
use plume::analysis::text::word_count;
use plume::article;
use plume::generate::{
    Generation, GenerationSettings, Prompt, SamplingSettings, StopReason, TextGenerator,
};
use plume::model::source::PromptStyle;
use plume::progress::Silent;
use plume::rewrite::{self, RewriteOptions};
use plume::source::Source;

/// How the fake behaves.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Returns the input unchanged (a perfect, if lazy, model).
    Echo,
    /// Adds an invented person and number.
    Inventor,
    /// Repeats a phrase over and over.
    Looper,
    /// Answers in English.
    English,
}

struct Fake {
    behaviour: Behaviour,
    calls: usize,
}

/// The text the frame asks about: what follows the last "Label : " before the final line.
fn asked(prompt: &Prompt) -> String {
    let text = prompt.text();
    let body = text
        .trim_end()
        .rsplit_once('\n')
        .map(|(b, _)| b)
        .unwrap_or(&text);
    let last = body.rsplit('\n').next().unwrap_or(body);
    last.split_once(" : ")
        .map(|(_, t)| t.to_string())
        .unwrap_or_default()
}

/// A fake's answer: `text`, stopped on a stop string, with made-up costs.
fn answer(text: String) -> Generation {
    Generation {
        text,
        stop_reason: StopReason::StopString,
        prompt_tokens: 10,
        prompt_tokens_processed: 10,
        generated_tokens: 10,
        mean_logprob: Some(-1.0),
        prompt_seconds: 0.001,
        generation_seconds: 0.001,
    }
}

impl TextGenerator for Fake {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        self.calls += 1;
        let input = asked(prompt);
        let text = match self.behaviour {
            Behaviour::Echo => input,
            Behaviour::Inventor => {
                format!("{input} Selon Donald Trump, 4 812 personnes étaient présentes.")
            }
            Behaviour::Looper => "la ville la ville la ville la ville la ville".repeat(3),
            Behaviour::English => {
                "The council said on Monday that the works would take several months to complete."
                    .into()
            }
        };
        let text = match settings
            .stop
            .iter()
            .filter_map(|s| text.find(s.as_str()))
            .min()
        {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        on_text(&text);
        Ok(answer(text))
    }

    fn name(&self) -> String {
        format!("fake-{:?}", self.behaviour)
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/articles")
        .join(name)
}

fn options(min_words: usize) -> RewriteOptions {
    RewriteOptions {
        keyphrase: None,
        min_words,
        attempts: 2,
        min_logprob: f32::NEG_INFINITY,
        sampling: SamplingSettings::default(),
        prompt_style: PromptStyle::Base,
        architecture: "gemma3".into(),
        model_sha256: "0".repeat(64),
        full_vocabulary: false,
        parallel: 1,
    }
}

/// The rewrite of `text`, read as a file named `name`, by a fake model that behaves so
/// (700 words asked), and the source read.
fn rewrite_text(text: &str, name: &str, behaviour: Behaviour) -> (rewrite::Outcome, Source) {
    let source = Source::from_bytes(text.as_bytes(), Path::new(name), None).unwrap();
    let mut fake = Fake {
        behaviour,
        calls: 0,
    };
    let outcome = rewrite::rewrite(&source, &mut fake, &options(700), &Silent)
        .unwrap_or_else(|e| panic!("{e}"));
    (outcome, source)
}

fn run(path: &Path, behaviour: Behaviour, min_words: usize) -> (rewrite::Outcome, String, Source) {
    let source = Source::from_path(path).unwrap();
    let mut fake = Fake {
        behaviour,
        calls: 0,
    };
    let outcome = rewrite::rewrite(&source, &mut fake, &options(min_words), &Silent).unwrap();
    assert!(fake.calls > 0, "the model was asked");
    let markdown = article::render_markdown(&outcome.article);
    (outcome, markdown, source)
}

#[test]
fn faithful_model_gives_an_article_that_meets_every_rule() {
    let path = example("ligne-ferroviaire.txt");
    let (outcome, markdown, source) = run(&path, Behaviour::Echo, 700);
    assert_rules(&markdown, &source, 700);
    assert!(outcome.stats.requested > 5);
}

/// The JSON's `word_count` (the article's) and its report's (counted on the Markdown read back
/// as `plume check` reads it) are one count.
#[test]
fn the_json_word_count_is_the_reports() {
    for behaviour in [Behaviour::Echo, Behaviour::Inventor] {
        let (outcome, _, _) = run(&example("ligne-ferroviaire.txt"), behaviour, 700);
        let json: serde_json::Value =
            serde_json::from_str(&outcome.render(article::OutputFormat::Json).unwrap()).unwrap();
        assert!(json["word_count"].as_u64().unwrap() > 100);
        assert_eq!(json["word_count"], json["report"]["word_count"]);
        assert_eq!(
            json["word_count"].as_u64().unwrap() as usize,
            outcome.report.word_count
        );
    }
}

#[test]
fn inventing_looping_or_english_model_still_gives_a_faithful_french_article() {
    let path = example("ligne-ferroviaire.txt");
    for behaviour in [Behaviour::Inventor, Behaviour::Looper, Behaviour::English] {
        let (outcome, markdown, source) = run(&path, behaviour, 700);
        assert!(
            !markdown.contains("Donald Trump") && !markdown.contains("4 812"),
            "{behaviour:?} leaked an invented fact"
        );
        assert!(
            !markdown.contains("The council"),
            "{behaviour:?} leaked English"
        );
        assert!(
            !markdown.contains("la ville la ville"),
            "{behaviour:?} leaked a loop"
        );
        assert_eq!(
            outcome.stats.accepted, 0,
            "{behaviour:?}: nothing it wrote passes the check"
        );
        assert!(!outcome.article.provenance.generated);
        assert_rules(&markdown, &source, 700);
    }
}

#[test]
fn the_seed_article_meets_every_rule_with_a_faithful_model() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/article.txt");
    let (_, markdown, source) = run(&path, Behaviour::Echo, 700);
    assert_rules(&markdown, &source, 700);
}

#[test]
fn foreign_source_never_lets_a_foreign_sentence_through() {
    // An English source and a model that answers in English: nothing English may reach the
    // article. Here nothing passes, so there is no article, and the error says why.
    let path = example("library-opening.md");
    let source = Source::from_path(&path).unwrap();
    let mut fake = Fake {
        behaviour: Behaviour::English,
        calls: 0,
    };
    let err = rewrite::rewrite(&source, &mut fake, &options(700), &Silent)
        .unwrap_err()
        .to_string();
    assert!(fake.calls > 3);
    assert!(err.contains("library-opening.md"), "{err}");
    assert!(err.contains("nothing faithful"), "{err}");
}

#[test]
fn same_seed_same_bytes() {
    let path = example("ligne-ferroviaire.txt");
    let (_, a, _) = run(&path, Behaviour::Echo, 700);
    let (_, b, _) = run(&path, Behaviour::Echo, 700);
    assert_eq!(a, b);
}

#[test]
fn keyphrase_option_is_used_everywhere_it_should_be() {
    let source = Source::from_path(&example("ligne-ferroviaire.txt")).unwrap();
    let mut fake = Fake {
        behaviour: Behaviour::Echo,
        calls: 0,
    };
    let opts = RewriteOptions {
        keyphrase: Some("ligne ferroviaire".into()),
        ..options(700)
    };
    let outcome = rewrite::rewrite(&source, &mut fake, &opts, &Silent).unwrap();
    let a = &outcome.article;
    assert_eq!(a.keyphrase, "ligne ferroviaire");
    assert!(a.slug.contains("ligne-ferroviaire"), "{}", a.slug);
    assert!(
        a.title.to_lowercase().contains("ligne ferroviaire"),
        "{}",
        a.title
    );
    assert!(
        a.meta_description
            .to_lowercase()
            .contains("ligne ferroviaire"),
        "{}",
        a.meta_description
    );
}

/// A French article of about `words` words, with distinct sentences: no two share more than
/// two of their four varying parts (besides « le dossier numéro N »), so none says again what
/// another says.
fn long_french_article(words: usize) -> String {
    const SUBJECTS: [&str; 11] = [
        "Le conseil municipal",
        "La commission des finances",
        "Le maire adjoint",
        "Un groupe de riverains",
        "La préfecture",
        "Le bureau d’études",
        "Une association de quartier",
        "Le syndicat des transports",
        "La direction des travaux",
        "Un collectif d’usagers",
        "Le service juridique",
    ];
    const VERBS: [&str; 13] = [
        "examine",
        "étudie",
        "conteste",
        "approuve",
        "reporte",
        "présente",
        "complète",
        "publie",
        "signe",
        "défend",
        "résume",
        "commente",
        "critique",
    ];
    const PLACES: [&str; 17] = [
        "à la mairie",
        "dans la salle des fêtes",
        "au centre social",
        "à la médiathèque",
        "dans le gymnase",
        "à la gare",
        "au lycée",
        "à la maison des associations",
        "dans la salle du conseil",
        "au marché couvert",
        "à la caserne",
        "au musée",
        "à la piscine",
        "au stade",
        "dans la cour de l’école",
        "à la bibliothèque",
        "au théâtre",
    ];
    const TIMES: [&str; 19] = [
        "lundi matin",
        "mardi soir",
        "mercredi midi",
        "jeudi après-midi",
        "vendredi soir",
        "samedi matin",
        "dimanche midi",
        "en début de semaine",
        "en fin de semaine",
        "avant les vacances",
        "après les vacances",
        "au printemps",
        "en été",
        "à l’automne",
        "en hiver",
        "au début du mois",
        "à la fin du mois",
        "dès l’aube",
        "tard le soir",
    ];
    let mut text = String::from("Le chantier de la gare de Valmorin\n\n");
    let mut count = word_count(&text);
    let mut n = 0;
    // A margin: the source reader counts a little differently (its headline aside).
    while count < words + words / 10 {
        n += 1;
        let sentence = format!(
            "{} {} le dossier numéro {n} {} {}. ",
            SUBJECTS[n % 11],
            VERBS[n % 13],
            PLACES[n % 17],
            TIMES[n % 19]
        );
        count += word_count(&sentence);
        text.push_str(&sentence);
        if n % 4 == 0 {
            text.push_str("\n\n");
        }
    }
    text
}

/// A fake that echoes and remembers the longest piece it was asked about.
struct Measuring {
    inner: Fake,
    longest_input: usize,
}

impl TextGenerator for Measuring {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        self.longest_input = self.longest_input.max(word_count(&asked(prompt)));
        self.inner.generate(prompt, settings, on_text)
    }

    fn name(&self) -> String {
        self.inner.name()
    }
}

/// Records what the rewrite lets the model write beside its restricted vocabulary.
struct Allowing {
    inner: Fake,
    allowed: Vec<String>,
}

impl TextGenerator for Allowing {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        self.inner.generate(prompt, settings, on_text)
    }

    fn name(&self) -> String {
        self.inner.name()
    }

    fn allow_words(&mut self, text: &str) -> plume::Result<()> {
        self.allowed.push(text.to_string());
        Ok(())
    }
}

#[test]
fn the_model_may_write_a_french_sources_words_and_only_the_names_of_another() {
    let allowed = |text: &str, name: &str| {
        let source = Source::from_bytes(text.as_bytes(), Path::new(name), None).unwrap();
        let mut fake = Allowing {
            inner: Fake {
                behaviour: Behaviour::Echo,
                calls: 0,
            },
            allowed: Vec::new(),
        };
        // An English source echoed has nothing faithful to publish: only what was let in
        // matters here.
        let _ = rewrite::rewrite(&source, &mut fake, &options(700), &Silent);
        assert_eq!(fake.allowed.len(), 1, "{name}: once per article");
        fake.allowed.remove(0)
    };
    let french = std::fs::read_to_string(example("ligne-ferroviaire.txt")).unwrap();
    let words = allowed(&french, "ligne.txt");
    for word in ["Valmorin", "Castelbrune", "voyageurs", "interruption"] {
        assert!(words.contains(word), "{word}");
    }
    let english = "The harbour master of Harrowmouth, Priya Danforth, said on Monday that the \
        strike at the container quay would end on Thursday.\n\nShipping lines have diverted \
        nine vessels to Saltmere, according to the port authority.";
    let words = allowed(english, "port.txt");
    for name in ["Harrowmouth", "Priya Danforth", "Saltmere"] {
        assert!(words.contains(name), "{name} in {words:?}");
    }
    for word in ["strike", "quay", "vessels", "harbour"] {
        assert!(!words.contains(word), "{word} in {words:?}");
    }
}

#[test]
fn an_article_of_twenty_thousand_words_is_processed_in_bounded_pieces() {
    let text = long_french_article(20_000);
    let source = Source::from_bytes(text.as_bytes(), Path::new("long.txt"), None).unwrap();
    assert!(source.word_count() >= 20_000);
    let mut fake = Measuring {
        inner: Fake {
            behaviour: Behaviour::Echo,
            calls: 0,
        },
        longest_input: 0,
    };
    let outcome = rewrite::rewrite(&source, &mut fake, &options(700), &Silent).unwrap();
    assert!(fake.inner.calls > 1000, "{} calls", fake.inner.calls);
    assert!(
        fake.longest_input <= 200,
        "a piece of {} words was given to the model",
        fake.longest_input
    );
    let markdown = article::render_markdown(&outcome.article);
    assert!(
        outcome.report.word_count >= 15_000,
        "{}",
        outcome.report.word_count
    );
    assert!(
        markdown.contains("dossier numéro 321 "),
        "{}",
        &markdown[..2000]
    );
    assert_rules(&markdown, &source, 700);
}

#[test]
fn a_sentence_too_long_for_the_model_is_kept_from_the_source_without_asking() {
    // 1,000 items without a full stop: no prompt may carry them.
    let words: Vec<String> = (0..1000).map(|i| format!("la rue du Moulin {i}")).collect();
    let text = format!(
        "Le conseil a publié la liste suivante : {}.\n\nLe maire a commenté la liste en séance publique.",
        words.join(", ")
    );
    let source = Source::from_bytes(text.as_bytes(), Path::new("liste.txt"), None).unwrap();
    let mut fake = Measuring {
        inner: Fake {
            behaviour: Behaviour::Echo,
            calls: 0,
        },
        longest_input: 0,
    };
    let outcome = rewrite::rewrite(&source, &mut fake, &options(700), &Silent).unwrap();
    assert!(fake.longest_input <= 200, "{}", fake.longest_input);
    let markdown = article::render_markdown(&outcome.article);
    assert!(
        markdown.contains("la rue du Moulin 999"),
        "{}",
        &markdown[..3000.min(markdown.len())]
    );
    assert!(outcome
        .stats
        .rejections
        .get("too long for the model")
        .is_some_and(|&n| n >= 1));
}

/// The paragraphs of an article's body: the lead, then every section's.
fn body_paragraphs(article: &article::Article) -> Vec<&str> {
    std::iter::once(article.lead.as_str())
        .chain(
            article
                .sections
                .iter()
                .flat_map(|s| s.paragraphs.iter().map(String::as_str)),
        )
        .collect()
}

#[test]
fn a_single_line_of_any_shape_gives_paragraphs_of_at_most_150_words_each_said_once() {
    // One line of 20,000 words (issue 19 had 5 MB): plain sentences; the same with a quotation
    // opened and never closed, which makes the rest one "sentence"; and without any sentence end.
    let line = long_french_article(20_000).replace("\n\n", " ").replacen(
        "Le chantier de la gare de Valmorin ",
        "",
        1,
    );
    let variants = [
        ("sentences", line.clone()),
        (
            "unclosed quotation",
            format!("Le maire a dit « oui. {line}"),
        ),
        ("no sentence end", line.replace(". ", ", ")),
    ];
    for (name, text) in variants {
        let (outcome, source) = rewrite_text(&text, "ligne.txt", Behaviour::Echo);
        let paragraphs = body_paragraphs(&outcome.article);
        for p in &paragraphs {
            assert!(
                word_count(p) <= 150,
                "{name}: a paragraph of {} words: {}…",
                word_count(p),
                p.chars().take(200).collect::<String>()
            );
        }
        // Each source sentence once: « le dossier numéro N » is in one paragraph, once.
        let body = paragraphs.join(" ");
        let mut seen = std::collections::HashMap::new();
        for (i, _) in body.match_indices("dossier numéro ") {
            let n: String = body[i + "dossier numéro ".len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            *seen.entry(n).or_insert(0) += 1;
        }
        let twice: Vec<_> = seen.iter().filter(|(_, &count)| count > 1).collect();
        assert!(twice.is_empty(), "{name}: said twice: {twice:?}");
        let source_words = source.word_count();
        let body_words = word_count(&body);
        assert!(
            body_words <= source_words && body_words * 100 >= source_words * 95,
            "{name}: {body_words} words in the body for {source_words} in the source"
        );
    }
}

/// An echoing fake with a context of `context` tokens that, like the real model, fails on a
/// prompt that does not fit with its answer (it counts a byte as a token: a real tokenizer
/// makes no more tokens than bytes).
struct SmallContext {
    inner: Fake,
    context: usize,
    longest_prompt: usize,
}

impl SmallContext {
    fn new(context: usize) -> Self {
        SmallContext {
            inner: Fake {
                behaviour: Behaviour::Echo,
                calls: 0,
            },
            context,
            longest_prompt: 0,
        }
    }
}

impl TextGenerator for SmallContext {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        let tokens = prompt.text().len();
        self.longest_prompt = self.longest_prompt.max(tokens);
        if tokens + settings.max_tokens > self.context {
            return Err(plume::Error::Invalid(format!(
                "the prompt has {tokens} tokens and asks for {} more, more than the {} this \
                 model instance supports",
                settings.max_tokens, self.context
            )));
        }
        self.inner.generate(prompt, settings, on_text)
    }

    fn name(&self) -> String {
        self.inner.name()
    }

    fn context_tokens(&self) -> Option<usize> {
        Some(self.context)
    }
}

#[test]
fn a_token_run_too_long_for_the_model_is_kept_from_the_source_and_never_sent() {
    // A base64 blob of 150,000 characters is one "word" of some 80,000 tokens; 50,000 `*_`
    // never closed and 100,000 `[` in Markdown are the same: one run without a space.
    let mut state: u64 = 7;
    let blob: String = (0..150_000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                [(state >> 58) as usize] as char
        })
        .collect();
    let before = "Le maire de Valmorin a présenté le budget de la commune lundi soir.";
    let after = "Les travaux de la nouvelle école commenceront au mois de mars.";
    let cases = [
        (
            "blob.txt",
            format!(
                "{before} La pièce jointe contient la clé {blob} transmise par la mairie. {after}"
            ),
        ),
        (
            "emphase.md",
            format!(
                "{before} Le courrier portait la mention {}. {after}",
                "*_".repeat(50_000)
            ),
        ),
        (
            "crochets.md",
            format!(
                "{before} Le courrier portait la mention {}. {after}",
                "[".repeat(100_000)
            ),
        ),
    ];
    for (name, text) in cases {
        let source = Source::from_bytes(text.as_bytes(), Path::new(name), None).unwrap();
        // The run as the reader gives it (Markdown reads some of the `*_` as emphasis).
        let source_text = source.text();
        let run = source_text
            .split_whitespace()
            .max_by_key(|t| t.len())
            .unwrap()
            .trim_end_matches('.');
        assert!(run.len() > 30_000, "{name}: {}", run.len());
        let mut fake = SmallContext::new(8192);
        let outcome = rewrite::rewrite(&source, &mut fake, &options(700), &Silent)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            fake.longest_prompt < 8192,
            "{name}: {}",
            fake.longest_prompt
        );
        let body = body_paragraphs(&outcome.article).join(" ");
        for kept in [before, after] {
            assert!(
                body.contains(kept),
                "{name}: {kept:?} is not in {body:.300}"
            );
        }
        assert!(
            body.contains(run),
            "{name}: the run is kept from the source"
        );
        assert!(
            outcome
                .stats
                .rejections
                .get("too long for the model")
                .is_some_and(|&n| n >= 1),
            "{name}: {:?}",
            outcome.stats.rejections
        );
    }
}

#[test]
fn no_prompt_longer_than_the_models_context_is_sent() {
    // A context that holds the frame and a short sentence, not a long one: the long sentences
    // are kept from the source without asking, the short ones are asked for.
    let path = example("ligne-ferroviaire.txt");
    let source = Source::from_path(&path).unwrap();
    let mut fake = SmallContext::new(1_000);
    let outcome = rewrite::rewrite(&source, &mut fake, &options(700), &Silent)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(fake.inner.calls > 0, "the short pieces were asked for");
    assert!(outcome.stats.rejections["too long for the model"] > 0);
    assert!(outcome.stats.copied > 0);
}

#[test]
fn a_french_article_with_a_long_list_keeps_its_sentence() {
    // 60 short items of names and figures once made the article « not French », and a model
    // whose every candidate fails left nothing faithful to publish.
    let items: Vec<String> = (0..60)
        .map(|i| match i % 3 {
            0 => format!("- Jeanne Morel {i}"),
            1 => format!("- {} 250 euros", i + 1),
            _ => "- Castelbrune".to_string(),
        })
        .collect();
    let sentence = "Le conseil municipal de Valmorin a publié lundi la liste des lauréats du \
                    concours, qui recevront leur prix le 12 mars.";
    let text = format!("{sentence}\n\n{}\n", items.join("\n"));
    let (outcome, _) = rewrite_text(&text, "liste.md", Behaviour::Looper);
    let body = body_paragraphs(&outcome.article).join(" ");
    assert!(
        body.contains("a publié lundi la liste des lauréats"),
        "{body}"
    );
}

#[test]
fn a_list_comes_out_as_a_list_after_its_introduction() {
    let text = "# La médiathèque de Castelbrune rouvre ses portes\n\n\
        La médiathèque de Castelbrune a rouvert samedi après deux ans de travaux. Les élus ont \
        salué un chantier mené sans retard.\n\n\
        ## Ce qui change pour les lecteurs\n\n\
        Le bâtiment a été agrandi de 400 mètres carrés. Les lecteurs trouveront plusieurs \
        nouveautés :\n\n\
        - Une salle de jeux vidéo a ouvert au premier étage du bâtiment.\n\
        - Le prêt des livres sera gratuit pour les moins de 18 ans.\n\n\
        La directrice, Jeanne Morel, a remercié les équipes du chantier.\n\n\
        ## Les horaires\n\n\
        La médiathèque ouvrira six jours sur sept, de 10 heures à 19 heures.\n";
    for behaviour in [Behaviour::Echo, Behaviour::Looper] {
        let (outcome, _) = rewrite_text(text, "liste.md", behaviour);
        let article = &outcome.article;
        let listed: Vec<&article::Section> = article
            .sections
            .iter()
            .filter(|s| !s.bullets.is_empty())
            .collect();
        assert_eq!(listed.len(), 1, "{behaviour:?}: {:#?}", article.sections);
        assert_eq!(listed[0].bullets.len(), 2, "{behaviour:?}");
        assert!(
            listed[0].bullets[1].contains("moins de 18 ans"),
            "{behaviour:?}"
        );
        let introduction = listed[0].paragraphs.last().unwrap();
        assert!(
            introduction.ends_with("nouveautés\u{a0}:"),
            "{behaviour:?}: {introduction}"
        );
        // what follows the list in the source comes after it, in a section of its own
        let markdown = article::render_markdown(article);
        let (list, thanks) = (
            markdown.find("moins de 18 ans").unwrap(),
            markdown.find("a remercié les équipes").unwrap(),
        );
        assert!(list < thanks, "{markdown}");
        assert!(markdown[list..thanks].contains("\n## "), "{markdown}");
    }
    // A list none of whose items is kept takes its introduction with it.
    let text =
        "La médiathèque de Castelbrune a rouvert samedi après deux ans de travaux. Les élus \
        ont salué un chantier mené sans retard.\n\n\
        Le bâtiment a été agrandi de 400 mètres carrés. Les lecteurs trouveront plusieurs \
        nouveautés :\n\n\
        - une salle de jeux ;\n\
        - des liseuses.\n\n\
        La directrice, Jeanne Morel, a remercié les équipes du chantier.\n";
    let (outcome, _) = rewrite_text(text, "liste.md", Behaviour::Looper);
    let body = body_paragraphs(&outcome.article).join(" ");
    assert!(body.contains("agrandi de 400"), "{body}");
    assert!(!body.contains("nouveautés"), "{body}");
    assert!(outcome
        .article
        .sections
        .iter()
        .all(|s| s.bullets.is_empty()));
}

/// A fake translator that knows some sentences (and answers the others as they are, which the
/// check refuses as not French).
struct Translating {
    known: Vec<(&'static str, &'static str)>,
}

impl TextGenerator for Translating {
    fn generate(
        &mut self,
        prompt: &Prompt,
        _settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        let input = asked(prompt);
        let text = self
            .known
            .iter()
            .find(|(english, _)| *english == input)
            .map_or(input.clone(), |(_, french)| french.to_string());
        on_text(&text);
        Ok(answer(text))
    }

    fn name(&self) -> String {
        "fake-translator".into()
    }
}

/// A fake chat translator: answers a paragraph of its `paragraph` input with `answer` (one
/// sentence of it wrong), anything else as it stands (English, which the check refuses); it
/// records what it was asked.
struct ParagraphTranslator {
    paragraph: &'static str,
    answer: &'static str,
    asked: Vec<String>,
}

impl TextGenerator for ParagraphTranslator {
    fn generate(
        &mut self,
        prompt: &Prompt,
        _settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> plume::Result<Generation> {
        // the user's turn: the rules, the instruction, the text, maybe warnings, each after a
        // blank line
        let text = prompt.text();
        let turn = text.rsplit("<|im_start|>user\n").next().unwrap_or_default();
        let turn = turn.split("<|im_end|>").next().unwrap_or_default();
        let parts: Vec<&str> = turn.split("\n\n").collect();
        let instruction = parts
            .iter()
            .position(|p| p.starts_with("Traduis") || p.starts_with("Écris"))
            .unwrap_or_default();
        let input = parts.get(instruction + 1).unwrap_or(&"").to_string();
        let out = if input == self.paragraph {
            self.answer.to_string()
        } else {
            input.clone()
        };
        self.asked.push(input);
        on_text(&out);
        Ok(answer(out))
    }

    fn name(&self) -> String {
        "fake-paragraph-translator".into()
    }
}

#[test]
fn a_good_sentence_of_a_paragraph_translation_that_failed_is_kept_without_asking_again() {
    let first = "The port of Harrowmouth stopped working on Monday when 1,400 dock workers began a strike over pay.";
    let second =
        "The port authority said that talks with the union would resume on Friday morning.";
    let paragraph: &'static str = Box::leak(format!("{first} {second}").into_boxed_str());
    let mut model = ParagraphTranslator {
        paragraph,
        // an invented number in the first sentence fails the paragraph whole
        answer: "Le port de Harrowmouth est paralysé depuis lundi, quand 2 500 dockers ont commencé une grève sur les salaires. L’autorité portuaire a déclaré que les discussions avec le syndicat reprendraient vendredi matin.",
        asked: Vec::new(),
    };
    let source = Source::from_bytes(
        format!("{paragraph}\n").as_bytes(),
        Path::new("port.txt"),
        None,
    )
    .unwrap();
    let options = RewriteOptions {
        prompt_style: PromptStyle::Chat,
        architecture: "qwen2".into(),
        ..options(700)
    };
    let outcome =
        rewrite::rewrite(&source, &mut model, &options, &Silent).unwrap_or_else(|e| panic!("{e}"));
    let markdown = article::render_markdown(&outcome.article);
    assert!(
        markdown.contains("reprendraient vendredi matin"),
        "{markdown}"
    );
    assert!(!markdown.contains("2 500"), "{markdown}");
    assert!(
        !model.asked.iter().any(|a| a == second),
        "the second sentence was not asked again: {:?}",
        model.asked
    );
    assert!(model.asked.iter().any(|a| a == first), "the first one was");
    let salvaged = outcome
        .stats
        .pieces
        .iter()
        .flat_map(|p| &p.candidates)
        .filter(|c| c.salvaged && c.rejected.is_none())
        .count();
    assert_eq!(salvaged, 1);
}

#[test]
fn a_quotation_whose_speaker_was_left_out_is_left_out_too() {
    let opening = "The port of Harrowmouth stopped working on Monday when dock workers began a strike over pay.";
    let named = "Marlene Okafor-Reyes, regional secretary of the Coastal Dockers Alliance, spoke to reporters at the main gate of the port.";
    let quoted = "\"We will camp at the gate until Thursday,\" she said.";
    let closing =
        "The port authority said that talks with the union would resume on Friday morning.";
    let text = format!("{opening} {named} {quoted} {closing}\n");
    let mut known = vec![
        (opening, "Le port de Harrowmouth est paralysé depuis lundi, quand les dockers ont commencé une grève sur les salaires."),
        (quoted, "« Nous camperons devant la grille jusqu’à jeudi », a-t-elle dit."),
        (closing, "L’autorité portuaire a déclaré que les discussions avec le syndicat reprendraient vendredi matin."),
    ];
    let source = Source::from_bytes(text.as_bytes(), Path::new("port.txt"), None).unwrap();
    let article = |known: Vec<(&'static str, &'static str)>| {
        let outcome = rewrite::rewrite(&source, &mut Translating { known }, &options(700), &Silent)
            .unwrap_or_else(|e| panic!("{e}"));
        article::render_markdown(&outcome.article)
    };
    // the sentence that names her is not translated: « a-t-elle dit » would credit nobody
    let without = article(known.clone());
    assert!(without.contains("reprendraient vendredi"), "{without}");
    assert!(!without.contains("jusqu’à jeudi"), "{without}");
    // with it, the quotation has its speaker and stays
    known.push((named, "Marlene Okafor-Reyes, secrétaire régionale de la Coastal Dockers Alliance, a parlé aux journalistes devant la grille principale du port."));
    let with = article(known);
    assert!(with.contains("jusqu’à jeudi"), "{with}");
}

#[test]
fn a_one_sentence_article_gives_a_short_article_and_says_so() {
    let text = "La médiathèque de Castelbrune ouvrira ses portes le 3 mars 2025 après deux ans de travaux.";
    let (outcome, _) = rewrite_text(text, "une-phrase.txt", Behaviour::Echo);
    let markdown = article::render_markdown(&outcome.article);
    assert!(markdown.contains("3 mars 2025"), "{markdown}");
    assert!(markdown.contains("\n# "), "{markdown}");
    let warnings = outcome.warnings(700);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("700"), "{warnings:?}");
    assert!(outcome.warnings(5).is_empty());
}

mod batch_runs {
    use super::*;
    use plume::article::OutputFormat;
    use plume::rewrite::batch::{self, ArticleResult, BatchOptions, Status, Summary};

    struct Run {
        summary: Summary,
        results: Vec<ArticleResult>,
        calls: usize,
    }

    fn batch_options(out: &Path, format: OutputFormat) -> BatchOptions {
        BatchOptions {
            out_dir: out.to_path_buf(),
            format,
            force: false,
            fail_fast: false,
        }
    }

    /// Runs a batch with the echo fake; `stop_after` makes the report fail after that many
    /// articles, as an interruption would.
    fn run_batch(
        inputs: &[PathBuf],
        batch: &BatchOptions,
        opts: &RewriteOptions,
        stop_after: Option<usize>,
    ) -> plume::Result<Run> {
        run_batch_with(inputs, batch, opts, stop_after, 1)
    }

    /// [`run_batch`] with `workers` fakes, each taking the next article when free.
    fn run_batch_with(
        inputs: &[PathBuf],
        batch: &BatchOptions,
        opts: &RewriteOptions,
        stop_after: Option<usize>,
        workers: usize,
    ) -> plume::Result<Run> {
        let collected = batch::collect(inputs, &batch.out_dir, batch.format, &[]);
        let mut fakes: Vec<Fake> = (0..workers)
            .map(|_| Fake {
                behaviour: Behaviour::Echo,
                calls: 0,
            })
            .collect();
        let mut results = Vec::new();
        let mut report = |r: &ArticleResult| {
            results.push(r.clone());
            match stop_after {
                Some(n) if results.len() >= n => Err(plume::Error::Invalid("interrupted".into())),
                _ => Ok(()),
            }
        };
        let mut summary = batch::report_problems(&collected, batch.fail_fast, &mut report)?;
        if summary.not_tried == 0 {
            summary = summary
                + batch::run(
                    &collected.jobs,
                    fakes
                        .iter_mut()
                        .map(|f| f as &mut (dyn TextGenerator + Send))
                        .collect(),
                    opts,
                    batch,
                    &Silent,
                    &mut report,
                )?;
        }
        Ok(Run {
            summary,
            results,
            calls: fakes.iter().map(|f| f.calls).sum(),
        })
    }

    #[test]
    fn articles_in_flight_together_are_written_as_one_at_a_time_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let paths = inputs(dir.path());
        let mut outputs = Vec::new();
        for workers in [1, 3] {
            let out = dir.path().join(format!("out-{workers}"));
            let batch = batch_options(&out, OutputFormat::Md);
            let run = run_batch_with(&paths, &batch, &options(700), None, workers).unwrap();
            assert_eq!(run.summary.done, 3, "{workers}");
            assert_eq!(run.results.len(), 3);
            let mut files: Vec<(String, String)> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let text = std::fs::read_to_string(e.path()).unwrap();
                    (e.file_name().to_string_lossy().into_owned(), text)
                })
                .collect();
            files.sort();
            outputs.push(files);
        }
        assert_eq!(outputs[0], outputs[1]);
    }

    /// Three small French articles, two with the same stem.
    fn inputs(dir: &Path) -> Vec<PathBuf> {
        let a = dir.join("in/a/depeche.txt");
        let b = dir.join("in/b/depeche.md");
        let c = dir.join("in/ligne.txt");
        for p in [&a, &b, &c] {
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        }
        std::fs::write(
            &a,
            "La mairie de Valmorin a voté le budget lundi. Il atteint 12 millions d’euros.",
        )
        .unwrap();
        std::fs::write(&b, "# Marché\n\nLe marché de Castelbrune rouvre samedi. Quarante commerçants y sont attendus.").unwrap();
        std::fs::copy(example("ligne-ferroviaire.txt"), &c).unwrap();
        vec![a, b, c]
    }

    #[test]
    fn outputs_are_named_after_inputs_and_match_single_runs_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let paths = inputs(dir.path());
        let out = dir.path().join("out");
        let run = run_batch(
            &paths,
            &batch_options(&out, OutputFormat::Md),
            &options(700),
            None,
        )
        .unwrap();
        assert_eq!(
            run.summary,
            Summary {
                done: 3,
                ..Summary::default()
            }
        );
        assert_eq!(
            sorted_names(&out),
            ["depeche-2.md", "depeche.md", "ligne.md"]
        );
        // The same article, alone: byte-identical.
        let source = Source::from_path(&paths[2]).unwrap();
        let mut fake = Fake {
            behaviour: Behaviour::Echo,
            calls: 0,
        };
        let alone = rewrite::rewrite(&source, &mut fake, &options(700), &Silent).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("ligne.md")).unwrap(),
            alone.render(OutputFormat::Md).unwrap()
        );
        let text = std::fs::read_to_string(out.join("depeche.md")).unwrap();
        let sha = plume::source::sha256_hex(&std::fs::read(&paths[0]).unwrap());
        assert!(
            text.contains(&format!("source_sha256: \"{sha}\"")),
            "{text}"
        );
    }

    #[test]
    fn a_second_run_skips_what_is_done_and_redoes_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let paths = inputs(dir.path());
        let out = dir.path().join("out");
        for format in [OutputFormat::Md, OutputFormat::Html, OutputFormat::Json] {
            let batch = batch_options(&out, format);
            let first = run_batch(&paths, &batch, &options(700), None).unwrap();
            assert_eq!(first.summary.done, 3, "{format:?}");
            let again = run_batch(&paths, &batch, &options(700), None).unwrap();
            assert_eq!(
                again.summary,
                Summary {
                    skipped: 3,
                    ..Summary::default()
                },
                "{format:?}"
            );
            assert_eq!(again.calls, 0, "{format:?}: the model was not asked");
        }
        let batch = batch_options(&out, OutputFormat::Md);
        // Another seed: every article is redone.
        let mut other = options(700);
        other.sampling.seed = 7;
        assert_eq!(
            run_batch(&paths, &batch, &other, None)
                .unwrap()
                .summary
                .done,
            3
        );
        // A changed input: only it is redone.
        std::fs::write(
            &paths[0],
            "La mairie de Valmorin a voté le budget mardi. Il atteint 12 millions d’euros.",
        )
        .unwrap();
        let run = run_batch(&paths, &batch, &other, None).unwrap();
        assert_eq!(
            run.summary,
            Summary {
                done: 1,
                skipped: 2,
                ..Summary::default()
            }
        );
        // --force redoes everything.
        let forced = BatchOptions {
            force: true,
            ..batch
        };
        assert_eq!(
            run_batch(&paths, &forced, &other, None)
                .unwrap()
                .summary
                .done,
            3
        );
    }

    #[test]
    fn an_interrupted_batch_leaves_whole_outputs_and_picks_up_where_it_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let paths = inputs(dir.path());
        let out = dir.path().join("out");
        let batch = batch_options(&out, OutputFormat::Md);
        let err = run_batch(&paths, &batch, &options(700), Some(1))
            .err()
            .unwrap();
        assert!(err.to_string().contains("interrupted"));
        assert_eq!(
            sorted_names(&out),
            ["depeche.md"],
            "one whole output, no temporary file"
        );
        let resumed = run_batch(&paths, &batch, &options(700), None).unwrap();
        assert_eq!(
            resumed.summary,
            Summary {
                done: 2,
                skipped: 1,
                ..Summary::default()
            }
        );
        let statuses: Vec<Status> = resumed.results.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Status::Skipped, Status::Done, Status::Done]);
    }

    #[test]
    fn a_bad_article_is_reported_and_the_batch_goes_on_unless_fail_fast() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = inputs(dir.path());
        let empty = dir.path().join("in/vide.txt");
        std::fs::write(&empty, "  \n").unwrap();
        let binary = dir.path().join("in/image.html");
        std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
        paths.insert(1, empty);
        paths.insert(2, binary);
        paths.push(dir.path().join("in/absent.txt"));
        let out = dir.path().join("out");
        let run = run_batch(
            &paths,
            &batch_options(&out, OutputFormat::Md),
            &options(700),
            None,
        )
        .unwrap();
        assert_eq!(
            run.summary,
            Summary {
                done: 3,
                failed: 3,
                ..Summary::default()
            }
        );
        let failures: Vec<&str> = run
            .results
            .iter()
            .filter(|r| r.status == Status::Failed)
            .map(|r| r.error.as_deref().unwrap())
            .collect();
        assert!(failures[0].contains("absent.txt"), "{failures:?}");
        assert!(
            failures[1].contains("vide.txt") && failures[1].contains("blank"),
            "{failures:?}"
        );
        assert!(
            failures[2].contains("image.html") && failures[2].contains("binary"),
            "{failures:?}"
        );
        assert_eq!(sorted_names(&out).len(), 3);

        let out2 = dir.path().join("out2");
        let fast = BatchOptions {
            fail_fast: true,
            ..batch_options(&out2, OutputFormat::Md)
        };
        let paths: Vec<PathBuf> = paths.into_iter().filter(|p| p.exists()).collect();
        let run = run_batch(&paths, &fast, &options(700), None).unwrap();
        assert_eq!(
            run.summary,
            Summary {
                done: 1,
                failed: 1,
                not_tried: 3,
                ..Summary::default()
            }
        );
        assert_eq!(sorted_names(&out2), ["depeche.md"]);
    }
}

#[test]
fn a_french_source_keeps_its_own_subheadings_and_a_whole_headline() {
    // A sub-editor keeps the journalist's subheadings: they sum a section up in words of their
    // own (« sous tension »), and say nothing the source does not, since they are the source's.
    // A teaser between the paragraphs, about something else, is still dropped; a headline too
    // wide for a title loses its kicker, not its end.
    let text = "# Centre hospitalier de Valmorin : les urgences réorganisées pour réduire l’attente durablement\n\n\
        Le centre hospitalier de Valmorin a présenté jeudi la nouvelle organisation de ses urgences. \
        Après un hiver difficile, la direction promet une prise en charge plus rapide dès le 1er avril.\n\n\
        ## Un hiver sous tension\n\n\
        Le service a accueilli en moyenne 142 patients par jour, contre 118 l’an dernier. \
        Le temps d’attente médian a atteint 4 h 40 avant un premier examen.\n\n\
        ## Lire aussi : la ville de Castelbrune inaugure sa médiathèque\n\n\
        Les équipes ont tenu, mais au prix d’une fatigue visible chez les infirmiers.\n\n\
        ## Le syndicat attend des actes\n\n\
        Le syndicat demande un bilan chiffré tous les trois mois. \
        En attendant, la direction a accepté un premier point d’étape en juillet.\n";
    let (outcome, _) = rewrite_text(text, "urgences.md", Behaviour::Echo);
    let headings: Vec<&str> = outcome
        .article
        .sections
        .iter()
        .map(|s| s.heading.as_str())
        .collect();
    assert!(headings.contains(&"Un hiver sous tension"), "{headings:?}");
    assert!(
        headings.contains(&"Le syndicat attend des actes"),
        "{headings:?}"
    );
    assert!(
        !headings.iter().any(|h| h.contains("médiathèque")),
        "{headings:?}"
    );
    assert_eq!(
        outcome.article.title,
        "Valmorin\u{a0}: les urgences réorganisées pour réduire l’attente durablement"
    );
}
