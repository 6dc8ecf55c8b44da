//! Stage 1, the source: bytes in (a `.txt`, `.md` or `.html` file, or stdin), a [`Source`]
//! out: its format, its headline, its body as blocks (headings, paragraphs, list items,
//! quotations) and its detected language.
//!
//! [`decode`] checks and decodes the bytes, [`InputFormat`] picks the format, [`plain`],
//! [`markdown`] and [`html`] reduce the document to blocks, and [`lang`] tells its language.

pub mod decode;
pub mod html;
pub mod lang;
pub mod markdown;
pub mod plain;

pub use lang::{is_french, Lang, LangGuess};

use crate::analysis::text::word_count;
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The formats plume reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputFormat {
    /// Plain text: paragraphs separated by blank lines, or one per line.
    Text,
    /// CommonMark.
    Markdown,
    /// An HTML page or fragment.
    Html,
}

impl InputFormat {
    /// The format a file name's extension announces (`txt`, `md`, `markdown`, `html`,
    /// `htm`, in any case), if any.
    pub fn from_extension(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(InputFormat::Text),
            "md" | "markdown" | "mdown" | "mkd" => Some(InputFormat::Markdown),
            "html" | "htm" | "xhtml" => Some(InputFormat::Html),
            _ => None,
        }
    }

    /// Guesses the format from the text itself: a leading doctype, `<html>` or tag means
    /// HTML, an ATX heading line (`# Title`) means Markdown, anything else is plain text.
    pub fn sniff(text: &str) -> InputFormat {
        let start = text.trim_start();
        let lower: String = start
            .chars()
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        // A leading tag of a real HTML element; `<start_of_turn>` or `<eos>` is text.
        let tag: String = start
            .strip_prefix('<')
            .unwrap_or_default()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if lower.starts_with("<!doctype")
            || lower.starts_with("<!--")
            || lower.starts_with("<?xml")
            || html::is_html_element(&tag)
        {
            return InputFormat::Html;
        }
        let markdown_heading = text.lines().any(|line| {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            (1..=6).contains(&hashes) && line[hashes..].starts_with(' ')
        });
        if markdown_heading {
            InputFormat::Markdown
        } else {
            InputFormat::Text
        }
    }
}

/// What a block of the source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading of level 1 to 6 (a subheading hint for plain text).
    Heading(u8),
    /// A paragraph of running text.
    Paragraph,
    /// One item of a list.
    ListItem,
    /// A quotation set apart from the text (blockquote, or `<q>` standing alone).
    Quote,
}

/// One block of the source: its kind and its text (whitespace collapsed, inline markup
/// removed; a line break inside a paragraph is kept as `\n`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceBlock {
    pub kind: BlockKind,
    pub text: String,
}

impl SourceBlock {
    /// A block of `kind` holding `text`.
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Self {
        SourceBlock {
            kind,
            text: text.into(),
        }
    }
}

/// A parsed input article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Where it came from (`<stdin>` for standard input).
    pub path: PathBuf,
    /// The format it was read as.
    pub format: InputFormat,
    /// The headline (first H1, HTML `<title>`, or the first line of a plain text when it
    /// looks like one). It is not repeated in `blocks`.
    pub title: Option<String>,
    /// The body, in order.
    pub blocks: Vec<SourceBlock>,
    /// The language the text is written in.
    pub lang: lang::Lang,
    /// The sha256 of the bytes read, in lower-case hex.
    pub sha256: String,
}

impl Source {
    /// Reads and parses the article at `path`; the format comes from the extension, or
    /// from the content when the extension says nothing.
    pub fn from_path(path: &Path) -> Result<Source> {
        let bytes = read_input(path)?;
        Source::from_bytes(&bytes, path, None)
    }

    /// Parses an article held in memory. `name` is the file it came from (`<stdin>` for
    /// standard input); it sets the format when it has a known extension and names the
    /// input in errors. `format_hint` overrides both the extension and sniffing.
    pub fn from_bytes(
        bytes: &[u8],
        name: &Path,
        format_hint: Option<InputFormat>,
    ) -> Result<Source> {
        let text = decode::decode_text(bytes, name)?;
        let format = format_hint
            .or_else(|| InputFormat::from_extension(name))
            .unwrap_or_else(|| InputFormat::sniff(&text));
        let (title, blocks) = match format {
            InputFormat::Text => plain::parse(&text),
            InputFormat::Markdown => markdown::parse(&text),
            InputFormat::Html => html::parse(&text),
        };
        let title = title.map(|t| clean(&t)).filter(|t| !t.is_empty());
        let blocks: Vec<SourceBlock> = blocks
            .into_iter()
            .map(|b| SourceBlock::new(b.kind, clean(&b.text)))
            .filter(|b| word_count(&b.text) > 0)
            .collect();
        if !blocks
            .iter()
            .any(|b| !matches!(b.kind, BlockKind::Heading(_)))
        {
            let reason = if blocks.is_empty() && title.is_none() {
                format!("no readable text was found in this {} file.", format.name())
            } else {
                format!(
                    "this {} file has headings but no body text to rewrite.",
                    format.name()
                )
            };
            return Err(Error::input(name, reason));
        }
        let mut source = Source {
            path: name.to_path_buf(),
            format,
            title,
            blocks,
            lang: lang::Lang::Other,
            sha256: sha256_hex(bytes),
        };
        source.lang = lang::detect(&source.full_text()).lang;
        Ok(source)
    }

