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

/// A Q4_K block's fields, unpacked: `d` and `dmin` as f16 bits, the eight scales and mins,
/// the 256 quants (0..15).
struct Q4K {
    d: [u8; 2],
    dmin: [u8; 2],
    scales: [u8; 8],
    mins: [u8; 8],
    quants: [u8; QK_K],
}

impl Q4K {
    /// From a GGUF block (llama.cpp's `block_q4_K`).
    fn read(src: &[u8]) -> Q4K {
        let q = &src[4..16];
        let mut scales = [0u8; 8];
        let mut mins = [0u8; 8];
        for j in 0..8 {
            (scales[j], mins[j]) = if j < 4 {
                (q[j] & 63, q[j + 4] & 63)
            } else {
                (
                    (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4),
                    (q[j + 4] >> 4) | ((q[j] >> 6) << 4),
                )
            };
        }
        let mut quants = [0u8; QK_K];
        for (i, v) in quants.iter_mut().enumerate() {
            let byte = src[16 + (i / 64) * 32 + i % 32];
            *v = if i % 64 < 32 { byte & 0xF } else { byte >> 4 };
        }
        Q4K {
            d: [src[0], src[1]],
            dmin: [src[2], src[3]],
            scales,
            mins,
            quants,
        }
    }

    /// Into a GGUF block: the inverse of [`Q4K::read`].
    fn write(&self, dst: &mut [u8]) {
        dst[0..2].copy_from_slice(&self.d);
        dst[2..4].copy_from_slice(&self.dmin);
        let (sc, mn) = (&self.scales, &self.mins);
        for j in 0..4 {
            dst[4 + j] = sc[j] | ((sc[j + 4] >> 4) << 6);
            dst[8 + j] = mn[j] | ((mn[j + 4] >> 4) << 6);
            dst[12 + j] = (sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4);
        }
        dst[16..16 + 128].fill(0);
        for (i, &v) in self.quants.iter().enumerate() {
            let at = 16 + (i / 64) * 32 + i % 32;
            dst[at] |= if i % 64 < 32 { v } else { v << 4 };
        }
    }

    /// Into lane `j` of group block `g`.
    fn put(&self, g: &mut [u8], j: usize) {
        g[Q4K_D + 2 * j..Q4K_D + 2 * j + 2].copy_from_slice(&self.d);
        g[Q4K_DMIN + 2 * j..Q4K_DMIN + 2 * j + 2].copy_from_slice(&self.dmin);
        for s in 0..8 {
            let e = 8 * s + j;
            g[Q4K_SCALES + e] = self.scales[s] | ((self.mins[s] >> 4) << 6);
            let (at, shift) = (Q4K_MINS + e % 32, 4 * (e / 32));
            g[at] = (g[at] & !(0xF << shift)) | ((self.mins[s] & 0xF) << shift);
            for p in 0..4 {
                for t in 0..4 {
                    let lo = self.quants[32 * s + 4 * p + t];
                    let hi = self.quants[32 * s + 16 + 4 * p + t];
                    g[Q4K_QUANTS + 128 * s + 32 * p + 4 * j + t] = lo | (hi << 4);
                }
            }
        }
    }

    /// From lane `j` of group block `g`: the inverse of [`Q4K::put`].
    fn get(g: &[u8], j: usize) -> Q4K {
        let mut block = Q4K {
            d: [g[Q4K_D + 2 * j], g[Q4K_D + 2 * j + 1]],
            dmin: [g[Q4K_DMIN + 2 * j], g[Q4K_DMIN + 2 * j + 1]],
            scales: [0; 8],
            mins: [0; 8],
            quants: [0; QK_K],
        };
        for s in 0..8 {
            let e = 8 * s + j;
            let byte = g[Q4K_SCALES + e];
            let low = (g[Q4K_MINS + e % 32] >> (4 * (e / 32))) & 0xF;
            block.scales[s] = byte & 63;
            block.mins[s] = low | ((byte >> 6) << 4);
            for p in 0..4 {
                for t in 0..4 {
                    let b = g[Q4K_QUANTS + 128 * s + 32 * p + 4 * j + t];
                    block.quants[32 * s + 4 * p + t] = b & 0xF;
                    block.quants[32 * s + 16 + 4 * p + t] = b >> 4;
                }
            }
        }
        block
    }
}

