//! The front matter at the top of plume's Markdown: `---` lines around `key: "value"`
//! lines. Values are double-quoted with `\"` and `\\` as the only escapes; line breaks
//! and other control characters in a value are written as spaces, so every value
//! stays on its line.
//!
//! The one reader of front matters in plume: [`layout`] finds the lines, [`split_front_matter`]
//! reads the values (sources, `plume check`, run records), and the typography fixer leaves
//! everything but the prose values alone with the same [`layout`].

use std::ops::Range;

/// Writes the front matter block for `pairs`, both `---` lines included, ending with a
/// newline.
pub fn write_front_matter(pairs: &[(&str, String)]) -> String {
    let mut out = String::from("---\n");
    for (key, value) in pairs {
        out.push_str(key);
        out.push_str(": ");
        out.push_str(&quote(value));
        out.push('\n');
    }
    out.push_str("---\n");
    out
}

/// `value` in double quotes, with `"` and `\` escaped and control characters as spaces.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The inverse of [`quote`], also reading what a person may write by hand: `\n` in a
/// double-quoted value is a line break, an unknown escape keeps its backslash, and a
/// single-quoted value (`'l''été'`) has `''` for a quote. An unquoted value is returned
/// trimmed, as is.
pub fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .filter(|_| raw.len() >= 2)
    {
        return inner.replace("''", "'");
    }
    let Some(inner) = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| raw.len() >= 2)
    else {
        return raw.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(e @ ('"' | '\\')) => out.push(e),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A document whose first line is `---` but whose front matter has no closing `---` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeverClosed;

impl std::fmt::Display for NeverClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the front matter opened by `---` on the first line is never closed")
    }
}

impl std::error::Error for NeverClosed {}

/// One `key: value` line of a front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The key, trimmed.
    pub key: &'a str,
    /// The byte range of the raw value in the document (trimmed; quotes, if any, included).
    pub value: Range<usize>,
}

/// A front matter as it lies in its document: its `key: value` lines, and the byte offset
/// where the body starts, just after the closing `---` or `...` line (`None`: never closed).
/// Comment lines (`# …`) and indented lines (the inside of a nested value) are not entries.
/// `None` when the document has no front matter (its first line is not `---`).
pub fn layout(text: &str) -> Option<(Vec<Entry<'_>>, Option<usize>)> {
    let bom = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8()
    } else {
        0
    };
    let mut lines = text[bom..].split_inclusive('\n');
    let first = lines.next().filter(|line| line.trim_end() == "---")?;
    let mut offset = bom + first.len();
    let mut entries = Vec::new();
    for line in lines {
        let start = offset;
        offset += line.len();
        let content = line.trim_end();
        if content == "---" || content == "..." {
            return Some((entries, Some(offset)));
        }
        if content.starts_with([' ', '\t', '#']) {
            continue;
        }
        if let Some((key, value)) = content.split_once(':') {
            let value_start = start + key.len() + 1 + (value.len() - value.trim_start().len());
            entries.push(Entry {
                key: key.trim(),
                value: value_start..start + content.len(),
            });
        }
    }
    Some((entries, None))
}

/// Splits a document into its front matter pairs, in order (values unquoted), and the byte
/// offset where its body starts. Without a front matter block the pairs are empty and the
/// body starts at 0.
pub fn split_front_matter(text: &str) -> Result<(Vec<(String, String)>, usize), NeverClosed> {
    let Some((entries, body_start)) = layout(text) else {
        return Ok((Vec::new(), 0));
    };
    let body_start = body_start.ok_or(NeverClosed)?;
    let pairs = entries
        .into_iter()
        .map(|e| (e.key.to_string(), unquote(&text[e.value])))
        .collect();
    Ok((pairs, body_start))
}

/// [`split_front_matter`] for text plume reads back: the pairs and the body, leading blank
/// lines removed. A block that is never closed is no front matter: the pairs are empty and the
/// body is the whole text.
pub fn parse_front_matter(text: &str) -> (Vec<(String, String)>, &str) {
    match split_front_matter(text) {
        Ok((pairs, start)) if start > 0 => (pairs, text[start..].trim_start_matches(['\n', '\r'])),
        _ => (Vec::new(), text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_exactly() {
        let values = [
            "plain",
            "with \"quotes\" and \\backslash\\ and \\\" both",
            "deux-points : et « guillemets » l’apostrophe",
            "",
            "  leading and trailing spaces  ",
            "ends with a backslash \\",
            "\\n is not a newline",
            "---",
        ];
        let pairs: Vec<(&str, String)> = values.iter().map(|v| ("k", v.to_string())).collect();
        let text = format!("{}\nBody.\n", write_front_matter(&pairs));
        let (parsed, body) = parse_front_matter(&text);
        let got: Vec<&str> = parsed.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(got, values);
        assert_eq!(body, "Body.\n");
    }

    #[test]
    fn line_breaks_become_spaces() {
        let text = write_front_matter(&[("title", "one\ntwo\r\nthree\u{2028}four".to_string())]);
        assert_eq!(text.lines().count(), 3);
        let (pairs, _) = parse_front_matter(&text);
        assert_eq!(pairs[0].1, "one two  three four");
    }

    #[test]
    fn unquoted_values_and_missing_blocks() {
        let (pairs, body) = parse_front_matter("---\nlang: fr-FR\nseed: 42\n---\n# T\n");
        assert_eq!(
            pairs,
            [
                ("lang".into(), "fr-FR".into()),
                ("seed".into(), "42".into())
            ]
        );
        assert_eq!(body, "# T\n");
        let (pairs, body) = parse_front_matter("# No front matter\n");
        assert!(pairs.is_empty());
        assert_eq!(body, "# No front matter\n");
        let unclosed = "---\ntitle: \"x\"\n# body\n";
        assert_eq!(parse_front_matter(unclosed), (Vec::new(), unclosed));
    }

    #[test]
    fn hand_written_front_matter() {
        let text = "---\n# a comment: not a pair\ntitle: 'l''été'\ntags:\n  - nested: skipped\n\
                    meta_description: \"deux\\nlignes\"\n...\nBody\n";
        let (pairs, start) = split_front_matter(text).unwrap();
        assert_eq!(
            pairs,
            [
                ("title".to_string(), "l'été".to_string()),
                ("tags".to_string(), String::new()),
                ("meta_description".to_string(), "deux\nlignes".to_string()),
            ]
        );
        assert_eq!(&text[start..], "Body\n");
        assert_eq!(split_front_matter("---\ntitle: x\n"), Err(NeverClosed));
        assert_eq!(
            split_front_matter("\u{FEFF}---  \r\n---\r\nB").unwrap().1,
            15
        );
        assert_eq!(
            split_front_matter("# No front matter\n").unwrap(),
            (Vec::new(), 0)
        );
    }
}
