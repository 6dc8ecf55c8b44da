//! Transition words: at least 30 % of the sentences should contain one (20 % or more
//! is to improve).

use crate::analysis::assessments::{fr_percent, percent, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "transition_words";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let with = ctx.sentences.iter().filter(|s| s.transition).count();
    let p = percent(with, ctx.sentences.len());
    let msg = format!(
        "{} des phrases contiennent un mot de transition",
        fr_percent(p)
    );
    if ctx.sentences.is_empty() {
        Finding::new(ID, Area::Readability, Severity::Good, 9, "Aucun texte.")
    } else if p >= 30.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            format!("{msg}. Bien."),
        )
    } else if p >= 20.0 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Improve,
            6,
            format!("{msg} : visez 30 % (ainsi, cependant, d’abord…)."),
        )
    } else {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Problem,
            3,
            format!("{msg} : c’est trop peu, visez 30 % (ainsi, cependant, d’abord…)."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{run, sentence};

    fn mix(with: usize, without: usize) -> Finding {
        let mut parts: Vec<String> = (0..with)
            .map(|_| "Cependant, le chat dort.".to_string())
            .collect();
        parts.extend((0..without).map(|_| sentence(8)));
        run(&parts.join(" "), None, assess)
    }

    #[test]
    fn boundaries() {
        assert_eq!(mix(3, 7).severity, Severity::Good); // 30 %
        assert_eq!(mix(2, 5).severity, Severity::Improve); // 28.6 %
        assert_eq!(mix(2, 8).severity, Severity::Improve); // 20 %
        assert_eq!(mix(1, 5).severity, Severity::Problem); // 16.7 %
        assert_eq!(mix(1, 0).severity, Severity::Good);
    }

    #[test]
    fn two_part_transitions_count() {
        let md = "D’une part le chat dort, d’autre part le chien veille. Le chat dort.";
        assert_eq!(run(md, None, assess).severity, Severity::Good);
    }
}
