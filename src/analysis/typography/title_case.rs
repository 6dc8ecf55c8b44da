//! Title Case headings (« Les Nouvelles Règles Du Jeu »): English-style capitals that
//! French does not use. Only words that are French function words, or that the text
//! itself writes in lower case elsewhere, are lowered; other capitals may be names.

use std::collections::HashSet;

use crate::analysis::lists::FUNCTION_WORDS;
use crate::analysis::text::lower_fr;

/// Lower-case words of `text` (their lower-case form), the evidence that a capitalised
/// word is an ordinary word.
pub fn lowercase_vocabulary(text: &str) -> HashSet<String> {
    text.split(|c: char| !(c.is_alphabetic() || c == '’' || c == '\'' || c == '-'))
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(lower_fr)
        .collect()
}

/// Byte ranges (within `heading`) of the words to lower in a Title Case heading;
/// empty when the heading is not Title Case.
pub fn words_to_lower(heading: &str, vocabulary: &HashSet<String>) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in heading
        .char_indices()
        .chain(std::iter::once((heading.len(), ' ')))
    {
        let part_of_word =
            c.is_alphabetic() || ((c == '’' || c == '\'' || c == '-') && start.is_some());
        match (part_of_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    let eligible: Vec<(usize, usize)> = words
        .into_iter()
        .skip(1)
        .filter(|(s, e)| heading[*s..*e].chars().count() >= 2)
        .collect();
    let capitalised: Vec<(usize, usize)> = eligible
        .iter()
        .copied()
        .filter(|(s, e)| {
            let w = &heading[*s..*e];
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_lowercase)
        })
        .collect();
    if capitalised.len() < 2 || capitalised.len() * 2 <= eligible.len() {
        return Vec::new();
    }
    capitalised
        .into_iter()
        .filter(|(s, e)| {
            let lower = lower_fr(&heading[*s..*e]);
            let single_char_lower = heading[*s..*e]
                .chars()
                .next()
                .is_some_and(|c| c.to_lowercase().count() == 1);
            single_char_lower
                && (FUNCTION_WORDS.contains(lower.as_str()) || vocabulary.contains(&lower))
        })
        .collect()
}
