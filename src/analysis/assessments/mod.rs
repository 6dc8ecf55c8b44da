//! The assessments, one per file, each with its own tests. They all read a
//! [`Context`] computed once per article (sentences, counts, keyphrase, typography
//! fixes, faithfulness check), so running all of them stays cheap.

mod keyphrase;

pub mod consecutive_sentences;
pub mod english_quotes;
pub mod faithful_names;
pub mod faithful_numbers;
pub mod faithful_quotes;
pub mod faithful_words;
pub mod flesch_reading_ease;
pub mod guillemet_spacing;
pub mod heading_levels;
pub mod keyphrase_density;
pub mod keyphrase_in_introduction;
pub mod keyphrase_in_meta_description;
pub mod keyphrase_in_slug;
pub mod keyphrase_in_subheadings;
pub mod keyphrase_in_title;
pub mod keyphrase_length;
pub mod language;
pub mod meta_description_length;
pub mod paragraph_length;
pub mod passive_voice;
pub mod punctuation_spacing;
pub mod section_length;
pub mod sentence_length;
pub mod single_h1;
pub mod source_coverage;
pub mod straight_apostrophes;
pub mod text_length;
pub mod title_case_headings;
pub mod title_width;
pub mod transition_words;

pub use keyphrase::Keyphrase;

use crate::analysis::document::Document;
use crate::analysis::passive::is_passive;
use crate::analysis::quality::{self, Quality};
use crate::analysis::report::{Area, Finding, Severity};
use crate::analysis::text::{fold, sentences, syllables, word_count, words};
use crate::analysis::transition::has_transition;
use crate::analysis::typography::{fix_typography, Fix};
use crate::facts::{Facts, FaithReport};
use crate::source::BlockKind;

/// What an analysis needs besides the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// The focus keyphrase (else the front matter's).
    pub keyphrase: Option<String>,
    /// The source text, for the faithfulness checks.
    pub source: Option<String>,
    /// The minimum text length in words.
    pub min_words: usize,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            keyphrase: None,
            source: None,
            min_words: 700,
        }
    }
}

/// One sentence of the content, with what the readability assessments need.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Its text.
    pub text: String,
    /// The index of its block in `Document::blocks`.
    pub block: usize,
    /// Its number of words.
    pub words: usize,
    /// Its number of syllables.
    pub syllables: usize,
    /// Whether it contains a passive construction.
    pub passive: bool,
    /// Whether it contains a transition word.
    pub transition: bool,
    /// Its first word (first two when the first is a determiner), folded.
    pub start: String,
}

/// Everything the assessments read, computed once.
pub struct Context<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The SEO title (front matter, else H1).
    pub title: Option<String>,
    /// The focus keyphrase.
    pub keyphrase: Option<Keyphrase>,
    /// The minimum text length in words.
    pub min_words: usize,
    /// The content's sentences (every block but the H1).
    pub sentences: Vec<Sentence>,
    /// Words in the content (every block but the H1).
    pub word_count: usize,
    /// The typography fixes the file needs.
    pub typography: Vec<Fix>,
    /// The faithfulness check, when a source was given.
    pub faith: Option<FaithReport>,
    /// Spelling, fragments, repetition, heading claims.
    pub quality: Quality,
    /// Each body sentence's word-by-word comparison with the source sentences it shares
    /// most words with, when a source was given.
    pub words: Option<faithful_words::SentenceWords>,
}

const DETERMINERS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "ce", "cet", "cette", "ces", "du", "de", "d",
];

fn sentence_start(text: &str) -> String {
    let ws: Vec<String> = words(text).into_iter().take(2).map(fold).collect();
    match ws.as_slice() {
        [first, second, ..] if DETERMINERS.contains(&first.as_str()) => format!("{first} {second}"),
        [first, ..] => first.split('\'').next().unwrap_or(first).to_string(),
        [] => String::new(),
    }
}

