//! Lexical resources behind the fact check: French lemmas (the Hunspell dictionary plume
//! already carries), the French thesaurus (LibreOffice's MyThes, `mythes-fr`) and FreeDict
//! bilingual dictionaries (`dict-freedict-*`), read as data files. With them every content
//! word of a model-written sentence is matched to a word of its source ([`coverage`]).
//!
//! The thesaurus and dictionaries are provisioned by `tools/fetch-lexicons.sh` (Debian's
//! packages, unpacked with their licences into `~/.cache/plume/lexicons`); a system with the
//! packages installed has them in `/usr/share`. Nothing is read from the network.

pub mod bilingual;
pub mod coverage;
pub mod evaluation;
pub mod morphology;
pub mod thesaurus;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, OnceLock};

use rust_stemmers::{Algorithm, Stemmer};

use crate::source::lang::Lang;
pub use bilingual::Bilingual;
pub use coverage::{cover, Coverage};
pub use morphology::{Lemma, Morphology};
pub use thesaurus::Thesaurus;

/// The thesaurus file, under a lexicon root.
const THESAURUS: &str = "mythes/thes_fr.dat";

/// The FreeDict dictionaries for a source language: each one's name and whether it is
/// `fra-xxx` (read in reverse).
fn dictionaries_of(lang: Lang) -> &'static [(&'static str, bool)] {
    match lang {
        Lang::En => &[("freedict-eng-fra", false), ("freedict-fra-eng", true)],
        Lang::De => &[("freedict-deu-fra", false), ("freedict-fra-deu", true)],
        Lang::Pt => &[("freedict-por-fra", false), ("freedict-fra-por", true)],
        Lang::Es => &[("freedict-fra-spa", true)],
        Lang::It => &[("freedict-fra-ita", true)],
        Lang::Fr | Lang::Other => &[],
    }
}

/// The Snowball stemmer of a language with a dictionary.
fn stemmer_of(lang: Lang) -> Option<Algorithm> {
    Some(match lang {
        Lang::En => Algorithm::English,
        Lang::De => Algorithm::German,
        Lang::Es => Algorithm::Spanish,
        Lang::It => Algorithm::Italian,
        Lang::Pt => Algorithm::Portuguese,
        Lang::Fr => Algorithm::French,
        Lang::Other => return None,
    })
}

/// The function words of a source language, which carry no claim of their own.
fn function_words_of(lang: Lang) -> HashSet<&'static str> {
    let text = match lang {
        Lang::En => include_str!("data/function_words_en.txt"),
        Lang::De => include_str!("data/function_words_de.txt"),
        Lang::Es => include_str!("data/function_words_es.txt"),
        Lang::It => include_str!("data/function_words_it.txt"),
        Lang::Pt => include_str!("data/function_words_pt.txt"),
        Lang::Fr | Lang::Other => "",
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A source language's side of the check: its stemmer, its function words and its
/// dictionary into French.
pub struct Foreign {
    pub stemmer: Stemmer,
    pub function_words: HashSet<&'static str>,
    pub dictionary: Bilingual,
}

/// The lexical resources, found once.
pub struct Lexicon {
    pub french: &'static Morphology,
    pub thesaurus: Option<Thesaurus>,
    roots: Vec<PathBuf>,
    foreign: [OnceLock<Option<Foreign>>; 6],
    pivot: OnceLock<Pivot>,
}

/// French words that translate the same foreign words, in any of the dictionaries (a pivot
/// for synonyms the thesaurus lacks): for each French word, the ids of the foreign words it
/// translates.
#[derive(Default)]
pub struct Pivot {
    senses: std::collections::HashMap<String, Vec<u32>>,
}

impl Pivot {
    /// Whether `a` and `b` (lower case) both translate two foreign words or more (one shared
    /// translation is too loose: « maintenance » and « maintien » both translate English
    /// *maintenance*).
    pub fn shares(&self, a: &str, b: &str) -> bool {
        match (self.senses.get(a), self.senses.get(b)) {
            (Some(x), Some(y)) => x.iter().filter(|id| y.binary_search(id).is_ok()).count() >= 2,
            _ => false,
        }
    }
}

/// Where lexicons are looked for, first to last: `$PLUME_LEXICONS`, plume's cache
/// (`~/.cache/plume/lexicons`, where `tools/fetch-lexicons.sh` puts them), `/usr/share`.
pub fn default_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(dir) = std::env::var_os("PLUME_LEXICONS") {
        roots.push(PathBuf::from(dir));
    }
    if let Some(cache) = crate::cache_dir() {
        roots.push(cache.join("lexicons"));
    }
    roots.push(PathBuf::from("/usr/share"));
    roots
}

