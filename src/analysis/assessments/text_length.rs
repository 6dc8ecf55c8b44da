//! Text length: at least `min_words` words (700 by default for plume's articles).
//! Below, by sixths: five sixths is to improve, two thirds or less is a problem.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "text_length";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let (n, min) = (ctx.word_count, ctx.min_words);
    if n >= min {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            format!("Le texte compte {n} mots (minimum {min}). Bien."),
        )
    } else if n * 6 >= min * 5 {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!("Le texte compte {n} mots : un peu moins que le minimum de {min}."),
        )
    } else if n * 3 >= min * 2 {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            format!("Le texte compte {n} mots : c’est trop court, le minimum est {min}."),
        )
    } else {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            format!("Le texte compte {n} mots : c’est beaucoup trop court, le minimum est {min}."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{paragraph, run_with};
    use crate::analysis::assessments::CheckOptions;

    fn len(words: usize, min: usize) -> Finding {
        let opts = CheckOptions {
            min_words: min,
            ..CheckOptions::default()
        };
        run_with(
            &format!("# Titre exclu\n\n{}", paragraph(words)),
            &opts,
            assess,
        )
    }

    #[test]
    fn boundaries_with_a_parameter() {
        assert_eq!(len(60, 60).severity, Severity::Good);
        assert_eq!(len(61, 60).severity, Severity::Good);
        assert_eq!(len(59, 60).severity, Severity::Improve);
        assert_eq!(len(50, 60).severity, Severity::Improve);
        assert_eq!(len(49, 60).score, 3);
        assert_eq!(len(40, 60).score, 3);
        assert_eq!(len(39, 60).score, 1);
    }

    #[test]
    fn default_is_700() {
        assert_eq!(len(700, 700).severity, Severity::Good);
        assert_eq!(len(699, 700).severity, Severity::Improve);
    }
}
