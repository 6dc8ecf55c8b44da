//! Quantised matrix products computed in place on the GGUF blocks, with our own loop order: our
//! vector kernels where the CPU has a set of them (`kernels`: AVX-512 VNNI or AVX2) — Q8_0,
//! Q5_0, Q4_K and Q6_K weights rearranged in groups of eight rows at load (`row_groups`;
//! kernels in `simd` and `simd_kquants`) — candle's per-block dot products otherwise.
//!
//! Every output is one dot product of a weight row with a quantised activation row, computed
//! the same way whatever the number of rows, so a prompt gives bit-identical results in one
//! pass, in chunks or token by token. For many rows (prompt processing) the weights are walked
//! in tiles that stay in cache while every activation row passes over them, instead of
//! streaming the whole matrix from memory once per row.

use std::sync::Arc;

use candle_core::quantized::k_quants::{
    BlockQ4K, BlockQ4_0, BlockQ5K, BlockQ5_0, BlockQ6K, BlockQ8_0, GgmlType,
};
use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Device, Module, Tensor};
use rayon::prelude::*;

use super::gguf::GgufFile;
use super::kernels::KernelSet;
use super::repack;
use super::row_groups::{self, Kind, ROWS};
use super::simd::{self, GROUP_ACT_ROWS};
use super::simd_kquants;
use crate::error::{Error, Result};

/// Weight rows per tile for prompts: 64 rows of a 1536-wide Q4_K matrix are about 55 KB (of a
/// 2048-wide Q8_0 one 140 KB), kept in cache while every activation row passes over them,
/// eight rows at a time, each eight used against all the tile's groups before the next
/// (64 against 32 and 128: Qwen 1.5B's pp512 on one thread +6 % and −6 %, 2026-12-06).
const TILE_ROWS: usize = 64;
/// Most weight rows per task for one activation row (decoding): the weights stream through
/// once whatever the tile, so larger tasks only cut the scheduling (5,000 tasks a token for
/// Gemma's output projection with tiles of 32); smaller products are cut in about eight tasks
/// a thread, so that no thread waits long for the last one.
const STREAM_ROWS: usize = 256;
/// Tasks per thread a decoding step's products are cut into, at most.
const STREAM_TASKS: usize = 8;
// Tiles start on an eight-row group.
const _: () = assert!(TILE_ROWS.is_multiple_of(ROWS) && STREAM_ROWS.is_multiple_of(ROWS));

/// Block bytes with 8-byte alignment, so they can be viewed in place as any block type.
struct Blocks {
    words: Vec<u64>,
    len: usize,
}

impl Blocks {
    fn zeroed(len: usize) -> Self {
        Blocks {
            words: vec![0; len.div_ceil(8)],
            len,
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `words` holds at least `len` initialised bytes.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr() as *const u8, self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and the borrow is unique.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr() as *mut u8, self.len) }
    }
}

enum Weights {
    /// GGUF blocks in our own buffer, multiplied by our loops on the CPU.
    Own(Blocks),
    /// Q8_0, Q5_0, Q4_K or Q6_K blocks in eight-row groups (`row_groups`), for our vector
    /// kernels.
    Groups(Kind, Blocks),
    /// Candle's kernel, for block types we do not run ourselves and for non-CPU devices.
    Candle(Arc<QTensor>, QMatMul),
}

/// A weight matrix `(n, k)` applied as `x · Wᵀ`; its rows double as an embedding table.
pub struct QuantMatrix {
    dtype: GgmlDType,
    n: usize,
    k: usize,
    weights: Weights,
}

/// How our own loops keep a matrix on the CPU.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// The file's blocks as they are.
    AsIs,
    /// Q5_0 widened to Q8_0, losslessly, where our vector kernels do not run (candle multiplies
    /// Q5_0 with scalar code).
    Widened,
    /// In eight-row groups for our vector kernels.
    Groups(Kind),
}

