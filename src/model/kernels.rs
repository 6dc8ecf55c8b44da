//! Which of our kernel sets multiplies the quantised weights, chosen once per process: the one
//! place that reads the CPU's features and `PLUME_SIMD` for the matrix products.
//!
//! - [`KernelSet::Avx512Vnni`]: AVX-512 VNNI on 256-bit vectors (`vpdpbusd`, `vpdpwssd`), with
//!   AVX2, FMA and F16C.
//! - [`KernelSet::Avx2`]: AVX2, FMA and F16C only (most laptops, AMD before Zen 4): the same
//!   products with `vpmaddubsw` and `vpmaddwd`, exact as well.
//! - [`KernelSet::NeonDotprod`] (aarch64): NEON with `sdot` (Apple Silicon, Graviton 2 and later).
//! - [`KernelSet::Neon`] (aarch64): NEON alone (`smull` and pairwise adds), exact as well.
//! - [`KernelSet::Portable`]: candle's kernels.
//!
//! Every vector set computes every block's integer sum exactly and accumulates the blocks in f32
//! in the same order, so they give the same bits (and the same bits for one activation row or
//! many).
//!
//! `PLUME_SIMD` chooses: unset or `1` the best set the CPU has, `0` candle's kernels, `avx2`,
//! `avx512`, `neon` or `dotprod` that set (or, where the CPU lacks it, the best it has, with a
//! warning).
//!
//! Attention, GELU and the sampler have AVX2 loops of their own that give the same bits as
//! their scalar ones; they ask [`KernelSet::supported`] for `Avx2` here, whatever `PLUME_SIMD`
//! says. On aarch64 they run their scalar loops (which the compiler vectorises where it can).

use std::sync::OnceLock;

/// A set of kernels for the quantised products.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelSet {
    /// AVX-512 F/VL/BW/VNNI with AVX2, FMA and F16C.
    Avx512Vnni,
    /// AVX2, FMA and F16C.
    Avx2,
    /// NEON with the dot-product extension (`sdot`).
    NeonDotprod,
    /// NEON alone.
    Neon,
    /// candle's kernels.
    Portable,
}

impl KernelSet {
    /// The vector sets, best first (x86, then aarch64).
    pub const VECTOR: [KernelSet; 4] = [
        KernelSet::Avx512Vnni,
        KernelSet::Avx2,
        KernelSet::NeonDotprod,
        KernelSet::Neon,
    ];

    /// Every set, candle's last.
    pub const ALL: [KernelSet; 5] = [
        KernelSet::Avx512Vnni,
        KernelSet::Avx2,
        KernelSet::NeonDotprod,
        KernelSet::Neon,
        KernelSet::Portable,
    ];

    /// The set this process uses, detected once (see the module's documentation).
    pub fn active() -> KernelSet {
        Self::chosen().0
    }

