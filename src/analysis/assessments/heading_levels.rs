//! No skipped heading levels: after an H1 comes an H2, not an H3.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "heading_levels";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let mut prev = 1u8;
    for block in &ctx.doc.blocks {
        let Some(level) = block.heading_level() else {
            continue;
        };
        if level > prev + 1 {
            return Finding::new(
                ID,
                Area::Seo,
                Severity::Problem,
                3,
                format!(
                    "L’intertitre « {} » saute un niveau (H{prev} puis H{level}) : utilisez H{}.",
                    block.text,
                    prev + 1
                ),
            )
            .with_span(Some(block.span))
            .with_fix(format!(
                "{} {}",
                "#".repeat(usize::from(prev) + 1),
                block.text
            ));
        }
        prev = level;
    }
    Finding::new(
        ID,
        Area::Seo,
        Severity::Good,
        9,
        "Les niveaux d’intertitres se suivent sans saut. Bien.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    #[test]
    fn skips() {
        assert_eq!(
            run("# A\n\n## B\n\n### C\n\n## D\n\n# E", None, assess).severity,
            Severity::Good
        );
        assert_eq!(
            run("# A\n\n### C", None, assess).severity,
            Severity::Problem
        );
        assert_eq!(
            run("## B\n\n#### D", None, assess).fix.as_deref(),
            Some("### D")
        );
        assert_eq!(run("### Seul", None, assess).severity, Severity::Problem);
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
