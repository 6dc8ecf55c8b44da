//! Progress on stderr: for one article, a bar over its pieces; for a batch, a bar over the
//! articles with the current one's name and step, and an estimate of the time left. Hidden
//! when stderr is not a terminal or with `--quiet`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

/// A progress display, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// In a batch: the current article's name, and its pieces done / to do.
    batch: Option<BatchState>,
}

struct BatchState {
    name: Mutex<String>,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// A bar over one article's pieces when `visible`, else silent.
    pub fn new(visible: bool) -> Self {
        Progress {
            bar: visible.then(|| bar(0, "{spinner} [{bar:30}] {pos}/{len} {msg}")),
            batch: None,
        }
    }

    /// A bar over `articles` articles when `visible`, else silent.
    pub fn batch(visible: bool, articles: usize) -> Self {
        Progress {
            bar: visible.then(|| {
                bar(
                    articles,
                    "{spinner} [{bar:25}] {pos}/{len} articles, reste {eta} · {wide_msg}",
                )
            }),
            batch: Some(BatchState {
                name: Mutex::new(String::new()),
                done: AtomicUsize::new(0),
                total: AtomicUsize::new(0),
            }),
        }
    }

    /// No output at all.
    pub fn hidden() -> Self {
        Progress {
            bar: None,
            batch: None,
        }
    }

    /// Batch: the next article starts.
    pub fn start_article(&self, name: &str) {
        if let Some(state) = &self.batch {
            if let Ok(mut current) = state.name.lock() {
                *current = name.to_string();
            }
            state.done.store(0, Ordering::Relaxed);
            state.total.store(0, Ordering::Relaxed);
            self.show(name);
        }
    }

    /// Batch: the current article is done (written, skipped or failed).
    pub fn finish_article(&self) {
        if let (Some(bar), Some(_)) = (&self.bar, &self.batch) {
            bar.inc(1);
        }
    }

    /// Prints a line above the bar (or on stderr when there is no bar).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// The current article will take `n` steps.
    pub(crate) fn set_length(&self, n: usize) {
        match &self.batch {
            Some(state) => state.total.store(n, Ordering::Relaxed),
            None => {
                if let Some(bar) = &self.bar {
                    bar.set_length(n as u64);
                }
            }
        }
    }

    /// One step of the current article, `msg` saying what it is.
    pub(crate) fn step(&self, msg: &str) {
        match &self.batch {
            Some(state) => {
                let done = state.done.fetch_add(1, Ordering::Relaxed) + 1;
                let total = state.total.load(Ordering::Relaxed);
                let name = state.name.lock().map(|n| n.clone()).unwrap_or_default();
                self.show(&format!("{name} · {msg} {done}/{total}"));
            }
            None => {
                if let Some(bar) = &self.bar {
                    bar.set_message(msg.to_string());
                    bar.inc(1);
                }
            }
        }
    }

    fn show(&self, msg: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg.to_string());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
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
