//! Writing the body: the lead and the sections, paragraph by paragraph and sentence by
//! sentence, each section's heading, and the headline. A [`BodyWriter`] holds what every piece
//! shares: the [`Writer`] that asks the model and checks its candidates, the task, and what
//! the article already says.

use super::assemble::{self, Body};
use super::plan::{introduces_list, Plan, PlannedSection};
use super::prompt::Task;
use super::verify::{Bounds, Said};
use super::write::{Writer, MAX_INPUT_WORDS};
use crate::analysis::fragments::{ends_leaning, fragment};
use crate::analysis::text::{sentences, word_count};
use crate::article::Section;
use crate::error::Result;
use crate::facts::claims::credits_a_pronoun;
use crate::model::source::PromptStyle;
use crate::progress::Reporter;
use crate::source::Lang;

/// Writes an article's body with one [`Writer`].
pub struct BodyWriter<'w, 'a> {
    pub writer: &'w mut Writer<'a>,
    /// Paraphrase (a French source) or translate.
    pub task: Task,
    /// The source's language.
    pub lang: Lang,
    /// Whether the source is French (its own sentences may then stand in for a rewrite).
    pub french: bool,
    pub progress: &'w dyn Reporter,
    /// What the body says so far.
    pub said: Said,
    /// Pieces asked of the model at a time (a server's generator; 1: one after the other).
    pub parallel: usize,
    /// Whether the last source sentence was left out of the article.
    pub last_left_out: bool,
}