/// The French dictionary plume carries, read once for the process (the word check and the
/// French vocabulary of `--french-vocab` share it).
pub fn french_morphology() -> &'static Morphology {
    static FRENCH: LazyLock<Morphology> = LazyLock::new(|| {
        Morphology::parse(
            crate::analysis::spelling::FRENCH_AFF,
            crate::analysis::spelling::FRENCH_DIC,
        )
    });
    &FRENCH
}

/// The process's lexicon, from [`default_roots`].
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::load(default_roots()));
    &LEXICON
}

impl Lexicon {
    /// The French dictionary, and the thesaurus from the first root that has it; the
    /// bilingual dictionaries are read when first asked for.
    pub fn load(roots: Vec<PathBuf>) -> Lexicon {
        let french = french_morphology();
        let thesaurus = roots
            .iter()
            .map(|r| r.join(THESAURUS))
            .find(|p| p.is_file())
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|text| Thesaurus::parse(&text));
        Lexicon {
            french,
            thesaurus,
            roots,
            foreign: Default::default(),
            pivot: OnceLock::new(),
        }
    }

    /// The first root with `relative`, if any.
    fn find(&self, relative: &str) -> Option<&Path> {
        self.roots
            .iter()
            .find(|r| r.join(relative).exists())
            .map(PathBuf::as_path)
    }

    /// The source language's side of the check, when its dictionary is here.
    pub fn foreign(&self, lang: Lang) -> Option<&Foreign> {
        let slot = Lang::KNOWN.iter().position(|&l| l == lang)?;
        self.foreign[slot]
            .get_or_init(|| {
                let stemmer = Stemmer::create(stemmer_of(lang)?);
                let mut dictionary = Bilingual::default();
                for &(name, reverse) in dictionaries_of(lang) {
                    let Some(root) = self.find(&format!("dictd/{name}.index")) else {
                        continue;
                    };
                    let dir = root.join("dictd");
                    if let Ok(read) = Bilingual::load(&dir, name, reverse, &stemmer) {
                        dictionary.merge(read);
                    }
                }
                if dictionary.is_empty() {
                    return None;
                }
                Some(Foreign {
                    stemmer,
                    function_words: function_words_of(lang),
                    dictionary,
                })
            })
            .as_ref()
    }

    /// The French words that translate the same words, from every dictionary here.
    pub fn pivot(&self) -> &Pivot {
        self.pivot.get_or_init(|| {
            let mut pivot = Pivot::default();
            let mut id = 0u32;
            for lang in Lang::KNOWN {
                let Some(foreign) = self.foreign(lang) else {
                    continue;
                };
                for french in foreign.dictionary.all() {
                    if french.len() > 1 && french.len() <= 12 {
                        for w in french {
                            pivot.senses.entry(w.clone()).or_default().push(id);
                        }
                    }
                    id += 1;
                }
            }
            for ids in pivot.senses.values_mut() {
                ids.sort_unstable();
                ids.dedup();
            }
            pivot
        })
    }

    /// Whether a sentence from a source in `lang` can be checked word by word: French with
    /// the thesaurus, another language with its dictionary.
    pub fn checks(&self, lang: Lang) -> bool {
        match lang {
            Lang::Fr => self.thesaurus.is_some(),
            Lang::Other => false,
            _ => self.foreign(lang).is_some(),
        }
    }

    /// What is missing of the full set, for messages (`mythes/thes_fr.dat`,
    /// `dictd/freedict-eng-fra.index`…).
    pub fn missing(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.thesaurus.is_none() {
            out.push(THESAURUS.to_string());
        }
        for lang in Lang::KNOWN {
            for (name, _) in dictionaries_of(lang) {
                let relative = format!("dictd/{name}.index");
                if self.find(&relative).is_none() {
                    out.push(relative);
                }
            }
        }
        out
    }
}
