//! Element-wise operations computed the way llama.cpp's CPU backend computes them (RMS norm
//! with a double-precision sum, GELU through an f16 table, RoPE angles by repeated
//! multiplication). A 270M model run on quantised activations is sensitive to the last bits of
//! these values, so matching the reference's arithmetic keeps greedy output on the same path.

use std::sync::OnceLock;

use half::f16;

/// RMS norm of each row of `x` (rows of `w.len()` values), in place: `x / sqrt(mean(x²) + eps) * w`.
pub fn rms_norm(x: &mut [f32], w: &[f32], eps: f64) {
    let n = w.len();
    for row in x.chunks_mut(n) {
        let sum: f64 = row.iter().map(|&v| (v * v) as f64).sum();
        let mean = (sum / n as f64) as f32;
        let scale = 1.0 / (mean + eps as f32).sqrt();
        for (v, &g) in row.iter_mut().zip(w) {
            *v = (*v * scale) * g;
        }
    }
}

fn gelu_f32(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    const GELU_COEF_A: f32 = 0.044715;
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * x * (1.0 + GELU_COEF_A * x * x)).tanh())
}

/// GELU (tanh approximation) of every f16 value, as llama.cpp tabulates it.
fn gelu_table() -> &'static [f16] {
    static TABLE: OnceLock<Vec<f16>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..=u16::MAX)
            .map(|bits| f16::from_f32(gelu_f32(f16::from_bits(bits).to_f32())))
            .collect()
    })
}

/// GELU of one value: exact outside (−10, 10), through the f16 table inside.
pub fn gelu(x: f32) -> f32 {
    if x <= -10.0 {
        0.0
    } else if x >= 10.0 {
        x
    } else {
        gelu_table()[f16::from_f32(x).to_bits() as usize].to_f32()
    }
}

/// `gate ← gelu(gate) * up`, element-wise; eight values at a time with F16C where the CPU has
/// it (the same bits).
pub fn geglu(gate: &mut [f32], up: &[f32]) {
    assert_eq!(gate.len(), up.len());
    #[allow(unused_mut)] // set by the x86 loop only
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if f16c_available() {
        // SAFETY: the features are checked; the kernel reads and writes inside the slices.
        done = unsafe { x86::geglu(gate, up, gelu_table()) };
    }
    for (g, &u) in gate[done..].iter_mut().zip(&up[done..]) {
        *g = gelu(*g) * u;
    }
}

/// Whether the CPU has AVX2 and F16C (asked of `kernels`, whose AVX2 set also needs FMA,
/// whatever `PLUME_SIMD` says).
#[cfg(target_arch = "x86_64")]
fn f16c_available() -> bool {
    super::kernels::KernelSet::Avx2.supported()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use half::f16;
    use std::arch::x86_64::*;

    /// [`super::geglu`] on the whole groups of eight values; returns how many it did. Each value
    /// is rounded to f16 (to nearest, ties to even, as `f16::from_f32`) to index the table.
    #[target_feature(enable = "avx2,f16c")]
    pub unsafe fn geglu(gate: &mut [f32], up: &[f32], table: &[f16]) -> usize {
        let n = gate.len().min(up.len()) / 8 * 8;
        let (low, high) = (_mm256_set1_ps(-10.0), _mm256_set1_ps(10.0));
        for c in (0..n).step_by(8) {
            let g = _mm256_loadu_ps(gate.as_ptr().add(c));
            let mut index = [0u16; 8];
            let bits = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(g);
            _mm_storeu_si128(index.as_mut_ptr() as *mut __m128i, bits);
            let looked_up = index.map(|i| table[i as usize].to_bits());
            let t = _mm256_cvtph_ps(_mm_loadu_si128(looked_up.as_ptr() as *const __m128i));
            // As `gelu`: x itself from 10 up, 0 up to −10.
            let t = _mm256_blendv_ps(t, g, _mm256_cmp_ps::<_CMP_GE_OQ>(g, high));
            let t = _mm256_andnot_ps(_mm256_cmp_ps::<_CMP_LE_OQ>(g, low), t);
            let u = _mm256_loadu_ps(up.as_ptr().add(c));
            _mm256_storeu_ps(gate.as_mut_ptr().add(c), _mm256_mul_ps(t, u));
        }
        n
    }
}

/// SiLU, `x · σ(x)`, computed as llama.cpp does: `x / (1 + e^(−x))`.
pub fn silu(x: f32) -> f32 {
    x / (1.0 + (-x).exp())
}

/// `gate ← silu(gate) * up`, element-wise (Qwen's and Llama's gated MLP).
pub fn swiglu(gate: &mut [f32], up: &[f32]) {
    assert_eq!(gate.len(), up.len());
    for (g, &u) in gate.iter_mut().zip(up) {
        *g = silu(*g) * u;
    }
}

