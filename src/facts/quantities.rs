//! How much a sentence claims: « certaines des questions » is not « les questions », nor « plus
//! de douze heures » « douze heures ». A rewrite keeps each quantifier of its source sentence
//! (some, most, more or less than a number, at least, about) and adds none: the same names and
//! numbers with another quantifier say something else.

use std::collections::BTreeSet;

use crate::analysis::lists::NUMBER_WORDS;
use crate::analysis::text::{fold, phrase_tokens};
use crate::source::lang::Lang;

/// What a quantifier says of its noun or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quantity {
    /// Some of them (« certaines », « quelques », « plusieurs », « une partie »).
    Some,
    /// Most of them (« la plupart », « la majorité »).
    Most,
    /// More than a number (« plus de 12 »).
    MoreThan,
    /// Less than a number (« moins de 12 »).
    LessThan,
    /// At least (« au moins »).
    AtLeast,
    /// At most (« au plus », « pas plus de 25 », « ne … plus de 25 », *no more than 25*).
    AtMost,
    /// About or almost (« environ », « près de 12 », « presque »).
    About,
}

/// A quantifier: its words (folded, in a row), whether a number must follow them, and what
/// it says (`None`: words that look like one and are not, English *the most*).
type Quantifier = (&'static [&'static str], bool, Option<Quantity>);

const FRENCH: &[Quantifier] = &[
    (&["certains"], false, Some(Quantity::Some)),
    (&["certaines"], false, Some(Quantity::Some)),
    (&["un", "certain", "nombre"], false, Some(Quantity::Some)),
    (&["quelques"], false, Some(Quantity::Some)),
    (&["plusieurs"], false, Some(Quantity::Some)),
    (&["une", "partie"], false, Some(Quantity::Some)),
    (&["un", "pan", "de"], false, Some(Quantity::Some)),
    (&["un", "pan", "du"], false, Some(Quantity::Some)),
    (&["la", "plupart"], false, Some(Quantity::Most)),
    (&["la", "majeure", "partie"], false, Some(Quantity::Most)),
    (&["une", "grande", "partie"], false, Some(Quantity::Most)),
    (&["une", "bonne", "partie"], false, Some(Quantity::Most)),
    (&["l'", "essentiel", "de"], false, Some(Quantity::Most)),
    (&["l'", "essentiel", "du"], false, Some(Quantity::Most)),
    (&["l'", "essentiel", "des"], false, Some(Quantity::Most)),
    (&["la", "majorite"], false, Some(Quantity::Most)),
    (&["pas", "plus", "de"], true, Some(Quantity::AtMost)),
    (&["pas", "plus", "d'"], true, Some(Quantity::AtMost)),
    (&["au", "plus"], false, Some(Quantity::AtMost)),
    (&["au", "maximum"], false, Some(Quantity::AtMost)),
    (&["maximum"], true, Some(Quantity::AtMost)),
    (&["plus", "de"], true, Some(Quantity::MoreThan)),
    (&["plus", "d'"], true, Some(Quantity::MoreThan)),
    (&["moins", "de"], true, Some(Quantity::LessThan)),
    (&["moins", "d'"], true, Some(Quantity::LessThan)),
    (&["au", "moins"], false, Some(Quantity::AtLeast)),
    (&["environ"], false, Some(Quantity::About)),
    (&["pres", "de"], true, Some(Quantity::About)),
    (&["pres", "d'"], true, Some(Quantity::About)),
    (&["a", "peu", "pres"], false, Some(Quantity::About)),
    (&["presque"], false, Some(Quantity::About)),
    (&["quasiment"], false, Some(Quantity::About)),
];

const ENGLISH: &[Quantifier] = &[
    (&["some"], true, Some(Quantity::About)),
    (&["some"], false, Some(Quantity::Some)),
    (&["several"], false, Some(Quantity::Some)),
    (&["a", "few"], false, Some(Quantity::Some)),
    (&["part", "of"], false, Some(Quantity::Some)),
    (&["the", "most"], false, None),
    (&["most"], false, Some(Quantity::Most)),
    (&["much", "of"], false, Some(Quantity::Most)),
    (&["the", "majority"], false, Some(Quantity::Most)),
    (&["no", "more", "than"], true, Some(Quantity::AtMost)),
    (&["not", "more", "than"], true, Some(Quantity::AtMost)),
    (&["at", "most"], false, Some(Quantity::AtMost)),
    (&["up", "to"], true, Some(Quantity::AtMost)),
    (&["a", "maximum", "of"], true, Some(Quantity::AtMost)),
    (&["more", "than"], true, Some(Quantity::MoreThan)),
    (&["over"], true, Some(Quantity::MoreThan)),
    (&["less", "than"], true, Some(Quantity::LessThan)),
    (&["fewer", "than"], true, Some(Quantity::LessThan)),
    (&["under"], true, Some(Quantity::LessThan)),
    (&["at", "least"], false, Some(Quantity::AtLeast)),
    (&["about"], true, Some(Quantity::About)),
    (&["around"], true, Some(Quantity::About)),
    (&["roughly"], false, Some(Quantity::About)),
    (&["approximately"], false, Some(Quantity::About)),
    (&["nearly"], false, Some(Quantity::About)),
    (&["almost"], false, Some(Quantity::About)),
];