/// The layout our own loops keep blocks of `dtype` in (`None`: candle's kernel).
fn own_layout(dtype: GgmlDType) -> Option<Layout> {
    let vector = KernelSet::active().is_vector();
    match dtype {
        GgmlDType::Q8_0 if vector => Some(Layout::Groups(Kind::Q8_0)),
        GgmlDType::Q5_0 if vector => Some(Layout::Groups(Kind::Q5_0)),
        GgmlDType::Q4K if vector => Some(Layout::Groups(Kind::Q4K)),
        GgmlDType::Q6K if vector => Some(Layout::Groups(Kind::Q6K)),
        GgmlDType::Q8_0 | GgmlDType::Q4_0 | GgmlDType::Q4K | GgmlDType::Q5K | GgmlDType::Q6K => {
            Some(Layout::AsIs)
        }
        GgmlDType::Q5_0 => Some(Layout::Widened),
        _ => None,
    }
}

impl QuantMatrix {
    /// Wraps a quantised tensor.
    pub fn new(tensor: QTensor) -> Result<Self> {
        let dtype = tensor.dtype();
        let (n, k) = tensor.shape().dims2()?;
        match own_layout(dtype).filter(|_| tensor.device().is_cpu()) {
            Some(layout) => {
                let data = tensor.data()?;
                Self::own(dtype, layout, n, k, |buf| {
                    buf.copy_from_slice(&data);
                    Ok(())
                })
            }
            None => {
                let tensor = Arc::new(tensor);
                Ok(QuantMatrix {
                    dtype,
                    n,
                    k,
                    weights: Weights::Candle(tensor.clone(), QMatMul::from_arc(tensor)?),
                })
            }
        }
    }

    /// Reads tensor `name` of `g` onto `device`. On the CPU, blocks we multiply ourselves go
    /// straight from the file into their buffer (through candle, a tensor is held twice while it
    /// loads: `plume bench`'s peak RSS fell from 529 to 446 MiB without that).
    pub fn read(g: &mut GgufFile, name: &str, device: &Device) -> Result<Self> {
        let (dtype, dims) = g.tensor_layout(name)?;
        let &[n, k] = dims.as_slice() else {
            return Err(g.error(format!("tensor `{name}` is not a matrix: {dims:?}")));
        };
        if !k.is_multiple_of(dtype.block_size()) {
            return Err(g.error(format!(
                "tensor `{name}` ({n}×{k}, {dtype:?}): its rows are not whole blocks"
            )));
        }
        match own_layout(dtype).filter(|_| device.is_cpu()) {
            Some(layout) => Self::own(dtype, layout, n, k, |buf| g.read_tensor_bytes(name, buf)),
            None => Self::new(g.tensor(name, device)?),
        }
    }

    /// An `n × k` matrix in our own buffer, in `layout`; `fill` writes the source's blocks, of
    /// type `dtype`, into the buffer it is given.
    fn own(
        dtype: GgmlDType,
        layout: Layout,
        n: usize,
        k: usize,
        fill: impl FnOnce(&mut [u8]) -> Result<()>,
    ) -> Result<Self> {
        // Rows of whole blocks: `read` checks it, and a `QTensor` cannot be made otherwise.
        let size = |t: GgmlDType| n * k / t.block_size() * t.type_size();
        let (kept, weights) = match layout {
            Layout::AsIs => {
                let mut blocks = Blocks::zeroed(size(dtype));
                fill(blocks.bytes_mut())?;
                (dtype, Weights::Own(blocks))
            }
            Layout::Widened => {
                let mut raw = vec![0u8; size(dtype)];
                fill(&mut raw)?;
                let mut blocks = Blocks::zeroed(size(GgmlDType::Q8_0));
                repack::q5_0_to_q8_0(&raw, blocks.bytes_mut());
                (GgmlDType::Q8_0, Weights::Own(blocks))
            }
            Layout::Groups(kind) => {
                // Rearranged in place: no second copy of the matrix.
                let mut blocks = Blocks::zeroed(kind.size(n, k));
                fill(&mut blocks.bytes_mut()[..size(dtype)])?;
                row_groups::pack_in_place(kind, blocks.bytes_mut(), n, k);
                (dtype, Weights::Groups(kind, blocks))
            }
        };
        Ok(QuantMatrix {
            dtype: kept,
            n,
            k,
            weights,
        })
    }

