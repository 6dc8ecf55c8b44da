//! Straight apostrophes between letters (l'homme) should be typographic (l’homme).

use crate::analysis::assessments::{typography_finding, Context};
use crate::analysis::report::Finding;
use crate::analysis::typography::APOSTROPHE;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    typography_finding(
        ctx,
        "straight_apostrophes",
        APOSTROPHE,
        "Apostrophes droites",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;
    use crate::analysis::report::Severity;

    #[test]
    fn flags_and_passes() {
        let f = run("L'homme est là.", None, assess);
        assert_eq!(f.severity, Severity::Improve);
        assert!(f.span.is_some() && f.fix.is_some());
        assert_eq!(
            run(
                "L’homme est là, voir `l'code` et https://a.fr/l'x.",
                None,
                assess
            )
            .severity,
            Severity::Good
        );
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
