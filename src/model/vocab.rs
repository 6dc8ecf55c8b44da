//! Which tokens a French article can use: chosen once per model from its vocabulary and the
//! French dictionary.
//!
//! A token is kept when every character it writes is in the scripts French text needs (ASCII,
//! Latin-1 and Latin Extended-A letters, the typographic punctuation of French: ’ « » – — …,
//! non-breaking spaces, €) *and* its letters can be part of a French word: a run of letters
//! that starts a word (after the token's leading space, an apostrophe or a hyphen) must begin
//! a word of the dictionary, a run that continues the token before must occur inside one.
//! « ▁trans », « port », « ▁l’ », « ▁1er » are kept; « ▁weather », « ▁quay » and most of the
//! vocabulary's words of other Latin-script languages are not, so the model cannot write them
//! whole (spelling them piece by piece from French pieces stays possible, and unlikely). Byte,
//! control and user-defined tokens are always kept. Restricting the output to this set is the
//! same as masking every other token; an article's own names are let in beside it
//! ([`tokens_of`]).

use std::sync::LazyLock;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::tokenizer::{GgufTokenizer, TokenKind};

/// Whether `c` can appear in a French article.
pub fn is_french_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~'
        | '\u{00A0}'..='\u{00FF}'      // Latin-1: NBSP, « », °, accented letters
        | '\u{0100}'..='\u{017F}'      // Latin Extended-A: Œ œ and neighbours
        | '\u{2010}'..='\u{2027}'      // dashes, ’ “ ” „ •, …
        | '\u{202F}'                   // narrow no-break space
        | '\u{2030}'..='\u{203A}'      // ‰ ‹ ›
        | '\u{20AC}'                   // €
        | '\u{2122}'                   // ™
        | '\u{2581}'                   // SentencePiece space marker
    )
}

/// The runs of letters of the French dictionary's words, every form, in lower case
/// (« aujourd’hui » gives « aujourd » and « hui »), sorted, each once.
static FRENCH_WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut words: Vec<String> = crate::lexicon::french_morphology()
        .forms()
        .into_par_iter()
        .flat_map_iter(|form| {
            if form.chars().all(|c| c.is_alphabetic() && !c.is_uppercase()) {
                vec![form]
            } else {
                letter_runs(&form.to_lowercase())
                    .into_iter()
                    .map(|(run, _)| run)
                    .collect()
            }
        })
        .collect();
    words.par_sort_unstable();
    words.dedup();
    words
});

/// The runs of letters of `text`, each with whether it starts a word: a non-letter stands
/// before it in `text` (the first run of a token continues the token before, unless the
/// token starts with a space).
fn letter_runs(text: &str) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut before: Option<char> = None;
    for c in text.chars() {
        if c.is_alphabetic() {
            match before {
                Some(b) if b.is_alphabetic() => runs.last_mut().expect("a run").0.push(c),
                _ => runs.push((c.to_string(), before.is_some())),
            }
        }
        before = Some(c);
    }
    runs
}

/// The ids of the tokens a French article can use (see the module's documentation). Choosing
/// them takes 1–1.5 s on two cores, so the choice is kept in plume's cache folder
/// (`vocab/HASH.u32`, keyed by the vocabulary and the dictionary) and read back by later runs.
pub fn french_token_ids(tokenizer: &GgufTokenizer) -> Vec<u32> {
    let cached = crate::cache_dir().map(|dir| {
        dir.join("vocab")
            .join(format!("{}.u32", choice_key(tokenizer)))
    });
    if let Some(ids) = cached
        .as_deref()
        .and_then(|path| read_ids(path, tokenizer.vocab_size()))
    {
        return ids;
    }
    let ids = choose_french_token_ids(tokenizer);
    if let Some(path) = cached {
        write_ids(&path, &ids);
    }
    ids
}

/// [`french_token_ids`] chosen afresh, without the cache.
pub fn choose_french_token_ids(tokenizer: &GgufTokenizer) -> Vec<u32> {
    french_ids_with(tokenizer, &FRENCH_WORDS)
}

