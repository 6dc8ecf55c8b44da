//! `plume rewrite`: a [`Source`] and a [`TextGenerator`] in, an [`Outcome`] (the article, its
//! report, how it was written) out: plan ([`plan`]) → write ([`body`], [`write`](mod@write), with the
//! prompts of [`prompt`]) → verify ([`verify`]) → assemble and enforce ([`assemble`]) →
//! report. [`batch`] runs it over many articles.
//!
//! The program owns the structure and the facts; the model only writes words. Each source
//! sentence is rewritten on its own (paraphrased when the source is French, translated
//! otherwise) and kept only if it passes the fact check; otherwise the source's own sentence is
//! used (French sources) or the sentence is left out (other languages: the article stays
//! entirely French). Headings and the headline are asked of the model too, and replaced by
//! the section's own words when they say anything the article does not.

pub mod assemble;
pub mod batch;
pub mod body;
pub mod paragraphs;
pub mod plan;
pub mod prompt;
pub mod verify;
pub mod write;

use crate::analysis::{self, CheckOptions, Document, Report};
use crate::article::{self, Article, OutputFormat, Provenance, Sampling};
use crate::error::Result;
use crate::facts::Facts;
use crate::generate::{SamplingSettings, TextGenerator};
use crate::model::source::PromptStyle;
use crate::progress::Reporter;
use crate::review::{self, Alignment, SourceSentence};
use crate::rewrite::prompt::{language_name, Task};
use crate::source::{Lang, Source};
use body::BodyWriter;
use verify::{Said, SourceContext};
use write::{WriteStats, Writer};

/// Settings of a rewrite.
#[derive(Debug, Clone)]
pub struct RewriteOptions {
    pub keyphrase: Option<String>,
    pub min_words: usize,
    /// Candidates tried per piece before the fallback.
    pub attempts: usize,
    /// A candidate whose tokens' mean log-probability is under this is refused (the model was
    /// unsure of its words); `f32::NEG_INFINITY` refuses none.
    pub min_logprob: f32,
    pub sampling: SamplingSettings,
    pub prompt_style: PromptStyle,
    /// The model's architecture (for chat markers).
    pub architecture: String,
    pub model_sha256: String,
    /// Whether the model computes every token's logit (the caller sets the model up; this
    /// only records it).
    pub full_vocabulary: bool,
    /// Pieces of the article asked at a time, when the generator can run several at once (an
    /// inference server); the text is the same whatever it is.
    pub parallel: usize,
}

impl RewriteOptions {
    /// The provenance of a rewrite of `source` with these options (model id and whether the
    /// model wrote anything are left for the rewrite to fill).
    pub fn provenance(&self, source_path: &std::path::Path, source_sha256: &str) -> Provenance {
        let s = &self.sampling;
        Provenance {
            plume_version: env!("CARGO_PKG_VERSION").into(),
            model_id: String::new(),
            model_sha256: self.model_sha256.clone(),
            seed: s.seed,
            sampling: Sampling {
                temperature: s.temperature,
                top_k: s.top_k,
                top_p: s.top_p,
                min_p: s.min_p,
                repeat_penalty: s.repeat_penalty,
            },
            source_path: source_path.display().to_string(),
            source_sha256: source_sha256.to_string(),
            settings: self.settings_summary(),
            generated: false,
        }
    }

    /// The settings that shape the text besides the seed and the sampling, on one line.
    pub fn settings_summary(&self) -> String {
        let keyphrase = match &self.keyphrase {
            Some(k) => crate::article::front_matter::quote(k),
            None => "auto".into(),
        };
        format!(
            "keyphrase={keyphrase} min_words={} attempts={} min_logprob={} vocabulary={} repeat_last_n={} no_repeat_ngram={}",
            self.min_words,
            self.attempts,
            self.min_logprob,
            if self.full_vocabulary { "full" } else { "french" },
            self.sampling.repeat_last_n,
            self.sampling.no_repeat_ngram
        )
    }
}

/// The article, its report, and how it was made.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub article: Article,
    pub report: Report,
    pub stats: WriteStats,
    /// The source's sentences, for the alignment ([`Outcome::alignment`]), which is made only
    /// when it is asked for (`--format json`, `--review`).
    pub source_sentences: Vec<SourceSentence>,
    /// The model that translated this article, when it is a base model (no chat template):
    /// such a model cannot translate, and what passes the checks may still say something the
    /// source does not.
    pub translated_by_base_model: Option<String>,
}

