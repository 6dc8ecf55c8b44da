//! Content words: the words of a text that carry its meaning (not articles, pronouns,
//! prepositions, auxiliaries), reduced to their French stem (Snowball) so that « inauguré »
//! and « inauguration », « travaux » and « travail » compare equal. Used to tell whether two
//! sentences say the same thing, and whether a heading says something its section does not.

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::analysis::lists::{AVOIR_FORMS, ETRE_FORMS, FUNCTION_WORDS};
use crate::analysis::spelling::unknown_words;
use crate::analysis::text::phrase_tokens;
use crate::source::lang::Lang;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));

/// A few more words that carry no claim of their own.
const LIGHT: [&str; 22] = [
    "très", "plus", "moins", "aussi", "ainsi", "tout", "tous", "toute", "toutes", "bien", "déjà",
    "encore", "alors", "donc", "fait", "faire", "être", "avoir", "cela", "ceci", "celui", "celle",
];

/// Whether `token` (lower case) is a content word.
pub fn is_content_word(token: &str) -> bool {
    token.chars().count() >= 2
        && token.chars().any(char::is_alphanumeric)
        && !token.ends_with('’')
        && !FUNCTION_WORDS.contains(token)
        && !ETRE_FORMS.contains(token)
        && !AVOIR_FORMS.contains(token)
        && !LIGHT.contains(&token)
}

/// The stem of a lower-case word.
pub fn stem(token: &str) -> String {
    STEMMER.stem(token).into_owned()
}

/// The stems of the content words of `text`, in order, with repeats.
pub fn content_stems(text: &str) -> Vec<String> {
    phrase_tokens(text)
        .into_iter()
        .filter(|t| is_content_word(t))
        .map(|t| stem(&t))
        .collect()
}

/// The set of content stems of `text`.
pub fn stem_set(text: &str) -> HashSet<String> {
    content_stems(text).into_iter().collect()
}

/// The share of `a`'s content words that `b` has too (0 when `a` has none).
pub fn shared_share(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    a.iter().filter(|s| b.contains(*s)).count() as f64 / a.len() as f64
}

/// Two sentences say the same thing when one shares at least 80 % of its content words with
/// the other (sentences of fewer than three content words are too short to tell).
pub const NEAR_DUPLICATE_SHARE: f64 = 0.8;

/// Whether sentences with content stems `a` and `b` are near duplicates.
pub fn near_duplicates(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.len() >= 3 && shared_share(small, large) >= NEAR_DUPLICATE_SHARE
}

/// The pairs `(i, j)`, `i < j`, of near-duplicate sentences among `sentences`.
pub fn near_duplicate_pairs(sentences: &[&str]) -> Vec<(usize, usize)> {
    let mut index = StemIndex::default();
    let mut out = Vec::new();
    for (j, sentence) in sentences.iter().enumerate() {
        let stems = stem_set(sentence);
        out.extend(index.near_duplicates_of(&stems).into_iter().map(|i| (i, j)));
        index.add(&stems);
    }
    out.sort_unstable();
    out
}

/// Sentences' content stems, indexed by stem, to find the near duplicates of a new sentence
/// among many without comparing it with each (only sentences sharing a stem are counted):
/// the same answers as [`near_duplicates`] against every sentence added.
#[derive(Debug, Clone, Default)]
pub struct StemIndex {
    /// Each sentence's number of stems, by id (the order of [`StemIndex::add`]).
    sizes: Vec<usize>,
    /// The sentences that have each stem.
    postings: std::collections::HashMap<String, Vec<usize>>,
}

impl StemIndex {
    /// Adds a sentence's stems; its id is the number of sentences added before it.
    pub fn add(&mut self, stems: &HashSet<String>) {
        let id = self.sizes.len();
        self.sizes.push(stems.len());
        for stem in stems {
            self.postings.entry(stem.clone()).or_default().push(id);
        }
    }