/// RoPE cosines and sines for positions `0..positions`, `positions × head_dim / 2` row-major:
/// θ = p · base^(−2i/d), the powers taken by repeated multiplication as llama.cpp does.
pub fn rope_table(base: f64, head_dim: usize, positions: usize) -> (Vec<f32>, Vec<f32>) {
    let half = head_dim / 2;
    let theta_scale = (base as f32).powf(-2.0 / head_dim as f32);
    let mut cos = Vec::with_capacity(positions * half);
    let mut sin = Vec::with_capacity(positions * half);
    for p in 0..positions {
        let mut theta = p as f32;
        for _ in 0..half {
            cos.push(theta.cos());
            sin.push(theta.sin());
            theta *= theta_scale;
        }
    }
    (cos, sin)
}

/// Rotates each `head_dim`-wide head of `x` (NeoX layout: the first half against the second)
/// by the angles of its position: row `p` of `x`'s rows of `width` values is at position
/// `offset + p`; `cos` and `sin` come from [`rope_table`].
pub fn rope(x: &mut [f32], width: usize, head_dim: usize, offset: usize, cos: &[f32], sin: &[f32]) {
    let half = head_dim / 2;
    for (p, row) in x.chunks_mut(width).enumerate() {
        let at = (offset + p) * half;
        let (cos, sin) = (&cos[at..at + half], &sin[at..at + half]);
        for head in row.chunks_mut(head_dim) {
            let (a, b) = head.split_at_mut(half);
            for i in 0..half {
                let (x1, x2) = (a[i], b[i]);
                a[i] = x1 * cos[i] - x2 * sin[i];
                b[i] = x1 * sin[i] + x2 * cos[i];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_is_close_to_the_exact_tanh_form() {
        for x in [-12.0f32, -3.0, -0.5, 0.0, 0.3, 1.0, 2.5, 9.9, 15.0] {
            let exact = gelu_f32(x);
            assert!(
                (gelu(x) - exact).abs() <= 1e-3 * exact.abs().max(1.0),
                "gelu({x})"
            );
        }
        assert_eq!(gelu(-20.0), 0.0);
        assert_eq!(gelu(20.0), 20.0);
    }

    #[test]
    fn geglu_gives_the_bits_of_gelu_times_up() {
        let mut gate: Vec<f32> = (0..1003)
            .map(|i| ((i * 7919 % 4001) as f32 - 2000.0) / 150.0)
            .collect();
        // Edges: the cut-offs, signed zeros, f16 subnormals and overflow, ties, non-finite.
        gate[..12].copy_from_slice(&[
            -10.0,
            10.0,
            -0.0,
            0.0,
            1e-6,
            -3e-5,
            70000.0,
            1.000_488_3,
            f32::INFINITY,
            f32::NEG_INFINITY,
            9.999,
            -9.999,
        ]);
        let up: Vec<f32> = (0..1003).map(|i| (i % 13) as f32 * 0.25 - 1.0).collect();
        let want: Vec<u32> = gate
            .iter()
            .zip(&up)
            .map(|(&g, &u)| (gelu(g) * u).to_bits())
            .collect();
        geglu(&mut gate, &up);
        let got: Vec<u32> = gate.iter().map(|v| v.to_bits()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn rms_norm_normalises_rows() {
        let mut y = vec![3.0f32, 4.0, 0.0, 0.0, 1.0, 1.0];
        rms_norm(&mut y, &[1.0, 2.0], 0.0);
        let r = (12.5f32).sqrt();
        assert!((y[0] - 3.0 / r).abs() < 1e-6 && (y[1] - 8.0 / r).abs() < 1e-6);
        assert!(y[2..4].iter().all(|v| v.is_nan() || *v == 0.0));
        assert!((y[4] - 1.0).abs() < 1e-6 && (y[5] - 2.0).abs() < 1e-6);
    }

    #[test]
    fn rope_rotates_the_two_halves_of_each_head_as_candle_does() {
        let (cos, sin) = rope_table(10_000.0, 8, 6);
        // Two positions (offset 3) of two heads of 8.
        let x: Vec<f32> = (0..32).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut ours = x.clone();
        rope(&mut ours, 16, 8, 3, &cos, &sin);
        use candle_core::{Device, Tensor};
        // candle: (batch, heads, positions, head_dim), tables of the positions used.
        let t = Tensor::from_vec(x, (1, 2, 2, 8), &Device::Cpu)
            .unwrap()
            .transpose(1, 2)
            .unwrap()
            .contiguous()
            .unwrap();
        let table = |v: &[f32]| Tensor::from_vec(v[12..20].to_vec(), (2, 4), &Device::Cpu).unwrap();
        let theirs = candle_nn::rotary_emb::rope(&t, &table(&cos), &table(&sin))
            .unwrap()
            .transpose(1, 2)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn rope_table_starts_at_angle_zero_and_follows_the_base() {
        let (cos, sin) = rope_table(10_000.0, 4, 3);
        assert_eq!(cos[..2], [1.0, 1.0]);
        assert_eq!(sin[..2], [0.0, 0.0]);
        // position 2, pair 1: θ = 2 · 10000^(−1/2) = 0.02
        assert!((sin[2 * 2 + 1] - 0.02f32.sin()).abs() < 1e-6);
    }
}