    /// Why the set `PLUME_SIMD` asks for is not the one in use, if it is not (the binary
    /// prints it; the library never does).
    pub fn choice_warning() -> Option<&'static str> {
        Self::chosen().1.as_deref()
    }

    fn chosen() -> &'static (KernelSet, Option<String>) {
        static CHOSEN: OnceLock<(KernelSet, Option<String>)> = OnceLock::new();
        CHOSEN.get_or_init(|| {
            let wanted = std::env::var("PLUME_SIMD").ok();
            choose(wanted.as_deref(), KernelSet::supported)
        })
    }

    /// Whether this CPU has the instructions of this set.
    pub fn supported(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            static AVX2: OnceLock<bool> = OnceLock::new();
            static AVX512: OnceLock<bool> = OnceLock::new();
            let avx2 = || {
                *AVX2.get_or_init(|| {
                    is_x86_feature_detected!("avx2")
                        && is_x86_feature_detected!("fma")
                        && is_x86_feature_detected!("f16c")
                })
            };
            match self {
                KernelSet::Portable => true,
                KernelSet::Neon | KernelSet::NeonDotprod => false,
                KernelSet::Avx2 => avx2(),
                KernelSet::Avx512Vnni => {
                    avx2()
                        && *AVX512.get_or_init(|| {
                            is_x86_feature_detected!("avx512f")
                                && is_x86_feature_detected!("avx512vl")
                                && is_x86_feature_detected!("avx512bw")
                                && is_x86_feature_detected!("avx512vnni")
                        })
                }
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            let dotprod = std::arch::is_aarch64_feature_detected!("dotprod");
            match self {
                // NEON is part of every aarch64 CPU Linux runs on.
                KernelSet::Neon => true,
                // candle 0.11's quantised dot products on aarch64 use `sdot` without asking the
                // CPU (an illegal instruction on a Cortex-A72): its kernels need it too.
                KernelSet::Portable | KernelSet::NeonDotprod => dotprod,
                KernelSet::Avx512Vnni | KernelSet::Avx2 => false,
            }
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        {
            self == KernelSet::Portable
        }
    }

    /// Whether this is one of our vector sets (not candle's kernels).
    pub fn is_vector(self) -> bool {
        self != KernelSet::Portable
    }

    /// The name `PLUME_SIMD` takes for it.
    pub fn name(self) -> &'static str {
        match self {
            KernelSet::Avx512Vnni => "avx512",
            KernelSet::Avx2 => "avx2",
            KernelSet::NeonDotprod => "dotprod",
            KernelSet::Neon => "neon",
            KernelSet::Portable => "0",
        }
    }

    /// How `plume bench` names it.
    pub fn describe(self) -> &'static str {
        match self {
            KernelSet::Avx512Vnni => "plume's AVX-512 VNNI kernels",
            KernelSet::Avx2 => "plume's AVX2 + FMA + F16C kernels",
            KernelSet::NeonDotprod => "plume's NEON + dotprod kernels",
            KernelSet::Neon => "plume's NEON kernels",
            KernelSet::Portable => "candle's kernels",
        }
    }

    /// The CPU features it needs, in words.
    pub fn features(self) -> &'static str {
        match self {
            KernelSet::Avx512Vnni => "AVX-512 VNNI",
            KernelSet::Avx2 => "AVX2/FMA/F16C",
            KernelSet::NeonDotprod => "NEON dotprod",
            KernelSet::Neon => "NEON",
            KernelSet::Portable if cfg!(target_arch = "aarch64") => {
                "NEON dotprod (candle's aarch64 kernels use it)"
            }
            KernelSet::Portable => "nothing",
        }
    }

    /// The set named `name` (`avx512`, `avx2`, `dotprod`, `neon`, `0`).
    pub fn from_name(name: &str) -> Option<KernelSet> {
        KernelSet::ALL.into_iter().find(|set| set.name() == name)
    }

    /// What the CPU must have: this set's features and those of the sets below it.
    #[cfg(test)]
    fn requires(self) -> &'static [KernelSet] {
        match self {
            KernelSet::Avx512Vnni => &[KernelSet::Avx512Vnni, KernelSet::Avx2],
            KernelSet::Avx2 => &[KernelSet::Avx2],
            KernelSet::NeonDotprod => &[KernelSet::NeonDotprod, KernelSet::Neon],
            KernelSet::Neon => &[KernelSet::Neon],
            KernelSet::Portable => &[],
        }
    }
}

