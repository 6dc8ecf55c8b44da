//! Named entities: runs of capitalised words (with particles such as « de », « von »,
//! « al- » inside), acronyms, elision prefixes (l’, d’) and possessives (’s) removed.
//! A capitalised word that is an ordinary word (a French function or common word, or
//! a word the text writes in lower case elsewhere) is not a name by itself: at the
//! start of a sentence it is dropped, inside a run it is kept for display but does not
//! count as a key word.

use crate::analysis::lists::{COMMON_ENDINGS, NAME_PARTICLES};
use crate::analysis::text::{fold, sentences};

/// A named entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// As written, trimmed of leading and trailing ordinary words.
    pub text: String,
    /// Its key words, folded (lower case, no accents): the words that identify it.
    pub keys: Vec<String>,
}

const ELISIONS: &[&str] = &[
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// Splits an elision prefix (« d’Emmanuel » → « Emmanuel ») off a token.
fn strip_elision(token: &str) -> (&str, bool) {
    if let Some(pos) = token.find(['’', '\'']) {
        let prefix = &token[..pos];
        let rest = &token[pos + token[pos..].chars().next().map_or(1, char::len_utf8)..];
        if ELISIONS.contains(&prefix.to_lowercase().as_str()) && !rest.is_empty() {
            return (rest, true);
        }
    }
    (token, false)
}

fn strip_possessive(token: &str) -> &str {
    token
        .strip_suffix("’s")
        .or_else(|| token.strip_suffix("'s"))
        .unwrap_or(token)
}

fn is_capitalised(word: &str) -> bool {
    let body = word
        .strip_prefix("al-")
        .or_else(|| word.strip_prefix("el-"))
        .or_else(|| word.strip_prefix("ben-"))
        .unwrap_or(word);
    body.chars().next().is_some_and(char::is_uppercase)
}

/// The names in `text`; `ordinary` tells whether a word (as written) is an ordinary
/// word rather than part of a name.
pub fn names(text: &str, ordinary: &dyn Fn(&str) -> bool) -> Vec<Name> {
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let mut run: Vec<(String, bool)> = Vec::new(); // (word, is_key)
        let mut pending_particles: Vec<String> = Vec::new();
        let mut first = true;
        let finish = |run: &mut Vec<(String, bool)>, out: &mut Vec<Name>| {
            while run.last().is_some_and(|w| !w.1) {
                run.pop();
            }
            let start = run.iter().position(|w| w.1).unwrap_or(run.len());
            let words = &run[start..];
            let keys: Vec<String> = words.iter().filter(|w| w.1).map(|w| fold(&w.0)).collect();
            if !keys.is_empty() {
                let text = words
                    .iter()
                    .map(|w| w.0.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(Name { text, keys });
            }
            run.clear();
        };
        for raw in sentence.split_whitespace() {
            let lead_trimmed = raw.trim_start_matches(|c: char| !c.is_alphanumeric());
            let core = lead_trimmed.trim_end_matches(|c: char| !c.is_alphanumeric());
            let breaks_after = core.len() < lead_trimmed.len()
                && lead_trimmed[core.len()..]
                    .chars()
                    .any(|c| !matches!(c, '’' | '\'' | '-'));
            let breaks_before = lead_trimmed.len() < raw.len();
            if core.is_empty() {
                finish(&mut run, &mut out);
                pending_particles.clear();
                continue;
            }
            if breaks_before {
                finish(&mut run, &mut out);
                pending_particles.clear();
            }
            let (word, elided) = strip_elision(core);
            let word = strip_possessive(word);
            if elided {
                finish(&mut run, &mut out);
                pending_particles.clear();
            }
            let is_first = first && !elided;
            first = false;
            if is_capitalised(word) && word.chars().any(char::is_alphabetic) {
                let key = if is_first {
                    !ordinary_at_start(word, ordinary)
                } else {
                    !ordinary(word)
                };
                // A sentence-initial ordinary word is not part of a name.
                if !is_first || key {
                    if !run.is_empty() {
                        run.extend(pending_particles.drain(..).map(|p| (p, false)));
                    }
                    run.push((word.to_string(), key));
                }
                pending_particles.clear();
            } else if !run.is_empty() && NAME_PARTICLES.contains(word.to_lowercase().as_str()) {
                pending_particles.push(word.to_string());
            } else {
                finish(&mut run, &mut out);
                pending_particles.clear();
            }
            if breaks_after {
                finish(&mut run, &mut out);
                pending_particles.clear();
            }
            // A unit may hold several sentences (a quotation is never split): the word after
            // « . », « ! » or « ? » opens a sentence too.
            if ends_sentence(raw) {
                first = true;
            }
        }
        finish(&mut run, &mut out);
    }
    out
}

/// Whether a token ends a sentence (« conocidas. », « ? », « fin.» »).
pub fn ends_sentence(token: &str) -> bool {
    token
        .trim_end_matches(['»', '”', '"', '\'', ')'])
        .ends_with(['.', '!', '?', '…'])
}

fn ordinary_at_start(word: &str, ordinary: &dyn Fn(&str) -> bool) -> bool {
    let lower = word.to_lowercase();
    let all_caps = !word.chars().any(char::is_lowercase);
    ordinary(word)
        || word.chars().count() == 1
        || (!all_caps
            && lower.chars().count() > 5
            && COMMON_ENDINGS.iter().any(|e| lower.ends_with(e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lists::FUNCTION_WORDS;
    use crate::analysis::text::lower_fr;

    fn ordinary(w: &str) -> bool {
        FUNCTION_WORDS.contains(lower_fr(w).as_str())
            || matches!(lower_fr(w).as_str(), "selon" | "ministre")
    }

    fn texts(text: &str) -> Vec<String> {
        names(text, &ordinary).into_iter().map(|n| n.text).collect()
    }

    #[test]
    fn finds_names_with_particles_and_acronyms() {
        assert_eq!(
            texts("Selon Sergueï Lavrov, la réunion avec Charles de Gaulle et la CIA a eu lieu."),
            vec!["Sergueï Lavrov", "Charles de Gaulle", "CIA"]
        );
        assert_eq!(
            texts("Le discours d’Emmanuel Macron à l'ONU."),
            vec!["Emmanuel Macron", "ONU"]
        );
        assert_eq!(
            texts("Ursula von der Leyen parle."),
            vec!["Ursula von der Leyen"]
        );
        assert_eq!(
            texts("NBC's report on Bashar al-Assad."),
            vec!["NBC", "Bashar al-Assad"]
        );
        assert_eq!(
            texts("Les deux hommes. Le ministre parle."),
            Vec::<String>::new()
        );
        assert_eq!(
            texts("Paris, Londres et Berlin."),
            vec!["Paris", "Londres", "Berlin"]
        );
        assert_eq!(
            texts("Visiblement, rien. Négociations en cours."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn keys_are_folded() {
        let n = names("Il a vu Sergueï Lavrov.", &ordinary);
        assert_eq!(n[0].keys, vec!["serguei", "lavrov"]);
        assert!(names("", &ordinary).is_empty());
        assert!(names("😀 Привет мир", &ordinary).len() <= 1);
    }
}