    /// Number of rows (outputs).
    pub fn rows(&self) -> usize {
        self.n
    }

    /// The block type it is multiplied as.
    pub fn dtype(&self) -> GgmlDType {
        self.dtype
    }

    /// `x · Wᵀ` for `x` of shape `(…, k)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut dims = x.dims().to_vec();
        let out = self.product(&x.flatten_all()?.to_vec1()?, self.n)?;
        if let Some(last) = dims.last_mut() {
            *last = self.n;
        }
        Ok(Tensor::from_vec(out, dims, x.device())?)
    }

    /// `x · Wᵀ` over the first `rows` rows only, for `xs` holding rows of `k` values: `(m, rows)`
    /// row-major, each value the same bits as in the full product.
    pub fn product(&self, xs: &[f32], rows: usize) -> Result<Vec<f32>> {
        let Weights::Candle(tensor, mm) = &self.weights else {
            let job = self.job(xs, rows)?;
            return Ok(run(&[job]).pop().unwrap_or_default());
        };
        if rows < self.n {
            return Err(Error::Internal(
                "a partial product needs the weights on the CPU".into(),
            ));
        }
        self.check_width(xs)?;
        let x = Tensor::from_slice(xs, (xs.len() / self.k, self.k), &tensor.device())?;
        Ok(mm.forward(&x)?.flatten_all()?.to_vec1()?)
    }

    /// The full products of several matrices with the same `xs`, in one parallel pass over all
    /// their tiles (decoding's small products would otherwise each wait for the slowest task).
    pub fn products<const N: usize>(mats: [&QuantMatrix; N], xs: &[f32]) -> Result<[Vec<f32>; N]> {
        let mut outs: [Vec<f32>; N] = std::array::from_fn(|_| Vec::new());
        if mats
            .iter()
            .any(|m| matches!(m.weights, Weights::Candle(..)))
        {
            for (out, m) in outs.iter_mut().zip(mats) {
                *out = m.product(xs, m.n)?;
            }
        } else {
            let jobs = mats
                .iter()
                .map(|m| m.job(xs, m.n))
                .collect::<Result<Vec<_>>>()?;
            for (out, done) in outs.iter_mut().zip(run(&jobs)) {
                *out = done;
            }
        }
        Ok(outs)
    }

    fn check_width(&self, xs: &[f32]) -> Result<()> {
        if xs.len().is_multiple_of(self.k) {
            Ok(())
        } else {
            Err(Error::Internal(format!(
                "matrix product of {} values with a {}×{} matrix",
                xs.len(),
                self.n,
                self.k
            )))
        }
    }

    /// The product with our own buffer's first `rows` rows, ready to run.
    fn job(&self, xs: &[f32], rows: usize) -> Result<Job<'_>> {
        let (n, k) = (rows.min(self.n), self.k);
        self.check_width(xs)?;
        let (data, groups) = match &self.weights {
            Weights::Own(blocks) => (&blocks.bytes()[..n * self.row_bytes()], None),
            Weights::Groups(kind, blocks) => (&blocks.bytes()[..kind.size(n, k)], Some(*kind)),
            Weights::Candle(..) => unreachable!("candle's weights are multiplied by candle"),
        };
        let set = KernelSet::active();
        match (groups, self.dtype) {
            (Some(kind), _) => Ok(matmul_groups(set, kind, data, n, k, xs)),
            (None, GgmlDType::Q8_0) => matmul::<BlockQ8_0>(data, n, k, xs),
            (None, GgmlDType::Q4_0) => matmul::<BlockQ4_0>(data, n, k, xs),
            (None, GgmlDType::Q4K) => matmul::<BlockQ4K>(data, n, k, xs),
            (None, GgmlDType::Q5K) => matmul::<BlockQ5K>(data, n, k, xs),
            (None, GgmlDType::Q6K) => matmul::<BlockQ6K>(data, n, k, xs),
            (_, other) => Err(Error::Internal(format!("no kernel for {other:?}"))),
        }
    }

    /// Rows `ids` dequantised, `ids.len() × k` row-major: the matrix as an embedding table.
    pub fn embed(&self, ids: &[u32]) -> Result<Vec<f32>> {
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= self.n) {
            return Err(Error::Internal(format!(
                "token {bad} is outside the {}-row embedding table",
                self.n
            )));
        }
        if let Weights::Candle(tensor, _) = &self.weights {
            let ids = Tensor::new(ids, &tensor.device())?;
            return Ok(tensor.embedding(&ids)?.flatten_all()?.to_vec1()?);
        }
        let mut scratch = vec![0u8; self.row_bytes()];
        let mut out = vec![0f32; ids.len() * self.k];
        for (&id, out) in ids.iter().zip(out.chunks_exact_mut(self.k)) {
            let row = self.row(id as usize, &mut scratch);
            match self.dtype {
                GgmlDType::Q8_0 => dequantise::<BlockQ8_0>(row, out),
                GgmlDType::Q5_0 => dequantise::<BlockQ5_0>(row, out),
                GgmlDType::Q4_0 => dequantise::<BlockQ4_0>(row, out),
                GgmlDType::Q4K => dequantise::<BlockQ4K>(row, out),
                GgmlDType::Q5K => dequantise::<BlockQ5K>(row, out),
                GgmlDType::Q6K => dequantise::<BlockQ6K>(row, out),
                other => return Err(Error::Internal(format!("no dequantiser for {other:?}"))),
            }?;
        }
        Ok(out)
    }

    /// Reorders the rows in place, without a second copy of the matrix: row `i` becomes the
    /// row that was at `source[i]` (`source` a permutation of the rows). Returns false, and
    /// leaves the matrix alone, when the weights are not in our own buffer (a GPU).
    pub fn permute_rows(&mut self, source: &[u32]) -> Result<bool> {
        let (k, row_bytes) = (self.k, self.row_bytes());
        let (groups, blocks) = match &mut self.weights {
            Weights::Own(blocks) => (None, blocks),
            Weights::Groups(kind, blocks) => (Some(*kind), blocks),
            Weights::Candle(..) => return Ok(false),
        };
        let mut seen = vec![false; self.n];
        if source.len() != self.n
            || !source
                .iter()
                .all(|&s| (s as usize) < self.n && !std::mem::replace(&mut seen[s as usize], true))
        {
            return Err(Error::Internal(
                "a row order that is not a permutation of the rows".into(),
            ));
        }
        let bytes = blocks.bytes_mut();
        // Rows are moved as GGUF rows: groups are taken apart first (their rows are scattered
        // over the group's blocks, so moving them one by one would touch ten times the memory).
        if let Some(kind) = groups {
            row_groups::unpack_in_place(kind, bytes, self.n, k);
        }
        let mut done = vec![false; self.n];
        let mut held = vec![0u8; row_bytes];
        // Follow each cycle: hold its first row, pull every other row into place.
        for start in 0..self.n {
            if done[start] || source[start] as usize == start {
                continue;
            }
            held.copy_from_slice(&bytes[start * row_bytes..(start + 1) * row_bytes]);
            let mut i = start;
            loop {
                done[i] = true;
                let from = source[i] as usize;
                if from == start {
                    bytes[i * row_bytes..(i + 1) * row_bytes].copy_from_slice(&held);
                    break;
                }
                bytes.copy_within(from * row_bytes..(from + 1) * row_bytes, i * row_bytes);
                i = from;
            }
        }
        if let Some(kind) = groups {
            row_groups::pack_in_place(kind, bytes, self.n, k);
        }
        Ok(true)
    }

    /// Row `i`'s GGUF blocks: in place, or gathered from its group into `scratch`.
    fn row<'a>(&'a self, i: usize, scratch: &'a mut [u8]) -> &'a [u8] {
        let row_bytes = self.row_bytes();
        match &self.weights {
            Weights::Own(blocks) => &blocks.bytes()[i * row_bytes..(i + 1) * row_bytes],
            Weights::Groups(kind, blocks) => {
                row_groups::get_row(*kind, blocks.bytes(), self.k, i, scratch);
                scratch
            }
            Weights::Candle(..) => unreachable!("rows are read from our own buffers only"),
        }
    }

    fn row_bytes(&self) -> usize {
        self.k / self.dtype.block_size() * self.dtype.type_size()
    }
}

