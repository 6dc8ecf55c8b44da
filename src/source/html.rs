//! HTML → blocks: the visible text of the page with its headings, paragraphs, list
//! items and quotations.
//!
//! Boilerplate is dropped: scripts (JSON-LD included), styles, navigation, forms, footers,
//! asides, dialogs, embedded media, hidden elements (`hidden`, `aria-hidden="true"`,
//! `display: none`), the ARIA landmarks that are not the content (`navigation`, `banner`,
//! `contentinfo`, `complementary`, `search`, `dialog`), and elements whose `id`, `class` or
//! `aria-label` names a cookie or consent banner, a newsletter box, share or social buttons,
//! related articles, comments, breadcrumbs, menus, sidebars or pop-ups. `<html>`, `<body>`,
//! `<article>` and `<main>` are never dropped by their names (a WordPress `<body>` has the
//! class `comments-open`). A site `<header>` (one outside any `<article>`, `<main>` or
//! `<section>`) only gives up its headings; an article's own header (headline, standfirst,
//! byline) is read. An element that holds the page's `<h1>` is never dropped by its name.
//!
//! The largest `<article>` (inside `<main>` when there is one) is read when it holds at least
//! a third of the page's text, else `<main>` (or `role="main"`), else `<body>`. The first H1
//! is the headline, else the `<title>` without its site-name suffix.
//!
//! Text that looks like a model's control token: an escaped `&lt;eos&gt;` is text and is
//! kept as `<eos>`. A literal `<eos>` (or `<start_of_turn>`, `<bos>`…) in an HTML file is a
//! tag by the HTML rules, an unknown element that a browser does not display, so it is not
//! part of the page's visible text and is dropped like any tag; the text around and inside
//! it is kept. (A page that shows such a token to its readers escapes it.)

use html5ever::tendril::TendrilSink;
use html5ever::{parse_document, ParseOpts};
use markup5ever_rcdom::{Handle, NodeData, RcDom};

use crate::source::{BlockKind, SourceBlock};

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

/// Words that mark an element as boilerplate when they start a word of its `id`, `class` or
/// `aria-label` (`cookie-banner`, `CookieConsent`, `newsletterBox`, "Consentement").
const BOILERPLATE_PREFIXES: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "rgpd",
    "banner",
    "newsletter",
    "sharing",
    "related",
    "breadcrumb",
    "sidebar",
    "popup",
    // A consent management platform's container (`qc-cmp2-container`).
    "cmp",
];

/// Words that mark an element as boilerplate when they are a whole word of its `id`,
/// `class` or `aria-label` (or that word with an `s`): a prefix would also catch
/// "shareholders", "commentary", "protection sociale" or "jardin partagé".
const BOILERPLATE_WORDS: &[&str] = &[
    "share",
    "partage",
    "partager",
    "social",
    "comment",
    "commentaire",
    "menu",
    "modal",
    "subscribe",
    "advert",
    "sponsor",
    "skip",
];

/// ARIA roles of elements that are never the article's text.
const BOILERPLATE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
];

/// Elements the names rule never drops: they hold the whole page or the story.
const NEVER_BY_NAME: &[&str] = &["html", "body", "article", "main"];

/// The most elements left open that [`limit_nesting`] lets through to the parser.
const MAX_OPEN_TAGS: usize = 512;

