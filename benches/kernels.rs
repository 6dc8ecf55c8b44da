//! The engine's hot kernels, each in isolation, on the default model's real tensors:
//! quantised matrix × vector for every quantisation type the model uses, the tied output
//! projection, the prompt-processing matmuls,
//! attention over a KV cache, and the sampler.
//!
//! `cargo bench --bench kernels` (add `-- --quick` for a rough pass, or a filter such as
//! `-- matvec`). Needs `models/gemma-3-270m-q4_k_m.gguf` (`bash models/fetch-default.sh`).

mod common;

use std::path::{Path, PathBuf};

use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use plume::generate::sampler::{Sampler, SamplingSettings};
use plume::model::attention::{attend, KvCache};
use plume::model::gguf::GgufFile;

fn model_path() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/gemma-3-270m-q4_k_m.gguf");
    if !path.exists() {
        panic!(
            "the kernel benchmarks need the default model at {}: run bash models/fetch-default.sh",
            path.display()
        );
    }
    path
}

fn open() -> GgufFile {
    let path = model_path();
    GgufFile::open(&path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()))
}

fn tensor(g: &mut GgufFile, name: &str) -> QTensor {
    g.tensor(name, &Device::Cpu)
        .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
}

/// The first `blk.{i}.{suffix}` tensor stored as `dtype`.
fn find(g: &mut GgufFile, suffix: &str, dtype: GgmlDType) -> (String, QTensor) {
    for i in 0.. {
        let name = format!("blk.{i}.{suffix}");
        if !g.has_tensor(&name) {
            break;
        }
        let t = tensor(g, &name);
        if t.dtype() == dtype {
            return (name, t);
        }
    }
    panic!("the default model has no {suffix} tensor stored as {dtype:?}");
}

