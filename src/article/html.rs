//! HTML → blocks: the visible text of the page with its headings, paragraphs, list
//! items and quotations. Scripts, styles, navigation, forms, footers, hidden elements
//! and embedded media are dropped; a page `<header>` only gives up its headings. The
//! largest `<article>` (else `<main>`, else `<body>`) is read; the first H1 is the
//! headline, else the `<title>` without its site-name suffix.

use html5ever::tendril::TendrilSink;
use html5ever::{parse_document, ParseOpts};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use crate::article::source::{BlockKind, SourceBlock};

/// Elements whose content is never body text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "footer", "svg", "math", "iframe", "object",
    "embed", "canvas", "video", "audio", "form", "button", "select", "textarea", "input", "aside",
    "figure", "img", "head", "dialog", "menu",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "body",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "caption",
    "address",
    "hr",
    "details",
    "summary",
    "center",
];

/// Elements nested deeper than this are ignored, so that a pathological page cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 256;

/// Splits an HTML document into an optional headline and the body blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<SourceBlock>) {
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(text);
    let document = dom.document;
    let french = find_first(&document, "html", 0)
        .and_then(|html| attr(&html, "lang"))
        .is_some_and(|lang| lang.to_ascii_lowercase().starts_with("fr"));
    let root = content_root(&document);
    let mut walker = Walker::new(french);
    walker.walk(&root);
    walker.flush();
    let mut blocks = walker.blocks;
    let title = match blocks.iter().position(|b| b.kind == BlockKind::Heading(1)) {
        Some(i) => Some(blocks.remove(i).text),
        None => first_h1_text(&document, french).or_else(|| {
            find_first(&document, "title", 0).map(|t| strip_site_name(&text_of(&t, 0)))
        }),
    };
    (title, blocks)
}

/// The largest `<article>`, else the first `<main>`, else `<body>`, else the document.
fn content_root(document: &Handle) -> Handle {
    let mut articles = Vec::new();
    find_all(document, "article", &mut articles, 0);
    if let Some(best) = articles.into_iter().max_by_key(|a| visible_len(a, 0)) {
        return best;
    }
    find_first(document, "main", 0)
        .or_else(|| find_first(document, "body", 0))
        .unwrap_or_else(|| document.clone())
}

/// The text of the first visible H1 anywhere in the page.
fn first_h1_text(document: &Handle, french: bool) -> Option<String> {
    let mut h1s = Vec::new();
    find_all(document, "h1", &mut h1s, 0);
    h1s.iter().find_map(|h1| {
        let mut walker = Walker::new(french);
        walker.walk(h1);
        walker.flush();
        walker.blocks.into_iter().next().map(|b| b.text)
    })
}

/// "Headline | Site" → "Headline", when the suffix is short and the headline is not.
fn strip_site_name(title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    for sep in [" | ", " – ", " — ", " - ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 4 {
                return head.trim().to_string();
            }
        }
    }
    title
}

