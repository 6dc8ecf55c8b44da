//! What a sub-editor reads for besides SEO: words the French dictionary does not know,
//! fragments, unbalanced quotation marks, sentences that say again what another says, and
//! headings that claim what the article does not say. Measured once per document; `plume
//! check` reports it and the quality harness (`examples/quality`) counts it.

use crate::analysis::agreement::disagreements;
use crate::analysis::content::{near_duplicate_pairs, stem_set, words_outside, SourceContext};
use crate::analysis::document::Document;
use crate::analysis::fragments::{balanced_quotes, fragment, Fragment};
use crate::analysis::spelling::unknown_words;
use crate::analysis::text::sentences;
use crate::source::lang::detect;
use crate::source::BlockKind;

/// The language problems of a document.
#[derive(Debug, Clone, Default)]
pub struct Quality {
    /// Words unknown to the French dictionary (a French source's own words excepted).
    pub unknown_words: Vec<String>,
    /// A determiner and its noun of different genders (« une petite bateau »).
    pub agreement: Vec<String>,
    /// Sentences of the body, lists and answers that are not whole.
    pub fragments: Vec<(String, Fragment)>,
    /// Paragraphs whose « » do not balance.
    pub unbalanced: Vec<String>,
    /// Pairs of sentences sharing at least 80 % of their content words.
    pub near_duplicates: Vec<(String, String)>,
    /// Content words of the title and headings found neither in the body nor in the source
    /// (with a source only).
    pub heading_words: Vec<String>,
}

/// Measures `doc`, against `source` when there is one.
pub fn measure(doc: &Document, source: Option<&str>) -> Quality {
    let body_blocks: Vec<&str> = doc
        .blocks
        .iter()
        .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
        .map(|b| b.text.as_str())
        .collect();
    let body = body_blocks.join("\n");
    let body_sentences: Vec<&str> = body_blocks.iter().flat_map(|b| sentences(b)).collect();

    let unknown_words = match source {
        Some(s) => SourceContext::new(s, detect(s).lang).unknown_words(&body),
        None => unknown_words(&body, &|_| false),
    };

    let agreement = disagreements(&body);
    // The sentence that introduces a list ends on a colon (« … plusieurs nouveautés : »): it
    // is whole when the list follows it.
    let introductions: Vec<&str> = doc
        .blocks
        .windows(2)
        .filter(|pair| {
            !matches!(pair[0].kind, BlockKind::Heading(_)) && pair[1].kind == BlockKind::ListItem
        })
        .filter_map(|pair| sentences(&pair[0].text).last().copied())
        .filter(|s| s.trim_end().ends_with(':'))
        .collect();
    let fragments = body_sentences
        .iter()
        .filter_map(|s| {
            let whole = if introductions.contains(s) {
                format!("{}.", s.trim_end().trim_end_matches(':').trim_end())
            } else {
                s.to_string()
            };
            fragment(&whole).map(|f| (s.to_string(), f))
        })
        .collect();
    let unbalanced = body_blocks
        .iter()
        .filter(|b| !balanced_quotes(b))
        .map(|b| b.to_string())
        .collect();
    let near_duplicates = near_duplicate_pairs(&body_sentences)
        .into_iter()
        .map(|(i, j)| (body_sentences[i].to_string(), body_sentences[j].to_string()))
        .collect();

    let known = stem_set(&format!("{body}\n{}", source.unwrap_or("")));
    let mut heading_words: Vec<String> = Vec::new();
    let headings_checked = source.is_some();
    let title = doc.front.title.clone().unwrap_or_default();
    let headings = doc
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading(_)))
        .map(|b| b.text.as_str())
        .chain(std::iter::once(title.as_str()))
        .filter(|_| headings_checked);
    for h in headings {
        for w in words_outside(h, &known) {
            if !heading_words.contains(&w) {
                heading_words.push(w);
            }
        }
    }
    Quality {
        unknown_words,
        agreement,
        fragments,
        unbalanced,
        near_duplicates,
        heading_words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_the_defects_of_a_padded_article() {
        let md = "# La passerelle de Valbrune rouvre\n\n\
            Le premier train est parti de Valbrune lundi. La région a financé les travaux.\n\n\
            ## Les travaux annoncés par la préfecture\n\n\
            - Un glissement de terrain près des Granges.\n\
            - Lundi, le premier train est parti de Valbrune.\n\n\
            « Nous avons fait le choix inverse, a dit la maire. La requillera est prête.\n";
        let doc = Document::parse(md).unwrap();
        let q = measure(&doc, Some("Le premier train est parti de Valbrune lundi."));
        assert_eq!(q.unknown_words, vec!["requillera"]);
        assert_eq!(q.fragments.len(), 2, "{:?}", q.fragments);
        assert_eq!(q.unbalanced.len(), 1);
        assert_eq!(q.near_duplicates.len(), 1);
        assert_eq!(
            q.heading_words,
            vec!["passerelle", "rouvre", "annoncés", "préfecture"]
        );
    }

    #[test]
    fn a_paragraph_may_end_on_the_colon_that_introduces_a_list() {
        let md = "# La passerelle de Valbrune rouvre\n\n\
            La région a financé plusieurs travaux :\n\n\
            - La passerelle a été repeinte.\n\
            - Les quais ont été refaits.\n\n\
            Le chantier a duré un an :\n\n\
            Les habitants sont satisfaits.\n";
        let q = measure(&Document::parse(md).unwrap(), None);
        assert_eq!(
            q.fragments,
            vec![(
                "Le chantier a duré un an :".to_string(),
                Fragment::NoFinalPunctuation
            )]
        );
    }
}
