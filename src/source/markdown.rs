//! Markdown → blocks, with pulldown-cmark: headings, paragraphs, list items and
//! blockquotes, inline markup stripped (links keep their text, images and raw HTML are
//! dropped, code keeps its text; an indented "code block" is indented prose, a fenced one is
//! code and dropped). The one Markdown reader of plume: it reads sources ([`parse`]: a front
//! matter block is skipped, the first H1 becomes the headline) and the articles `plume
//! check` reports on ([`blocks`], with where each block is in the text).
//!
//! A "tag" whose name is not an HTML element, such as `<eos>`, `<bos>` or `<Nom>`, is
//! CommonMark raw HTML that a browser would hide, but in an article written as Markdown it
//! is the author's text: it is kept verbatim, inline or as a block of its own (the words
//! a model uses as control tokens, `<start_of_turn>` or `<end_of_turn>`, are not even tags
//! for CommonMark and stay text anyway). Real HTML (`<b>`, `<div class="ad">`, custom
//! elements with a hyphen) is still dropped.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::article::front_matter::split_front_matter;
use crate::source::html;
use crate::source::{BlockKind, SourceBlock};

/// Splits Markdown `text` into an optional headline and the body blocks. A front matter
/// block is not text (one that is never closed is).
pub fn parse(text: &str) -> (Option<String>, Vec<SourceBlock>) {
    let body = match split_front_matter(text) {
        Ok((_, start)) => &text[start..],
        Err(_) => text,
    };
    let mut blocks: Vec<SourceBlock> = blocks(body).into_iter().map(|(b, _)| b).collect();
    let title = blocks
        .iter()
        .position(|b| b.kind == BlockKind::Heading(1))
        .map(|i| blocks.remove(i).text);
    (title, blocks)
}

/// The blocks of Markdown `text` (no front matter), each with its byte range in `text`: from
/// the start of the element (a heading, a paragraph, a list item) to the end of its last text.
pub fn blocks(text: &str) -> Vec<(SourceBlock, Range<usize>)> {
    let mut state = State::default();
    for (event, range) in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        state.event(event, range);
    }
    state.flush();
    state.blocks
}

/// The containers we are inside, innermost last.
#[derive(Clone, Copy, PartialEq)]
enum Container {
    Heading(u8),
    Item,
    Quote,
}

#[derive(Default)]
struct State {
    stack: Vec<Container>,
    buffer: String,
    /// The byte range of the block being read (`None` before its first event).
    range: Option<Range<usize>>,
    /// Depth inside elements whose text is not body text (images, fenced code, HTML blocks).
    skip: usize,
    /// The raw text of the HTML block being read, and its range, if any.
    html_block: Option<(String, Range<usize>)>,
    blocks: Vec<(SourceBlock, Range<usize>)>,
}

impl State {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        let text = match event {
            Event::Start(tag) => return self.start(tag, range),
            Event::End(tag) => return self.end(tag),
            Event::Text(text) | Event::Code(text) if self.skip == 0 => text,
            Event::SoftBreak if self.skip == 0 => " ".into(),
            Event::HardBreak if self.skip == 0 => "\n".into(),
            Event::InlineHtml(html) if self.skip == 0 && is_literal_tag(&html) => html,
            Event::Html(html) => {
                if let Some((block, _)) = self.html_block.as_mut() {
                    block.push_str(&html);
                }
                return;
            }
            _ => return,
        };
        self.buffer.push_str(&text);
        self.extend(range);
    }

    /// The block being read reaches `range`.
    fn extend(&mut self, range: Range<usize>) {
        match self.range.as_mut() {
            Some(r) => r.end = r.end.max(range.end),
            None => self.range = Some(range),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush();
                self.stack.push(Container::Heading(heading_level(level)));
                self.range = Some(range);
            }
            Tag::Item => {
                self.flush();
                self.stack.push(Container::Item);
                self.range = Some(range);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.stack.push(Container::Quote);
            }
            Tag::Paragraph => {
                self.flush();
                self.range = Some(range);
            }
            Tag::List(_) | Tag::CodeBlock(CodeBlockKind::Indented) => self.flush(),
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                self.flush();
                self.skip += 1;
            }
            Tag::HtmlBlock => {
                self.skip += 1;
                self.html_block = Some((String::new(), range));
            }
            Tag::Image { .. } | Tag::MetadataBlock(_) => self.skip += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_) => {
                self.flush();
                self.stack.pop();
            }
            TagEnd::Paragraph | TagEnd::List(_) => self.flush(),
            TagEnd::CodeBlock if self.skip > 0 => self.skip -= 1,
            TagEnd::CodeBlock => {
                // An indented "code block" in an article is usually indented prose.
                let text = std::mem::take(&mut self.buffer);
                let range = self.range.clone();
                for part in text.split("\n\n") {
                    self.buffer = part.replace('\n', " ");
                    self.range = range.clone();
                    self.flush();
                }
            }
            TagEnd::HtmlBlock => {
                self.skip = self.skip.saturating_sub(1);
                // A block that opens with a literal tag (`<eos>` alone on its line) is text.
                let Some((block, range)) = self.html_block.take() else {
                    return;
                };
                let first = block.trim_start().split('>').next().unwrap_or_default();
                if self.skip == 0 && is_literal_tag(&format!("{first}>")) {
                    self.flush();
                    self.buffer = block.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.range = Some(range);
                    self.flush();
                }
            }
            TagEnd::Image | TagEnd::MetadataBlock(_) => self.skip = self.skip.saturating_sub(1),
            _ => {}
        }
    }

    /// Emits the buffered text as a block of the kind its innermost container says.
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.buffer);
        let range = self.range.take();
        let text = text.trim();
        let Some(range) = range.filter(|_| !text.is_empty()) else {
            return;
        };
        let kind = match self.stack.last() {
            Some(Container::Heading(level)) => BlockKind::Heading(*level),
            Some(Container::Item) => BlockKind::ListItem,
            Some(Container::Quote) => BlockKind::Quote,
            None => BlockKind::Paragraph,
        };
        self.blocks.push((SourceBlock::new(kind, text), range));
    }
}

