//! [`Article`] → pretty-printed JSON: every field of the article under its snake_case
//! name, the body word count, and the report as data.

use serde::Serialize;
use serde_json::Value;

use crate::article::output::Article;

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    article: &'a Article,
    word_count: usize,
    report: Value,
    /// How the rewrite was written (absent for an article read back from a file).
    #[serde(skip_serializing_if = "Option::is_none")]
    writing: Option<Value>,
    /// Which source sentences each article sentence comes from (absent for an article read
    /// back from a file).
    #[serde(skip_serializing_if = "Option::is_none")]
    alignment: Option<Value>,
}

/// Renders `article` and `report` (with the rewrite's `writing` record and `alignment` when
/// there are) as one pretty-printed JSON object, ending with a newline.
pub fn render_json(
    article: &Article,
    report: Value,
    writing: Option<Value>,
    alignment: Option<Value>,
) -> crate::Result<String> {
    let document = Document {
        article,
        word_count: article.word_count(),
        report,
        writing,
        alignment,
    };
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|e| crate::Error::Internal(format!("the article as JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::output::sample_article;
    use serde_json::json;

    #[test]
    fn json_holds_the_article_and_the_report() {
        let article = sample_article();
        let report =
            json!({ "score": 81, "findings": [{ "rule": "keyphrase_in_title", "ok": true }] });
        let text = render_json(&article, report.clone(), None, None).unwrap();
        assert!(text.ends_with("}\n") && text.contains("\n  \"title\""));
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["report"], report);
        assert_eq!(value["word_count"], article.word_count() as u64);
        assert_eq!(value["lang"], "fr-FR");
        assert_eq!(value["provenance"]["sampling"]["top_k"], 40);
        assert_eq!(
            value["provenance"]["model_sha256"],
            article.provenance.model_sha256.as_str()
        );
        assert_eq!(value["sections"][0]["bullets"][1], "3 gares rouvertes");
        // The article part deserialises back to the same value.
        let back: Article = serde_json::from_value(value).unwrap();
        assert_eq!(back, article);
    }

    #[test]
    fn field_names_are_stable_snake_case() {
        let value: Value =
            serde_json::from_str(&render_json(&sample_article(), Value::Null, None, None).unwrap())
                .unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "title",
            "meta_description",
            "slug",
            "keyphrase",
            "lang",
            "lead",
            "sections",
            "provenance",
            "word_count",
            "report",
        ] {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        let provenance: Vec<&str> = value["provenance"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "plume_version",
            "model_id",
            "model_sha256",
            "seed",
            "sampling",
            "source_path",
            "source_sha256",
            "settings",
            "generated",
        ] {
            assert!(
                provenance.contains(&key),
                "{key} missing from {provenance:?}"
            );
        }
    }
}
