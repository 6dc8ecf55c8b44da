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

/// `gate ← gelu(gate) * up`, element-wise.
pub fn geglu(gate: &mut [f32], up: &[f32]) {
    for (g, &u) in gate.iter_mut().zip(up) {
        *g = gelu(*g) * u;
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
