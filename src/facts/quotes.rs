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

/// `text` without its quotations: each balanced one becomes a space, and a quotation still
/// open at the end (or closed without its start: a sentence inside a longer quotation) takes
/// the rest of the text (or all before it) with it.
pub fn outside_quotations(text: &str) -> String {
    let mut out = QUOTE.replace_all(text, " ").into_owned();
    if let Some((close, mark)) = out.char_indices().rfind(|(_, c)| ['»', '”'].contains(c)) {
        out.replace_range(..close + mark.len_utf8(), " ");
    }
    if let Some(open) = out.find(['«', '„', '“', '"']) {
        out.truncate(open);
    }
    out
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

    #[test]
    fn what_is_outside_quotations() {
        let words = |t: &str| {
            outside_quotations(t)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(words("Il a dit « nous partons » hier."), "Il a dit hier.");
        assert_eq!(words("„Wir gehen“, sagte er."), ", sagte er.");
        assert_eq!(words("Elle a ajouté : « Nous verrons"), "Elle a ajouté :");
        assert_eq!(words("nous verrons », a-t-elle dit."), ", a-t-elle dit.");
        assert_eq!(words("Sans citation."), "Sans citation.");
    }
}
