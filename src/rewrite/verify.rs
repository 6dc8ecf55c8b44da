//! The check every generated piece passes before it is kept: French, faithful to the source's
//! facts, keeps the facts of the sentence it rewrites, repeats nothing, and is not garbage.

use std::collections::HashSet;

use crate::analysis::faithfulness::Facts;
use crate::analysis::text::{sentences, word_count};
use crate::article::lang::{detect, is_french, Lang};

/// Why a candidate was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Empty,
    Length {
        words: usize,
        min: usize,
        max: usize,
    },
    NotFrench,
    UnknownNames(Vec<String>),
    UnknownNumbers(Vec<String>),
    BrokenQuotes(Vec<String>),
    DroppedNumbers,
    DroppedNames(Vec<String>),
    Repeated(String),
    Garbage(&'static str),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::Empty => write!(f, "empty"),
            Rejection::Length { words, min, max } => {
                write!(f, "{words} words, expected {min}–{max}")
            }
            Rejection::NotFrench => write!(f, "not French"),
            Rejection::UnknownNames(n) => write!(f, "names not in the source: {}", n.join(", ")),
            Rejection::UnknownNumbers(n) => {
                write!(f, "numbers not in the source: {}", n.join(", "))
            }
            Rejection::BrokenQuotes(q) => write!(f, "quotation changed: {}", q.join(" / ")),
            Rejection::DroppedNumbers => write!(f, "a number of the sentence is missing"),
            Rejection::DroppedNames(n) => {
                write!(f, "names of the sentence are missing: {}", n.join(", "))
            }
            Rejection::Repeated(s) => write!(f, "repeats a sentence: {s}"),
            Rejection::Garbage(why) => write!(f, "{why}"),
        }
    }
}

/// A sentence reduced for comparison: lower case, letters and digits only.
pub fn sentence_key(sentence: &str) -> String {
    sentence
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a candidate is checked against.
pub struct Checker<'a> {
    /// The facts of the whole source.
    pub facts: &'a Facts,
    /// Sentences already in the article.
    pub used: &'a HashSet<String>,
}

/// Bounds on a piece's length, in words, and whether it must read as whole sentences.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub min: usize,
    pub max: usize,
    /// Starts with a capital (or a digit or «) and ends with . ! ? or ».
    pub sentence: bool,
}

impl Checker<'_> {
    /// Checks `candidate`, written from `original` (the source text it rewrites).
    pub fn check(&self, candidate: &str, original: &str, bounds: Bounds) -> Result<(), Rejection> {
        let text = candidate.trim();
        if text.is_empty() {
            return Err(Rejection::Empty);
        }
        let words = word_count(text);
        if words < bounds.min || words > bounds.max {
            return Err(Rejection::Length {
                words,
                min: bounds.min,
                max: bounds.max,
            });
        }
        garbage(text)?;
        if bounds.sentence && !whole_sentence(text) {
            return Err(Rejection::Garbage("not a whole sentence"));
        }
        if !reads_as_french(text) {
            return Err(Rejection::NotFrench);
        }
        let report = self.facts.check(text);
        if !report.unknown_names.is_empty() {
            return Err(Rejection::UnknownNames(report.unknown_names));
        }
        if !report.unknown_numbers.is_empty() {
            return Err(Rejection::UnknownNumbers(report.unknown_numbers));
        }
        if !report.broken_quotes.is_empty() {
            return Err(Rejection::BrokenQuotes(report.broken_quotes));
        }
        // The rewrite keeps the facts of its original: every number, most names.
        let own = Facts::extract(original);
        let kept = own.check(text);
        let candidate_facts = Facts::extract(text);
        if !own.numbers.is_subset(&candidate_facts.numbers) {
            return Err(Rejection::DroppedNumbers);
        }
        if kept.missing_entities.len() * 3 > own.entities.len() {
            return Err(Rejection::DroppedNames(kept.missing_entities));
        }
        let mut seen = HashSet::new();
        for sentence in sentences(text) {
            let key = sentence_key(sentence);
            if key.is_empty() {
                continue;
            }
            if self.used.contains(&key) || !seen.insert(key) {
                return Err(Rejection::Repeated(sentence.to_string()));
            }
        }
        Ok(())
    }
}

/// French enough to keep: the detector says French for longer text; short text must at least
/// not read as another language.
pub fn reads_as_french(text: &str) -> bool {
    if word_count(text) >= 8 {
        is_french(text)
    } else {
        let guess = detect(text);
        guess.lang == Lang::Fr || guess.lang == Lang::Other
    }
}

/// Starts like a sentence and ends like one.
fn whole_sentence(text: &str) -> bool {
    let starts = text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '«');
    let ends = text.trim_end().ends_with(['.', '!', '?', '»', '…']);
    starts && ends
}