/// The version of the rule above: change it with the rule, so that no cached choice made by
/// an earlier rule is read.
const CHOICE_VERSION: &str = "french-vocabulary-2";

/// What the choice depends on, hashed: the rule's version, every token's kind and bytes, and
/// the dictionary.
fn choice_key(tokenizer: &GgufTokenizer) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(CHOICE_VERSION);
    for id in 0..tokenizer.vocab_size() as u32 {
        let bytes = tokenizer.bytes_of(id);
        hash.update([tokenizer.kind(id).map_or(0, |k| k as u8 + 1)]);
        hash.update((bytes.len() as u32).to_le_bytes());
        hash.update(bytes);
    }
    hash.update(crate::analysis::spelling::FRENCH_AFF);
    hash.update(crate::analysis::spelling::FRENCH_DIC);
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A cached choice: ids as little-endian `u32`, strictly increasing, each below `vocab_size`;
/// `None` when the file is absent or is not that.
fn read_ids(path: &std::path::Path, vocab_size: usize) -> Option<Vec<u32>> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.is_empty() || bytes.len() % 4 != 0 {
        return None;
    }
    let ids: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let valid = ids.windows(2).all(|w| w[0] < w[1])
        && ids.last().is_some_and(|&last| (last as usize) < vocab_size);
    valid.then_some(ids)
}

/// Writes a choice atomically (a temporary file renamed into place); a cache that cannot be
/// written only means the next run chooses again.
fn write_ids(path: &std::path::Path, ids: &[u32]) {
    let Some(dir) = path.parent() else {
        return;
    };
    let bytes: Vec<u8> = ids.iter().flat_map(|id| id.to_le_bytes()).collect();
    std::fs::create_dir_all(dir)
        .and_then(|()| {
            let mut file = tempfile::Builder::new().prefix(".vocab").tempfile_in(dir)?;
            std::io::Write::write_all(&mut file, &bytes)?;
            file.persist(path).map_err(|e| e.error)?;
            Ok(())
        })
        .ok();
}

fn french_ids_with(tokenizer: &GgufTokenizer, words: &[String]) -> Vec<u32> {
    // Each Latin-script token's runs of letters, and what each run must be.
    let mut candidates: Vec<(u32, Vec<(String, bool)>)> = Vec::new();
    let mut kept: Vec<u32> = Vec::new();
    for id in 0..tokenizer.vocab_size() as u32 {
        match tokenizer.kind(id) {
            Some(TokenKind::Byte | TokenKind::Control | TokenKind::UserDefined) => kept.push(id),
            Some(TokenKind::Unknown | TokenKind::Unused) | None => {}
            Some(TokenKind::Normal) => match std::str::from_utf8(tokenizer.bytes_of(id)) {
                Ok(text) if !text.is_empty() && text.chars().all(is_french_char) => {
                    let text = text.replace('\u{2581}', " ").to_lowercase();
                    candidates.push((id, letter_runs(&text)));
                }
                Ok(_) => {}
                // A piece of a multi-byte character (byte-level BPE): keep it, it may be é.
                Err(_) => kept.push(id),
            },
        }
    }
    let mut starts: FxHashSet<&str> = FxHashSet::default();
    let mut inside: FxHashSet<&str> = FxHashSet::default();
    for (run, starts_word) in candidates.iter().flat_map(|(_, runs)| runs) {
        if *starts_word {
            &mut starts
        } else {
            &mut inside
        }
        .insert(run);
    }
    // A run that starts a word must begin one of the sorted words: the first word not before
    // it.
    let begun: FxHashSet<&str> = starts
        .into_iter()
        .filter(|run| {
            let at = words.partition_point(|w| w.as_str() < *run);
            words.get(at).is_some_and(|w| w.starts_with(*run))
        })
        .collect();
    // A run inside a word: every piece of every word that could still grow into an asked run
    // is looked at, no other.
    let growing: FxHashSet<&str> = inside
        .iter()
        .flat_map(|run| run.char_indices().skip(1).map(|(i, _)| &run[..i]))
        .chain(inside.iter().copied())
        .collect();
    let found = words
        .par_chunks(4096)
        .map(|chunk| {
            let mut found: FxHashSet<&str> = FxHashSet::default();
            for word in chunk {
                for (i, _) in word.char_indices() {
                    for (j, c) in word[i..].char_indices() {
                        let piece = &word[i..i + j + c.len_utf8()];
                        if !growing.contains(piece) {
                            break;
                        }
                        if let Some(&run) = inside.get(piece) {
                            found.insert(run);
                        }
                    }
                }
            }
            found
        })
        .reduce(FxHashSet::default, |mut a, b| {
            a.extend(b);
            a
        });
    kept.extend(candidates.iter().filter_map(|(id, runs)| {
        runs.iter()
            .all(|(run, starts_word)| {
                if *starts_word {
                    begun.contains(run.as_str())
                } else {
                    found.contains(run.as_str())
                }
            })
            .then_some(*id)
    }));
    kept.sort_unstable();
    kept
}

