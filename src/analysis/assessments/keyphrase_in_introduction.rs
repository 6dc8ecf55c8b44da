//! Keyphrase in the introduction: the first paragraph should hold every content word
//! of the keyphrase, ideally in one sentence.

use crate::analysis::assessments::{no_keyphrase, Context};
use crate::analysis::report::{Area, Finding, Severity};
use crate::source::BlockKind;

const ID: &str = "keyphrase_in_introduction";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let Some(intro) = ctx
        .doc
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Paragraph)
    else {
        return Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            3,
            "L’article n’a pas de paragraphe d’introduction.",
        );
    };
    let f = |sev, score, msg: String| {
        Finding::new(ID, Area::Seo, sev, score, msg).with_span(Some(intro.span))
    };
    if kp.in_one_sentence(&intro.text) {
        f(
            Severity::Good,
            9,
            format!(
                "L’introduction contient l’expression clé « {} » dans une même phrase. Bien.",
                kp.text
            ),
        )
    } else if kp.all_in(&intro.text) {
        f(
            Severity::Improve,
            6,
            format!(
                "Les mots de « {} » sont dans l’introduction, mais pas dans une même phrase.",
                kp.text
            ),
        )
    } else {
        f(
            Severity::Problem,
            3,
            format!("L’expression clé « {} » n’apparaît pas dans le premier paragraphe : annoncez le sujet dès l’introduction.", kp.text),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    const KP: Option<&str> = Some("prix du gaz");

    #[test]
    fn one_sentence_two_sentences_or_absent() {
        let md = "# T\n\nLe prix du gaz baisse encore. Rien d’autre.\n\nLe gaz revient.";
        assert_eq!(run(md, KP, assess).score, 9);
        let md = "# T\n\nLe prix baisse. Le gaz aussi.\n\nSuite.";
        assert_eq!(run(md, KP, assess).severity, Severity::Improve);
        let md = "# T\n\nLe prix baisse.\n\nLe prix du gaz, plus loin.";
        assert_eq!(run(md, KP, assess).severity, Severity::Problem);
    }

    #[test]
    fn no_paragraph_or_keyphrase() {
        assert_eq!(run("# Titre seul", KP, assess).severity, Severity::Problem);
        assert_eq!(run("Texte.", None, assess).score, 0);
    }
}