/// The quantifiers of a language plume can compare (French and English for now).
fn quantifiers(lang: Lang) -> Option<&'static [Quantifier]> {
    match lang {
        Lang::Fr => Some(FRENCH),
        Lang::En => Some(ENGLISH),
        _ => None,
    }
}

/// A number as a sentence writes it: digits, or a number word (« douze », *twelve*).
pub(crate) fn is_number(token: &str) -> bool {
    token.chars().next().is_some_and(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains_key(token)
}

/// The quantities `text` (in `lang`) claims; `None` for a language without a table.
pub fn quantities(text: &str, lang: Lang) -> Option<BTreeSet<Quantity>> {
    let table = quantifiers(lang)?;
    let tokens: Vec<String> = phrase_tokens(text).iter().map(|t| fold(t)).collect();
    let mut found = BTreeSet::new();
    let mut i = 0;
    while i < tokens.len() {
        let matched = table.iter().find(|(words, number, _)| {
            tokens.len() - i >= words.len()
                && tokens[i..].iter().zip(words.iter()).all(|(t, w)| t == w)
                && (!number || tokens.get(i + words.len()).is_some_and(|t| is_number(t)))
        });
        match matched {
            Some((words, _, quantity)) => {
                // « ne peut accueillir plus de 25 visiteurs »: a bound, not *more than 25*.
                let bounded = *quantity == Some(Quantity::MoreThan)
                    && lang == Lang::Fr
                    && tokens[i.saturating_sub(6)..i]
                        .iter()
                        .any(|t| t == "ne" || t == "n'");
                found.extend(if bounded {
                    Some(Quantity::AtMost)
                } else {
                    *quantity
                });
                i += words.len();
            }
            None => i += 1,
        }
    }
    Some(found)
}

/// The quantities `candidate` (French) and `original` (in `lang`) do not share: those one says
/// and the other does not. Empty when they agree, or when `lang` has no table.
pub fn changed_quantities(candidate: &str, original: &str, lang: Lang) -> Vec<Quantity> {
    match (quantities(candidate, Lang::Fr), quantities(original, lang)) {
        (Some(ours), Some(theirs)) => ours.symmetric_difference(&theirs).copied().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str, lang: Lang) -> Vec<Quantity> {
        quantities(text, lang).unwrap().into_iter().collect()
    }

    #[test]
    fn finds_what_a_sentence_quantifies() {
        assert_eq!(
            q(
                "Certaines des questions les plus épineuses ont été discutées.",
                Lang::Fr
            ),
            vec![Quantity::Some]
        );
        assert_eq!(
            q(
                "Des patients ont passé plus de douze heures sur un brancard.",
                Lang::Fr
            ),
            vec![Quantity::MoreThan]
        );
        // « plus de » without a number is no quantity (« il n’y a plus de bus »)
        assert_eq!(q("Il n’y a plus de bus le dimanche.", Lang::Fr), vec![]);
        assert_eq!(
            q(
                "Il y a plus d’un an, l’essentiel des travaux était fait.",
                Lang::Fr
            ),
            vec![Quantity::Most, Quantity::MoreThan]
        );
        assert_eq!(
            q(
                "La plupart des élus, soit près de 40 personnes, ont voté.",
                Lang::Fr
            ),
            vec![Quantity::Most, Quantity::About]
        );
        assert_eq!(
            q(
                "Some 200 workers, at least half of them, joined several unions.",
                Lang::En
            ),
            vec![Quantity::Some, Quantity::AtLeast, Quantity::About]
        );
        assert_eq!(q("Over the weekend, 12 ships waited.", Lang::En), vec![]);
        assert_eq!(q("The most important ship is the ferry.", Lang::En), vec![]);
        assert!(quantities("Algunos trabajadores", Lang::Es).is_none());
        // An upper bound, however it is said.
        for (text, lang) in [
            (
                "La salle ne pourra accueillir plus de 25 visiteurs.",
                Lang::Fr,
            ),
            ("La salle n’accueillera pas plus de 25 visiteurs.", Lang::Fr),
            ("La salle accueillera 25 visiteurs au maximum.", Lang::Fr),
            ("La salle accueillera maximum 25 visiteurs.", Lang::Fr),
            ("The room will hold no more than 25 visitors.", Lang::En),
            ("The room will hold up to 25 visitors.", Lang::En),
        ] {
            assert_eq!(q(text, lang), vec![Quantity::AtMost], "{text}");
        }
    }

    #[test]
    fn a_rewrite_keeps_its_quantities_and_adds_none() {
        let original = "Lors de la réunion d’avril, certaines des questions les plus épineuses ont été discutées.";
        assert_eq!(
            changed_quantities(
                "La réunion d’avril a porté sur les questions les plus épineuses.",
                original,
                Lang::Fr
            ),
            vec![Quantity::Some]
        );
        assert!(changed_quantities(
            "En avril, plusieurs des questions les plus épineuses ont été abordées.",
            original,
            Lang::Fr
        )
        .is_empty());
        assert_eq!(
            changed_quantities(
                "Environ 200 dockers étaient en grève.",
                "200 dockers were on strike.",
                Lang::En
            ),
            vec![Quantity::About]
        );
        assert!(changed_quantities(
            "Plus de 200 dockers étaient en grève.",
            "More than 200 dockers were on strike.",
            Lang::En
        )
        .is_empty());
        assert!(
            changed_quantities("Unos 200 trabajadores.", "Unos 200 trabajadores.", Lang::Es)
                .is_empty()
        );
    }
}
