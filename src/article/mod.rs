//! The last stage, the article out: the rewrite fills an [`Article`] ([`output`]);
//! [`render_markdown()`], [`render_html()`] and [`render_json()`] turn it into text, and
//! [`write_atomically`] puts that text on disk without ever leaving a half-written file.
//! [`destination`] decides where outputs go without overwriting what the user had, and
//! [`recorded`] reads back the run record of an output written earlier.

pub mod destination;
pub mod front_matter;
pub mod output;
pub mod recorded;
pub mod render_html;
pub mod render_json;
pub mod render_md;

pub use destination::output_matches;
pub use front_matter::parse_front_matter;
pub use output::{write_atomically, Article, Provenance, Sampling, Section};
pub use recorded::{read_run_record, OutputFormat};
pub use render_html::render_html;
pub use render_json::render_json;
pub use render_md::render_markdown;
