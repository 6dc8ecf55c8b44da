//! The library's one error type. Every message is a full sentence that names the file or the
//! value at fault, so the binary can print it once and exit.

use std::path::PathBuf;

/// Everything that can go wrong in plume's library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// An input article is unusable (empty, binary, not UTF-8, …).
    #[error("{path}: {reason}")]
    Input { path: PathBuf, reason: String },

    /// An output (the article, a batch folder, the log) cannot go where it was asked to.
    #[error("cannot write {path}: {reason}")]
    Output { path: PathBuf, reason: String },

    /// A model file is missing, malformed or unsupported.
    #[error("model {path}: {reason}")]
    Model { path: PathBuf, reason: String },

    /// A model could not be found anywhere plume looks.
    #[error("{0}")]
    ModelNotFound(String),

    /// The tokenizer could not be built or failed on a text.
    #[error("tokenizer: {0}")]
    Tokenizer(String),

    /// A tensor operation failed inside the inference engine.
    #[error("inference: {0}")]
    Candle(#[from] candle_core::Error),

    /// An inference server (`--endpoint`) could not be reached or answered badly.
    #[error("inference server {endpoint}: {reason}")]
    Server { endpoint: String, reason: String },

    /// The network could not be used (the Hugging Face hub, for `plume model pull`).
    #[error("network: {0}")]
    Network(String),

    /// An article given to `plume check` is not a document plume can read.
    #[error("{path}: {reason}")]
    Document { path: PathBuf, reason: String },

    /// A model's chat template does not parse or does not render.
    #[error("the model's chat template: {0}")]
    ChatTemplate(String),

    /// A prompt or a sequence does not fit the model instance (empty, or too many tokens).
    #[error("generation: {0}")]
    Generation(String),

    /// A setting given by the user is out of range or inconsistent.
    #[error("invalid setting: {0}")]
    Invalid(String),

    /// Something plume itself got wrong (a broken invariant, a thread that cannot start): a
    /// bug to report, not a problem with the input.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`Error::Output`] for `path`.
    pub fn output(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Output {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Input`] for `path`.
    pub fn input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::Input {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
