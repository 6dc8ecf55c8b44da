//! French text tools: words, sentences, syllables and the small normalisations the
//! rest of the analysis relies on.
//!
//! Words are counted the way French editors and Yoast count them: the text is split
//! on white space (U+00A0 and U+202F included), punctuation is trimmed from both
//! ends, and tokens without a letter or digit are dropped; « l’administration » and
//! « c’est-à-dire » are one word each.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use crate::analysis::lists::{ABBREVIATIONS, ENT_PRONOUNCED, SYLLABLE_EXCEPTIONS};

/// Byte ranges of the words of `text`.
pub fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                if let Some(r) = trim_token(text, s..i) {
                    out.push(r);
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

fn trim_token(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let token = &text[range.clone()];
    let trimmed_start = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    let trimmed = trimmed_start.trim_end_matches(|c: char| !c.is_alphanumeric());
    if trimmed.is_empty() {
        return None;
    }
    let start = range.start + (token.len() - trimmed_start.len());
    Some(start..start + trimmed.len())
}

/// The words of `text`, punctuation trimmed.
pub fn words(text: &str) -> Vec<&str> {
    word_ranges(text).into_iter().map(|r| &text[r]).collect()
}

/// The number of words in `text`.
pub fn word_count(text: &str) -> usize {
    word_ranges(text).len()
}

const TERMINALS: &[char] = &['.', '!', '?', '…'];
const CLOSERS: &[char] = &['»', '”', '"', '’', ')', ']', '*', '_'];
const OPENERS: &[char] = &[
    '«', '“', '"', '„', '(', '[', '—', '–', '-', '*', '_', '‘', '¿', '¡',
];

/// Byte ranges of the sentences of `text`, trimmed. A sentence ends at `.`, `!`, `?`
/// or `…` (with any closing quotes) followed by a space and a capital letter, a digit
/// or an opening quote; abbreviations (`M.`, `Mme`, `p. ex.`), initials (`J.`),
/// decimal numbers and exclamations inside quotations followed by lower case do not
/// end it. Every line break ends a sentence.
pub fn sentence_ranges(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let depth = quotation_depth(&chars);
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c == '\n' {
            cuts.push(i + 1);
            i += 1;
            continue;
        }
        if !TERMINALS.contains(&c) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && TERMINALS.contains(&chars[j].1) {
            j += 1;
        }
        let k = after_closers(&chars, j);
        if k >= n {
            cuts.push(n);
            break;
        }
        if !chars[k].1.is_whitespace() {
            i = j;
            continue;
        }
        let mut m = k;
        while m < n && chars[m].1.is_whitespace() && chars[m].1 != '\n' {
            m += 1;
        }
        if m >= n || chars[m].1 == '\n' {
            cuts.push(k);
            i = m;
            continue;
        }
        let next = chars[m].1;
        let mut boundary = next.is_uppercase() || next.is_ascii_digit() || OPENERS.contains(&next);
        if c == '.'
            && j == i + 1
            && boundary
            && (abbreviation_before(text, &chars, i) || ordinal_day_before_month(&chars, i, m))
        {
            boundary = false;
        }
        if boundary && depth[k] == 0 {
            cuts.push(k);
        }
        i = j.max(i + 1);
    }
    let byte = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(n)) {
        let (s, e) = (byte(start), byte(cut));
        if s < e {
            let piece = &text[s..e];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                out.push(s + lead..s + lead + trimmed.len());
            }
        }
        start = start.max(cut);
    }
    out
}

/// The quotation depth before each character (and after the last): a sentence never ends
/// inside « … » or “ … ”, so a quotation of several sentences stays in one piece.
fn quotation_depth(chars: &[(usize, char)]) -> Vec<usize> {
    let mut depth = Vec::with_capacity(chars.len() + 1);
    let (mut guillemets, mut straight) = (0usize, false);
    for &(_, c) in chars {
        depth.push(guillemets + usize::from(straight));
        match c {
            '«' | '“' => guillemets += 1,
            '»' | '”' => guillemets = guillemets.saturating_sub(1),
            '"' => straight = !straight,
            '\n' => (guillemets, straight) = (0, false),
            _ => {}
        }
    }
    depth.push(guillemets + usize::from(straight));
    depth
}