impl BodyWriter<'_, '_> {
    /// The lead and the sections, sentence by sentence, each with its heading.
    pub fn body(&mut self, plan: &Plan) -> Result<Body> {
        if self.parallel > 1 {
            let pieces = self.first_pieces(plan);
            self.writer.prefetch(&pieces, self.parallel)?;
        }
        let lead = self.paragraph(&plan.lead, false)?;
        let mut body = Body {
            lead: lead.unwrap_or_default(),
            sections: Vec::new(),
        };
        for planned in &plan.sections {
            let mut paragraphs = Vec::new();
            let n = planned.paragraphs.len();
            for (i, p) in planned.paragraphs.iter().enumerate() {
                let introduces = i + 1 == n && !planned.items.is_empty();
                if let Some(w) = self.paragraph(p, introduces)? {
                    paragraphs.push(w);
                }
            }
            let mut bullets = Vec::new();
            for item in &planned.items {
                self.progress.step("phrases");
                if let Some(w) = self.sentence(item, &[])? {
                    bullets.push(w);
                }
            }
            // An introduction whose list was left out goes with it.
            if bullets.is_empty() {
                drop_list_introduction(&mut paragraphs);
            }
            self.progress.step("intertitres");
            if paragraphs.is_empty() {
                continue;
            }
            // the heading sums up the list too (a section may be only its introduction)
            let text: Vec<String> = paragraphs.iter().chain(&bullets).cloned().collect();
            let heading = self.heading(planned, &text, &body.lead)?;
            body.sections.push(Section {
                heading,
                level: 2,
                paragraphs,
                bullets,
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

    /// The first piece asked of each paragraph of `plan` ([`BodyWriter::paragraph`]): the
    /// paragraph whole when a chat model translates it so, else each sentence.
    fn first_pieces(&self, plan: &Plan) -> Vec<(Task, String)> {
        let paragraphs =
            std::iter::once(&plan.lead).chain(plan.sections.iter().flat_map(|s| &s.paragraphs));
        let mut out = Vec::new();
        for sentences in paragraphs {
            match self.whole_paragraph(sentences) {
                Some(task) => out.push((task, sentences.join(" "))),
                None => out.extend(sentences.iter().map(|s| (self.task, s.clone()))),
            }
        }
        out
    }

    /// The task that asks for `sentences` as one paragraph: a chat model translates a
    /// paragraph of several sentences whole, when it is not too long.
    fn whole_paragraph(&self, sentences: &[String]) -> Option<Task> {
        match self.task {
            Task::Translate(lang)
                if self.writer.style == PromptStyle::Chat
                    && sentences.len() > 1
                    && word_count(&sentences.join(" ")) <= MAX_INPUT_WORDS =>
            {
                Some(Task::TranslateParagraph(lang))
            }
            _ => None,
        }
    }

    /// One paragraph of the source, rewritten and checked (`None` when nothing of it is kept). A
    /// chat model translates a paragraph of several sentences whole, each sentence the context of
    /// the others; when no candidate passes (or the paragraph is too long, or the model a base one),
    /// it goes sentence by sentence.
    ///
    /// A paragraph that `introduces` a list ends on a colon (« … plusieurs nouveautés : »): it is
    /// written as one that ends with a full stop, and gets its colon back.
    fn paragraph(&mut self, sentences: &[String], introduces: bool) -> Result<Option<String>> {
        let introduces = introduces && sentences.last().is_some_and(|s| introduces_list(s));
        let text = sentences.join(" ");
        let words = word_count(&text);
        let whole = self.whole_paragraph(sentences);
        if let Some(task) = whole {
            let text = if introduces { closed(&text) } else { text };
            let bounds = Bounds {
                min: words * 4 / 5,
                max: words * 2 + 8,
                sentence: true,
                min_sentences: sentences.len(),
            };
            let written = self.writer.write(task, &text, &text, bounds, &self.said)?;
            if let Some(w) = written {
                sentences.iter().for_each(|_| self.progress.step("phrases"));
                self.said.add(&w);
                self.last_left_out = false;
                return Ok(Some(if introduces { reopened(&w) } else { w }));
            }
        }
        // What the model wrote for the paragraph whole is tried first, sentence by sentence:
        // one wrong sentence does not cost the others.
        let salvage = match whole {
            Some(_) => self.writer.last_by_sentence(sentences.len()),
            None => Vec::new(),
        };
        let mut written = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            self.progress.step("phrases");
            let offered = salvage.get(i).map_or(&[][..], Vec::as_slice);
            let w = if introduces && i + 1 == sentences.len() {
                self.sentence(&closed(s), offered)?.map(|w| reopened(&w))
            } else {
                self.sentence(s, offered)?
            };
            if let Some(w) = w {
                written.push(w);
            }
        }
        Ok((!written.is_empty()).then(|| written.join(" ")))
    }

    /// One sentence of the source, rewritten (paraphrased or translated) and checked, the
    /// `offered` sentences the model already wrote for it first; else the source's own
    /// sentence when the source is French; else nothing (the article stays French).
    fn sentence(
        &mut self,
        sentence: &str,
        offered: &[(String, Option<f32>)],
    ) -> Result<Option<String>> {
        // « », dit-elle. » after the sentence that named her was left out: a quotation
        // without a speaker, or with the wrong one, is left out too.
        if self.last_left_out && credits_a_pronoun(sentence, self.lang) {
            self.writer.stats.left_out += 1;
            return Ok(None);
        }
        let words = word_count(sentence);
        let bounds = Bounds {
            min: (words / 2).max(2),
            max: words * 2 + 8,
            sentence: true,
            min_sentences: 0,
        };
        let written = self
            .writer
            .write_from(self.task, sentence, sentence, bounds, &self.said, offered)?;
        // The source's own sentence, unless it is a short fragment (a credit line, a caption, a
        // teaser: « (Avec les agences) »), which an article does not need.
        let keepable = |s: &str| fragment(s).is_none() || word_count(s) >= 12;
        let chosen = match written {
            Some(w) => Some(w),
            None if self.french && self.said.repeats(sentence).is_none() && keepable(sentence) => {
                self.writer.stats.copied += 1;
                Some(sentence.to_string())
            }
            None => {
                self.writer.stats.left_out += 1;
                None
            }
        };
        if let Some(c) = &chosen {
            self.said.add(c);
        }
        self.last_left_out = chosen.is_none();
        Ok(chosen)
    }

    /// The H1's wording: the source's headline (translated when needed), else one the model
    /// writes for the lead; `None` (the lead's first clause) when neither passes the checks.
    pub fn headline(&mut self, plan: &Plan, body: &Body) -> Result<Option<String>> {
        let said = Said::default();
        let written = match (&plan.title, self.french) {
            (Some(t), true) => return Ok(Some(t.clone())),
            (Some(t), false) => {
                let bounds = Bounds {
                    min: 2,
                    max: word_count(t) * 2 + 6,
                    sentence: false,
                    min_sentences: 0,
                };
                self.writer.write(self.task, t, t, bounds, &said)?
            }
            (None, _) => {
                let bounds = Bounds {
                    min: 4,
                    max: 12,
                    sentence: false,
                    min_sentences: 0,
                };
                self.writer
                    .write(Task::Heading, &body.lead, "", bounds, &said)?
            }
        };
        // The headline claims only what the article says.
        let text = body.text();
        Ok(written
            .map(|h| clean_heading(&h))
            .filter(|h| assemble::supported(h, &text) && !ends_leaning(h)))
    }

    /// A section's heading: the source's own when it is about the section (as it is for a
    /// French source, translated for another), else one the model writes from the section;
    /// every content word of a written one must be in the section or the lead, or the heading
    /// is taken from the section's own words.
    fn heading(
        &mut self,
        planned: &PlannedSection,
        paragraphs: &[String],
        lead: &str,
    ) -> Result<String> {
        let support = format!("{lead} {}", paragraphs.join(" "));
        // A source heading not about its section (a teaser, « lire aussi ») is dropped. One
        // that is about it sums it up in the source's own words (« Un hiver sous tension »
        // over the figures of the winter): a French one is kept as it is.
        let section = planned.paragraphs.concat().join(" ");
        let source_heading = planned
            .heading
            .as_deref()
            .filter(|h| assemble::heads(h, &format!("{lead} {section}")));
        if let Some(h) = source_heading.filter(|h| self.french && !assemble::needs_antecedent(h)) {
            return Ok(clean_heading(h));
        }
        let candidate = match source_heading {
            Some(h) if !self.french => self.writer.write(
                self.task,
                h,
                h,
                Bounds {
                    min: 1,
                    max: word_count(h) * 2 + 4,
                    sentence: false,
                    min_sentences: 0,
                },
                &self.said,
            )?,
            _ => None,
        };
        let candidate = match candidate {
            Some(c) => Some(c),
            None => self.writer.write(
                Task::Heading,
                &paragraphs[0],
                "",
                Bounds {
                    min: 2,
                    max: 12,
                    sentence: false,
                    min_sentences: 0,
                },
                &self.said,
            )?,
        };
        Ok(candidate
            .map(|h| clean_heading(&h))
            .filter(|h| {
                assemble::supported(h, &support)
                    && !assemble::needs_antecedent(h)
                    && !ends_leaning(h)
            })
            .unwrap_or_else(|| assemble::extractive_heading(paragraphs)))
    }
}

/// A list's introduction (« … plusieurs nouveautés : ») as a sentence that ends with a full stop.
fn closed(text: &str) -> String {
    format!("{}.", text.trim_end().trim_end_matches(':').trim_end())
}

/// A sentence written from a list's introduction, given its colon back.
fn reopened(text: &str) -> String {
    format!(
        "{} :",
        text.trim_end().trim_end_matches(['.', ':']).trim_end()
    )
}

/// Drops the last sentence of `paragraphs` when it introduces a list (and the paragraph when
/// nothing else is left of it).
fn drop_list_introduction(paragraphs: &mut Vec<String>) {
    let Some(last) = paragraphs.last_mut() else {
        return;
    };
    let mut kept: Vec<&str> = sentences(last);
    if !kept.last().is_some_and(|s| introduces_list(s)) {
        return;
    }
    kept.pop();
    let kept = kept.join(" ");
    if kept.trim().is_empty() {
        paragraphs.pop();
    } else {
        *last = kept;
    }
}

/// A heading without final punctuation.
fn clean_heading(h: &str) -> String {
    h.trim()
        .trim_end_matches(['.', ':', ';', ','])
        .trim()
        .to_string()
}
