//! Sentence length: at most 25 % of the sentences over 20 words (up to 30 % is to
//! improve).

use crate::analysis::assessments::{fr_percent, percent, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "sentence_length";
/// A sentence is long above this many words.
pub const LONG: usize = 20;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let total = ctx.sentences.len();
    let long: Vec<_> = ctx.sentences.iter().filter(|s| s.words > LONG).collect();
    let p = percent(long.len(), total);
    let span = long.first().and_then(|s| ctx.block_span(s.block));
    let msg = format!("{} des phrases dépassent 20 mots", fr_percent(p));
    if p <= 25.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            format!("{msg}. Bien."),
        )
    } else if p <= 30.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Improve,
            6,
            format!("{msg}, plus que le maximum recommandé de 25 % : raccourcissez-en."),
        )
        .with_span(span)
    } else {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Problem,
            3,
            format!("{msg}, bien plus que le maximum recommandé de 25 % : raccourcissez-les."),
        )
        .with_span(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{run, sentence};

    fn mix(long: usize, short: usize, long_len: usize) -> Finding {
        let mut parts: Vec<String> = (0..long).map(|_| sentence(long_len)).collect();
        parts.extend((0..short).map(|_| sentence(8)));
        run(&parts.join(" "), None, assess)
    }

    #[test]
    fn boundaries() {
        assert_eq!(mix(1, 4, 21).severity, Severity::Good); // 20 %
        assert_eq!(mix(1, 3, 21).severity, Severity::Good); // 25 %
        assert_eq!(mix(2, 5, 21).severity, Severity::Improve); // 28.6 %
        assert_eq!(mix(3, 7, 21).severity, Severity::Improve); // 30 %
        assert_eq!(mix(1, 2, 21).severity, Severity::Problem); // 33.3 %
        assert_eq!(mix(1, 2, 20).severity, Severity::Good); // 20 words is not long
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