fn name(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == key)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// Whether the element is hidden or is boilerplate by its ARIA role.
fn is_hidden(node: &Handle) -> bool {
    let style = attr(node, "style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace(' ', "");
    attr(node, "hidden").is_some()
        || attr(node, "aria-hidden").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || style.contains("display:none")
        || style.contains("visibility:hidden")
        || attr(node, "role").is_some_and(|r| {
            matches!(
                r.to_ascii_lowercase().as_str(),
                "navigation" | "contentinfo" | "complementary"
            )
        })
}

fn is_skipped(node: &Handle) -> bool {
    name(node).is_some_and(|n| SKIPPED.contains(&n)) || (name(node).is_some() && is_hidden(node))
}

fn find_first(node: &Handle, tag: &str, depth: usize) -> Option<Handle> {
    if name(node) == Some(tag) {
        return Some(node.clone());
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    node.children
        .borrow()
        .iter()
        .find_map(|child| find_first(child, tag, depth + 1))
}

/// Every `tag` element outside skipped subtrees (the head is searched for nothing).
fn find_all(node: &Handle, tag: &str, out: &mut Vec<Handle>, depth: usize) {
    if depth >= MAX_DEPTH || is_skipped(node) {
        return;
    }
    if name(node) == Some(tag) {
        out.push(node.clone());
    }
    for child in node.children.borrow().iter() {
        find_all(child, tag, out, depth + 1);
    }
}

/// All the text under `node`, skipped elements included (used for `<title>`).
fn text_of(node: &Handle, depth: usize) -> String {
    let mut out = String::new();
    if depth >= MAX_DEPTH {
        return out;
    }
    if let NodeData::Text { contents } = &node.data {
        out.push_str(&contents.borrow());
    }
    for child in node.children.borrow().iter() {
        out.push_str(&text_of(child, depth + 1));
    }
    out
}

/// How many characters of visible text `node` holds.
fn visible_len(node: &Handle, depth: usize) -> usize {
    if depth >= MAX_DEPTH || is_skipped(node) {
        return 0;
    }
    let own = match &node.data {
        NodeData::Text { contents } => contents.borrow().trim().chars().count(),
        _ => 0,
    };
    own + node
        .children
        .borrow()
        .iter()
        .map(|c| visible_len(c, depth + 1))
        .sum::<usize>()
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Heading(u8),
    Item,
    Quote,
}

/// Walks the tree, buffering inline text and emitting a block at each block boundary.
struct Walker {
    stack: Vec<Container>,
    buffer: String,
    blocks: Vec<SourceBlock>,
    in_pre: usize,
    in_header: usize,
    depth: usize,
    quotes: (&'static str, &'static str),
}

impl Walker {
    fn new(french: bool) -> Self {
        let quotes = if french {
            ("« ", " »")
        } else {
            ("“", "”")
        };
        Walker {
            stack: Vec::new(),
            buffer: String::new(),
            blocks: Vec::new(),
            in_pre: 0,
            in_header: 0,
            depth: 0,
            quotes,
        }
    }

    fn walk(&mut self, node: &Handle) {
        match &node.data {
            NodeData::Document => self.walk_children(node),
            NodeData::Text { contents } => self.text(&contents.borrow()),
            NodeData::Element { .. } => self.element(node),
            _ => {}
        }
    }

    fn walk_children(&mut self, node: &Handle) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        for child in node.children.borrow().iter() {
            self.walk(child);
        }
        self.depth -= 1;
    }

    fn element(&mut self, node: &Handle) {
        if is_skipped(node) {
            return;
        }
        let tag = name(node).unwrap_or_default();
        match tag {
            "br" => self.buffer.push('\n'),
            "q" => {
                self.buffer.push_str(self.quotes.0);
                self.walk_children(node);
                self.buffer.push_str(self.quotes.1);
            }
            _ if BLOCKS.contains(&tag) => {
                self.flush();
                let container = match tag {
                    "li" | "dd" | "dt" => Some(Container::Item),
                    "blockquote" => Some(Container::Quote),
                    _ => heading_level(tag).map(Container::Heading),
                };
                container.into_iter().for_each(|c| self.stack.push(c));
                let pre = usize::from(tag == "pre");
                let header = usize::from(tag == "header");
                self.in_pre += pre;
                self.in_header += header;
                self.walk_children(node);
                self.flush();
                self.in_pre -= pre;
                self.in_header -= header;
                if container.is_some() {
                    self.stack.pop();
                }
            }
            _ => self.walk_children(node),
        }
    }

    fn in_heading(&self) -> bool {
        self.stack
            .iter()
            .any(|c| matches!(c, Container::Heading(_)))
    }

    fn text(&mut self, text: &str) {
        if self.in_header > 0 && !self.in_heading() {
            return;
        }
        if self.in_pre > 0 {
            self.buffer.push_str(text);
            return;
        }
        // HTML collapses runs of ASCII whitespace; a no-break space is kept.
        let mut last_space = self.buffer.ends_with([' ', '\n']) || self.buffer.is_empty();
        for c in text.chars() {
            if c.is_ascii_whitespace() {
                if !last_space {
                    self.buffer.push(' ');
                }
                last_space = true;
            } else {
                self.buffer.push(c);
                last_space = false;
            }
        }
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.buffer);
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let kind = match self.stack.last() {
            Some(Container::Heading(level)) => BlockKind::Heading(*level),
            Some(Container::Item) => BlockKind::ListItem,
            Some(Container::Quote) => BlockKind::Quote,
            None => BlockKind::Paragraph,
        };
        self.blocks.push(SourceBlock::new(kind, text));
    }
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[SourceBlock]) -> Vec<(BlockKind, &str)> {
        blocks.iter().map(|b| (b.kind, b.text.as_str())).collect()
    }

    #[test]
    fn keeps_visible_text_and_drops_boilerplate() {
        let page = r#"<!DOCTYPE html><html lang="en"><head><title>Ignored | Site</title>
            <style>p { color: red }</style><script>document.write("<p>evil</p>")</script></head>
            <body><header><a href="/">Site logo</a><h1>New library opens</h1></header>
            <nav><ul><li>Home</li><li>News</li></ul></nav>
            <p>Tom &amp; Jerry said &lt;hello&gt; &eacute;t&eacute; &#8364;5 &nbsp;here.</p>
            <noscript>Enable JS</noscript><template><p>tpl</p></template>
            <div>Loose   text
              in a div</div>
            <svg><text>chart label</text></svg><iframe src="x"></iframe>
            <p hidden>secret</p><p style="display: none">also secret</p>
            <footer>© 2031 Site</footer></body></html>"#;
        let (title, blocks) = parse(page);
        assert_eq!(title.as_deref(), Some("New library opens"));
        assert_eq!(
            texts(&blocks),
            [
                (
                    BlockKind::Paragraph,
                    "Tom & Jerry said <hello> été €5 \u{a0}here."
                ),
                (BlockKind::Paragraph, "Loose text in a div"),
            ]
        );
    }

    #[test]
    fn prefers_the_article_element() {
        let page = "<body><div>Sidebar teaser</div><main><article><h1>Main story</h1>\
            <p>Body of the story, long enough to win.</p></article>\
            <article><p>Short</p></article></main></body>";
        let (title, blocks) = parse(page);
        assert_eq!(title.as_deref(), Some("Main story"));
        assert_eq!(
            texts(&blocks),
            [(
                BlockKind::Paragraph,
                "Body of the story, long enough to win."
            )]
        );
        let page = "<body><p>Outside</p><main><p>Inside main</p></main></body>";
        assert_eq!(
            texts(&parse(page).1),
            [(BlockKind::Paragraph, "Inside main")]
        );
    }

    #[test]
    fn nested_lists_quotes_and_line_breaks() {
        let page = "<article><h2>Plans</h2><ul><li>First <b>bold</b> item<ul><li>Nested A</li>\
            <li>Nested B</li></ul></li><li>Last item</li></ul>\
            <blockquote><p>We are proud.</p><p>Very proud.</p></blockquote>\
            <p>Line one<br>Line two</p><h3>Next</h3><p>She said <q>yes</q>.</p></article>";
        let (title, blocks) = parse(page);
        assert_eq!(title, None);
        assert_eq!(
            texts(&blocks),
            [
                (BlockKind::Heading(2), "Plans"),
                (BlockKind::ListItem, "First bold item"),
                (BlockKind::ListItem, "Nested A"),
                (BlockKind::ListItem, "Nested B"),
                (BlockKind::ListItem, "Last item"),
                (BlockKind::Quote, "We are proud."),
                (BlockKind::Quote, "Very proud."),
                (BlockKind::Paragraph, "Line one\nLine two"),
                (BlockKind::Heading(3), "Next"),
                (BlockKind::Paragraph, "She said “yes”."),
            ]
        );
    }

    #[test]
    fn title_element_is_the_headline_without_h1() {
        let page = "<html lang=\"fr\"><head><title>La ligne de Valmorin rouvre enfin | Le Courrier</title></head>\
                    <body><p>Il a dit <q>oui</q>.</p></body></html>";
        let (title, blocks) = parse(page);
        assert_eq!(title.as_deref(), Some("La ligne de Valmorin rouvre enfin"));
        assert_eq!(
            texts(&blocks),
            [(BlockKind::Paragraph, "Il a dit « oui ».")]
        );
        // A short title keeps its dash.
        assert_eq!(strip_site_name("Paris - Lyon"), "Paris - Lyon");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 3_000;
        let page = format!(
            "{}<p>deep</p>{}<p>shallow</p>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let (_, blocks) = parse(&page);
        assert_eq!(texts(&blocks), [(BlockKind::Paragraph, "shallow")]);
    }

    #[test]
    fn fragments_and_broken_markup_do_not_panic() {
        let (_, blocks) = parse("<p>Unclosed <b>bold <p>next");
        assert_eq!(
            texts(&blocks),
            [
                (BlockKind::Paragraph, "Unclosed bold"),
                (BlockKind::Paragraph, "next")
            ]
        );
        let (title, blocks) = parse("<<<>>></div></p>&bogus;");
        assert_eq!(title, None);
        assert!(blocks.iter().all(|b| !b.text.contains("div")));
    }
}