/// A Q6_K block's fields, unpacked: `d` as f16 bits, the sixteen scales (as bytes), the 256
/// quants (0..63).
struct Q6K {
    d: [u8; 2],
    scales: [u8; 16],
    quants: [u8; QK_K],
}

impl Q6K {
    /// Where quant `i` of a GGUF block lives: its `ql` byte and nibble shift, its `qh` byte and
    /// bit shift (llama.cpp's `dequantize_row_q6_K`, read backwards).
    fn place(i: usize) -> (usize, usize, usize, usize) {
        let (half, m, l) = (i / 128, (i % 128) / 32, i % 32);
        let ql = 64 * half + l + 32 * (m % 2);
        (ql, 4 * (m / 2), 128 + 32 * half + l, 2 * m)
    }

    fn read(src: &[u8]) -> Q6K {
        let mut quants = [0u8; QK_K];
        for (i, v) in quants.iter_mut().enumerate() {
            let (ql, lshift, qh, hshift) = Self::place(i);
            *v = ((src[ql] >> lshift) & 0xF) | (((src[qh] >> hshift) & 3) << 4);
        }
        Q6K {
            d: [src[208], src[209]],
            scales: src[192..208].try_into().unwrap(),
            quants,
        }
    }

    fn write(&self, dst: &mut [u8]) {
        dst[..192].fill(0);
        for (i, &v) in self.quants.iter().enumerate() {
            let (ql, lshift, qh, hshift) = Self::place(i);
            dst[ql] |= (v & 0xF) << lshift;
            dst[qh] |= (v >> 4) << hshift;
        }
        dst[192..208].copy_from_slice(&self.scales);
        dst[208..210].copy_from_slice(&self.d);
    }

    fn put(&self, g: &mut [u8], j: usize) {
        g[Q6K_D + 2 * j..Q6K_D + 2 * j + 2].copy_from_slice(&self.d);
        for t in 0..16 {
            g[Q6K_SCALES + 8 * t + j] = self.scales[t];
            let sub = Q6K_QUANTS + Q6K_SUB * t;
            for u in 0..4 {
                let q = |c: usize| self.quants[16 * t + 4 * c + u];
                for p in 0..2 {
                    g[sub + 32 * p + 4 * j + u] = (q(p) & 0xF) | ((q(p + 2) & 0xF) << 4);
                }
                g[sub + 64 + 4 * j + u] = (0..4).fold(0, |h, c| h | ((q(c) >> 4) << (2 * c)));
            }
        }
    }

    fn get(g: &[u8], j: usize) -> Q6K {
        let mut block = Q6K {
            d: [g[Q6K_D + 2 * j], g[Q6K_D + 2 * j + 1]],
            scales: [0; 16],
            quants: [0; QK_K],
        };
        for t in 0..16 {
            block.scales[t] = g[Q6K_SCALES + 8 * t + j];
            let sub = Q6K_QUANTS + Q6K_SUB * t;
            for u in 0..4 {
                let high = g[sub + 64 + 4 * j + u];
                for c in 0..4 {
                    let low = (g[sub + 32 * (c % 2) + 4 * j + u] >> (4 * (c / 2))) & 0xF;
                    block.quants[16 * t + 4 * c + u] = low | (((high >> (2 * c)) & 3) << 4);
                }
            }
        }
        block
    }
}

/// Writes GGUF block `src` (Q6_K when `q6k`, else Q4_K) into lane `j` of group block `g`.
pub fn set_block(q6k: bool, g: &mut [u8], j: usize, src: &[u8]) {
    if q6k {
        Q6K::read(src).put(g, j);
    } else {
        Q4K::read(src).put(g, j);
    }
}

/// Reads lane `j` of group block `g` back into GGUF block `dst`: the bytes [`set_block`] took.
pub fn get_block(q6k: bool, g: &[u8], j: usize, dst: &mut [u8]) {
    if q6k {
        Q6K::get(g, j).write(dst);
    } else {
        Q4K::get(g, j).write(dst);
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
