//! Faithfulness, words: each sentence of the article compared word by word with the source
//! sentences it shares most words with ([`crate::lexicon`]): a word put where the source had
//! another (« la maintenance » for « le maintien »), a qualifier dropped (« apparemment »),
//! much said that the source does not say. For a French source; another language's source is
//! reported as not checked word by word.

use crate::analysis::assessments::{Context, Sentence};
use crate::analysis::document::Document;
use crate::analysis::report::{Area, Finding, Severity};
use crate::analysis::text::sentences;
use crate::lexicon::{cover, lexicon, Coverage};
use crate::review::align::sources_by_words;
use crate::source::lang::{detect, Lang};
use crate::source::BlockKind;

const ID: &str = "faithful_words";

/// The comparison of an article's sentences with their source.
#[derive(Debug, Clone)]
pub struct SentenceWords {
    pub lang: Lang,
    /// Whether the words were compared (a French source, the thesaurus installed).
    pub checked: bool,
    /// The body sentences the check finds fault with: their block, text and comparison.
    pub faulty: Vec<(usize, String, Coverage)>,
}

impl SentenceWords {
    /// Compares the sentences of the document's paragraphs and list items (not its headings,
    /// which say less than their section on purpose) with `source`.
    pub fn new(doc: &Document, body: &[Sentence], source: &str) -> SentenceWords {
        let lang = detect(source).lang;
        let lexicon = lexicon();
        let checked = lang == Lang::Fr && lexicon.checks(lang);
        let mut faulty = Vec::new();
        if checked {
            let source_sentences = sentences(source);
            let is_heading = |block: usize| {
                doc.blocks
                    .get(block)
                    .is_none_or(|b| matches!(b.kind, BlockKind::Heading(_)))
            };
            let compared: Vec<&Sentence> = body.iter().filter(|s| !is_heading(s.block)).collect();
            let texts: Vec<&str> = compared.iter().map(|s| s.text.as_str()).collect();
            let sources = sources_by_words(&texts, &source_sentences);
            for (s, found) in compared.into_iter().zip(sources) {
                if found.is_empty() {
                    continue;
                }
                let original: Vec<&str> = found.iter().map(|&j| source_sentences[j]).collect();
                let coverage = cover(lexicon, lang, &original.join(" "), &s.text);
                if coverage.refused() {
                    faulty.push((s.block, s.text.clone(), coverage));
                }
            }
        }
        SentenceWords {
            lang,
            checked,
            faulty,
        }
    }
}

/// What a sentence's comparison found, in French.
fn describe(c: &Coverage) -> String {
    let mut parts: Vec<String> = c
        .substituted
        .iter()
        .map(|(ours, theirs)| format!("« {ours} » au lieu de « {theirs} »"))
        .collect();
    if !c.lost_qualifiers.is_empty() {
        parts.push(format!("« {} » perdu", c.lost_qualifiers.join(" », « ")));
    }
    if parts.is_empty() {
        if !c.unaccounted.is_empty() {
            parts.push(format!("« {} » sans appui", c.unaccounted.join(" », « ")));
        }
        if !c.unrendered.is_empty() {
            parts.push(format!("« {} » non rendu", c.unrendered.join(" », « ")));
        }
    }
    parts.join(", ")
}

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(words) = &ctx.words else {
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Pas de source : mots non vérifiés.",
        );
    };
    if !words.checked {
        let why = if words.lang == Lang::Fr {
            "le thésaurus n’est pas installé (tools/fetch-lexicons.sh)".to_string()
        } else {
            format!(
                "source en {}, traduction non vérifiée mot à mot",
                words.lang.code()
            )
        };
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            format!("Mots non vérifiés : {why}."),
        );
    }
    let Some((block, _, _)) = words.faulty.first() else {
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Chaque phrase dit, mot pour mot, ce que dit sa source.",
        );
    };
    let listed: Vec<String> = words
        .faulty
        .iter()
        .take(5)
        .map(|(_, text, c)| {
            let start: String = text.chars().take(60).collect();
            format!("« {start}… » ({})", describe(c))
        })
        .collect();
    Finding::new(
        ID,
        Area::Faithfulness,
        Severity::Problem,
        2,
        format!(
            "{} phrase(s) disent autre chose que leur source : {}. Vérifiez-les.",
            words.faulty.len(),
            listed.join(" ; ")
        ),
    )
    .with_span(ctx.block_span(*block))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run_with;
    use crate::analysis::assessments::CheckOptions;

    const SOURCE: &str = "Les discussions ont également porté sur le maintien des canaux de communication avec la Russie. Le conseil municipal a voté mardi la rénovation de la piscine, fermée depuis 2021.";

    fn check(article: &str) -> Finding {
        let opts = CheckOptions {
            source: Some(SOURCE.into()),
            ..CheckOptions::default()
        };
        run_with(article, &opts, assess)
    }

    #[test]
    fn a_word_put_in_place_of_another_is_a_problem() {
        let f = check("Les discussions ont également porté sur la maintenance des canaux de communication avec la Russie.");
        assert_eq!(f.severity, Severity::Problem, "{}", f.message);
        assert!(
            f.message
                .contains("« maintenance » au lieu de « maintien »"),
            "{}",
            f.message
        );
        let f = check(
            "Le conseil municipal a voté mardi la démolition de la piscine, fermée depuis 2021.",
        );
        assert_eq!(f.severity, Severity::Problem, "{}", f.message);
    }

    #[test]
    fn faithful_sentences_are_good() {
        let f = check("Les échanges ont aussi porté sur le maintien des canaux de communication avec la Russie. Mardi, le conseil municipal a voté la rénovation de la piscine, fermée depuis 2021.");
        assert_eq!(f.severity, Severity::Good, "{}", f.message);
    }
}
