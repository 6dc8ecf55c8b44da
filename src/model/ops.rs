//! Element-wise operations computed the way llama.cpp's CPU backend computes them (RMS norm
//! with a double-precision sum, GELU through an f16 table, RoPE angles by repeated
//! multiplication). A 270M model run on quantised activations is sensitive to the last bits of
//! these values, so matching the reference's arithmetic keeps greedy output on the same path.

use std::sync::OnceLock;

use candle_core::{Device, Tensor};
use half::f16;

use crate::error::Result;

/// RMS norm over the last dimension: `x / sqrt(mean(x²) + eps) * w`.
pub fn rms_norm(x: &Tensor, w: &[f32], eps: f64) -> Result<Tensor> {
    let dims = x.dims().to_vec();
    let n = *dims.last().unwrap_or(&1);
    let mut data: Vec<f32> = x.flatten_all()?.to_vec1()?;
    for row in data.chunks_mut(n) {
        let sum: f64 = row.iter().map(|&v| (v * v) as f64).sum();
        let mean = (sum / n as f64) as f32;
        let scale = 1.0 / (mean + eps as f32).sqrt();
        for (v, &g) in row.iter_mut().zip(w) {
            *v = (*v * scale) * g;
        }
    }
    Ok(Tensor::from_vec(data, dims, &Device::Cpu)?.to_device(x.device())?)
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

/// `gelu(gate) * up`, element-wise.
pub fn geglu(gate: &Tensor, up: &Tensor) -> Result<Tensor> {
    let dims = gate.dims().to_vec();
    let g: Vec<f32> = gate.flatten_all()?.to_vec1()?;
    let u: Vec<f32> = up.flatten_all()?.to_vec1()?;
    let out: Vec<f32> = g.iter().zip(&u).map(|(&g, &u)| gelu(g) * u).collect();
    Ok(Tensor::from_vec(out, dims, &Device::Cpu)?.to_device(gate.device())?)
}

/// RoPE cosines and sines for positions `0..positions`, shape `(positions, head_dim / 2)`:
/// θ = p · base^(−2i/d), the powers taken by repeated multiplication as llama.cpp does.
pub fn rope_table(
    base: f64,
    head_dim: usize,
    positions: usize,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
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
    Ok((
        Tensor::from_vec(cos, (positions, half), device)?,
        Tensor::from_vec(sin, (positions, half), device)?,
    ))
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
        let x =
            Tensor::from_vec(vec![3.0f32, 4.0, 0.0, 0.0, 1.0, 1.0], (3, 2), &Device::Cpu).unwrap();
        let y: Vec<Vec<f32>> = rms_norm(&x, &[1.0, 2.0], 0.0).unwrap().to_vec2().unwrap();
        let r = (12.5f32).sqrt();
        assert!((y[0][0] - 3.0 / r).abs() < 1e-6 && (y[0][1] - 8.0 / r).abs() < 1e-6);
        assert!(y[1].iter().all(|v| v.is_nan() || *v == 0.0) || y[1] == vec![0.0, 0.0]);
        assert!((y[2][0] - 1.0).abs() < 1e-6 && (y[2][1] - 2.0).abs() < 1e-6);
    }

    #[test]
    fn rope_table_starts_at_angle_zero_and_follows_the_base() {
        let (cos, sin) = rope_table(10_000.0, 4, 3, &Device::Cpu).unwrap();
        let (cos, sin): (Vec<Vec<f32>>, Vec<Vec<f32>>) =
            (cos.to_vec2().unwrap(), sin.to_vec2().unwrap());
        assert_eq!(cos[0], vec![1.0, 1.0]);
        assert_eq!(sin[0], vec![0.0, 0.0]);
        // position 2, pair 1: θ = 2 · 10000^(−1/2) = 0.02
        assert!((sin[2][1] - 0.02f32.sin()).abs() < 1e-6);
    }
}
