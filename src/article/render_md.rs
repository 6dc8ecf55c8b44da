//! [`Article`] → Markdown: a front matter block, then `# title`, the lead, and each
//! section as `##`/`###`, paragraphs separated by blank lines, bullets as `- ` items.
//! Text that would otherwise start a Markdown construct (a `#`, `>`, `- `, `1. `…) is
//! escaped, and every paragraph is written on one line.

use crate::article::front_matter::write_front_matter;
use crate::article::output::Article;

/// Renders `article` as Markdown with front matter.
pub fn render_markdown(article: &Article) -> String {
    let p = &article.provenance;
    let mut pairs = vec![
        ("title", article.title.clone()),
        ("meta_description", article.meta_description.clone()),
        ("slug", article.slug.clone()),
        ("keyphrase", article.keyphrase.clone()),
        ("lang", article.lang.clone()),
        ("generator", format!("plume {}", p.plume_version)),
        ("model", p.model_id.clone()),
        ("source", p.source_path.clone()),
    ];
    pairs.extend(p.run_record());
    pairs.push(("generated", p.generated.to_string()));
    let mut out = write_front_matter(&pairs);
    push_block(&mut out, &format!("# {}", heading_text(&article.title)));
    push_block(&mut out, &block_text(&article.lead));
    for section in &article.sections {
        if !section.heading.trim().is_empty() {
            let marks = if section.level <= 2 { "##" } else { "###" };
            push_block(
                &mut out,
                &format!("{marks} {}", heading_text(&section.heading)),
            );
        }
        for paragraph in &section.paragraphs {
            push_block(&mut out, &block_text(paragraph));
        }
        let items: Vec<String> = section
            .bullets
            .iter()
            .map(|b| block_text(b))
            .filter(|b| !b.is_empty())
            .map(|b| format!("- {b}"))
            .collect();
        push_block(&mut out, &items.join("\n"));
    }
    out
}

