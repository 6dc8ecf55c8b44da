//! Eight-row groups: the layout our vector kernels (`simd::dot_group` for Q8_0 and Q5_0,
//! `simd_kquants::dot_group` for Q4_K and Q6_K; AVX-512 VNNI or AVX2) multiply the weights in.
//! A lossless rearrangement of the GGUF blocks, the same size, made once at load.
//!
//! A matrix's rows are taken eight at a time; the eight rows of a group lie together, block
//! after block, and each block of the group holds the eight rows' blocks interleaved so that
//! one 32-byte vector gives four consecutive weights of each of the eight rows (lane `j`, one
//! 32-bit lane per row). Multiplied by four activation bytes broadcast to every lane, one
//! `vpdpbusd` advances eight dot products at once, and a block's eight integer sums end in the
//! eight lanes of one register, scaled and accumulated with one multiply-add. The weights are
//! stored as unsigned values (Q8_0 plus 128, Q5_0 plus 16, its own encoding), as `vpdpbusd`
//! wants its first operand; the kernel takes the offset back with the activations' block sums.
//! (The AVX2 kernel, with `vpmaddubsw` and `vpmaddwd` instead, reads the same layout:
//! `simd_avx2`.)
//!
//! A group block, Q8_0 (272 bytes = 8 × 34):
//! - 8 f16 scales, row by row (16 bytes);
//! - 8 vectors of 32 bytes: vector `c`, lane `j`, byte `t` is row `j`'s weight `4c + t`, plus 128.
//!
//! A group block, Q5_0 (176 bytes = 8 × 22):
//! - 8 f16 scales (16 bytes);
//! - 8 masks of 32 bits: mask `c`, bit `4j + t` is the high (fifth) bit of row `j`'s weight
//!   `4c + t` (32 bytes);
//! - 4 vectors of 32 bytes: vector `p`, lane `j`, byte `t` holds in its low nibble the low bits
//!   of row `j`'s weight `4p + t`, in its high nibble those of weight `16 + 4p + t`.
//!
//! Q4_K and Q6_K group blocks (super-blocks of 256 weights) are laid out in `kquant_groups`.
//!
//! A matrix whose row count is not a multiple of eight ends with zero rows (zero scales).

use rayon::prelude::*;

use super::kquant_groups::{self, QK_K};

/// Rows in a group.
pub const ROWS: usize = 8;
/// Where a group block's parts start: the scales, then Q8_0's quants, or Q5_0's high-bit
/// masks and nibbles (the kernel reads the same offsets).
pub const SCALES: usize = 0;
pub const Q8_0_QUANTS: usize = 2 * ROWS;
pub const Q5_0_MASKS: usize = 2 * ROWS;
pub const Q5_0_NIBBLES: usize = Q5_0_MASKS + 4 * ROWS;
/// Weights in a Q8_0 or Q5_0 block.
const BLOCK: usize = 32;

/// The block types kept in groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Q8_0,
    Q5_0,
    Q4K,
    Q6K,
}

impl Kind {
    /// Bytes of one GGUF block (one row's 32 weights, or 256 for the k-quants).
    pub const fn block_bytes(self) -> usize {
        match self {
            Kind::Q8_0 => 34,
            Kind::Q5_0 => 22,
            Kind::Q4K => kquant_groups::Q4K_BLOCK,
            Kind::Q6K => kquant_groups::Q6K_BLOCK,
        }
    }

    /// Weights in one block.
    pub const fn block_values(self) -> usize {
        match self {
            Kind::Q8_0 | Kind::Q5_0 => BLOCK,
            Kind::Q4K | Kind::Q6K => QK_K,
        }
    }

    /// Bytes of one row of `k` weights, in the file as in groups.
    pub fn row_bytes(self, k: usize) -> usize {
        k / self.block_values() * self.block_bytes()
    }

    /// Bytes of the groups holding `n` rows (the last group padded).
    pub fn size(self, n: usize, k: usize) -> usize {
        n.div_ceil(ROWS) * ROWS * self.row_bytes(k)
    }
}

/// Where row `i`'s block `b` sits in groups of rows of `k` weights: the group block's offset
/// and the row's lane in it.
fn place(kind: Kind, k: usize, i: usize, b: usize) -> (usize, usize) {
    let group = i / ROWS;
    let offset = (group * (k / kind.block_values()) + b) * ROWS * kind.block_bytes();
    (offset, i % ROWS)
}

