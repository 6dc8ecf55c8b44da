//! The document `plume check` reports on: a Markdown article with an optional front-matter
//! block, read by plume's one Markdown reader ([`crate::source::markdown::blocks`]) into
//! headings, paragraphs, list items and quotes with their plain text and their span, in
//! characters, in the original file.

use std::path::Path;

use serde::Serialize;

use crate::analysis::text::CharIndex;
use crate::article::front_matter::{split_front_matter, NeverClosed};
use crate::error::{Error, Result};
use crate::source::BlockKind;

/// The front-matter keys plume reads; the others are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrontMatter {
    /// `title`: the SEO title.
    pub title: Option<String>,
    /// `meta_description` (or `description`).
    pub meta_description: Option<String>,
    /// `slug`.
    pub slug: Option<String>,
    /// `keyphrase`: the focus keyphrase.
    pub keyphrase: Option<String>,
    /// `lang`.
    pub lang: Option<String>,
}

impl FrontMatter {
    /// The keys plume reads among `pairs` (an empty value is no value).
    fn from_pairs(pairs: Vec<(String, String)>) -> FrontMatter {
        let mut front = FrontMatter::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "title" => &mut front.title,
                "meta_description" | "description" => &mut front.meta_description,
                "slug" => &mut front.slug,
                "keyphrase" => &mut front.keyphrase,
                "lang" => &mut front.lang,
                _ => continue,
            };
            if !value.is_empty() {
                *slot = Some(value);
            }
        }
        front
    }
}

/// One block of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its plain text, inline Markdown removed, white space collapsed.
    pub text: String,
    /// Its span in characters in the original file (start inclusive, end exclusive).
    pub span: (usize, usize),
}

impl Block {
    /// The heading level, if the block is a heading.
    pub fn heading_level(&self) -> Option<u8> {
        match self.kind {
            BlockKind::Heading(level) => Some(level),
            _ => None,
        }
    }
}

/// Why a text is not a document plume can check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The text holds NUL bytes.
    #[error("the article contains NUL bytes: it is not text")]
    NulBytes,
    /// The front matter is opened and never closed.
    #[error("{0}")]
    FrontMatter(#[from] NeverClosed),
}

/// A parsed article.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The front matter (all `None` when there is none).
    pub front: FrontMatter,
    /// The blocks, in order.
    pub blocks: Vec<Block>,
    /// The original file, for typography checks and fixes.
    #[serde(skip)]
    pub raw: String,
}

impl Document {
    /// Parses `markdown` (with an optional `---` front-matter block).
    pub fn parse(markdown: &str) -> std::result::Result<Document, DocumentError> {
        if markdown.contains('\0') {
            return Err(DocumentError::NulBytes);
        }
        let (pairs, body_start) = split_front_matter(markdown)?;
        let front_chars = markdown[..body_start].chars().count();
        let body = &markdown[body_start..];
        let index = CharIndex::new(body);
        let blocks = crate::source::markdown::blocks(body)
            .into_iter()
            .map(|(block, range)| Block {
                kind: block.kind,
                text: block.text.split_whitespace().collect::<Vec<_>>().join(" "),
                span: (
                    front_chars + index.char_at(range.start),
                    front_chars + index.char_at(range.end),
                ),
            })
            .collect();
        Ok(Document {
            front: FrontMatter::from_pairs(pairs),
            blocks,
            raw: markdown.to_string(),
        })
    }

    /// Reads and parses the article at `path` (UTF-8 Markdown); errors name the file.
    pub fn read(path: &Path) -> Result<Document> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::input(
                path,
                format!(
                    "not valid UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Document::parse(&text).map_err(|e| Error::Document {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    /// The title: the front matter's, else the first H1's text.
    pub fn title(&self) -> Option<String> {
        self.front.title.clone().or_else(|| {
            self.blocks
                .iter()
                .find(|b| b.kind == BlockKind::Heading(1))
                .map(|b| b.text.clone())
        })
    }

    /// The blocks that are not headings.
    pub fn body_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.heading_level().is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "---\ntitle: \"Le « grand » titre\"\nslug: le-grand-titre\nauthor: X\nkeyphrase: grand titre\n---\n# Un été **chaud**\n\nPremier paragraphe avec un [lien](https://exemple.fr) et du `code`.\n\n## Section\n\n- premier point\n- second *point*\n\n> Une citation.\n";

    #[test]
    fn parses_front_matter_and_blocks() {
        let doc = Document::parse(ARTICLE).unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("Le « grand » titre"));
        assert_eq!(doc.front.slug.as_deref(), Some("le-grand-titre"));
        assert_eq!(doc.front.keyphrase.as_deref(), Some("grand titre"));
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Heading(1),
                BlockKind::Paragraph,
                BlockKind::Heading(2),
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::Quote
            ]
        );
        assert_eq!(doc.blocks[0].text, "Un été chaud");
        assert_eq!(
            doc.blocks[1].text,
            "Premier paragraphe avec un lien et du code."
        );
        assert_eq!(doc.blocks[4].text, "second point");
    }

    #[test]
    fn spans_are_in_characters() {
        let doc = Document::parse(ARTICLE).unwrap();
        let chars: Vec<char> = ARTICLE.chars().collect();
        let (s, e) = doc.blocks[0].span;
        let heading: String = chars[s..e].iter().collect();
        assert_eq!(heading.trim_end(), "# Un été **chaud**");
        let (s, e) = doc.blocks[1].span;
        let para: String = chars[s..e].iter().collect();
        assert!(para.starts_with("Premier") && para.trim_end().ends_with("code`."));
    }

    #[test]
    fn title_falls_back_to_h1() {
        let doc = Document::parse("# Titre\n\nTexte.").unwrap();
        assert_eq!(doc.title().as_deref(), Some("Titre"));
        assert_eq!(doc.front, FrontMatter::default());
    }

    #[test]
    fn odd_inputs() {
        assert!(Document::parse("").unwrap().blocks.is_empty());
        assert!(Document::parse("---\ntitle: x\n").is_err());
        assert!(Document::parse("a\0b").is_err());
        let doc = Document::parse("Привет 😀\n\n```\ncode\n```\n").unwrap();
        assert_eq!(doc.blocks.len(), 1);
        let doc = Document::parse("---\ntitle: 'l''été'\n---\n").unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("l'été"));
    }
}
