//! Keyphrase in subheadings: 30 to 75 % of the H2 and H3 should reflect the keyphrase
//! (all its content words, or at least half of them for keyphrases of three content
//! words or more). A single subheading that reflects it is fine.

use crate::analysis::assessments::{fr_percent, no_keyphrase, percent, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "keyphrase_in_subheadings";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let subs: Vec<_> = ctx
        .doc
        .blocks
        .iter()
        .filter(|b| matches!(b.heading_level(), Some(2 | 3)))
        .collect();
    if subs.is_empty() {
        return Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            "L’article n’a pas d’intertitre H2 ou H3.",
        );
    }
    let n = kp.content.len();
    let matched = subs
        .iter()
        .filter(|b| {
            let found = kp.content_found(&b.text);
            if n > 2 {
                found * 2 >= n
            } else {
                found == n
            }
        })
        .count();
    let p = percent(matched, subs.len());
    let msg = format!(
        "{matched} intertitre(s) H2/H3 sur {} ({}) reprennent l’expression clé « {} »",
        subs.len(),
        fr_percent(p),
        kp.text
    );
    if (subs.len() == 1 && matched == 1) || (30.0..=75.0).contains(&p) {
        Finding::new(ID, Area::Seo, Severity::Good, 9, format!("{msg}. Bien."))
    } else if p > 75.0 {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!("{msg} : c’est trop, variez (75 % au plus)."),
        )
    } else {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            format!("{msg} : utilisez-la dans 30 à 75 % des intertitres."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn with(matching: usize, total: usize) -> Finding {
        let mut md = String::from("# Titre\n\n");
        for i in 0..total {
            let h = if i < matching {
                "Le prix du gaz en hausse"
            } else {
                "Une autre question"
            };
            md.push_str(&format!("## {h}\n\nTexte.\n\n"));
        }
        run(&md, Some("prix du gaz"), assess)
    }

    #[test]
    fn thirty_to_seventy_five_percent() {
        assert_eq!(with(2, 7).severity, Severity::Problem); // 28.6 %
        assert_eq!(with(3, 10).severity, Severity::Good); // 30 %
        assert_eq!(with(7, 10).severity, Severity::Good); // 70 %
        assert_eq!(with(3, 4).severity, Severity::Good); // 75 %
        assert_eq!(with(4, 5).severity, Severity::Improve); // 80 %
        assert_eq!(with(1, 1).severity, Severity::Good);
        assert_eq!(with(0, 0).severity, Severity::Problem);
    }
}