/// Whether `html` is one bare tag (`<eos>`, `</eos>`, `<eos/>`) of an element HTML does not
/// know, which a Markdown author means as text.
fn is_literal_tag(html: &str) -> bool {
    let inner = html
        .trim()
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'));
    let Some(inner) = inner else {
        return false;
    };
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    let mut chars = inner.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !html::is_html_element(inner)
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[SourceBlock]) -> Vec<(BlockKind, &str)> {
        blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
    }

    #[test]
    fn reads_headings_paragraphs_lists_and_quotes() {
        let (title, blocks) = parse(
            "---\ntitle: \"ignored\"\n---\n\n# The *new* library\n\nIntro with a [link](http://x.test) \
             and `code`.\nSecond line.\n\n## Plans\n\n- first **point**\n- second point\n  - nested one\n\n\
             > A quoted sentence\n> on two lines.\n\n### Details\n\nLast ![a photo](p.jpg) words.  \nAfter break.\n",
        );
        assert_eq!(title.as_deref(), Some("The new library"));
        assert_eq!(
            texts(&blocks),
            [
                (
                    BlockKind::Paragraph,
                    "Intro with a link and code. Second line."
                ),
                (BlockKind::Heading(2), "Plans"),
                (BlockKind::ListItem, "first point"),
                (BlockKind::ListItem, "second point"),
                (BlockKind::ListItem, "nested one"),
                (BlockKind::Quote, "A quoted sentence on two lines."),
                (BlockKind::Heading(3), "Details"),
                (BlockKind::Paragraph, "Last  words.\nAfter break."),
            ]
        );
    }

    #[test]
    fn setext_headings_and_loose_lists_work() {
        let (title, blocks) =
            parse("Headline here\n=============\n\nSub\n---\n\n1. one\n\n2. two\n");
        assert_eq!(title.as_deref(), Some("Headline here"));
        assert_eq!(
            texts(&blocks),
            [
                (BlockKind::Heading(2), "Sub"),
                (BlockKind::ListItem, "one"),
                (BlockKind::ListItem, "two")
            ]
        );
    }

    #[test]
    fn raw_html_is_dropped_and_only_the_first_h1_is_the_title() {
        let (title, blocks) = parse("<div class=\"ad\">Buy now</div>\n\n# One\n\nText.\n\n# Two\n");
        assert_eq!(title.as_deref(), Some("One"));
        assert_eq!(
            texts(&blocks),
            [
                (BlockKind::Paragraph, "Text."),
                (BlockKind::Heading(1), "Two")
            ]
        );
    }

    #[test]
    fn unknown_tags_are_the_authors_text() {
        let (_, blocks) = parse(
            "Le modèle écrit <eos> puis <bos>, et `<pad>` ; \
             <start_of_turn>user et <end_of_turn> restent.\n\n\
             <eos>\nsuite du bloc\n\n\
             Du <b>gras</b>, <span class=\"x\">un span</span> et <my-widget>.\n\n\
             <div class=\"ad\">Buy now</div>\n",
        );
        assert_eq!(
            texts(&blocks),
            [
                (
                    BlockKind::Paragraph,
                    "Le modèle écrit <eos> puis <bos>, et <pad> ; \
                     <start_of_turn>user et <end_of_turn> restent."
                ),
                (BlockKind::Paragraph, "<eos> suite du bloc"),
                (BlockKind::Paragraph, "Du gras, un span et ."),
            ]
        );
        assert!(is_literal_tag("</EOS>") && is_literal_tag("<eos/>"));
        assert!(!is_literal_tag("<b>") && !is_literal_tag("<a href=\"x\">"));
    }

    #[test]
    fn indented_prose_is_kept() {
        let (_, blocks) = parse("    An indented paragraph\n    on two lines.\n");
        assert_eq!(
            texts(&blocks),
            [(BlockKind::Paragraph, "An indented paragraph on two lines.")]
        );
    }

    #[test]
    fn fenced_code_is_dropped_and_blocks_know_their_place() {
        let text = "# Titre\n\nUn paragraphe.\n\n```\nlet x = 1;\n```\n\n- un point\n";
        let found = blocks(text);
        let spans: Vec<(BlockKind, &str)> = found
            .iter()
            .map(|(b, range)| (b.kind, text[range.clone()].trim_end()))
            .collect();
        assert_eq!(
            spans,
            [
                (BlockKind::Heading(1), "# Titre"),
                (BlockKind::Paragraph, "Un paragraphe."),
                (BlockKind::ListItem, "- un point"),
            ]
        );
    }
}
