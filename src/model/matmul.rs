//! Quantised matrix products computed in place on the GGUF blocks, with our own loop order: our
//! AVX-512 VNNI kernels for Q8_0, Q4_K and Q6_K weights where the CPU has them (`simd`,
//! `simd_kquants`), candle's per-block dot products otherwise.
//!
//! Every output is one dot product of a weight row with a quantised activation row, computed
//! the same way whatever the number of rows, so a prompt gives bit-identical results in one
//! pass, in chunks or token by token. For many rows (prompt processing) the weights are walked
//! in tiles that stay in cache while every activation row passes over them, instead of
//! streaming the whole matrix from memory once per row.

use std::sync::Arc;

use candle_core::quantized::k_quants::{
    BlockQ4K, BlockQ4_0, BlockQ5K, BlockQ6K, BlockQ8K, BlockQ8_0, GgmlType,
};
use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Device, Module, Tensor};
use rayon::prelude::*;

use super::repack::faster_layout;
use super::simd;
use super::simd_kquants;
use crate::error::{Error, Result};

/// Weight rows per tile: 32 rows of a 2048-wide Q8_0 matrix are about 70 KB.
const TILE_ROWS: usize = 32;

/// A weight matrix `(n, k)` applied as `x · Wᵀ`.
pub struct QuantMatrix {
    weights: Arc<QTensor>,
    /// Candle's kernel, for block types we do not run ourselves and for non-CPU devices.
    fallback: Option<QMatMul>,
}

impl QuantMatrix {
    /// Wraps a quantised tensor, repacked to a faster lossless layout where one exists.
    pub fn new(tensor: QTensor) -> Result<Self> {
        Self::shared(Arc::new(faster_layout(tensor)?))
    }

    /// Wraps a tensor shared with other users (tied embeddings), as it is.
    pub fn shared(weights: Arc<QTensor>) -> Result<Self> {
        let own = weights.device().is_cpu()
            && matches!(
                weights.dtype(),
                GgmlDType::Q8_0
                    | GgmlDType::Q4_0
                    | GgmlDType::Q4K
                    | GgmlDType::Q5K
                    | GgmlDType::Q6K
            );
        let fallback = if own {
            None
        } else {
            Some(QMatMul::from_arc(weights.clone())?)
        };
        Ok(QuantMatrix { weights, fallback })
    }

    /// `x · Wᵀ` for `x` of shape `(…, k)`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if let Some(mm) = &self.fallback {
            return Ok(mm.forward(x)?);
        }
        let (n, k) = self.weights.shape().dims2()?;
        let dims = x.dims().to_vec();
        if dims.last() != Some(&k) {
            return Err(Error::Invalid(format!(
                "matrix product of {dims:?} with a {n}×{k} matrix"
            )));
        }
        let xs: Vec<f32> = x.flatten_all()?.to_vec1()?;
        let data = self.weights.data()?;
        let out = match self.weights.dtype() {
            GgmlDType::Q8_0 if simd::available() => matmul_q8_0_simd(&data, n, k, &xs)?,
            GgmlDType::Q8_0 => matmul::<BlockQ8_0>(&data, n, k, &xs)?,
            GgmlDType::Q4_0 => matmul::<BlockQ4_0>(&data, n, k, &xs)?,
            GgmlDType::Q4K if simd::available() => {
                matmul_k_simd::<BlockQ4K>(&data, n, k, &xs, simd_kquants::dot_q4k)?
            }
            GgmlDType::Q4K => matmul::<BlockQ4K>(&data, n, k, &xs)?,
            GgmlDType::Q5K => matmul::<BlockQ5K>(&data, n, k, &xs)?,
            GgmlDType::Q6K if simd::available() => {
                matmul_k_simd::<BlockQ6K>(&data, n, k, &xs, simd_kquants::dot_q6k)?
            }
            GgmlDType::Q6K => matmul::<BlockQ6K>(&data, n, k, &xs)?,
            other => return Err(Error::Invalid(format!("no kernel for {other:?}"))),
        };
        let mut out_dims = dims;
        *out_dims.last_mut().unwrap_or(&mut 0) = n;
        Ok(Tensor::from_vec(out, out_dims, &Device::Cpu)?)
    }
}

/// `(n, m)` → `(m, n)`, in parallel bands of 16 output rows (the reads of a band are
/// contiguous runs of 16); nothing to do for one row.
fn transpose(out_t: Vec<f32>, n: usize, m: usize) -> Vec<f32> {
    const BAND: usize = 16;
    if m == 1 {
        return out_t;
    }
    let mut out = vec![0f32; m * n];
    out.par_chunks_mut(BAND * n)
        .enumerate()
        .for_each(|(band, rows)| {
            let i0 = band * BAND;
            let count = rows.len() / n;
            for j in 0..n {
                for (di, &v) in out_t[j * m + i0..j * m + i0 + count].iter().enumerate() {
                    rows[di * n + j] = v;
                }
            }
        });
    out
}

