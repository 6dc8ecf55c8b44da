//! Article analysis: French text tools, Yoast-like SEO and readability assessments,
//! French typography checks and fixes, faithfulness to a source, and the report.

pub mod document;
pub mod faithfulness;
pub mod lists;
pub mod passive;
pub mod slug;
pub mod text;
pub mod transition;
pub mod typography;

pub use document::{Block, BlockKind, Document, FrontMatter};
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

    const POOL: &[&str] = &[
        "Chaque samedi, les voisins se retrouvent autour des bacs pour arroser les tomates et les courgettes.",
        "Ainsi, les enfants apprennent à reconnaître les plantes aromatiques et les insectes utiles.",
        "Des retraités partagent leurs conseils avec les familles installées récemment dans le quartier.",
        "Cependant, l’eau reste une question délicate pendant les semaines les plus chaudes de l’année.",
        "Une association locale prête des outils et organise des ateliers gratuits chaque mois.",
        "Par ailleurs, la mairie fournit du compost produit à partir des déchets verts de la commune.",
        "Les habitants notent leurs idées pour le jardin partagé dans un cahier posé près de la cabane.",
        "En effet, plusieurs commerçants offrent des graines et des plants au début du printemps.",
        "Autour des parcelles, des bancs accueillent les promeneurs qui souhaitent simplement se reposer.",
        "Enfin, une fête réunit tout le monde à la fin de l’été pour goûter les récoltes.",
    ];

    /// A publishable article of about 900 words (`paragraphs` per section).
    fn article(paragraphs: usize) -> String {
        let mut md = String::from(
            "---\ntitle: \"Jardin partagé\u{a0}: le quartier Saint-Roch cultive son avenir\"\n\
             meta_description: \"Le jardin partagé du quartier Saint-Roch réunit voisins, enfants et retraités autour des récoltes, des ateliers gratuits et d’une fête d’été.\"\n\
             slug: jardin-partage-saint-roch\nkeyphrase: jardin partagé\n---\n\
             # Jardin partagé\u{a0}: le quartier Saint-Roch cultive son avenir\n\n\
             Le jardin partagé du quartier Saint-Roch attire chaque année de nouveaux habitants. ",
        );
        md.push_str(&POOL[..4].join(" "));
        md.push_str("\n\n");
        let headings = [
            "Le jardin partagé du quartier",
            "Les récoltes de l’été",
            "Un jardin partagé ouvert à tous",
            "Les prochaines étapes",
        ];
        let mut k = 0;
        for h in headings {
            md.push_str(&format!("## {h}\n\n"));
            for _ in 0..paragraphs {
                let para: Vec<&str> = (0..5).map(|i| POOL[(k + i) % POOL.len()]).collect();
                k += 5;
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
        assert!(ids.contains(&"keyphrase_in_title") && ids.contains(&"keyphrase_density"));
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
            source: Some("Le jardin du quartier Saint-Roch ouvre samedi.".into()),
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
            let facts = faithfulness::Facts::extract(&text);
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

    #[test]
    fn a_thousand_words_take_milliseconds() {
        let md = article(4);
        let doc = Document::parse(&md).unwrap();
        assert!(text::word_count(&md) > 1000);
        let _ = analyze(&doc, &CheckOptions::default()); // lists and regexes are built once
        let start = std::time::Instant::now();
        let _ = analyze(
            &doc,
            &CheckOptions {
                source: Some(md.clone()),
                ..CheckOptions::default()
            },
        );
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        assert!(ms < 200.0, "analyze took {ms:.1} ms");
    }
}
