//! plume: an offline article rewriter.
//!
//! An article in (plain text, Markdown or HTML, any language), a grounded, SEO-ready French web
//! article out, written by a local quantised GGUF model run with candle. The program owns the
//! structure and the facts; the model only writes words, and every word it writes is checked
//! against the source before it is kept.
//!
//! - [`model`]: a GGUF file → next-token logits (our Gemma 3 forward pass, candle's Qwen/Llama),
//!   the tokenizer the file carries, and where model files come from.
//! - [`generate`]: sampling, stop strings, streaming, and the [`generate::TextGenerator`] trait.
//! - [`article`]: reading the source (text, Markdown, HTML) and rendering the result
//!   (Markdown with front matter, HTML5 with JSON-LD, JSON).
//! - [`analysis`]: French text tools and the SEO, readability, typography and faithfulness
//!   report shared by `plume check` and the rewrite's own verification.

pub mod analysis;
pub mod article;
pub mod bench;
pub mod error;
pub mod facts;
pub mod generate;
pub mod model;
pub mod progress;
pub mod rewrite;
pub mod source;

pub use error::{Error, Result};

/// An enum whose values a user names on the command line or in a file (`md`, `cuda`): the
/// names, [`std::fmt::Display`] to write one and [`std::str::FromStr`] to read one back.
pub trait Named:
    std::str::FromStr<Err = Error> + std::fmt::Display + Clone + Send + Sync + 'static
{
    /// Every value's name, in declaration order.
    const NAMES: &'static [&'static str];
}
