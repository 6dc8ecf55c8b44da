//! Bad input (issue 6): every kind of unusable or awkward article, read by
//! `Source::from_path` / `Source::from_bytes` and, for the refusals, by `plume rewrite`.
//!
//! Each refusal must name the file and say what is wrong, without a panic; each awkward but
//! valid input (UTF-16 with a byte-order mark, a page full of boilerplate, one sentence,
//! 20,000 words, literal model control tokens) must be read whole and faithfully.
//!
//! Nothing here needs a model: the CLI checks run with `--model` pointing at a file that does
//! not exist, so they also show that the input is read and refused before any model is
//! looked for. (tests/cli.rs already runs `plume rewrite` on a missing path, an empty file, a
//! whitespace-only file, a ZIP header and a Latin-1 file; the CLI cases here are the others.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use plume::source::{BlockKind, InputFormat, Source};
use plume::Error;

// ---------------------------------------------------------------------------------------------
// Helpers

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("the test file is written");
    path
}

/// Reads `path`, which must be refused without a panic, and returns the message after
/// checking that it names the file.
fn refused(path: &Path) -> String {
    let result = std::panic::catch_unwind(|| Source::from_path(path));
    let err = match result {
        Ok(Ok(src)) => panic!("{} was accepted: {:?}", path.display(), src.blocks),
        Ok(Err(err)) => err,
        Err(_) => panic!("reading {} panicked", path.display()),
    };
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "the message names {}: {message}",
        path.display()
    );
    message
}

/// `text` encoded as UTF-16 with a byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

fn block_texts(src: &Source) -> Vec<(BlockKind, &str)> {
    src.blocks
        .iter()
        .map(|b| (b.kind, b.text.as_str()))
        .collect()
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inputs")
        .join(name)
}

// ---------------------------------------------------------------------------------------------
// Empty, whitespace-only, binary

#[test]
fn empty_file_is_refused_naming_it() {
    let dir = tempdir();
    for (name, bytes) in [
        ("vide.txt", &b""[..]),
        ("vide.md", b""),
        ("vide.html", b""),
        ("bom-seul.txt", b"\xEF\xBB\xBF"),
        ("bom-seul-utf16.txt", b"\xFF\xFE"),
    ] {
        let path = write(dir.path(), name, bytes);
        let message = refused(&path);
        assert!(message.contains("is empty"), "{name}: {message}");
        assert!(message.contains("no article to read"), "{name}: {message}");
    }
}

#[test]
fn whitespace_only_file_is_refused_naming_it() {
    let dir = tempdir();
    for (name, text) in [
        ("blanc.txt", " \t\n\r\n   \n"),
        ("blanc.md", "\n\n\n"),
        ("insecables.txt", "\u{A0}\u{202F} \u{3000}\n\u{2003}"),
        ("bom-blanc.txt", "\u{FEFF}   \n"),
    ] {
        let path = write(dir.path(), name, text.as_bytes());
        let message = refused(&path);
        assert!(message.contains("blank"), "{name}: {message}");
    }
    let path = write(dir.path(), "blanc-utf16.txt", &utf16("  \r\n\t ", true));
    assert!(refused(&path).contains("blank"));
}

