//! Keyphrase density, with Yoast's length-weighted formula: the recommended number of
//! occurrences is `density × words / (100 × (0.7 + content_words / 3))` for densities
//! of 0.5 % (minimum, rounded up) and 3 % (maximum, rounded down), never below 2;
//! beyond 3.5 % the text is stuffed.

use crate::analysis::assessments::{no_keyphrase, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "keyphrase_density";

/// Yoast's keyphrase-length weighting factor.
pub fn length_factor(content_words: usize) -> f64 {
    0.7 + content_words as f64 / 3.0
}

/// The recommended count of occurrences for `density` percent over `words` words.
pub fn recommended(density: f64, words: usize, content_words: usize, round_up: bool) -> usize {
    let raw = density * words as f64 / (100.0 * length_factor(content_words));
    if raw < 2.0 {
        2
    } else if round_up {
        raw.ceil() as usize
    } else {
        raw.floor() as usize
    }
}

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let words = ctx.word_count;
    if words == 0 {
        return Finding::new(ID, Area::Seo, Severity::Problem, 0, "Le texte est vide.");
    }
    let n = kp.content.len();
    let count: usize = ctx.sentences.iter().map(|s| kp.occurrences(&s.text)).sum();
    let min = recommended(0.5, words, n, true);
    let max = recommended(3.0, words, n, false);
    let stuffed = recommended(3.5, words, n, false);
    let density = count as f64 * 100.0 / words as f64;
    let d = format!("{density:.1}").replace('.', ",");
    if count < min {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            4,
            format!("L’expression clé « {} » apparaît {count} fois (densité {d}\u{a0}%) : c’est moins que le minimum recommandé de {min} fois pour ce texte.", kp.text),
        )
    } else if count <= max {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            format!(
                "L’expression clé « {} » apparaît {count} fois (densité {d}\u{a0}%). Bien.",
                kp.text
            ),
        )
    } else {
        let score = if count <= stuffed { 2 } else { 0 };
        Finding::new(
            ID,
            Area::Seo,
            Severity::Problem,
            score,
            format!("L’expression clé « {} » apparaît {count} fois (densité {d}\u{a0}%) : c’est plus que le maximum recommandé de {max} fois. N’en abusez pas.", kp.text),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    const FILLER: &str = "La pluie tombe sur les toits de la ville endormie.";
    const HIT: &str = "Le chat noir dort près de la fenêtre ce soir.";

    /// 1000 words, `hits` of them in sentences holding « chat ».
    fn text(hits: usize) -> String {
        let mut s = String::from("# Titre\n\n");
        for i in 0..100 {
            s.push_str(if i < hits { HIT } else { FILLER });
            s.push(if i % 10 == 9 { '\n' } else { ' ' });
            if i % 10 == 9 {
                s.push('\n');
            }
        }
        s
    }

    #[test]
    fn thresholds_for_a_one_word_keyphrase() {
        // factor 1.0333: minimum ceil(4.84) = 5, maximum floor(29.03) = 29.
        assert_eq!(recommended(0.5, 1000, 1, true), 5);
        assert_eq!(recommended(3.0, 1000, 1, false), 29);
        let score = |hits| run(&text(hits), Some("chat"), assess);
        assert_eq!(score(4).severity, Severity::Problem);
        assert_eq!(score(5).severity, Severity::Good);
        assert_eq!(score(29).severity, Severity::Good);
        assert_eq!(score(30).severity, Severity::Problem);
        assert_eq!(score(30).score, 2);
        assert_eq!(score(40).score, 0);
    }

    #[test]
    fn short_texts_need_two_occurrences() {
        assert_eq!(recommended(0.5, 100, 2, true), 2);
        assert_eq!(
            run("Texte sans sujet.", Some("chat"), assess).severity,
            Severity::Problem
        );
        assert_eq!(run("", Some("chat"), assess).score, 0);
        assert_eq!(run("Texte.", None, assess).score, 0);
    }
}
