//! Word lists and tables loaded from the plain-text files in `data/` (one entry per
//! line, `#` starts a comment). Each list is parsed once, on first use.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The non-empty, non-comment lines of a data file, trimmed.
pub fn entries(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

fn set(data: &'static str) -> HashSet<&'static str> {
    entries(data).collect()
}

/// French function words (articles, pronouns, prepositions, conjunctions, auxiliaries).
pub static FUNCTION_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/function_words_fr.txt")));

/// Days of the week in the languages plume reads: capitalised at a sentence start or in
/// English, they are not names.
pub static WEEKDAYS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/weekdays.txt")));

/// Common French words that open sentences or headings without being names.
pub static COMMON_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/common_words_fr.txt")));

/// Abbreviations (without their final dot) that do not end a sentence.
pub static ABBREVIATIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/abbreviations.txt")));

/// Conjugated forms of « être ».
pub static ETRE_FORMS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/etre_forms.txt")));

/// Past participles of intransitive verbs conjugated with « être », with their
/// feminine and plural forms.
pub static ETRE_VERBS: LazyLock<HashSet<String>> =
    LazyLock::new(|| inflect(include_str!("data/etre_verbs_fr.txt")));

/// Irregular past participles, with their feminine and plural forms.
pub static IRREGULAR_PARTICIPLES: LazyLock<HashSet<String>> =
    LazyLock::new(|| inflect(include_str!("data/participles_fr.txt")));

/// Words that look like participles but are not.
pub static NON_PARTICIPLES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/non_participles_fr.txt")));

/// Words in -ent whose ending is pronounced.
pub static ENT_PRONOUNCED: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/ent_pronounced_fr.txt")));

/// Particles allowed inside a proper name.
pub static NAME_PARTICLES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/name_particles.txt")));

/// Syllable counts that the rules get wrong.
pub static SYLLABLE_EXCEPTIONS: LazyLock<HashMap<&'static str, usize>> = LazyLock::new(|| {
    entries(include_str!("data/syllable_exceptions_fr.txt"))
        .filter_map(|line| {
            let (word, count) = line.split_once(char::is_whitespace)?;
            Some((word, count.trim().parse().ok()?))
        })
        .collect()
});

/// Arial character widths in thousandths of an em.
pub static CHAR_WIDTHS: LazyLock<HashMap<char, u32>> = LazyLock::new(|| {
    entries(include_str!("data/char_widths_arial.txt"))
        .filter_map(|line| {
            let (ch, width) = line.split_once(' ')?;
            let ch = if ch == "space" {
                ' '
            } else {
                ch.chars().next()?
            };
            Some((ch, width.trim().parse().ok()?))
        })
        .collect()
});

/// Words allowed between « être » and a participle.
pub static PASSIVE_ADVERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/passive_adverbs_fr.txt")));

/// Forms of « avoir » (before « été »).
pub static AVOIR_FORMS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/avoir_forms.txt")));

/// Endings of common French words that names rarely have.
pub static COMMON_ENDINGS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| entries(include_str!("data/common_endings_fr.txt")).collect());

/// Multiplier words after a number (« millions ») → factor.
pub static NUMBER_MULTIPLIERS: LazyLock<HashMap<&'static str, u64>> =
    LazyLock::new(|| numbered(include_str!("data/number_multipliers.txt")));

/// Language code → its verbs of saying, as written.
pub static SPEECH_VERBS: LazyLock<Vec<(&'static str, Vec<&'static str>)>> = LazyLock::new(|| {
    entries(include_str!("data/speech_verbs.txt"))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.collect()))
        })
        .collect()
});

/// Institutions that Italian, Spanish and Portuguese capitalise (« il Comune »), folded: common
/// nouns, not names.
pub static INSTITUTIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(include_str!("data/institutions.txt")));

/// Month names (fr, en, es, de; lower case, unaccented) → month number.
pub static MONTHS: LazyLock<HashMap<&'static str, u32>> =
    LazyLock::new(|| numbered(include_str!("data/months.txt")));

/// Number words (fr, en, es, de; lower case, unaccented) → value.
pub static NUMBER_WORDS: LazyLock<HashMap<&'static str, u64>> =
    LazyLock::new(|| numbered(include_str!("data/number_words.txt")));

/// Groups of equivalent names across languages (folded).
pub static EXONYMS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    entries(include_str!("data/exonyms.txt"))
        .map(|line| line.split('|').map(str::trim).collect())
        .collect()
});

fn numbered<T: std::str::FromStr + Copy>(data: &'static str) -> HashMap<&'static str, T> {
    let mut map = HashMap::new();
    for line in entries(data) {
        let mut parts = line.split_whitespace();
        let Some(value) = parts.next().and_then(|v| v.parse::<T>().ok()) else {
            continue;
        };
        for word in parts {
            map.insert(word, value);
        }
    }
    map
}

fn inflect(data: &'static str) -> HashSet<String> {
    let mut out = HashSet::new();
    for word in entries(data) {
        out.insert(word.to_string());
        if !word.ends_with('s') {
            out.insert(format!("{word}s"));
        }
        out.insert(format!("{word}e"));
        out.insert(format!("{word}es"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        assert!(FUNCTION_WORDS.contains("les"));
        assert!(ETRE_FORMS.contains("sont"));
        assert!(ETRE_VERBS.contains("allées"));
        assert!(IRREGULAR_PARTICIPLES.contains("écrites"));
        assert_eq!(MONTHS.get("march"), Some(&3));
        assert_eq!(NUMBER_WORDS.get("deux"), Some(&2));
        assert_eq!(CHAR_WIDTHS.get(&' '), Some(&278));
        assert_eq!(SYLLABLE_EXCEPTIONS.get("pays"), Some(&2));
        assert!(EXONYMS.iter().any(|g| g.contains(&"russia")));
    }
}
