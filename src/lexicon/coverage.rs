//! Every content word accounted for: the content words of a model-written sentence are
//! matched to the words of its source — the same lemma or stem, a thesaurus synonym, or, for
//! a translation, a dictionary translation (or the same word: a cognate) — both ways. A word
//! of the sentence matched by nothing says something the source does not; a word of the
//! source matched by nothing was left out. Names and numbers are not looked at here (the
//! fact check has them), nor function words.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{Foreign, Lexicon};
use crate::analysis::content::is_content_word;
use crate::analysis::lists::{MONTHS, WEEKDAYS};
use crate::analysis::text::{fold, lower_fr, phrase_tokens, sentences};
use crate::analysis::transition::{has_transition, transitions_in};
use crate::source::lang::Lang;

static FRENCH_STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::French));

/// How the words of a candidate and its source match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Coverage {
    /// Whether the words could be compared: a French source with the thesaurus, or a
    /// language with its dictionary. When not, the lists below are empty.
    pub checked: bool,
    /// The source is French: the candidate is a paraphrase, not a translation.
    pub paraphrase: bool,
    /// The candidate's content words (lower case, in order, once each).
    pub words: Vec<String>,
    /// Those matched by no word of the source.
    pub unaccounted: Vec<String>,
    /// The source's content words.
    pub source_words: Vec<String>,
    /// Those the candidate renders by no word.
    pub unrendered: Vec<String>,
    /// Source words the dictionary lacks (a translation cannot be judged against them).
    pub unjudged: Vec<String>,
    /// Unaccounted words of the candidate standing where an unrendered word of the source
    /// stood: (candidate's word, source's word), « démolition » for « rénovation ».
    pub substituted: Vec<(String, String)>,
    /// How many sentences the source has (the thresholds are per sentence).
    pub source_sentences: usize,
    /// Unrendered adverbs of the source (« apparemment », « provisoirement », « environ »):
    /// what restricts or hedges its claim.
    pub lost_qualifiers: Vec<String>,
}

/// A candidate may use this many content words per source sentence that the source accounts
/// for by nothing (beyond those the dictionary's gaps may explain, [`Coverage::excess`]).
pub const MAX_UNACCOUNTED: usize = 4;
/// A candidate may leave this many content words of its source unrendered, per source
/// sentence.
pub const MAX_UNRENDERED: usize = 4;
/// A candidate that renders every word of its source and adds this many words of its own adds
/// a claim.
pub const ADDED: usize = 3;

impl Coverage {
    /// Whether the check refuses the candidate: [`Coverage::faulty`], for a paraphrase of a
    /// French source. A translation's words are compared and recorded, not refused on: with
    /// the small FreeDict dictionaries the rule refuses about as many faithful translations
    /// as altered ones (`cargo run --release --example lexical`).
    pub fn refused(&self) -> bool {
        self.paraphrase && self.faulty()
    }

    /// The candidate's words matched by nothing, beyond one for each source word the
    /// dictionary lacks (which may be what they translate).
    pub fn excess(&self) -> usize {
        self.unaccounted.len().saturating_sub(self.unjudged.len())
    }

    /// Whether the candidate puts other words where the source's stood (a substitution),
    /// drops an adverb that qualifies the claim, leaves a word out while adding none (an
    /// omission), adds [`ADDED`] words or more while leaving none out (an addition), or says
    /// much the source does not or leaves out much of what it says (the thresholds above,
    /// chosen on `tests/data/lexical/pairs.tsv`).
    pub fn faulty(&self) -> bool {
        let sentences = self.source_sentences.max(1);
        let (added, left_out) = (self.excess(), self.unrendered.len());
        self.checked
            && (!self.substituted.is_empty()
                || !self.lost_qualifiers.is_empty()
                || (added == 0 && left_out > 0)
                || (left_out == 0 && added >= ADDED)
                || added > MAX_UNACCOUNTED * sentences
                || left_out > MAX_UNRENDERED * sentences)
    }

    /// Whether the sentence was checked word by word: a paraphrase of a French source whose
    /// words were compared (a translation's comparison is recorded, not a check).
    pub fn lexically_checked(&self) -> bool {
        self.checked && self.paraphrase
    }
}

/// A word as written: lower case, and whether it is capitalised where a sentence does not
/// ask for it (a name).
struct Token {
    lower: String,
    /// Capitalised inside a sentence.
    name: bool,
    capital: bool,
}

