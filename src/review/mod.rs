//! The editor's review, after the article: an article and its source in, the [`Alignment`]
//! (which source sentences each article sentence was written from, how it was made, which
//! checks it passed, what was turned down) and a self-contained review page out
//! ([`review_page`]): the source beside the article, sentence by sentence, the report on top.
//!
//! The same for an article plume has just written (its own record links each model-written
//! sentence to the exact source sentences it was given) and for any article given to
//! `plume check --source` (the links are found from the words the sentences share).

pub mod align;
pub mod marks;
pub mod page;

pub use align::{align, article_blocks, source_sentences, Alignment, Origin, Part, SourceSentence};

use crate::analysis::{Document, Report};
use crate::article::{render_markdown, Article};
use crate::error::{Error, Result};

/// The review page of the article `doc` (as `plume check` reads it), its `report` and its
/// `alignment`; `source_label` names the source.
pub fn review_page(
    doc: &Document,
    report: &Report,
    alignment: &Alignment,
    source_label: &str,
) -> String {
    let blocks = article_blocks(doc);
    page::page(&page::Review {
        blocks: &blocks,
        report,
        alignment,
        source_label,
    })
}

/// `article` rendered as Markdown and read back as `plume check` reads it.
pub fn article_document(article: &Article) -> Result<Document> {
    Document::parse(&render_markdown(article))
        .map_err(|e| Error::Internal(format!("plume cannot read back its own article: {e}")))
}

/// The source's text as the alignment holds it: its sentences, one paragraph per block.
pub fn source_text(alignment: &Alignment) -> String {
    let mut out = String::new();
    let mut block = None;
    for s in &alignment.source {
        if block.is_some() {
            out.push_str(if block == Some(s.block) { " " } else { "\n\n" });
        }
        out.push_str(&s.text);
        block = Some(s.block);
    }
    out
}
