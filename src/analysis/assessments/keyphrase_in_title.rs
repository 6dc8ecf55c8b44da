//! Keyphrase in the SEO title: the exact keyphrase at the start of the title (only
//! function words before it) scores best; elsewhere, or all its words in another
//! order, is acceptable; missing words are a problem.

use crate::analysis::assessments::keyphrase::tokens;
use crate::analysis::assessments::{no_keyphrase, Context, Keyphrase};
use crate::analysis::report::{Area, Finding, Severity};
use crate::source::BlockKind;

const ID: &str = "keyphrase_in_title";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let Some(title) = ctx.title.as_deref() else {
        return Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            "L’article n’a pas de titre (ni « title » dans le front matter, ni H1).",
        );
    };
    let span = if ctx.doc.front.title.is_none() {
        ctx.doc
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::Heading(1))
            .map(|b| b.span)
    } else {
        None
    };
    let f = |sev, score, msg: String| Finding::new(ID, Area::Seo, sev, score, msg).with_span(span);
    match kp.exact_at(title) {
        Some(i) if tokens(title)[..i].iter().all(|t| Keyphrase::is_function_word(t)) => {
            f(Severity::Good, 9, format!("Le titre commence par l’expression clé « {} ». Parfait.", kp.text))
        }
        Some(_) => f(
            Severity::Improve,
            6,
            format!("Le titre contient l’expression clé « {} », mais pas au début : placez-la en tête.", kp.text),
        ),
        None if kp.all_in(title) => f(
            Severity::Improve,
            6,
            format!("Le titre contient les mots de « {} », mais pas l’expression exacte : écrivez-la telle quelle, en tête.", kp.text),
        ),
        None => f(
            Severity::Problem,
            2,
            format!("Tous les mots de l’expression clé « {} » ne figurent pas dans le titre.", kp.text),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn title(t: &str) -> Finding {
        run(
            &format!("---\ntitle: \"{t}\"\n---\nTexte."),
            Some("réforme des retraites"),
            assess,
        )
    }

    #[test]
    fn scores_by_position() {
        assert_eq!(title("Réforme des retraites : le vote final").score, 9);
        assert_eq!(title("La réforme des retraites adoptée").score, 9);
        assert_eq!(
            title("Vote final de la réforme des retraites").severity,
            Severity::Improve
        );
        assert_eq!(
            title("Retraites : la réforme est votée").severity,
            Severity::Improve
        );
        assert_eq!(title("La réforme est votée").severity, Severity::Problem);
    }

    #[test]
    fn falls_back_to_h1_and_handles_missing_parts() {
        let f = run(
            "# Réforme des retraites\n\nTexte.",
            Some("réforme des retraites"),
            assess,
        );
        assert_eq!(f.score, 9);
        assert!(f.span.is_some());
        assert_eq!(
            run("Texte.", Some("réforme"), assess).severity,
            Severity::Problem
        );
        assert_eq!(run("# Titre\n\nTexte.", None, assess).score, 0);
    }
}
