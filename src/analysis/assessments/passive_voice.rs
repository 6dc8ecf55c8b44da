//! Passive voice: at most 10 % of the sentences (up to 15 % is to improve).

use crate::analysis::assessments::{fr_percent, percent, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "passive_voice";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let passive: Vec<_> = ctx.sentences.iter().filter(|s| s.passive).collect();
    let p = percent(passive.len(), ctx.sentences.len());
    let span = passive.first().and_then(|s| ctx.block_span(s.block));
    let msg = format!("{} des phrases sont au passif", fr_percent(p));
    if p <= 10.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            format!("{msg}. Bien."),
        )
    } else if p <= 15.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Improve,
            6,
            format!("{msg}, plus que le maximum recommandé de 10 % : préférez la voix active."),
        )
        .with_span(span)
    } else {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Problem,
            3,
            format!(
                "{msg}, bien plus que le maximum recommandé de 10 % : préférez la voix active."
            ),
        )
        .with_span(span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{run, sentence};

    fn mix(passive: usize, active: usize) -> Finding {
        let mut parts: Vec<String> = (0..passive)
            .map(|_| "La loi a été votée hier soir.".to_string())
            .collect();
        parts.extend((0..active).map(|_| sentence(8)));
        run(&parts.join(" "), None, assess)
    }

    #[test]
    fn boundaries() {
        assert_eq!(mix(1, 9).severity, Severity::Good); // 10 %
        assert_eq!(mix(1, 8).severity, Severity::Improve); // 11.1 %
        assert_eq!(mix(3, 17).severity, Severity::Improve); // 15 %
        assert_eq!(mix(2, 11).severity, Severity::Problem); // 15.4 %
        assert_eq!(mix(0, 3).severity, Severity::Good);
    }
}