    /// The text of every block that is not a heading (paragraphs, list items and
    /// quotations), in order.
    pub fn paragraphs(&self) -> Vec<&str> {
        self.blocks
            .iter()
            .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
            .map(|b| b.text.as_str())
            .collect()
    }

    /// The headings of the body with their level (the title is not among them).
    pub fn headings(&self) -> Vec<(u8, &str)> {
        self.blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::Heading(level) => Some((level, b.text.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The whole body (headings included, title excluded), blocks joined by blank lines.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.blocks.iter().map(|b| b.text.as_str()).collect();
        parts.join("\n\n")
    }

    /// Everything the source says: its title, then its body. This is what facts are taken
    /// from (a name in the headline is a name of the source).
    pub fn full_text(&self) -> String {
        match &self.title {
            Some(title) => format!("{title}\n\n{}", self.text()),
            None => self.text(),
        }
    }

    /// The number of words in [`Source::text`].
    pub fn word_count(&self) -> usize {
        self.blocks.iter().map(|b| word_count(&b.text)).sum()
    }
}

/// The bytes of the article file at `path`: refuses a folder, or a file larger than plume
/// accepts, before reading it.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::input(
            path,
            "this is a directory, not an article file.",
        ));
    }
    if meta.len() > decode::MAX_INPUT_BYTES as u64 {
        return Err(Error::input(
            path,
            format!(
                "the file is {} bytes long, more than the {} bytes plume accepts for an article.",
                meta.len(),
                decode::MAX_INPUT_BYTES
            ),
        ));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The sha256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

impl InputFormat {
    /// A lower-case name for messages: "text", "Markdown", "HTML".
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Markdown => "Markdown",
            InputFormat::Html => "HTML",
        }
    }
}