/// One row of blocks of type `T` → f32.
fn dequantise<T: GgmlType>(row: &[u8], out: &mut [f32]) -> Result<()> {
    let blocks = blocks::<T>(row, 1, out.len())?;
    T::to_float(blocks, out);
    Ok(())
}

/// The tensor's bytes as blocks of `T`, checked.
fn blocks<T: GgmlType>(data: &[u8], n: usize, k: usize) -> Result<&[T]> {
    let size = std::mem::size_of::<T>();
    let per_row = k / T::BLCK_SIZE;
    if !k.is_multiple_of(T::BLCK_SIZE)
        || data.len() != n * per_row * size
        || !(data.as_ptr() as usize).is_multiple_of(std::mem::align_of::<T>())
    {
        return Err(Error::Internal(format!(
            "weights are not a well-formed {n}×{k} {:?} matrix",
            T::DTYPE
        )));
    }
    // SAFETY: the bytes are the tensor's own `repr(C)` blocks of type `T` as candle stores
    // them; length and alignment are checked above.
    Ok(unsafe { std::slice::from_raw_parts(data.as_ptr() as *const T, n * per_row) })
}

/// Activation rows quantised to the type the dot product takes.
fn quantise_rows<T: GgmlType>(xs: &[f32], k: usize) -> Vec<T::VecDotType> {
    let per_row = k / <T::VecDotType as GgmlType>::BLCK_SIZE;
    let m = xs.len() / k;
    let mut q = vec![<T::VecDotType as GgmlType>::zeros(); m * per_row];
    q.par_chunks_mut(per_row)
        .zip(xs.par_chunks(k))
        .for_each(|(q, x)| <T::VecDotType as GgmlType>::from_float(x, q));
    q
}

