//! The facts of one sentence as spans to mark on the review page: quotations, dates, numbers
//! and names, in the article and in the source alike.

use std::ops::Range;

use crate::analysis::content::is_content_word;
use crate::analysis::text::word_ranges;
use crate::facts::{numbers, quotes};
use crate::source::Lang;

/// What a marked span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Quote,
    Date,
    Number,
    Name,
}

impl Mark {
    /// The CSS class of the mark.
    pub fn class(self) -> &'static str {
        match self {
            Mark::Quote => "m-quote",
            Mark::Date => "m-date",
            Mark::Number => "m-num",
            Mark::Name => "m-name",
        }
    }
}

/// The marked spans of `text` (byte ranges), in order and never overlapping: a quotation
/// first, then dates, numbers and names outside it.
pub fn marks(text: &str) -> Vec<(Range<usize>, Mark)> {
    let mut out: Vec<(Range<usize>, Mark)> = Vec::new();
    let mut add = |range: Range<usize>, mark: Mark| {
        if !range.is_empty()
            && !out
                .iter()
                .any(|(r, _)| r.start < range.end && range.start < r.end)
        {
            out.push((range, mark));
        }
    };
    for q in quotes::quotations(text) {
        for r in occurrences(text, &q) {
            add(r, Mark::Quote);
        }
    }
    // Dates are found in the lower-cased text; its offsets are the text's own when lower
    // casing kept every byte length (it does for French, English, German, Spanish).
    let lower = text.to_lowercase();
    if lower.len() == text.len() {
        for d in numbers::dates(text) {
            for r in occurrences(&lower, &d.raw) {
                add(r, Mark::Date);
            }
        }
    }
    for n in numbers::numbers(text, Lang::Fr) {
        for r in occurrences(text, &n.raw) {
            add(r, Mark::Number);
        }
    }
    for (i, r) in word_ranges(text).into_iter().enumerate() {
        let word = &text[r.clone()];
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if i > 0 && capital && is_content_word(&word.to_lowercase()) {
            add(r, Mark::Name);
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// Every place `needle` occurs in `text`.
fn occurrences(text: &str, needle: &str) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    text.match_indices(needle)
        .map(|(i, m)| i..i + m.len())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str) -> Vec<(&str, Mark)> {
        marks(text)
            .into_iter()
            .map(|(r, m)| (&text[r], m))
            .collect()
    }

    #[test]
    fn quotations_numbers_dates_and_names_are_marked_once() {
        let text =
            "Le 12 mars, Jeanne Morel a dit : « Nous ouvrirons 3 gares. » Le coût : 4,5 millions.";
        let m = marked(text);
        assert!(
            m.contains(&("Nous ouvrirons 3 gares.", Mark::Quote)),
            "{m:?}"
        );
        assert!(m.contains(&("12 mars", Mark::Date)), "{m:?}");
        assert!(m.contains(&("4,5", Mark::Number)), "{m:?}");
        assert!(m.contains(&("Jeanne", Mark::Name)) && m.contains(&("Morel", Mark::Name)));
        // The number inside the quotation is the quotation's; the first word is no name.
        assert!(!m.contains(&("3", Mark::Number)) && !m.iter().any(|(w, _)| *w == "Le"));
    }
}
