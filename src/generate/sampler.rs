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
        let mut candidates: Vec<(u32, f32)> = logits
            .iter()
            .enumerate()
            .filter(|(_, l)| l.is_finite())
            .map(|(i, &l)| (i as u32, l / s.temperature))
            .collect();
        if candidates.is_empty() {
            return argmax(logits);
        }
        if s.top_k > 0 && s.top_k < candidates.len() {
            candidates.select_nth_unstable_by(s.top_k - 1, |a, b| b.1.total_cmp(&a.1));
            candidates.truncate(s.top_k);
        }
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
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
    let max = logits
        .iter()
        .copied()
        .filter(|l| l.is_finite())
        .fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = logits
        .iter()
        .filter(|l| l.is_finite())
        .map(|l| (l - max).exp())
        .sum();
    logits
        .get(token as usize)
        .map_or(f32::NEG_INFINITY, |l| l - max - sum.ln())
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
    }
}
