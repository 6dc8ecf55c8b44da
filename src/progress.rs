//! What a long job says while it runs. The library tells a [`Reporter`] how far it is; the
//! binary shows that (a progress bar on a terminal), tests and `--quiet` pass [`Silent`].

/// Hears of a rewrite's (or a batch's) progress. Every method does nothing by default.
pub trait Reporter: Sync {
    /// Batch: the article called `name` starts.
    fn start_article(&self, _name: &str) {}

    /// Batch: the current article is done (written, skipped or failed).
    fn finish_article(&self) {}

    /// The current article will take `steps` steps.
    fn set_length(&self, _steps: usize) {}

    /// One step of the current article is done; `what` says what it was.
    fn step(&self, _what: &str) {}
}

/// A reporter that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Reporter for Silent {}