/// The words of `text`, elisions dropped (« l’objet » → objet), hyphenated words in parts.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let mut first = true;
        let mut current = String::new();
        let flush = |current: &mut String, first: &mut bool, out: &mut Vec<Token>| {
            if current.is_empty() {
                return;
            }
            for part in current.split('-').filter(|p| !p.is_empty()) {
                let capital = part.chars().next().is_some_and(char::is_uppercase);
                out.push(Token {
                    lower: lower_fr(part),
                    name: capital && !*first,
                    capital,
                });
            }
            current.clear();
            *first = false;
        };
        for c in sentence.chars() {
            if c.is_alphanumeric() || c == '-' {
                current.push(c);
            } else if matches!(c, '\'' | '’' | 'ʼ') {
                // an elided article or pronoun: the word is what follows
                current.clear();
            } else {
                flush(&mut current, &mut first, &mut out);
                if matches!(c, '«' | ':' | '"' | '“') {
                    first = true;
                }
            }
        }
        flush(&mut current, &mut first, &mut out);
    }
    out
}

/// A date word (weekday, month): the fact check compares dates.
fn is_date_word(word: &str) -> bool {
    WEEKDAYS.contains(word) || MONTHS.contains_key(word)
}

/// The French content words of `text` the dictionary knows, in order (names, numbers, dates
/// and unknown words are left to the other checks; connectives such as « également »,
/// « toutefois » link sentences more than they make claims).
fn french_content(lexicon: &Lexicon, text: &str) -> Vec<String> {
    // the words of the connectives the text has (« d’abord », « en effet », « toutefois »)
    let linking: HashSet<String> = transitions_in(text)
        .iter()
        .flat_map(|t| phrase_tokens(t))
        .collect();
    tokens(text)
        .into_iter()
        .filter(|t| {
            let w = &t.lower;
            !t.name
                && !w.chars().any(|c| c.is_ascii_digit())
                && is_content_word(w)
                && !is_date_word(w)
                && !linking.contains(w)
                && lexicon.french.knows(w)
        })
        .map(|t| t.lower)
        .collect()
}

/// The content words of a source in another language, in order: not names, numbers, dates
/// or function words. A name is a capitalised word inside a sentence, or one opening it that
/// the dictionary lacks; in German, where every noun is capitalised, only a capitalised word
/// the dictionary lacks.
fn foreign_content(foreign: &Foreign, lang: Lang, text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| {
            let w = &t.lower;
            if w.chars().count() < 2
                || w.chars().any(|c| c.is_ascii_digit())
                || foreign.function_words.contains(w.as_str())
                || is_date_word(w)
            {
                return false;
            }
            let known = foreign
                .dictionary
                .translations(&foreign.stemmer.stem(w))
                .is_some();
            let name = match lang {
                Lang::De => t.capital && !known,
                _ => t.name || (t.capital && !known),
            };
            !name
        })
        .map(|t| t.lower)
        .collect()
}

/// French word comparisons, with their lemmas looked up once.
struct French<'a> {
    lexicon: &'a Lexicon,
    forms: RefCell<HashMap<String, Vec<String>>>,
}

impl<'a> French<'a> {
    fn new(lexicon: &'a Lexicon) -> Self {
        French {
            lexicon,
            forms: RefCell::default(),
        }
    }

    /// The word's family: itself, its lemmas, and their derivational relatives the dictionary
    /// has (« maintien » and « maintenir », « suppression » and « supprimer », an adverb in
    /// -ment and its adjective, « réouverture » and « ouverture »).
    fn forms(&self, word: &str) -> Vec<String> {
        if let Some(f) = self.forms.borrow().get(word) {
            return f.clone();
        }
        let mut forms = vec![word.to_string()];
        let add = |w: String, forms: &mut Vec<String>| {
            if !forms.contains(&w) {
                forms.push(w);
            }
        };
        let mut bases = vec![word.to_string()];
        if let Some(adjective) = word.strip_suffix("ment").filter(|a| a.chars().count() >= 3) {
            bases.push(adjective.to_string());
        }
        // the iterative re- (« réouverture », « réélu », « rouvrir »), not the re- of a word of
        // its own (« rassurer » is not « assurer », nor « réunir » « unir »)
        let again = word
            .strip_prefix("ré")
            .filter(|rest| rest.starts_with(['é', 'o', 'i']))
            .or_else(|| {
                word.strip_prefix('r')
                    .filter(|rest| rest.starts_with("ouv"))
            });
        if let Some(rest) = again.filter(|rest| rest.chars().count() >= 4) {
            bases.push(rest.to_string());
        }
        let morphology = &self.lexicon.french;
        for base in &bases {
            for lemma in morphology.lemmas(base) {
                let lemma = lemma.text.to_lowercase();
                for relative in derivations(&lemma) {
                    if morphology.knows(&relative) {
                        add(relative, &mut forms);
                    }
                }
                add(lemma, &mut forms);
            }
        }
        self.forms
            .borrow_mut()
            .insert(word.to_string(), forms.clone());
        forms
    }

