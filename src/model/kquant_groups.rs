//! The eight-row group blocks of Q4_K and Q6_K weights (`row_groups` takes the rows eight at a
//! time and places them; this module writes one row's super-block into a group block and reads
//! it back). A lossless rearrangement of the GGUF bytes, the same size: every field of the
//! eight rows' blocks is kept, bit for bit, in an order the kernels (`simd_kquants`) read with
//! whole-vector operations. As for Q8_0 and Q5_0, one 32-byte vector of weights holds four
//! consecutive quants of each of the eight rows (lane `j`, one 32-bit lane per row), so one
//! `vpdpbusd` against four activation bytes broadcast to every lane advances eight dot products.
//!
//! A group super-block, Q4_K (1152 bytes = 8 × 144), for 256 weights of each row `j` in eight
//! sub-blocks `s` of 32, each with a 6-bit scale and a 6-bit min:
//! - `Q4K_D`: 8 f16 `d`, row by row (16 bytes); `Q4K_DMIN`: 8 f16 `dmin` (16 bytes);
//! - `Q4K_SCALES`: 64 bytes, byte `8s + j` = row `j`'s scale of sub-block `s` (6 bits), with
//!   the two high bits of its min (entry `8s + j` as well) above them;
//! - `Q4K_MINS`: 32 bytes, byte `e` = the low four bits of min entry `e` (low nibble) and of
//!   min entry `32 + e` (high nibble);
//! - `Q4K_QUANTS`: for each sub-block `s`, 4 vectors of 32 bytes (128 bytes at `128 s`):
//!   vector `p`, lane `j`, byte `t` holds row `j`'s quant `32s + 4p + t` in its low nibble and
//!   quant `32s + 16 + 4p + t` in its high nibble.
//!
//! A group super-block, Q6_K (1680 bytes = 8 × 210), for 256 weights of each row in sixteen
//! sub-blocks `t` of 16, each with a signed 8-bit scale; quants 0..63 (value + 32):
//! - `Q6K_D`: 8 f16 `d` (16 bytes);
//! - `Q6K_SCALES`: 128 bytes, byte `8t + j` = row `j`'s scale of sub-block `t`;
//! - `Q6K_QUANTS`: for each sub-block `t`, 96 bytes at `96 t`: 2 vectors `p` of low bits —
//!   lane `j`, byte `u` holds the low four bits of row `j`'s quant `16t + 4p + u` (low nibble)
//!   and of quant `16t + 8 + 4p + u` (high nibble) — then one vector of high bits: lane `j`,
//!   byte `u`, bits `2c..2c + 2` are the high two bits of row `j`'s quant `16t + 4c + u`.

/// Values in a super-block.
pub const QK_K: usize = 256;
/// Rows in a group.
const ROWS: usize = 8;

/// Bytes of a GGUF block.
pub const Q4K_BLOCK: usize = 144;
pub const Q6K_BLOCK: usize = 210;

/// Where a Q4_K group block's parts start.
pub const Q4K_D: usize = 0;
pub const Q4K_DMIN: usize = 2 * ROWS;
pub const Q4K_SCALES: usize = 4 * ROWS;
pub const Q4K_MINS: usize = Q4K_SCALES + 64;
pub const Q4K_QUANTS: usize = Q4K_MINS + 32;
/// Where a Q6_K group block's parts start.
pub const Q6K_D: usize = 0;
pub const Q6K_SCALES: usize = 2 * ROWS;
pub const Q6K_QUANTS: usize = Q6K_SCALES + 128;
/// Bytes of one Q6_K sub-block's quants in a group block.
pub const Q6K_SUB: usize = 96;
const _: () = assert!(Q4K_QUANTS + 8 * 128 == ROWS * Q4K_BLOCK);
const _: () = assert!(Q6K_QUANTS + 16 * Q6K_SUB == ROWS * Q6K_BLOCK);

/// Low nibbles of four bytes.
const LOW: u32 = 0x0F0F_0F0F;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// GGUF Q4_K (llama.cpp's `block_q4_K`): `d`, `dmin` (f16), 12 bytes of scales and mins,
/// 128 bytes of quants (byte `32h + i`: quant `64h + i` low, `64h + 32 + i` high).
mod q4k {
    use super::*;

