//! Guillemets need a no-break space (U+00A0) inside: « oui ».

use crate::analysis::assessments::{typography_finding, Context};
use crate::analysis::report::Finding;
use crate::analysis::typography::GUILLEMET_SPACE;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    typography_finding(
        ctx,
        "guillemet_spacing",
        GUILLEMET_SPACE,
        "Espaces dans les guillemets",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;
    use crate::analysis::report::Severity;

    #[test]
    fn flags_and_passes() {
        let f = run("Il dit «oui» ici.", None, assess);
        assert_eq!(f.severity, Severity::Improve);
        assert!(f.span.is_some() && f.fix.is_some());
        assert_eq!(
            run("Il dit «\u{a0}oui\u{a0}» ici.", None, assess).severity,
            Severity::Good
        );
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