/// `text` without the tags of elements nested deeper than [`MAX_OPEN_TAGS`], as counted by a
/// quick linear scan of the tags: their text stays in the page, in the innermost element
/// left, so the structure is flattened there (a block's start or end becomes a line break)
/// and no text is lost. html5ever walks its stack of open elements for most tags, so its
/// time grows with depth × tags: 100,000 nested `<div>` (500 KB) took 77 s, 16 MB would take
/// hours. Browsers cap the depth too (Blink at 512); real pages stay far below it. (The
/// walks over the tree use explicit stacks, so the depth that is left costs no stack.)
// One linear scan with its small state machine (tags, comments, raw text): kept whole.
fn limit_nesting(text: &str) -> std::borrow::Cow<'_, str> {
    const UNCOUNTED: &[&str] = &[
        // Void elements, and elements whose end tag may be left out (closed by a sibling).
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image", "p", "li",
        "dt", "dd", "option", "optgroup", "rt", "rp", "rb", "rtc", "tr", "td", "th", "thead",
        "tbody", "tfoot", "colgroup", "caption", "html", "head", "body",
    ];
    const RAW_TEXT: &[&str] = &[
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
    ];
    let find = |from: usize, needle: &[u8]| {
        text.as_bytes()
            .get(from..)?
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|p| p + from)
    };
    let bytes = text.as_bytes();
    let (mut open, mut foreign, mut i, mut copied) = (0usize, 0usize, 0usize, 0usize);
    let mut out: Option<String> = None;
    while let Some(lt) = bytes[i..].iter().position(|&b| b == b'<').map(|p| p + i) {
        if bytes[lt + 1..].starts_with(b"!--") {
            i = find(lt + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let close = bytes.get(lt + 1) == Some(&b'/');
        let start = lt + 1 + usize::from(close);
        // The tag ends at the next `>`, unless another `<` comes first (then it is text):
        // each byte is looked at once.
        let Some(end) = bytes[start..].iter().position(|&b| b == b'>' || b == b'<') else {
            break;
        };
        let gt = start + end;
        let len = bytes[start..gt]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if bytes[gt] == b'<' || len == 0 || !bytes[start].is_ascii_alphabetic() {
            i = gt;
            continue;
        }
        i = gt + 1;
        let name = text[start..start + len].to_ascii_lowercase();
        if !close && name == "plaintext" {
            break;
        }
        if !close && RAW_TEXT.contains(&name.as_str()) {
            i = find(i, format!("</{name}").as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        // `/>` closes an element only in SVG and MathML (`<svg/>` included).
        let foreign_tag = name == "svg" || name == "math";
        let self_closing = !close && bytes[gt - 1] == b'/' && (foreign > 0 || foreign_tag);
        if self_closing || UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        if foreign_tag {
            foreign = if close {
                foreign.saturating_sub(1)
            } else {
                foreign + 1
            };
        }
        let too_deep = if close {
            open = open.saturating_sub(1);
            open >= MAX_OPEN_TAGS
        } else {
            open += 1;
            open > MAX_OPEN_TAGS
        };
        if too_deep {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..lt]);
            // A block's edge stays a break between its text and the next (« Le bilan » and
            // « Nous sommes fiers » must not run together), as a `<br>`, which opens nothing.
            // Not in SVG or MathML, which a `<br>` would end.
            if foreign == 0 && BLOCKS.contains(&name.as_str()) {
                out.push_str("<br>");
            }
            copied = gt + 1;
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Splits an HTML document into an optional headline and the body blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<SourceBlock>) {
    let text = limit_nesting(text);
    let dom = parse_document(RcDom::default(), ParseOpts::default()).one(&*text);
    let document = dom.document;
    let french = find_first(&document, "html")
        .and_then(|html| attr(&html, "lang"))
        .is_some_and(|lang| lang.to_ascii_lowercase().starts_with("fr"));
    // The `<title>` is in the head, which is boilerplate: read it before the pruning.
    let page_title = find_first(&document, "title").map(|t| strip_site_name(&text_of(&t)));
    prune(&document);
    read_page(&document, french, page_title)
}

/// Removes the boilerplate subtrees (see [`is_skipped`]) from the tree, once, so that every
/// later walk reads only what is left. Each element is judged on its whole subtree, before its
/// children are pruned.
fn prune(root: &Handle) {
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        node.children
            .borrow_mut()
            .retain(|child| !is_skipped(child));
        stack.extend(node.children.borrow().iter().cloned());
    }
}

/// The nodes of a tree in document order, `root` first, without recursion (an explicit
/// stack), so that a tree of any depth is walked whole. The children of a node for which
/// `enter` says no are not visited.
struct Preorder<F> {
    stack: Vec<Handle>,
    enter: F,
}

impl<F: Fn(&Handle) -> bool> Iterator for Preorder<F> {
    type Item = Handle;

    fn next(&mut self) -> Option<Handle> {
        let node = self.stack.pop()?;
        if (self.enter)(&node) {
            self.stack
                .extend(node.children.borrow().iter().rev().cloned());
        }
        Some(node)
    }
}

/// Every node under `root` (and `root`), in document order.
fn descendants(root: &Handle) -> Preorder<fn(&Handle) -> bool> {
    Preorder {
        stack: vec![root.clone()],
        enter: |_| true,
    }
}

/// The headline and blocks of the page's content root (in a pruned tree); `page_title` is the
/// fallback headline.
fn read_page(
    document: &Handle,
    french: bool,
    page_title: Option<String>,
) -> (Option<String>, Vec<SourceBlock>) {
    let root = content_root(document);
    let mut walker = Walker::new(french);
    walker.walk(&root);
    walker.flush();
    let mut blocks = walker.blocks;
    let title = match blocks.iter().position(|b| b.kind == BlockKind::Heading(1)) {
        Some(i) => Some(blocks.remove(i).text),
        None => first_h1_text(document, french).or(page_title),
    };
    (title, blocks)
}

/// The largest `<article>` of `<main>` (or of the page when it has no `<main>`) if it holds
/// at least a third of that scope's text, else `<main>` or `role="main"`, else `<body>`,
/// else the document. The third keeps a page whose story sits in plain `<div>`s from being
/// reduced to a teaser of another article.
fn content_root(document: &Handle) -> Handle {
    let main = descendants(document).find(|node| {
        name(node) == Some("main")
            || attr(node, "role").is_some_and(|r| r.trim().eq_ignore_ascii_case("main"))
    });
    let scope = main
        .clone()
        .or_else(|| find_first(document, "body"))
        .unwrap_or_else(|| document.clone());
    let best = descendants(&scope)
        .filter(|node| name(node) == Some("article"))
        .map(|a| (visible_len(&a), a))
        .max_by_key(|(len, _)| *len);
    if let Some((len, article)) = best {
        if main.is_none() || len * 3 >= visible_len(&scope) {
            return article;
        }
    }
    scope
}

/// The text of the first visible H1 anywhere in the page.
fn first_h1_text(document: &Handle, french: bool) -> Option<String> {
    descendants(document)
        .filter(|node| name(node) == Some("h1"))
        .find_map(|h1| {
            let mut walker = Walker::new(french);
            walker.walk(&h1);
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

/// Whether the element is hidden, or boilerplate by its ARIA role.
fn is_hidden(node: &Handle) -> bool {
    let style = attr(node, "style")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .replace(' ', "");
    attr(node, "hidden").is_some()
        || attr(node, "aria-hidden").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || style.contains("display:none")
        || style.contains("visibility:hidden")
        || attr(node, "role").is_some_and(|roles| {
            roles
                .split_ascii_whitespace()
                .any(|r| BOILERPLATE_ROLES.contains(&r.to_ascii_lowercase().as_str()))
        })
}

/// Whether the element's `id`, `class` or `aria-label` names boilerplate. Each value is cut
/// into words at every non-alphanumeric character and every lower-to-upper case change
/// (`CybotCookiebotDialog` → cybot, cookiebot, dialog). An element that holds a visible
/// `<h1>` is the story's wrapper whatever its name (`<div class="site has-sidebar">`).
fn is_named_boilerplate(node: &Handle) -> bool {
    if name(node).is_some_and(|n| NEVER_BY_NAME.contains(&n)) {
        return false;
    }
    let named = ["id", "class", "aria-label"].iter().any(|key| {
        attr(node, key).is_some_and(|value| {
            words_of(&value).iter().any(|word| {
                BOILERPLATE_PREFIXES.iter().any(|p| word.starts_with(p))
                    || BOILERPLATE_WORDS
                        .iter()
                        .any(|w| word == *w || word.strip_suffix('s') == Some(w))
            })
        })
    });
    named && !holds_visible_h1(node)
}

/// Whether an `<h1>` lies under `node`, outside skipped tags and hidden elements.
fn holds_visible_h1(node: &Handle) -> bool {
    let visible = |n: &Handle| !is_skipped_tag_or_hidden(n);
    let mut nodes = Preorder {
        stack: vec![node.clone()],
        enter: visible,
    };
    nodes.any(|n| name(&n) == Some("h1") && visible(&n))
}

/// The lower-case words of an attribute value (see [`is_named_boilerplate`]).
fn words_of(value: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in value.chars() {
        let boundary = !c.is_alphanumeric() || (prev_lower && c.is_uppercase());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether the element is boilerplate: a skipped tag, hidden, or named as boilerplate.
fn is_skipped(node: &Handle) -> bool {
    is_skipped_tag_or_hidden(node) || (name(node).is_some() && is_named_boilerplate(node))
}

fn is_skipped_tag_or_hidden(node: &Handle) -> bool {
    let Some(tag) = name(node) else {
        return false;
    };
    SKIPPED.contains(&tag) || is_hidden(node)
}

fn find_first(root: &Handle, tag: &str) -> Option<Handle> {
    descendants(root).find(|node| name(node) == Some(tag))
}

/// All the text under `node`, skipped elements included (used for `<title>`).
fn text_of(node: &Handle) -> String {
    let mut out = String::new();
    for n in descendants(node) {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}

/// How many characters of visible text `node` holds.
fn visible_len(node: &Handle) -> usize {
    descendants(node)
        .map(|n| match &n.data {
            NodeData::Text { contents } => contents.borrow().trim().chars().count(),
            _ => 0,
        })
        .sum()
}

#[derive(Clone, Copy, PartialEq)]
enum Container {
    Heading(u8),
    Item,
    Quote,
}

/// What is left to do in a walk: read a node, or end an element read earlier.
enum Step {
    Visit(Handle),
    CloseQuote,
    CloseBlock(Block),
}

/// What a block element changed when it started, to undo at its end.
#[derive(Clone, Copy)]
struct Block {
    /// It pushed a [`Container`].
    container: bool,
    pre: bool,
    /// A site header: a `<header>` outside any article, main or section.
    header: bool,
    section: bool,
}

/// Pushes the children of `node` so that they are popped in document order.
fn push_children(steps: &mut Vec<Step>, node: &Handle) {
    steps.extend(
        node.children
            .borrow()
            .iter()
            .rev()
            .cloned()
            .map(Step::Visit),
    );
}

/// Walks the tree, buffering inline text and emitting a block at each block boundary.
struct Walker {
    stack: Vec<Container>,
    buffer: String,
    blocks: Vec<SourceBlock>,
    in_pre: usize,
    /// Depth inside a site header (a `<header>` outside any article, main or section).
    in_header: usize,
    /// Depth inside `<article>`, `<main>` and `<section>` elements.
    in_section: usize,
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
            in_section: 0,
            quotes,
        }
    }

    /// Reads `root` and everything under it, in document order, with an explicit stack of
    /// what is left to do rather than recursion: a page nested to any depth is read whole.
    fn walk(&mut self, root: &Handle) {
        let mut steps = vec![Step::Visit(root.clone())];
        while let Some(step) = steps.pop() {
            match step {
                Step::Visit(node) => match &node.data {
                    NodeData::Document => push_children(&mut steps, &node),
                    NodeData::Text { contents } => self.text(&contents.borrow()),
                    NodeData::Element { .. } => self.open(&node, &mut steps),
                    _ => {}
                },
                Step::CloseQuote => self.buffer.push_str(self.quotes.1),
                Step::CloseBlock(block) => self.close(block),
            }
        }
    }

    /// Starts reading an element: what its start does now, what its end will do (pushed
    /// under its children), then its children.
    fn open(&mut self, node: &Handle, steps: &mut Vec<Step>) {
        let tag = name(node).unwrap_or_default();
        match tag {
            "br" => self.buffer.push('\n'),
            "q" => {
                self.buffer.push_str(self.quotes.0);
                steps.push(Step::CloseQuote);
                push_children(steps, node);
            }
            _ if BLOCKS.contains(&tag) => {
                self.flush();
                let container = match tag {
                    "li" | "dd" | "dt" => Some(Container::Item),
                    "blockquote" => Some(Container::Quote),
                    _ => heading_level(tag).map(Container::Heading),
                };
                self.stack.extend(container);
                let block = Block {
                    container: container.is_some(),
                    pre: tag == "pre",
                    header: tag == "header" && self.in_section == 0,
                    section: matches!(tag, "article" | "main" | "section"),
                };
                self.in_pre += usize::from(block.pre);
                self.in_header += usize::from(block.header);
                self.in_section += usize::from(block.section);
                steps.push(Step::CloseBlock(block));
                push_children(steps, node);
            }
            _ => push_children(steps, node),
        }
    }

    /// Ends a block element opened by [`Walker::open`].
    fn close(&mut self, block: Block) {
        self.flush();
        self.in_pre -= usize::from(block.pre);
        self.in_header -= usize::from(block.header);
        self.in_section -= usize::from(block.section);
        if block.container {
            self.stack.pop();
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

/// The elements of HTML (current and obsolete) whose tags are markup, not text.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "link",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "meta",
    "meter",
    "nav",
    "nobr",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "pre",
    "progress",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
];

/// Whether `name` is the name of an HTML element (in any case).
pub(crate) fn is_html_element(name: &str) -> bool {
    HTML_ELEMENTS.contains(&name.to_ascii_lowercase().as_str())
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
    fn boilerplate_named_by_id_class_role_or_label_is_dropped() {
        let page = r#"<body class="single comments-open menu-sticky">
            <div id="CybotCookiebotDialog">We use cookies</div>
            <div class="qc-cmp2-container">Nous utilisons des traceurs</div>
            <div role="dialog">Accept all</div><div role="banner">Site name</div>
            <div class="site-breadcrumbs">Home › News</div>
            <ul class="share_buttons"><li>Facebook</li></ul>
            <div aria-label="Partager cet article">Partager</div>
            <section id="comments"><p>First!</p></section>
            <div class="related-posts"><p>Read also</p></div>
            <div class="newsletterBox">Subscribe</div>
            <span aria-hidden="true">icon</span><div role="search">Search</div>
            <p>The story itself.</p>
            <table class="shareholders"><tr><td>Shareholders keep their table.</td></tr></table>
            <div class="commentary">An op-ed column is kept.</div>
            <section aria-label="Protection sociale"><p>So is a section on welfare.</p></section>
            <div class="jardin-partagé">And a shared garden.</div></body>"#;
        assert_eq!(
            texts(&parse(page).1),
            [
                (BlockKind::Paragraph, "The story itself."),
                (BlockKind::Paragraph, "Shareholders keep their table."),
                (BlockKind::Paragraph, "An op-ed column is kept."),
                (BlockKind::Paragraph, "So is a section on welfare."),
                (BlockKind::Paragraph, "And a shared garden."),
            ]
        );
        assert_eq!(
            words_of("qc-cmp2 CybotCookiebotDialog share_buttons"),
            [
                "qc",
                "cmp2",
                "cybot",
                "cookiebot",
                "dialog",
                "share",
                "buttons"
            ]
        );
    }

    #[test]
    fn a_wrapper_holding_the_h1_is_never_dropped_by_its_name() {
        // The whole story sits in a wrapper whose class the names rule takes for a menu.
        let page = "<body><div class=\"menu-layout\"><h1>Title</h1><p>The text.</p></div></body>";
        let (title, blocks) = parse(page);
        assert_eq!(title.as_deref(), Some("Title"));
        assert_eq!(texts(&blocks), [(BlockKind::Paragraph, "The text.")]);
    }

    #[test]
    fn the_article_header_is_read_and_role_main_is_the_root() {
        let page = "<body><header><a>Logo</a><p>Site tagline</p></header>\
            <article><header><h1>Headline</h1><p>The standfirst.</p></header>\
            <p>Body.</p><footer>Tags: x</footer></article></body>";
        let (title, blocks) = parse(page);
        assert_eq!(title.as_deref(), Some("Headline"));
        assert_eq!(
            texts(&blocks),
            [
                (BlockKind::Paragraph, "The standfirst."),
                (BlockKind::Paragraph, "Body.")
            ]
        );
        let page = "<body><div>Promo strip</div><div role=\"main\"><p>Main text.</p></div></body>";
        assert_eq!(
            texts(&parse(page).1),
            [(BlockKind::Paragraph, "Main text.")]
        );
        // A teaser <article> in <main> does not win over the story in plain divs.
        let page = "<main><div><p>The real story, told in plain paragraphs, at length.</p>\
            <p>More of the story, with more words than the teaser.</p></div>\
            <article><p>Teaser.</p></article></main>";
        assert_eq!(parse(page).1.len(), 3);
    }

    #[test]
    fn control_tokens_escaped_are_text_and_literal_ones_are_tags() {
        let page = "<p>Escaped: &lt;start_of_turn&gt;user &lt;eos&gt; &lt;bos&gt; \
            &lt;end_of_turn&gt;.</p><p>Literal: <eos>kept text</eos> and <start_of_turn>user.</p>";
        assert_eq!(
            texts(&parse(page).1),
            [
                (
                    BlockKind::Paragraph,
                    "Escaped: <start_of_turn>user <eos> <bos> <end_of_turn>."
                ),
                (BlockKind::Paragraph, "Literal: kept text and user."),
            ]
        );
    }

    #[test]
    fn text_nested_at_any_depth_is_kept() {
        // 300 levels once lost the deep paragraph; 3,000 and 100,000 go past the nesting the
        // parser is given, which flattens the structure there but keeps the text.
        for depth in [300, 3_000, 100_000] {
            let page = format!(
                "<p>Le maire a parlé.</p>{}<p>Il a cité 42 logements.</p>{}<p>Fin.</p>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            );
            let (_, blocks) = parse(&page);
            assert_eq!(
                texts(&blocks),
                [
                    (BlockKind::Paragraph, "Le maire a parlé."),
                    (BlockKind::Paragraph, "Il a cité 42 logements."),
                    (BlockKind::Paragraph, "Fin."),
                ],
                "{depth} levels"
            );
        }
        // Lists, quotations and headings 400 levels deep keep their kinds; past the nesting
        // the parser is given, each block's text is a line of its own.
        let nested = |depth: usize| {
            format!(
                "{}<h2>Le bilan</h2><blockquote>Nous sommes fiers.</blockquote><ul><li>Un</li></ul>{}",
                "<section><div>".repeat(depth / 2),
                "</div></section>".repeat(depth / 2)
            )
        };
        assert_eq!(
            texts(&parse(&nested(400)).1),
            [
                (BlockKind::Heading(2), "Le bilan"),
                (BlockKind::Quote, "Nous sommes fiers."),
                (BlockKind::ListItem, "Un"),
            ]
        );
        let blocks = parse(&nested(2_000)).1;
        let text: Vec<&str> = blocks
            .iter()
            .flat_map(|b| b.text.lines().map(str::trim).filter(|l| !l.is_empty()))
            .collect();
        assert_eq!(text, ["Le bilan", "Nous sommes fiers.", "Un"]);
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
