//! A GGUF file opened for reading: its metadata with typed, well-explained accessors, and its
//! tensors. Every failure names the file and the key or tensor at fault.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{Content, TensorInfo, Value};
use candle_core::quantized::{GgmlDType, QTensor};
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
        let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut reader = BufReader::new(file);
        let content = read_content(&mut reader, file_len).map_err(|m| m.at(path))?;
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
        self.info(name)?;
        let read = self.content.tensor(&mut self.reader, name, device);
        read.map_err(|e| self.unreadable(name, e))
    }

    /// What the file says of tensor `name`.
    fn info(&self, name: &str) -> Result<&TensorInfo> {
        self.content
            .tensor_infos
            .get(name)
            .ok_or_else(|| self.error(format!("tensor `{name}` is missing")))
    }

    fn unreadable(&self, name: &str, e: impl std::fmt::Display) -> Error {
        self.error(format!("cannot read tensor `{name}` ({e})"))
    }

    /// A tensor's block type and shape (candle's order: rows first).
    pub fn tensor_layout(&self, name: &str) -> Result<(GgmlDType, Vec<usize>)> {
        let info = self.info(name)?;
        Ok((info.ggml_dtype, info.shape.dims().to_vec()))
    }

    /// Reads one tensor's raw blocks into `buf`, which must be exactly its size: no copy
    /// through candle (which holds the file's bytes and its own blocks at the same time).
    pub fn read_tensor_bytes(&mut self, name: &str, buf: &mut [u8]) -> Result<()> {
        let info = self.info(name)?;
        let size =
            info.shape.elem_count() / info.ggml_dtype.block_size() * info.ggml_dtype.type_size();
        if buf.len() != size {
            return Err(self.error(format!(
                "tensor `{name}` holds {size} bytes, not {}",
                buf.len()
            )));
        }
        let offset = self.content.tensor_data_offset.saturating_add(info.offset);
        let read = self
            .reader
            .seek(SeekFrom::Start(offset))
            .and_then(|_| std::io::Read::read_exact(&mut self.reader, buf));
        read.map_err(|e| self.unreadable(name, e))
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

/// Parses a GGUF file held in memory — header, metadata and tensor infos — with every check
/// [`GgufFile::open`] makes. `path` only names the file in errors. (The fuzzer's entry point.)
pub fn parse_bytes(bytes: &[u8], path: &Path) -> Result<Content> {
    read_content(&mut Cursor::new(bytes), bytes.len() as u64).map_err(|m| m.at(path))
}

/// Why a GGUF header is malformed, in words, before we know which file it came from.
#[derive(Debug)]
struct Malformed(String);

impl Malformed {
    /// The library error for the file at `path`.
    fn at(self, path: &Path) -> Error {
        Error::Model {
            path: path.to_path_buf(),
            reason: self.0,
        }
    }
}

impl From<String> for Malformed {
    fn from(reason: String) -> Self {
        Malformed(reason)
    }
}

/// The result of a step of reading a GGUF header.
type Parsed<T> = std::result::Result<T, Malformed>;

/// Skims the header (bounded, allocation-free), then lets candle parse it, then checks that
/// every tensor fits in the file.
fn read_content<R: BufRead + Seek>(reader: &mut R, file_len: u64) -> Parsed<Content> {
    skim_header(reader, file_len)?;
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot read the file ({e})"))?;
    let content = Content::read(reader).map_err(|e| format!("not a readable GGUF file ({e})"))?;
    check_tensor_infos(&content, file_len)?;
    Ok(content)
}

/// The tensor type ids candle reads (`GgmlDType::from_u32` of candle 0.11).
const KNOWN_TENSOR_TYPES: [(u32, &str); 15] = [
    (0, "F32"),
    (1, "F16"),
    (2, "Q4_0"),
    (3, "Q4_1"),
    (6, "Q5_0"),
    (7, "Q5_1"),
    (8, "Q8_0"),
    (9, "Q8_1"),
    (10, "Q2_K"),
    (11, "Q3_K"),
    (12, "Q4_K"),
    (13, "Q5_K"),
    (14, "Q6_K"),
    (15, "Q8_K"),
    (30, "BF16"),
];

/// A walk over the header that reads no more than it must and allocates nothing of the sizes
/// the file claims. It catches what candle's parser would take badly or explain poorly: a
/// `general.alignment` of 0 (candle divides by it), lengths past the end of the file, unknown
/// value and tensor types (named with their key or tensor).
fn skim_header<R: BufRead + Seek>(r: &mut R, file_len: u64) -> Parsed<()> {
    let mut s = Skim {
        r,
        pos: 0,
        len: file_len,
        wide: true,
    };
    let mut magic = [0u8; 4];
    s.bytes(&mut magic)?;
    if &magic != b"GGUF" {
        return Err(Malformed(format!(
            "not a GGUF file (it starts with the bytes {magic:02x?}, not \"GGUF\")"
        )));
    }
    let version = s.u32()?;
    if !(1..=3).contains(&version) {
        return Err(Malformed(format!(
            "GGUF version {version} is not supported (plume reads versions 1 to 3)"
        )));
    }
    s.wide = version >= 2;
    let tensors = s.length()?;
    let kvs = s.length()?;
    // A metadata entry takes at least a length, a type and one byte; a tensor info a length,
    // a dimension count, a type and an offset.
    let prefix = if s.wide { 8 } else { 4 };
    let at_least = kvs
        .saturating_mul(prefix + 5)
        .saturating_add(tensors.saturating_mul(prefix + 16));
    if at_least > s.remaining() {
        return Err(Malformed(format!(
            "the header announces {kvs} metadata entries and {tensors} tensors, more than the \
             file's {file_len} bytes can hold"
        )));
    }
    skim_metadata(&mut s, kvs)?;
    skim_tensor_infos(&mut s, tensors)
}

/// Skims `kvs` metadata entries: each value's type known, `general.alignment` a power of two.
fn skim_metadata<R: BufRead + Seek>(s: &mut Skim<'_, R>, kvs: u64) -> Parsed<()> {
    for i in 0..kvs {
        let key = s.name()?;
        let key = key.as_deref().unwrap_or("");
        let what = if key.is_empty() {
            format!("metadata entry #{i}")
        } else {
            format!("metadata key `{}`", key.escape_debug())
        };
        let ty = s.u32()?;
        if key == "general.alignment" {
            // The types candle honours (any other, or a negative value, means the default 32);
            // candle divides by the value, so 0 would crash it.
            let alignment = match ty {
                0 => Some(i64::from(s.u8()?)),
                1 => Some(i64::from(s.u8()? as i8)),
                2 => Some(i64::from(s.u16()?)),
                3 => Some(i64::from(s.u16()? as i16)),
                4 => Some(i64::from(s.u32()?)),
                5 => Some(i64::from(s.u32()? as i32)),
                _ => {
                    s.skip_value(ty, &what, 0)?;
                    None
                }
            };
            if let Some(a) = alignment.filter(|a| *a >= 0) {
                if !(a as u64).is_power_of_two() {
                    return Err(Malformed(format!(
                        "{what} is {a}; it must be a power of two"
                    )));
                }
            }
        } else {
            s.skip_value(ty, &what, 0)?;
        }
    }
    Ok(())
}

/// Skims `tensors` tensor infos: at most 4 dimensions, a tensor type candle reads.
fn skim_tensor_infos<R: BufRead + Seek>(s: &mut Skim<'_, R>, tensors: u64) -> Parsed<()> {
    for i in 0..tensors {
        let name = s.name()?;
        let name = match &name {
            Some(n) => format!("tensor `{}`", n.escape_debug()),
            None => format!("tensor #{i}"),
        };
        let dims = s.u32()?;
        if dims > 4 {
            return Err(Malformed(format!(
                "{name} has {dims} dimensions (at most 4)"
            )));
        }
        for _ in 0..dims {
            s.length()?;
        }
        let ty = s.u32()?;
        if !KNOWN_TENSOR_TYPES.iter().any(|(id, _)| *id == ty) {
            let known: Vec<&str> = KNOWN_TENSOR_TYPES.iter().map(|(_, n)| *n).collect();
            return Err(Malformed(format!(
                "{name} has the unknown or unsupported type id {ty} (plume reads {})",
                known.join(", ")
            )));
        }
        s.u64()?; // offset, checked against the file's length later
    }
    Ok(())
}

/// The size of a GGUF value of type `ty` when it has a fixed one (numbers and booleans), else 0.
fn fixed_size(ty: u32) -> u64 {
    match ty {
        0 | 1 | 7 => 1,
        2 | 3 => 2,
        4..=6 => 4,
        10..=12 => 8,
        _ => 0,
    }
}

/// The state of [`skim_header`]: a position that never passes the end of the file.
struct Skim<'a, R> {
    r: &'a mut R,
    pos: u64,
    len: u64,
    /// GGUF v2+: 64-bit lengths (v1: 32-bit).
    wide: bool,
}