impl Outcome {
    /// The article in `format`, with the report (JSON) or its summary (HTML).
    pub fn render(&self, format: OutputFormat) -> Result<String> {
        fn json(what: &str, value: &impl serde::Serialize) -> Result<serde_json::Value> {
            serde_json::to_value(value)
                .map_err(|e| crate::Error::Internal(format!("the {what} as JSON: {e}")))
        }
        Ok(match format {
            OutputFormat::Md => article::render_markdown(&self.article),
            OutputFormat::Html => article::render_html(&self.article, Some(&self.summary())),
            OutputFormat::Json => article::render_json(
                &self.article,
                json("report", &self.report)?,
                Some(json("writing record", &self.stats)?),
                Some(json("alignment", &self.alignment()?)?),
            )?,
        })
    }

    /// Which source sentences each article sentence was written from, and how (from the
    /// rewrite's own record of what it asked the model).
    pub fn alignment(&self) -> Result<Alignment> {
        Ok(self.align(&review::article_document(&self.article)?))
    }

    /// The alignment of the article as read back (`doc`).
    fn align(&self, doc: &Document) -> Alignment {
        review::align(
            &review::article_blocks(doc),
            self.source_sentences.clone(),
            Some(&self.stats.pieces),
        )
    }

    /// The review page: the article beside its source, sentence by sentence, the report on
    /// top.
    pub fn review_page(&self) -> Result<String> {
        let doc = review::article_document(&self.article)?;
        Ok(review::review_page(
            &doc,
            &self.report,
            &self.align(&doc),
            &self.article.provenance.source_path,
        ))
    }

    /// What the reader must know before publishing: the article is shorter than `min_words`
    /// (plume does not pad a short source with invented text), a base model translated it.
    pub fn warnings(&self, min_words: usize) -> Vec<String> {
        let words = self.report.word_count;
        let mut warnings = Vec::new();
        if words < min_words {
            warnings.push(format!(
                "the article has {words} words, under the {min_words} asked: plume does not pad it with text the source does not support"
            ));
        }
        if let Some(model) = &self.translated_by_base_model {
            warnings.push(format!(
                "{model} is a base model and cannot translate: the checks catch wrong names, numbers, negations and speakers, not every wrong meaning, so read each sentence against the source, or install an instruction-tuned model (`bash models/fetch.sh qwen2.5-coder-1.5b-instruct`), which plume then uses for sources not in French when no model is named"
            ));
        }
        warnings
    }

    /// The report's summary, for stderr.
    pub fn summary(&self) -> String {
        let r = &self.report;
        let faith = r.faithfulness_label();
        let s = &self.stats;
        let mut line = format!(
            "plume: {} mots, SEO {}/100, lisibilité {}/100, fidélité : {faith}; {} par le modèle, {} de la source",
            r.word_count,
            r.seo_score,
            r.readability_score,
            plural(s.accepted - s.echoed(), "morceau écrit", "morceaux écrits"),
            plural(s.copied + s.echoed(), "phrase reprise", "phrases reprises"),
        );
        if s.left_out > 0 {
            line.push_str(&format!(
                ", {} de côté",
                plural(s.left_out, "phrase laissée", "phrases laissées")
            ));
        }
        line
    }

    /// Why the model's candidates were rejected, most frequent first (`None`: none was).
    pub fn rejections_line(&self) -> Option<String> {
        (!self.stats.rejections.is_empty())
            .then(|| format!("plume: {}", rejection_counts(&self.stats)))
    }

    /// Prompt and generation speed, for stderr.
    pub fn speed_line(&self) -> String {
        let s = &self.stats;
        format!(
            "plume: {}",
            crate::generate::speed_summary(
                s.prompt_tokens,
                s.prompt_seconds,
                s.generated_tokens,
                s.generation_seconds
            )
        )
    }
}

