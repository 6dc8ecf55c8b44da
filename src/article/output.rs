//! The rewritten article as the rewrite hands it over ([`Article`]), the record of how
//! it was made ([`Provenance`]), and [`write_atomically`], which puts any rendering of
//! it on disk without ever leaving a half-written file.

use crate::analysis::text::word_count;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::article::destination::plain_io;
use crate::error::{Error, Result};

/// A finished French web article, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The H1.
    pub title: String,
    pub meta_description: String,
    pub slug: String,
    pub keyphrase: String,
    /// A BCP 47 tag, "fr-FR".
    pub lang: String,
    /// The chapô: the paragraph right after the H1.
    pub lead: String,
    pub sections: Vec<Section>,
    pub provenance: Provenance,
}

/// One titled part of the article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The subheading; an empty heading renders the section's text without one.
    pub heading: String,
    /// 2 or 3 (other values are clamped when rendering).
    pub level: u8,
    pub paragraphs: Vec<String>,
    /// A bullet list after the paragraphs, if any.
    pub bullets: Vec<String>,
}

/// How the article was made, so that a run can be traced and repeated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub plume_version: String,
    pub model_id: String,
    pub model_sha256: String,
    pub seed: u64,
    pub sampling: Sampling,
    /// The input as given on the command line (`<stdin>` for standard input).
    pub source_path: String,
    /// The sha256 of the input's bytes, as read: proves which source the article came from.
    pub source_sha256: String,
    /// The other settings that shape the text (see [`Provenance::run_record`]).
    pub settings: String,
    /// Whether the model wrote some of the text (false: every sentence is from the source).
    pub generated: bool,
}

/// The sampling settings of the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sampling {
    pub temperature: f32,
    pub top_k: usize,
    pub top_p: f32,
    pub min_p: f32,
    pub repeat_penalty: f32,
}

impl Sampling {
    /// One line: `temperature=0.7 top_k=40 top_p=0.95 min_p=0.05 repeat_penalty=1.1`.
    pub fn summary(&self) -> String {
        format!(
            "temperature={} top_k={} top_p={} min_p={} repeat_penalty={}",
            self.temperature, self.top_k, self.top_p, self.min_p, self.repeat_penalty
        )
    }
}

/// The keys of [`Provenance::run_record`], in order.
pub const RUN_RECORD_KEYS: [&str; 5] = [
    "source_sha256",
    "model_sha256",
    "seed",
    "sampling",
    "settings",
];

impl Provenance {
    /// What decides the text of a run, as `(key, value)` pairs in a fixed order: the input's
    /// and the model's sha256, the seed, the sampling and the other settings. Two runs with
    /// the same record write the same article; a batch skips an output whose record matches.
    pub fn run_record(&self) -> Vec<(&'static str, String)> {
        let values = [
            self.source_sha256.clone(),
            self.model_sha256.clone(),
            self.seed.to_string(),
            self.sampling.summary(),
            self.settings.clone(),
        ];
        RUN_RECORD_KEYS.into_iter().zip(values).collect()
    }
}

impl Article {
    /// Words in the body: lead, subheadings, paragraphs and bullets (not the title).
    pub fn word_count(&self) -> usize {
        let sections: usize = self
            .sections
            .iter()
            .map(|s| {
                word_count(&s.heading)
                    + s.paragraphs
                        .iter()
                        .chain(&s.bullets)
                        .map(|p| word_count(p))
                        .sum::<usize>()
            })
            .sum();
        word_count(&self.lead) + sections
    }
}

