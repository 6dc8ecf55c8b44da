//! The engine on the real default model, against llama.cpp's reference outputs in
//! `../shared/fixtures/gemma3-270m/`. CI provisions the model (`models/fetch-default.sh`); these
//! tests fail, never skip, when it is missing.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use plume::generate::{
    GenerationSettings, ModelGenerator, Prompt, SamplingSettings, TextGenerator,
};
use plume::model::{source, LoadOptions, Model};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/gemma3-270m")
}

fn fixture(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// The default model, loaded once for the whole test binary.
fn model() -> MutexGuard<'static, Model> {
    static MODEL: OnceLock<Mutex<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let resolved = source::resolve(None)
                .expect("the default model is provisioned (bash models/fetch-default.sh)");
            Mutex::new(
                Model::load(&resolved.path, &LoadOptions::default())
                    .expect("the default model loads"),
            )
        })
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

#[test]
fn tokenizer_matches_llama_cpp_on_every_fixture() {
    let cases = fixture("tokenizer.json");
    let model = model();
    let tok = model.tokenizer();
    let mut failures = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let parse_special = case["parse_special"].as_bool().unwrap();
        let expected = ids(&case["ids"]);
        let got = tok.encode(text, parse_special).unwrap();
        if got != expected {
            failures.push(format!("{text:?} (parse_special={parse_special}):\n  expected {expected:?}\n  got      {got:?}"));
            continue;
        }
        if !parse_special {
            assert_eq!(tok.decode(&got[1..]), text, "decoding gives the text back");
            // The tokenizers object decodes the same way.
            let decoded = tok.with_inner(|t| t.decode(&got[1..], false)).unwrap();
            assert_eq!(decoded, text, "tokenizers' decoder gives the text back");
        }
    }
    assert!(
        failures.is_empty(),
        "{} tokenizer mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// How far below our best logit the reference's token may be: quantised activations make a
/// 270M model's logits shift by a few tenths between implementations (llama.cpp itself, built
/// on this machine, leaves the fixture's path on two of the five cases), so where two tokens
/// are that close either choice is right. A wrong forward pass misses by whole units.
const NEAR_TIE: f32 = 0.75;

#[test]
fn greedy_decoding_follows_llama_cpp() {
    let cases = fixture("greedy.json");
    let mut model = model();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        let prompt = case["prompt"].as_str().unwrap();
        let expected = case["greedy_continuation"].as_str().unwrap();
        let name: String = prompt.chars().take(40).collect();
        let tok = model.tokenizer();
        let prompt_ids = tok.encode(prompt, false).unwrap();
        let all_ids = tok.encode(&format!("{prompt}{expected}"), false).unwrap();
        assert_eq!(
            &all_ids[..prompt_ids.len()],
            &prompt_ids[..],
            "the continuation tokenizes on its own"
        );
        let reference = &all_ids[prompt_ids.len()..];

        // Free-running greedy: how many tokens agree before the first divergence.
        model.clear_cache();
        let (mut logits, _) = model.prefill(&prompt_ids).unwrap();
        let mut agree = 0;
        for &want in reference.iter().take(16) {
            let next = plume::generate::sampler::argmax(&logits);
            if next != want {
                break;
            }
            agree += 1;
            logits = model.step(next).unwrap();
        }

        // Teacher-forced: at each of the first 16 steps the reference token is our choice or
        // within NEAR_TIE of it.
        model.clear_cache();
        let (mut logits, _) = model.prefill(&prompt_ids).unwrap();
        let mut worst = 0f32;
        for (step, &want) in reference.iter().take(16).enumerate() {
            let best = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let gap = best - logits[want as usize];
            worst = worst.max(gap);
            if gap > NEAR_TIE {
                failures.push(format!(
                    "{name:?}: step {step}, reference token {want} is {gap:.2} below our best"
                ));
            }
            logits = model.step(want).unwrap();
        }
        report.push(format!(
            "{name:?}: {agree} tokens agree free-running, largest gap {worst:.2}"
        ));
    }
    eprintln!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn top_logits_match_llama_cpp() {
    let cases = fixture("logits.json");
    let mut model = model();
    let mut diffs = Vec::new();
    for case in cases["cases"].as_array().unwrap() {
        let prompt_ids = ids(&case["prompt_ids"]);
        model.clear_cache();
        let (mut logits, _) = model.prefill(&prompt_ids).unwrap();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let top = step["top"].as_array().unwrap();
            let (best, best_logit) = (
                top[0][0].as_u64().unwrap() as u32,
                top[0][1].as_f64().unwrap() as f32,
            );
            let second = top[1][1].as_f64().unwrap() as f32;
            let argmax = plume::generate::sampler::argmax(&logits);
            if best_logit - second > NEAR_TIE {
                assert_eq!(argmax, best, "{} step {i}: argmax", case["name"]);
            }
            for pair in top {
                let (id, want) = (
                    pair[0].as_u64().unwrap() as usize,
                    pair[1].as_f64().unwrap() as f32,
                );
                assert!(
                    (logits[id] - want).abs() < 1.5,
                    "{} step {i}: logit of {id} is {} (llama.cpp {want})",
                    case["name"],
                    logits[id]
                );
                diffs.push((logits[id] - want).abs());
            }
            let next = step["argmax"].as_u64().unwrap() as u32;
            logits = model.step(next).unwrap();
        }
    }
    let mean = diffs.iter().sum::<f32>() / diffs.len() as f32;
    eprintln!(
        "top logits: mean |difference| {mean:.3}, largest {:.3}",
        diffs.iter().copied().fold(0f32, f32::max)
    );
    assert!(
        mean < 0.3,
        "top logits differ from llama.cpp's by {mean} on average"
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

/// Without our AVX-512 kernels (`PLUME_SIMD=0`: candle's, as on a CPU without AVX-512 VNNI)
/// and with them, greedy generation starts as llama.cpp's does.
#[test]
fn greedy_generation_follows_llama_cpp_with_or_without_our_kernels() {
    let cases = fixture("greedy.json");
    let case = &cases["cases"][0];
    let (prompt, expected) = (
        case["prompt"].as_str().unwrap(),
        case["greedy_continuation"].as_str().unwrap(),
    );
    for simd in ["1", "0"] {
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
