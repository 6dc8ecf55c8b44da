//! `plume rewrite`: plan → write → verify → assemble → enforce.
//!
//! The program owns the structure and the facts; the model only writes words. Each source
//! sentence is rewritten on its own (paraphrased when the source is French, translated
//! otherwise) and kept only if it passes the fact check; otherwise the source's own sentence is
//! used (French sources) or the sentence is left out (other languages: the article stays
//! entirely French). Headings and the headline are asked of the model too, and replaced by
//! the section's own words when they say anything the article does not.

pub mod assemble;
pub mod batch;
pub mod paragraphs;
pub mod plan;
pub mod prompt;
pub mod verify;
pub mod write;

use crate::analysis::fragments::fragment;
use crate::analysis::text::word_count;
use crate::analysis::{self, CheckOptions, Document, Report};
use crate::article::{self, Article, OutputFormat, Provenance, Sampling, Section};
use crate::error::Result;
use crate::facts::Facts;
use crate::generate::{SamplingSettings, TextGenerator};
use crate::model::source::PromptStyle;
use crate::progress::Reporter;
use crate::rewrite::prompt::{language_name, Task};
use crate::source::{Lang, Source};
use assemble::Body;
use verify::{Bounds, Said, SourceContext};
use write::{WriteStats, Writer, MAX_INPUT_WORDS};

