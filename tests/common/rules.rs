//! Every rule a rewritten article must meet, checked on its rendered Markdown: shared by the
//! pipeline tests (fake generators) and the end-to-end tests (the real model).

#![allow(dead_code)]

use plume::analysis::slug::{slugify, MAX_SLUG_CHARS};
use plume::analysis::text::{sentences, word_count};
use plume::analysis::{self, CheckOptions, Document, Report};
use plume::source::{is_french, Source};

/// Every rule of the output, checked on the rendered Markdown; returns the report. The article
/// has `min_words` words, or most of the source's when the source is shorter: plume never
/// pads a short source.
pub fn assert_rules(markdown: &str, source: &Source, min_words: usize) -> Report {
    let min_words = min_words.min(source.word_count() * 4 / 5);
    let doc = Document::parse(markdown).unwrap();
    let report = analysis::analyze(
        &doc,
        &CheckOptions {
            keyphrase: None,
            source: Some(source.full_text()),
            min_words,
        },
    );
    let finding = |id: &str| {
        report
            .findings
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("no finding {id}"))
    };
    let good = |id: &str| {
        let f = finding(id);
        assert_eq!(
            f.severity,
            analysis::Severity::Good,
            "{id}: {}\n{markdown}",
            f.message
        );
    };
    for id in [
        "single_h1",
        "heading_levels",
        "section_length",
        "paragraph_length",
        "meta_description_length",
        "keyphrase_in_slug",
        "keyphrase_in_meta_description",
        "straight_apostrophes",
        "punctuation_spacing",
        "guillemet_spacing",
        "english_quotes",
        "title_case_headings",
        "faithful_numbers",
        "faithful_quotes",
        // What a sub-editor reads for: French words, whole sentences, no repetition, headings
        // that claim only what the article says.
        "spelling",
        "whole_sentences",
        "repetition",
        "heading_claims",
    ] {
        good(id);
    }
    // The keyphrase near the start of the title (Yoast's best score wants it first).
    assert_ne!(
        finding("keyphrase_in_title").severity,
        analysis::Severity::Problem
    );
    let title = doc.title().unwrap().to_lowercase();
    let keyphrase = doc.front.keyphrase.clone().unwrap().to_lowercase();
    assert!(
        title.find(&keyphrase).is_some_and(|i| i < 25),
        "keyphrase {keyphrase:?} near the start of {title:?}"
    );

    // The meta description and the slug, checked directly as well as by the report.
    let meta = doc.front.meta_description.clone().unwrap_or_default();
    let meta_chars = meta.trim().chars().count();
    assert!(
        (120..=156).contains(&meta_chars),
        "meta description of {meta_chars} characters: {meta:?}"
    );
    let slug = doc.front.slug.clone().unwrap_or_default();
    assert!(!slug.is_empty(), "no slug");
    assert!(
        slug.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
        "slug with characters other than a-z, 0-9 and hyphens: {slug:?}"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "slug with stray hyphens: {slug:?}"
    );
    assert!(
        slug.chars().count() <= MAX_SLUG_CHARS,
        "slug longer than {MAX_SLUG_CHARS} characters: {slug:?}"
    );
    let keyphrase_slug = slugify(&keyphrase);
    assert!(
        slug.contains(&keyphrase_slug),
        "slug {slug:?} without the keyphrase {keyphrase_slug:?}"
    );

    let faith = report
        .faithfulness
        .as_ref()
        .expect("checked against the source");
    assert!(
        faith.details.unknown_numbers.is_empty(),
        "numbers absent from the source: {:?}",
        faith.details.unknown_numbers
    );
    assert!(
        faith.details.broken_quotes.is_empty(),
        "quotations not kept word for word: {:?}",
        faith.details.broken_quotes
    );
    assert!(
        faith.details.unknown_names.len() <= 2,
        "invented names: {:?}",
        faith.details.unknown_names
    );
    let kept = faith.details.kept_entities.len() as f64;
    let all = kept + faith.details.missing_entities.len() as f64;
    assert!(
        all == 0.0 || kept / all >= 0.8,
        "kept {kept} of {all} entities: missing {:?}",
        faith.details.missing_entities
    );

    let h1 = markdown.lines().filter(|l| l.starts_with("# ")).count();
    assert_eq!(h1, 1, "exactly one H1");
    let h2 = markdown.lines().filter(|l| l.starts_with("## ")).count();
    assert!(h2 >= 3, "at least three H2, got {h2}");
    assert!(
        report.word_count >= min_words,
        "{} words",
        report.word_count
    );

    // Every paragraph is French and no sentence appears twice.
    let body = markdown.split("\n---\n").nth(1).unwrap_or(markdown);
    let mut seen = std::collections::HashSet::new();
    for block in body
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty() && !b.starts_with('#'))
    {
        let text = block.trim_start_matches("- ");
        if word_count(text) >= 12 {
            assert!(is_french(text), "not French: {text}");
        }
        for s in sentences(text) {
            let key: String = s
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if key.len() > 10 {
                assert!(seen.insert(key), "repeated sentence: {s}");
            }
        }
    }
    report
}

/// The value of `key` in a Markdown front matter (unquoted), if present.
pub fn front_matter_value(markdown: &str, key: &str) -> Option<String> {
    let (pairs, _) = plume::article::parse_front_matter(markdown);
    pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}
