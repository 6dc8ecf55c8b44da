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
    pub mirror: Option<String>,
}

/// The known models and which one is the default.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    pub default: String,
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

    /// How to prompt it: the catalog's word, else guessed from the file name.
    pub fn prompt_style(&self) -> PromptStyle {
        match &self.entry {
            Some(e) => e.prompt_style,
            None => {
                let name = self.id().to_lowercase();
                if ["instruct", "-it", "chat"].iter().any(|k| name.contains(k)) {
                    PromptStyle::Chat
                } else {
                    PromptStyle::Base
                }
            }
        }
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

/// Finds the model named by `spec` (a path or a catalog id; `None`: the default model).
pub fn resolve(spec: Option<&str>) -> Result<ResolvedModel> {
    let catalog = Catalog::builtin();
    let spec = spec.unwrap_or(&catalog.default);
    let as_path = Path::new(spec);
    let looks_like_path =
        spec.contains(std::path::MAIN_SEPARATOR) || spec.contains('/') || spec.ends_with(".gguf");
    if looks_like_path || as_path.is_file() {
        if !as_path.is_file() {
            return Err(Error::ModelNotFound(format!(
                "model file {spec} does not exist"
            )));
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
    let provision = if entry.id == catalog.default {
        format!(
            "bash models/fetch-default.sh (from the plume source tree), or plume model pull {}",
            entry.id
        )
    } else {
        format!("plume model pull {}", entry.id)
    };
    Err(Error::ModelNotFound(format!(
        "model `{}` is not installed. plume looked in: {}. To install it, run: {provision}",
        entry.id,
        looked.join("; ")
    )))
}

/// Downloads a catalog model into the Hugging Face cache with hf-hub, then checks its sha256.
/// The only place plume uses the network.
pub fn pull(id: &str) -> Result<PathBuf> {
    let catalog = Catalog::builtin();
    let entry = catalog.get(id).ok_or_else(|| {
        Error::ModelNotFound(format!(
            "unknown model `{id}`; `plume model list` shows the catalog"
        ))
    })?;
    if std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true")) {
        return Err(Error::Invalid(
            "HF_HUB_OFFLINE is set: plume will not download; unset it to pull a model".into(),
        ));
    }
    let api = hf_hub::api::sync::ApiBuilder::from_env()
        .with_progress(true)
        .build()
        .map_err(|e| Error::Invalid(format!("cannot reach the Hugging Face hub: {e}")))?;
    let path = api
        .model(entry.repo.clone())
        .get(&entry.hf_file)
        .map_err(|e| {
            Error::Invalid(format!(
                "download of {}/{} failed: {e}",
                entry.repo, entry.hf_file
            ))
        })?;
    if let Some(expected) = &entry.sha256 {
        let actual = sha256_file(&path)?;
        if &actual != expected {
            return Err(Error::Model {
                path,
                reason: format!("sha256 mismatch: expected {expected}, got {actual}; the file is not the catalog's model"),
            });
        }
    }
    Ok(path)
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
    }

    #[test]
    fn unknown_id_lists_the_catalog() {
        let err = resolve(Some("no-such-model")).unwrap_err().to_string();
        assert!(err.contains("gemma-3-270m"), "{err}");
    }

    #[test]
    fn missing_explicit_path_is_named() {
        let err = resolve(Some("/nonexistent/dir/model.gguf"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/dir/model.gguf"), "{err}");
    }
}
