//! Section length: the text under each subheading (and before the first one) should
//! stay within 300 words; 301 to 350 is to improve, beyond 350 a problem.

use crate::analysis::assessments::Context;
use crate::analysis::report::{Area, Finding, Severity};
use crate::analysis::text::word_count;

const ID: &str = "section_length";

/// One section: its heading (`None` before the first subheading), its words, and its
/// span from the heading to its last block.
pub type Section = (Option<String>, usize, Option<(usize, usize)>);

/// The sections of the article.
pub fn sections(ctx: &Context) -> Vec<Section> {
    let mut out: Vec<Section> = vec![(None, 0, None)];
    for block in &ctx.doc.blocks {
        match block.heading_level() {
            Some(1) => {}
            Some(_) => out.push((Some(block.text.clone()), 0, Some(block.span))),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1 += word_count(&block.text);
                    last.2 = Some((last.2.map_or(block.span.0, |s| s.0), block.span.1));
                }
            }
        }
    }
    out.retain(|s| s.0.is_some() || s.1 > 0);
    out
}

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let secs = sections(ctx);
    let Some(worst) = secs.iter().max_by_key(|s| s.1) else {
        return Finding::new(ID, Area::Readability, Severity::Good, 9, "Aucun texte.");
    };
    let too_long = secs.iter().filter(|s| s.1 > 300).count();
    let name = worst
        .0
        .as_deref()
        .map_or("avant le premier intertitre".to_string(), |h| {
            format!("sous « {h} »")
        });
    if worst.1 > 350 {
        Finding::new(ID, Area::Readability, Severity::Problem, 3, format!("{too_long} section(s) dépassent 300 mots ; la plus longue ({name}) en compte {} : ajoutez des intertitres.", worst.1))
            .with_span(worst.2)
    } else if worst.1 > 300 {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Improve,
            6,
            format!(
                "{too_long} section(s) dépassent 300 mots ; la plus longue ({name}) en compte {}.",
                worst.1
            ),
        )
        .with_span(worst.2)
    } else {
        Finding::new(
            ID,
            Area::Readability,
            Severity::Good,
            9,
            "Aucune section ne dépasse 300 mots. Bien.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::{paragraph, run};

    fn section(words: usize) -> Finding {
        // Split in paragraphs of at most 150 words; headings do not count.
        let mut md = String::from("# Titre\n\nIntro courte.\n\n## Section\n\n");
        let mut left = words;
        while left > 0 {
            let k = left.min(100);
            md.push_str(&paragraph(k));
            md.push_str("\n\n");
            left -= k;
        }
        md.push_str("## Autre\n\nFin.\n");
        run(&md, None, assess)
    }

    #[test]
    fn boundaries() {
        assert_eq!(section(300).severity, Severity::Good);
        assert_eq!(section(301).severity, Severity::Improve);
        assert_eq!(section(350).severity, Severity::Improve);
        assert_eq!(section(351).severity, Severity::Problem);
        assert!(section(351).message.contains("« Section »"));
    }

    #[test]
    fn text_before_the_first_subheading_counts() {
        let md = format!(
            "# T\n\n{}\n\n{}\n\n{}\n\n## S\n\nFin.",
            paragraph(120),
            paragraph(120),
            paragraph(120)
        );
        assert_eq!(run(&md, None, assess).severity, Severity::Problem);
        assert_eq!(run("", None, assess).severity, Severity::Good);
    }
}