/// Labels of the frames, markup, loops: signs the model went off the rails.
fn garbage(text: &str) -> Result<(), Rejection> {
    const LABELS: [&str; 7] = [
        "Phrase :",
        "Reformulation :",
        "Original :",
        "Français :",
        "Paragraphe :",
        "Intertitre :",
        "http",
    ];
    if LABELS.iter().any(|l| text.contains(l)) {
        return Err(Rejection::Garbage("frame label or link in the text"));
    }
    if text.contains(['#', '*', '|', '<', '>', '[', ']', '{', '}', '_', '\u{FFFD}']) {
        return Err(Rejection::Garbage("markup in the text"));
    }
    let words: Vec<String> = text.split_whitespace().map(|w| w.to_lowercase()).collect();
    let mut trigrams = HashSet::new();
    for w in words.windows(3) {
        if !trigrams.insert(w.join(" ")) {
            return Err(Rejection::Garbage("repeats itself"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "Le maire de Valbrune, Jeanne Morel, a inauguré samedi 12 avril une passerelle de 48 mètres. « C’est un grand jour pour la commune », a-t-elle déclaré devant 300 habitants.";

    fn check(candidate: &str, original: &str) -> Result<(), Rejection> {
        let facts = Facts::extract(SOURCE);
        let used = HashSet::new();
        Checker {
            facts: &facts,
            used: &used,
        }
        .check(
            candidate,
            original,
            Bounds {
                min: 3,
                max: 60,
                sentence: true,
            },
        )
    }

    #[test]
    fn a_faithful_paraphrase_passes() {
        let original = "Le maire de Valbrune, Jeanne Morel, a inauguré samedi 12 avril une passerelle de 48 mètres.";
        check("Samedi 12 avril, Jeanne Morel, maire de Valbrune, a inauguré une passerelle longue de 48 mètres.", original).unwrap();
    }

    #[test]
    fn invented_name_or_number_is_rejected() {
        let original = "Le maire de Valbrune, Jeanne Morel, a inauguré samedi 12 avril une passerelle de 48 mètres.";
        assert!(matches!(
            check("Samedi 12 avril, Jeanne Morel et Donald Trump ont inauguré à Valbrune une passerelle de 48 mètres.", original),
            Err(Rejection::UnknownNames(_))
        ));
        assert!(matches!(
            check("Samedi 12 avril, Jeanne Morel, maire de Valbrune, a inauguré une passerelle de 52 mètres.", original),
            Err(Rejection::UnknownNumbers(_) | Rejection::DroppedNumbers)
        ));
    }

    #[test]
    fn dropped_number_is_rejected() {
        let original = "Le maire de Valbrune, Jeanne Morel, a inauguré samedi 12 avril une passerelle de 48 mètres.";
        assert_eq!(
            check("Samedi 12 avril, Jeanne Morel, maire de Valbrune, a inauguré une passerelle toute neuve.", original),
            Err(Rejection::DroppedNumbers)
        );
    }

    #[test]
    fn english_and_loops_are_rejected() {
        let original = "Le maire de Valbrune, Jeanne Morel, a inauguré samedi 12 avril une passerelle de 48 mètres.";
        assert_eq!(
            check("On Saturday 12 April, the mayor of Valbrune, Jeanne Morel, opened a footbridge of 48 metres.", original),
            Err(Rejection::NotFrench)
        );
        assert!(matches!(
            check("la passerelle de Valbrune la passerelle de Valbrune la passerelle de Valbrune le 12 avril 48", original),
            Err(Rejection::Garbage(_) | Rejection::NotFrench)
        ));
    }

    #[test]
    fn changed_quotation_is_rejected() {
        let original =
            "« C’est un grand jour pour la commune », a-t-elle déclaré devant 300 habitants.";
        assert!(matches!(
            check("« C’est un beau jour pour la commune », a déclaré Jeanne Morel devant 300 habitants.", original),
            Err(Rejection::BrokenQuotes(_))
        ));
    }

    #[test]
    fn repeated_sentence_is_rejected() {
        let facts = Facts::extract(SOURCE);
        let mut used = HashSet::new();
        let sentence = "Jeanne Morel a inauguré une passerelle de 48 mètres à Valbrune.";
        used.insert(sentence_key(sentence));
        let checker = Checker {
            facts: &facts,
            used: &used,
        };
        assert!(matches!(
            checker.check(
                sentence,
                sentence,
                Bounds {
                    min: 3,
                    max: 60,
                    sentence: true
                }
            ),
            Err(Rejection::Repeated(_))
        ));
    }
}