/// Deterministic activations in [-1, 1), shape `(rows, k)`.
fn activations(rows: usize, k: usize) -> Tensor {
    let data: Vec<f32> = (0..rows * k)
        .map(|i| {
            ((i as u32).wrapping_mul(2_654_435_761) >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        })
        .collect();
    Tensor::from_vec(data, (rows, k), &Device::Cpu).unwrap()
}

fn label(name: &str, t: &QTensor) -> String {
    let (n, k) = t.shape().dims2().unwrap();
    format!("{:?} {name} {n}x{k}", t.dtype())
}

fn matmul_benches(c: &mut Criterion) {
    let mut g = open();
    let weights: Vec<(String, QTensor)> = vec![
        find(&mut g, "attn_q.weight", GgmlDType::Q5_0),
        find(&mut g, "ffn_gate.weight", GgmlDType::Q5_0),
        find(&mut g, "attn_v.weight", GgmlDType::Q8_0),
        find(&mut g, "attn_output.weight", GgmlDType::Q4K),
        find(&mut g, "ffn_down.weight", GgmlDType::Q4K),
        find(&mut g, "ffn_down.weight", GgmlDType::Q6K),
    ];

    let mut group = c.benchmark_group("matvec");
    for (name, t) in &weights {
        let (n, k) = t.shape().dims2().unwrap();
        let id = label(name, t);
        let mm = plume::model::matmul::QuantMatrix::new(clone_qtensor(t)).unwrap();
        let x = activations(1, k);
        group.throughput(Throughput::Elements((n * k) as u64));
        group.bench_function(BenchmarkId::from_parameter(id), |b| {
            b.iter(|| mm.forward(&x).unwrap())
        });
    }
    group.finish();

    // Prompt processing: 64 rows at once (the k-quant types too: their kernels reuse each
    // weight block across four rows).
    let mut group = c.benchmark_group("matmul_pp64");
    for (name, t) in weights.iter().filter(|(n, t)| {
        (n.ends_with("ffn_gate.weight") && t.dtype() == GgmlDType::Q5_0)
            || n.ends_with("attn_output.weight")
            || n.ends_with("ffn_down.weight")
    }) {
        let (n, k) = t.shape().dims2().unwrap();
        let mm = plume::model::matmul::QuantMatrix::new(clone_qtensor(t)).unwrap();
        let x = activations(64, k);
        group.throughput(Throughput::Elements((64 * n * k) as u64));
        group.bench_function(BenchmarkId::from_parameter(label(name, t)), |b| {
            b.iter(|| mm.forward(&x).unwrap())
        });
    }
    group.finish();
}

/// A copy of a quantised tensor (QTensor is not Clone).
fn clone_qtensor(t: &QTensor) -> QTensor {
    let data = t.data().unwrap().into_owned();
    let storage = candle_core::quantized::QStorage::from_data(
        std::borrow::Cow::Owned(data),
        &Device::Cpu,
        t.dtype(),
    )
    .unwrap();
    QTensor::new(storage, t.shape().clone()).unwrap()
}

fn output_benches(c: &mut Criterion) {
    let mut g = open();
    let full =
        plume::model::matmul::QuantMatrix::read(&mut g, "token_embd.weight", &Device::Cpu).unwrap();
    let (_, dims) = g.tensor_layout("token_embd.weight").unwrap();
    drop(g);
    let (vocab, hidden) = (dims[0], dims[1]);
    let x: Vec<f32> = activations(1, hidden)
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let mut group = c.benchmark_group("output_head");
    // Every row, then the first 162,121 (as many as the default model's French vocabulary,
    // whose rows `restrict_vocabulary` moves to the front).
    for rows in [vocab, 162_121.min(vocab)] {
        group.throughput(Throughput::Elements((rows * hidden) as u64));
        group.bench_function(
            BenchmarkId::new(format!("{:?} token_embd", full.dtype()), rows),
            |b| b.iter(|| full.product(&x, rows).unwrap()),
        );
    }
    group.finish();
}

fn attention_benches(c: &mut Criterion) {
    const HEADS: usize = 4;
    const HEAD_DIM: usize = 256;
    let mut group = c.benchmark_group("attend_1q_4h_d256");
    for positions in [512usize, 2048] {
        let mut cache = KvCache::new(1, HEAD_DIM);
        let k: Vec<f32> = activations(positions, HEAD_DIM)
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let v: Vec<f32> = k.iter().rev().copied().collect();
        cache.append(&k, &v);
        let q: Vec<f32> = activations(1, HEADS * HEAD_DIM)
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let q: Vec<f32> = q.iter().map(|x| x / (HEAD_DIM as f32).sqrt()).collect();
        group.throughput(Throughput::Elements(positions as u64));
        group.bench_function(BenchmarkId::from_parameter(positions), |b| {
            b.iter(|| attend(&q, &cache, positions - 1, HEADS, HEAD_DIM, None))
        });
    }
    group.finish();
}

fn sampler_benches(c: &mut Criterion) {
    const VOCAB: usize = 262_144;
    let logits: Vec<f32> = activations(1, VOCAB)
        .flatten_all()
        .unwrap()
        .to_vec1()
        .unwrap();
    let logits: Vec<f32> = logits.iter().map(|x| x * 12.0).collect();
    let history: Vec<u32> = (0..256u32)
        .map(|i| i.wrapping_mul(7919) % VOCAB as u32)
        .collect();
    let mut group = c.benchmark_group("sampler_262144");
    for (name, settings) in [
        ("default", SamplingSettings::default()),
        ("greedy", SamplingSettings::greedy()),
    ] {
        let mut sampler = Sampler::new(settings);
        let mut work = logits.clone();
        group.bench_function(name, |b| {
            b.iter(|| {
                work.copy_from_slice(&logits);
                sampler.sample(&mut work, &history, 64, &[])
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = kernels;
    config = common::config();
    targets = matmul_benches, output_benches, attention_benches, sampler_benches
}
criterion_main!(kernels);
