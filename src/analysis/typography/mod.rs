//! French typography: checks and an idempotent fixer.
//!
//! Spacing convention (documented for editors): the fixer writes a no-break space
//! (U+00A0) before `:` and inside « », and a narrow no-break space (U+202F) before
//! `;`, `!` and `?`. The checks accept either U+00A0 or U+202F in all these places,
//! so text typed with U+00A0 everywhere is not reported.
//!
//! The fixer never touches front-matter keys (nor values other than `title`,
//! `meta_description`, `description`, `keyphrase`), fenced code, code spans, URLs,
//! link destinations, HTML, times such as 10:30, or Markdown syntax.

mod protect;
pub mod title_case;

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// Rule id: straight apostrophe between letters.
pub const APOSTROPHE: &str = "straight_apostrophes";
/// Rule id: missing or wrong space before `: ; ! ?`.
pub const PUNCTUATION_SPACE: &str = "punctuation_spacing";
/// Rule id: missing or wrong space inside « ».
pub const GUILLEMET_SPACE: &str = "guillemet_spacing";
/// Rule id: English quotation marks.
pub const ENGLISH_QUOTES: &str = "english_quotes";
/// Rule id: Title Case heading.
pub const TITLE_CASE: &str = "title_case_headings";

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';

/// One change made by the fixer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// The rule that asked for it (one of the ids above).
    pub rule: &'static str,
    /// The characters replaced, as a span in characters of the input.
    pub span: (usize, usize),
    /// The text that was there.
    pub before: String,
    /// The text put instead.
    pub after: String,
}

/// Fixes French typography in a Markdown file's text; returns the new text and the
/// changes, in order. Applying it to its own output changes nothing.
pub fn fix_typography(text: &str) -> (String, Vec<Fix>) {
    let (text, mut fixes) = fix_title_case(text);
    let (out, more) = fix_characters(&text);
    fixes.extend(more);
    (out, fixes)
}

/// Fixes the file at `path` in place (atomically: a temporary file in the same
/// folder, then a rename) and returns the changes; the file is not rewritten when
/// nothing changes.
pub fn fix_file(path: impl AsRef<Path>) -> Result<Vec<Fix>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::input(path, "the file is not UTF-8 text"))?;
    let (fixed, fixes) = fix_typography(&text);
    if fixes.is_empty() {
        return Ok(fixes);
    }
    crate::article::write_atomically(path, &fixed)?;
    Ok(fixes)
}

/// Lowers the ordinary words of Title Case ATX headings (character counts unchanged).
fn fix_title_case(text: &str) -> (String, Vec<Fix>) {
    let mask = protect::protected_bytes(text);
    let vocabulary = title_case::lowercase_vocabulary(text);
    let mut out = text.to_string();
    let mut fixes = Vec::new();
    let mut pos = 0;
    let mut char_pos = 0;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') && !mask[pos] {
            for (s, e) in title_case::words_to_lower(line, &vocabulary) {
                let word = &line[s..e];
                let mut cs = word.chars();
                let first = cs.next().unwrap_or(' ');
                let lowered: String = first.to_lowercase().chain(cs).collect();
                let cstart = char_pos + line[..s].chars().count();
                fixes.push(Fix {
                    rule: TITLE_CASE,
                    span: (cstart, cstart + word.chars().count()),
                    before: word.to_string(),
                    after: lowered.clone(),
                });
                out.replace_range(
                    pos + s..pos + s + first.len_utf8(),
                    &lowered[..lowered.len() - (word.len() - first.len_utf8())],
                );
            }
        }
        char_pos += line.chars().count();
        pos = end;
    }
    (out, fixes)
}

/// Straight double quotes that open or close a quotation, per paragraph; an odd one
/// out is left alone.
fn quote_roles(chars: &[(usize, char)], protected: &[bool]) -> Vec<Option<bool>> {
    let mut roles = vec![None; chars.len()];
    let mut pending: Vec<usize> = Vec::new();
    let flush = |pending: &mut Vec<usize>, roles: &mut Vec<Option<bool>>| {
        let even = pending.len() - pending.len() % 2;
        for (k, &i) in pending[..even].iter().enumerate() {
            roles[i] = Some(k % 2 == 0);
        }
        pending.clear();
    };
    for (i, &(b, c)) in chars.iter().enumerate() {
        if c == '\n' && chars.get(i + 1).is_some_and(|x| x.1 == '\n') {
            flush(&mut pending, &mut roles);
        }
        if c == '"' && !protected[b] {
            pending.push(i);
        }
    }
    flush(&mut pending, &mut roles);
    roles
}