/// The part of an `(m, n)` output one tile owns: columns `first..first + rows` of every row.
struct TileOut {
    out: *mut f32,
    m: usize,
    n: usize,
    first: usize,
    rows: usize,
}

impl TileOut {
    /// Weight rows in the tile.
    fn rows(&self) -> usize {
        self.rows
    }

    /// Sets the product of activation row `i` with weight row `first + r`.
    #[inline]
    fn set(&mut self, i: usize, r: usize, v: f32) {
        self.set_run(i, r, &[v]);
    }

    /// Sets the products of activation row `i` with weight rows `first + r..`, one per value.
    #[inline]
    fn set_run(&mut self, i: usize, r: usize, values: &[f32]) {
        assert!(i < self.m && r + values.len() <= self.rows);
        // SAFETY: in bounds of the `m × n` output (checked above); no other tile writes these
        // columns, and the output outlives every tile (see `run`).
        unsafe {
            let at = self.out.add(i * self.n + self.first + r);
            std::ptr::copy_nonoverlapping(values.as_ptr(), at, values.len());
        }
    }
}

/// An output's address, shared by the tiles of [`run`] (they write disjoint columns).
#[derive(Clone, Copy)]
struct Shared(*mut f32);
// SAFETY: only used by `run`, whose tasks write disjoint elements while it waits for them.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

