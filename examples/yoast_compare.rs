//! Prints the figures Yoast's French full-text tests report, for comparison.
//! Usage: cargo run --example yoast_compare -- FILE.md [--verbose]
//! (the Yoast texts are not part of this crate; see YOAST_COMPARISON.md).

use plume::analysis::assessments::{flesch_reading_ease, section_length};
use plume::analysis::{analyze, render_text, CheckOptions, Context, Document};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let doc = match Document::parse(&text) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let opts = CheckOptions {
            min_words: 300,
            ..CheckOptions::default()
        };
        let ctx = Context::new(&doc, &opts);
        let n = ctx.sentences.len();
        let long = ctx.sentences.iter().filter(|s| s.words > 20).count();
        let passive = ctx.sentences.iter().filter(|s| s.passive).count();
        let transition = ctx.sentences.iter().filter(|s| s.transition).count();
        let pct = |k: usize| k as f64 * 100.0 / n.max(1) as f64;
        let paragraphs: Vec<usize> = doc
            .body_blocks()
            .filter(|b| b.kind == plume::source::BlockKind::Paragraph)
            .map(|b| plume::analysis::text::word_count(&b.text))
            .collect();
        let sections = section_length::sections(&ctx);
        println!("== {path}");
        println!("words              {}", ctx.word_count);
        println!("sentences          {n}");
        println!("over 20 words      {long} ({:.1} %)", pct(long));
        println!("passive            {passive} ({:.1} %)", pct(passive));
        println!("transition         {transition} ({:.1} %)", pct(transition));
        println!("flesch             {:.1}", flesch_reading_ease::score(&ctx));
        println!(
            "paragraphs > 150   {} (longest {})",
            paragraphs.iter().filter(|w| **w > 150).count(),
            paragraphs.iter().max().unwrap_or(&0)
        );
        println!(
            "sections > 300     {} (longest {})",
            sections.iter().filter(|s| s.1 > 300).count(),
            sections.iter().map(|s| s.1).max().unwrap_or(0)
        );
        if verbose {
            for s in &ctx.sentences {
                println!(
                    "  [{:>2}w {}{}] {}",
                    s.words,
                    if s.passive { "P" } else { " " },
                    if s.transition { "T" } else { " " },
                    s.text
                );
            }
        }
        let start = std::time::Instant::now();
        let report = analyze(&doc, &opts);
        let elapsed = start.elapsed();
        println!(
            "analyze            {:.2} ms",
            elapsed.as_secs_f64() * 1000.0
        );
        println!("{}", render_text(&report, false));
    }
}