impl<'a> Context<'a> {
    /// Prepares the context for `doc`.
    pub fn new(doc: &'a Document, opts: &CheckOptions) -> Context<'a> {
        let keyphrase = opts
            .keyphrase
            .as_deref()
            .or(doc.front.keyphrase.as_deref())
            .and_then(Keyphrase::new);
        let mut sents = Vec::new();
        let mut count = 0;
        for (i, block) in doc.blocks.iter().enumerate() {
            if block.kind == BlockKind::Heading(1) {
                continue;
            }
            count += word_count(&block.text);
            for s in sentences(&block.text) {
                let n = word_count(s);
                if n == 0 {
                    continue;
                }
                sents.push(Sentence {
                    text: s.to_string(),
                    block: i,
                    words: n,
                    syllables: syllables(s),
                    passive: is_passive(s),
                    transition: has_transition(s),
                    start: sentence_start(s),
                });
            }
        }
        let faith = opts.source.as_deref().map(|src| {
            let body: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
            Facts::extract(src).check(&body.join("\n"))
        });
        let words = opts
            .source
            .as_deref()
            .map(|src| faithful_words::SentenceWords::new(doc, &sents, src));
        Context {
            doc,
            title: doc.title(),
            keyphrase,
            min_words: opts.min_words,
            sentences: sents,
            word_count: count,
            typography: fix_typography(&doc.raw).1,
            faith,
            quality: quality::measure(doc, opts.source.as_deref()),
            words,
        }
    }

    /// The span of block `i`.
    pub fn block_span(&self, i: usize) -> Option<(usize, usize)> {
        self.doc.blocks.get(i).map(|b| b.span)
    }
}

/// The finding every keyphrase assessment gives when there is no keyphrase.
pub fn no_keyphrase(id: &'static str) -> Finding {
    Finding::new(
        id,
        Area::Seo,
        Severity::Problem,
        0,
        "Aucune expression clé : indiquez-en une (option --keyphrase ou clé « keyphrase » du front matter).",
    )
}

/// A percentage, 0 when `total` is 0.
pub fn percent(part: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 * 100.0 / total as f64
    }
}

/// Formats a percentage the French way (« 12,5 % »).
pub fn fr_percent(p: f64) -> String {
    format!("{:.1}\u{a0}%", p).replace('.', ",")
}

/// All the assessments, in report order.
pub fn run_all(ctx: &Context) -> Vec<Finding> {
    // Without a keyphrase, one finding says so (not one per keyphrase assessment).
    let mut out = if ctx.keyphrase.is_some() {
        vec![
            keyphrase_in_title::assess(ctx),
            keyphrase_in_introduction::assess(ctx),
            keyphrase_density::assess(ctx),
            keyphrase_in_meta_description::assess(ctx),
            keyphrase_in_subheadings::assess(ctx),
            keyphrase_in_slug::assess(ctx),
            keyphrase_length::assess(ctx),
        ]
    } else {
        vec![no_keyphrase("keyphrase")]
    };
    out.extend([
        meta_description_length::assess(ctx),
        title_width::assess(ctx),
        text_length::assess(ctx),
        single_h1::assess(ctx),
        heading_levels::assess(ctx),
        section_length::assess(ctx),
        paragraph_length::assess(ctx),
        sentence_length::assess(ctx),
        passive_voice::assess(ctx),
        transition_words::assess(ctx),
        consecutive_sentences::assess(ctx),
        flesch_reading_ease::assess(ctx),
        straight_apostrophes::assess(ctx),
        punctuation_spacing::assess(ctx),
        guillemet_spacing::assess(ctx),
        english_quotes::assess(ctx),
        title_case_headings::assess(ctx),
        language::spelling(ctx),
        language::whole_sentences(ctx),
        language::repetition(ctx),
    ]);
    if ctx.faith.is_some() {
        out.push(language::heading_claims(ctx));
        out.push(faithful_names::assess(ctx));
        out.push(faithful_numbers::assess(ctx));
        out.push(faithful_quotes::assess(ctx));
        out.push(faithful_words::assess(ctx));
        out.push(source_coverage::assess(ctx));
    }
    out
}

