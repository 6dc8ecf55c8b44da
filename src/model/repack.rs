//! Lossless widening of Q5_0 blocks to Q8_0.
//!
//! Q5_0 stores 32 weights as an f16 scale and 5-bit integers in −16..15. The same integers fit
//! in Q8_0's 8 bits with the same scale: the widened blocks dequantize to exactly the same
//! values. Used where none of our vector kernel sets runs (`PLUME_SIMD=0`, or a CPU without
//! AVX2), where candle's Q8_0 kernel is vectorised and its Q5_0 code is scalar.

/// Bytes of one Q5_0 block.
const Q5_0_BLOCK: usize = 22;
const Q8_0_BLOCK: usize = 34;

/// One Q5_0 block → one Q8_0 block.
fn block_q5_0_to_q8_0(src: &[u8], dst: &mut [u8]) {
    dst[..2].copy_from_slice(&src[..2]);
    let qh = u32::from_le_bytes([src[2], src[3], src[4], src[5]]);
    let qs = &src[6..22];
    for j in 0..16 {
        let hi0 = (((qh >> j) << 4) & 0x10) as u8;
        let hi1 = ((qh >> (j + 12)) & 0x10) as u8;
        let x0 = ((qs[j] & 0x0F) | hi0) as i8 - 16;
        let x1 = ((qs[j] >> 4) | hi1) as i8 - 16;
        dst[2 + j] = x0 as u8;
        dst[2 + j + 16] = x1 as u8;
    }
}

/// Q5_0 blocks `src` → Q8_0 blocks `dst` (34 bytes for each 22).
pub fn q5_0_to_q8_0(src: &[u8], dst: &mut [u8]) {
    assert_eq!(src.len() / Q5_0_BLOCK * Q8_0_BLOCK, dst.len());
    for (src, dst) in src
        .chunks_exact(Q5_0_BLOCK)
        .zip(dst.chunks_exact_mut(Q8_0_BLOCK))
    {
        block_q5_0_to_q8_0(src, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::quantized::k_quants::{BlockQ5_0, BlockQ8_0, GgmlType};

    #[test]
    fn widened_q5_0_dequantizes_to_the_same_values() {
        let values: Vec<f32> = (0..64 * 8)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let mut q5 = vec![BlockQ5_0::zeros(); values.len() / 32];
        BlockQ5_0::from_float(&values, &mut q5);
        // SAFETY: candle's blocks are `repr(C)` with no padding (it asserts their sizes).
        let bytes =
            unsafe { std::slice::from_raw_parts(q5.as_ptr() as *const u8, q5.len() * Q5_0_BLOCK) };
        let mut q8 = vec![BlockQ8_0::zeros(); q5.len()];
        // SAFETY: as above; the slice covers exactly the blocks of `q8`.
        let wide = unsafe {
            std::slice::from_raw_parts_mut(q8.as_mut_ptr() as *mut u8, q8.len() * Q8_0_BLOCK)
        };
        q5_0_to_q8_0(bytes, wide);
        let (mut before, mut after) = (vec![0f32; values.len()], vec![0f32; values.len()]);
        BlockQ5_0::to_float(&q5, &mut before);
        BlockQ8_0::to_float(&q8, &mut after);
        assert_eq!(before, after);
        assert!(before.iter().any(|&v| v != 0.0));
    }
}