/// Appends a block, separated from what comes before by one blank line (nothing for an
/// empty block).
fn push_block(out: &mut String, block: &str) {
    if block.trim().is_empty() {
        return;
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(block);
    out.push('\n');
}

/// One line of running text, with a leading Markdown marker escaped.
fn block_text(text: &str) -> String {
    escape_start(&escape_tags(&one_line(text)))
}

/// A heading's text on one line, with a trailing `#` run escaped (it would be eaten as a
/// closing sequence).
fn heading_text(text: &str) -> String {
    let line = escape_tags(&one_line(text));
    match line.strip_suffix('#') {
        Some(stem) => format!("{stem}\\#"),
        None => line,
    }
}

/// Escapes a `<` that could open raw HTML or an autolink (`<b>`, `</p>`, `<!--`, `<?`),
/// so that text never turns into markup.
fn escape_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Collapses line breaks and runs of ordinary spaces; no-break spaces (U+00A0, U+202F) carry
/// French typography and are kept.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes what would make a paragraph start a heading, quote, list, code fence, table,
/// thematic break or HTML block.
fn escape_start(line: &str) -> String {
    let first = line.chars().next();
    let needs_escape = match first {
        Some('#' | '>' | '|' | '`' | '~' | '=' | '_') => true,
        Some('-' | '+' | '*') => {
            let second = line.chars().nth(1);
            second.is_none() || second.is_some_and(|c| c == ' ' || c == first.unwrap_or(' '))
        }
        _ => false,
    };
    if needs_escape {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &line[digits..];
        if let Some(mark @ ('.' | ')')) = rest.chars().next() {
            if rest[1..].is_empty() || rest[1..].starts_with(' ') {
                return format!("{}\\{mark}{}", &line[..digits], &rest[1..]);
            }
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::front_matter::parse_front_matter;
    use crate::article::output::sample_article;
    use crate::source::markdown;
    use crate::source::BlockKind;

    #[test]
    fn front_matter_round_trips_every_field() {
        let article = sample_article();
        let text = render_markdown(&article);
        let (pairs, body) = parse_front_matter(&text);
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("title"), Some(article.title.as_str()));
        assert_eq!(
            get("meta_description"),
            Some(article.meta_description.as_str())
        );
        assert_eq!(get("slug"), Some(article.slug.as_str()));
        assert_eq!(get("keyphrase"), Some(article.keyphrase.as_str()));
        assert_eq!(get("lang"), Some("fr-FR"));
        assert_eq!(get("generator"), Some("plume 0.1.0"));
        assert_eq!(get("model"), Some("gemma-3-270m"));
        assert_eq!(
            get("model_sha256"),
            Some(article.provenance.model_sha256.as_str())
        );
        assert_eq!(get("seed"), Some("42"));
        assert_eq!(
            get("sampling"),
            Some(article.provenance.sampling.summary().as_str())
        );
        assert_eq!(get("source"), Some("exemples/ligne.txt"));
        assert_eq!(
            get("source_sha256"),
            Some(article.provenance.source_sha256.as_str())
        );
        assert_eq!(get("settings"), Some(article.provenance.settings.as_str()));
        assert_eq!(get("generated"), Some("true"));
        assert!(body.starts_with("# La ligne de Valmorin"), "{body}");
        assert!(text.contains("meta_description: \"Le train revient entre Valmorin et Castelbrune : 6 allers-retours, \\\\ 45 minutes.\""));
    }

    #[test]
    fn body_reads_back_as_the_same_structure() {
        let article = sample_article();
        let text = render_markdown(&article);
        let (_, body) = parse_front_matter(&text);
        let (title, blocks) = markdown::parse(body);
        assert_eq!(title.as_deref(), Some(article.title.as_str()));
        let got: Vec<(BlockKind, &str)> =
            blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
        let s = &article.sections;
        assert_eq!(
            got,
            [
                (BlockKind::Paragraph, article.lead.as_str()),
                (BlockKind::Heading(2), s[0].heading.as_str()),
                (BlockKind::Paragraph, s[0].paragraphs[0].as_str()),
                (BlockKind::Paragraph, s[0].paragraphs[1].as_str()),
                (BlockKind::ListItem, s[0].bullets[0].as_str()),
                (BlockKind::ListItem, s[0].bullets[1].as_str()),
                (BlockKind::Heading(3), s[1].heading.as_str()),
                (BlockKind::Paragraph, s[1].paragraphs[0].as_str()),
            ]
        );
        // Blocks are separated by exactly one blank line; the file ends with one newline.
        assert!(!body.contains("\n\n\n"));
        assert!(body.ends_with(">\n") || body.ends_with(".\n"));
        assert!(!text.ends_with("\n\n"));
    }

    #[test]
    fn markdown_markers_at_the_start_of_text_are_escaped() {
        for text in [
            "# not a heading",
            "- not a list",
            "1. not a list",
            "> not a quote",
            "*** not a rule",
            "<div>not html</div>",
        ] {
            let mut article = sample_article();
            article.sections[0].paragraphs = vec![text.to_string()];
            article.sections[0].bullets.clear();
            article.sections.truncate(1);
            let rendered = render_markdown(&article);
            let (_, body) = parse_front_matter(&rendered);
            let (_, blocks) = markdown::parse(body);
            let last = blocks.last().unwrap();
            assert_eq!(
                (last.kind, last.text.as_str()),
                (BlockKind::Paragraph, text),
                "{rendered}"
            );
        }
        assert_eq!(escape_start("2024 was a year"), "2024 was a year");
        assert_eq!(escape_start("-5 degrees"), "-5 degrees");
        assert_eq!(heading_text("We are number #"), "We are number \\#");
    }

    #[test]
    fn multi_line_paragraphs_are_joined_and_empty_parts_skipped() {
        let mut article = sample_article();
        article.lead = "Line one\nline two".into();
        article.sections[1].heading = String::new();
        article.sections[1].bullets = vec!["  ".into()];
        let text = render_markdown(&article);
        assert!(text.contains("\nLine one line two\n"));
        assert!(!text.contains("### "));
        assert!(!text.contains("- \n") && !text.ends_with("- "));
    }
}