    /// Whether two French words are the same word: the same form, stem or lemma, or words
    /// of a family ([`French::forms`], [`kin`]).
    fn same(&self, a: &str, b: &str) -> bool {
        if a == b || FRENCH_STEMMER.stem(a) == FRENCH_STEMMER.stem(b) || kin(a, b) {
            return true;
        }
        let (fa, fb) = (self.forms(a), self.forms(b));
        fa.iter().any(|x| fb.contains(x))
    }

    /// Whether the thesaurus gives one word (or one of its family) as a synonym of the other,
    /// or the two translate the same word in one of the bilingual dictionaries.
    fn synonyms(&self, a: &str, b: &str) -> bool {
        let Some(thesaurus) = &self.lexicon.thesaurus else {
            return false;
        };
        let (fa, fb) = (self.forms(a), self.forms(b));
        if fa
            .iter()
            .any(|x| fb.iter().any(|y| thesaurus.related(x, y)))
        {
            return true;
        }
        // two French words that translate the same foreign word
        let pivot = self.lexicon.pivot();
        fa.iter().any(|x| fb.iter().any(|y| pivot.shares(x, y)))
    }
}

/// Verb, noun and adjective endings that derive one French word from another (infinitive
/// first): « maintenir »/« maintien », « annoncer »/« annonce », « supprimer »/« suppression ».
const DERIVATIONS: [(&str, &str); 33] = [
    ("er", "e"),
    ("er", ""),
    ("er", "ation"),
    ("er", "ement"),
    ("er", "age"),
    ("er", "ure"),
    ("er", "eture"),
    ("er", "eur"),
    ("er", "ée"),
    ("er", "ion"),
    ("ier", "ication"),
    ("uer", "ution"),
    ("ir", "ie"),
    ("ir", "issement"),
    ("ir", "ition"),
    ("rir", "erture"),
    ("enir", "ien"),
    ("enir", "ention"),
    ("uire", "uction"),
    ("ire", "iption"),
    ("ire", "it"),
    ("dre", "nse"),
    ("dre", "te"),
    ("eindre", "einte"),
    ("aindre", "ainte"),
    ("imer", "ession"),
    ("ettre", "ission"),
    ("oudre", "olution"),
    ("evoir", "eption"),
    ("oir", "ision"),
    ("endre", "ension"),
    ("e", "ité"),
    ("", "ité"),
];

/// The words `lemma` may derive from or into by [`DERIVATIONS`] (not checked against the
/// dictionary).
fn derivations(lemma: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (a, b) in DERIVATIONS {
        for (from, to) in [(a, b), (b, a)] {
            if let Some(stem) = lemma.strip_suffix(from) {
                if stem.chars().count() >= 3 {
                    out.push(format!("{stem}{to}"));
                }
            }
        }
    }
    out
}

/// Two words of one family by their spelling: they share their first six letters and three
/// quarters of the shorter one (« vaccination »/« vaccinale », not « maintien »/« maintenance »).
fn kin(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shorter = a.chars().count().min(b.chars().count());
    common >= 6 && common * 4 >= shorter * 3
}

/// The same word in two languages (« inflation », « tourism »/« tourisme »): folded, they
/// share their first five letters and most of the shorter one.
fn cognate(french: &str, foreign: &str) -> bool {
    let (a, b) = (fold(french), fold(foreign));
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let shorter = a.chars().count().min(b.chars().count());
    common >= 5 && common * 10 >= shorter * 7
}

/// The distinct words of `sequence`, in order, and for each position its word's index.
fn distinct(sequence: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut words: Vec<String> = Vec::new();
    let mut positions = Vec::with_capacity(sequence.len());
    for w in sequence {
        let i = words.iter().position(|x| x == w).unwrap_or_else(|| {
            words.push(w.clone());
            words.len() - 1
        });
        positions.push(i);
    }
    (words, positions)
}