impl Shared {
    // A method, so closures capture the whole (Sync) wrapper, not its pointer field.
    fn ptr(self) -> *mut f32 {
        self.0
    }
}

/// Fills the tile of an output starting at weight row (output column) `first`.
type Tile<'a> = Box<dyn Fn(usize, &mut TileOut) + Sync + 'a>;

/// One product ready to run: the kernel filling the tiles of its `(m, n)` output.
struct Job<'a> {
    n: usize,
    m: usize,
    tile: Tile<'a>,
}

impl<'a> Job<'a> {
    fn new(n: usize, m: usize, tile: impl Fn(usize, &mut TileOut) + Sync + 'a) -> Self {
        Job {
            n,
            m,
            tile: Box::new(tile),
        }
    }
}

/// Weight rows per tile for `jobs` run together.
fn tile_rows(jobs: &[Job]) -> usize {
    if jobs.iter().any(|j| j.m > 1) {
        return TILE_ROWS;
    }
    let rows: usize = jobs.iter().map(|j| j.n).sum();
    let tasks = STREAM_TASKS * rayon::current_num_threads();
    rows.div_ceil(tasks)
        .next_multiple_of(ROWS)
        .clamp(ROWS, STREAM_ROWS)
}

/// Runs `jobs` in one parallel pass, each task a tile of one of them writing its results in
/// place; their `(m, n)` outputs.
fn run(jobs: &[Job]) -> Vec<Vec<f32>> {
    let mut outs: Vec<Vec<f32>> = jobs.iter().map(|j| vec![0f32; j.m * j.n]).collect();
    let shared: Vec<Shared> = outs.iter_mut().map(|o| Shared(o.as_mut_ptr())).collect();
    let tile = tile_rows(jobs);
    let tiles: Vec<(usize, usize)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(i, j)| (0..j.n).step_by(tile).map(move |first| (i, first)))
        .collect();
    tiles.into_par_iter().for_each(|(i, first)| {
        let job = &jobs[i];
        let mut part = TileOut {
            out: shared[i].ptr(),
            m: job.m,
            n: job.n,
            first,
            rows: tile.min(job.n - first),
        };
        (job.tile)(first, &mut part);
    });
    outs
}

/// `(m, k) · (n, k)ᵀ → (m, n)`.
fn matmul<'a, T: GgmlType + 'static>(
    data: &'a [u8],
    n: usize,
    k: usize,
    xs: &[f32],
) -> Result<Job<'a>> {
    let w = blocks::<T>(data, n, k)?;
    let m = xs.len() / k;
    let per_row = k / T::BLCK_SIZE;
    let xq_per_row = k / <T::VecDotType as GgmlType>::BLCK_SIZE;
    let xq = quantise_rows::<T>(xs, k);
    Ok(Job::new(n, m, move |first, out| {
        for i in 0..m {
            let x = &xq[i * xq_per_row..(i + 1) * xq_per_row];
            for r in 0..out.rows() {
                let j = first + r;
                out.set(i, r, T::vec_dot(k, &w[j * per_row..(j + 1) * per_row], x));
            }
        }
    }))
}