/// Writes row `i` (`row`: its GGUF blocks) into `groups`.
pub fn set_row(kind: Kind, groups: &mut [u8], k: usize, i: usize, row: &[u8]) {
    let size = kind.block_bytes();
    assert_eq!(row.len(), kind.row_bytes(k));
    for (b, src) in row.chunks_exact(size).enumerate() {
        let (at, j) = place(kind, k, i, b);
        let dst = &mut groups[at..at + ROWS * size];
        if matches!(kind, Kind::Q8_0 | Kind::Q5_0) {
            dst[SCALES + 2 * j..SCALES + 2 * j + 2].copy_from_slice(&src[..2]);
        }
        match kind {
            Kind::Q8_0 => {
                for (c, four) in src[2..].chunks_exact(4).enumerate() {
                    let at = Q8_0_QUANTS + 32 * c + 4 * j;
                    for (d, &q) in dst[at..at + 4].iter_mut().zip(four) {
                        *d = q ^ 0x80;
                    }
                }
            }
            Kind::Q5_0 => {
                let high = u32::from_le_bytes([src[2], src[3], src[4], src[5]]);
                for c in 0..8 {
                    let at = Q5_0_MASKS + 4 * c;
                    let mask = u32::from_le_bytes([dst[at], dst[at + 1], dst[at + 2], dst[at + 3]]);
                    let mask = (mask & !(0xF << (4 * j))) | (((high >> (4 * c)) & 0xF) << (4 * j));
                    dst[at..at + 4].copy_from_slice(&mask.to_le_bytes());
                }
                // Byte w holds weight w (low nibble) and weight w + 16 (high nibble), as in
                // the file: only the place changes.
                for (p, four) in src[6..].chunks_exact(4).enumerate() {
                    let at = Q5_0_NIBBLES + 32 * p + 4 * j;
                    dst[at..at + 4].copy_from_slice(four);
                }
            }
            Kind::Q4K | Kind::Q6K => kquant_groups::set_block(kind == Kind::Q6K, dst, j, src),
        }
    }
}

/// Reads row `i`'s GGUF blocks from `groups` into `row`: the bytes [`set_row`] was given.
pub fn get_row(kind: Kind, groups: &[u8], k: usize, i: usize, row: &mut [u8]) {
    let size = kind.block_bytes();
    assert_eq!(row.len(), kind.row_bytes(k));
    for (b, dst) in row.chunks_exact_mut(size).enumerate() {
        let (at, j) = place(kind, k, i, b);
        let src = &groups[at..at + ROWS * size];
        if matches!(kind, Kind::Q8_0 | Kind::Q5_0) {
            dst[..2].copy_from_slice(&src[SCALES + 2 * j..SCALES + 2 * j + 2]);
        }
        match kind {
            Kind::Q8_0 => {
                for (c, four) in dst[2..].chunks_exact_mut(4).enumerate() {
                    let at = Q8_0_QUANTS + 32 * c + 4 * j;
                    for (q, &s) in four.iter_mut().zip(&src[at..at + 4]) {
                        *q = s ^ 0x80;
                    }
                }
            }
            Kind::Q5_0 => {
                let mut high = 0u32;
                for c in 0..8 {
                    let at = Q5_0_MASKS + 4 * c;
                    let mask = u32::from_le_bytes([src[at], src[at + 1], src[at + 2], src[at + 3]]);
                    high |= ((mask >> (4 * j)) & 0xF) << (4 * c);
                }
                dst[2..6].copy_from_slice(&high.to_le_bytes());
                for (p, four) in dst[6..].chunks_exact_mut(4).enumerate() {
                    let at = Q5_0_NIBBLES + 32 * p + 4 * j;
                    four.copy_from_slice(&src[at..at + 4]);
                }
            }
            Kind::Q4K | Kind::Q6K => kquant_groups::get_block(kind == Kind::Q6K, src, j, dst),
        }
    }
}

/// Rearranges `bytes`, which start with `n` rows of GGUF blocks (zeros after them), into
/// groups, in place: a group takes the bytes of its eight rows.
pub fn pack_in_place(kind: Kind, bytes: &mut [u8], n: usize, k: usize) {
    // Rows past `n` are zeros, and stay zeros.
    each_group(kind, bytes, n, k, |rows, group| {
        for (j, row) in rows.chunks_exact(kind.row_bytes(k)).enumerate() {
            set_row(kind, group, k, j, row);
        }
    });
}