/// How `candidate`, written in French from `source` (in `lang`), covers it word by word.
///
/// The same word (form, stem, lemma, derivation; for a translation, a dictionary
/// translation's, or a cognate) matches first, any number of times; then the words left on
/// both sides are paired one to one through synonyms (the thesaurus; for a translation, a
/// synonym of a dictionary translation), so that a source word rendered as itself cannot
/// also vouch for a synonym. Last, an unmatched word of the candidate standing where an
/// unmatched word of the source stood (its neighbours are renderings of that word's
/// neighbours) is a substitution.
pub fn cover(lexicon: &Lexicon, lang: Lang, source: &str, candidate: &str) -> Coverage {
    if !lexicon.checks(lang) {
        return Coverage::default();
    }
    let french = French::new(lexicon);
    let foreign = lexicon.foreign(lang);
    let (words, candidate_seq) = distinct(&french_content(lexicon, candidate));
    let (source_words, source_seq) = distinct(&match foreign {
        Some(f) => foreign_content(f, lang, source),
        None => french_content(lexicon, source),
    });
    // For each source word, the French words it may be rendered by (itself, for French).
    let renderings: Vec<Option<Vec<String>>> = source_words
        .iter()
        .map(|s| match foreign {
            None => Some(vec![s.clone()]),
            Some(f) => f
                .dictionary
                .translations(&f.stemmer.stem(s))
                .map(|t| t.iter().cloned().collect()),
        })
        .collect();
    let same = |o: &str, i: usize| {
        (foreign.is_some() && cognate(o, &source_words[i]))
            || renderings[i]
                .as_ref()
                .is_some_and(|r| r.iter().any(|t| french.same(o, t)))
    };
    let synonym = |o: &str, i: usize| {
        renderings[i]
            .as_ref()
            .is_some_and(|r| r.iter().any(|t| french.synonyms(o, t)))
    };
    // matched[o][i]: candidate word o renders source word i
    let mut matched: Vec<Vec<bool>> = words
        .iter()
        .map(|word| (0..source_words.len()).map(|i| same(word, i)).collect())
        .collect();
    let accounted = |matched: &[Vec<bool>], o: usize| matched[o].iter().any(|&m| m);
    let rendered = |matched: &[Vec<bool>], i: usize| matched.iter().any(|row| row[i]);
    // one-to-one pairing of what is left, through synonyms (augmenting paths)
    let left: Vec<usize> = (0..words.len())
        .filter(|&o| !accounted(&matched, o))
        .collect();
    let edges: Vec<Vec<usize>> = left
        .iter()
        .map(|&o| {
            (0..source_words.len())
                .filter(|&i| !rendered(&matched, i) && synonym(&words[o], i))
                .collect()
        })
        .collect();
    let mut partner: HashMap<usize, usize> = HashMap::new(); // source index → left index
    for l in 0..left.len() {
        let mut seen = HashSet::new();
        augment(l, &edges, &mut partner, &mut seen);
    }
    for (&i, &l) in &partner {
        matched[left[l]][i] = true;
    }
    let mut coverage = Coverage {
        checked: true,
        paraphrase: foreign.is_none(),
        source_sentences: sentences(source).len(),
        ..Coverage::default()
    };
    // an adverb, which restricts or hedges (connectives are not compared)
    let adverb = |w: &str| {
        !has_transition(w)
            && lexicon
                .french
                .lemmas(w)
                .iter()
                .any(|l| l.pos.as_deref().is_some_and(|p| p.starts_with("adv")))
    };
    for (i, s) in source_words.iter().enumerate() {
        if !rendered(&matched, i) {
            if let Some(r) = &renderings[i] {
                // an adverb, or a foreign word most of whose translations are adverbs
                if r.iter().filter(|t| adverb(t)).count() * 2 > r.len() {
                    coverage.lost_qualifiers.push(s.clone());
                }
                coverage.unrendered.push(s.clone());
            } else {
                coverage.unjudged.push(s.clone());
            }
        }
    }
    let unaccounted: Vec<usize> = (0..words.len())
        .filter(|&o| !accounted(&matched, o))
        .collect();
    // Substitutions: a run of unmatched candidate words between two words (or the sentence's
    // edges) that render the two words around a run of unrendered source words.
    let is_accounted: Vec<bool> = (0..words.len()).map(|o| accounted(&matched, o)).collect();
    let is_rendered: Vec<bool> = (0..source_words.len())
        .map(|i| rendered(&matched, i))
        .collect();
    let bound_match = |c: Option<usize>, s: Option<usize>| match (c, s) {
        (None, None) => true,
        (Some(o), Some(i)) => matched[o][i],
        _ => false,
    };
    for (c_from, c_to) in runs(&candidate_seq, |o| !is_accounted[o]) {
        for (s_from, s_to) in runs(&source_seq, |i| !is_rendered[i]) {
            let before = bound_match(
                c_from.checked_sub(1).map(|p| candidate_seq[p]),
                s_from.checked_sub(1).map(|q| source_seq[q]),
            );
            let after = bound_match(
                candidate_seq.get(c_to).copied(),
                source_seq.get(s_to).copied(),
            );
            let judged = source_seq[s_from..s_to]
                .iter()
                .any(|&i| renderings[i].is_some());
            // both edges of the sentence around a run is the whole sentence: not a place
            let whole = c_from == 0 && c_to == candidate_seq.len();
            if before && after && judged && !whole {
                let join = |seq: &[usize], list: &[String]| {
                    seq.iter()
                        .map(|&i| list[i].as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                coverage.substituted.push((
                    join(&candidate_seq[c_from..c_to], &words),
                    join(&source_seq[s_from..s_to], &source_words),
                ));
            }
        }
    }
    coverage.unaccounted = unaccounted.iter().map(|&o| words[o].clone()).collect();
    coverage.words = words;
    coverage.source_words = source_words;
    coverage
}

/// The maximal runs `[from, to)` of positions of `seq` whose item is `in_run`.
fn runs(seq: &[usize], in_run: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (p, &x) in seq.iter().enumerate() {
        match (in_run(x), start) {
            (true, None) => start = Some(p),
            (false, Some(from)) => {
                out.push((from, p));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push((from, seq.len()));
    }
    out
}

/// Finds a partner for `l` (Kuhn's augmenting path).
fn augment(
    l: usize,
    edges: &[Vec<usize>],
    partner: &mut HashMap<usize, usize>,
    seen: &mut HashSet<usize>,
) -> bool {
    for &i in &edges[l] {
        if !seen.insert(i) {
            continue;
        }
        let free = match partner.get(&i) {
            None => true,
            Some(&other) => augment(other, edges, partner, seen),
        };
        if free {
            partner.insert(i, l);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_drop_elisions_and_mark_names() {
        let t = tokens("L’objet de discussions : Burns s’est rendu à Kiev.");
        let words: Vec<&str> = t.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(
            words,
            [
                "objet",
                "de",
                "discussions",
                "burns",
                "est",
                "rendu",
                "à",
                "kiev"
            ]
        );
        assert!(t[3].capital && !t[3].name, "after a colon");
        assert!(t[7].name);
    }

    #[test]
    fn connectives_are_not_compared() {
        let lexicon = Lexicon::load(Vec::new());
        let words = french_content(
            &lexicon,
            "La hausse s’explique d’abord par les cachets, et en effet par la sécurité.",
        );
        assert_eq!(words, ["hausse", "explique", "cachets", "sécurité"]);
    }

    #[test]
    fn french_families_from_the_dictionary() {
        let lexicon = Lexicon::load(Vec::new());
        let french = French::new(&lexicon);
        for (a, b) in [
            ("canaux", "canal"),
            ("traité", "traiter"),
            ("maintien", "maintenir"),
            ("suppression", "supprimés"),
            ("réouverture", "rouvrira"),
            ("régulièrement", "régulier"),
        ] {
            assert!(
                french.same(a, b),
                "{a} / {b}: {:?} {:?}",
                french.forms(a),
                french.forms(b)
            );
        }
        assert!(!french.same("maintenance", "maintien"));
        assert!(!french.same("rassurer", "assurer"));
        assert!(!french.same("démolition", "rénovation"));
    }

    #[test]
    fn kin_words() {
        assert!(kin("vaccination", "vaccinale"));
        assert!(!kin("maintien", "maintenance"));
        assert!(!kin("construction", "constitution"));
    }

    #[test]
    fn cognates() {
        assert!(cognate("inflation", "inflation"));
        assert!(cognate("tourisme", "tourism"));
        assert!(!cognate("gouvernement", "government"));
        assert!(!cognate("maison", "maize"));
    }
}
