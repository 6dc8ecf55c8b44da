//! A tiny language guesser for source texts (French, English, Spanish, German), by
//! counting very frequent words.

use serde::Serialize;

use crate::analysis::lists::LANG_MARKERS;
use crate::analysis::text::fold;

/// A language plume reads sources in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// French.
    Fr,
    /// English.
    En,
    /// Spanish.
    Es,
    /// German.
    De,
}

/// The most likely language of `text` (French when nothing is conclusive).
pub fn detect(text: &str) -> Lang {
    let folded = fold(text);
    let mut scores = vec![0usize; LANG_MARKERS.len()];
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        for (k, (_, words)) in LANG_MARKERS.iter().enumerate() {
            if words.contains(word) {
                scores[k] += 1;
            }
        }
    }
    let best = (0..scores.len()).max_by_key(|&k| (scores[k], k == 0));
    match best {
        Some(k) if scores[k] > 0 => match LANG_MARKERS[k].0 {
            "en" => Lang::En,
            "es" => Lang::Es,
            "de" => Lang::De,
            _ => Lang::Fr,
        },
        _ => Lang::Fr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_languages() {
        assert_eq!(detect("Le président est arrivé dans la ville."), Lang::Fr);
        assert_eq!(
            detect("The minister said that the talks were over."),
            Lang::En
        );
        assert_eq!(
            detect("El presidente dijo que los precios subirán en la región."),
            Lang::Es
        );
        assert_eq!(
            detect("Der Minister sagte, dass die Gespräche nicht beendet sind."),
            Lang::De
        );
        assert_eq!(detect(""), Lang::Fr);
    }
}
