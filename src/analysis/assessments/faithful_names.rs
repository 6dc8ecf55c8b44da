//! Faithfulness, names: every person, place or organisation named in the article must
//! be in the source.

use crate::analysis::assessments::{span_of, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "faithful_names";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(faith) = &ctx.faith else {
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Pas de source : noms non vérifiés.",
        );
    };
    match faith.unknown_names.first() {
        None => Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Tous les noms propres de l’article figurent dans la source.",
        ),
        Some(first) => Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Problem,
            1,
            format!(
                "Noms absents de la source : {}. Vérifiez-les ou retirez-les.",
                faith.unknown_names.join(", ")
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
            source: Some("Sergueï Lavrov a rencontré Antony Blinken à Genève.".into()),
            ..CheckOptions::default()
        };
        run_with(article, &opts, assess)
    }

    #[test]
    fn invented_names_are_problems() {
        assert_eq!(
            check("Lavrov et Blinken se sont vus à Genève.").severity,
            Severity::Good
        );
        let f = check("Lavrov a vu Donald Trump.");
        assert_eq!(f.severity, Severity::Problem);
        assert_eq!(f.span, Some((12, 24)));
    }
}
