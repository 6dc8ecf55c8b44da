//! Findings and the report: every finding is one serialisable value; the report adds
//! Yoast-like overall scores, the faithfulness verdict and the readiness verdict.

use serde::Serialize;

use crate::facts::FaithReport;

/// Which family an assessment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Search-engine optimisation.
    Seo,
    /// Readability.
    Readability,
    /// French typography.
    Typography,
    /// Spelling, whole sentences, repetition, what headings claim.
    Language,
    /// Faithfulness to the source.
    Faithfulness,
}

impl Area {
    /// The area's name in French.
    pub fn label(self) -> &'static str {
        match self {
            Area::Seo => "SEO",
            Area::Readability => "Lisibilité",
            Area::Typography => "Typographie",
            Area::Language => "Langue",
            Area::Faithfulness => "Fidélité à la source",
        }
    }
}

/// How serious a finding is; sorts worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Must be fixed before publication.
    Problem,
    /// Could be better.
    Improve,
    /// Fine.
    Good,
}

impl Severity {
    /// The severity's name in French.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Problem => "problème",
            Severity::Improve => "à améliorer",
            Severity::Good => "bon",
        }
    }
}

/// One result of one assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The assessment's id, e.g. `keyphrase_in_title`.
    pub id: &'static str,
    /// Its area.
    pub area: Area,
    /// Its severity.
    pub severity: Severity,
    /// A Yoast-like score from 0 (worst) to 9 (best).
    pub score: u8,
    /// An explanation for the editor, in French.
    pub message: String,
    /// Where, in characters of the file (start inclusive, end exclusive).
    pub span: Option<(usize, usize)>,
    /// A suggested replacement for the span, or a suggested value.
    pub fix: Option<String>,
}

impl Finding {
    /// A finding without span or fix.
    pub fn new(
        id: &'static str,
        area: Area,
        severity: Severity,
        score: u8,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            id,
            area,
            severity,
            score,
            message: message.into(),
            span: None,
            fix: None,
        }
    }

    /// The same finding with a span.
    pub fn with_span(mut self, span: Option<(usize, usize)>) -> Self {
        self.span = span;
        self
    }

    /// The same finding with a suggested fix.
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The faithfulness verdict: the check's details and whether they pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaithVerdict {
    /// No unknown name, unknown number or broken quotation.
    pub faithful: bool,
    /// The details.
    #[serde(flatten)]
    pub details: FaithReport,
}

/// The whole report on one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Every finding, in assessment order.
    pub findings: Vec<Finding>,
    /// SEO score 0..100: the sum of the SEO scores over their maximum (9 each).
    pub seo_score: u8,
    /// Readability score 0..100 from Yoast-like penalty points (90, 60 or 30).
    pub readability_score: u8,
    /// `bon`, `correct` or `à améliorer`.
    pub readability_label: String,
    /// Flesch reading ease for French (Kandel & Moles), informative only.
    pub flesch_reading_ease: f64,
    /// The faithfulness verdict, when a source was given.
    pub faithfulness: Option<FaithVerdict>,
    /// Words in the article's content (headings included, H1 title excluded).
    pub word_count: usize,
    /// No finding of severity `problem`.
    pub ready: bool,
}

/// Exit status when the article is ready.
pub const EXIT_READY: i32 = 0;
/// Exit status when problems were found.
pub const EXIT_PROBLEMS: i32 = 1;
/// Exit status when the check could not run (for the CLI's errors).
pub const EXIT_ERROR: i32 = 2;

impl Report {
    /// Builds the report from the findings.
    pub fn new(
        findings: Vec<Finding>,
        flesch: f64,
        faithfulness: Option<FaithVerdict>,
        word_count: usize,
    ) -> Report {
        let seo: Vec<&Finding> = findings.iter().filter(|f| f.area == Area::Seo).collect();
        let seo_score = if seo.is_empty() {
            0
        } else {
            let sum: usize = seo.iter().map(|f| usize::from(f.score.min(9))).sum();
            (sum * 100 / (seo.len() * 9)) as u8
        };
        let penalty: u32 = findings
            .iter()
            .filter(|f| f.area == Area::Readability && f.id != "flesch_reading_ease")
            .map(|f| match f.severity {
                Severity::Problem => 3,
                Severity::Improve => 2,
                Severity::Good => 0,
            })
            .sum();
        let (readability_score, label) = match penalty {
            p if p > 6 => (30, "à améliorer"),
            p if p > 4 => (60, "correct"),
            _ => (90, "bon"),
        };
        let ready = findings.iter().all(|f| f.severity != Severity::Problem)
            && faithfulness.as_ref().is_none_or(|v| v.faithful);
        Report {
            findings,
            seo_score,
            readability_score,
            readability_label: label.to_string(),
            flesch_reading_ease: (flesch * 10.0).round() / 10.0,
            faithfulness,
            word_count,
            ready,
        }
    }

    /// The faithfulness verdict in French, for a summary: « fidèle à la source », « à vérifier
    /// (…) » with what is not in the source, or « non vérifiée » without a source.
    pub fn faithfulness_label(&self) -> String {
        match &self.faithfulness {
            Some(f) if f.faithful => "fidèle à la source".to_string(),
            Some(f) => format!(
                "à vérifier ({} nom(s), {} nombre(s), {} citation(s) hors source)",
                f.details.unknown_names.len(),
                f.details.unknown_numbers.len(),
                f.details.broken_quotes.len()
            ),
            None => "non vérifiée".into(),
        }
    }

    /// 0 when ready, 1 when problems were found (2, errors, is the CLI's).
    pub fn exit_code(&self) -> i32 {
        if self.ready {
            EXIT_READY
        } else {
            EXIT_PROBLEMS
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}
