//! The focus keyphrase and how it is matched: words folded (case, accents,
//! apostrophes), French function words ignored, a plural -s/-x accepted; an
//! occurrence is a sentence holding every content word (counted as often as the
//! rarest of them), as Yoast counts.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::analysis::lists::FUNCTION_WORDS;
use crate::analysis::text::{fold, sentences};

static FOLDED_FUNCTION_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    FUNCTION_WORDS
        .iter()
        .map(|w| fold(w).trim_end_matches('\'').to_string())
        .collect()
});

/// A focus keyphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyphrase {
    /// As given.
    pub text: String,
    /// All its words, folded.
    pub tokens: Vec<String>,
    /// Its content words, folded (all its words when it has only function words).
    pub content: Vec<String>,
}

/// Folded words of `text` (apostrophes split words: « l’été » → `l`, `ete`).
pub fn tokens(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `word` is `target` or its plural/singular in -s/-x.
pub fn word_matches(word: &str, target: &str) -> bool {
    word == target
        || word.strip_suffix(['s', 'x']) == Some(target)
        || target.strip_suffix(['s', 'x']) == Some(word)
}

impl Keyphrase {
    /// The keyphrase `text`, or `None` when it has no word.
    pub fn new(text: &str) -> Option<Keyphrase> {
        let tokens = tokens(text);
        if tokens.is_empty() {
            return None;
        }
        let mut content: Vec<String> = tokens
            .iter()
            .filter(|t| !FOLDED_FUNCTION_WORDS.contains(t.as_str()))
            .cloned()
            .collect();
        if content.is_empty() {
            content = tokens.clone();
        }
        Some(Keyphrase {
            text: text.trim().to_string(),
            tokens,
            content,
        })
    }

    /// How many content words of the keyphrase `text` contains.
    pub fn content_found(&self, text: &str) -> usize {
        let toks = tokens(text);
        self.content
            .iter()
            .filter(|c| toks.iter().any(|t| word_matches(t, c)))
            .count()
    }

    /// Whether `text` contains every content word.
    pub fn all_in(&self, text: &str) -> bool {
        self.content_found(text) == self.content.len()
    }

    /// Whether one sentence of `text` contains every content word.
    pub fn in_one_sentence(&self, text: &str) -> bool {
        sentences(text).into_iter().any(|s| self.all_in(s))
    }

    /// The word index where the exact keyphrase starts in `text`, if it does.
    pub fn exact_at(&self, text: &str) -> Option<usize> {
        let toks = tokens(text);
        let n = self.tokens.len();
        (0..(toks.len() + 1).saturating_sub(n)).find(|&i| {
            toks[i..i + n]
                .iter()
                .zip(&self.tokens)
                .all(|(a, b)| word_matches(a, b))
        })
    }

    /// Occurrences in `text`: per sentence, the count of the rarest content word when
    /// all are present.
    pub fn occurrences(&self, text: &str) -> usize {
        sentences(text)
            .into_iter()
            .map(|s| {
                let toks = tokens(s);
                self.content
                    .iter()
                    .map(|c| toks.iter().filter(|t| word_matches(t, c)).count())
                    .min()
                    .unwrap_or(0)
            })
            .sum()
    }

    /// Whether a folded word is one of the function words.
    pub fn is_function_word(word: &str) -> bool {
        FOLDED_FUNCTION_WORDS.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_yoast() {
        let k = Keyphrase::new("galaxies des étoiles").unwrap();
        assert_eq!(k.content, vec!["galaxies", "etoiles"]);
        assert!(k.all_in("Une galaxie d'étoiles."));
        assert_eq!(
            k.occurrences("Les galaxies et les étoiles. Une galaxie. Étoiles, galaxies, étoiles."),
            2
        );
        assert_eq!(k.exact_at("Les galaxies des étoiles brillent"), Some(1));
        assert_eq!(Keyphrase::new("  ,; "), None);
        assert_eq!(Keyphrase::new("de la").unwrap().content, vec!["de", "la"]);
    }
}