/// Writes `contents` to `path` through a temporary file in the same directory that is
/// renamed over `path` at the end. If anything fails, `path` keeps its old content and
/// the temporary file is removed. A new file gets mode 0644 on Unix; a replaced file
/// keeps its permissions. A symbolic link is followed (the file it names is replaced, the
/// link stays), and a path that is not a regular file — `/dev/null`, a FIFO, a terminal —
/// is written straight into: renaming over it would replace the device with a file.
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let existing = std::fs::metadata(&target).ok();
    if let Some(meta) = &existing {
        if !meta.is_file() && !meta.is_dir() {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .and_then(|mut f| f.write_all(contents.as_bytes()))
                .map_err(|e| Error::io(path, e));
        }
    }
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".plume-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, plain_io(&e)))?;
    temp.write_all(contents.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    let permissions = match existing {
        Some(meta) if meta.is_file() => Some(meta.permissions()),
        _ => default_permissions(),
    };
    if let Some(permissions) = permissions {
        temp.as_file()
            .set_permissions(permissions)
            .map_err(|e| Error::io(path, e))?;
    }
    // On failure the returned error owns the temporary file, which is deleted on drop.
    temp.persist(&target)
        .map_err(|e| Error::io(path, plain_io(&e.error)))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// A small article for the renderers' tests.
#[cfg(test)]
pub(crate) fn sample_article() -> Article {
    Article {
        title: "La ligne de Valmorin rouvre \"enfin\" <après> dix ans & plus".into(),
        meta_description:
            "Le train revient entre Valmorin et Castelbrune : 6 allers-retours, \\ 45 minutes."
                .into(),
        slug: "ligne-valmorin-rouvre".into(),
        keyphrase: "ligne de Valmorin".into(),
        lang: "fr-FR".into(),
        lead: "Après dix ans d’arrêt, la ligne de Valmorin reprend du service lundi.".into(),
        sections: vec![
            Section {
                heading: "Un chantier de trois ans".into(),
                level: 2,
                paragraphs: vec![
                    "Les travaux ont coûté 84 millions d’euros.".into(),
                    "Le maire parle d’un « jour historique » ; l'opposition <doute>.".into(),
                ],
                bullets: vec![
                    "6 allers-retours par jour".into(),
                    "3 gares rouvertes".into(),
                ],
            },
            Section {
                heading: "Et après ?".into(),
                level: 3,
                paragraphs: vec!["</script><script>alert('x')</script>".into()],
                bullets: vec![],
            },
        ],
        provenance: Provenance {
            plume_version: "0.1.0".into(),
            model_id: "gemma-3-270m".into(),
            model_sha256: "ab12".repeat(16),
            seed: 42,
            sampling: Sampling {
                temperature: 0.7,
                top_k: 40,
                top_p: 0.95,
                min_p: 0.05,
                repeat_penalty: 1.1,
            },
            source_path: "exemples/ligne.txt".into(),
            source_sha256: "cd34".repeat(16),
            settings: "min_words=700 attempts=3 vocabulary=french keyphrase=auto".into(),
            generated: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".plume-"))
            .collect()
    }

    #[test]
    fn writes_a_new_file_and_replaces_an_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        write_atomically(&path, "premier").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "premier");
        write_atomically(&path, "second, plus long").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second, plus long");
        assert!(leftovers(dir.path()).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
    }

    #[test]
    fn failure_leaves_the_target_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory cannot be replaced by a file, even by root.
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep.txt"), "old").unwrap();
        let err = write_atomically(&target, "new").unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(err.to_string().contains("taken"), "{err}");
        assert!(target.is_dir());
        assert_eq!(
            std::fs::read_to_string(target.join("keep.txt")).unwrap(),
            "old"
        );
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomically(Path::new("/dev/null"), "rien").unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "{meta:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, "new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/out.md");
        let err = write_atomically(&path, "x").unwrap_err();
        assert!(err.to_string().contains("no/such/dir/out.md"), "{err}");
    }

    #[test]
    fn the_article_counts_words_as_the_report_does() {
        // « 3,5 % » is one word and « Valmorin–Castelbrune » one name: the JSON's word_count
        // and the report's (analysis::text) agree.
        let mut article = sample_article();
        article.lead = "Un prêt à 3,5 % pour la ligne Valmorin–Castelbrune.".into();
        article.sections.clear();
        assert_eq!(article.word_count(), 8);
    }

    #[test]
    fn word_count_covers_the_body_only() {
        let article = sample_article();
        let manual: usize = [
            article.lead.as_str(),
            "Un chantier de trois ans",
            "Les travaux ont coûté 84 millions d’euros.",
            "Le maire parle d’un « jour historique » ; l'opposition <doute>.",
            "6 allers-retours par jour",
            "3 gares rouvertes",
            "Et après ?",
            "</script><script>alert('x')</script>",
        ]
        .iter()
        .map(|t| word_count(t))
        .sum();
        assert_eq!(article.word_count(), manual);
        assert!(article.word_count() > 30);
    }

    #[test]
    fn sampling_summary_lists_every_setting() {
        let s = sample_article().provenance.sampling.summary();
        assert_eq!(
            s,
            "temperature=0.7 top_k=40 top_p=0.95 min_p=0.05 repeat_penalty=1.1"
        );
    }
}
