//! Articles in and out: reading a news article (plain text, Markdown or HTML) into a
//! [`Source`], and rendering the rewritten [`Article`] as Markdown, HTML or JSON.
//!
//! Reading: [`Source::from_path`] / [`Source::from_bytes`] decode and check the bytes
//! ([`decode`]), pick the format ([`source`]), reduce the document to blocks ([`plain`],
//! [`markdown`], [`html`]) and detect its language ([`lang`]).
//!
//! Writing: the rewrite fills an [`Article`] ([`output`]); [`render_markdown()`],
//! [`render_html()`] and [`render_json()`] turn it into text, and [`write_atomically`] puts
//! that text on disk without ever leaving a half-written file.

pub mod decode;
pub mod destination;
pub mod front_matter;
pub mod html;
pub mod lang;
pub mod markdown;
pub mod output;
pub mod plain;
pub mod recorded;
pub mod render_html;
pub mod render_json;
pub mod render_md;
pub mod source;

pub use destination::output_matches;
pub use front_matter::parse_front_matter;
pub use lang::{is_french, Lang, LangGuess};
pub use output::{write_atomically, Article, Provenance, Sampling, Section};
pub use recorded::{read_run_record, OutputFormat};
pub use render_html::render_html;
pub use render_json::render_json;
pub use render_md::render_markdown;
pub use source::{BlockKind, InputFormat, Source, SourceBlock};
