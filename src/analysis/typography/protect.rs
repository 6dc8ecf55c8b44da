//! The parts of a Markdown file that typography fixes must never touch: front-matter
//! keys and non-text values, fenced code, code spans, URLs, link destinations,
//! reference definitions, HTML tags and entities.

use std::sync::LazyLock;

use regex::Regex;

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?|ftp)://\S+|www\.\S+|mailto:\S+|\S+@\S+\.\w+").unwrap());
static LINK_DEST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\]\([^)\n]*\)").unwrap());
static REF_DEF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^ {0,3}\[[^\]\n]+\]:.*$").unwrap());
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--(?s:.*?)-->|<[^<>\n]*>").unwrap());
static ENTITY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"&#?[A-Za-z0-9]+;").unwrap());

/// Front-matter keys whose values are prose and may be fixed.
const TEXT_KEYS: &[&str] = &["title", "meta_description", "description", "keyphrase"];

/// One flag per byte of `text`: `true` where fixes must not apply.
pub fn protected_bytes(text: &str) -> Vec<bool> {
    let mut mask = vec![false; text.len()];
    let set = |mask: &mut Vec<bool>, start: usize, end: usize| {
        for m in &mut mask[start..end.min(text.len())] {
            *m = true;
        }
    };
    let body_start = protect_front_matter(text, &mut mask);
    // Fenced code blocks.
    let mut pos = body_start;
    let mut fence: Option<(char, usize, usize)> = None; // (char, length, start)
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let stripped = line.trim_start_matches(' ');
        let indent = line.len() - stripped.len();
        let marker = stripped.chars().next().filter(|c| *c == '`' || *c == '~');
        match (fence, marker) {
            (None, Some(c)) if indent <= 3 => {
                let n = stripped.chars().take_while(|x| *x == c).count();
                if n >= 3 {
                    fence = Some((c, n, pos));
                }
            }
            (Some((c, n, start)), Some(m)) if m == c => {
                let k = stripped.chars().take_while(|x| *x == c).count();
                if k >= n && stripped[k..].trim().is_empty() {
                    set(&mut mask, start, end);
                    fence = None;
                }
            }
            _ => {}
        }
        pos = end;
    }
    if let Some((_, _, start)) = fence {
        set(&mut mask, start, text.len());
    }
    protect_code_spans(text, body_start, &mut mask);
    for re in [&*URL, &*LINK_DEST, &*REF_DEF, &*TAG, &*ENTITY] {
        for m in re.find_iter(&text[body_start..]) {
            set(&mut mask, body_start + m.start(), body_start + m.end());
        }
    }
    mask
}

/// Protects the front matter except the values of prose keys (inside their quotes); returns
/// the body start (the end of the text when the front matter is never closed).
fn protect_front_matter(text: &str, mask: &mut [bool]) -> usize {
    let Some((entries, body_start)) = crate::article::front_matter::layout(text) else {
        return 0;
    };
    let body_start = body_start.unwrap_or(text.len());
    mask[..body_start].iter_mut().for_each(|m| *m = true);
    for entry in entries.iter().filter(|e| TEXT_KEYS.contains(&e.key)) {
        let raw = &text[entry.value.clone()];
        let quoted = raw.len() >= 2
            && ((raw.starts_with('"') && raw.ends_with('"'))
                || (raw.starts_with('\'') && raw.ends_with('\'')));
        let inner = if quoted {
            entry.value.start + 1..entry.value.end - 1
        } else {
            entry.value.clone()
        };
        mask[inner].iter_mut().for_each(|m| *m = false);
    }
    body_start
}

fn protect_code_spans(text: &str, from: usize, mask: &mut [bool]) {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] != b'`' || mask[i] {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
        let mut j = i + run;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let k = bytes[j..].iter().take_while(|b| **b == b'`').count();
                if k == run {
                    close = Some(j + k);
                    break;
                }
                j += k;
            } else if bytes[j] == b'\n' && bytes.get(j + 1) == Some(&b'\n') {
                break;
            } else {
                j += 1;
            }
        }
        let end = close.unwrap_or(i + run);
        for m in &mut mask[i..end] {
            *m = true;
        }
        i = end;
    }
}
