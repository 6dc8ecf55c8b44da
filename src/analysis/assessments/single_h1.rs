//! Exactly one H1: the article's title.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};
use crate::source::BlockKind;

const ID: &str = "single_h1";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let h1: Vec<_> = ctx
        .doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Heading(1))
        .collect();
    match h1.len() {
        1 => Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            "L’article a un seul titre H1. Bien.",
        )
        .with_span(Some(h1[0].span)),
        0 => {
            let f = Finding::new(
                ID,
                Area::Seo,
                Severity::Problem,
                1,
                "L’article n’a pas de titre H1.",
            );
            match ctx.doc.front.title.as_deref() {
                Some(t) => f.with_fix(format!("# {t}")),
                None => f,
            }
        }
        n => Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            format!("L’article a {n} titres H1 : gardez-en un seul, passez les autres en H2."),
        )
        .with_span(Some(h1[1].span)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    #[test]
    fn zero_one_two() {
        assert_eq!(run("# Un\n\nTexte.", None, assess).severity, Severity::Good);
        let f = run("---\ntitle: T\n---\nTexte.", None, assess);
        assert_eq!(
            (f.severity, f.fix.as_deref()),
            (Severity::Problem, Some("# T"))
        );
        let f = run("# Un\n\nTexte.\n\n# Deux\n", None, assess);
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(f.span.map(|s| s.0), Some(14));
    }
}
