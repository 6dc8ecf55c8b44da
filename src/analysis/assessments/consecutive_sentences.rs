//! Consecutive sentences: three or more sentences in a row starting with the same
//! word (the same two words when the first is a determiner: « Le chat », « Le chien »
//! differ). List items are left out: an enumeration may repeat its opening on
//! purpose, and a run stops at each list.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};
use crate::source::BlockKind;

const ID: &str = "consecutive_sentences";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let in_list = |k: usize| {
        ctx.doc
            .blocks
            .get(ctx.sentences[k].block)
            .is_some_and(|b| b.kind == BlockKind::ListItem)
    };
    let mut worst: Option<(usize, usize)> = None; // (start index, length)
    let mut i = 0;
    while i < ctx.sentences.len() {
        let start = &ctx.sentences[i].start;
        let mut j = i + 1;
        while j < ctx.sentences.len()
            && !start.is_empty()
            && !in_list(i)
            && !in_list(j)
            && ctx.sentences[j].start == *start
        {
            j += 1;
        }
        if j - i >= 3 && worst.is_none_or(|w| j - i > w.1) {
            worst = Some((i, j - i));
        }
        i = j;
    }
    match worst {
        None => Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            "Les débuts de phrases sont variés. Bien.",
        ),
        Some((i, n)) => {
            let s = &ctx.sentences[i];
            Finding::new(
                ID,
                Area::Readability,
                Severity::Problem,
                3,
                format!(
                    "{n} phrases de suite commencent par « {} » : variez les débuts de phrases.",
                    s.start
                ),
            )
            .with_span(ctx.block_span(s.block))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    #[test]
    fn two_is_fine_three_is_not() {
        assert_eq!(
            run("Il pleut. Il vente. Nous restons.", None, assess).severity,
            Severity::Good
        );
        let f = run("Il pleut. Il vente. Il neige. Nous restons.", None, assess);
        assert_eq!(f.severity, Severity::Problem);
        assert!(f.message.starts_with("3 phrases"));
        assert_eq!(
            run(
                "Le chat dort. Le chien veille. Le merle chante.",
                None,
                assess
            )
            .severity,
            Severity::Good
        );
        assert_eq!(
            run("Le chat dort. Le chat mange. Le chat joue.", None, assess).severity,
            Severity::Problem
        );
        assert_eq!(run("", None, assess).severity, Severity::Good);
        let list = "- La grammaire A.\n- La grammaire B.\n- La grammaire C.\n";
        assert_eq!(run(list, None, assess).severity, Severity::Good);
    }
}