/// The tensor's bytes as blocks of `T`, checked.
fn blocks<T: GgmlType>(data: &[u8], n: usize, k: usize) -> Result<&[T]> {
    let size = std::mem::size_of::<T>();
    let per_row = k / T::BLCK_SIZE;
    if !k.is_multiple_of(T::BLCK_SIZE)
        || data.len() != n * per_row * size
        || !(data.as_ptr() as usize).is_multiple_of(std::mem::align_of::<T>())
    {
        return Err(Error::Invalid(format!(
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

/// The tile driver shared by the kernels: `(m, n)` outputs computed as `(n, m)`, each parallel
/// task owning a tile of weight rows; `tile(first_row, out)` fills `out`, `rows × m` values.
fn tiled(n: usize, m: usize, tile: impl Fn(usize, &mut [f32]) + Sync) -> Vec<f32> {
    let mut out_t = vec![0f32; n * m];
    out_t
        .par_chunks_mut(TILE_ROWS * m)
        .enumerate()
        .for_each(|(t, out)| tile(t * TILE_ROWS, out));
    transpose(out_t, n, m)
}

/// `(m, k) · (n, k)ᵀ → (m, n)`.
fn matmul<T: GgmlType>(data: &[u8], n: usize, k: usize, xs: &[f32]) -> Result<Vec<f32>> {
    let w = blocks::<T>(data, n, k)?;
    let m = xs.len() / k;
    let per_row = k / T::BLCK_SIZE;
    let xq_per_row = k / <T::VecDotType as GgmlType>::BLCK_SIZE;
    let xq = quantise_rows::<T>(xs, k);
    Ok(tiled(n, m, |first, out| {
        for i in 0..m {
            let x = &xq[i * xq_per_row..(i + 1) * xq_per_row];
            for r in 0..out.len() / m {
                let j = first + r;
                out[r * m + i] = T::vec_dot(k, &w[j * per_row..(j + 1) * per_row], x);
            }
        }
    }))
}

/// The Q8_0 × Q8_0 product with the VNNI kernel: four activation rows per weight-row load.
fn matmul_q8_0_simd(data: &[u8], n: usize, k: usize, xs: &[f32]) -> Result<Vec<f32>> {
    blocks::<BlockQ8_0>(data, n, k)?;
    let m = xs.len() / k;
    let row_bytes = k / 32 * simd::Q8_0_BYTES;
    let act = simd::Activations::quantise(xs, k);
    Ok(tiled(n, m, |first, out| {
        let rows = out.len() / m;
        let w = |j: usize| &data[(first + j) * row_bytes..(first + j + 1) * row_bytes];
        let mut four = [0f32; 4];
        let mut tile = [[0f32; 4]; 4];
        for group in (0..m).step_by(4) {
            let len = (m - group).min(4);
            let mut r = 0;
            // Prompts: four weight rows at a time, then the rest one by one (the same bits
            // either way). One row (decoding) streams the weights one row after the other.
            while m > 1 && r + 4 <= rows {
                simd::dot_q8_0_x4(
                    [w(r), w(r + 1), w(r + 2), w(r + 3)],
                    &act,
                    group,
                    len,
                    &mut tile,
                );
                for (j, t) in tile.iter().enumerate() {
                    out[(r + j) * m + group..(r + j) * m + group + len].copy_from_slice(&t[..len]);
                }
                r += 4;
            }
            for r in r..rows {
                simd::dot_q8_0(w(r), &act, group, &mut four[..len]);
                out[r * m + group..r * m + group + len].copy_from_slice(&four[..len]);
            }
        }
    }))
}

/// A k-quant × Q8_K product with our VNNI kernels: four activation rows per weight-row load.
fn matmul_k_simd<T: GgmlType<VecDotType = BlockQ8K>>(
    data: &[u8],
    n: usize,
    k: usize,
    xs: &[f32],
    dot: fn(&[T], &[BlockQ8K], usize, &mut [f32]),
) -> Result<Vec<f32>> {
    let w = blocks::<T>(data, n, k)?;
    let m = xs.len() / k;
    let per_row = k / T::BLCK_SIZE;
    let act = simd_kquants::quantise_rows(xs, k);
    Ok(tiled(n, m, |first, out| {
        let mut four = [0f32; 4];
        for group in (0..m).step_by(4) {
            let len = (m - group).min(4);
            for r in 0..out.len() / m {
                let j = first + r;
                dot(
                    &w[j * per_row..(j + 1) * per_row],
                    &act,
                    group,
                    &mut four[..len],
                );
                out[r * m + group..r * m + group + len].copy_from_slice(&four[..len]);
            }
        }
    }))
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