    /// The scale and min of sub-block `s` from the 12 packed bytes (`get_scale_min_k4`).
    fn scale_min(q: &[u8], s: usize) -> (u8, u8) {
        if s < 4 {
            (q[s] & 63, q[s + 4] & 63)
        } else {
            (
                (q[s + 4] & 0xF) | ((q[s - 4] >> 6) << 4),
                (q[s + 4] >> 4) | ((q[s] >> 6) << 4),
            )
        }
    }

    /// Sub-block `s`'s quants `4p..4p + 4` (low nibbles) and `16 + 4p..` (high nibbles) come
    /// from GGUF bytes `32h + 4p..` and `32h + 16 + 4p..`, `h = s / 2`, in their low (even `s`)
    /// or high (odd `s`) nibbles.
    fn quant_bytes(h: usize, p: usize) -> (usize, usize) {
        (16 + 32 * h + 4 * p, 16 + 32 * h + 16 + 4 * p)
    }

    pub fn put(src: &[u8], g: &mut [u8], j: usize) {
        g[Q4K_D + 2 * j..Q4K_D + 2 * j + 2].copy_from_slice(&src[0..2]);
        g[Q4K_DMIN + 2 * j..Q4K_DMIN + 2 * j + 2].copy_from_slice(&src[2..4]);
        for s in 0..8 {
            let (scale, min) = scale_min(&src[4..16], s);
            let e = 8 * s + j;
            g[Q4K_SCALES + e] = scale | ((min >> 4) << 6);
            let (at, shift) = (Q4K_MINS + e % 32, 4 * (e / 32));
            g[at] = (g[at] & !(0xF << shift)) | ((min & 0xF) << shift);
        }
        for h in 0..4 {
            for p in 0..4 {
                let (a, b) = quant_bytes(h, p);
                let (a, b) = (u32_at(src, a), u32_at(src, b));
                let even = (a & LOW) | ((b & LOW) << 4);
                let odd = ((a >> 4) & LOW) | (b & !LOW);
                put_u32(g, Q4K_QUANTS + 256 * h + 32 * p + 4 * j, even);
                put_u32(g, Q4K_QUANTS + 256 * h + 128 + 32 * p + 4 * j, odd);
            }
        }
    }

    pub fn get(g: &[u8], j: usize, dst: &mut [u8]) {
        dst[0..2].copy_from_slice(&g[Q4K_D + 2 * j..Q4K_D + 2 * j + 2]);
        dst[2..4].copy_from_slice(&g[Q4K_DMIN + 2 * j..Q4K_DMIN + 2 * j + 2]);
        let mut scales = [0u8; 8];
        let mut mins = [0u8; 8];
        for s in 0..8 {
            let e = 8 * s + j;
            let byte = g[Q4K_SCALES + e];
            scales[s] = byte & 63;
            mins[s] = ((g[Q4K_MINS + e % 32] >> (4 * (e / 32))) & 0xF) | ((byte >> 6) << 4);
        }
        for s in 0..4 {
            dst[4 + s] = scales[s] | ((scales[s + 4] >> 4) << 6);
            dst[8 + s] = mins[s] | ((mins[s + 4] >> 4) << 6);
            dst[12 + s] = (scales[s + 4] & 0xF) | ((mins[s + 4] & 0xF) << 4);
        }
        for h in 0..4 {
            for p in 0..4 {
                let even = u32_at(g, Q4K_QUANTS + 256 * h + 32 * p + 4 * j);
                let odd = u32_at(g, Q4K_QUANTS + 256 * h + 128 + 32 * p + 4 * j);
                let (a, b) = quant_bytes(h, p);
                put_u32(dst, a, (even & LOW) | ((odd & LOW) << 4));
                put_u32(dst, b, ((even >> 4) & LOW) | (odd & !LOW));
            }
        }
    }
}

/// GGUF Q6_K (llama.cpp's `block_q6_K`): `ql` (128 bytes, low four bits), `qh` (64 bytes,
/// high two bits), 16 scales, `d`. Quant `128h + 32m + l` (`l` < 32) is in `ql` byte
/// `64h + 32(m % 2) + l`, nibble `m / 2`, and `qh` byte `32h + l`, bits `2m..2m + 2`.
mod q6k {
    use super::*;

