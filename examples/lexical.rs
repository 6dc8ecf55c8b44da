//! The word-by-word check measured on the hand-written pairs: each pair's unmatched words,
//! then the share of altered and good pairs refused for a grid of thresholds, and the table
//! of the thresholds plume uses (by language and by kind of alteration), for the README.
//!
//! `cargo run --release --example lexical [-- --pairs FILE] [--verbose]`

use plume::lexicon::coverage::{ADDED, MAX_UNACCOUNTED, MAX_UNRENDERED};
use plume::lexicon::evaluation::{coverages, measure, parse_pairs};
use plume::lexicon::lexicon;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .iter()
        .position(|a| a == "--pairs")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "tests/data/lexical/pairs.tsv".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pairs = parse_pairs(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let lexicon = lexicon();
    let missing = lexicon.missing();
    if !missing.is_empty() {
        eprintln!("missing lexicons (run tools/fetch-lexicons.sh): {missing:?}");
    }
    let started = std::time::Instant::now();
    let covs = coverages(lexicon, &pairs);
    let elapsed = started.elapsed();
    if args.iter().any(|a| a == "--verbose") {
        for (p, c) in pairs.iter().zip(&covs) {
            println!(
                "{}\t{}\t{}\texcess={}\tunrendered={}\t{:?}\t{:?}\tunjudged={:?}\tsubst={:?}\tqual={:?}",
                p.id,
                if p.good { "good" } else { "ALTERED" },
                p.kind,
                c.excess(),
                c.unrendered.len(),
                c.unaccounted,
                c.unrendered,
                c.unjudged,
                c.substituted,
                c.lost_qualifiers
            );
        }
    }
    println!("\nrefused (altered / good): a substitution, a lost qualifier (q), more than a unaccounted or r unrendered words");
    for q in [false, true] {
        for a in [2, 3, 4, 6, 99] {
            for r in [2, 3, 4, 6, 99] {
                let m = measure(&pairs, &covs, |c| {
                    !c.substituted.is_empty()
                        || (q && !c.lost_qualifiers.is_empty())
                        || c.excess() > a
                        || c.unrendered.len() > r
                });
                println!(
                    "q={q} a={a} r={r}: altered {:.0} % ({}/{}), good {:.0} % ({}/{})",
                    m.altered.share() * 100.0,
                    m.altered.refused,
                    m.altered.judged,
                    m.good.share() * 100.0,
                    m.good.refused,
                    m.good.judged
                );
            }
        }
    }
    let m = measure(&pairs, &covs, |c| c.faulty());
    println!("\nplume's rule (a substitution, a lost qualifier, an omission, an addition of {ADDED} words, more than {MAX_UNACCOUNTED} unaccounted or {MAX_UNRENDERED} unrendered words per sentence); plume refuses on it for French sources only:\n");
    println!("| source | altered found | good found | refused by plume |");
    println!("|---|---|---|---|");
    for (lang, altered) in &m.altered_by_lang {
        let good = m.good_by_lang.get(lang).copied().unwrap_or_default();
        println!(
            "| {lang} | {}/{} ({:.0} %) | {}/{} ({:.0} %) | {} |",
            altered.refused,
            altered.judged,
            altered.share() * 100.0,
            good.refused,
            good.judged,
            good.share() * 100.0,
            if *lang == "fr" {
                "yes"
            } else {
                "no (recorded)"
            }
        );
    }
    println!(
        "| **all** | **{}/{} ({:.0} %)** | **{}/{} ({:.0} %)** | |\n",
        m.altered.refused,
        m.altered.judged,
        m.altered.share() * 100.0,
        m.good.refused,
        m.good.judged,
        m.good.share() * 100.0
    );
    // the French pairs alone, by kind of alteration (where plume refuses on the rule)
    let (french, french_covs): (Vec<_>, Vec<_>) = pairs
        .iter()
        .cloned()
        .zip(covs.iter().cloned())
        .filter(|(p, _)| p.lang == plume::source::Lang::Fr)
        .unzip();
    let fr = measure(&french, &french_covs, |c| c.refused());
    println!("| French alteration | refused |");
    println!("|---|---|");
    for (kind, c) in &fr.altered_by_kind {
        println!(
            "| {kind} | {}/{} ({:.0} %) |",
            c.refused,
            c.judged,
            c.share() * 100.0
        );
    }
    println!(
        "\n{} pairs compared in {:.2} s",
        pairs.len(),
        elapsed.as_secs_f64()
    );
}
