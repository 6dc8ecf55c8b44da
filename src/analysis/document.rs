//! The document model: a Markdown article with an optional front-matter block,
//! parsed into headings, paragraphs, list items and quotes with their plain text and
//! their span, in characters, in the original file.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::analysis::text::CharIndex;
use crate::error::{Error, Result};

/// The front-matter keys plume reads; the others are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrontMatter {
    /// `title`: the SEO title.
    pub title: Option<String>,
    /// `meta_description`.
    pub meta_description: Option<String>,
    /// `slug`.
    pub slug: Option<String>,
    /// `keyphrase`: the focus keyphrase.
    pub keyphrase: Option<String>,
    /// `lang`.
    pub lang: Option<String>,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading of level 1 to 6.
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// One item of a list.
    ListItem,
    /// A paragraph inside a block quote.
    Quote,
}

/// One block of text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its plain text, inline Markdown removed.
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
    pub fn parse(markdown: &str) -> Result<Document> {
        if markdown.contains('\0') {
            return Err(Error::Invalid(
                "the article contains NUL bytes: it is not text".into(),
            ));
        }
        let (front, body_start) = split_front_matter(markdown)?;
        let front_chars = markdown[..body_start].chars().count();
        let body = &markdown[body_start..];
        let blocks = parse_blocks(body, front_chars);
        Ok(Document {
            front,
            blocks,
            raw: markdown.to_string(),
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

/// Splits the front matter from the body: the parsed keys and the body's byte offset.
fn split_front_matter(text: &str) -> Result<(FrontMatter, usize)> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let rest = &text[bom..];
    let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_end].trim_end() != "---" {
        return Ok((FrontMatter::default(), 0));
    }
    let mut front = FrontMatter::default();
    let mut pos = bom + first_end;
    loop {
        if pos >= text.len() {
            return Err(Error::Invalid(
                "the front matter opened by `---` on the first line is never closed".into(),
            ));
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        pos = end;
        if line == "---" || line == "..." {
            return Ok((front, pos));
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.starts_with([' ', '\t', '#']) {
            continue;
        }
        let value = unquote(value.trim());
        let slot = match key.trim() {
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
}

/// Removes the quotes around a front-matter value (`"…"` with `\"` escapes, or `'…'`).
fn unquote(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        let inner = &value[1..value.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if value.len() >= 2 && value.starts_with('\'') && value.ends_with('\'') {
        value[1..value.len() - 1].replace("''", "'")
    } else {
        value.to_string()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Item,
    Quote,
}

struct Open {
    kind: BlockKind,
    text: String,
    start: usize,
    end: usize,
}

fn parse_blocks(body: &str, offset_chars: usize) -> Vec<Block> {
    let index = CharIndex::new(body);
    let mut blocks = Vec::new();
    let mut containers: Vec<Container> = Vec::new();
    let mut current: Option<Open> = None;
    let mut skip_depth = 0usize;

    let flush = |current: &mut Option<Open>, blocks: &mut Vec<Block>| {
        if let Some(open) = current.take() {
            let text = open.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                blocks.push(Block {
                    kind: open.kind,
                    text,
                    span: (
                        offset_chars + index.char_at(open.start),
                        offset_chars + index.char_at(open.end),
                    ),
                });
            }
        }
    };

    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => skip_depth += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => {
                skip_depth = skip_depth.saturating_sub(1)
            }
            _ if skip_depth > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut current, &mut blocks);
                current = Some(Open {
                    kind: BlockKind::Heading(level as u8),
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                });
            }
            Event::Start(Tag::Paragraph) => match containers.last() {
                Some(Container::Item) if current.is_some() => {
                    if let Some(open) = current.as_mut() {
                        open.text.push(' ');
                    }
                }
                Some(c) => {
                    flush(&mut current, &mut blocks);
                    let kind = if *c == Container::Item {
                        BlockKind::ListItem
                    } else {
                        BlockKind::Quote
                    };
                    current = Some(Open {
                        kind,
                        text: String::new(),
                        start: range.start,
                        end: range.end,
                    });
                }
                None => {
                    flush(&mut current, &mut blocks);
                    current = Some(Open {
                        kind: BlockKind::Paragraph,
                        text: String::new(),
                        start: range.start,
                        end: range.end,
                    });
                }
            },
            Event::Start(Tag::Item) => {
                flush(&mut current, &mut blocks);
                containers.push(Container::Item);
                current = Some(Open {
                    kind: BlockKind::ListItem,
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                });
            }
            Event::Start(Tag::BlockQuote(_)) => {
                flush(&mut current, &mut blocks);
                containers.push(Container::Quote);
            }
            Event::Start(Tag::List(_)) => flush(&mut current, &mut blocks),
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                flush(&mut current, &mut blocks);
                containers.pop();
            }
            Event::End(TagEnd::Heading(_)) => flush(&mut current, &mut blocks),
            Event::End(TagEnd::Paragraph) if containers.last() != Some(&Container::Item) => {
                flush(&mut current, &mut blocks);
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(open) = current.as_mut() {
                    open.text.push_str(&t);
                    open.end = open.end.max(range.end);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(open) = current.as_mut() {
                    open.text.push(' ');
                }
            }
            _ => {}
        }
        if let Some(open) = current.as_mut() {
            if matches!(
                open.kind,
                BlockKind::Heading(_) | BlockKind::Paragraph | BlockKind::Quote
            ) {
                open.end = open.end.max(range.end);
            }
        }
    }
    flush(&mut current, &mut blocks);
    blocks
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