impl<R: BufRead + Seek> Skim<'_, R> {
    fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }

    fn truncated(&self, need: u64) -> Malformed {
        if self.len == 0 {
            return Malformed("the file is empty".into());
        }
        Malformed(format!(
            "the header is truncated or corrupt: it needs {need} more bytes at byte {}, but the \
             file ends at byte {}",
            self.pos, self.len
        ))
    }

    fn bytes(&mut self, buf: &mut [u8]) -> Parsed<()> {
        if buf.len() as u64 > self.remaining() {
            return Err(self.truncated(buf.len() as u64));
        }
        self.r
            .read_exact(buf)
            .map_err(|e| format!("cannot read the header at byte {} ({e})", self.pos))?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Parsed<()> {
        if n > self.remaining() {
            return Err(self.truncated(n));
        }
        // `n` is at most the file's length, so it fits in an i64.
        self.r
            .seek_relative(n as i64)
            .map_err(|e| format!("cannot read the header at byte {} ({e})", self.pos))?;
        self.pos += n;
        Ok(())
    }

    fn u8(&mut self) -> Parsed<u8> {
        let mut b = [0u8; 1];
        self.bytes(&mut b)?;
        Ok(b[0])
    }

    fn u16(&mut self) -> Parsed<u16> {
        let mut b = [0u8; 2];
        self.bytes(&mut b)?;
        Ok(u16::from_le_bytes(b))
    }

    fn u32(&mut self) -> Parsed<u32> {
        let mut b = [0u8; 4];
        self.bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Parsed<u64> {
        let mut b = [0u8; 8];
        self.bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// A count or a string length.
    fn length(&mut self) -> Parsed<u64> {
        if self.wide {
            self.u64()
        } else {
            self.u32().map(u64::from)
        }
    }

    /// A key or tensor name as candle reads it (trailing NULs dropped, invalid UTF-8 replaced)
    /// when that is at most 256 bytes long, else `None`. Read in pieces: nothing of the length
    /// the file claims is allocated.
    fn name(&mut self) -> Parsed<Option<String>> {
        const KEPT: usize = 256;
        let n = self.length()?;
        if n > self.remaining() {
            return Err(self.truncated(n));
        }
        let mut kept = Vec::new();
        let (mut read, mut end) = (0u64, 0u64);
        let mut chunk = [0u8; KEPT];
        while read < n {
            let k = (n - read).min(KEPT as u64) as usize;
            self.bytes(&mut chunk[..k])?;
            if let Some(last) = chunk[..k].iter().rposition(|&b| b != 0) {
                end = read + last as u64 + 1;
            }
            if read == 0 {
                kept.extend_from_slice(&chunk[..k]);
            }
            read += k as u64;
        }
        if end > KEPT as u64 {
            return Ok(None);
        }
        kept.truncate(end as usize);
        Ok(Some(String::from_utf8_lossy(&kept).into_owned()))
    }

    /// Skips one value of type `ty`, nested at `depth`.
    fn skip_value(&mut self, ty: u32, what: &str, depth: u32) -> Parsed<()> {
        match ty {
            7 => match self.u8()? {
                0 | 1 => Ok(()),
                b => Err(Malformed(format!(
                    "{what} holds the boolean value {b} (0 or 1 expected)"
                ))),
            },
            8 => {
                let n = self.length()?;
                self.skip(n)
            }
            9 => {
                if depth >= 64 {
                    return Err(Malformed(format!("{what} nests arrays more than 64 deep")));
                }
                let elem = self.u32()?;
                if elem > 12 {
                    return Err(Malformed(format!(
                        "{what} is an array of the unknown value type {elem}"
                    )));
                }
                let n = self.length()?;
                // A string or an array takes at least its length.
                let least = match fixed_size(elem) {
                    0 if self.wide => 8,
                    0 => 4,
                    size => size,
                };
                if n.saturating_mul(least) > self.remaining() {
                    return Err(Malformed(format!(
                        "{what} is an array of {n} elements, more than the {} bytes left in the \
                         file can hold",
                        self.remaining()
                    )));
                }
                match elem {
                    7..=9 => (0..n).try_for_each(|_| self.skip_value(elem, what, depth + 1)),
                    _ => self.skip(n * least),
                }
            }
            ty if fixed_size(ty) > 0 => self.skip(fixed_size(ty)),
            other => Err(Malformed(format!(
                "{what} has the unknown value type {other}"
            ))),
        }
    }
}

/// Every tensor's element count, computed without overflow, must be whole blocks of its type, and
/// its bytes must lie inside the file: candle computes these sizes with wrapping arithmetic, so a
/// crafted shape whose count wraps to 0 would otherwise load and crash the first forward pass.
fn check_tensor_infos(content: &Content, file_len: u64) -> Parsed<()> {
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
            return Err(Malformed(format!(
                "tensor `{name}` of shape {dims:?} ({dtype:?}) does not fit in the file's {file_len} bytes"
            )));
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