/// NFC, runs of spaces collapsed inside each line (no-break spaces are kept, they carry
/// French typography), empty lines removed, ends trimmed.
fn clean(text: &str) -> String {
    let text: String = text.nfc().collect();
    let breakable = |c: char| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}');
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split(breakable).filter(|p| !p.is_empty()).collect();
            parts.join(" ").trim().to_string()
        })
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, name: &str) -> Source {
        Source::from_bytes(text.as_bytes(), Path::new(name), None).unwrap()
    }

    #[test]
    fn format_comes_from_the_extension() {
        for (name, want) in [
            ("a.txt", InputFormat::Text),
            ("a.MD", InputFormat::Markdown),
            ("a.markdown", InputFormat::Markdown),
            ("b/a.htm", InputFormat::Html),
            ("a.HTML", InputFormat::Html),
        ] {
            assert_eq!(
                InputFormat::from_extension(Path::new(name)),
                Some(want),
                "{name}"
            );
        }
        assert_eq!(InputFormat::from_extension(Path::new("a.docx")), None);
        assert_eq!(InputFormat::from_extension(Path::new("<stdin>")), None);
        // The extension wins over the content.
        let src = parse("# Not a heading in a text file\n\nBody text here.", "a.txt");
        assert_eq!(src.format, InputFormat::Text);
    }

    #[test]
    fn format_is_sniffed_without_extension() {
        assert_eq!(
            InputFormat::sniff("  <!DOCTYPE html><p>x</p>"),
            InputFormat::Html
        );
        assert_eq!(InputFormat::sniff("<HTML><body>x"), InputFormat::Html);
        assert_eq!(
            InputFormat::sniff("<article><p>x</p></article>"),
            InputFormat::Html
        );
        assert_eq!(
            InputFormat::sniff("Intro\n\n## Section\n\nText"),
            InputFormat::Markdown
        );
        assert_eq!(
            InputFormat::sniff("#hashtag is not a heading\n\nText"),
            InputFormat::Text
        );
        assert_eq!(InputFormat::sniff("3 < 4 and so on"), InputFormat::Text);
        assert_eq!(
            InputFormat::sniff("<start_of_turn>user\nLe train repart."),
            InputFormat::Text
        );
        assert_eq!(InputFormat::sniff("<eos> fin"), InputFormat::Text);
        let src = Source::from_bytes(b"<p>Un paragraphe.</p>", Path::new("<stdin>"), None).unwrap();
        assert_eq!(src.format, InputFormat::Html);
        assert_eq!(src.path, PathBuf::from("<stdin>"));
    }

    #[test]
    fn the_hint_overrides_extension_and_content() {
        let src = Source::from_bytes(
            b"<p>kept as text</p>",
            Path::new("x.html"),
            Some(InputFormat::Text),
        )
        .unwrap();
        assert_eq!(src.format, InputFormat::Text);
        assert_eq!(src.paragraphs(), ["<p>kept as text</p>"]);
    }

    #[test]
    fn helpers_expose_the_body() {
        let src = parse(
            "# Titre\n\nPremier paragraphe du texte.\n\n## Partie\n\n- un point\n\n> Une citation.",
            "a.md",
        );
        assert_eq!(src.title.as_deref(), Some("Titre"));
        assert_eq!(src.headings(), [(2, "Partie")]);
        assert_eq!(
            src.paragraphs(),
            ["Premier paragraphe du texte.", "un point", "Une citation."]
        );
        assert_eq!(
            src.text(),
            "Premier paragraphe du texte.\n\nPartie\n\nun point\n\nUne citation."
        );
        assert_eq!(src.word_count(), 4 + 1 + 2 + 2);
    }

    #[test]
    fn detects_the_language_of_the_whole_text() {
        let src = parse(
            "Le conseil municipal a voté mardi soir la rénovation de la piscine, qui était fermée \
             depuis deux ans. Les travaux commenceront au printemps et dureront environ un an, \
             selon le maire, qui a présenté le projet devant une salle comble.",
            "a.txt",
        );
        assert_eq!(src.lang, lang::Lang::Fr);
    }

    #[test]
    fn errors_name_the_file() {
        let err = Source::from_bytes(b"   \n", Path::new("<stdin>"), None).unwrap_err();
        assert!(err.to_string().starts_with("<stdin>: "), "{err}");
        let err = Source::from_path(Path::new("/nonexistent/plume/article.txt")).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(
            err.to_string().contains("/nonexistent/plume/article.txt"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = Source::from_path(dir.path()).unwrap_err();
        assert!(err.to_string().contains("directory"), "{err}");
    }

    #[test]
    fn html_without_visible_text_is_refused() {
        let err = Source::from_bytes(
            b"<html><head><script>var a = 1;</script></head><body><nav>Menu</nav></body></html>",
            Path::new("page.html"),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("no readable text"), "{err}");
        assert!(err.to_string().contains("page.html"), "{err}");
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // Random mixes of markup, punctuation, accents and bytes, in every format.
        let pieces: [&[u8]; 16] = [
            b"<p>",
            b"</div>",
            b"# ",
            b"\n\n",
            b"- ",
            b"> ",
            b"&amp;",
            b"\xC3\xA9",
            b"\xFF",
            b"\r\n",
            b"<q>",
            b"1. ",
            b"Le train",
            b" est l\xC3\xA0.",
            b"`",
            b"<!--",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for round in 0..400 {
            let mut bytes = Vec::new();
            for _ in 0..(round % 40) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                bytes.extend_from_slice(pieces[(state >> 60) as usize]);
            }
            for hint in [
                None,
                Some(InputFormat::Text),
                Some(InputFormat::Markdown),
                Some(InputFormat::Html),
            ] {
                if let Ok(src) = Source::from_bytes(&bytes, Path::new("fuzz"), hint) {
                    assert!(!src.paragraphs().is_empty());
                    assert!(src.blocks.iter().all(|b| !b.text.trim().is_empty()));
                }
            }
        }
    }

    #[test]
    fn headings_without_body_are_refused() {
        let err = Source::from_bytes(
            b"# Only a title\n\n## And a heading\n",
            Path::new("t.md"),
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("no body text"), "{err}");
    }

    #[test]
    fn reads_files_from_disk_with_bom_and_crlf() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("article.txt");
        std::fs::write(&path, b"\xEF\xBB\xBFLigne un.\r\n\r\nLigne deux.\r\n").unwrap();
        let src = Source::from_path(&path).unwrap();
        assert_eq!(src.paragraphs(), ["Ligne un.", "Ligne deux."]);
        assert_eq!(src.path, path);
    }
}
