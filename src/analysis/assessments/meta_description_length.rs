//! Meta description length: 121 to 156 characters.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "meta_description_length";
/// Shortest good length, in characters.
pub const MIN: usize = 121;
/// Longest good length, in characters.
pub const MAX: usize = 156;

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let meta = ctx
        .doc
        .front
        .meta_description
        .as_deref()
        .map(str::trim)
        .unwrap_or("");
    let n = meta.chars().count();
    if n == 0 {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            "Pas de méta-description : écrivez-en une de 121 à 156 caractères.",
        )
    } else if n < MIN {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!("La méta-description fait {n} caractères : c’est court, visez {MIN} à {MAX}."),
        )
    } else if n <= MAX {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            format!("La méta-description fait {n} caractères. Bien."),
        )
    } else {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!("La méta-description fait {n} caractères : elle sera coupée au-delà de {MAX}."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn meta(n: usize) -> Finding {
        let m: String = "é".repeat(n);
        run(
            &format!("---\nmeta_description: {m}\n---\nTexte."),
            None,
            assess,
        )
    }

    #[test]
    fn boundaries_in_characters() {
        assert_eq!(meta(120).severity, Severity::Improve);
        assert_eq!(meta(121).severity, Severity::Good);
        assert_eq!(meta(156).severity, Severity::Good);
        assert_eq!(meta(157).severity, Severity::Improve);
        assert_eq!(run("Texte.", None, assess).severity, Severity::Problem);
    }
}