#[test]
fn binary_files_are_refused_naming_them() {
    let dir = tempdir();
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(noise(4096, 1));
    let mut elf =
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    elf.extend(noise(8192, 2));
    let mut gzip = b"\x1f\x8b\x08\x00".to_vec();
    gzip.extend(noise(1000, 3));
    // Control bytes but no NUL: a terminal recording, say.
    let mut controls = b"Le train ".repeat(20);
    controls.extend(b"\x1b[1m\x1b[0m\x07\x08\x1b[2J\x01\x02\x03\x04\x05\x06".repeat(2));
    for (name, bytes, offset) in [
        ("photo.png", png, Some(8)),
        ("programme.txt", elf, Some(7)),
        ("archive.html", gzip, Some(3)),
        ("capture.txt", controls, None),
    ] {
        let path = write(dir.path(), name, &bytes);
        let message = refused(&path);
        assert!(message.contains("looks binary"), "{name}: {message}");
        assert!(
            message.contains("plain text, Markdown or HTML"),
            "{name}: {message}"
        );
        if let Some(offset) = offset {
            assert!(
                message.contains(&format!("NUL byte at byte offset {offset}")),
                "{name}: {message}"
            );
        }
    }
    // Random bytes with no NUL and few control bytes are, at worst, invalid UTF-8.
    let random: Vec<u8> = noise(5000, 4).into_iter().filter(|&b| b >= 0x80).collect();
    let path = write(dir.path(), "bruit.txt", &random);
    let message = refused(&path);
    assert!(message.contains("not valid UTF-8"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Encodings

#[test]
fn invalid_utf8_is_refused_with_the_offset() {
    let dir = tempdir();
    // Latin-1 "é" (0xE9) at byte 6; Windows-1252 apostrophe (0x92) at byte 1 of its line.
    let latin1 = b"Le Caf\xE9 de la gare rouvre.\n";
    let cp1252 = "Deuxième ligne.\nL"
        .as_bytes()
        .iter()
        .copied()
        .chain(*b"\x92\xE9t\xE9 sera chaud.")
        .collect::<Vec<u8>>();
    // A two-byte character cut in half at the very end of the file.
    let cut = &"Le Café".as_bytes()[..7];
    for (name, bytes, byte, offset) in [
        ("latin1.txt", &latin1[..], 0xE9, 6),
        ("cp1252.md", &cp1252[..], 0x92, "Deuxième ligne.\nL".len()),
        ("coupe.html", cut, 0xC3, 6),
    ] {
        let path = write(dir.path(), name, bytes);
        let message = refused(&path);
        assert!(message.contains("not valid UTF-8"), "{name}: {message}");
        assert!(
            message.contains(&format!("byte 0x{byte:02X} at byte offset {offset}")),
            "{name}: {message}"
        );
        assert!(
            message.contains("convert the file to UTF-8"),
            "{name}: {message}"
        );
    }
    // With a UTF-8 byte-order mark the offset is still a file offset.
    let path = write(dir.path(), "bom.txt", b"\xEF\xBB\xBFab\xFFcd");
    assert!(refused(&path).contains("byte offset 5"));
}

const ARTICLE_TXT: &str = "La médiathèque de Castelbrune rouvre samedi\r\n\r\n\
    Fermée depuis mars 2029, la médiathèque Jeanne-Barret rouvre samedi 14 février à 10 heures, \
    a annoncé la maire, Hélène Roussel.\r\n\r\n\
    Le chantier a coûté 4,2 millions d’euros. « Nous voulions un lieu chaleureux », dit-elle 😊.\r\n";

const ARTICLE_MD: &str = "# La médiathèque de Castelbrune rouvre samedi\n\n\
    Fermée depuis mars 2029, la médiathèque rouvre samedi 14 février.\n\n\
    ## Un chantier de 4,2 millions d’euros\n\n- un espace de jeux ;\n- une salle de travail.\n";

const ARTICLE_HTML: &str = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-16\">\
    <title>Médiathèque | Le Courrier</title></head><body><article>\
    <h1>La médiathèque de Castelbrune rouvre samedi</h1>\
    <p>Fermée depuis mars 2029, elle rouvre le 14 février, dit <q>la maire</q>.</p>\
    <blockquote><p>Un lieu où l’on vient aussi pour s’asseoir au chaud.</p></blockquote>\
    </article></body></html>";

#[test]
fn utf16_with_a_byte_order_mark_reads_like_utf8() {
    let dir = tempdir();
    for (ext, text) in [
        ("txt", ARTICLE_TXT),
        ("md", ARTICLE_MD),
        ("html", ARTICLE_HTML),
    ] {
        let utf8 = Source::from_path(&write(dir.path(), &format!("a.{ext}"), text.as_bytes()))
            .unwrap_or_else(|e| panic!("{ext}: {e}"));
        assert!(utf8.blocks.len() >= 2, "{ext}: {:?}", utf8.blocks);
        for (label, big_endian) in [("le", false), ("be", true)] {
            let path = write(
                dir.path(),
                &format!("a-{label}.{ext}"),
                &utf16(text, big_endian),
            );
            let src = Source::from_path(&path).unwrap_or_else(|e| panic!("{ext} {label}: {e}"));
            assert_eq!(src.blocks, utf8.blocks, "{ext} {label}");
            assert_eq!(src.title, utf8.title, "{ext} {label}");
            assert_eq!(src.format, utf8.format, "{ext} {label}");
            assert_eq!(src.lang, utf8.lang, "{ext} {label}");
            assert!(!src.full_text().contains('\u{FEFF}'), "{ext} {label}");
            assert!(!src.full_text().contains('\r'), "{ext} {label}");
        }
    }
    // Without an extension the format is sniffed from the decoded text.
    let src = Source::from_bytes(&utf16(ARTICLE_HTML, false), Path::new("<stdin>"), None).unwrap();
    assert_eq!(src.format, InputFormat::Html);
}

#[test]
fn broken_utf16_is_refused_with_the_offset() {
    let dir = tempdir();
    let mut odd = utf16("Bonjour", false);
    odd.push(b'!');
    let path = write(dir.path(), "impair.txt", &odd);
    let message = refused(&path);
    assert!(
        message.contains("UTF-16 little-endian") && message.contains("odd"),
        "{message}"
    );
    assert!(message.contains("byte offset 16"), "{message}");

    // "ab", then a high surrogate followed by "c" instead of a low surrogate.
    let mut lone = utf16("ab", true);
    lone.extend_from_slice(&[0xD8, 0x3D, 0x00, b'c']);
    let path = write(dir.path(), "surrogate.txt", &lone);
    let message = refused(&path);
    assert!(
        message.contains("UTF-16 big-endian") && message.contains("unpaired surrogate"),
        "{message}"
    );
    assert!(message.contains("byte offset 6"), "{message}");
}

#[test]
fn utf16_without_a_byte_order_mark_is_refused_as_binary() {
    let dir = tempdir();
    for big_endian in [false, true] {
        let mut bytes = utf16(ARTICLE_TXT, big_endian);
        bytes.drain(..2);
        let path = write(dir.path(), &format!("sans-bom-{big_endian}.txt"), &bytes);
        let message = refused(&path);
        assert!(message.contains("looks binary"), "{message}");
        assert!(
            message.contains("UTF-16 text without a byte-order mark"),
            "{message}"
        );
        let offset = if big_endian { 0 } else { 1 };
        assert!(
            message.contains(&format!("byte offset {offset}")),
            "{message}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// HTML full of boilerplate

/// Every block the test page's article has, in order (the H1 is the title).
const PAGE_BLOCKS: &[(BlockKind, &str)] = &[
    (BlockKind::Paragraph, "Culture"),
    (
        BlockKind::Paragraph,
        "Fermée depuis mars 2029, la médiathèque du centre-ville rouvre ses portes samedi 14 \
         février, agrandie de 600 mètres carrés et ouverte le dimanche.",
    ),
    (
        BlockKind::Paragraph,
        "Par Claire Dumont — publié le 12 février 2031 à 7 h 45",
    ),
    (
        BlockKind::Paragraph,
        "Les Castelbrunois l’attendaient depuis près de deux ans. La médiathèque Jeanne-Barret, \
         fermée en mars 2029 pour une rénovation complète, rouvrira samedi 14 février à 10 \
         heures, a annoncé mardi la maire, Hélène Roussel.",
    ),
    (
        BlockKind::Paragraph,
        "Le chantier, d’un montant de 4,2 millions d’euros, a été financé pour moitié par la \
         commune, le reste venant de l’État et de la région. Le bâtiment gagne 600 mètres \
         carrés, soit une surface totale de 1 850 mètres carrés.",
    ),
    (BlockKind::Heading(2), "Une ouverture le dimanche"),
    (
        BlockKind::Paragraph,
        "Principale nouveauté, l’établissement ouvrira désormais le dimanche après-midi, de 14 \
         heures à 18 heures. Les horaires de semaine sont élargis jusqu’à 19 heures le \
         mercredi et le vendredi.",
    ),
    (
        BlockKind::Quote,
        "Nous voulions un lieu où l’on vient aussi pour travailler, jouer ou simplement \
         s’asseoir au chaud.",
    ),
    (
        BlockKind::Paragraph,
        "Selon la directrice, Malika Benhadj, l’équipe compte désormais quatorze agents, contre \
         onze avant la fermeture.",
    ),
    (BlockKind::Heading(2), "Un fonds enrichi"),
    (
        BlockKind::Paragraph,
        "Le fonds passe de 42 000 à 55 000 documents. La médiathèque propose aussi :",
    ),
    (
        BlockKind::ListItem,
        "un espace de jeux vidéo de 80 mètres carrés ;",
    ),
    (
        BlockKind::ListItem,
        "une salle de travail de trente places, réservable en ligne ;",
    ),
    (
        BlockKind::ListItem,
        "un atelier de réparation d’objets un samedi par mois.",
    ),
    (
        BlockKind::Paragraph,
        "L’inscription reste gratuite pour les habitants de la commune et coûtera 12 euros par \
         an aux autres.",
    ),
];

const PAGE_TITLE: &str =
    "À Castelbrune, la médiathèque Jeanne-Barret rouvre après deux ans de travaux";

/// Words and phrases of the page's boilerplate, none of which may reach the source.
const BOILERPLATE: &[&str] = &[
    // head: style, scripts, JSON-LD, meta
    "STYLEBOILER",
    "SCRIPTBOILER",
    "dataLayer",
    "JSONLD",
    "NewsArticle",
    "METADESCRIPTION",
    // noscript, skip link
    "JavaScript",
    "Aller au contenu",
    // cookie banners, in four languages, and a consent platform's
    "cookie",
    "Cookie",
    "Tout accepter",
    "sans accepter",
    "Paramétrer",
    "partners",
    "Partner",
    "socios",
    "traceurs",
    // site header, menu, search, account, breadcrumb, ads
    "Courrier du Val",
    "depuis 1921",
    "Accueil",
    "Régions",
    "Sports",
    "abonner",
    "Rechercher",
    "Mon compte",
    "Publicité",
    // in the article: share bar, figure, related link, newsletter, tags
    "Facebook",
    "Copier le lien",
    "e-mail",
    "Photo DR",
    "À lire aussi",
    "festival",
    "lettre culture",
    "inscris",
    "Mots-clés",
    "Instagram",
    // after the article: related, comments, sidebar, pop-ups, footer
    "Sur le même sujet",
    "ukulélés",
    "Rex",
    "commentaire",
    "Bernard58",
    "Il était temps",
    "parking",
    "Les plus lus",
    "pétanque",
    "Abonnez-vous",
    "favoris",
    "ICONBOILER",
    "Mentions légales",
    "droits réservés",
];

fn assert_no_boilerplate(src: &Source, what: &str) {
    let all = src.full_text();
    for word in BOILERPLATE {
        assert!(
            !all.contains(word),
            "{what}: boilerplate {word:?} reached the source:\n{all}"
        );
    }
}

#[test]
fn html_page_full_of_boilerplate_gives_only_the_article() {
    let path = data("article-with-boilerplate.html");
    let src = Source::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(src.format, InputFormat::Html);
    assert_eq!(src.title.as_deref(), Some(PAGE_TITLE));
    assert_eq!(block_texts(&src), PAGE_BLOCKS);
    assert_no_boilerplate(&src, "the page");
    assert_eq!(src.lang, plume::source::Lang::Fr);

    // The same page without its <main> and <article> landmarks: the names, roles and
    // elements of the boilerplate still take it out, and every body paragraph stays. (The
    // article's header is now a page header: only its heading is read.)
    let page = std::fs::read_to_string(&path).unwrap();
    let bare = page
        .replace("<main id=\"contenu\" class=\"site-main\">", "<div>")
        .replace("</main>", "</div>")
        .replace("<article class=\"post ", "<div class=\"post ")
        .replace(
            "</article>\n\n    <section class=\"related",
            "</div>\n\n    <section class=\"related",
        );
    assert!(!bare.contains("<main") && bare.matches("<article").count() == 5);
    let src = Source::from_bytes(bare.as_bytes(), Path::new("bare.html"), None).unwrap();
    assert_eq!(src.title.as_deref(), Some(PAGE_TITLE));
    assert_eq!(block_texts(&src), PAGE_BLOCKS[3..]);
    assert_no_boilerplate(&src, "the page without landmarks");

    // A page that is nothing but boilerplate (a consent wall saved instead of the story) is
    // refused, naming the file; its <title> is all that is left of it.
    let only = page.replace(
        &page[page.find("<main").unwrap()..page.find("</main>").unwrap() + 7],
        "",
    );
    let err = Source::from_bytes(only.as_bytes(), Path::new("menus.html"), None).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("menus.html: ") && message.contains("no body text"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// One sentence, 20,000 words

#[test]
fn one_sentence_article_is_accepted_as_one_block() {
    let dir = tempdir();
    let sentence =
        "La mairie de Castelbrune a rouvert lundi la piscine municipale, fermée depuis deux ans.";
    for (name, text) in [
        ("une.txt", format!("{sentence}\n")),
        ("une.md", format!("{sentence}\n")),
        ("une.html", format!("<p>{sentence}</p>")),
        (
            "sans-point.txt",
            "Le maire de Castelbrune a démissionné".to_string(),
        ),
    ] {
        let src = Source::from_path(&write(dir.path(), name, text.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = text
            .trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>");
        assert_eq!(src.title, None, "{name}");
        assert_eq!(
            block_texts(&src),
            [(BlockKind::Paragraph, expected)],
            "{name}"
        );
    }
}

/// A generated article of `words` words in paragraphs of 40 to 159 words, every word
/// distinct so that a lost or repeated word shows.
fn long_article(words: usize) -> Vec<String> {
    let vocabulary = [
        "le",
        "conseil",
        "municipal",
        "a",
        "voté",
        "mardi",
        "soir",
        "la",
        "rénovation",
        "du",
        "pont",
        "qui",
        "relie",
        "les",
        "deux",
        "rives",
        "de",
        "rivière",
        "depuis",
        "1902",
    ];
    let mut paragraphs = Vec::new();
    let mut n = 0;
    let mut size = 40;
    while n < words {
        let len = size.min(words - n);
        let mut sentence_len = 0;
        let text: Vec<String> = (n..n + len)
            .map(|i| {
                sentence_len += 1;
                let mut word = format!("{}{i}", vocabulary[i % vocabulary.len()]);
                if sentence_len == 18 || i + 1 == n + len {
                    word.push('.');
                    sentence_len = 0;
                }
                word
            })
            .collect();
        paragraphs.push(text.join(" "));
        n += len;
        size = 40 + (size * 7 + 13) % 120;
    }
    paragraphs
}

#[test]
fn twenty_thousand_word_article_is_read_whole() {
    const WORDS: usize = 20_000;
    let paragraphs = long_article(WORDS);
    let expected: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| p.split(' ').map(str::to_string))
        .collect();
    assert_eq!(expected.len(), WORDS);
    let inputs = [
        ("long.txt", paragraphs.join("\n\n")),
        ("long.md", paragraphs.join("\n\n")),
        (
            "long.html",
            format!(
                "<html lang=\"fr\"><body><article><p>{}</p></article></body></html>",
                paragraphs.join("</p>\n<p>")
            ),
        ),
    ];
    let dir = tempdir();
    for (name, text) in inputs {
        let path = write(dir.path(), name, text.as_bytes());
        let start = Instant::now();
        let src = Source::from_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let took = start.elapsed();
        eprintln!(
            "{name}: {} blocks, {} words, read in {took:?}",
            src.blocks.len(),
            src.word_count()
        );
        assert_eq!(src.title, None, "{name}");
        assert_eq!(src.blocks.len(), paragraphs.len(), "{name}");
        assert!(src.blocks.iter().all(|b| b.kind == BlockKind::Paragraph));
        let body = src.text();
        let got: Vec<&str> = body.split_whitespace().collect();
        assert_eq!(got, expected, "{name}: every word, once, in order");
        assert_eq!(src.word_count(), WORDS, "{name}");
    }

    // The same words as a single 20,000-word paragraph with no sentence end at all.
    let one = expected
        .iter()
        .map(|w| w.trim_end_matches('.'))
        .collect::<Vec<_>>()
        .join(" ");
    let src = Source::from_bytes(one.as_bytes(), Path::new("un-bloc.txt"), None).unwrap();
    assert_eq!(src.blocks.len(), 1);
    assert_eq!(src.word_count(), WORDS);
}

// ---------------------------------------------------------------------------------------------
// Literal control tokens

const TOKENS: [&str; 4] = ["<start_of_turn>", "<end_of_turn>", "<eos>", "<bos>"];

#[test]
fn control_tokens_in_text_and_markdown_are_kept_verbatim() {
    let line = "Le modèle s’arrête à <eos> ; il commence par <bos>, puis \
                <start_of_turn>user et <end_of_turn> encadrent un tour.";
    let dir = tempdir();
    for (name, heading) in [("jetons.txt", ""), ("jetons.md", "# ")] {
        let text = format!(
            "{heading}Des jetons de contrôle dans un article\n\n{line}\n\n<start_of_turn>model\n\n<eos>\n"
        );
        let src = Source::from_path(&write(dir.path(), name, text.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let texts: Vec<&str> = src.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [line, "<start_of_turn>model", "<eos>"],
            "{name}: {:?}",
            src.blocks
        );
        assert_eq!(
            src.title.as_deref(),
            Some("Des jetons de contrôle dans un article")
        );
        for token in TOKENS {
            assert!(src.full_text().contains(token), "{name}: {token}");
        }
    }
    // Inside Markdown code spans too.
    let src = Source::from_bytes(b"Le jeton `<eos>` termine.", Path::new("code.md"), None).unwrap();
    assert_eq!(src.paragraphs(), ["Le jeton <eos> termine."]);
}

#[test]
fn control_tokens_in_html_escaped_are_text_and_literal_are_tags() {
    // Escaped, as a page that shows them to its readers writes them: kept verbatim.
    let page = "<html><body><article><p>Le modèle s’arrête à &lt;eos&gt; ; il commence par \
                &lt;bos&gt;, puis &lt;start_of_turn&gt;user et &lt;end_of_turn&gt; encadrent \
                un tour.</p><pre>&lt;start_of_turn&gt;model\n&lt;eos&gt;</pre></article></body></html>";
    let src = Source::from_bytes(page.as_bytes(), Path::new("jetons.html"), None).unwrap();
    assert_eq!(
        src.paragraphs(),
        [
            "Le modèle s’arrête à <eos> ; il commence par <bos>, puis <start_of_turn>user et \
             <end_of_turn> encadrent un tour.",
            "<start_of_turn>model\n<eos>",
        ]
    );
    // Literal, they are tags of unknown elements, which a browser does not show: dropped,
    // and the text around and inside them kept.
    let page = "<p>Avant <eos> après, <start_of_turn>user bonjour<end_of_turn> et <bos>fin.</p>";
    let src = Source::from_bytes(page.as_bytes(), Path::new("balises.html"), None).unwrap();
    assert_eq!(src.paragraphs(), ["Avant après, user bonjour et fin."]);
}

// ---------------------------------------------------------------------------------------------
// Nothing lost (issue 19): text nested at any depth, French with a long list

/// A page whose second paragraph sits under `depth` nested `<div>`.
fn nested_page(depth: usize) -> String {
    format!(
        "<html lang=\"fr\"><body><p>Le budget de Valmorin atteint 12 millions d’euros.</p>\
         {}<p>La ville construira 4 812 logements d’ici 2030.</p>{}\
         <p>Le conseil votera le texte en mars.</p></body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

#[test]
fn html_text_nested_at_any_depth_is_read() {
    let dir = tempdir();
    // 300 levels lost the deep paragraph (its figures with it); 100,000 go past the nesting
    // the parser is given, which flattens the structure there and keeps the text, without
    // recursion that could overflow the stack.
    for depth in [300, 3_000, 100_000] {
        let path = write(
            dir.path(),
            &format!("profond-{depth}.html"),
            nested_page(depth).as_bytes(),
        );
        let started = Instant::now();
        let src = Source::from_path(&path).unwrap_or_else(|e| panic!("{depth}: {e}"));
        let took = started.elapsed();
        assert_eq!(
            src.paragraphs(),
            [
                "Le budget de Valmorin atteint 12 millions d’euros.",
                "La ville construira 4 812 logements d’ici 2030.",
                "Le conseil votera le texte en mars."
            ],
            "{depth} levels"
        );
        println!("{depth} nested <div>: read in {took:?}");
        assert!(took < Duration::from_secs(60), "{depth} levels: {took:?}");
    }
    // Only deep text: it is the article, not « no readable text ».
    let page = format!(
        "{}<p>La ville construira 4 812 logements.</p>{}",
        "<div>".repeat(300),
        "</div>".repeat(300)
    );
    let path = write(dir.path(), "seul-profond.html", page.as_bytes());
    let src = Source::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(src.paragraphs(), ["La ville construira 4 812 logements."]);
    // The CLI reads it and goes on to the model.
    let r = rewrite(&path);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(NO_MODEL), "{}", r.stderr);
    assert!(!r.stderr.contains("no readable text"), "{}", r.stderr);
}

#[test]
fn french_article_with_a_long_list_stays_french() {
    // One running sentence and 60 short items (names, figures, single words): the items say
    // nothing about the language, the sentence does.
    let sentence = "Le conseil municipal de Valmorin a publié lundi la liste des lauréats du \
                    concours, qui recevront leur prix le 12 mars.";
    let items: Vec<String> = (0..60)
        .map(|i| match i % 3 {
            0 => format!("Jeanne Morel {i}"),
            1 => format!("{} 250 euros", i + 1),
            _ => "Castelbrune".to_string(),
        })
        .collect();
    let dir = tempdir();
    let bullets: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
    let html_items: Vec<String> = items.iter().map(|i| format!("<li>{i}</li>")).collect();
    for (name, text) in [
        (
            "liste.txt",
            format!("{sentence}\n\n{}\n", bullets.join("\n")),
        ),
        (
            "liste.md",
            format!("{sentence}\n\n{}\n", bullets.join("\n")),
        ),
        (
            "liste.html",
            format!("<p>{sentence}</p><ul>{}</ul>", html_items.concat()),
        ),
    ] {
        let src = Source::from_path(&write(dir.path(), name, text.as_bytes()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(src.paragraphs().len(), 61, "{name}");
        assert_eq!(src.lang, plume::source::Lang::Fr, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Paths

#[test]
fn missing_path_is_refused_naming_it() {
    let dir = tempdir();
    let path = dir.path().join("absent").join("article.txt");
    let err = Source::from_path(&path).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("No such file"), "{message}");
}

#[test]
fn directory_is_refused_naming_it() {
    let dir = tempdir();
    let sub = dir.path().join("articles.txt");
    std::fs::create_dir(&sub).unwrap();
    for path in [dir.path(), sub.as_path()] {
        let message = refused(path);
        assert!(message.contains("is a directory"), "{message}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every prefix of every awkward input above, and random bytes, in every format.
    let mut inputs: Vec<Vec<u8>> = vec![
        utf16(ARTICLE_HTML, false),
        utf16(ARTICLE_MD, true),
        std::fs::read(data("article-with-boilerplate.html")).unwrap(),
        b"\x89PNG\r\n\x1a\n".to_vec(),
        b"\xFF\xFE\x00\x00a\x00\x00\x00".to_vec(),
        b"\x00\x00\xFE\xFFabc".to_vec(),
    ];
    for seed in 0..20 {
        inputs.push(noise(200 + seed as usize * 37, seed));
    }
    for bytes in &inputs {
        let step = (bytes.len() / 50).max(1);
        for end in (0..=bytes.len()).step_by(step) {
            for hint in [
                None,
                Some(InputFormat::Text),
                Some(InputFormat::Markdown),
                Some(InputFormat::Html),
            ] {
                let name = Path::new("fuzz.bin");
                match std::panic::catch_unwind(|| Source::from_bytes(&bytes[..end], name, hint)) {
                    Ok(Ok(src)) => assert!(!src.paragraphs().is_empty()),
                    Ok(Err(err)) => assert!(err.to_string().starts_with("fuzz.bin: "), "{err}"),
                    Err(_) => panic!("panicked on {:?}", &bytes[..end.min(64)]),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI: refusals exit 2 naming the file, before any model is looked for

const NO_MODEL: &str = "/nonexistent/plume-bad-input-model.gguf";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn rewrite(path: &Path) -> Run {
    let out = Command::cargo_bin("plume")
        .expect("the plume binary is built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .timeout(Duration::from_secs(120))
        .arg("rewrite")
        .arg(path)
        .args(["--model", NO_MODEL])
        .output()
        .expect("plume runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn cli_refuses_bad_input_naming_the_file_before_the_model() {
    let dir = tempdir();
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(noise(2048, 9));
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend(noise(2048, 10));
    let mut no_bom = utf16(ARTICLE_TXT, false);
    no_bom.drain(..2);
    let mut odd = utf16(ARTICLE_TXT, true);
    odd.push(b'x');
    let boilerplate_only = "<html><body><nav>Accueil</nav><div class=\"cookie-banner\">\
        Nous utilisons des cookies.</div><footer>© 2031</footer></body></html>";
    let cases = [
        (
            write(dir.path(), "photo.png", &png),
            "NUL byte at byte offset 8",
        ),
        (
            write(dir.path(), "programme", &elf),
            "NUL byte at byte offset 7",
        ),
        (
            write(dir.path(), "cp1252.txt", b"L\x92\xE9t\xE9 sera chaud."),
            "not valid UTF-8 (byte 0x92 at byte offset 1)",
        ),
        (
            write(dir.path(), "sans-bom.txt", &no_bom),
            "UTF-16 text without a byte-order mark",
        ),
        (write(dir.path(), "impair.txt", &odd), "odd"),
        (
            write(dir.path(), "menus.html", boilerplate_only.as_bytes()),
            "no readable text",
        ),
    ];
    for (path, why) in cases {
        let r = rewrite(&path);
        assert_eq!(r.code, Some(2), "{why}: exit 2\nstderr: {}", r.stderr);
        assert!(
            r.stderr.contains(&path.display().to_string()) && r.stderr.contains(why),
            "{why}: stderr names {} and says why:\n{}",
            path.display(),
            r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "{why}: nothing on stdout:\n{}",
            r.stdout
        );
        assert!(!r.stderr.contains("panicked"), "{why}: {}", r.stderr);
        assert!(
            !r.stderr.contains(NO_MODEL),
            "{why}: the input is refused before the model is looked for:\n{}",
            r.stderr
        );
    }
}

#[test]
fn cli_reads_utf16_and_goes_on_to_the_model() {
    // A UTF-16 file passes the reader: the error that stops the run is the missing model.
    let dir = tempdir();
    let path = write(dir.path(), "article-utf16.txt", &utf16(ARTICLE_TXT, false));
    let r = rewrite(&path);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(NO_MODEL), "{}", r.stderr);
    assert!(!r.stderr.contains("article-utf16.txt"), "{}", r.stderr);
}
