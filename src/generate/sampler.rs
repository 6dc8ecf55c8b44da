//! Choosing the next token from logits: repeat penalty, n-gram ban, temperature, top-k, top-p,
//! min-p, and a seeded random generator so the same seed gives the same text.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Sampling settings, plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamplingSettings {
    /// 0 means greedy (argmax).
    pub temperature: f32,
    /// Keep the k most likely tokens (0: all).
    pub top_k: usize,
    /// Keep the smallest set of tokens whose probability reaches p (1.0: all).
    pub top_p: f32,
    /// Drop tokens less likely than min_p × the most likely one (0.0: none).
    pub min_p: f32,
    /// Divide positive logits (multiply negative ones) of recently seen tokens (1.0: off).
    pub repeat_penalty: f32,
    /// How many recent tokens the repeat penalty looks at.
    pub repeat_last_n: usize,
    /// Forbid any token that would repeat an n-gram already generated (0: off).
    pub no_repeat_ngram: usize,
    pub seed: u64,
}

impl Default for SamplingSettings {
    fn default() -> Self {
        SamplingSettings {
            temperature: 0.7,
            top_k: 40,
            top_p: 0.95,
            min_p: 0.05,
            repeat_penalty: 1.1,
            repeat_last_n: 64,
            no_repeat_ngram: 0,
            seed: 42,
        }
    }
}

impl SamplingSettings {
    /// Greedy decoding, no penalties.
    pub fn greedy() -> Self {
        SamplingSettings {
            temperature: 0.0,
            top_k: 0,
            top_p: 1.0,
            min_p: 0.0,
            repeat_penalty: 1.0,
            no_repeat_ngram: 0,
            ..Default::default()
        }
    }

    /// A one-line summary for provenance.
    pub fn summary(&self) -> String {
        format!(
            "temperature={} top_k={} top_p={} min_p={} repeat_penalty={} repeat_last_n={} no_repeat_ngram={}",
            self.temperature, self.top_k, self.top_p, self.min_p, self.repeat_penalty, self.repeat_last_n, self.no_repeat_ngram
        )
    }
}

/// A sampler: settings plus the random state.
pub struct Sampler {
    settings: SamplingSettings,
    rng: StdRng,
}

impl Sampler {
    pub fn new(settings: SamplingSettings) -> Self {
        let rng = StdRng::seed_from_u64(settings.seed);
        Sampler { settings, rng }
    }

    /// Picks the next token. `history` is every token so far (prompt and generated);
    /// `generated` how many of its last tokens were generated (penalties and the n-gram ban only
    /// look at those); `banned` tokens are never picked.
    pub fn sample(
        &mut self,
        logits: &mut [f32],
        history: &[u32],
        generated: usize,
        banned: &[u32],
    ) -> u32 {
        let s = &self.settings;
        let recent = &history[history.len() - generated.min(history.len())..];
        apply_repeat_penalty(
            logits,
            s.repeat_penalty,
            &recent[recent.len().saturating_sub(s.repeat_last_n)..],
        );
        ban_repeated_ngrams(logits, recent, s.no_repeat_ngram);
        for &b in banned {
            if let Some(l) = logits.get_mut(b as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
        if s.temperature <= 0.0 {
            return argmax(logits);
        }
        let candidates = top_candidates(logits, s.temperature, s.top_k);
        if candidates.is_empty() {
            return argmax(logits);
        }
        let max = candidates[0].1;
        let mut probs: Vec<f32> = candidates.iter().map(|(_, l)| (l - max).exp()).collect();
        let total: f32 = probs.iter().sum();
        probs.iter_mut().for_each(|p| *p /= total);
        let mut keep = probs.len();
        if s.min_p > 0.0 {
            let floor = probs[0] * s.min_p;
            keep = probs.iter().take_while(|&&p| p >= floor).count().max(1);
        }
        if s.top_p < 1.0 {
            let mut cumulative = 0.0;
            let mut n = 0;
            for p in &probs[..keep] {
                cumulative += p;
                n += 1;
                if cumulative >= s.top_p {
                    break;
                }
            }
            keep = n.max(1);
        }
        let mass: f32 = probs[..keep].iter().sum();
        let mut r = self.rng.random::<f32>() * mass;
        for (i, p) in probs[..keep].iter().enumerate() {
            r -= p;
            if r <= 0.0 {
                return candidates[i].0;
            }
        }
        candidates[keep - 1].0
    }
}

/// The finite logits divided by `temperature` (> 0), as `(token, value)`, best first (ties: the
/// lower token first), at most `top_k` of them (0: all). For a small `top_k` one pass keeps the
/// best so far: most tokens cost one comparison, with no copy of the vocabulary.
fn top_candidates(logits: &[f32], temperature: f32, top_k: usize) -> Vec<(u32, f32)> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if top_k == 0 || top_k > 1024 {
        let mut all: Vec<(u32, f32)> = logits
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_finite())
            .map(|(i, &l)| (i as u32, l / temperature))
            .collect();
        all.sort_by(order);
        all.truncate(if top_k == 0 { all.len() } else { top_k });
        return all;
    }
    let mut best: Vec<(u32, f32)> = Vec::with_capacity(top_k + 1);
    // The raw logit of the last kept candidate: dividing by a positive temperature keeps the
    // order (and may only create ties), so a smaller raw logit cannot enter once the list is
    // full, and is rejected before its division.
    let mut floor = f32::NEG_INFINITY;
    for (i, &l) in logits.iter().enumerate() {
        if !l.is_finite() || (best.len() == top_k && l < floor) {
            continue;
        }
        let candidate = (i as u32, l / temperature);
        // Tokens come in increasing order, so an equal value does not beat a kept one.
        if best.len() == top_k && candidate.1 <= best[top_k - 1].1 {
            continue;
        }
        let at = best.partition_point(|kept| order(kept, &candidate).is_lt());
        best.insert(at, candidate);
        best.truncate(top_k);
        if best.len() == top_k {
            floor = logits[best[top_k - 1].0 as usize];
        }
    }
    best
}