/// The index after the closing quotes or brackets that follow index `j`, possibly after a
/// (non-breaking) space.
fn after_closers(chars: &[(usize, char)], j: usize) -> usize {
    let n = chars.len();
    let mut k = j;
    loop {
        let mut m = k;
        while m < n && chars[m].1.is_whitespace() && chars[m].1 != '\n' {
            m += 1;
        }
        let spaced_ok = m == k || matches!(chars.get(m), Some((_, '»' | '”')));
        if m < n && spaced_ok && CLOSERS.contains(&chars[m].1) {
            k = m + 1;
        } else {
            return k;
        }
    }
}

/// Whether the dot at index `i` ends an abbreviation (`M.`, `p. ex.`), an initial (`J.`) or a
/// dotted acronym (`U.S.`) rather than a sentence.
fn abbreviation_before(text: &str, chars: &[(usize, char)], i: usize) -> bool {
    let mut s = i;
    while s > 0 && {
        let p = chars[s - 1].1;
        p.is_alphabetic() || p == '.' || p == '-' || p == '°'
    } {
        s -= 1;
    }
    let token: String = text[chars[s].0..chars[i].0].to_lowercase();
    let is_initial = {
        let mut cs = token.chars();
        matches!((cs.next(), cs.next()), (Some(_), None)) && chars[i - 1].1.is_uppercase()
    };
    let dotted_acronym = token.contains('.') && token.split('.').all(|p| p.chars().count() <= 1);
    ABBREVIATIONS.contains(token.as_str()) || is_initial || dotted_acronym
}

/// Whether the full stop at `i` ends a day written as an ordinal before its month, the German
/// way (« Ab dem 2. September », « am 15. März »): one or two digits standing alone, and a
/// month's name at `next`.
fn ordinal_day_before_month(chars: &[(usize, char)], i: usize, next: usize) -> bool {
    let digits = chars[..i]
        .iter()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .count();
    let alone = i == digits || !chars[i - digits - 1].1.is_alphanumeric();
    let word: String = chars[next..]
        .iter()
        .map(|&(_, c)| c)
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    (1..=2).contains(&digits) && alone && crate::analysis::lists::MONTHS.contains_key(word.as_str())
}