    /// For chunk `c` (quants `16t + 4c..16t + 4c + 4`) of sub-block `t`: the `ql` byte of its
    /// first quant and the nibble's shift, the `qh` byte and the bits' shift.
    fn place(t: usize, c: usize) -> (usize, u32, usize, u32) {
        let (h, m, l) = (t / 8, (t % 8) / 2, 16 * (t % 2) + 4 * c);
        (
            64 * h + 32 * (m % 2) + l,
            4 * (m as u32 / 2),
            128 + 32 * h + l,
            2 * m as u32,
        )
    }

    pub fn put(src: &[u8], g: &mut [u8], j: usize) {
        g[Q6K_D + 2 * j..Q6K_D + 2 * j + 2].copy_from_slice(&src[208..210]);
        for t in 0..16 {
            g[Q6K_SCALES + 8 * t + j] = src[192 + t];
            let mut low = [0u32; 4];
            let mut high = 0u32;
            for (c, low) in low.iter_mut().enumerate() {
                let (ql, lshift, qh, hshift) = place(t, c);
                *low = (u32_at(src, ql) >> lshift) & LOW;
                high |= ((u32_at(src, qh) >> hshift) & 0x0303_0303) << (2 * c);
            }
            let sub = Q6K_QUANTS + Q6K_SUB * t;
            put_u32(g, sub + 4 * j, low[0] | (low[2] << 4));
            put_u32(g, sub + 32 + 4 * j, low[1] | (low[3] << 4));
            put_u32(g, sub + 64 + 4 * j, high);
        }
    }

    pub fn get(g: &[u8], j: usize, dst: &mut [u8]) {
        dst[..192].fill(0);
        for t in 0..16 {
            dst[192 + t] = g[Q6K_SCALES + 8 * t + j];
            let sub = Q6K_QUANTS + Q6K_SUB * t;
            let (n0, n1) = (u32_at(g, sub + 4 * j), u32_at(g, sub + 32 + 4 * j));
            let high = u32_at(g, sub + 64 + 4 * j);
            let low = [n0 & LOW, n1 & LOW, (n0 >> 4) & LOW, (n1 >> 4) & LOW];
            for (c, low) in low.into_iter().enumerate() {
                let (ql, lshift, qh, hshift) = place(t, c);
                put_u32(dst, ql, u32_at(dst, ql) | (low << lshift));
                let bits = (high >> (2 * c)) & 0x0303_0303;
                put_u32(dst, qh, u32_at(dst, qh) | (bits << hshift));
            }
        }
        dst[208..210].copy_from_slice(&g[Q6K_D + 2 * j..Q6K_D + 2 * j + 2]);
    }
}

/// Writes GGUF block `src` (Q6_K when `q6k`, else Q4_K) into lane `j` of group block `g`.
pub fn set_block(q6k: bool, g: &mut [u8], j: usize, src: &[u8]) {
    if q6k {
        q6k::put(src, g, j);
    } else {
        q4k::put(src, g, j);
    }
}

/// Reads lane `j` of group block `g` back into GGUF block `dst`: the bytes [`set_block`] took.
pub fn get_block(q6k: bool, g: &[u8], j: usize, dst: &mut [u8]) {
    if q6k {
        q6k::get(g, j, dst);
    } else {
        q4k::get(g, j, dst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    /// Every bit pattern of a block survives the trip, in every lane, and a lane's writes
    /// leave the other lanes alone.
    #[test]
    fn blocks_come_back_bit_for_bit() {
        let mut rng = StdRng::seed_from_u64(5);
        for (q6k, size) in [(false, Q4K_BLOCK), (true, Q6K_BLOCK)] {
            for _ in 0..20 {
                let blocks: Vec<Vec<u8>> = (0..ROWS)
                    .map(|_| {
                        let mut b = vec![0u8; size];
                        rng.fill(&mut b[..]);
                        b
                    })
                    .collect();
                let mut g = vec![0u8; ROWS * size];
                for (j, b) in blocks.iter().enumerate() {
                    set_block(q6k, &mut g, j, b);
                }
                let mut back = vec![0u8; size];
                for (j, b) in blocks.iter().enumerate() {
                    get_block(q6k, &g, j, &mut back);
                    assert_eq!(&back, b, "q6k {q6k} lane {j}");
                }
            }
        }
    }
}
