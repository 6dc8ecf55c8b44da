//! Progress on stderr: for one article, a bar over its pieces; for a batch, a bar over the
//! articles with the current one's name and step, and an estimate of the time left. Hidden
//! when stderr is not a terminal or with `--quiet`.

use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use plume::progress::Reporter;

/// The bar over one article's pieces.
const ARTICLE_TEMPLATE: &str = "{spinner} [{bar:30}] {pos}/{len} {msg}";
/// The bar over a batch's articles; the prefix is the current article.
const BATCH_TEMPLATE: &str =
    "{spinner} [{bar:25}] {pos}/{len} articles, reste {eta} · {prefix} {wide_msg}";

/// A progress display, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// In a batch: the current article's steps done and to do (its name is the bar's prefix).
    batch: Option<(AtomicUsize, AtomicUsize)>,
}

impl Progress {
    /// A bar over one article's pieces when `visible`, else silent.
    pub fn new(visible: bool) -> Self {
        Progress {
            bar: visible.then(|| bar(0, ARTICLE_TEMPLATE)),
            batch: None,
        }
    }

    /// A bar over `articles` articles when `visible`, else silent.
    pub fn batch(visible: bool, articles: usize) -> Self {
        Progress {
            bar: visible.then(|| bar(articles, BATCH_TEMPLATE)),
            batch: Some((AtomicUsize::new(0), AtomicUsize::new(0))),
        }
    }

    /// Prints a line above the bar (or on stderr when there is no bar).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Reporter for Progress {
    /// Batch: the next article starts (its name is the bar's prefix).
    fn start_article(&self, name: &str) {
        if let Some((done, total)) = &self.batch {
            done.store(0, Ordering::Relaxed);
            total.store(0, Ordering::Relaxed);
        }
        if let Some(bar) = &self.bar {
            bar.set_prefix(name.to_string());
            bar.set_message("");
        }
    }

    /// Batch: the current article is done (written, skipped or failed).
    fn finish_article(&self) {
        if let (Some(bar), Some(_)) = (&self.bar, &self.batch) {
            bar.inc(1);
        }
    }

    /// The current article will take `n` steps.
    fn set_length(&self, n: usize) {
        match (&self.batch, &self.bar) {
            (Some((_, total)), _) => total.store(n, Ordering::Relaxed),
            (None, Some(bar)) => bar.set_length(n as u64),
            (None, None) => {}
        }
    }

    /// One step of the current article, `msg` saying what it is.
    fn step(&self, msg: &str) {
        let Some(bar) = &self.bar else {
            return;
        };
        match &self.batch {
            Some((done, total)) => {
                let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                bar.set_message(format!("· {msg} {done}/{}", total.load(Ordering::Relaxed)));
            }
            None => {
                bar.set_message(msg.to_string());
                bar.inc(1);
            }
        }
    }
}

fn bar(len: usize, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_valid() {
        for template in [ARTICLE_TEMPLATE, BATCH_TEMPLATE] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn a_batch_counts_the_steps_of_each_article() {
        let progress = Progress::batch(false, 2);
        progress.start_article("a.txt");
        progress.set_length(3);
        progress.step("phrases");
        let (done, total) = progress.batch.as_ref().unwrap();
        assert_eq!(
            (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed)),
            (0, 3),
            "no bar: nothing counted"
        );
        let shown = Progress {
            bar: Some(ProgressBar::hidden()),
            batch: Some((AtomicUsize::new(0), AtomicUsize::new(0))),
        };
        shown.start_article("a.txt");
        shown.set_length(3);
        shown.step("phrases");
        shown.step("phrases");
        assert_eq!(shown.bar.as_ref().unwrap().message(), "· phrases 2/3");
        assert_eq!(shown.bar.as_ref().unwrap().prefix(), "a.txt");
        shown.start_article("b.txt");
        shown.finish_article();
        assert_eq!(shown.bar.as_ref().unwrap().position(), 1);
    }
}
