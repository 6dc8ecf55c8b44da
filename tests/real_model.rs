//! The engine on the real default model, against llama.cpp's reference outputs in
//! `../shared/fixtures/gemma3-270m/`. CI provisions the model (`models/fetch.sh`); these
//! tests fail, never skip, when it is missing.

mod common {
    pub mod reference;
}

use std::sync::{Mutex, MutexGuard, OnceLock};

use common::reference::Reference;
use plume::generate::{
    GenerationSettings, ModelGenerator, Prompt, SamplingSettings, TextGenerator,
};
use plume::model::{source, vocab, LoadOptions, Model};

const GEMMA: Reference = Reference {
    fixtures: "gemma3-270m",
    model: "gemma-3-270m",
    parse_special: false,
    near_tie: 0.75,
};

fn model() -> MutexGuard<'static, Model> {
    static MODEL: OnceLock<Mutex<Model>> = OnceLock::new();
    GEMMA.model(&MODEL)
}

#[test]
fn tokenizer_matches_llama_cpp_on_every_fixture() {
    GEMMA.check_tokenizer(&model());
}

#[test]
fn greedy_decoding_follows_llama_cpp() {
    GEMMA.check_greedy(&mut model());
}

#[test]
fn top_logits_match_llama_cpp() {
    GEMMA.check_logits(&mut model(), 0.3);
}

#[test]
fn the_french_vocabulary_writes_french_prose_and_lets_in_an_articles_own_words() {
    let resolved = source::resolve(None).unwrap();
    let model = Model::load(&resolved.path, &LoadOptions::default()).unwrap();
    let french = vocab::choose_french_token_ids(model.tokenizer());
    assert_eq!(
        vocab::french_token_ids(model.tokenizer()),
        french,
        "the choice read back from plume's cache is the one made afresh"
    );
    let has = |id: u32| french.binary_search(&id).is_ok();
    let tokenizer = model.tokenizer();
    let prose = "Le conseil municipal a voté jeudi soir, à l’unanimité, la rénovation de \
        l’école primaire : 2,4 millions d’euros, dont 40 % financés par la région. « C’est une \
        très bonne nouvelle pour les familles », s’est réjouie l’adjointe chargée de \
        l’éducation. Les travaux commenceront après les vacances d’été et dureront dix-huit \
        mois ; aujourd’hui, personne ne s’y oppose.";
    for id in tokenizer.encode_continuation(prose, false).unwrap() {
        assert!(
            has(id),
            "{:?} is not in the French vocabulary",
            tokenizer.decode(&[id])
        );
    }
    // Whole English words are not; an article's own let in.
    let weather = tokenizer.encode_continuation(" weather", false).unwrap();
    assert_eq!(weather.len(), 1, "« weather » is one token of Gemma's");
    for word in [" weather", " quay", " shipping", " Bürgermeister"] {
        let ids = tokenizer.encode_continuation(word, false).unwrap();
        assert!(
            !ids.iter().all(|&id| has(id)),
            "{word} is whole in the French vocabulary"
        );
    }
    assert!(
        french.len() * 2 < tokenizer.vocab_size(),
        "{} tokens",
        french.len()
    );

    let mut generator = ModelGenerator::new(model, "gemma-3-270m");
    generator.restrict_to_french();
    // the restriction reaches the model with the first article's words (none here)
    generator.allow_words("").unwrap();
    let prompt = generator
        .model()
        .tokenizer()
        .encode_continuation("Tomorrow the", false)
        .unwrap();
    let logit_of_weather = |generator: &mut ModelGenerator| {
        let model = generator.model_mut();
        model.clear_cache();
        model.prefill(&prompt).unwrap().0[weather[0] as usize]
    };
    assert_eq!(logit_of_weather(&mut generator), f32::NEG_INFINITY);
    generator
        .allow_words("The weather at Harrowmouth was fine.")
        .unwrap();
    assert!(logit_of_weather(&mut generator).is_finite());
    generator.allow_words("Harrowmouth").unwrap();
    assert_eq!(
        logit_of_weather(&mut generator),
        f32::NEG_INFINITY,
        "a later article's words replace the earlier one's"
    );
}

#[test]
fn same_seed_same_text() {
    let resolved = source::resolve(None).unwrap();
    let model = Model::load(&resolved.path, &LoadOptions::default()).unwrap();
    let mut generator = ModelGenerator::new(model, "gemma-3-270m");
    let settings = |seed| GenerationSettings {
        sampling: SamplingSettings {
            seed,
            temperature: 0.9,
            ..Default::default()
        },
        max_tokens: 24,
        ..Default::default()
    };
    let prompt = Prompt::plain("Le conseil municipal a voté");
    let mut run = |seed| {
        generator
            .generate(&prompt, &settings(seed), &mut |_| {})
            .unwrap()
            .text
    };
    let a = run(1);
    let b = run(1);
    let c = run(2);
    assert_eq!(a, b, "same seed, same text");
    assert!(!a.is_empty());
    assert_ne!(a, c, "another seed gives other text");
}

#[test]
fn token_by_token_decoding_equals_one_pass() {
    let mut model = model();
    let text = "Le ministre a annoncé mardi un plan de 12 millions d’euros pour les écoles rurales du département.";
    let ids = model.tokenizer().encode(text, false).unwrap();
    model.clear_cache();
    let (one_pass, _) = model.prefill(&ids).unwrap();
    model.clear_cache();
    let (mut logits, _) = model.prefill(&ids[..3]).unwrap();
    for &t in &ids[3..] {
        logits = model.step(t).unwrap();
    }
    // Every position is computed with the same arithmetic whichever way it is fed.
    let differing = one_pass
        .iter()
        .zip(&logits)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(
        differing, 0,
        "logits differ between one pass and token by token"
    );
    model.clear_cache();
}

/// With each kernel set — candle's (`PLUME_SIMD=0`, as on a CPU without AVX2), our AVX2 ones
/// and our best (AVX-512 VNNI where the CPU has it) — greedy generation starts as llama.cpp's
/// does. (A set the CPU lacks falls back to the best it has.)
#[test]
fn greedy_generation_follows_llama_cpp_with_or_without_our_kernels() {
    let cases = GEMMA.fixture("greedy.json");
    let case = &cases["cases"][0];
    let (prompt, expected) = (
        case["prompt"].as_str().unwrap(),
        case["greedy_continuation"].as_str().unwrap(),
    );
    for simd in ["1", "avx2", "0"] {
        let out = assert_cmd::Command::cargo_bin("plume")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PLUME_SIMD", simd)
            .args(["generate", prompt, "-n", "4", "--temp", "0"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "PLUME_SIMD={simd}: {out:?}");
        let text = text.trim_end_matches('\n');
        assert!(
            !text.trim().is_empty() && expected.starts_with(text),
            "PLUME_SIMD={simd}: {text:?} is not how {expected:?} starts"
        );
    }
}
