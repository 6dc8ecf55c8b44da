use plume::model::{source, LoadOptions, Model};
#[test]
fn dbg() {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("../shared/fixtures/gemma3-270m/logits.json").unwrap()).unwrap();
    let r = source::resolve(None).unwrap();
    let mut m = Model::load(&r.path, &LoadOptions::default()).unwrap();
    for case in v["cases"].as_array().unwrap() {
        let ids: Vec<u32> = case["prompt_ids"].as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as u32).collect();
        m.clear_cache();
        let (mut logits, _) = m.prefill(&ids).unwrap();
        eprintln!("case {} len {}", case["name"], ids.len());
        for step in case["steps"].as_array().unwrap() {
            let d: Vec<String> = step["top"].as_array().unwrap().iter().map(|p| format!("{:+.2}", logits[p[0].as_u64().unwrap() as usize] - p[1].as_f64().unwrap() as f32)).collect();
            eprintln!("  {}", d.join(" "));
            logits = m.step(step["argmax"].as_u64().unwrap() as u32).unwrap();
        }
    }
}
