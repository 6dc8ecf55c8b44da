//! Flesch reading ease for French (Kandel & Moles, 1958):
//! `207 − 1.015 × words/sentence − 73.6 × syllables/word`. Reported, never failed on.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "flesch_reading_ease";

/// The score over the content's sentences (0 when there is no text).
pub fn score(ctx: &Context) -> f64 {
    let sentences = ctx.sentences.len();
    let words: usize = ctx.sentences.iter().map(|s| s.words).sum();
    let syllables: usize = ctx.sentences.iter().map(|s| s.syllables).sum();
    kandel_moles(words, sentences, syllables)
}

/// The formula itself.
pub fn kandel_moles(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    207.0 - 1.015 * words as f64 / sentences as f64 - 73.6 * syllables as f64 / words as f64
}

fn band(score: f64) -> &'static str {
    match score {
        s if s >= 90.0 => "très facile",
        s if s >= 80.0 => "facile",
        s if s >= 70.0 => "assez facile",
        s if s >= 60.0 => "standard",
        s if s >= 50.0 => "assez difficile",
        s if s >= 30.0 => "difficile",
        _ => "très difficile",
    }
}

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let s = score(ctx);
    let value = format!("{s:.1}").replace('.', ",");
    Finding::new(
        ID,
        Area::Readability,
        Severity::Good,
        9,
        format!(
            "Score de Flesch (Kandel et Moles) : {value}, texte {} à lire (indicatif).",
            band(s)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    #[test]
    fn formula() {
        // 3 words, 1 sentence, 3 syllables: 207 − 3.045 − 73.6.
        assert!((kandel_moles(3, 1, 3) - 130.355).abs() < 1e-9);
        assert_eq!(kandel_moles(0, 0, 0), 0.0);
    }

    #[test]
    fn never_fails() {
        let f = run("Le chat dort.", None, assess);
        assert_eq!(f.severity, Severity::Good);
        assert!(f.message.contains("130,4"));
        let hard = "L’internationalisation institutionnelle extraordinairement compliquée des administrations intercommunautaires européennes perturbe considérablement.";
        let f = run(hard, None, assess);
        assert_eq!(f.severity, Severity::Good);
        assert!(f.message.contains("très difficile"));
    }
}
