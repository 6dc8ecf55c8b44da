//! Keyphrase in the meta description: once or twice.

use crate::analysis::assessments::{no_keyphrase, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "keyphrase_in_meta_description";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let Some(meta) = ctx.doc.front.meta_description.as_deref() else {
        return Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            "Pas de méta-description (clé « meta_description » du front matter).",
        );
    };
    match kp.occurrences(meta) {
        0 => Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            format!("La méta-description ne contient pas l’expression clé « {} ».", kp.text),
        ),
        n @ 1..=2 => Finding::new(ID, Area::Seo, Severity::Good, 9, format!("L’expression clé figure {n} fois dans la méta-description. Bien.")),
        n => Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            format!("L’expression clé figure {n} fois dans la méta-description : une ou deux fois suffisent."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn meta(m: &str) -> Finding {
        run(
            &format!("---\nmeta_description: \"{m}\"\n---\nTexte."),
            Some("prix du gaz"),
            assess,
        )
    }

    #[test]
    fn zero_one_two_three_times() {
        assert_eq!(meta("Les tarifs baissent.").severity, Severity::Problem);
        assert_eq!(meta("Le prix du gaz baisse.").score, 9);
        assert_eq!(
            meta("Le prix du gaz baisse. Le prix du gaz monte.").score,
            9
        );
        assert_eq!(
            meta("Prix du gaz. Prix du gaz. Prix du gaz.").severity,
            Severity::Problem
        );
        assert_eq!(run("Texte.", Some("gaz"), assess).score, 1);
    }
}