/// The finding of a typography rule: good when the fixer has nothing to change.
pub fn typography_finding(
    ctx: &Context,
    id: &'static str,
    rule: &'static str,
    what: &str,
) -> Finding {
    let fixes: Vec<&Fix> = ctx.typography.iter().filter(|f| f.rule == rule).collect();
    let Some(first) = fixes.first() else {
        return Finding::new(
            id,
            Area::Typography,
            Severity::Good,
            9,
            format!("{what} : rien à corriger."),
        );
    };
    let visible = |t: &str| {
        t.replace('\u{a0}', "[insécable]")
            .replace('\u{202f}', "[fine]")
    };
    let examples: Vec<String> = fixes
        .iter()
        .take(3)
        .map(|f| format!("« {} » → « {} »", visible(&f.before), visible(&f.after)))
        .collect();
    Finding::new(
        id,
        Area::Typography,
        Severity::Improve,
        6,
        format!(
            "{what} : {} correction(s) à faire, par exemple {} (plume check --fix les applique).",
            fixes.len(),
            examples.join(", ")
        ),
    )
    .with_span(Some(first.span))
    .with_fix(first.after.clone())
}

/// The span, in characters, of the first occurrence of `needle` in the file.
pub fn span_of(ctx: &Context, needle: &str) -> Option<(usize, usize)> {
    let byte = ctx.doc.raw.find(needle)?;
    let start = ctx.doc.raw[..byte].chars().count();
    Some((start, start + needle.chars().count()))
}

#[cfg(test)]
pub mod testing {
    //! Helpers for the assessments' tests: small French texts of known lengths.

    use super::*;

    const POOL: &[&str] = &[
        "le", "chat", "noir", "dort", "sur", "le", "vieux", "canapé", "rouge", "du", "salon",
        "avec", "son", "jouet", "favori", "près", "de", "la", "grande", "fenêtre", "ouverte",
        "vers", "le", "jardin", "fleuri",
    ];

    /// A sentence of exactly `n` words (n ≥ 1), no transition word, no passive.
    pub fn sentence(n: usize) -> String {
        let mut s: Vec<String> = (0..n).map(|i| POOL[i % POOL.len()].to_string()).collect();
        if let Some(first) = s.first_mut() {
            let mut cs = first.chars();
            *first = cs
                .next()
                .map(|c| c.to_uppercase().chain(cs).collect())
                .unwrap_or_default();
        }
        format!("{}.", s.join(" "))
    }

    /// A paragraph of exactly `n` words, in sentences of at most ten words.
    pub fn paragraph(n: usize) -> String {
        let mut parts = Vec::new();
        let mut left = n;
        while left > 0 {
            let k = left.min(10);
            parts.push(sentence(k));
            left -= k;
        }
        parts.join(" ")
    }

    /// Runs `assess` on `markdown` with the given options.
    pub fn run_with(
        markdown: &str,
        opts: &CheckOptions,
        assess: fn(&Context) -> Finding,
    ) -> Finding {
        let doc = Document::parse(markdown).expect("test article parses");
        let ctx = Context::new(&doc, opts);
        assess(&ctx)
    }

    /// Runs `assess` on `markdown` with `keyphrase`.
    pub fn run(
        markdown: &str,
        keyphrase: Option<&str>,
        assess: fn(&Context) -> Finding,
    ) -> Finding {
        let opts = CheckOptions {
            keyphrase: keyphrase.map(str::to_string),
            ..CheckOptions::default()
        };
        run_with(markdown, &opts, assess)
    }

    #[test]
    fn helpers_have_the_right_lengths() {
        assert_eq!(word_count(&sentence(7)), 7);
        assert_eq!(word_count(&paragraph(151)), 151);
        assert_eq!(sentences(&paragraph(35)).len(), 4);
        assert!(!has_transition(&sentence(25)));
        assert!(!is_passive(&sentence(25)));
    }
}
