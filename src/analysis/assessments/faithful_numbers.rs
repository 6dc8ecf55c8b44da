//! Faithfulness, numbers and dates: every number and date in the article must be in
//! the source (« 1 000 » = « 1000 » = English « 1,000 »; « 3,5 » = « 3.5 »).

use crate::analysis::assessments::{span_of, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "faithful_numbers";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(faith) = &ctx.faith else {
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Pas de source : nombres non vérifiés.",
        );
    };
    match faith.unknown_numbers.first() {
        None => Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Tous les nombres et dates de l’article figurent dans la source.",
        ),
        Some(first) => Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Problem,
            1,
            format!(
                "Nombres ou dates absents de la source : {}.",
                faith.unknown_numbers.join(", ")
            ),
        )
        .with_span(span_of(ctx, first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run_with;
    use crate::analysis::assessments::CheckOptions;

    fn check(article: &str) -> Finding {
        let opts = CheckOptions {
            source: Some("Some 1,000 people marched on March 3, 2024; turnout rose 3.5%.".into()),
            ..CheckOptions::default()
        };
        run_with(article, &opts, assess)
    }

    #[test]
    fn numbers_are_normalised() {
        assert_eq!(
            check("Quelque 1 000 personnes ont défilé le 3 mars 2024 ; +3,5 %.").severity,
            Severity::Good
        );
        let f = check("Quelque 1 500 personnes ont défilé.");
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.message.contains("1 500"));
        assert_eq!(
            check("Elles ont défilé le 4 mars.").severity,
            Severity::Problem
        );
    }
}
