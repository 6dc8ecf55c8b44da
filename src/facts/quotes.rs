//! Quotations: « … », “…”, „…“ and "…", compared word for word after normalisation
//! (case, accents, apostrophes, spaces and punctuation folded).

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::text::fold;

static QUOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"«([^«»]+)»|“([^“”]+)”|„([^„“”]+)[“”]|"([^"\n]+)""#).unwrap());

/// The quotations of `text` (their inner text, trimmed).
pub fn quotations(text: &str) -> Vec<String> {
    QUOTE
        .captures_iter(text)
        .filter_map(|c| {
            (1..=4)
                .find_map(|k| c.get(k))
                .map(|m| m.as_str().trim().to_string())
        })
        .filter(|q| q.chars().any(char::is_alphanumeric))
        .collect()
}

/// `text` as a sequence of folded words between single spaces, padded with a space
/// at both ends so that word-bounded searches are plain substring searches.
pub fn normalise(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::from(" ");
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// Whether every fragment of `quote` (split at ellipses) occurs word for word in the
/// normalised source `norm_source`.
pub fn quote_found(quote: &str, norm_source: &str) -> bool {
    let fragments: Vec<String> = quote
        .split(['…', '['])
        .flat_map(|f| f.split("..."))
        .map(normalise)
        .filter(|f| f.trim().chars().any(char::is_alphanumeric))
        .collect();
    !fragments.is_empty() && fragments.iter().all(|f| norm_source.contains(f.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_and_compares() {
        let source = "Il a déclaré : « Nous ne céderons pas, jamais ! » puis est parti.";
        let q = quotations("Il affirme « nous ne céderons pas » et “c’est fini”.");
        assert_eq!(q, vec!["nous ne céderons pas", "c’est fini"]);
        let norm = normalise(source);
        assert!(quote_found("Nous ne  céderons pas, jamais\u{a0}!", &norm));
        assert!(quote_found("nous ne céderons […] jamais", &norm));
        assert!(!quote_found("nous ne reculerons pas", &norm));
        assert!(!quote_found("…", &norm));
    }
}