/// The index of the largest logit (the first one on ties).
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best as u32
}

/// Penalises every token present in `window`, once per distinct token.
pub fn apply_repeat_penalty(logits: &mut [f32], penalty: f32, window: &[u32]) {
    if penalty == 1.0 {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for &t in window {
        if seen.insert(t) {
            if let Some(l) = logits.get_mut(t as usize) {
                *l = if *l >= 0.0 {
                    *l / penalty
                } else {
                    *l * penalty
                };
            }
        }
    }
}

/// Forbids each token that would complete an `n`-gram already present in `tokens`.
pub fn ban_repeated_ngrams(logits: &mut [f32], tokens: &[u32], n: usize) {
    if n == 0 || tokens.len() < n {
        return;
    }
    let prefix = &tokens[tokens.len() - (n - 1)..];
    for window in tokens.windows(n) {
        if &window[..n - 1] == prefix {
            if let Some(l) = logits.get_mut(window[n - 1] as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
    }
}

/// `log p(token)` under the softmax of `logits` (temperature 1), for ranking candidates.
pub fn log_prob(logits: &[f32], token: u32) -> f32 {
    let (max, sum) = log_sum_exp_parts(logits);
    logits
        .get(token as usize)
        .map_or(f32::NEG_INFINITY, |l| l - max - sum.ln())
}

/// The largest finite value, and Σ exp(v − max) over the finite values, in eight interleaved
/// lanes with our own exponential: vector instructions where the CPU has AVX2 and FMA, the same
/// bits everywhere (`f32::exp` is a library call per value, and this runs over the whole
/// vocabulary for every generated token).
fn log_sum_exp_parts(values: &[f32]) -> (f32, f32) {
    #[cfg(target_arch = "x86_64")]
    if crate::model::kernels::KernelSet::Avx2.supported() {
        // SAFETY: the features are checked.
        return unsafe { log_sum_exp_parts_fma(values) };
    }
    log_sum_exp_parts_body(values)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn log_sum_exp_parts_fma(values: &[f32]) -> (f32, f32) {
    log_sum_exp_parts_body(values)
}

#[inline(always)]
fn log_sum_exp_parts_body(values: &[f32]) -> (f32, f32) {
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    let mut highest = [f32::NEG_INFINITY; 8];
    let keep_max = |lane: &mut f32, v: f32| {
        if v.is_finite() && v > *lane {
            *lane = v;
        }
    };
    for chunk in chunks.clone() {
        for (lane, &v) in highest.iter_mut().zip(chunk) {
            keep_max(lane, v);
        }
    }
    for (lane, &v) in highest.iter_mut().zip(rest) {
        keep_max(lane, v);
    }
    let max = highest.into_iter().fold(f32::NEG_INFINITY, f32::max);
    let mut lanes = [0f32; 8];
    let add = |lane: &mut f32, v: f32| {
        let e = exp_nonpositive(v - max);
        *lane += if v.is_finite() { e } else { 0.0 };
    };
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            add(lane, v);
        }
    }
    for (lane, &v) in lanes.iter_mut().zip(rest) {
        add(lane, v);
    }
    let sum = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6]))
        + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    (max, sum)
}