/// The sentences of `text`, trimmed.
pub fn sentences(text: &str) -> Vec<&str> {
    sentence_ranges(text)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// Lower case, accents removed, typographic apostrophes made straight, ligatures split.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            '\u{300}'..='\u{36f}' => {}
            '’' | '‘' | 'ʼ' | '`' | '´' => out.push('\''),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Lower case with the apostrophe made typographic (’), accents kept: the form used
/// to look words up in the French lists.
pub fn lower_fr(word: &str) -> String {
    word.to_lowercase().replace(['\'', 'ʼ', '‘'], "’")
}

/// Tokens for phrase matching: lower case, apostrophes typographic, split on
/// white space and punctuation; an elided word keeps its apostrophe and is a token
/// of its own (« d’abord » → `d’`, `abord`).
pub fn phrase_tokens(text: &str) -> Vec<String> {
    let lower = lower_fr(text);
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in lower.chars() {
        if c.is_alphanumeric() || c == '-' {
            cur.push(c);
        } else if c == '’' {
            if !cur.is_empty() {
                cur.push(c);
                out.push(std::mem::take(&mut cur));
            }
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|t| t.trim_matches('-').to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'e'
            | 'i'
            | 'o'
            | 'u'
            | 'y'
            | 'à'
            | 'â'
            | 'ä'
            | 'é'
            | 'è'
            | 'ê'
            | 'ë'
            | 'î'
            | 'ï'
            | 'ô'
            | 'ö'
            | 'ù'
            | 'û'
            | 'ü'
            | 'ÿ'
            | 'æ'
            | 'œ'
    )
}

/// Whether a vowel pair is read as two syllables (hiatus): « é » before a vowel
/// (créer, idée), a vowel before « ë ï ü » (Noël, naïf), « a »/« o » before « é è »
/// (aéroport, poète), and « y » between vowels (crayon, moyen).
fn hiatus(a: char, b: char) -> bool {
    (a == 'é' && is_vowel(b))
        || matches!(b, 'ë' | 'ï' | 'ü')
        || (matches!(a, 'a' | 'o') && matches!(b, 'é' | 'è'))
        || (a == 'y' && is_vowel(b))
}

/// Syllables of one word (no spaces), counted as spoken French: vowel groups, with
/// « qu »/« gu » read as consonants, hiatus pairs split, a mute final -e, -es or verbal
/// -ent not counted (unless the word has one syllable), and a table of exceptions.
pub fn word_syllables(word: &str) -> usize {
    word.split(['-', '’', '\''])
        .map(|part| {
            let lower: String = part
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect();
            part_syllables(&lower)
        })
        .sum()
}

fn part_syllables(word: &str) -> usize {
    if word.is_empty() {
        return 0;
    }
    if let Some(&n) = SYLLABLE_EXCEPTIONS.get(word) {
        return n;
    }
    let cs: Vec<char> = word.chars().collect();
    let vowel_at = |i: usize| -> bool {
        let c = cs[i];
        if !is_vowel(c) {
            return false;
        }
        if c == 'u' && i > 0 {
            let prev = cs[i - 1];
            let next = cs.get(i + 1).copied();
            if prev == 'q' && next.is_some_and(is_vowel) {
                return false;
            }
            if prev == 'g' && matches!(next, Some('e' | 'i' | 'é' | 'è' | 'ê' | 'y')) {
                return false;
            }
        }
        true
    };
    let mut groups: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if vowel_at(i) {
            let start = i;
            while i + 1 < cs.len() && vowel_at(i + 1) && !hiatus(cs[i], cs[i + 1]) {
                i += 1;
            }
            groups.push(start..i + 1);
        }
        i += 1;
    }
    let mut count = groups.len();
    if count > 1 {
        let last = groups[count - 1].clone();
        let lone_e = last.len() == 1 && cs[last.start] == 'e';
        let tail: String = cs[last.end..].iter().collect();
        let mute = lone_e
            && match tail.as_str() {
                "" | "s" => true,
                "nt" => {
                    !(ENT_PRONOUNCED.contains(word) || (word.ends_with("ment") && cs.len() >= 7))
                }
                _ => false,
            };
        if mute {
            count -= 1;
        }
    }
    count
}

/// Syllables in a whole text (the sum over its words).
pub fn syllables(text: &str) -> usize {
    words(text).into_iter().map(word_syllables).sum()
}

/// Converts byte offsets of a string into character offsets.
pub struct CharIndex {
    starts: Vec<usize>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        Self {
            starts: text.char_indices().map(|(i, _)| i).collect(),
        }
    }

    /// The character offset of byte offset `byte` (the end maps to the char count).
    pub fn char_at(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(i) | Err(i) => i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_like_french_editors() {
        assert_eq!(word_count("l’administration a tranché"), 3);
        assert_eq!(word_count("Il a dit\u{a0}: « oui »\u{202f}!"), 4);
        assert_eq!(word_count("c’est-à-dire 12 % — en 2024."), 4);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("   \n "), 0);
        assert_eq!(word_count("😀 Привет мир"), 2);
        assert_eq!(words("« Bonjour », dit-il."), vec!["Bonjour", "dit-il"]);
    }

    #[test]
    fn splits_sentences() {
        let s = sentences("M. Dupont est arrivé. Mme Durand aussi ! Le Dr Martin, non.");
        assert_eq!(
            s,
            vec![
                "M. Dupont est arrivé.",
                "Mme Durand aussi !",
                "Le Dr Martin, non."
            ]
        );
        let s = sentences("Le taux est de 3,5 % en 2024. Il était de 2.5 avant.");
        assert_eq!(s.len(), 2);
        let s = sentences("Il a dit\u{a0}: « Je viens. Tu restes. » Puis il est parti.");
        // A quotation of several sentences is never split (it would lose its « or its »).
        assert_eq!(
            s,
            vec![
                "Il a dit\u{a0}: « Je viens. Tu restes. »",
                "Puis il est parti."
            ]
        );
        let s = sentences("« Beaucoup pensaient que cette ligne était condamnée. Nous avons fait le choix inverse », a déclaré la présidente. Elle sourit.");
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("a déclaré la présidente."));
        let s = sentences("Il a crié « Au secours ! » puis il s’est enfui. Fin.");
        assert_eq!(s.len(), 2);
        let s = sentences("Vers le IVe siècle av. J.-C. Panini écrit. Voir p. ex. Platon.");
        assert_eq!(s.len(), 2);
        assert_eq!(sentences("Il dit. \"Bonjour\" ensuite.").len(), 2);
        let s = sentences("J. K. Rowling écrit. Les U.S. Marines arrivent.");
        assert_eq!(s.len(), 2);
        assert_eq!(sentences("Pas de point final"), vec!["Pas de point final"]);
        assert!(sentences("").is_empty());
        assert_eq!(sentences("Titre\nPremière phrase.").len(), 2);
        assert_eq!(sentences("Quoi ?! Vraiment… Oui.").len(), 3);
        // A German ordinal day before its month ends no sentence; a year before a month does.
        let s = sentences("Ab dem 2. September ist das Haus geöffnet. Am 15. März nicht.");
        assert_eq!(
            s,
            vec![
                "Ab dem 2. September ist das Haus geöffnet.",
                "Am 15. März nicht."
            ]
        );
        assert_eq!(sentences("Es war 2019. September kam.").len(), 2);
        assert_eq!(sentences("Er kam um 9. Danach ging er.").len(), 2);
    }

    #[test]
    fn counts_french_syllables() {
        let table = [
            ("chat", 1),
            ("maison", 2),
            ("table", 1),
            ("ordinateur", 4),
            ("politique", 3),
            ("langue", 1),
            ("idée", 2),
            ("année", 2),
            ("poète", 2),
            ("aéroport", 4),
            ("naïf", 2),
            ("noël", 2),
            ("parlent", 1),
            ("moment", 2),
            ("créer", 2),
            ("oiseau", 2),
            ("pays", 2),
            ("voyage", 2),
            ("crayon", 2),
            ("moyen", 2),
            ("quatre", 1),
            ("guerre", 1),
            ("partie", 2),
            ("joie", 1),
            ("étaient", 2),
            ("théâtre", 2),
            ("bonjour", 2),
            ("liberté", 3),
            ("histoire", 2),
            ("nation", 2),
            ("aujourd’hui", 3),
            ("lycée", 2),
            ("maïs", 2),
            ("chaque", 1),
            ("les", 1),
            ("le", 1),
            ("été", 2),
            ("client", 2),
        ];
        for (word, expected) in table {
            assert_eq!(word_syllables(word), expected, "{word}");
        }
        assert_eq!(syllables("Le chat dort."), 3);
        assert_eq!(syllables("2024 😀"), 0);
    }

    #[test]
    fn folds_and_tokenises() {
        assert_eq!(fold("Sergueï L’Été Œuvre"), "serguei l'ete oeuvre");
        assert_eq!(
            phrase_tokens("Tout d’abord, c’est-à-dire"),
            vec!["tout", "d’", "abord", "c’", "est-à-dire"]
        );
        let idx = CharIndex::new("éa");
        assert_eq!(idx.char_at(2), 1);
        assert_eq!(idx.char_at(3), 2);
    }
}
