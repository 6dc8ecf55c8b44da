//! The report for people: grouped by area, worst first, optionally coloured with ANSI
//! escapes.

use std::fmt::Write;

use crate::analysis::report::{Area, Report, Severity};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Problem => "\x1b[31m",
        Severity::Improve => "\x1b[33m",
        Severity::Good => "\x1b[32m",
    }
}

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("{code}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// The report as text; `color` adds ANSI colours.
pub fn render_text(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let verdict = if report.ready {
        paint("PRÊT À PUBLIER", colour(Severity::Good), color)
    } else {
        paint("PAS PRÊT", colour(Severity::Problem), color)
    };
    let _ = writeln!(
        out,
        "{verdict} — {} mots — SEO {}/100 — lisibilité {}/100 ({}) — Flesch {:.1}",
        report.word_count,
        report.seo_score,
        report.readability_score,
        report.readability_label,
        report.flesch_reading_ease
    );
    for area in [
        Area::Seo,
        Area::Readability,
        Area::Typography,
        Area::Language,
        Area::Faithfulness,
    ] {
        let mut findings: Vec<_> = report.findings.iter().filter(|f| f.area == area).collect();
        if findings.is_empty() {
            continue;
        }
        findings.sort_by_key(|f| (f.severity, f.score));
        let _ = writeln!(out, "\n{}", paint(area.label(), BOLD, color));
        for f in findings {
            let tag = paint(
                &format!("[{}]", f.severity.label()),
                colour(f.severity),
                color,
            );
            let _ = write!(out, "  {tag} {}", f.message);
            if let Some((s, e)) = f.span {
                let _ = write!(out, " (car. {s}–{e})");
            }
            if let Some(fix) = &f.fix {
                let _ = write!(out, " → {fix}");
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::report::Finding;

    #[test]
    fn groups_and_sorts() {
        let findings = vec![
            Finding::new("a", Area::Seo, Severity::Good, 9, "bien"),
            Finding::new("b", Area::Seo, Severity::Problem, 3, "mal").with_span(Some((1, 4))),
            Finding::new("c", Area::Readability, Severity::Improve, 6, "moyen"),
        ];
        let report = Report::new(findings, 55.0, None, 10);
        let text = render_text(&report, false);
        assert!(text.starts_with("PAS PRÊT"));
        assert!(text.find("mal").unwrap() < text.find("bien").unwrap());
        assert!(text.contains("(car. 1–4)"));
        assert!(!text.contains('\x1b'));
        assert!(render_text(&report, true).contains("\x1b[31m"));
        assert_eq!(report.exit_code(), 1);
        assert_eq!(report.seo_score, 66);
    }
}
