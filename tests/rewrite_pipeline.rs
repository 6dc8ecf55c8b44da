//! The rewrite pipeline with fake text generators, no model: whatever the "model" writes —
//! faithful echoes, invented names and numbers, loops, English — the article meets every rule.

mod common {
    pub mod rules;
}

use std::path::{Path, PathBuf};

use common::rules::assert_rules;
use plume::analysis::text::word_count;
use plume::article::{self, is_french, Source};
use plume::generate::{
    Generation, GenerationSettings, Prompt, SamplingSettings, StopReason, TextGenerator,
};
use plume::model::source::PromptStyle;
use plume::rewrite::{self, Progress, RewriteOptions};

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
        Ok(Generation {
            text,
            stop_reason: StopReason::StopString,
            prompt_tokens: 10,
            prompt_tokens_processed: 10,
            generated_tokens: 10,
            mean_logprob: -1.0,
            prompt_seconds: 0.001,
            generation_seconds: 0.001,
        })
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
        sampling: SamplingSettings::default(),
        prompt_style: PromptStyle::Base,
        architecture: "gemma3".into(),
        model_sha256: "0".repeat(64),
    }
}

fn run(path: &Path, behaviour: Behaviour, min_words: usize) -> (rewrite::Outcome, String, Source) {
    let source = Source::from_path(path).unwrap();
    let mut fake = Fake {
        behaviour,
        calls: 0,
    };
    let outcome =
        rewrite::rewrite(&source, &mut fake, &options(min_words), &Progress::hidden()).unwrap();
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
    // article, even if that leaves it short.
    let path = example("library-opening.md");
    let (outcome, markdown, _) = run(&path, Behaviour::English, 700);
    assert!(!markdown.contains("The council"));
    let body = markdown.split("\n---\n").nth(1).unwrap();
    for block in body
        .split("\n\n")
        .map(str::trim)
        .filter(|b| word_count(b) >= 12 && !b.starts_with('#'))
    {
        assert!(
            is_french(block.trim_start_matches("- ")),
            "not French: {block}"
        );
    }
    assert_eq!(outcome.stats.accepted, 0);
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
    let outcome = rewrite::rewrite(&source, &mut fake, &opts, &Progress::hidden()).unwrap();
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
