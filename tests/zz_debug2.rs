use candle_core::{quantized::QMatMul, Device, Module, Tensor};
use plume::model::{gguf::GgufFile, source};
#[test]
fn dbg2() {
    let r = source::resolve(None).unwrap();
    let mut g = GgufFile::open(&r.path).unwrap();
    let dev = Device::Cpu;
    for name in ["blk.0.attn_q.weight", "blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.1.ffn_down.weight", "blk.2.ffn_down.weight", "blk.0.ffn_gate.weight"] {
        let qt = g.tensor(name, &dev).unwrap();
        let dt = qt.dtype();
        let (n, k) = qt.shape().dims2().unwrap();
        let w = qt.dequantize(&dev).unwrap();
        let mm = QMatMul::from_qtensor(qt).unwrap();
        let x = Tensor::randn(0f32, 1., (8, k), &dev).unwrap();
        let exact = x.matmul(&w.t().unwrap()).unwrap();
        let one = mm.forward(&x.narrow(0, 0, 1).unwrap()).unwrap();
        let many = mm.forward(&x).unwrap();
        let err = |a: &Tensor| {
            let e = exact.narrow(0, 0, 1).unwrap();
            let d = (a.narrow(0, 0, 1).unwrap() - &e).unwrap().sqr().unwrap().sum_all().unwrap().to_scalar::<f32>().unwrap().sqrt();
            d / e.sqr().unwrap().sum_all().unwrap().to_scalar::<f32>().unwrap().sqrt()
        };
        eprintln!("{name} {dt:?} {n}x{k}: m=1 rel err {:.5}, m=8 rel err {:.5}", err(&one), err(&many));
    }
}
