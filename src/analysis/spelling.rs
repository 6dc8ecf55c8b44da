//! French spelling, with the Dicollecte « classique » Hunspell dictionary (MPL-2.0, the files
//! Debian ships as `hunspell-fr-classical`, vendored in `data/hunspell/` with their licence)
//! read by the `spellbook` crate. The dictionary is built once, on first use (`plume check`
//! of a short file, dictionary included, takes 0.02 s here).

use std::sync::LazyLock;

use spellbook::Dictionary;

use crate::analysis::text::{sentence_ranges, word_ranges};

/// The dictionary's word list, with each entry's morphology (« po:nom is:fem »).
pub(crate) const FRENCH_DIC: &str = include_str!("data/hunspell/fr.dic");
pub(crate) const FRENCH_AFF: &str = include_str!("data/hunspell/fr.aff");

static DICTIONARY: LazyLock<Dictionary> = LazyLock::new(|| {
    Dictionary::new(FRENCH_AFF, FRENCH_DIC)
        // The vendored files are fixed at build time; a test checks that they parse.
        .expect("the vendored French dictionary parses")
});

/// Elided words that may stand before an apostrophe (« l’ », « qu’ », « jusqu’ »…).
const ELISIONS: [&str; 14] = [
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu",
];

/// Whether the dictionary knows `word` (as written, or in lower case), an elided word
/// (« l’habitat ») by what follows the apostrophe, a hyphenated word (« a-t-elle »,
/// « centre-ville ») whole or part by part.
pub fn is_french_word(word: &str) -> bool {
    let dict = &*DICTIONARY;
    let known = |w: &str| w.is_empty() || dict.check(w) || dict.check(&w.to_lowercase());
    let word = word.replace('\'', "’");
    if known(&word) {
        return true;
    }
    if let Some((head, tail)) = word.rsplit_once('’') {
        let head = head.to_lowercase();
        let elided = head.rsplit('’').next().unwrap_or(&head);
        if ELISIONS.contains(&elided) {
            return is_french_word(tail);
        }
        return false;
    }
    if word.contains('-') {
        return word
            .split('-')
            .all(|part| part == "t" || part.is_empty() || known(part));
    }
    false
}

/// What the dictionary's entries say of one word (all its lines together): read once, for the
/// checks that need the parts of speech (agreement, locutions, infinitives).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entries {
    /// A noun that can be masculine (epicene, or no gender given, counts for both).
    pub masculine_noun: bool,
    /// A noun that can be feminine.
    pub feminine_noun: bool,
    pub adjective: bool,
    /// A verb, an adverb, a determiner…: anything that is not a noun or an adjective.
    pub other: bool,
    /// A verb headword (the infinitive: the word list has lemmas).
    pub verb: bool,
    /// A noun on a line that is not a verb's.
    pub noun: bool,
    /// Some line of the word is not a locution's (`po:loc`).
    pub outside_locutions: bool,
}

static ENTRIES: LazyLock<std::collections::HashMap<&'static str, Entries>> = LazyLock::new(|| {
    let mut map: std::collections::HashMap<&'static str, Entries> =
        std::collections::HashMap::new();
    for line in FRENCH_DIC.lines().skip(1) {
        let (head, morph) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let word = head.split('/').next().unwrap_or(head);
        if word.is_empty() {
            continue;
        }
        let e = map.entry(word).or_default();
        let fields: Vec<&str> = morph.split_whitespace().collect();
        let noun = fields.contains(&"po:nom");
        if noun {
            let mas = fields.contains(&"is:mas");
            let fem = fields.contains(&"is:fem");
            e.masculine_noun |= mas || !fem;
            e.feminine_noun |= fem || !mas;
        }
        e.adjective |= fields.contains(&"po:adj");
        e.other |= fields
            .iter()
            .any(|f| f.starts_with("po:") && *f != "po:nom" && *f != "po:adj");
        let verb = fields.iter().any(|f| f.starts_with("po:v"));
        e.verb |= verb;
        e.noun |= noun && !verb;
        e.outside_locutions |= !fields.iter().any(|f| f.starts_with("po:loc"));
    }
    map
});

