//! Measures the word-by-word check on hand-written pairs (`tests/data/lexical/pairs.tsv`):
//! faithful paraphrases and translations (`good`) and fluent ones that change the meaning
//! with ordinary words (`altered`). The check should refuse most altered pairs and few good
//! ones; `tests/lexical_check.rs` holds it to that, `examples/lexical.rs` prints the table.

use std::collections::BTreeMap;

use super::{cover, Coverage, Lexicon};
use crate::source::lang::Lang;

/// One hand-written pair.
#[derive(Debug, Clone)]
pub struct Pair {
    pub id: String,
    pub lang: Lang,
    /// Faithful (`good`) or altered.
    pub good: bool,
    /// `paraphrase`, `translation`, or how it was altered (`verb`, `agent`, `sense`…).
    pub kind: String,
    pub source: String,
    pub candidate: String,
}

/// Reads the tab-separated pairs (header `id lang label kind source candidate`).
pub fn parse_pairs(text: &str) -> Result<Vec<Pair>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [id, lang, label, kind, source, candidate] = fields[..] else {
            return Err(format!(
                "line {}: {} fields, 6 expected",
                n + 1,
                fields.len()
            ));
        };
        let lang = Lang::KNOWN
            .into_iter()
            .find(|l| l.code() == lang)
            .ok_or_else(|| format!("line {}: unknown language {lang}", n + 1))?;
        let good = match label {
            "good" => true,
            "altered" => false,
            _ => return Err(format!("line {}: label {label}", n + 1)),
        };
        out.push(Pair {
            id: id.into(),
            lang,
            good,
            kind: kind.into(),
            source: source.into(),
            candidate: candidate.into(),
        });
    }
    Ok(out)
}

/// How many pairs of a group the check refused, of how many it could judge (a pair whose
/// language the lexicon lacks is not judged).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Count {
    pub refused: usize,
    pub judged: usize,
}

impl Count {
    pub fn share(&self) -> f64 {
        if self.judged == 0 {
            0.0
        } else {
            self.refused as f64 / self.judged as f64
        }
    }
}

/// The check's results on the pairs, overall and by language and kind.
#[derive(Debug, Default)]
pub struct Measure {
    pub good: Count,
    pub altered: Count,
    pub good_by_lang: BTreeMap<&'static str, Count>,
    pub altered_by_lang: BTreeMap<&'static str, Count>,
    pub altered_by_kind: BTreeMap<String, Count>,
}

/// Each pair's coverage.
pub fn coverages(lexicon: &Lexicon, pairs: &[Pair]) -> Vec<Coverage> {
    pairs
        .iter()
        .map(|p| cover(lexicon, p.lang, &p.source, &p.candidate))
        .collect()
}

/// Tallies which pairs `refuses` refuses.
pub fn measure(
    pairs: &[Pair],
    coverages: &[Coverage],
    refuses: impl Fn(&Coverage) -> bool,
) -> Measure {
    let mut m = Measure::default();
    for (pair, coverage) in pairs.iter().zip(coverages) {
        if !coverage.checked {
            continue;
        }
        let refused = usize::from(refuses(coverage));
        let add = |c: &mut Count| {
            c.judged += 1;
            c.refused += refused;
        };
        if pair.good {
            add(&mut m.good);
            add(m.good_by_lang.entry(pair.lang.code()).or_default());
        } else {
            add(&mut m.altered);
            add(m.altered_by_lang.entry(pair.lang.code()).or_default());
            add(m.altered_by_kind.entry(pair.kind.clone()).or_default());
        }
    }
    m
}