/// The set for `PLUME_SIMD=wanted` on a CPU whose sets `supported` tells, and a warning when
/// the request cannot be followed.
fn choose(
    wanted: Option<&str>,
    supported: impl Fn(KernelSet) -> bool,
) -> (KernelSet, Option<String>) {
    let best = || {
        KernelSet::VECTOR
            .into_iter()
            .find(|&set| supported(set))
            .unwrap_or(KernelSet::Portable)
    };
    match wanted.map(str::trim) {
        None | Some("") | Some("1") => (best(), None),
        Some(name) => match KernelSet::from_name(name) {
            Some(set) if supported(set) => (set, None),
            Some(set) => {
                let fallback = best();
                let warning = format!(
                    "PLUME_SIMD={name}: this CPU lacks {}; using {}",
                    set.features(),
                    fallback.describe()
                );
                (fallback, Some(warning))
            }
            None => (
                best(),
                Some(format!(
                    "PLUME_SIMD={name} is not one of 0, 1, avx2, avx512, neon, dotprod; using the best set"
                )),
            ),
        },
    }
}

/// For the kernels' tests: the vector sets this CPU has, each to be tested (not only the one
/// the process would choose). `PLUME_REQUIRE_SIMD` (set by `.ci/run`) names the set the CPU
/// must have — `avx512` (or `1`) also requires `avx2` — and its absence fails the test instead
/// of skipping it, so that CI proves the kernels ran.
#[cfg(test)]
pub(crate) fn testable_sets() -> Vec<KernelSet> {
    let required = std::env::var("PLUME_REQUIRE_SIMD").unwrap_or_default();
    let required = match required.trim() {
        "" | "0" => None,
        "1" => Some(KernelSet::Avx512Vnni),
        name => Some(
            KernelSet::from_name(name)
                .filter(|set| set.is_vector())
                .unwrap_or_else(|| {
                    panic!("PLUME_REQUIRE_SIMD={name}: not avx2, avx512, neon, dotprod or 1")
                }),
        ),
    };
    for set in required.map_or(&[][..], KernelSet::requires) {
        assert!(
            set.supported(),
            "PLUME_REQUIRE_SIMD={} but this CPU lacks {}",
            required.unwrap().name(),
            set.features()
        );
    }
    let sets: Vec<KernelSet> = KernelSet::VECTOR
        .into_iter()
        .filter(|set| set.supported())
        .collect();
    if sets.is_empty() {
        eprintln!("skipped: this CPU has none of AVX2/FMA/F16C, AVX-512 VNNI or NEON");
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plume_simd_chooses_the_set() {
        let all = |_: KernelSet| true;
        let avx2_only = |set: KernelSet| set != KernelSet::Avx512Vnni;
        let none = |set: KernelSet| set == KernelSet::Portable;
        assert_eq!(choose(None, all), (KernelSet::Avx512Vnni, None));
        assert_eq!(choose(Some("1"), avx2_only), (KernelSet::Avx2, None));
        assert_eq!(choose(None, none), (KernelSet::Portable, None));
        assert_eq!(choose(Some("0"), all), (KernelSet::Portable, None));
        assert_eq!(choose(Some("avx2"), all), (KernelSet::Avx2, None));
        assert_eq!(choose(Some("avx512"), all), (KernelSet::Avx512Vnni, None));
        let (set, warning) = choose(Some("avx512"), avx2_only);
        assert_eq!(set, KernelSet::Avx2);
        assert!(warning.unwrap().contains("lacks AVX-512"));
        let (set, warning) = choose(Some("avx2"), none);
        assert_eq!(set, KernelSet::Portable);
        assert!(warning.is_some());
        let (set, warning) = choose(Some("sse"), avx2_only);
        assert_eq!(set, KernelSet::Avx2);
        assert!(warning.unwrap().contains("not one of"));
    }

    #[test]
    fn the_active_set_is_supported() {
        assert!(KernelSet::active().supported());
        assert_eq!(
            KernelSet::Portable.supported(),
            !cfg!(target_arch = "aarch64") || KernelSet::NeonDotprod.supported()
        );
        if KernelSet::Avx512Vnni.supported() {
            assert!(KernelSet::Avx2.supported());
        }
        if cfg!(target_arch = "aarch64") {
            assert!(KernelSet::Neon.supported());
            assert!(KernelSet::active().is_vector());
        }
    }
}