/// The inverse of [`pack_in_place`]: the groups back to rows of GGUF blocks, in place.
pub fn unpack_in_place(kind: Kind, bytes: &mut [u8], n: usize, k: usize) {
    each_group(kind, bytes, n, k, |groups, rows| {
        for (j, row) in rows.chunks_exact_mut(kind.row_bytes(k)).enumerate() {
            get_row(kind, groups, k, j, row);
        }
    });
}

/// `convert(before, group)` for each group's bytes of a matrix of `n` rows, in parallel:
/// `before` is a copy of the bytes (one group of scratch a thread), rewritten into `group`.
fn each_group(
    kind: Kind,
    bytes: &mut [u8],
    n: usize,
    k: usize,
    convert: impl Fn(&[u8], &mut [u8]) + Sync,
) {
    let size = ROWS * kind.row_bytes(k);
    assert_eq!(bytes.len(), kind.size(n, k));
    bytes.par_chunks_exact_mut(size).for_each_init(
        || vec![0u8; size],
        |before, group| {
            before.copy_from_slice(group);
            convert(before, group);
        },
    );
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use candle_core::quantized::k_quants::{BlockQ4K, BlockQ5_0, BlockQ6K, BlockQ8_0, GgmlType};

    /// GGUF blocks of `kind` quantising `values` (rows one after the other).
    pub(crate) fn gguf_rows(kind: Kind, values: &[f32]) -> Vec<u8> {
        let bytes = |p: *const u8, len: usize| {
            // SAFETY: candle's blocks are `repr(C)` with no padding (it asserts their sizes).
            unsafe { std::slice::from_raw_parts(p, len) }.to_vec()
        };
        match kind {
            Kind::Q8_0 => {
                let mut b = vec![BlockQ8_0::zeros(); values.len() / 32];
                BlockQ8_0::from_float(values, &mut b);
                bytes(b.as_ptr() as *const u8, b.len() * kind.block_bytes())
            }
            Kind::Q5_0 => {
                let mut b = vec![BlockQ5_0::zeros(); values.len() / 32];
                BlockQ5_0::from_float(values, &mut b);
                bytes(b.as_ptr() as *const u8, b.len() * kind.block_bytes())
            }
            Kind::Q4K => {
                let mut b = vec![BlockQ4K::zeros(); values.len() / QK_K];
                BlockQ4K::from_float(values, &mut b);
                bytes(b.as_ptr() as *const u8, b.len() * kind.block_bytes())
            }
            Kind::Q6K => {
                let mut b = vec![BlockQ6K::zeros(); values.len() / QK_K];
                BlockQ6K::from_float(values, &mut b);
                bytes(b.as_ptr() as *const u8, b.len() * kind.block_bytes())
            }
        }
    }

    fn values(count: usize) -> Vec<f32> {
        (0..count)
            .map(|i| ((i * 7919 % 1999) as f32 - 999.0) / 97.0)
            .collect()
    }

    #[test]
    fn rows_come_back_as_they_went_in() {
        for kind in [Kind::Q8_0, Kind::Q5_0, Kind::Q4K, Kind::Q6K] {
            let (n, k) = (13, 3 * kind.block_values());
            let rows = gguf_rows(kind, &values(n * k));
            let rb = kind.row_bytes(k);
            let mut groups = vec![0u8; kind.size(n, k)];
            groups[..rows.len()].copy_from_slice(&rows);
            pack_in_place(kind, &mut groups, n, k);
            assert_ne!(groups[..rows.len()], rows[..], "{kind:?}: rearranged");
            let mut back = groups.clone();
            unpack_in_place(kind, &mut back, n, k);
            assert_eq!(back[..rows.len()], rows[..], "{kind:?}: unpacked");
            assert!(
                back[rows.len()..].iter().all(|&b| b == 0),
                "{kind:?}: padding"
            );
            let mut row = vec![0u8; rb];
            for i in 0..n {
                get_row(kind, &groups, k, i, &mut row);
                assert_eq!(row, rows[i * rb..(i + 1) * rb], "{kind:?}: row {i}");
            }
            for i in n..16 {
                get_row(kind, &groups, k, i, &mut row);
                assert!(row.iter().all(|&b| b == 0), "{kind:?}: padding row {i}");
            }
            // Rewriting a row in place changes that row only.
            let other = gguf_rows(kind, &values(k));
            set_row(kind, &mut groups, k, 5, &other);
            for i in 0..n {
                get_row(kind, &groups, k, i, &mut row);
                let want = if i == 5 {
                    &other[..]
                } else {
                    &rows[i * rb..(i + 1) * rb]
                };
                assert_eq!(row, want, "{kind:?}: row {i} after rewriting row 5");
            }
        }
    }
}
