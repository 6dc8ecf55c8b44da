//! Language: French spelling (« orthographe »), whole sentences, no repetition, and headings
//! that claim only what the article says, from [`crate::analysis::quality`]. One finding
//! each, naming the first few culprits.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

/// Up to five examples, quoted.
fn examples<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items
        .take(5)
        .map(|s| format!("« {s} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn finding(id: &'static str, problems: usize, good: &str, bad: String) -> Finding {
    if problems == 0 {
        Finding::new(id, Area::Language, Severity::Good, 9, good)
    } else {
        Finding::new(id, Area::Language, Severity::Problem, 3, bad)
    }
}

/// Words unknown to the French dictionary (Dicollecte), determiners whose noun has the other
/// gender, and missing elisions.
pub fn spelling(ctx: &Context) -> Finding {
    let words = &ctx.quality.unknown_words;
    let agreement = &ctx.quality.agreement;
    let mut problems = Vec::new();
    if !words.is_empty() {
        problems.push(format!(
            "{} mot(s) inconnu(s) du dictionnaire français : {}",
            words.len(),
            examples(words.iter().map(String::as_str))
        ));
    }
    if !agreement.is_empty() {
        problems.push(format!(
            "{} déterminant(s) à revoir (accord en genre ou élision) : {}",
            agreement.len(),
            examples(agreement.iter().map(String::as_str))
        ));
    }
    finding(
        "spelling",
        words.len() + agreement.len(),
        "Orthographe : tous les mots sont dans le dictionnaire français.",
        format!("Orthographe : {}.", problems.join(" ; ")),
    )
}

/// Fragments and unbalanced quotation marks.
pub fn whole_sentences(ctx: &Context) -> Finding {
    let q = &ctx.quality;
    let bad: Vec<String> = q
        .fragments
        .iter()
        .map(|(s, why)| format!("{s} ({why})"))
        .chain(q.unbalanced.iter().map(|p| format!("{p} (guillemets)")))
        .collect();
    finding(
        "whole_sentences",
        bad.len(),
        "Phrases entières : aucune phrase coupée, guillemets équilibrés.",
        format!(
            "Phrases entières : {} phrase(s) incomplète(s) ou guillemets déséquilibrés : {}.",
            bad.len(),
            examples(bad.iter().map(String::as_str))
        ),
    )
}

/// Sentences that say again what another says.
pub fn repetition(ctx: &Context) -> Finding {
    let pairs = &ctx.quality.near_duplicates;
    finding(
        "repetition",
        pairs.len(),
        "Répétitions : aucune phrase ne redit ce qu’une autre dit.",
        format!(
            "Répétitions : {} paire(s) de phrases qui disent la même chose : {}.",
            pairs.len(),
            examples(pairs.iter().map(|(_, b)| b.as_str()))
        ),
    )
}

/// Title and headings with words neither the article nor its source has (with a source
/// only: an editor's own headings may sum up in words of their own).
pub fn heading_claims(ctx: &Context) -> Finding {
    let words = &ctx.quality.heading_words;
    finding(
        "heading_claims",
        words.len(),
        "Intertitres : ils ne disent rien que le texte ne dise.",
        format!(
            "Intertitres : {} mot(s) des titres absents du texte et de la source : {}.",
            words.len(),
            examples(words.iter().map(String::as_str))
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run_with;
    use crate::analysis::assessments::CheckOptions;

    #[test]
    fn one_finding_per_problem_kind() {
        let md = "# Valbrune\n\n## La préfecture\n\nLa requillera est prête. Un glissement de terrain.\n";
        let opts = CheckOptions {
            source: Some("La gare de Valbrune est prête.".into()),
            ..CheckOptions::default()
        };
        assert_eq!(run_with(md, &opts, spelling).severity, Severity::Problem);
        assert_eq!(
            run_with(md, &opts, whole_sentences).severity,
            Severity::Problem
        );
        assert_eq!(run_with(md, &opts, repetition).severity, Severity::Good);
        let heading = run_with(md, &opts, heading_claims);
        assert!(
            heading.message.contains("préfecture"),
            "{}",
            heading.message
        );
    }
}
