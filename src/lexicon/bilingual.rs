//! FreeDict bilingual dictionaries in the dictd format (`freedict-eng-fra.index` and
//! `.dict.dz`, as Debian's `dict-freedict-*` packages install them), read into one map: a
//! source-language stem (Snowball) → the French content words that translate it. A
//! `fra-xxx` dictionary is read in reverse. Entries mix translations with glosses (German
//! definitions in `deu-fra`, French ones in `fra-spa`); glosses are long, so only phrases of
//! at most three words are kept as translations.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use rust_stemmers::Stemmer;

use crate::analysis::content::is_content_word;
use crate::analysis::text::phrase_tokens;

#[derive(Debug, Default)]
pub struct Bilingual {
    translations: HashMap<String, HashSet<String>>,
}

/// A dictd number: base64 digits, most significant first.
fn dictd_number(text: &str) -> Option<usize> {
    const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    text.bytes().try_fold(0usize, |n, b| {
        let d = DIGITS.iter().position(|&x| x == b)?;
        n.checked_mul(64)?.checked_add(d)
    })
}

/// The entries of a dictd dictionary: (headword, the lines after the headword's own).
fn entries(index: &str, data: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in index.lines() {
        let mut fields = line.split('\t');
        let (Some(head), Some(offset), Some(length)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if head.starts_with("00database") || head.starts_with("00-database") {
            continue;
        }
        let (Some(offset), Some(length)) = (dictd_number(offset), dictd_number(length)) else {
            continue;
        };
        let Some(body) = data.get(offset..offset + length) else {
            continue;
        };
        let rest = body.split_once('\n').map_or("", |(_, rest)| rest);
        out.push((head.trim().to_string(), rest.to_string()));
    }
    out
}

/// The short phrases of an entry's body: its numbered senses and comma-separated
/// alternatives, without parentheses, of at most three words.
fn phrases(body: &str) -> Vec<String> {
    let mut clean = String::new();
    let mut depth = 0usize;
    for c in body.chars() {
        match c {
            '(' | '[' | '<' => depth += 1,
            ')' | ']' | '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => clean.push(c),
            _ => {}
        }
    }
    clean
        .split(['\n', ',', ';'])
        .flat_map(|part| {
            // « 1. casa 2. » → « casa »
            part.split_whitespace()
                .filter(|w| !w.trim_end_matches('.').chars().all(|c| c.is_ascii_digit()))
                .collect::<Vec<_>>()
                .join(" ")
                .split(". ")
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .map(|p| p.trim().trim_end_matches('.').trim().to_string())
        .filter(|p| !p.is_empty() && p.split_whitespace().count() <= 3)
        .collect()
}

/// The French content words of a phrase.
fn french_words(phrase: &str) -> Vec<String> {
    phrase_tokens(phrase)
        .into_iter()
        .filter(|t| is_content_word(t) && !t.ends_with('’'))
        .collect()
}

/// The words of a source-language phrase (lower case).
fn foreign_words(phrase: &str) -> Vec<String> {
    phrase
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect()
}

impl Bilingual {
    /// Reads a dictd dictionary from `dir` (`{name}.index` and `{name}.dict.dz` or `.dict`);
    /// `reverse` for a `fra-xxx` one.
    pub fn load(
        dir: &Path,
        name: &str,
        reverse: bool,
        stemmer: &Stemmer,
    ) -> std::io::Result<Bilingual> {
        let index = std::fs::read_to_string(dir.join(format!("{name}.index")))?;
        let zipped = dir.join(format!("{name}.dict.dz"));
        let data = if zipped.is_file() {
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(std::fs::File::open(zipped)?)
                .read_to_string(&mut text)?;
            text
        } else {
            std::fs::read_to_string(dir.join(format!("{name}.dict")))?
        };
        Ok(Bilingual::parse(&index, &data, reverse, stemmer))
    }

    pub fn parse(index: &str, data: &str, reverse: bool, stemmer: &Stemmer) -> Bilingual {
        let mut translations: HashMap<String, HashSet<String>> = HashMap::new();
        let mut add = |foreign: &str, french: Vec<String>| {
            if french.is_empty() {
                return;
            }
            let key = stemmer.stem(foreign).into_owned();
            translations.entry(key).or_default().extend(french);
        };
        for (head, body) in entries(index, data) {
            if reverse {
                let french = french_words(&head);
                if head.split_whitespace().count() > 3 {
                    continue;
                }
                for phrase in phrases(&body) {
                    for word in foreign_words(&phrase) {
                        add(&word, french.clone());
                    }
                }
            } else {
                let words = foreign_words(&head);
                // « to strike » → strike; longer headwords are expressions
                let words: Vec<&String> = words.iter().filter(|w| *w != "to").collect();
                if words.len() != 1 {
                    continue;
                }
                let french: Vec<String> = phrases(&body)
                    .iter()
                    .flat_map(|p| french_words(p))
                    .collect();
                add(words[0], french);
            }
        }
        Bilingual { translations }
    }

    /// Adds `other`'s translations to these.
    pub fn merge(&mut self, other: Bilingual) {
        for (stem, french) in other.translations {
            self.translations.entry(stem).or_default().extend(french);
        }
    }

    /// The French words that may translate a source word with this stem.
    pub fn translations(&self, stem: &str) -> Option<&HashSet<String>> {
        self.translations.get(stem)
    }

    /// Each foreign stem's French words.
    pub fn all(&self) -> impl Iterator<Item = &HashSet<String>> {
        self.translations.values()
    }

    pub fn len(&self) -> usize {
        self.translations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.translations.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_stemmers::Algorithm;

    #[test]
    fn dictd_numbers() {
        assert_eq!(dictd_number("A"), Some(0));
        assert_eq!(dictd_number("b"), Some(27));
        assert_eq!(dictd_number("BA"), Some(64));
        assert_eq!(dictd_number("?"), None);
    }

    #[test]
    fn reads_both_directions() {
        let data = "strike /straik/\n1. battre, frapper\n2. grève\n\
                    maison /mɛ.zɔ̃/ <n>\n1. casa 2.\nBâtiment servant de logis, d’habitation\n";
        let first = data.find("maison").unwrap();
        let index = format!(
            "strike\tA\t{}\nmaison\t{}\t{}\n",
            b64(first),
            b64(first),
            b64(data.len() - first)
        );
        let en = Bilingual::parse(
            &index[..index.find("maison").unwrap()],
            data,
            false,
            &Stemmer::create(Algorithm::English),
        );
        let strike = en.translations("strike").unwrap();
        assert!(strike.contains("grève") && strike.contains("frapper"));
        let es = Bilingual::parse(&index, data, true, &Stemmer::create(Algorithm::Spanish));
        assert!(es
            .translations(&Stemmer::create(Algorithm::Spanish).stem("casas"))
            .unwrap()
            .contains("maison"));
        assert!(
            es.translations("bâtiment").is_none(),
            "a gloss is not a translation"
        );
    }

    fn b64(mut n: usize) -> String {
        const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        loop {
            out.push(DIGITS[n % 64]);
            n /= 64;
            if n == 0 {
                break;
            }
        }
        out.reverse();
        String::from_utf8(out).unwrap()
    }
}
