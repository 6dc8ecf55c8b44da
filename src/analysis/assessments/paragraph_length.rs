//! Paragraph length: at most 150 words per paragraph.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};
use crate::analysis::text::word_count;
use crate::source::BlockKind;

const ID: &str = "paragraph_length";
/// Longest good paragraph, in words.
pub const MAX_WORDS: usize = 150;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let long: Vec<(usize, (usize, usize))> = ctx
        .doc
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::Quote))
        .map(|b| (word_count(&b.text), b.span))
        .filter(|(n, _)| *n > MAX_WORDS)
        .collect();
    match long.first() {
        None => Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            "Aucun paragraphe ne dépasse 150 mots. Bien.",
        ),
        Some((n, span)) => Finding::new(
            ID,
            Area::Readability,
            Severity::Problem,
            3,
            format!(
                "{} paragraphe(s) dépassent 150 mots (le premier en compte {n}) : coupez-les.",
                long.len()
            ),
        )
        .with_span(Some(*span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{paragraph, run};

    #[test]
    fn boundaries() {
        assert_eq!(run(&paragraph(149), None, assess).severity, Severity::Good);
        assert_eq!(run(&paragraph(150), None, assess).severity, Severity::Good);
        let f = run(
            &format!("# T\n\n{}\n\n{}", paragraph(20), paragraph(151)),
            None,
            assess,
        );
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.span.is_some_and(|s| s.0 > 10));
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
