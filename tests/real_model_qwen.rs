//! Qwen 2.5 Coder 1.5B Instruct on our own forward pass and kernels, against llama.cpp's
//! reference outputs in `../shared/fixtures/qwen2.5-coder-1.5b-instruct/`. CI provisions the
//! model (`bash models/fetch.sh qwen2.5-coder-1.5b-instruct`); these tests fail, never skip,
//! when it is missing.

mod common {
    pub mod reference;
}

use std::sync::{Mutex, MutexGuard, OnceLock};

use common::reference::Reference;
use plume::model::Model;

const QWEN: Reference = Reference {
    fixtures: "qwen2.5-coder-1.5b-instruct",
    model: "qwen2.5-coder-1.5b-instruct",
    parse_special: true,
    near_tie: 0.75,
};

fn model() -> MutexGuard<'static, Model> {
    static MODEL: OnceLock<Mutex<Model>> = OnceLock::new();
    QWEN.model(&MODEL)
}

#[test]
fn tokenizer_matches_llama_cpp_on_every_fixture() {
    QWEN.check_tokenizer(&model());
}

#[test]
fn greedy_decoding_follows_llama_cpp() {
    QWEN.check_greedy(&mut model());
}

#[test]
fn top_logits_match_llama_cpp() {
    QWEN.check_logits(&mut model(), 0.3);
}

#[test]
fn token_by_token_decoding_equals_one_pass_and_a_shared_prefix_is_reused() {
    let mut model = model();
    let text = "<|im_start|>user\nTraduis : The council approved a 12 million euro plan for rural schools.<|im_end|>\n<|im_start|>assistant\n";
    let ids = model.tokenizer().encode(text, true).unwrap();
    model.clear_cache();
    let (one_pass, processed) = model.prefill(&ids).unwrap();
    assert_eq!(processed, ids.len());
    model.clear_cache();
    let (mut logits, _) = model.prefill(&ids[..3]).unwrap();
    for &t in &ids[3..] {
        logits = model.step(t).unwrap();
    }
    let differing = one_pass
        .iter()
        .zip(&logits)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    assert_eq!(
        differing, 0,
        "logits differ between one pass and token by token"
    );

    // A second prompt that shares the frame processes only what differs, with the same bits
    // as from scratch.
    let other = "<|im_start|>user\nTraduis : The mayor opened the new bridge on Saturday.<|im_end|>\n<|im_start|>assistant\n";
    let other_ids = model.tokenizer().encode(other, true).unwrap();
    let (reused, processed) = model.prefill(&other_ids).unwrap();
    assert!(processed < other_ids.len(), "the shared prefix is reused");
    model.clear_cache();
    let (fresh, _) = model.prefill(&other_ids).unwrap();
    assert!(reused
        .iter()
        .zip(&fresh)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    model.clear_cache();
}
