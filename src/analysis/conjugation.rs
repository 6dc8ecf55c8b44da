//! A simple past after an auxiliary (« a ouvrit », « a partit », « a voulut »): a small model
//! translating a compound past picks the verb's form it knows best. « avoir » takes the past
//! participle (« a ouvert », « a fini », « a voulu »); the simple past and the present in -it
//! or -ut never follow it. Participles that end that way (« a dit », « a écrit », « a
//! construit ») and nouns (« a droit à ») are left alone.

use crate::analysis::spelling::is_french_word;
use crate::analysis::text::phrase_tokens;

/// The forms of « avoir » that make a compound tense.
const AUXILIARIES: [&str; 14] = [
    "a", "ai", "as", "avons", "avez", "ont", "avait", "avaient", "avais", "aura", "auront",
    "aurait", "auraient", "eu",
];

/// Words that may stand between the auxiliary and its participle (« n’a pas encore ouvert »).
const BETWEEN: [&str; 17] = [
    "pas",
    "plus",
    "jamais",
    "déjà",
    "aussi",
    "bien",
    "toujours",
    "encore",
    "enfin",
    "également",
    "même",
    "souvent",
    "rien",
    "tout",
    "beaucoup",
    "peu",
    "longtemps",
];

/// Endings of past participles in -it (« dit », « écrit », « fait », « conduit », « construit »,
/// « cuit », « frit », « confit »).
const PARTICIPLE_ENDINGS: [&str; 8] = [
    "dit", "crit", "fait", "duit", "truit", "cuit", "frit", "confit",
];

/// Nouns in -it or -ut that may follow « a » (« a droit à », « a pour but »).
const NOUNS: [&str; 12] = [
    "droit", "crédit", "profit", "appétit", "esprit", "but", "bout", "début", "statut", "salut",
    "institut", "tout",
];

/// The first auxiliary followed by a simple past (« a ouvrit »), as « auxiliary verb »; `None`
/// when there is none.
pub fn simple_past_after_auxiliary(text: &str) -> Option<String> {
    let tokens = phrase_tokens(text);
    for (i, aux) in tokens.iter().enumerate() {
        if !AUXILIARIES.contains(&aux.as_str()) {
            continue;
        }
        let mut j = i + 1;
        while j < tokens.len()
            && j < i + 4
            && (BETWEEN.contains(&tokens[j].as_str()) || tokens[j].ends_with("ment"))
        {
            j += 1;
        }
        let Some(word) = tokens.get(j) else {
            continue;
        };
        let simple_past = (word.ends_with("it") || word.ends_with("ut"))
            && word.chars().count() > 3
            && !PARTICIPLE_ENDINGS.iter().any(|e| word.ends_with(e))
            && !NOUNS.contains(&word.as_str())
            && is_french_word(word);
        if simple_past {
            return Some(format!("{aux} {word}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simple_past_after_avoir_is_found() {
        // Written by the 1.5B translating Italian and Spanish.
        assert_eq!(
            simple_past_after_auxiliary("Le premier convoi a partit de la gare.").as_deref(),
            Some("a partit")
        );
        assert_eq!(
            simple_past_after_auxiliary("« Ma tante a ouvrit cette boutique en 1952. »").as_deref(),
            Some("a ouvrit")
        );
        assert_eq!(
            simple_past_after_auxiliary("Elle n’a pas voulut répondre.").as_deref(),
            Some("a voulut")
        );
        for fine in [
            "Le maire a dit que la ligne a été construite et a produit ses effets.",
            "Il a écrit, elle a conduit, ils ont fait le reste.",
            "Chaque habitant a droit à deux billets ; la mesure a pour but d’aider.",
            "Le premier convoi est parti de la gare, et la maire a ouvert la boutique.",
            "Elle a tout fait, il a aussi reconstruit le pont.",
        ] {
            assert_eq!(simple_past_after_auxiliary(fine), None, "{fine}");
        }
    }
}