/// The tokens `text` is made of, as the tokenizer cuts it: an article's own words (names, a
/// French source's words), to let in beside [`french_token_ids`].
pub fn tokens_of(tokenizer: &GgufTokenizer, text: &str) -> crate::error::Result<Vec<u32>> {
    let mut ids = tokenizer.encode(text, false)?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_choice_is_read_back_and_a_damaged_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vocab").join("key.u32");
        assert_eq!(read_ids(&path, 10), None);
        write_ids(&path, &[0, 3, 7]);
        assert_eq!(read_ids(&path, 10), Some(vec![0, 3, 7]));
        assert_eq!(read_ids(&path, 7), None, "an id past the vocabulary");
        std::fs::write(&path, [1u8, 0, 0]).unwrap();
        assert_eq!(read_ids(&path, 10), None, "a cut file");
        std::fs::write(&path, [3u8, 0, 0, 0, 1, 0, 0, 0]).unwrap();
        assert_eq!(read_ids(&path, 10), None, "out of order");
        // A folder where the file should be: nothing written, nothing read, no error.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        write_ids(&path, &[1, 2]);
        assert_eq!(read_ids(&path, 10), None);
    }

    #[test]
    fn french_characters_are_in_and_other_scripts_out() {
        for c in "L’été, « déjà » : 12,5 € – œuvre ! ÀÉÎÔÙÇ\u{202F}\u{00A0}".chars()
        {
            assert!(is_french_char(c), "{c:?} should be allowed");
        }
        for c in "Лавров 北京 ع 🙂 ☃".chars().filter(|c| !c.is_whitespace()) {
            assert!(!is_french_char(c), "{c:?} should be left out");
        }
    }

    #[test]
    fn runs_of_letters_know_whether_they_start_a_word() {
        let runs = |t: &str| letter_runs(t);
        let owned = |v: &[(&str, bool)]| -> Vec<(String, bool)> {
            v.iter().map(|(r, s)| (r.to_string(), *s)).collect()
        };
        assert_eq!(runs(" trans"), owned(&[("trans", true)]));
        assert_eq!(runs("port"), owned(&[("port", false)]));
        assert_eq!(
            runs("d’été-là"),
            owned(&[("d", false), ("été", true), ("là", true)])
        );
        assert_eq!(runs(" 1er"), owned(&[("er", true)]));
        assert!(runs(" « 12,5 % »").is_empty());
    }

    #[test]
    fn the_dictionary_gives_its_forms_in_lower_case_split_at_apostrophes() {
        let has = |w: &str| FRENCH_WORDS.binary_search_by(|x| x.as_str().cmp(w)).is_ok();
        for word in [
            "rouvrir",
            "rouvriront",
            "aujourd",
            "hui",
            "chevaux",
            "paris",
        ] {
            assert!(has(word), "{word}");
        }
        for word in ["weather", "aujourd’hui", "Paris", "quay"] {
            assert!(!has(word), "{word}");
        }
    }
}
