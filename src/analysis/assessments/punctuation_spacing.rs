//! A no-break space is needed before « : » (U+00A0) and before « ; ! ? » (U+202F; U+00A0 is accepted too).

use crate::analysis::assessments::{typography_finding, Context};
use crate::analysis::report::Finding;
use crate::analysis::typography::PUNCTUATION_SPACE;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    typography_finding(
        ctx,
        "punctuation_spacing",
        PUNCTUATION_SPACE,
        "Espaces avant : ; ! ?",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;
    use crate::analysis::report::Severity;

    #[test]
    fn flags_and_passes() {
        let f = run("Pourquoi? Parce que.", None, assess);
        assert_eq!(f.severity, Severity::Improve);
        assert!(f.span.is_some() && f.fix.is_some());
        assert_eq!(
            run(
                "Pourquoi\u{202f}? Voici\u{a0}: rien. À 10:30, oui.",
                None,
                assess
            )
            .severity,
            Severity::Good
        );
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
