//! Keyphrase length: one to four content words (function words do not count).

use crate::analysis::assessments::{no_keyphrase, Context};
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "keyphrase_length";

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(kp) = &ctx.keyphrase else {
        return no_keyphrase(ID);
    };
    let n = kp.content.len();
    match n {
        1..=4 => Finding::new(ID, Area::Seo, Severity::Good, 9, format!("L’expression clé compte {n} mot(s) porteur(s) de sens. Bien.")),
        5..=8 => Finding::new(ID, Area::Seo, Severity::Improve, 6, format!("L’expression clé compte {n} mots porteurs de sens : visez 4 au plus.")),
        _ => Finding::new(ID, Area::Seo, Severity::Problem, 3, format!("L’expression clé compte {n} mots porteurs de sens : c’est beaucoup trop, visez 4 au plus.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn kp(k: &str) -> Finding {
        run("Texte.", Some(k), assess)
    }

    #[test]
    fn boundaries() {
        assert_eq!(kp("gaz").score, 9);
        assert_eq!(kp("le prix du gaz russe en europe").score, 9); // 4 content words
        assert_eq!(kp("le prix du gaz russe en europe centrale").score, 6); // 5
        assert_eq!(
            kp("prix gaz russe europe centrale hiver froid cher").score,
            6
        ); // 8
        assert_eq!(
            kp("prix gaz russe europe centrale hiver froid cher demain").score,
            3
        ); // 9
        assert_eq!(run("Texte.", None, assess).score, 0);
    }
}
