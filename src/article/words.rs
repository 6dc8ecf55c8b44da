//! A tiny, local notion of "word" shared by the reader and the renderers: a run of
//! letters or digits, where an apostrophe or hyphen between two letters stays inside
//! the word ("aujourd'hui", "Saint-Malo"). The analysis module has the full French
//! tokenizer; this one only counts words and feeds language detection.

/// Counts the words in `text`.
pub fn word_count(text: &str) -> usize {
    words(text).count()
}

/// The words of `text`, in order, as slices of it.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| c.is_alphanumeric())?;
        let tail = &rest[start..];
        let mut end = tail.len();
        let mut prev_alnum = false;
        let mut chars = tail.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let joins = is_joiner(c)
                && prev_alnum
                && chars
                    .peek()
                    .is_some_and(|&(_, next)| next.is_alphanumeric());
            if !(c.is_alphanumeric() || joins) {
                end = i;
                break;
            }
            prev_alnum = c.is_alphanumeric();
        }
        let word = &tail[..end];
        rest = &tail[end..];
        Some(word)
    })
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_elisions_and_compounds_whole() {
        let got: Vec<&str> = words("L’homme d'État de Saint-Malo -- a dit : « 42 ans ».").collect();
        assert_eq!(
            got,
            [
                "L’homme",
                "d'État",
                "de",
                "Saint-Malo",
                "a",
                "dit",
                "42",
                "ans"
            ]
        );
    }

    #[test]
    fn counts_nothing_in_punctuation() {
        assert_eq!(word_count(" — … ' - "), 0);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("élève écoute"), 2);
    }
}