/// Rewrites `source` into a French article with `generator`.
pub fn rewrite(
    source: &Source,
    generator: &mut dyn TextGenerator,
    options: &RewriteOptions,
    progress: &dyn Reporter,
) -> Result<Outcome> {
    let source_text = source.full_text();
    let facts = Facts::extract(&source_text);
    let context = SourceContext::new(&source_text, source.lang);
    let plan = plan::plan(source, &facts, options.keyphrase.as_deref());
    let french = source.lang == Lang::Fr;
    let task = if french {
        Task::Paraphrase
    } else {
        Task::Translate(language_name(source.lang.code()))
    };
    // The model may write the source's own words where the vocabulary lacks them: every word
    // of a French source, only the names of another (its other words are to be translated),
    // as they stand after a space, at the start of a line and after an elision.
    let own_words = if french {
        source_text.clone()
    } else {
        facts
            .entities
            .iter()
            .map(|name| format!(" {0}\n{0} l’{0}", name.text))
            .collect()
    };
    generator.allow_words(&own_words)?;
    let model_name = generator.name();
    let mut writer = Writer::new(
        generator,
        options.prompt_style,
        options.architecture.clone(),
        options.sampling.clone(),
        options.attempts,
        &facts,
        &context,
    );
    writer.min_logprob = options.min_logprob;

    let sentence_count = plan.lead.len()
        + plan
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(Vec::len)
            .sum::<usize>()
        + plan.sections.iter().map(|s| s.items.len()).sum::<usize>();
    progress.set_length(sentence_count + plan.sections.len() + 1);

    let mut body_writer = BodyWriter {
        writer: &mut writer,
        task,
        lang: source.lang,
        french,
        progress,
        said: Said::default(),
        last_left_out: false,
        parallel: options.parallel,
    };
    let body = body_writer.body(&plan)?;
    if body.lead.is_empty() {
        return Err(crate::Error::input(
            &source.path,
            format!(
                "no sentence of the rewrite passed the fact check ({}), and sentences of a source that is not in French are not copied, so there is nothing faithful to publish",
                rejection_counts(&writer.stats)
            ),
        ));
    }
    progress.step("titre");
    let headline = body_writer.headline(&plan, &body)?;
    // A translation's keyphrase is a name the French article has (« Lindenau »), not the
    // source's word for the subject (« Bücherei »).
    let keyphrase = match (&options.keyphrase, french) {
        (None, false) => plan::keyphrase_in(&body.text(), &body.lead, &facts)
            .unwrap_or_else(|| plan.keyphrase.clone()),
        _ => plan.keyphrase.clone(),
    };
    let stats = writer.stats.clone();
    let translated_by_base_model =
        (!french && options.prompt_style == PromptStyle::Base && stats.accepted > 0)
            .then(|| model_name.clone());
    let provenance = Provenance {
        model_id: model_name,
        generated: stats.accepted > 0,
        ..options.provenance(&source.path, &source.sha256)
    };
    // A French source's subheadings reach the article as they are (see `BodyWriter::heading`).
    let journalist: Vec<String> = match french {
        true => plan
            .sections
            .iter()
            .filter_map(|s| s.heading.clone())
            .collect(),
        false => Vec::new(),
    };
    let article = assemble_article(
        body,
        headline.as_deref(),
        keyphrase,
        &journalist,
        provenance,
    );
    let doc = review::article_document(&article)?;
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: Some(article.keyphrase.clone()),
            source: Some(source_text),
            min_words: options.min_words,
        },
    );
    Ok(Outcome {
        article,
        report,
        stats,
        source_sentences: review::source_sentences(source),
        translated_by_base_model,
    })
}

/// « 1 phrase reprise », « 0 phrase reprise », « 2 phrases reprises »: French takes the
/// singular under two.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n < 2 { one } else { many })
}

/// The article around `body`: its title (from `headline` when it passes), slug, meta
/// description and keyphrase headings (never in place of the `journalist`'s own), with the
/// structural rules enforced.
fn assemble_article(
    mut body: assemble::Body,
    headline: Option<&str>,
    keyphrase: String,
    journalist: &[String],
    provenance: Provenance,
) -> Article {
    assemble::keyphrase_headings(&mut body, &keyphrase, journalist);
    let title = assemble::title(headline, &body, &keyphrase);
    let mut article = Article {
        slug: assemble::slug(&title, &keyphrase),
        meta_description: assemble::meta_description(&body, &keyphrase),
        title,
        keyphrase,
        lang: "fr-FR".into(),
        lead: body.lead,
        sections: body.sections,
        provenance,
    };
    assemble::enforce(&mut article);
    article
}

/// « candidates rejected: spelling 12, untranslated 3 », most frequent reason first.
fn rejection_counts(stats: &WriteStats) -> String {
    let mut reasons: Vec<(&String, &usize)> = stats.rejections.iter().collect();
    reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
    format!(
        "candidates rejected: {}",
        if list.is_empty() {
            "none".to_string()
        } else {
            list.join(", ")
        }
    )
}
