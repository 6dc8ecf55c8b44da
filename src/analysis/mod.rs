//! The report (`plume check`, and the rewrite's own last stage): a Markdown article in (a
//! [`Document`]), a [`Report`] out: Yoast-like SEO and readability assessments, French
//! typography checks and fixes, French spelling and whole sentences, and faithfulness to a
//! source (through [`crate::facts`]). Also the French text tools the other stages share
//! (sentences, words, syllables, spelling, agreement, fragments).

pub mod agreement;
pub mod conjugation;
pub mod content;
pub mod document;

pub mod fragments;
pub mod lists;
pub mod passive;
pub mod quality;
pub mod slug;
pub mod spelling;
pub mod text;
pub mod transition;
pub mod typography;

pub use document::{Block, Document, DocumentError, FrontMatter};
pub mod assessments;
pub mod render;
pub mod report;

pub use assessments::{CheckOptions, Context};
pub use render::render_text;
pub use report::{Area, FaithVerdict, Finding, Report, Severity};

/// Analyses `doc`: every assessment, the overall scores and the verdicts. The keyphrase
/// comes from `opts`, else from the front matter; without one, the keyphrase
/// assessments report a problem.
pub fn analyze(doc: &Document, opts: &CheckOptions) -> Report {
    let ctx = Context::new(doc, opts);
    let findings = assessments::run_all(&ctx);
    let flesch = assessments::flesch_reading_ease::score(&ctx);
    let faithfulness = ctx.faith.clone().map(|details| FaithVerdict {
        faithful: details.is_faithful(),
        details,
    });
    Report::new(findings, flesch, faithfulness, ctx.word_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `k`-th sentence of a garden story: every sentence says something of its own (no
    /// two share more than two of their five parts), one in three opens with a transition.
    // Long only for its word tables.
    fn sentence(k: usize) -> String {
        const SUBJECTS: [&str; 8] = [
            "les voisins",
            "les enfants",
            "des retraités",
            "une association",
            "la mairie",
            "plusieurs commerçants",
            "les jardiniers",
            "des bénévoles",
        ];
        const VERBS: [&str; 7] = [
            "arrosent",
            "plantent",
            "récoltent",
            "partagent",
            "cultivent",
            "observent",
            "ramassent",
        ];
        const OBJECTS: [&str; 9] = [
            "les tomates",
            "les courgettes",
            "les salades",
            "les fraises",
            "les haricots",
            "les radis",
            "les poireaux",
            "les carottes",
            "les herbes aromatiques",
        ];
        const PLACES: [&str; 10] = [
            "près de la cabane",
            "au fond du jardin partagé",
            "le long du mur",
            "devant l’école",
            "sous les arbres",
            "à côté du bassin",
            "derrière la serre",
            "au bord du chemin",
            "sur la butte",
            "dans le jardin partagé",
        ];
        const TIMES: [&str; 11] = [
            "chaque samedi matin",
            "au début du printemps",
            "pendant les vacances scolaires",
            "à la fin de l’été",
            "avant la fête du quartier",
            "tous les mercredis après-midi",
            "quand il fait beau",
            "en fin de journée",
            "dès le lever du soleil",
            "après l’école",
            "le dimanche en famille",
        ];
        const TRANSITIONS: [&str; 5] = [
            "Ainsi, ",
            "Par ailleurs, ",
            "En effet, ",
            "Cependant, ",
            "Enfin, ",
        ];
        let mut subject = SUBJECTS[k % 8].to_string();
        let opening = if k.is_multiple_of(3) {
            TRANSITIONS[(k / 3) % 5]
        } else {
            ""
        };
        if opening.is_empty() {
            let mut cs = subject.chars();
            subject = cs
                .next()
                .map(|c| c.to_uppercase().chain(cs).collect())
                .unwrap_or_default();
        }
        format!(
            "{opening}{subject} {} {} {} {}.",
            VERBS[k % 7],
            OBJECTS[k % 9],
            PLACES[k % 10],
            TIMES[k % 11]
        )
    }

    /// A publishable article of about 900 words (`paragraphs` per section).
    fn article(paragraphs: usize) -> String {
        let mut md = String::from(
            "---\ntitle: \"Jardin partagé\u{a0}: le quartier Saint-Roch cultive son avenir\"\n\
             meta_description: \"Le jardin partagé du quartier Saint-Roch réunit voisins, enfants et retraités autour des récoltes, des ateliers gratuits et d’une fête d’été.\"\n\
             slug: jardin-partage-saint-roch\nkeyphrase: jardin partagé\n---\n\
             # Jardin partagé\u{a0}: le quartier Saint-Roch cultive son avenir\n\n\
             Le jardin partagé du quartier Saint-Roch attire chaque année de nouveaux habitants. ",
        );
        md.push_str(&(0..3).map(sentence).collect::<Vec<_>>().join(" "));
        md.push_str("\n\n");
        let headings = [
            "Le jardin partagé du quartier",
            "Les récoltes de l’été",
            "Un jardin partagé ouvert à tous",
            "Les prochaines étapes",
        ];
        let mut k = 3;
        for h in headings {
            md.push_str(&format!("## {h}\n\n"));
            for _ in 0..paragraphs {
                let para: Vec<String> = (k..k + 6).map(sentence).collect();
                k += 6;
                md.push_str(&para.join(" "));
                md.push_str("\n\n");
            }
        }
        md
    }

    #[test]
    fn a_good_article_is_ready() {
        let doc = Document::parse(&article(3)).unwrap();
        let report = analyze(&doc, &CheckOptions::default());
        let problems: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Good)
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(report.ready);
        assert_eq!(report.exit_code(), 0);
        assert_eq!(report.seo_score, 100);
        assert_eq!(report.readability_score, 90);
        assert!(report.word_count >= 700);
    }

    #[test]
    fn problems_make_it_not_ready() {
        let short = article(1);
        let doc = Document::parse(&short).unwrap();
        let report = analyze(&doc, &CheckOptions::default());
        assert!(!report.ready);
        assert_eq!(report.exit_code(), 1);
        assert!(report
            .findings
            .iter()
            .any(|f| f.id == "text_length" && f.severity == Severity::Problem));
        let opts = CheckOptions {
            min_words: 300,
            ..CheckOptions::default()
        };
        assert!(analyze(&doc, &opts).ready);
    }

    #[test]
    fn keyphrase_from_options_overrides_front_matter() {
        let doc = Document::parse("# Titre\n\nUn texte.").unwrap();
        let report = analyze(&doc, &CheckOptions::default());
        let ids: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.score == 0 && f.area == Area::Seo)
            .map(|f| f.id)
            .collect();
        // One finding says there is no keyphrase, not one per keyphrase assessment.
        assert_eq!(ids, vec!["keyphrase"]);
        let opts = CheckOptions {
            keyphrase: Some("titre".into()),
            ..CheckOptions::default()
        };
        let report = analyze(&doc, &opts);
        let title = report
            .findings
            .iter()
            .find(|f| f.id == "keyphrase_in_title")
            .unwrap();
        assert_eq!(title.score, 9);
    }

    #[test]
    fn faithfulness_joins_the_report() {
        let doc = Document::parse(&article(3)).unwrap();
        let opts = CheckOptions {
            source: Some("Le jardin du quartier Saint-Roch ouvre samedi et dimanche.".into()),
            ..CheckOptions::default()
        };
        let report = analyze(&doc, &opts);
        let verdict = report.faithfulness.as_ref().unwrap();
        assert!(verdict.faithful, "{verdict:?}");
        let doc = Document::parse(
            "# Titre\n\nDonald Trump visite le jardin Saint-Roch avec 300 personnes.",
        )
        .unwrap();
        let report = analyze(&doc, &opts);
        let verdict = report.faithfulness.as_ref().unwrap();
        assert_eq!(verdict.details.unknown_names, vec!["Donald Trump"]);
        assert_eq!(verdict.details.unknown_numbers, vec!["300"]);
        assert!(!report.ready);
    }

    #[test]
    fn json_field_names_are_stable() {
        let doc = Document::parse(&article(1)).unwrap();
        let opts = CheckOptions {
            source: Some("Saint-Roch.".into()),
            ..CheckOptions::default()
        };
        let json: serde_json::Value =
            serde_json::from_str(&analyze(&doc, &opts).to_json()).unwrap();
        for key in [
            "findings",
            "seo_score",
            "readability_score",
            "readability_label",
            "flesch_reading_ease",
            "faithfulness",
            "word_count",
            "ready",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let f = &json["findings"][0];
        for key in ["id", "area", "severity", "score", "message", "span", "fix"] {
            assert!(f.get(key).is_some(), "{key}");
        }
        assert_eq!(f["area"], "seo");
        for key in [
            "faithful",
            "unknown_names",
            "unknown_numbers",
            "broken_quotes",
            "unverifiable_quotes",
            "kept_entities",
            "missing_entities",
        ] {
            assert!(json["faithfulness"].get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "",
            "\n",
            "😀",
            "Привет мир. Как дела?",
            "# \n\n##\n\n- \n\n> ",
            "---\n---\n",
            "\u{202f}\u{a0}",
            "'\"«»:;!?",
        ] {
            let doc = Document::parse(text).unwrap();
            let report = analyze(
                &doc,
                &CheckOptions {
                    source: Some(text.into()),
                    ..CheckOptions::default()
                },
            );
            let _ = render_text(&report, true);
            let _ = report.to_json();
        }
    }

    #[test]
    fn random_inputs_do_not_panic_and_fixes_are_idempotent() {
        const PIECES: &[&str] = &[
            "a",
            "É",
            " ",
            "\u{a0}",
            "\u{202f}",
            "\n",
            "\n\n",
            "\r\n",
            "'",
            "’",
            "\"",
            "«",
            "»",
            "“",
            "”",
            ":",
            ";",
            "!",
            "?",
            ".",
            "…",
            "-",
            "#",
            "## ",
            "- ",
            "> ",
            "*",
            "`",
            "```",
            "[",
            "](",
            ")",
            "http://x.fr/a?b",
            "10:30",
            "1 000",
            "3,5",
            "M.",
            "l'",
            "Lavrov",
            "NBC",
            "😀",
            "👩‍👩‍👧",
            "é\u{301}",
            "Привет",
            "مرحبا",
            "---\n",
            "<b>",
            "&amp;",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let _ = (
                text::word_count(&text),
                text::sentences(&text),
                text::syllables(&text),
            );
            let (once, _) = typography::fix_typography(&text);
            let (twice, again) = typography::fix_typography(&once);
            assert_eq!(once, twice, "not idempotent on {text:?}: {again:?}");
            let facts = crate::facts::Facts::extract(&text);
            let _ = facts.check(&once);
            if let Ok(doc) = Document::parse(&text) {
                let _ = analyze(
                    &doc,
                    &CheckOptions {
                        source: Some(text.clone()),
                        ..CheckOptions::default()
                    },
                );
            }
        }
    }

    /// (Its speed is measured in `benches/analysis.rs`, not asserted here.)
    #[test]
    fn a_thousand_word_article_checked_against_itself_is_faithful() {
        let md = article(4);
        let doc = Document::parse(&md).unwrap();
        assert!(text::word_count(&md) > 1000);
        let report = analyze(
            &doc,
            &CheckOptions {
                source: Some(md.clone()),
                ..CheckOptions::default()
            },
        );
        assert!(report.faithfulness.as_ref().is_some_and(|f| f.faithful));
        let words = report
            .findings
            .iter()
            .find(|f| f.id == "faithful_words")
            .unwrap();
        assert_eq!(words.severity, Severity::Good, "{}", words.message);
    }
}