/// A product on eight-row groups with the vector kernels of `set`: each group's weights are
/// loaded once for up to eight activation rows; one row (decoding) streams them once.
fn matmul_groups<'a>(
    set: KernelSet,
    kind: Kind,
    data: &'a [u8],
    n: usize,
    k: usize,
    xs: &[f32],
) -> Job<'a> {
    let group_bytes = ROWS * kind.row_bytes(k);
    match kind {
        Kind::Q8_0 | Kind::Q5_0 => {
            let act = simd::Activations::quantise(set, xs, k);
            group_tiles(
                data,
                n,
                act.rows(),
                group_bytes,
                move |group, first, lanes| simd::dot_group(set, kind, group, &act, first, lanes),
            )
        }
        Kind::Q4K | Kind::Q6K => {
            let act = simd_kquants::quantise_rows(set, xs, k);
            group_tiles(
                data,
                n,
                xs.len() / k,
                group_bytes,
                move |group, first, lanes| {
                    simd_kquants::dot_group(set, kind, group, &act, k, first, lanes)
                },
            )
        }
    }
}

/// The tiles of an `(m, n)` product on groups of `group_bytes` each: `dot(group, first, lanes)`
/// fills `lanes[r][j]` with activation row `first + r` against the group's row `j`.
fn group_tiles<'a>(
    data: &'a [u8],
    n: usize,
    m: usize,
    group_bytes: usize,
    dot: impl Fn(&[u8], usize, &mut [[f32; ROWS]]) + Sync + 'a,
) -> Job<'a> {
    Job::new(n, m, move |first, out| {
        // Tiles start on a group: their rows are a multiple of eight. Eight activation rows
        // (in L1) meet every group of the tile (in L2) before the next eight.
        let mut lanes = [[0f32; ROWS]; GROUP_ACT_ROWS];
        for chunk in (0..m).step_by(GROUP_ACT_ROWS) {
            let len = (m - chunk).min(GROUP_ACT_ROWS);
            for g in 0..out.rows().div_ceil(ROWS) {
                let at = (first / ROWS + g) * group_bytes;
                let group = &data[at..at + group_bytes];
                let count = (out.rows() - g * ROWS).min(ROWS);
                dot(group, chunk, &mut lanes[..len]);
                for (i, lanes) in lanes[..len].iter().enumerate() {
                    out.set_run(chunk + i, g * ROWS, &lanes[..count]);
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(n: usize, k: usize, dtype: GgmlDType) -> (QuantMatrix, Tensor) {
        let w: Vec<f32> = (0..n * k)
            .map(|i| (((i * 7919) % 1000) as f32 / 500.0 - 1.0) * 0.1)
            .collect();
        let w = Tensor::from_vec(w, (n, k), &Device::Cpu).unwrap();
        let q = QTensor::quantize(&w, dtype).unwrap();
        let deq = q.dequantize(&Device::Cpu).unwrap();
        (QuantMatrix::new(q).unwrap(), deq)
    }

    #[test]
    fn reordered_rows_keep_their_products_and_embeddings() {
        // 43 rows: the last eight-row group of Q8_0 and Q5_0 is partly padding.
        for dtype in [
            GgmlDType::Q8_0,
            GgmlDType::Q5_0,
            GgmlDType::Q4K,
            GgmlDType::Q6K,
        ] {
            let (mut mat, deq) = matrix(43, 256, dtype);
            let x: Vec<f32> = (0..3 * 256)
                .map(|i| ((i * 31 % 17) as f32 - 8.0) / 4.0)
                .collect();
            let x = Tensor::from_vec(x, (3, 256), &Device::Cpu).unwrap();
            let before: Vec<Vec<f32>> = mat.forward(&x).unwrap().to_vec2().unwrap();
            let table: Vec<Vec<f32>> = deq.to_vec2().unwrap();
            let ids: Vec<u32> = (0..43).collect();
            let rows = |m: &QuantMatrix| -> Vec<Vec<f32>> {
                m.embed(&ids)
                    .unwrap()
                    .chunks(256)
                    .map(<[f32]>::to_vec)
                    .collect()
            };
            let embedded = rows(&mat);
            assert_eq!(embedded, table, "{dtype:?}: rows dequantise as candle does");
            // Row i becomes the one at source[i] (7 is prime to 43: a permutation).
            let source: Vec<u32> = (0..43).map(|i| (i * 7 + 3) % 43).collect();
            assert!(mat.permute_rows(&source).unwrap());
            let after: Vec<Vec<f32>> = mat.forward(&x).unwrap().to_vec2().unwrap();
            let xs: Vec<f32> = x.flatten_all().unwrap().to_vec1().unwrap();
            let first: Vec<Vec<f32>> = mat
                .product(&xs, 11)
                .unwrap()
                .chunks(11)
                .map(<[f32]>::to_vec)
                .collect();
            let moved = rows(&mat);
            for (i, &s) in source.iter().enumerate() {
                assert_eq!(moved[i], table[s as usize], "{dtype:?}: row {i}");
                for r in 0..3 {
                    assert_eq!(
                        after[r][i], before[r][s as usize],
                        "{dtype:?}: product {r},{i}"
                    );
                    if i < 11 {
                        assert_eq!(first[r][i], after[r][i], "{dtype:?}: first rows");
                    }
                }
            }
            assert_eq!(first[0].len(), 11);
            assert!(mat.permute_rows(&[0, 0]).is_err(), "not a permutation");
            assert!(mat.embed(&[43]).is_err(), "outside the table");
        }
    }

    #[test]
    fn products_run_together_give_the_bits_of_each_alone() {
        let (q, _) = matrix(40, 256, GgmlDType::Q5_0);
        let (k, _) = matrix(16, 256, GgmlDType::Q8_0);
        let (v, _) = matrix(24, 256, GgmlDType::Q4K);
        for m in [1, 5] {
            let xs: Vec<f32> = (0..m * 256)
                .map(|i| ((i * 29 % 23) as f32 - 11.0) / 3.0)
                .collect();
            let together = QuantMatrix::products([&q, &k, &v], &xs).unwrap();
            for (mat, out) in [&q, &k, &v].into_iter().zip(&together) {
                assert_eq!(out.len(), m * mat.rows());
                assert_eq!(*out, mat.product(&xs, mat.rows()).unwrap(), "{m} rows");
            }
        }
        assert!(q.product(&[0.0; 100], 40).is_err(), "not whole rows");
    }

    #[test]
    fn rows_are_bit_identical_whatever_the_batch() {
        for dtype in [
            GgmlDType::Q8_0,
            GgmlDType::Q5_0,
            GgmlDType::Q4_0,
            GgmlDType::Q4K,
            GgmlDType::Q6K,
        ] {
            let (mat, deq) = matrix(96, 512, dtype);
            let x: Vec<f32> = (0..20 * 512)
                .map(|i| (((i * 104729) % 997) as f32 / 498.0 - 1.0) * 3.0)
                .collect();
            let x = Tensor::from_vec(x, (1, 20, 512), &Device::Cpu).unwrap();
            let batched: Vec<Vec<f32>> = mat
                .forward(&x)
                .unwrap()
                .squeeze(0)
                .unwrap()
                .to_vec2()
                .unwrap();
            let exact: Vec<Vec<f32>> = x
                .squeeze(0)
                .unwrap()
                .matmul(&deq.t().unwrap())
                .unwrap()
                .to_vec2()
                .unwrap();
            for r in [0, 7, 19] {
                let single: Vec<f32> = mat
                    .forward(&x.narrow(1, r, 1).unwrap())
                    .unwrap()
                    .flatten_all()
                    .unwrap()
                    .to_vec1()
                    .unwrap();
                assert_eq!(single, batched[r], "{dtype:?} row {r}");
                let err = single
                    .iter()
                    .zip(&exact[r])
                    .map(|(a, b)| (a - b).abs())
                    .fold(0f32, f32::max);
                let scale = exact[r].iter().map(|v| v.abs()).fold(0f32, f32::max);
                assert!(
                    err < 0.05 * scale,
                    "{dtype:?}: quantised product far from the exact one ({err} vs {scale})"
                );
            }
        }
    }
}