fn fix_characters(text: &str) -> (String, Vec<Fix>) {
    let mask = protect::protected_bytes(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let roles = quote_roles(&chars, &mask);
    let mut out = String::with_capacity(text.len() + 64);
    let mut fixes = Vec::new();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|x| x.1);
    let mut i = 0;
    while i < n {
        let (b, c) = chars[i];
        if mask[b] {
            out.push(c);
            i += 1;
            continue;
        }
        let prev = if i > 0 { at(i - 1) } else { None };
        let next = at(i + 1);
        match c {
            '\'' if prev.is_some_and(char::is_alphabetic)
                && next.is_some_and(char::is_alphabetic) =>
            {
                fixes.push(fix(APOSTROPHE, i, i + 1, "'", "’"));
                out.push('’');
                i += 1;
            }
            '"' if roles[i].is_some() => {
                i = if roles[i] == Some(true) {
                    open_quote(&chars, i, &mut out, &mut fixes, ENGLISH_QUOTES)
                } else {
                    close_quote(&chars, i, &mut out, &mut fixes, ENGLISH_QUOTES)
                };
            }
            '“' => i = open_quote(&chars, i, &mut out, &mut fixes, ENGLISH_QUOTES),
            '”' => i = close_quote(&chars, i, &mut out, &mut fixes, ENGLISH_QUOTES),
            '«' => i = open_quote(&chars, i, &mut out, &mut fixes, GUILLEMET_SPACE),
            '»' => i = close_quote(&chars, i, &mut out, &mut fixes, GUILLEMET_SPACE),
            ':' | ';' | '!' | '?' => {
                let next_ok = next.is_none_or(|x| {
                    x.is_whitespace()
                        || matches!(
                            x,
                            '»' | '”' | '"' | ')' | ']' | '*' | '_' | '!' | '?' | '.' | '…' | ','
                        )
                });
                let space = if c == ':' { NBSP } else { NNBSP };
                if next_ok {
                    space_before(&mut out, &mut fixes, i, c, space);
                }
                out.push(c);
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, fixes)
}

fn fix(rule: &'static str, start: usize, end: usize, before: &str, after: &str) -> Fix {
    Fix {
        rule,
        span: (start, end),
        before: before.to_string(),
        after: after.to_string(),
    }
}

/// Makes sure `out` ends with a no-break space before punctuation `c` at input char `i`.
fn space_before(out: &mut String, fixes: &mut Vec<Fix>, i: usize, c: char, space: char) {
    let last = out.chars().next_back();
    match last {
        Some(NBSP | NNBSP) | None => {}
        Some(' ') => {
            let trimmed = out.trim_end_matches(' ');
            let removed = out.len() - trimmed.len();
            let before_spaces = trimmed.chars().next_back();
            if before_spaces.is_some_and(|p| !p.is_whitespace()) {
                out.truncate(trimmed.len());
                out.push(space);
                fixes.push(fix(
                    PUNCTUATION_SPACE,
                    i - removed,
                    i + 1,
                    &format!("{}{c}", " ".repeat(removed)),
                    &format!("{space}{c}"),
                ));
            }
        }
        Some(p)
            if p.is_alphanumeric()
                || matches!(
                    p,
                    '»' | ')' | ']' | '”' | '’' | '*' | '_' | '`' | '%' | '€' | '$'
                ) =>
        {
            out.push(space);
            fixes.push(fix(
                PUNCTUATION_SPACE,
                i,
                i + 1,
                &c.to_string(),
                &format!("{space}{c}"),
            ));
        }
        Some(_) => {}
    }
}

/// Writes « and a no-break space for the opening quote at `i`; returns the next index.
fn open_quote(
    chars: &[(usize, char)],
    i: usize,
    out: &mut String,
    fixes: &mut Vec<Fix>,
    rule: &'static str,
) -> usize {
    let c = chars[i].1;
    let mut j = i + 1;
    while chars.get(j).is_some_and(|x| x.1 == ' ') {
        j += 1;
    }
    let next = chars.get(j).map(|x| x.1);
    out.push('«');
    let needs_space = next.is_some_and(|x| x != '\n' && x != NBSP && x != NNBSP);
    if needs_space {
        out.push(NBSP);
    }
    if c != '«' || (needs_space && (j > i + 1 || next.is_some())) {
        let before: String = chars[i..j].iter().map(|x| x.1).collect();
        let after = if needs_space {
            format!("«{NBSP}")
        } else {
            "«".to_string()
        };
        if before != after {
            fixes.push(fix(rule, i, j, &before, &after));
        }
    }
    if needs_space {
        j
    } else {
        i + 1
    }
}

/// Writes a no-break space and » for the closing quote at `i`; returns the next index.
fn close_quote(
    chars: &[(usize, char)],
    i: usize,
    out: &mut String,
    fixes: &mut Vec<Fix>,
    rule: &'static str,
) -> usize {
    let c = chars[i].1;
    let trimmed_len = out.trim_end_matches(' ').len();
    let removed = out.len() - trimmed_len;
    let last = out[..trimmed_len].chars().next_back();
    let needs_space = last.is_some_and(|p| p != '\n' && p != NBSP && p != NNBSP);
    if needs_space {
        out.truncate(trimmed_len);
        out.push(NBSP);
    }
    out.push('»');
    let start = if needs_space { i - removed } else { i };
    let before: String = chars[start..=i].iter().map(|x| x.1).collect();
    let after = if needs_space {
        format!("{NBSP}»")
    } else {
        "»".to_string()
    };
    if before != after && (c != '»' || needs_space) {
        fixes.push(fix(rule, start, i + 1, &before, &after));
    }
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> String {
        fix_typography(text).0
    }

    #[test]
    fn fixes_apostrophes_quotes_and_spaces() {
        assert_eq!(fixed("l'homme"), "l’homme");
        assert_eq!(
            fixed("Il dit \"oui\" ici."),
            "Il dit «\u{a0}oui\u{a0}» ici."
        );
        assert_eq!(fixed("Il dit “oui” ici."), "Il dit «\u{a0}oui\u{a0}» ici.");
        assert_eq!(fixed("Il dit «oui» ici."), "Il dit «\u{a0}oui\u{a0}» ici.");
        assert_eq!(
            fixed("Il dit « oui » ici."),
            "Il dit «\u{a0}oui\u{a0}» ici."
        );
        assert_eq!(
            fixed("Pourquoi? Voici: rien; enfin!"),
            "Pourquoi\u{202f}? Voici\u{a0}: rien\u{202f}; enfin\u{202f}!"
        );
        assert_eq!(
            fixed("Pourquoi ? Voici : oui"),
            "Pourquoi\u{202f}? Voici\u{a0}: oui"
        );
        assert_eq!(fixed("Quoi?!"), "Quoi\u{202f}?!");
    }

    #[test]
    fn leaves_correct_text_alone() {
        let good = "L’homme dit\u{a0}: «\u{a0}oui\u{a0}»\u{202f}! Vraiment\u{a0}?";
        let (out, fixes) = fix_typography(good);
        assert_eq!(out, good);
        assert!(fixes.is_empty(), "{fixes:?}");
    }

    #[test]
    fn does_not_touch_urls_code_times_or_markdown() {
        let text = "---\ntitle: \"L'été\"\nslug: l-ete\nurl: http://x.fr/a?b=c\n---\n# Titre\n\nÀ 10:30, voir [le site](https://exemple.fr/l'x?q=1) et `a:b; c!` ou <https://a.b/c?d>.\n\n```\nlet x = \"a\"; y = 'b';\n```\n\n- **Important!** ![img](i.png)\n";
        let (out, _) = fix_typography(text);
        assert!(out.contains("title: \"L’été\""));
        assert!(out.contains("url: http://x.fr/a?b=c"));
        assert!(out.contains("10:30"));
        assert!(out.contains("(https://exemple.fr/l'x?q=1)"));
        assert!(out.contains("`a:b; c!`"));
        assert!(out.contains("<https://a.b/c?d>"));
        assert!(out.contains("let x = \"a\"; y = 'b';"));
        assert!(out.contains("- **Important\u{202f}!** ![img](i.png)"));
        assert!(out.starts_with("---\ntitle:"));
        assert!(out.contains("\n# Titre\n"));
    }

    #[test]
    fn is_idempotent() {
        let texts = [
            "Il dit \"oui\" : l'homme « non »! Pourquoi ?",
            "# Les Nouvelles Règles Du Jeu\n\nLes nouvelles règles changent.\n",
            "Un \"seul guillemet\" et un \" orphelin.",
            "« Déjà »… et “encore” ; fini!",
        ];
        for t in texts {
            let (once, _) = fix_typography(t);
            let (twice, fixes) = fix_typography(&once);
            assert_eq!(once, twice);
            assert!(fixes.is_empty(), "{t}: {fixes:?}");
        }
    }

    #[test]
    fn lowers_title_case_headings() {
        let text = "# Les Nouvelles Règles Du Jeu\n\nLes nouvelles règles du jeu changent.\n\n## Emmanuel Macron Rencontre Vladimir Poutine\n\nIl rencontre.\n";
        let (out, fixes) = fix_typography(text);
        assert!(out.starts_with("# Les nouvelles règles du jeu\n"), "{out}");
        assert!(
            out.contains("## Emmanuel Macron rencontre Vladimir Poutine"),
            "{out}"
        );
        assert!(fixes.iter().all(|f| f.rule == TITLE_CASE));
        let chars: Vec<char> = text.chars().collect();
        let f = &fixes[0];
        assert_eq!(
            chars[f.span.0..f.span.1].iter().collect::<String>(),
            f.before
        );
    }

    #[test]
    fn spans_point_at_the_input() {
        let text = "Éé l'a";
        let (_, fixes) = fix_typography(text);
        assert_eq!(fixes[0].span, (4, 5));
    }

    #[test]
    fn fixes_a_file_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "l'été").unwrap();
        let fixes = fix_file(&path).unwrap();
        assert_eq!(fixes.len(), 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "l’été");
        assert!(fix_file(&path).unwrap().is_empty());
        assert!(fix_file(dir.path().join("missing.md")).is_err());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for t in [
            "",
            "\"",
            "«",
            "»",
            ":",
            "'",
            "😀 ?",
            "Привет мир!",
            "---\n",
            "```",
            "`",
            "\n\n\"\n\n\"",
        ] {
            let (once, _) = fix_typography(t);
            assert_eq!(fix_typography(&once).0, once);
        }
    }
}
