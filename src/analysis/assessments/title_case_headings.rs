//! Title Case headings (« Les Nouvelles Règles Du Jeu »): French capitalises only the first word and proper nouns.

use crate::analysis::assessments::{typography_finding, Context};
use crate::analysis::report::Finding;
use crate::analysis::typography::TITLE_CASE;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    typography_finding(
        ctx,
        "title_case_headings",
        TITLE_CASE,
        "Majuscules d’intertitres à l’anglaise",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;
    use crate::analysis::report::Severity;

    #[test]
    fn flags_and_passes() {
        let f = run(
            "# Les Nouvelles Règles Du Jeu\n\nLes règles changent.",
            None,
            assess,
        );
        assert_eq!(f.severity, Severity::Improve);
        assert!(f.span.is_some() && f.fix.is_some());
        assert_eq!(
            run(
                "# Emmanuel Macron rencontre Vladimir Poutine\n\nTexte.",
                None,
                assess
            )
            .severity,
            Severity::Good
        );
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
