//! French transition words and phrases (connecteurs), including two-part ones such as
//! « d’une part … d’autre part ». The list lives in `data/transition_words_fr.txt`.

use std::sync::LazyLock;

use crate::analysis::lists::entries;
use crate::analysis::text::phrase_tokens;

/// One transition: a phrase, or two parts that must both appear in order.
enum Transition {
    Single(Vec<String>),
    TwoPart(Vec<String>, Vec<String>),
}

static TRANSITIONS: LazyLock<Vec<Transition>> = LazyLock::new(|| {
    entries(include_str!("data/transition_words_fr.txt"))
        .filter_map(|line| match line.split_once('…') {
            Some((a, b)) => {
                let (a, b) = (phrase_tokens(a), phrase_tokens(b));
                (!a.is_empty() && !b.is_empty()).then_some(Transition::TwoPart(a, b))
            }
            None => {
                let t = phrase_tokens(line);
                (!t.is_empty()).then_some(Transition::Single(t))
            }
        })
        .collect()
});

/// Single-word transitions (« cependant », « ainsi »), lower case.
pub static SINGLE_WORDS: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    TRANSITIONS
        .iter()
        .filter_map(|t| match t {
            Transition::Single(p) if p.len() == 1 => Some(p[0].clone()),
            _ => None,
        })
        .collect()
});

fn find(tokens: &[String], phrase: &[String], from: usize) -> Option<usize> {
    if phrase.len() > tokens.len() {
        return None;
    }
    (from..=tokens.len() - phrase.len()).find(|&i| tokens[i..i + phrase.len()] == *phrase)
}

/// The transitions found in `sentence`, as written in the list.
pub fn transitions_in(sentence: &str) -> Vec<String> {
    let tokens = phrase_tokens(sentence);
    let mut out = Vec::new();
    for t in TRANSITIONS.iter() {
        match t {
            Transition::Single(p) => {
                if find(&tokens, p, 0).is_some() {
                    out.push(p.join(" ").replace("’ ", "’"));
                }
            }
            Transition::TwoPart(a, b) => {
                if let Some(i) = find(&tokens, a, 0) {
                    if find(&tokens, b, i + a.len()).is_some() {
                        out.push(format!("{} … {}", a.join(" "), b.join(" ")).replace("’ ", "’"));
                    }
                }
            }
        }
    }
    out
}

/// Whether `sentence` contains at least one transition word or phrase.
pub fn has_transition(sentence: &str) -> bool {
    let tokens = phrase_tokens(sentence);
    TRANSITIONS.iter().any(|t| match t {
        Transition::Single(p) => find(&tokens, p, 0).is_some(),
        Transition::TwoPart(a, b) => {
            find(&tokens, a, 0).is_some_and(|i| find(&tokens, b, i + a.len()).is_some())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_single_words_and_phrases() {
        assert!(has_transition("Cependant, la pluie continue."));
        assert!(has_transition("Tout d'abord, il faut comprendre."));
        assert!(has_transition("Il reste, par conséquent, chez lui."));
        assert!(!has_transition("Le chat dort sur le canapé."));
        assert!(transitions_in("Tout d’abord, il part.").contains(&"tout d’abord".to_string()));
    }

    #[test]
    fn two_part_transitions_need_both_parts_in_order() {
        let both = "D’une part le prix baisse, d’autre part la qualité monte.";
        assert!(transitions_in(both).contains(&"d’une part … d’autre part".to_string()));
        let first_only = "D’une part le prix baisse.";
        assert!(!transitions_in(first_only).iter().any(|t| t.contains('…')));
        let reversed = "D’autre part le prix baisse, d’une part la qualité monte.";
        assert!(!transitions_in(reversed)
            .iter()
            .any(|t| t.contains("d’une part …")));
        assert!(has_transition("Tantôt il pleut, tantôt il vente."));
        assert!(!has_transition("Tantôt le chat dort sur le canapé."));
    }

    #[test]
    fn empty_and_foreign_text() {
        assert!(!has_transition(""));
        assert!(!has_transition("😀 Привет"));
    }
}
