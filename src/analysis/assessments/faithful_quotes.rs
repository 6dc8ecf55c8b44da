//! Faithfulness, quotations: a quotation must be word for word in the source. When
//! the source is not French the quotation is a translation and cannot be checked:
//! it is reported as unverifiable (to improve), not broken.

use crate::analysis::assessments::{span_of, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "faithful_quotes";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(faith) = &ctx.faith else {
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Good,
            9,
            "Pas de source : citations non vérifiées.",
        );
    };
    if let Some(first) = faith.broken_quotes.first() {
        let list: Vec<String> = faith
            .broken_quotes
            .iter()
            .map(|q| format!("« {q} »"))
            .collect();
        return Finding::new(ID, Area::Faithfulness, Severity::Problem, 1, format!("Citations modifiées par rapport à la source : {}. Une citation se reprend mot pour mot.", list.join(", ")))
            .with_span(span_of(ctx, first));
    }
    if let Some(first) = faith.unverifiable_quotes.first() {
        let list: Vec<String> = faith
            .unverifiable_quotes
            .iter()
            .map(|q| format!("« {q} »"))
            .collect();
        return Finding::new(
            ID,
            Area::Faithfulness,
            Severity::Improve,
            6,
            format!(
                "Citations traduites, invérifiables mot pour mot : {} ; relisez la traduction.",
                list.join(", ")
            ),
        )
        .with_span(span_of(ctx, first));
    }
    Finding::new(
        ID,
        Area::Faithfulness,
        Severity::Good,
        9,
        "Les citations sont reprises mot pour mot.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run_with;
    use crate::analysis::assessments::CheckOptions;

    fn check(source: &str, article: &str) -> Finding {
        let opts = CheckOptions {
            source: Some(source.into()),
            ..CheckOptions::default()
        };
        run_with(article, &opts, assess)
    }

    #[test]
    fn kept_broken_unverifiable() {
        let fr = "Le maire a déclaré : « Nous rouvrirons la piscine cet été. »";
        assert_eq!(
            check(fr, "Il promet : « Nous rouvrirons la piscine cet été ».").severity,
            Severity::Good
        );
        let f = check(fr, "Il promet : « Nous rouvrirons la piscine cet hiver ».");
        assert_eq!(f.severity, Severity::Problem);
        let en = "The mayor said: \"We will reopen the pool this summer.\"";
        assert_eq!(
            check(en, "Il promet : « Nous rouvrirons la piscine cet été ».").severity,
            Severity::Improve
        );
    }
}
