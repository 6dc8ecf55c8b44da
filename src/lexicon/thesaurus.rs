//! A MyThes thesaurus (`thes_fr.dat`, LibreOffice's French thesaurus): each entry is a word
//! followed by its meanings, each a part of speech and a list of synonyms. Only one-word
//! synonyms are kept: they are what a sentence's words are compared with.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Default)]
pub struct Thesaurus {
    synonyms: HashMap<String, HashSet<String>>,
}

impl Thesaurus {
    /// Reads the `.dat` file's text (its first line names the encoding; UTF-8 is assumed).
    pub fn parse(text: &str) -> Thesaurus {
        let mut synonyms: HashMap<String, HashSet<String>> = HashMap::new();
        let mut lines = text.lines().skip(1);
        while let Some(head) = lines.next() {
            let Some((word, count)) = head.rsplit_once('|') else {
                continue;
            };
            let Ok(count) = count.trim().parse::<usize>() else {
                continue;
            };
            let set = synonyms.entry(word.to_lowercase()).or_default();
            for meaning in lines.by_ref().take(count) {
                for synonym in meaning.split('|').skip(1) {
                    let synonym = synonym.trim();
                    if !synonym.is_empty() && !synonym.contains([' ', '(']) {
                        set.insert(synonym.to_lowercase());
                    }
                }
            }
        }
        Thesaurus { synonyms }
    }

    /// Whether `a` lists `b` as a synonym, or `b` lists `a` (both lemmas, lower case).
    pub fn related(&self, a: &str, b: &str) -> bool {
        let lists = |x: &str, y: &str| self.synonyms.get(x).is_some_and(|s| s.contains(y));
        lists(a, b) || lists(b, a)
    }

    pub fn len(&self) -> usize {
        self.synonyms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.synonyms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Thesaurus;

    #[test]
    fn reads_entries_and_compares_both_ways() {
        let t = Thesaurus::parse(
            "UTF-8\nmaintien|2\n(Nom)|conservation|entretien\n(Nom)|port|à présent\n\
             maintenance|1\n(Nom)|assistance|suivi\n",
        );
        assert_eq!(t.len(), 2);
        assert!(t.related("maintien", "entretien"));
        assert!(t.related("entretien", "maintien"));
        assert!(!t.related("maintien", "maintenance"));
        assert!(!t.related("maintien", "à présent"), "phrases are left out");
    }
}
