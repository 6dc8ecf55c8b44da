//! Passive-voice detection for French: a form of « être » followed (after at most a
//! few adverbs) by a past participle. Not passive: pronominal forms (« s’est fait »,
//! « se sont vus »), intransitive verbs conjugated with « être » (« est né », « est
//! allé »), impersonal « c’est », and « être » followed by anything else.

use crate::analysis::lists::{
    AVOIR_FORMS, ETRE_FORMS, ETRE_VERBS, FUNCTION_WORDS, IRREGULAR_PARTICIPLES, NON_PARTICIPLES,
    PASSIVE_ADVERBS,
};
use crate::analysis::text::phrase_tokens;

const INVERTED: &[&str] = &[
    "il", "elle", "on", "ils", "elles", "je", "tu", "nous", "vous", "ce",
];

const REFLEXIVE: &[&str] = &["se", "s’", "me", "m’", "te", "t’"];
fn looks_like_participle(word: &str) -> bool {
    if IRREGULAR_PARTICIPLES.contains(word) {
        return true;
    }
    if NON_PARTICIPLES.contains(word) || FUNCTION_WORDS.contains(word) || word.chars().count() < 3 {
        return false;
    }
    // Participles in -u/-i follow a consonant (vu, fini); « bleu », « vrai » do not.
    let stem = word.trim_end_matches('s').trim_end_matches('e');
    let mut tail = stem.chars().rev();
    if let (Some('u' | 'i'), Some(v)) = (tail.next(), tail.next()) {
        if "aeiouéèêô".contains(v) && !stem.ends_with("ui") {
            return false;
        }
    }
    const ENDINGS: &[&str] = &[
        "é", "ée", "és", "ées", "i", "ie", "is", "ies", "u", "ue", "us", "ues",
    ];
    ENDINGS.iter().any(|e| word.ends_with(e))
}

/// Whether `sentence` contains a passive construction.
pub fn is_passive(sentence: &str) -> bool {
    // Inverted subjects (« est-elle identifiée ») keep only the verb.
    let tokens: Vec<String> = phrase_tokens(sentence)
        .into_iter()
        .map(|t| match t.split_once('-') {
            Some((verb, rest))
                if ETRE_FORMS.contains(verb)
                    && INVERTED.contains(&rest.trim_start_matches("t-")) =>
            {
                verb.to_string()
            }
            _ => t,
        })
        .collect();
    for (i, tok) in tokens.iter().enumerate() {
        if !ETRE_FORMS.contains(tok.as_str()) {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| tokens[p].as_str());
        let prev2 = i.checked_sub(2).map(|p| tokens[p].as_str());
        if tok == "été"
            && !prev.is_some_and(|p| AVOIR_FORMS.contains(p) || PASSIVE_ADVERBS.contains(p))
        {
            // « l’été », « cet été »: the noun, or « été » without « avoir ».
            continue;
        }
        if tok == "été" && prev2.is_some_and(|p| REFLEXIVE.contains(&p)) {
            continue;
        }
        let reflexive = prev.is_some_and(|p| REFLEXIVE.contains(&p))
            || (matches!(prev, Some("nous" | "vous")) && prev2 == prev)
            || prev.is_some_and(|p| {
                PASSIVE_ADVERBS.contains(p) && prev2.is_some_and(|q| REFLEXIVE.contains(&q))
            });
        if reflexive || matches!(prev, Some("c’" | "ce" | "ç’")) {
            continue;
        }
        for next in tokens.iter().skip(i + 1).take(4) {
            let w = next.as_str();
            if ETRE_FORMS.contains(w) {
                break; // handled at its own position (« a été construit »)
            }
            if PASSIVE_ADVERBS.contains(w) || (w.ends_with("ment") && w.chars().count() > 6) {
                continue;
            }
            if ETRE_VERBS.contains(w) {
                break;
            }
            if looks_like_participle(w) {
                return true;
            }
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_passive() {
        assert!(is_passive("La loi a été votée par le Parlement."));
        assert!(is_passive("Le texte est écrit par un inconnu."));
        assert!(is_passive("Les maisons sont souvent construites en bois."));
        assert!(is_passive("Il sera remplacé demain."));
        assert!(is_passive("Ces œuvres ont été écrites longtemps avant."));
        assert!(is_passive("Le suspect n’est pas encore identifié."));
        assert!(is_passive(
            "Ainsi la galaxie est-elle également identifiée par un numéro."
        ));
    }

    #[test]
    fn rejects_non_passive() {
        assert!(!is_passive("Il s’est fait mal au genou."));
        assert!(!is_passive("Elle s'est fait élire en 2020."));
        assert!(!is_passive("Victor Hugo est né à Besançon."));
        assert!(!is_passive("Il est allé au marché."));
        assert!(!is_passive("Elles sont parties tôt."));
        assert!(!is_passive("Ils se sont vus hier."));
        assert!(!is_passive("Le ciel est bleu."));
        assert!(!is_passive("C’est fini."));
        assert!(!is_passive("L’été est chaud."));
        assert!(!is_passive("Il est ici."));
        assert!(!is_passive(""));
        assert!(!is_passive("Привет 😀"));
    }
}
