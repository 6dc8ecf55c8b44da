//! Faithfulness, coverage: how many of the source's named entities the article keeps.
//! Fewer than half is to improve (an article may leave minor names out).

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "source_coverage";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(faith) = &ctx.faith else {
        return Finding::new(ID, Area::Faithfulness, Severity::Good, 9, "Pas de source.");
    };
    let kept = faith.kept_entities.len();
    let total = kept + faith.missing_entities.len();
    if total == 0 || kept * 2 >= total {
        Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            format!("L’article reprend {kept} des {total} noms de la source."),
        )
    } else {
        let missing: Vec<&str> = faith
            .missing_entities
            .iter()
            .take(8)
            .map(String::as_str)
            .collect();
        Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Improve,
            6,
            format!("L’article ne reprend que {kept} des {total} noms de la source ; manquent notamment : {}.", missing.join(", ")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run_with;
    use crate::analysis::assessments::CheckOptions;

    fn check(article: &str) -> Finding {
        let opts = CheckOptions {
            source: Some("Lavrov a vu Blinken, Cassis et Borrell à Genève.".into()),
            ..CheckOptions::default()
        };
        run_with(article, &opts, assess)
    }

    #[test]
    fn half_is_enough() {
        assert_eq!(check("Lavrov, Blinken et Cassis.").severity, Severity::Good); // 3 of 5
        assert_eq!(check("Lavrov et Blinken.").severity, Severity::Improve); // 2 of 5
        assert_eq!(check("Rien.").severity, Severity::Improve);
    }
}