    /// The ids, in order, of the sentences added that are near duplicates of `stems`.
    pub fn near_duplicates_of(&self, stems: &HashSet<String>) -> Vec<usize> {
        let mut shared: std::collections::HashMap<usize, usize> = Default::default();
        for stem in stems {
            for &id in self.postings.get(stem).map_or(&[][..], Vec::as_slice) {
                *shared.entry(id).or_default() += 1;
            }
        }
        let mut ids: Vec<usize> = shared
            .into_iter()
            .filter(|&(id, common)| {
                let small = stems.len().min(self.sizes[id]);
                small >= 3 && common as f64 / small as f64 >= NEAR_DUPLICATE_SHARE
            })
            .map(|(id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// The content words of `text` (as written, lower case) whose stem is not in `known`.
pub fn words_outside(text: &str, known: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in phrase_tokens(text) {
        if is_content_word(&token)
            && !token.chars().all(|c| c.is_ascii_digit())
            && !known.contains(&stem(&token))
            && !out.contains(&token)
        {
            out.push(token);
        }
    }
    out
}

/// What the checks need to know of the whole source.
#[derive(Debug, Clone)]
pub struct SourceContext {
    pub lang: Lang,
    /// The source's words in lower case (a French source may keep words the dictionary lacks).
    pub words: HashSet<String>,
    /// The stems of the source's content words.
    pub stems: HashSet<String>,
    /// Words the source capitalises inside a sentence (folded): its names, which a sentence of
    /// the article may open with (« Helionorte refuse ces critiques. »). Empty for German, which
    /// capitalises every noun.
    names: HashSet<String>,
    /// German only: the capitalised words the source puts after a determiner (« am
    /// Marktplatz », « die neue Bücherei »), folded: common nouns, which a translation renders.
    nouns: HashSet<String>,
}

/// German determiners and the prepositions contracted with one (*am*, *zum*).
const GERMAN_DETERMINERS: [&str; 19] = [
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
    "im", "am", "vom", "zum", "zur", "beim", "ins",
];

/// The capitalised words of a German `text` that follow a determiner, at most two lower-case
/// words (its adjectives) between them, and no capitalised word after them (folded).
fn german_nouns(text: &str) -> HashSet<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = HashSet::new();
    for (i, w) in words.iter().enumerate() {
        if !GERMAN_DETERMINERS.contains(&w.to_lowercase().as_str()) {
            continue;
        }
        let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
        let Some(at) = words[i + 1..]
            .iter()
            .take(3)
            .position(|n| !n.chars().next().is_some_and(char::is_lowercase))
            .map(|k| i + 1 + k)
        else {
            continue;
        };
        // A name of several capitalised words (« die Deutsche Bahn ») is a name.
        if capitalised(&words[at]) && !words.get(at + 1).is_some_and(capitalised) {
            out.insert(crate::analysis::text::fold(&words[at].to_lowercase()));
        }
    }
    out
}

impl SourceContext {
    pub fn new(text: &str, lang: Lang) -> Self {
        SourceContext {
            lang,
            words: phrase_tokens(text).into_iter().collect(),
            stems: stem_set(text),
            names: match lang {
                Lang::De => HashSet::new(),
                _ => crate::facts::capitalised_mid_sentence(text),
            },
            nouns: match lang {
                Lang::De => german_nouns(text),
                _ => HashSet::new(),
            },
        }
    }

    /// Whether `token` (lower case) is a noun the source capitalises though it is no name: an
    /// institution of an Italian, Spanish or Portuguese source (« il Comune »), a German noun.
    fn is_noun(&self, token: &str) -> bool {
        let folded = crate::analysis::text::fold(token);
        self.nouns.contains(&folded)
            || (matches!(self.lang, Lang::It | Lang::Es | Lang::Pt)
                && crate::analysis::lists::INSTITUTIONS.contains(folded.as_str()))
    }

    /// Whether the source has `word` (an elided word by what follows the apostrophe).
    pub fn has_word(&self, word: &str) -> bool {
        phrase_tokens(word)
            .iter()
            .filter(|t| !t.ends_with('’'))
            .all(|t| self.words.contains(t))
    }

    /// The words of `text` that are not French: unknown to the dictionary, and, for a French
    /// source, not the source's own (a foreign source's words are not French); a name of the
    /// source opening a sentence is not looked up.
    pub fn unknown_words(&self, text: &str) -> Vec<String> {
        let french = self.lang == Lang::Fr;
        let name = |w: &str| {
            w.chars().next().is_some_and(char::is_uppercase)
                && self.names.contains(&crate::analysis::text::fold(w))
        };
        let mut unknown = unknown_words(text, &|w| (french && self.has_word(w)) || name(w));
        if !french {
            // « al », « die », « causa »: French only inside a locution, the source's own word;
            // « le Comune », « am Marktplatz »: a noun of the source left as it was, capital and
            // all.
            for token in phrase_tokens(text) {
                let left = (crate::analysis::spelling::only_in_locutions(&token)
                    || (self.is_noun(&token)
                        && !crate::analysis::spelling::is_french_word(&token)))
                    && self.words.contains(&token);
                if left && !unknown.iter().any(|w| w.to_lowercase() == token) {
                    unknown.push(token);
                }
            }
        }
        unknown
    }

    /// The content stems of `examples` (a prompt's own examples) that the source lacks.
    pub fn foreign_stems(&self, examples: &str) -> HashSet<String> {
        stem_set(examples)
            .into_iter()
            .filter(|s| !self.stems.contains(s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::SourceContext;
    use crate::source::lang::Lang;

    #[test]
    fn a_sentence_may_open_with_a_name_of_the_source_not_with_a_foreign_word() {
        let es = SourceContext::new(
            "La empresa Helionorte comenzará las obras. Durante los meses de obras, Helionorte contratará.",
            Lang::Es,
        );
        assert!(es
            .unknown_words("Helionorte refuse ces critiques.")
            .is_empty());
        // French only in a locution (« al dente »), and the source's own word: untranslated.
        let it = SourceContext::new("Il tram sarà gratuito fino al 30 novembre.", Lang::It);
        assert_eq!(
            it.unknown_words("Le tram sera gratuit jusqu’al 30 novembre."),
            vec!["al"]
        );
        assert!(it
            .unknown_words("Le tram sera gratuit jusqu’au 30 novembre.")
            .is_empty());
        // Institutions Italian capitalises, German nouns after a determiner: not names.
        let it = SourceContext::new(
            "Secondo il Comune, la linea è costata 214 milioni.",
            Lang::It,
        );
        assert_eq!(
            it.unknown_words("Selon le Comune, la ligne a coûté 214 millions."),
            vec!["comune"]
        );
        assert!(it
            .unknown_words("Selon la commune, la ligne a coûté 214 millions.")
            .is_empty());
        let de = SourceContext::new(
            "Das Haus am Marktplatz öffnet. Die neue Stadtbücherei Lindenau sagte Dorothea Vennekamp. \
             Sie fährt mit der Deutschen Bahn.",
            Lang::De,
        );
        assert_eq!(
            de.unknown_words(
                "La maison du Marktplatz ouvre, a dit Dorothea Vennekamp de Lindenau."
            ),
            vec!["marktplatz"]
        );
        assert_eq!(
            es.unknown_words("Durante les mois de travaux."),
            vec!["Durante"]
        );
        // German capitalises every noun: a noun opening a sentence is no name.
        let de = SourceContext::new(
            "Gestern sprach der Kulturdezernent Friedhelm Osterkamp im Rathaus.",
            Lang::De,
        );
        assert_eq!(
            de.unknown_words("Kulturdezernent Friedhelm Osterkamp a parlé hier."),
            vec!["Kulturdezernent"]
        );
        // The first name of a name that only ever opens a sentence is a name too; a function
        // word before a name is not.
        let en = SourceContext::new(
            "Hauliers felt it. Priya Danforth runs a firm. The Harrowmouth Port Authority said no.",
            Lang::En,
        );
        assert!(en
            .unknown_words("Priya Danforth dirige une entreprise.")
            .is_empty());
        assert_eq!(
            en.unknown_words("The Harrowmouth Port Authority a dit non."),
            vec!["The"]
        );
    }

    #[test]
    fn the_stem_index_finds_the_same_pairs_as_comparing_every_pair() {
        let words = [
            "gare",
            "train",
            "ligne",
            "travaux",
            "région",
            "budget",
            "maire",
            "voyageurs",
            "horaires",
            "chantier",
        ];
        // Sentences of 2 to 6 of these words, overlapping in every way.
        let sentences: Vec<String> = (0..120u32)
            .map(|i| {
                let n = 2 + (i as usize * 7) % 5;
                let picked: Vec<&str> = (0..n)
                    .map(|k| words[(i as usize * 3 + k * (1 + i as usize % 4)) % words.len()])
                    .collect();
                format!("La {} est là.", picked.join(" et la "))
            })
            .collect();
        let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
        let sets: Vec<HashSet<String>> = refs.iter().map(|s| stem_set(s)).collect();
        let mut brute = Vec::new();
        for i in 0..sets.len() {
            for j in i + 1..sets.len() {
                if near_duplicates(&sets[i], &sets[j]) {
                    brute.push((i, j));
                }
            }
        }
        assert!(brute.len() > 10, "the sample has pairs: {}", brute.len());
        assert_eq!(near_duplicate_pairs(&refs), brute);
    }

    use super::*;

    #[test]
    fn stems_join_forms_of_a_word() {
        assert_eq!(stem("inauguré"), stem("inaugurée"));
        assert_eq!(stem("annonce"), stem("annoncé"));
        assert!(content_stems("Le maire a inauguré la passerelle").len() == 3);
    }

    #[test]
    fn repeated_sentences_are_near_duplicates() {
        // Key points and FAQ answers that say a body sentence again.
        let a = "Le premier train est parti de la gare de Valmorin lundi à 6 h 12.";
        let b = "Lundi, le premier train est parti de la gare de Valmorin.";
        let c = "Les travaux ont coûté 96 millions d’euros, financés à 60 % par la région.";
        assert_eq!(near_duplicate_pairs(&[a, b, c]), vec![(0, 1)]);
    }

    #[test]
    fn heading_words_outside_the_section_are_found() {
        let section = stem_set("La passerelle a été inaugurée samedi par la maire.");
        assert!(words_outside("Inauguration de la passerelle", &section).is_empty());
        assert_eq!(
            words_outside(
                "Les travaux de la passerelle annoncés par la préfecture",
                &section
            ),
            vec!["travaux", "annoncés", "préfecture"]
        );
    }
}
