//! The demo articles in `examples/` read as intended: format, headline, subheadings,
//! language, and the French check paragraph by paragraph.

use std::path::Path;

use plume::source::{is_french, BlockKind, InputFormat, Lang, Source};

fn example(name: &str) -> Source {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("articles")
        .join(name);
    Source::from_path(&path).unwrap()
}

#[test]
fn library_opening_reads_as_english_markdown() {
    let src = example("library-opening.md");
    assert_eq!(src.format, InputFormat::Markdown);
    assert_eq!(src.lang, Lang::En);
    assert_eq!(
        src.title.as_deref(),
        Some("Millbrook Crossing opens its first public library in sixty years")
    );
    let headings: Vec<&str> = src.headings().into_iter().map(|(_, text)| text).collect();
    assert_eq!(
        headings,
        [
            "A long road to opening day",
            "What is inside",
            "Reactions from residents"
        ]
    );
    assert_eq!(
        src.blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .count(),
        4
    );
    assert_eq!(
        src.blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Quote)
            .count(),
        1
    );
    assert!(
        (400..=600).contains(&src.word_count()),
        "{}",
        src.word_count()
    );
    for paragraph in src.paragraphs() {
        assert!(!is_french(paragraph), "{paragraph}");
    }
}

#[test]
fn ligne_ferroviaire_reads_as_french_text_with_a_headline() {
    let src = example("ligne-ferroviaire.txt");
    assert_eq!(src.format, InputFormat::Text);
    assert_eq!(src.lang, Lang::Fr);
    assert_eq!(
        src.title.as_deref(),
        Some("La ligne Valmorin–Castelbrune rouvre après douze ans d'interruption")
    );
    assert_eq!(
        src.headings(),
        [
            (2, "Un chantier de 96 millions d'euros"),
            (2, "Des voyageurs enthousiastes, des questions en suspens")
        ]
    );
    assert!(
        (400..=600).contains(&src.word_count()),
        "{}",
        src.word_count()
    );
    for paragraph in src.paragraphs() {
        assert!(is_french(paragraph), "{paragraph}");
    }
}
