//! A GGUF file opened for reading: its metadata with typed, well-explained accessors, and its
//! tensors. Every failure names the file and the key or tensor at fault.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{Content, Value};
use candle_core::quantized::QTensor;
use candle_core::Device;

use crate::error::{Error, Result};

/// An opened GGUF file: parsed header and a reader for the tensor data.
pub struct GgufFile {
    path: PathBuf,
    content: Content,
    reader: BufReader<File>,
}

impl GgufFile {
    /// Opens and parses the header of `path`. Missing files, wrong magic, truncated headers and
    /// absurd lengths are errors that name the file.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut reader = BufReader::new(file);
        let content = Content::read(&mut reader).map_err(|e| Error::Model {
            path: path.to_path_buf(),
            reason: format!("not a readable GGUF file ({e})"),
        })?;
        let file_len = reader
            .get_ref()
            .metadata()
            .map_err(|e| Error::io(path, e))?
            .len();
        check_tensor_infos(&content, file_len).map_err(|reason| Error::Model {
            path: path.to_path_buf(),
            reason,
        })?;
        Ok(GgufFile {
            path: path.to_path_buf(),
            content,
            reader,
        })
    }

    /// The file this was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All metadata entries.
    pub fn metadata(&self) -> &HashMap<String, Value> {
        &self.content.metadata
    }

    /// The parsed header, for loaders that take candle's `Content` directly.
    pub fn into_parts(self) -> (Content, BufReader<File>) {
        (self.content, self.reader)
    }

    /// An error about this file.
    pub fn error(&self, reason: impl Into<String>) -> Error {
        Error::Model {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    fn get(&self, key: &str) -> Result<&Value> {
        self.content
            .metadata
            .get(key)
            .ok_or_else(|| self.error(format!("metadata key `{key}` is missing")))
    }

    /// A metadata entry as an unsigned integer, whatever integer type the file used.
    pub fn u64(&self, key: &str) -> Result<u64> {
        value_u64(self.get(key)?)
            .ok_or_else(|| self.error(format!("metadata key `{key}` is not an unsigned integer")))
    }

    /// Like [`GgufFile::u64`] but `None` when the key is absent.
    pub fn u64_opt(&self, key: &str) -> Result<Option<u64>> {
        match self.content.metadata.get(key) {
            None => Ok(None),
            Some(_) => self.u64(key).map(Some),
        }
    }

    /// A metadata entry as a float.
    pub fn f64_opt(&self, key: &str) -> Result<Option<f64>> {
        match self.content.metadata.get(key) {
            None => Ok(None),
            Some(Value::F32(v)) => Ok(Some(*v as f64)),
            Some(Value::F64(v)) => Ok(Some(*v)),
            Some(v) => value_u64(v)
                .map(|v| Some(v as f64))
                .ok_or_else(|| self.error(format!("metadata key `{key}` is not a number"))),
        }
    }

    /// A metadata entry as a string.
    pub fn str(&self, key: &str) -> Result<&str> {
        match self.get(key)? {
            Value::String(s) => Ok(s),
            _ => Err(self.error(format!("metadata key `{key}` is not a string"))),
        }
    }

    /// A metadata string, `None` when absent.
    pub fn str_opt(&self, key: &str) -> Result<Option<&str>> {
        match self.content.metadata.get(key) {
            None => Ok(None),
            Some(_) => self.str(key).map(Some),
        }
    }

    /// A metadata boolean, `None` when absent.
    pub fn bool_opt(&self, key: &str) -> Result<Option<bool>> {
        match self.content.metadata.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.error(format!("metadata key `{key}` is not a boolean"))),
        }
    }

    /// A metadata array.
    pub fn array(&self, key: &str) -> Result<&[Value]> {
        match self.get(key)? {
            Value::Array(a) => Ok(a),
            _ => Err(self.error(format!("metadata key `{key}` is not an array"))),
        }
    }

    /// A metadata array, `None` when absent.
    pub fn array_opt(&self, key: &str) -> Result<Option<&[Value]>> {
        match self.content.metadata.get(key) {
            None => Ok(None),
            Some(_) => self.array(key).map(Some),
        }
    }

    /// The architecture named by `general.architecture`.
    pub fn architecture(&self) -> Result<&str> {
        self.str("general.architecture")
    }

    /// Whether a tensor of that name exists.
    pub fn has_tensor(&self, name: &str) -> bool {
        self.content.tensor_infos.contains_key(name)
    }

    /// Reads one tensor onto `device`.
    pub fn tensor(&mut self, name: &str, device: &Device) -> Result<QTensor> {
        if !self.has_tensor(name) {
            return Err(self.error(format!("tensor `{name}` is missing")));
        }
        let path = self.path.clone();
        self.content
            .tensor(&mut self.reader, name, device)
            .map_err(|e| Error::Model {
                path,
                reason: format!("cannot read tensor `{name}` ({e})"),
            })
    }

    /// The total size of the tensors, in bytes, and the number of parameters.
    pub fn tensor_totals(&self) -> (u64, u64) {
        self.content
            .tensor_infos
            .values()
            .fold((0, 0), |(bytes, params), info| {
                let elems = info.shape.elem_count() as u64;
                let size = elems / info.ggml_dtype.block_size() as u64
                    * info.ggml_dtype.type_size() as u64;
                (bytes + size, params + elems)
            })
    }
}

/// Every tensor's element count, computed without overflow, must be whole blocks of its type, and
/// its bytes must lie inside the file: candle computes these sizes with wrapping arithmetic, so a
/// crafted shape whose count wraps to 0 would otherwise load and crash the first forward pass.
fn check_tensor_infos(content: &Content, file_len: u64) -> std::result::Result<(), String> {
    for (name, info) in &content.tensor_infos {
        let dims = info.shape.dims();
        let dtype = info.ggml_dtype;
        let elems = dims.iter().try_fold(1u64, |n, &d| n.checked_mul(d as u64));
        let bytes = elems
            .filter(|e| e % dtype.block_size() as u64 == 0)
            .and_then(|e| (e / dtype.block_size() as u64).checked_mul(dtype.type_size() as u64));
        let end = bytes.and_then(|b| {
            content
                .tensor_data_offset
                .checked_add(info.offset)?
                .checked_add(b)
        });
        if end.is_none_or(|end| end > file_len) {
            return Err(format!(
                "tensor `{name}` of shape {dims:?} ({dtype:?}) does not fit in the file's {file_len} bytes"
            ));
        }
    }
    Ok(())
}

/// Any unsigned or non-negative integer value as `u64`.
pub fn value_u64(v: &Value) -> Option<u64> {
    match v {
        Value::U8(x) => Some(*x as u64),
        Value::U16(x) => Some(*x as u64),
        Value::U32(x) => Some(*x as u64),
        Value::U64(x) => Some(*x),
        Value::I8(x) => u64::try_from(*x).ok(),
        Value::I16(x) => u64::try_from(*x).ok(),
        Value::I32(x) => u64::try_from(*x).ok(),
        Value::I64(x) => u64::try_from(*x).ok(),
        _ => None,
    }
}

/// Any integer value as `i64` (token types are stored as i32).
pub fn value_i64(v: &Value) -> Option<i64> {
    match v {
        Value::I8(x) => Some(*x as i64),
        Value::I16(x) => Some(*x as i64),
        Value::I32(x) => Some(*x as i64),
        Value::I64(x) => Some(*x),
        other => value_u64(other).and_then(|x| i64::try_from(x).ok()),
    }
}