/// What the dictionary's entries say of `word` (as the word list writes it: lemmas, lower
/// case for ordinary words), when it has any.
pub(crate) fn entries(word: &str) -> Option<&'static Entries> {
    ENTRIES.get(word)
}

/// Whether the dictionary has `word` (lower case) only inside locutions (« al » of *al
/// dente*, « die » of *ad vitam aeternam*… tagged `po:loc`): French, but never alone. A
/// translation that has one from its source (« jusqu’al 30 novembre » for *fino al*) left a
/// word untranslated.
pub fn only_in_locutions(word: &str) -> bool {
    entries(word).is_some_and(|e| !e.outside_locutions)
}

/// Whether `word` (lower case) is a verb's infinitive, and not also a noun (« offrir », not
/// « dîner »).
pub fn is_infinitive_only(word: &str) -> bool {
    entries(word).is_some_and(|e| e.verb && !e.noun)
}

/// Vulgar French words (lower case): a small model that garbles a word can land on one
/// (« baisés » for « baissé »), and a newspaper prints none that its source did not quote. The
/// noun « baiser » (a kiss) is not one.
const VULGAR: [&str; 51] = [
    "baise",
    "baises",
    "baisent",
    "baisé",
    "baisée",
    "baisés",
    "baisées",
    "baisait",
    "baisaient",
    "baisais",
    "baisons",
    "baisez",
    "putain",
    "putains",
    "pute",
    "putes",
    "merde",
    "merdes",
    "merdique",
    "con",
    "cons",
    "conne",
    "connes",
    "connard",
    "connards",
    "connasse",
    "salope",
    "salopes",
    "salaud",
    "salauds",
    "enculé",
    "enculés",
    "enculer",
    "bite",
    "bites",
    "couille",
    "couilles",
    "couillon",
    "chier",
    "chié",
    "foutre",
    "foutu",
    "foutue",
    "foutus",
    "niquer",
    "niqué",
    "bordel",
    "emmerder",
    "emmerdé",
    "chiant",
    "branleur",
];

/// Whether `word` (lower case) is a vulgar word ([`VULGAR`]).
pub fn is_vulgar(word: &str) -> bool {
    VULGAR.contains(&word)
}

/// The words of `text` that are not French: unknown to the dictionary and not allowed by
/// `allowed` (the caller passes the source's own words when they may be kept). Words with
/// digits, acronyms and capitalised words inside a sentence (names: the fact check's
/// business) are not looked up; a capitalised first word is looked up in lower case.
pub fn unknown_words(text: &str, allowed: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for sentence in sentence_ranges(text) {
        let s = &text[sentence.clone()];
        for (i, range) in word_ranges(s).into_iter().enumerate() {
            let word = &s[range];
            if word.chars().any(|c| c.is_ascii_digit())
                || word.chars().filter(|c| c.is_uppercase()).count() > 1
                || word.chars().count() < 2
            {
                continue;
            }
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            if capitalised && i > 0 {
                continue;
            }
            if !is_french_word(word) && !allowed(word) && !out.iter().any(|w| w == word) {
                out.push(word.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_dictionary_knows_french() {
        for w in [
            "maison",
            "augmenteront",
            "habitat",
            "l’habitat",
            "aujourd’hui",
            "a-t-elle",
            "centre-ville",
            "été",
            "Préfecture",
            "qu’il",
            "jusqu’à",
        ] {
            assert!(is_french_word(w), "{w}");
        }
    }

    #[test]
    fn invented_and_foreign_words_are_unknown() {
        // Words the default model wrote in articles translated from Spanish.
        for w in [
            "requillera",
            "enraquerait",
            "l’habitatte",
            "megavatios",
            "esteparia",
        ] {
            assert!(!is_french_word(w), "{w}");
        }
    }

    #[test]
    fn unknown_words_skip_names_numbers_and_allowed_words() {
        let text = "Selon Jeanne Morel, la requillera de Valbrune compte 1200 megavatios. Esteparia reste.";
        let none = |_: &str| false;
        assert_eq!(
            unknown_words(text, &none),
            vec!["requillera", "megavatios", "Esteparia"]
        );
        let source_words = |w: &str| w == "megavatios";
        assert_eq!(
            unknown_words(text, &source_words),
            vec!["requillera", "Esteparia"]
        );
    }
}
