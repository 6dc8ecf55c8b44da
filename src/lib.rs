//! plume: an offline article rewriter.
//!
//! An article in (plain text, Markdown or HTML, any language), a grounded, SEO-ready French web
//! article out, written by a local quantised GGUF model run with candle. The program owns the
//! structure and the facts; the model only writes words, and every word it writes is checked
//! against the source before it is kept.
//!
//! The pipeline, one module per stage: [`source`] (bytes → a `Source`: format, blocks,
//! language) → [`facts`] (names, numbers, dates, quotations, claims, and the check of a
//! candidate against them) → [`rewrite`] (plan → write each piece → verify → assemble and
//! enforce) → [`article`] (the article rendered as Markdown, HTML or JSON, written atomically)
//! and [`analysis`] (the SEO, readability, typography and faithfulness report, shared with
//! `plume check`). Beneath them, [`model`] (a GGUF file → next-token logits: our own forward
//! pass and kernels, the tokenizer the file carries, where model files come from) and
//! [`generate`] (sampling, stop strings, streaming, and the [`generate::TextGenerator`]
//! trait, local or an OpenAI-compatible server).
//!
//! The library never prints: progress goes to a [`progress::Reporter`], errors are one
//! [`Error`] type. The `plume` binary (`src/bin/plume/`) owns the command line.

pub mod analysis;
pub mod article;
pub mod bench;
pub mod error;
pub mod facts;
pub mod generate;
pub mod lexicon;
pub mod model;
pub mod progress;
pub mod review;
pub mod rewrite;
pub mod source;

pub use error::{Error, Result};

/// plume's cache folder: `$XDG_CACHE_HOME/plume`, else `~/.cache/plume` (lexicons, the French
/// vocabulary chosen for each model); `None` without either variable.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .map(|cache| cache.join("plume"))
}

/// An enum whose values a user names on the command line or in a file (`md`, `cuda`): the
/// names, [`std::fmt::Display`] to write one and [`std::str::FromStr`] to read one back.
pub trait Named:
    std::str::FromStr<Err = Error> + std::fmt::Display + Clone + Send + Sync + 'static
{
    /// Every value's name, in declaration order.
    const NAMES: &'static [&'static str];
}