/// Settings of a rewrite.
#[derive(Debug, Clone)]
pub struct RewriteOptions {
    pub keyphrase: Option<String>,
    pub min_words: usize,
    /// Candidates tried per piece before the fallback.
    pub attempts: usize,
    pub sampling: SamplingSettings,
    pub prompt_style: PromptStyle,
    /// The model's architecture (for chat markers).
    pub architecture: String,
    pub model_sha256: String,
    /// Whether the model computes every token's logit (the caller sets the model up; this
    /// only records it).
    pub full_vocabulary: bool,
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
            "keyphrase={keyphrase} min_words={} attempts={} vocabulary={} repeat_last_n={} no_repeat_ngram={}",
            self.min_words,
            self.attempts,
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
            ),
        })
    }

    /// A warning when the article is shorter than `min_words`: plume does not pad a short
    /// source with invented text.
    pub fn shortfall(&self, min_words: usize) -> Option<String> {
        let words = self.report.word_count;
        (words < min_words).then(|| {
            format!(
                "the article has {words} words, under the {min_words} asked: plume does not pad it with text the source does not support"
            )
        })
    }

    /// The report's summary, for stderr.
    pub fn summary(&self) -> String {
        let r = &self.report;
        let faith = match &r.faithfulness {
            Some(f) if f.faithful => "fidèle à la source".to_string(),
            Some(f) => format!(
                "à vérifier ({} nom(s), {} nombre(s), {} citation(s))",
                f.details.unknown_names.len(),
                f.details.unknown_numbers.len(),
                f.details.broken_quotes.len()
            ),
            None => "non vérifiée".into(),
        };
        let s = &self.stats;
        let mut line = format!(
            "plume: {} mots, SEO {}/100, lisibilité {}/100, fidélité : {faith}; {} morceaux écrits par le modèle, {} repris de la source",
            r.word_count,
            r.seo_score,
            r.readability_score,
            s.accepted,
            s.copied
        );
        if s.left_out > 0 {
            line.push_str(&format!(
                ", {} phrase(s) de la source laissée(s) de côté",
                s.left_out
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

    let sentence_count = plan.lead.len()
        + plan
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(Vec::len)
            .sum::<usize>();
    progress.set_length(sentence_count + plan.sections.len() + 1);

    let mut body = write_body(&mut writer, &plan, task, french, progress)?;
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
    let headline = write_headline(&mut writer, &plan, &body, task, french)?;
    // A translation's keyphrase is a name the French article has (« Lindenau »), not the
    // source's word for the subject (« Bücherei »).
    let keyphrase = match (&options.keyphrase, french) {
        (None, false) => plan::keyphrase_in(&body.text(), &body.lead, &facts)
            .unwrap_or_else(|| plan.keyphrase.clone()),
        _ => plan.keyphrase.clone(),
    };
    assemble::keyphrase_headings(&mut body, &keyphrase);
    let title = assemble::title(headline.as_deref(), &body, &keyphrase);
    let stats = writer.stats.clone();
    let mut article = Article {
        slug: assemble::slug(&title, &keyphrase),
        meta_description: assemble::meta_description(&body, &keyphrase),
        title,
        keyphrase: keyphrase.clone(),
        lang: "fr-FR".into(),
        lead: body.lead.clone(),
        sections: body.sections.clone(),
        provenance: Provenance {
            model_id: model_name,
            generated: stats.accepted > 0,
            ..options.provenance(&source.path, &source.sha256)
        },
    };
    assemble::enforce(&mut article);

    let markdown = article::render_markdown(&article);
    let doc = Document::parse(&markdown).map_err(|e| {
        crate::Error::Internal(format!("plume cannot read back its own article: {e}"))
    })?;
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: Some(keyphrase),
            source: Some(source_text),
            min_words: options.min_words,
        },
    );
    Ok(Outcome {
        article,
        report,
        stats,
    })
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

/// The lead and the sections, sentence by sentence, each with its heading.
fn write_body(
    writer: &mut Writer,
    plan: &plan::Plan,
    task: Task,
    french: bool,
    progress: &dyn Reporter,
) -> Result<Body> {
    let mut said = Said::default();
    let lead = write_paragraph(writer, task, &plan.lead, french, &mut said, progress)?;
    let mut body = Body {
        lead: lead.unwrap_or_default(),
        sections: Vec::new(),
    };
    for planned in &plan.sections {
        let mut paragraphs = Vec::new();
        for p in &planned.paragraphs {
            if let Some(w) = write_paragraph(writer, task, p, french, &mut said, progress)? {
                paragraphs.push(w);
            }
        }
        progress.step("intertitres");
        if paragraphs.is_empty() {
            continue;
        }
        let heading = heading(
            writer,
            planned,
            &paragraphs,
            &body.lead,
            french,
            task,
            &said,
        )?;
        body.sections.push(Section {
            heading,
            level: 2,
            paragraphs,
            bullets: Vec::new(),
        });
    }
    // Without any lead sentence, the first paragraph becomes the lead.
    if body.lead.is_empty() {
        if let Some(first) = body.sections.first_mut() {
            if !first.paragraphs.is_empty() {
                body.lead = first.paragraphs.remove(0);
            }
        }
        body.sections.retain(|s| !s.paragraphs.is_empty());
    }
    Ok(body)
}

/// One paragraph of the source, rewritten and checked (`None` when nothing of it is kept). A
/// chat model translates a paragraph of several sentences whole, each sentence the context of
/// the others; when no candidate passes (or the paragraph is too long, or the model a base one),
/// it goes sentence by sentence.
fn write_paragraph(
    writer: &mut Writer,
    task: Task,
    sentences: &[String],
    french: bool,
    said: &mut Said,
    progress: &dyn Reporter,
) -> Result<Option<String>> {
    let text = sentences.join(" ");
    let words = word_count(&text);
    if let Task::Translate(lang) = task {
        if writer.style == PromptStyle::Chat && sentences.len() > 1 && words <= MAX_INPUT_WORDS {
            let bounds = Bounds {
                min: words * 4 / 5,
                max: words * 2 + 8,
                sentence: true,
                min_sentences: sentences.len(),
            };
            let written =
                writer.write(Task::TranslateParagraph(lang), &text, &text, bounds, said)?;
            if let Some(w) = written {
                sentences.iter().for_each(|_| progress.step("phrases"));
                said.add(&w);
                return Ok(Some(w));
            }
        }
    }
    let mut written = Vec::new();
    for s in sentences {
        progress.step("phrases");
        if let Some(w) = write_sentence(writer, task, s, french, said)? {
            written.push(w);
        }
    }
    Ok((!written.is_empty()).then(|| written.join(" ")))
}

/// One sentence of the source, rewritten (paraphrased or translated) and checked; else the
/// source's own sentence when the source is French; else nothing (the article stays French).
fn write_sentence(
    writer: &mut Writer,
    task: Task,
    sentence: &str,
    french: bool,
    said: &mut Said,
) -> Result<Option<String>> {
    let words = word_count(sentence);
    let bounds = Bounds {
        min: (words / 2).max(2),
        max: words * 2 + 8,
        sentence: true,
        min_sentences: 0,
    };
    let written = writer.write(task, sentence, sentence, bounds, said)?;
    // The source's own sentence, unless it is a short fragment (a credit line, a caption, a
    // teaser: « (Avec les agences) »), which an article does not need.
    let keepable = |s: &str| fragment(s).is_none() || word_count(s) >= 12;
    let chosen = match written {
        Some(w) => Some(w),
        None if french && said.repeats(sentence).is_none() && keepable(sentence) => {
            writer.stats.copied += 1;
            Some(sentence.to_string())
        }
        None => {
            writer.stats.left_out += 1;
            None
        }
    };
    if let Some(c) = &chosen {
        said.add(c);
    }
    Ok(chosen)
}

/// The H1's wording: the source's headline (translated when needed), else one the model
/// writes for the lead; `None` (the lead's first clause) when neither passes the checks.
fn write_headline(
    writer: &mut Writer,
    plan: &plan::Plan,
    body: &Body,
    task: Task,
    french: bool,
) -> Result<Option<String>> {
    let said = Said::default();
    let written = match (&plan.title, french) {
        (Some(t), true) => return Ok(Some(t.clone())),
        (Some(t), false) => {
            let bounds = Bounds {
                min: 2,
                max: word_count(t) * 2 + 6,
                sentence: false,
                min_sentences: 0,
            };
            writer.write(task, t, t, bounds, &said)?
        }
        (None, _) => {
            let bounds = Bounds {
                min: 4,
                max: 12,
                sentence: false,
                min_sentences: 0,
            };
            writer.write(Task::Heading, &body.lead, "", bounds, &said)?
        }
    };
    // The headline claims only what the article says.
    let text = body.text();
    Ok(written
        .map(|h| clean_heading(&h))
        .filter(|h| assemble::supported(h, &text)))
}

/// A section's heading: the source's own when it is about the section (translated when
/// needed), else one the model writes from the section; every content word of it must be in
/// the section or the lead, or the heading is taken from the section's own words.
fn heading(
    writer: &mut Writer,
    planned: &plan::PlannedSection,
    paragraphs: &[String],
    lead: &str,
    french: bool,
    task: Task,
    said: &Said,
) -> Result<String> {
    let support = format!("{lead} {}", paragraphs.join(" "));
    // A source heading not about its section (a teaser, « lire aussi ») is dropped.
    let source_heading = planned
        .heading
        .as_deref()
        .filter(|h| assemble::about(h, &planned.paragraphs.concat().join(" ")));
    let candidate = match source_heading {
        Some(h) if french => Some(h.to_string()),
        Some(h) => writer.write(
            task,
            h,
            h,
            Bounds {
                min: 1,
                max: word_count(h) * 2 + 4,
                sentence: false,
                min_sentences: 0,
            },
            said,
        )?,
        None => None,
    };
    let candidate = match candidate {
        Some(c) => Some(c),
        None => writer.write(
            Task::Heading,
            &paragraphs[0],
            "",
            Bounds {
                min: 2,
                max: 12,
                sentence: false,
                min_sentences: 0,
            },
            said,
        )?,
    };
    Ok(candidate
        .map(|h| clean_heading(&h))
        .filter(|h| assemble::supported(h, &support) && !assemble::needs_antecedent(h))
        .unwrap_or_else(|| assemble::extractive_heading(paragraphs)))
}

/// A heading without final punctuation.
fn clean_heading(h: &str) -> String {
    h.trim()
        .trim_end_matches(['.', ':', ';', ','])
        .trim()
        .to_string()
}
