//! Paragraphs of at most [`MAX_PARAGRAPH_WORDS`] words, whatever the text: a long paragraph is
//! cut between sentences, and a "sentence" longer than a paragraph (a run-on line, a list
//! flattened to text, a quotation never closed) at its last sentence end, clause break or word
//! within the limit. Every word is kept, once and in order.

use crate::analysis::text::{sentences, word_count, word_ranges};

/// Longest paragraph, in words.
pub const MAX_PARAGRAPH_WORDS: usize = 150;

/// A paragraph cut to size aims at this many words, so that it reads as a paragraph rather
/// than as a block at the limit.
const TARGET_WORDS: usize = MAX_PARAGRAPH_WORDS * 2 / 3;

/// `p` as paragraphs of at most [`MAX_PARAGRAPH_WORDS`] words (`p` itself when it is short
/// enough): whole sentences together up to about `TARGET_WORDS` words; a sentence that no
/// paragraph could hold is cut into pieces of that size (a cut sentence reads as a fragment,
/// so a sentence that fits stays whole).
pub fn split(p: &str) -> Vec<String> {
    if word_count(p) <= MAX_PARAGRAPH_WORDS {
        return vec![p.to_string()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_words = 0;
    for sentence in sentences(p) {
        let parts = if word_count(sentence) > MAX_PARAGRAPH_WORDS {
            pieces(sentence, TARGET_WORDS)
        } else {
            vec![sentence]
        };
        for piece in parts {
            let words = word_count(piece);
            if !current.is_empty() && current_words + words > TARGET_WORDS {
                out.push(std::mem::take(&mut current));
                current_words = 0;
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(piece);
            current_words += words;
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `text` cut into pieces of at most `max` words (`text` whole when it has no more). Each cut
/// falls in the second half of the piece, after the word followed by the strongest mark: a
/// sentence end, then a semicolon or colon, then a comma or dash, then any word; the latest
/// of equals. The marks stay with the word before them.
pub fn pieces(text: &str, max: usize) -> Vec<&str> {
    let max = max.max(1);
    let words = word_ranges(text);
    if words.len() <= max {
        return vec![text];
    }
    let mut out = Vec::new();
    let (mut start, mut first) = (0, 0);
    while words.len() - first > max {
        // The piece ends after word `last`; the cut is at the first space after it.
        let strength = |last: usize| {
            let gap = &text[words[last].end..words[last + 1].start];
            let marks = gap.split(char::is_whitespace).next().unwrap_or_default();
            if marks.contains(['.', '!', '?', '…']) {
                3
            } else if marks.contains([';', ':']) {
                2
            } else if marks.contains(',') || gap.contains(['–', '—']) {
                1
            } else {
                0
            }
        };
        let last = (first + max / 2..first + max)
            .max_by_key(|&k| (strength(k), k))
            .unwrap_or(first + max - 1);
        let gap_start = words[last].end;
        let cut = text[gap_start..words[last + 1].start]
            .find(char::is_whitespace)
            .map_or(words[last + 1].start, |i| gap_start + i);
        out.push(text[start..cut].trim());
        start = cut;
        first = last + 1;
    }
    out.push(text[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_on_sentence_is_cut_at_clause_breaks_then_at_words() {
        let clauses: Vec<String> = (0..40)
            .map(|i| format!("la rue numéro {i} sera refaite"))
            .collect();
        let text = format!("La mairie annonce que {}.", clauses.join(", "));
        let parts = pieces(&text, 30);
        assert!(parts.len() > 1);
        assert_eq!(parts.join(" "), text, "every word, once, in order");
        for p in &parts[..parts.len() - 1] {
            assert!(word_count(p) <= 30, "{p}");
            assert!(p.ends_with(','), "cut after a comma: {p}");
        }
        // No mark at all: cut at the limit.
        let bare: Vec<String> = (0..100).map(|i| format!("mot{i}")).collect();
        let bare = bare.join(" ");
        let parts = pieces(&bare, 30);
        assert_eq!(parts.len(), 4);
        assert_eq!(word_count(parts[0]), 30);
        assert_eq!(parts.join(" "), bare);
        assert_eq!(pieces("Court.", 30), ["Court."]);
    }

    #[test]
    fn sentence_ends_inside_an_unclosed_quotation_still_cut() {
        // An opening quotation mark never closed makes the rest one "sentence".
        let sentences: Vec<String> = (0..60)
            .map(|i| format!("Le conseil a voté le point {i} du budget."))
            .collect();
        let text = format!("Il a dit « oui. {}", sentences.join(" "));
        let paragraphs = split(&text);
        assert!(paragraphs.len() > 3);
        for p in &paragraphs {
            assert!(word_count(p) <= MAX_PARAGRAPH_WORDS, "{p}");
        }
        for p in &paragraphs[1..] {
            assert!(p.starts_with("Le conseil"), "{p}");
        }
        assert_eq!(paragraphs.join(" "), text);
    }

    #[test]
    fn short_paragraphs_are_left_alone_and_long_ones_cut_between_sentences() {
        assert_eq!(
            split("Une phrase. Deux phrases."),
            ["Une phrase. Deux phrases."]
        );
        let long: Vec<String> = (0..30)
            .map(|i| format!("Le conseil a voté le point {i} du budget de la commune."))
            .collect();
        let long = long.join(" ");
        let paragraphs = split(&long);
        assert!(paragraphs.len() >= 3);
        for p in &paragraphs {
            assert!(word_count(p) <= TARGET_WORDS, "{p}");
            assert!(p.ends_with('.'), "{p}");
        }
        assert_eq!(paragraphs.join(" "), long);
    }
}
