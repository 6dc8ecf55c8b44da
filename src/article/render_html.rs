//! [`Article`] → a complete HTML5 page: head with title, description, keywords and
//! generator, a JSON-LD `NewsArticle` block, and the article body (`<h1>`, the lead,
//! `<h2>`/`<h3>`, `<p>`, `<ul><li>`). All text is escaped; the JSON-LD escapes `<`, `>`
//! and `&` so that `</script>` can never appear inside it.

use std::path::Path;

use serde_json::{json, Value};

use crate::article::output::Article;

/// The `<meta name>` prefix of the run record ([`crate::article::Provenance::run_record`]).
pub const RUN_META_PREFIX: &str = "plume:";

/// Renders `article` as an HTML page. `report_summary`, plain text, is appended in a
/// collapsed `<details>` element after the article.
pub fn render_html(article: &Article, report_summary: Option<&str>) -> String {
    let p = &article.provenance;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n");
    out.push_str(&format!(
        "<html lang=\"{}\">\n<head>\n",
        escape(primary_language(&article.lang))
    ));
    out.push_str("<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&article.title)));
    out.push_str(&meta("description", &article.meta_description));
    out.push_str(&meta("keywords", &article.keyphrase));
    out.push_str(&meta("generator", &format!("plume {}", p.plume_version)));
    out.push_str(&meta(&format!("{RUN_META_PREFIX}source"), &p.source_path));
    for (key, value) in p.run_record() {
        out.push_str(&meta(&format!("{RUN_META_PREFIX}{key}"), &value));
    }
    out.push_str("<script type=\"application/ld+json\">\n");
    out.push_str(&json_ld(article));
    out.push_str("\n</script>\n</head>\n<body>\n<article>\n");
    out.push_str(&format!("<h1>{}</h1>\n", escape(&article.title)));
    if !article.lead.trim().is_empty() {
        out.push_str(&format!(
            "<p class=\"lead\">{}</p>\n",
            text_with_breaks(&article.lead)
        ));
    }
    for section in &article.sections {
        if !section.heading.trim().is_empty() {
            let tag = if section.level <= 2 { "h2" } else { "h3" };
            out.push_str(&format!("<{tag}>{}</{tag}>\n", escape(&section.heading)));
        }
        for paragraph in section.paragraphs.iter().filter(|p| !p.trim().is_empty()) {
            out.push_str(&format!("<p>{}</p>\n", text_with_breaks(paragraph)));
        }
        let items: Vec<&String> = section
            .bullets
            .iter()
            .filter(|b| !b.trim().is_empty())
            .collect();
        if !items.is_empty() {
            out.push_str("<ul>\n");
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", text_with_breaks(item)));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</article>\n");
    if let Some(summary) = report_summary.filter(|s| !s.trim().is_empty()) {
        out.push_str("<details class=\"plume-report\">\n<summary>Rapport plume</summary>\n");
        out.push_str(&format!("<pre>{}</pre>\n</details>\n", escape(summary)));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The JSON-LD object for `article`, serialised and made safe inside a `<script>`.
pub fn json_ld(article: &Article) -> String {
    let p = &article.provenance;
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.meta_description,
        "inLanguage": article.lang,
        "wordCount": article.word_count(),
    });
    let mut based_on = Vec::new();
    if !p.source_path.is_empty() {
        let name = Path::new(&p.source_path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.source_path.clone());
        based_on.push(json!({ "@type": "CreativeWork", "name": name }));
    }
    based_on.push(json!({
        "@type": "SoftwareApplication",
        "name": "plume",
        "softwareVersion": p.plume_version,
        "description": format!(
            "model {} (sha256 {}), seed {}, {}{}",
            p.model_id,
            p.model_sha256,
            p.seed,
            p.sampling.summary(),
            if p.generated { "" } else { ", text taken from the source only" }
        ),
    }));
    if let Value::Object(map) = &mut ld {
        if !article.keyphrase.trim().is_empty() {
            map.insert("keywords".into(), Value::String(article.keyphrase.clone()));
        }
        map.insert("isBasedOn".into(), Value::Array(based_on));
    }
    // A `Value` always prints (`{:#}`: pretty, as `to_string_pretty` writes it).
    let text = format!("{ld:#}");
    script_safe(&text)
}

/// Escapes the characters that could end a `<script>` element or start markup. They can
/// only occur inside JSON strings, where `\uXXXX` means the same character.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// "fr-FR" → "fr"; an empty tag gives "fr".
fn primary_language(tag: &str) -> &str {
    match tag.split(['-', '_']).next().map(str::trim) {
        Some(primary) if !primary.is_empty() => primary,
        _ => "fr",
    }
}

fn meta(name: &str, content: &str) -> String {
    if content.trim().is_empty() {
        return String::new();
    }
    format!("<meta name=\"{name}\" content=\"{}\">\n", escape(content))
}

/// Escaped text with line breaks as `<br>`.
fn text_with_breaks(text: &str) -> String {
    let lines: Vec<String> = text.trim().lines().map(|l| escape(l.trim())).collect();
    lines.join("<br>\n")
}

/// Escapes `& < > " '` for text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::output::sample_article;
    use crate::source::html;
    use crate::source::BlockKind;

    fn json_ld_of(page: &str) -> Value {
        let start = page.find("<script type=\"application/ld+json\">").unwrap();
        let rest = &page[start..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest.find("</script>").unwrap();
        serde_json::from_str(&rest[open..close]).unwrap()
    }

    #[test]
    fn page_has_the_expected_head() {
        let article = sample_article();
        let page = render_html(&article, None);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains(&format!("<title>{}</title>", escape(&article.title))));
        assert!(page.contains("<title>La ligne de Valmorin rouvre &quot;enfin&quot; &lt;après&gt; dix ans &amp; plus</title>"));
        assert!(page.contains("<meta name=\"description\" content=\"Le train revient entre Valmorin et Castelbrune : 6 allers-retours, \\ 45 minutes.\">"));
        assert!(page.contains("<meta name=\"generator\" content=\"plume 0.1.0\">"));
        assert!(!page.contains("plume-report"));
    }

    #[test]
    fn body_reads_back_with_the_same_text_and_structure() {
        let article = sample_article();
        let page = render_html(&article, Some("Score : 80/100 <ok> & \"bien\""));
        let (title, blocks) = html::parse(&page);
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
        assert!(page.contains("<pre>Score : 80/100 &lt;ok&gt; &amp; &quot;bien&quot;</pre>"));
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("déjà vu"), "déjà vu");
    }

    #[test]
    fn json_ld_is_valid_and_cannot_close_the_script() {
        let mut article = sample_article();
        article.meta_description = "</script><script>alert(1)</script> & <!-- \u{2028}".into();
        let page = render_html(&article, None);
        // Exactly one closing tag: the block's own.
        assert_eq!(page.matches("</script>").count(), 1);
        let ld = json_ld_of(&page);
        assert_eq!(ld["@context"], "https://schema.org");
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], article.title.as_str());
        assert_eq!(ld["description"], article.meta_description.as_str());
        assert_eq!(ld["inLanguage"], "fr-FR");
        assert_eq!(ld["keywords"], "ligne de Valmorin");
        assert_eq!(ld["wordCount"], article.word_count() as u64);
        assert_eq!(ld["isBasedOn"][0]["name"], "ligne.txt");
        assert_eq!(ld["isBasedOn"][1]["softwareVersion"], "0.1.0");
        let description = ld["isBasedOn"][1]["description"].as_str().unwrap();
        assert!(
            description.contains("gemma-3-270m") && description.contains("seed 42"),
            "{description}"
        );
    }

    #[test]
    fn empty_optional_parts_are_left_out() {
        let mut article = sample_article();
        article.keyphrase.clear();
        article.lead = "  ".into();
        article.sections[0].bullets.clear();
        article.provenance.source_path.clear();
        let page = render_html(&article, Some(" "));
        assert!(!page.contains("name=\"keywords\""));
        assert!(!page.contains("class=\"lead\""));
        assert!(!page.contains("<ul>"));
        assert!(!page.contains("<details"));
        let ld = json_ld_of(&page);
        assert!(ld.get("keywords").is_none());
        assert_eq!(ld["isBasedOn"].as_array().unwrap().len(), 1);
        assert_eq!(primary_language(""), "fr");
        assert_eq!(primary_language("fr-FR"), "fr");
    }
}
