//! SEO title width: at most 600 pixels in Arial 18 px (what search results show),
//! estimated from per-character widths (`data/char_widths_arial.txt`); under 400
//! pixels the title is short.

use unicode_normalization::UnicodeNormalization;

use crate::analysis::assessments::Context;
use crate::analysis::lists::CHAR_WIDTHS;
use crate::analysis::report::{Area, Finding, Severity};

const ID: &str = "title_width";
/// Widest good title, in pixels.
pub const MAX_PX: f64 = 600.0;
/// Narrowest good title, in pixels.
pub const MIN_PX: f64 = 400.0;
const FONT_PX: f64 = 18.0;

/// The width of `title` in pixels, Arial 18 px.
pub fn width_px(title: &str) -> f64 {
    let units: u32 = title
        .chars()
        .map(|c| {
            CHAR_WIDTHS
                .get(&c)
                .or_else(|| {
                    c.to_string()
                        .nfd()
                        .next()
                        .and_then(|base| CHAR_WIDTHS.get(&base))
                })
                .copied()
                .unwrap_or(556)
        })
        .sum();
    f64::from(units) * FONT_PX / 1000.0
}

/// Runs the assessment.
pub fn assess(ctx: &Context) -> Finding {
    let Some(title) = ctx.title.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Finding::new(ID, Area::Seo, Severity::Problem, 1, "Pas de titre.");
    };
    let px = width_px(title);
    if px > MAX_PX {
        Finding::new(ID, Area::Seo, Severity::Problem, 3, format!("Le titre fait environ {px:.0} px : il sera coupé au-delà de 600 px, raccourcissez-le."))
    } else if px < MIN_PX {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Improve,
            6,
            format!("Le titre fait environ {px:.0} px : il reste de la place (jusqu’à 600 px)."),
        )
    } else {
        Finding::new(
            ID,
            Area::Seo,
            Severity::Good,
            9,
            format!("Le titre fait environ {px:.0} px. Bien."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::assessments::testing::run;

    fn title(t: &str) -> Finding {
        run(&format!("# {t}\n\nTexte."), None, assess)
    }

    #[test]
    fn widths() {
        assert!((width_px("a") - 10.008).abs() < 1e-9);
        assert_eq!(width_px("é"), width_px("e"));
        assert_eq!(width_px(""), 0.0);
    }

    #[test]
    fn boundaries() {
        // 10.008 px per « a »: 59 → 590.5 px, 60 → 600.5 px; 39 → 390.3, 40 → 400.3.
        assert_eq!(title(&"a".repeat(59)).severity, Severity::Good);
        assert_eq!(title(&"a".repeat(60)).severity, Severity::Problem);
        assert_eq!(title(&"a".repeat(39)).severity, Severity::Improve);
        assert_eq!(title(&"a".repeat(40)).severity, Severity::Good);
        assert_eq!(run("Texte.", None, assess).severity, Severity::Problem);
    }
}
