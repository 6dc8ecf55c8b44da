//! The output formats, and reading back the run record ([`Provenance::run_record`]) that
//! an output carries: the front matter of Markdown, the `plume:` meta tags of HTML, the
//! `provenance` object of JSON. A batch compares it with the run it is about to make.

use crate::article::front_matter::parse_front_matter;
use crate::article::output::RUN_RECORD_KEYS;
use crate::article::render_html::{escape, RUN_META_PREFIX};
use crate::article::Provenance;

/// The formats plume writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Md,
    Html,
    Json,
}

impl crate::Named for OutputFormat {
    const NAMES: &'static [&'static str] = &["md", "html", "json"];
}

impl std::fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = crate::Error;

    fn from_str(name: &str) -> crate::Result<Self> {
        match name {
            "md" => Ok(OutputFormat::Md),
            "html" => Ok(OutputFormat::Html),
            "json" => Ok(OutputFormat::Json),
            other => Err(crate::Error::Invalid(format!(
                "unknown format `{other}`: md, html or json"
            ))),
        }
    }
}

impl OutputFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Md => "md",
            OutputFormat::Html => "html",
            OutputFormat::Json => "json",
        }
    }
}

/// The run record in `text`, an output of plume in `format`; `None` when it has none (not
/// written by plume, or damaged).
pub fn read_run_record(text: &str, format: OutputFormat) -> Option<Vec<(String, String)>> {
    let record: Vec<(String, String)> = match format {
        OutputFormat::Md => {
            let (pairs, _) = parse_front_matter(text);
            RUN_RECORD_KEYS
                .iter()
                .filter_map(|k| pairs.iter().find(|(key, _)| key == k).cloned())
                .collect()
        }
        OutputFormat::Html => RUN_RECORD_KEYS
            .iter()
            .filter_map(|k| {
                meta_content(text, &format!("{RUN_META_PREFIX}{k}")).map(|v| (k.to_string(), v))
            })
            .collect(),
        OutputFormat::Json => {
            let value: serde_json::Value = serde_json::from_str(text).ok()?;
            let provenance: Provenance =
                serde_json::from_value(value.get("provenance")?.clone()).ok()?;
            owned(&provenance.run_record())
        }
    };
    (record.len() == RUN_RECORD_KEYS.len()).then_some(record)
}

/// The input an output of plume in `format` was written from, as that run was given it.
pub fn read_source_path(text: &str, format: OutputFormat) -> Option<String> {
    match format {
        OutputFormat::Md => parse_front_matter(text)
            .0
            .into_iter()
            .find(|(key, _)| key == "source")
            .map(|(_, value)| value),
        OutputFormat::Html => meta_content(text, &format!("{RUN_META_PREFIX}source")),
        OutputFormat::Json => {
            let value: serde_json::Value = serde_json::from_str(text).ok()?;
            Some(
                value
                    .get("provenance")?
                    .get("source_path")?
                    .as_str()?
                    .to_string(),
            )
        }
    }
    .filter(|path| !path.is_empty())
}

fn owned(record: &[(&str, String)]) -> Vec<(String, String)> {
    record
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The `content` of `<meta name="NAME" content="…">` as plume writes it (unescaped).
fn meta_content(html: &str, name: &str) -> Option<String> {
    let start = format!("<meta name=\"{}\" content=\"", escape(name));
    let at = html.find(&start)? + start.len();
    let end = html[at..].find('"')?;
    Some(unescape(&html[at..at + end]))
}

/// The inverse of [`escape`].
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::output::sample_article;
    use crate::article::{render_html, render_json, render_markdown};

    #[test]
    fn every_format_gives_back_its_source_path() {
        let article = sample_article();
        for (format, text) in [
            (OutputFormat::Md, render_markdown(&article)),
            (OutputFormat::Html, render_html(&article, None)),
            (
                OutputFormat::Json,
                render_json(&article, serde_json::json!({}), None, None).unwrap(),
            ),
        ] {
            assert_eq!(
                read_source_path(&text, format).as_deref(),
                Some("exemples/ligne.txt"),
                "{format:?}"
            );
        }
        assert_eq!(read_source_path("# Titre\n", OutputFormat::Md), None);
    }

    #[test]
    fn every_format_gives_back_its_record() {
        let mut article = sample_article();
        article.provenance.settings = "keyphrase=\"l'été & <nous>\" min_words=700".into();
        let expected = owned(&article.provenance.run_record());
        for (format, text) in [
            (OutputFormat::Md, render_markdown(&article)),
            (OutputFormat::Html, render_html(&article, Some("rapport"))),
            (
                OutputFormat::Json,
                render_json(&article, serde_json::Value::Null, None, None).unwrap(),
            ),
        ] {
            assert_eq!(
                read_run_record(&text, format).as_ref(),
                Some(&expected),
                "{format:?}"
            );
        }
    }

    #[test]
    fn a_damaged_or_foreign_output_has_no_record() {
        let article = sample_article();
        let md = render_markdown(&article);
        let cut = &md[..md.find("seed:").unwrap()];
        assert_eq!(read_run_record(cut, OutputFormat::Md), None);
        assert_eq!(read_run_record("# Un article\n", OutputFormat::Md), None);
        let json = render_json(&article, serde_json::Value::Null, None, None).unwrap();
        assert_eq!(
            read_run_record(&json[..json.len() / 2], OutputFormat::Json),
            None
        );
        assert_eq!(
            read_run_record("<html><p>x</p></html>", OutputFormat::Html),
            None
        );
    }
}
