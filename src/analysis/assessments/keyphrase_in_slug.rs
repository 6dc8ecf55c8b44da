//! Keyphrase in the slug: every content word of the keyphrase should be in the slug.

use crate::analysis::assessments::{no_keyphrase, Context};
use crate::analysis::report::{Area, Finding, Severity};
use crate::analysis::slug::slugify;

const ID: &str = "keyphrase_in_slug";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let Some(slug) = ctx.doc.front.slug.as_deref() else {
        let f = Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            1,
            "Pas de slug (clé « slug » du front matter).",
        );
        return match ctx.title.as_deref() {
            Some(t) => f.with_fix(slugify(t)),
            None => f,
        };
    };
    let parts: Vec<String> = slug.split('-').map(slugify).collect();
    let found = kp
        .content
        .iter()
        .filter(|c| {
            let c = slugify(c);
            parts
                .iter()
                .any(|p| crate::analysis::assessments::keyphrase::word_matches(p, &c))
        })
        .count();
    let n = kp.content.len();
    if found == n {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            format!("Le slug « {slug} » contient l’expression clé. Bien."),
        )
    } else if found * 2 >= n && found > 0 {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!(
                "Le slug « {slug} » ne contient qu’une partie de l’expression clé « {} ».",
                kp.text
            ),
        )
    } else {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            format!(
                "Le slug « {slug} » ne contient pas l’expression clé « {} ».",
                kp.text
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn slug(s: &str) -> Finding {
        run(
            &format!("---\nslug: {s}\n---\nTexte."),
            Some("prix de l’électricité"),
            assess,
        )
    }

    #[test]
    fn full_partial_or_missing() {
        assert_eq!(slug("le-prix-de-l-electricite-baisse").score, 9);
        assert_eq!(slug("le-prix-baisse").severity, Severity::Improve);
        assert_eq!(slug("tout-baisse").severity, Severity::Problem);
        let f = run("# Prix de l’électricité\n\nTexte.", Some("prix"), assess);
        assert_eq!(f.fix.as_deref(), Some("prix-de-l-electricite"));
    }
}
