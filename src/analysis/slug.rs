//! URL slugs: accents folded, lower case, words joined by hyphens, at most 75
//! characters, cut at a word boundary.

use crate::analysis::text::fold;

/// The longest slug [`slugify`] returns, in characters.
pub const MAX_SLUG_CHARS: usize = 75;

/// A slug for `text`: « L’Élysée répond à Moscou » → `l-elysee-repond-a-moscou`.
pub fn slugify(text: &str) -> String {
    let folded = fold(text);
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in folded.chars() {
        if c.is_alphanumeric() {
            cur.push(c);
        } else if !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut slug = String::new();
    let mut len = 0;
    for w in words {
        let wlen = w.chars().count();
        let extra = if slug.is_empty() { wlen } else { wlen + 1 };
        if len + extra > MAX_SLUG_CHARS {
            if slug.is_empty() {
                slug = w.chars().take(MAX_SLUG_CHARS).collect();
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&w);
        len += extra;
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugifies_french_titles() {
        assert_eq!(
            slugify("L’Élysée répond à Moscou"),
            "l-elysee-repond-a-moscou"
        );
        assert_eq!(
            slugify("  Œuvres  complètes : 1 000 pages !"),
            "oeuvres-completes-1-000-pages"
        );
        assert_eq!(slugify(""), "");
        assert_eq!(slugify("😀 !!"), "");
    }

    #[test]
    fn cuts_at_a_word_boundary() {
        let title = "mot ".repeat(40);
        let slug = slugify(&title);
        assert!(slug.chars().count() <= MAX_SLUG_CHARS);
        assert!(slug.ends_with("mot"));
        assert_eq!(slugify(&"a".repeat(100)).chars().count(), MAX_SLUG_CHARS);
    }
}