/// e^x for x ≤ 0, within about two ulps (x below −87 counts as −87, about 1.6e-38: f32's
/// smallest normal numbers; x above 0 as 0). Fused multiply-adds only, so every CPU gives the same bits.
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Rounds to the nearest integer (ties to even) for |y| < 2²²: adding 1.5·2²³ moves the
    // fraction out of the mantissa.
    const ROUND: f32 = 12_582_912.0;
    // +∞ becomes 0 and NaN stays NaN (an exponent of 0 below): no overflow; the caller masks
    // both.
    let x = x.clamp(-87.0, 0.0);
    let n = x.mul_add(LOG2_E, ROUND) - ROUND;
    let r = n.mul_add(-LN2_LO, n.mul_add(-LN2_HI, x));
    // e^r on |r| ≤ ln 2 / 2: Taylor terms to r⁶ (the next is below 1.2e-7 of the value).
    let p = (1.0 / 720.0f32)
        .mul_add(r, 1.0 / 120.0)
        .mul_add(r, 1.0 / 24.0)
        .mul_add(r, 1.0 / 6.0)
        .mul_add(r, 0.5)
        .mul_add(r, 1.0)
        .mul_add(r, 1.0);
    p * f32::from_bits(((n as i32 + 127) << 23) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(temperature: f32) -> SamplingSettings {
        SamplingSettings {
            temperature,
            ..SamplingSettings::greedy()
        }
    }

    #[test]
    fn greedy_takes_the_argmax() {
        let mut s = Sampler::new(settings(0.0));
        let mut logits = vec![0.1, 2.0, 1.9, -3.0];
        assert_eq!(s.sample(&mut logits, &[], 0, &[]), 1);
    }

    #[test]
    fn banned_tokens_are_never_chosen() {
        let mut s = Sampler::new(settings(0.0));
        let mut logits = vec![0.1, 2.0, 1.9];
        assert_eq!(s.sample(&mut logits, &[], 0, &[1]), 2);
    }

    #[test]
    fn same_seed_same_choices_other_seed_differs() {
        let run = |seed| {
            let mut s = Sampler::new(SamplingSettings {
                seed,
                ..settings(1.0)
            });
            (0..64)
                .map(|_| s.sample(&mut [1.0; 8], &[], 0, &[]))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn top_candidates_are_the_first_k_of_the_full_order() {
        // Repeated values (ties inside and at the boundary), −∞, positive and negative logits.
        let logits: Vec<f32> = (0..5000)
            .map(|i| match i % 97 {
                0 => f32::NEG_INFINITY,
                _ => ((i * 7919 % 211) as f32 - 100.0) / 8.0,
            })
            .collect();
        for temperature in [0.7f32, 1.0, 1.3] {
            let mut full: Vec<(u32, f32)> = logits
                .iter()
                .enumerate()
                .filter(|(_, l)| l.is_finite())
                .map(|(i, &l)| (i as u32, l / temperature))
                .collect();
            full.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for k in [1, 2, 40, 100, 2000] {
                assert_eq!(
                    top_candidates(&logits, temperature, k),
                    full[..k],
                    "k = {k}, temperature {temperature}"
                );
            }
            assert_eq!(top_candidates(&logits, temperature, 0), full);
        }
    }

    #[test]
    fn top_k_one_is_greedy() {
        let mut s = Sampler::new(SamplingSettings {
            top_k: 1,
            ..settings(1.5)
        });
        for _ in 0..20 {
            assert_eq!(s.sample(&mut [0.0, 0.5, 3.0, 0.2], &[], 0, &[]), 2);
        }
    }

    #[test]
    fn min_p_drops_unlikely_tokens() {
        // p(2) ≈ 0.88, p(1) ≈ 0.12: min_p 0.2 keeps only token 2.
        let mut s = Sampler::new(SamplingSettings {
            min_p: 0.2,
            ..settings(1.0)
        });
        for _ in 0..50 {
            assert_eq!(s.sample(&mut [f32::NEG_INFINITY, 0.0, 2.0], &[], 0, &[]), 2);
        }
    }

    #[test]
    fn top_p_keeps_the_nucleus() {
        let mut s = Sampler::new(SamplingSettings {
            top_p: 0.5,
            ..settings(1.0)
        });
        for _ in 0..50 {
            assert_eq!(s.sample(&mut [0.0, 0.0, 3.0, 0.0], &[], 0, &[]), 2);
        }
    }

    #[test]
    fn sampling_follows_the_distribution() {
        let mut s = Sampler::new(settings(1.0));
        let mut counts = [0usize; 2];
        for _ in 0..2000 {
            counts[s.sample(&mut [0.0, (3.0f32).ln()], &[], 0, &[]) as usize] += 1;
        }
        // p(1) = 0.75
        assert!((1350..1650).contains(&counts[1]), "{counts:?}");
    }

    #[test]
    fn repeat_penalty_hits_only_generated_tokens_in_window() {
        let mut logits = vec![2.0, 2.0, -1.0, 2.0];
        apply_repeat_penalty(&mut logits, 2.0, &[0, 0, 2]);
        assert_eq!(logits, vec![1.0, 2.0, -2.0, 2.0]);
        // through the sampler: history holds a prompt token 3 that is not penalised
        let mut s = Sampler::new(SamplingSettings {
            repeat_penalty: 10.0,
            ..settings(0.0)
        });
        let mut logits = vec![1.0, 2.0, 0.0, 3.0];
        assert_eq!(s.sample(&mut logits, &[3, 1], 1, &[]), 3);
    }

    #[test]
    fn ngram_ban_blocks_repetition() {
        let mut logits = vec![0.0; 5];
        // 1 2 3 ... 1 2 → 3 would repeat the trigram 1 2 3
        ban_repeated_ngrams(&mut logits, &[1, 2, 3, 4, 1, 2], 3);
        assert_eq!(logits[3], f32::NEG_INFINITY);
        assert!(logits
            .iter()
            .enumerate()
            .all(|(i, l)| i == 3 || l.is_finite()));
    }

    #[test]
    fn log_prob_is_a_log_softmax() {
        let lp = log_prob(&[0.0, 0.0], 1);
        assert!((lp - 0.5f32.ln()).abs() < 1e-6);
        // A vocabulary-sized vector with masked tokens, against an f64 log-sum-exp.
        let logits: Vec<f32> = (0..262_147)
            .map(|i| match i % 5 {
                0 => f32::NEG_INFINITY,
                _ => ((i * 7919 % 4001) as f32 - 3000.0) / 97.0,
            })
            .collect();
        let max = logits
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, |m, l| m.max(l as f64));
        let sum: f64 = logits.iter().map(|&l| (l as f64 - max).exp()).sum();
        for token in [1, 2, 77, 262_146] {
            let exact = logits[token] as f64 - max - sum.ln();
            let ours = log_prob(&logits, token as u32) as f64;
            assert!((ours - exact).abs() < 1e-4, "{token}: {ours} vs {exact}");
        }
        assert_eq!(log_prob(&logits, 0), f32::NEG_INFINITY);
    }

    #[test]
    fn our_exponential_is_accurate_and_the_same_with_or_without_fma() {
        for i in 0..=200_000 {
            let x = -(i as f32) / 2000.0; // 0 down to −100
            let exact = (x as f64).exp();
            let ours = exp_nonpositive(x) as f64;
            if x >= -87.0 {
                assert!(
                    (ours - exact).abs() <= 3e-7 * exact,
                    "e^{x}: {ours} vs {exact}"
                );
            }
        }
        let values: Vec<f32> = (0..1003).map(|i| -((i * 37 % 101) as f32) / 7.0).collect();
        let (a, b) = (log_sum_exp_parts(&values), log_sum_exp_parts_body(&values));
        assert_eq!(
            (a.0.to_bits(), a.1.to_bits()),
            (b.0.to_bits(), b.1.to_bits())
        );
    }
}
