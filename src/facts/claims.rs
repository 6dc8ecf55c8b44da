//! Claims beyond names and numbers: the polarity of a sentence (negation, restriction) and
//! its attributions (who said, announced or estimated it). A rewrite that turns « n’a été
//! dépassé que pour cette raison » into « n’a pas été dépassé » says the opposite of its source
//! with the same names and numbers; one that adds « a annoncé la préfecture » invents a
//! speaker. Both are caught here, for a French candidate against its source sentence in any
//! language plume reads.

use std::collections::HashSet;

use crate::analysis::content::{is_content_word, stem};
use crate::analysis::lists::SPEECH_VERBS;
use crate::analysis::text::{phrase_tokens, sentences};
use crate::facts::quantities::is_number;
use crate::source::lang::Lang;

/// Negations and restrictions of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Polarity {
    /// How many negations (« ne … pas », « jamais », « sans », not, nicht, no…).
    pub negations: usize,
    /// Whether the sentence restricts (« ne … que », « seulement », only, nur, solo…).
    pub restriction: bool,
}

/// Words that follow « ne » to negate.
const FR_NE_PARTNERS: [&str; 11] = [
    "pas",
    "jamais",
    "plus",
    "rien",
    "personne",
    "guère",
    "point",
    "nullement",
    "aucun",
    "aucune",
    "nulle",
];
/// Subjects that negate with the « ne » after them (« Personne sur le quai ne… »).
const FR_NEGATING_SUBJECTS: [&str; 6] = ["personne", "rien", "aucun", "aucune", "nul", "nulle"];
/// Negating words that need no « ne ».
const FR_NEGATORS: [&str; 8] = [
    "jamais",
    "aucun",
    "aucune",
    "rien",
    "sans",
    "nullement",
    "ni",
    "guère",
];
const FR_RESTRICTORS: [&str; 4] = ["seulement", "uniquement", "exclusivement", "qu’à"];

fn negators(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "not", "no", "never", "none", "nobody", "nothing", "nowhere", "without", "neither",
            "nor", "cannot",
        ],
        Lang::De => &[
            "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
            "nichts", "niemand", "nirgends", "ohne", "weder",
        ],
        Lang::Es => &[
            "no", "nunca", "jamás", "sin", "nadie", "nada", "ningún", "ninguno", "ninguna", "ni",
            "tampoco",
        ],
        Lang::It => &[
            "non", "mai", "senza", "nessuno", "nessuna", "nessun", "niente", "nulla", "né",
        ],
        Lang::Pt => &[
            "não", "nunca", "jamais", "sem", "nenhum", "nenhuma", "ninguém", "nada", "nem",
        ],
        Lang::Fr | Lang::Other => &[],
    }
}

fn restrictors(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["only", "solely", "merely"],
        Lang::De => &["nur", "lediglich", "ausschließlich", "bloß"],
        Lang::Es => &["solo", "sólo", "solamente", "únicamente"],
        Lang::It => &["solo", "soltanto", "solamente", "unicamente"],
        Lang::Pt => &["só", "apenas", "somente", "unicamente"],
        Lang::Fr | Lang::Other => &[],
    }
}

/// « non seulement … mais », not only, nicht nur…: neither a negation nor a restriction.
const NOT_ONLY: [&str; 8] = [
    "non seulement",
    "not only",
    "nicht nur",
    "no solo",
    "no sólo",
    "non solo",
    "não só",
    "não apenas",
];

/// An upper bound said with a negation (« pas plus de 25 », *no more than 25*, « non più di
/// 25 »): a quantity (see `quantities`), not a negation, when a number follows.
const NO_MORE_THAN: [&[&str]; 9] = [
    &["pas", "plus", "de"],
    &["pas", "plus", "d’"],
    &["no", "more", "than"],
    &["not", "more", "than"],
    &["non", "più", "di"],
    &["nicht", "mehr", "als"],
    &["no", "más", "de"],
    &["não", "mais", "de"],
    &["não", "mais", "do"],
];

/// Lower-case tokens of `text`, « not only » phrases and the negation of an upper bound
/// removed; an English contraction (« isn’t », split by the tokens into « isn’ » and « t »)
/// gives a `not`.
fn tokens(text: &str) -> Vec<String> {
    let mut lower = format!(" {} ", text.to_lowercase().replace('\'', "’"));
    for phrase in NOT_ONLY {
        lower = lower.replace(&format!(" {phrase} "), " ");
    }
    let mut out: Vec<String> = Vec::new();
    for t in phrase_tokens(&lower) {
        let contraction = t == "t" && out.last().is_some_and(|p| p.ends_with("n’"));
        out.push(if contraction { "not".into() } else { t });
    }
    let mut i = 0;
    while i < out.len() {
        let bound = NO_MORE_THAN.iter().any(|phrase| {
            out.len() > i + phrase.len()
                && out[i..].iter().zip(phrase.iter()).all(|(t, w)| t == w)
                && out[i + phrase.len()..].iter().take(2).any(|t| is_number(t))
        });
        if bound {
            out.remove(i);
        } else {
            i += 1;
        }
    }
    out
}

/// The polarity of `text`, written in `lang`.
pub fn polarity(text: &str, lang: Lang) -> Polarity {
    let tokens = tokens(text);
    if lang != Lang::Fr {
        let neg = negators(lang);
        let res = restrictors(lang);
        return Polarity {
            negations: tokens.iter().filter(|t| neg.contains(&t.as_str())).count(),
            restriction: tokens.iter().any(|t| res.contains(&t.as_str())),
        };
    }
    let mut p = Polarity::default();
    let mut consumed: HashSet<usize> = HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        if t != "ne" && t != "n’" {
            continue;
        }
        // « ne » + a partner within a few words negates; « ne … que » restricts.
        let window = (i + 1..(i + 7).min(tokens.len())).collect::<Vec<_>>();
        // « ne peut accueillir plus de 25 visiteurs »: a bound (a quantity), not « ne … plus ».
        let bound = |j: usize| {
            tokens[j] == "plus"
                && matches!(tokens.get(j + 1).map(String::as_str), Some("de" | "d’"))
                && tokens.get(j + 2).is_some_and(|t| is_number(t))
        };
        if let Some(&j) = window
            .iter()
            .find(|&&j| FR_NE_PARTNERS.contains(&tokens[j].as_str()) && !bound(j))
        {
            p.negations += 1;
            consumed.insert(j);
        } else if window
            .iter()
            .any(|&j| tokens[j] == "que" || tokens[j] == "qu’")
        {
            p.restriction = true;
        } else if let Some(j) = (i.saturating_sub(7)..i)
            .rev()
            .find(|&j| !consumed.contains(&j) && FR_NEGATING_SUBJECTS.contains(&tokens[j].as_str()))
        {
            // « Aucun blessé n’est à déplorer », « Personne sur le quai ne… »: counted with
            // the subject that negates.
            p.negations += 1;
            consumed.insert(j);
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        if !consumed.contains(&i) && FR_NEGATORS.contains(&t.as_str()) {
            p.negations += 1;
        }
        if FR_RESTRICTORS.contains(&t.as_str()) {
            p.restriction = true;
        }
    }
    p
}

/// Whether the candidate (French) keeps the polarity of `original` (in `lang`): the same
/// negations and restriction in French, negated and restricted alike across languages, and
/// a translation of *nobody*, *nothing* or *never* says « personne », « rien », « jamais »…
/// (« Nobody wanted to be here » is not « Les personnes qui n’ont pas … voulaient être ici »).
pub fn keeps_polarity(candidate: &str, original: &str, lang: Lang) -> bool {
    let c = polarity(candidate, Lang::Fr);
    let o = polarity(original, lang);
    if lang == Lang::Fr {
        c == o
    } else {
        (c.negations > 0) == (o.negations > 0)
            && c.restriction == o.restriction
            && (says_none(original, lang) <= says_none(candidate, Lang::Fr))
    }
}

/// The negation words of `lang` that stand for a whole thing, person or time (*nobody*,
/// *nothing*, *never*; « personne », « rien », « jamais »), not for a verb's « not » or a
/// determiner's *no*, which a translation may render either way.
fn absolute_negators(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &["nobody", "nothing", "never", "nowhere", "none"],
        Lang::De => &[
            "niemand",
            "nichts",
            "nie",
            "niemals",
            "nirgends",
            "nirgendwo",
        ],
        Lang::Es => &["nadie", "nada", "nunca", "jamás"],
        Lang::It => &["nessuno", "niente", "nulla", "mai"],
        Lang::Pt => &["ninguém", "nada", "nunca", "jamais"],
        Lang::Fr => &["rien", "jamais", "aucun", "aucune", "nul", "nulle"],
        Lang::Other => &[],
    }
}

/// Whether `text` (in `lang`) says *nobody*, *nothing* or *never* in some way. In French,
/// « personne » counts when no determiner makes it a noun (« la personne », « une personne »),
/// and English *no one* is one word.
fn says_none(text: &str, lang: Lang) -> bool {
    const NOUN_BEFORE: [&str; 16] = [
        "la", "une", "cette", "chaque", "toute", "ma", "ta", "sa", "notre", "votre", "leur",
        "quelle", "l’", "seule", "même", "tierce",
    ];
    let tokens = tokens(text);
    let words = absolute_negators(lang);
    tokens.iter().enumerate().any(|(i, t)| {
        words.contains(&t.as_str())
            || (lang == Lang::En && t == "no" && tokens.get(i + 1).is_some_and(|n| n == "one"))
            || (lang == Lang::Fr
                && t == "personne"
                && !i
                    .checked_sub(1)
                    .is_some_and(|j| NOUN_BEFORE.contains(&tokens[j].as_str())))
    })
}

/// Words that introduce who a statement comes from (« selon la mairie »).
fn source_markers(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &["selon", "d’après"],
        Lang::En => &["according"],
        Lang::De => &["laut", "zufolge"],
        Lang::Es => &["según"],
        Lang::It => &["secondo"],
        Lang::Pt => &["segundo", "conforme"],
        Lang::Other => &[],
    }
}

/// Stems of the French verbs of saying, announcing, estimating (« déclar » for « a déclaré »,
/// « déclare », « déclaraient »…).
const FR_SPEECH_STEMS: [&str; 42] = [
    "déclar", "indiqu", "annonc", "expliqu", "affirm", "estim", "précis", "soulign", "rapport",
    "assur", "ajout", "confirm", "racont", "rappel", "reconn", "dénonc", "regrett", "prévien",
    "prévenu", "jug", "insist", "résum", "comment", "confi", "déplor", "avert", "martel", "répond",
    "répliqu", "concè", "conclu", "dit", "disent", "témoign", "promet", "promis", "admet", "admis",
    "salu", "détaill", "prédi", "prévoi",
];
/// Endings of the French verb forms those stems take (not « déclaration », « rapport »).
const FR_VERB_ENDINGS: [&str; 10] = [
    "é", "és", "ées", "e", "ent", "ait", "it", "is", "ra", "ront",
];

/// The verbs of saying in the other languages, as written (`data/speech_verbs.txt`).
fn speech_words(lang: Lang) -> &'static [&'static str] {
    SPEECH_VERBS
        .iter()
        .find(|(code, _)| *code == lang.code())
        .map_or(&[], |(_, words)| words.as_slice())
}

fn is_speech_verb(token: &str, lang: Lang) -> bool {
    match lang {
        Lang::Fr => {
            FR_SPEECH_STEMS.iter().any(|s| token.starts_with(s))
                && FR_VERB_ENDINGS.iter().any(|end| token.ends_with(end))
                && token.chars().count() > 2
                && !token.ends_with("ment")
                && !token.ends_with("tion")
        }
        _ => speech_words(lang).contains(&token),
    }
}

/// Whether `text` attributes something to someone: a « selon » marker or a verb of saying.
pub fn has_attribution(text: &str, lang: Lang) -> bool {
    tokens(text)
        .iter()
        .any(|t| source_markers(lang).contains(&t.as_str()) || is_speech_verb(t, lang))
}

/// Subject pronouns of the languages plume reads, as a speaker (« dit-elle », *she said*).
const SPEAKING_PRONOUNS: [&str; 24] = [
    "il", "elle", "ils", "elles", "on", "he", "she", "they", "we", "er", "sie", "él", "ella",
    "ellos", "ellas", "lui", "lei", "loro", "ele", "ela", "eles", "elas", "egli", "essa",
];

/// Whether `text` (in `lang`) credits a statement to a pronoun (« », dit-elle. », *she said*,
/// « Elle a ajouté que… »): who is meant is named in an earlier sentence, without which the
/// quotation has no speaker.
pub fn credits_a_pronoun(text: &str, lang: Lang) -> bool {
    text.split([
        ',', ';', ':', '.', '«', '»', '“', '”', '"', '(', ')', '—', '–',
    ])
    .any(|clause| {
        let tokens = tokens(clause);
        tokens.iter().enumerate().any(|(i, t)| {
            if !is_speech_verb(t, lang) {
                return false;
            }
            let window = &tokens[i.saturating_sub(3)..(i + 3).min(tokens.len())];
            window.iter().any(|w| {
                SPEAKING_PRONOUNS.contains(&w.as_str())
                    || ["-il", "-elle", "-ils", "-elles", "-on"]
                        .iter()
                        .any(|p| w.ends_with(p))
            })
        })
    })
}

/// The content-word stems of who a French `text` attributes its statements to: the words
/// after « selon » / « d’après » and the words around a verb of saying (« a annoncé la
/// préfecture », « la mairie a indiqué »), up to the clause's punctuation.
pub fn speakers(text: &str) -> HashSet<String> {
    speakers_in(text, Lang::Fr)
}

/// [`speakers`] for a text in `lang` (its markers and verbs of saying).
fn speakers_in(text: &str, lang: Lang) -> HashSet<String> {
    let mut out = HashSet::new();
    for clause in text.split([
        ',', ';', ':', '.', '«', '»', '“', '”', '"', '(', ')', '—', '–',
    ]) {
        let tokens = tokens(clause);
        for (i, t) in tokens.iter().enumerate() {
            let marker = source_markers(lang).contains(&t.as_str());
            if !marker && !is_speech_verb(t, lang) {
                continue;
            }
            let before = if marker { i } else { i.saturating_sub(4) };
            let after = (i + 5).min(tokens.len());
            for w in &tokens[before..after] {
                // « a-t-il », « ont-elles »: the speaker is a pronoun.
                let inverted = ["-il", "-elle", "-ils", "-elles", "-on"]
                    .iter()
                    .any(|p| w.ends_with(p));
                if is_content_word(w)
                    && !inverted
                    && !is_speech_verb(w, lang)
                    && !source_markers(lang).contains(&w.as_str())
                    && !w.chars().any(|c| c.is_ascii_digit())
                {
                    out.insert(stem(w));
                }
            }
        }
    }
    out
}

/// Whether a French candidate keeps the attributions of its French original: someone is
/// credited in one exactly when in the other, and every word naming who the candidate credits
/// is in the original. Across languages, the presence of an attribution is compared, and a
/// speaker the original leaves unnamed (« », aseguró. ») stays unnamed (« a assuré l’expert »
/// invents one); names are the fact check's business.
pub fn keeps_attributions(candidate: &str, original: &str, lang: Lang) -> bool {
    // Sentence by sentence: a paragraph that credits two sentences and comes back crediting
    // one has lost a speaker (« According to the port authority » written « En fonction de
    // l’autorité »).
    let attributed = |text: &str, lang: Lang| {
        sentences(text)
            .into_iter()
            .filter(|s| has_attribution(s, lang))
            .count()
    };
    let (ours, theirs) = (attributed(candidate, Lang::Fr), attributed(original, lang));
    if ours != theirs {
        return false;
    }
    // In French, as many verbs of saying and « selon »: « la commune a estimé que » added
    // beside the original's « selon la mairie » credits one more speaker.
    let credits = |text: &str, lang: Lang| {
        tokens(text)
            .iter()
            .filter(|t| source_markers(lang).contains(&t.as_str()) || is_speech_verb(t, lang))
            .count()
    };
    if lang == Lang::Fr && credits(candidate, Lang::Fr) != credits(original, Lang::Fr) {
        return false;
    }
    let c = ours > 0;
    if !c {
        return true;
    }
    if lang != Lang::Fr {
        return !speakers_in(original, lang).is_empty() || speakers(candidate).is_empty();
    }
    let original_stems: HashSet<String> = tokens(original)
        .iter()
        .filter(|t| is_content_word(t))
        .map(|t| stem(t))
        .collect();
    speakers(candidate)
        .iter()
        .all(|s| original_stems.contains(s))
}

/// The first-person words of `lang` (lower case; an elided one with its apostrophe).
/// Italian *ci* (also « there ») and Portuguese *nos* (also « in the ») are left out.
fn first_person_words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "je", "j’", "me", "m’", "moi", "nous", "mon", "ma", "mes", "notre", "nos",
        ],
        Lang::En => &[
            "i",
            "i’",
            "we",
            "we’",
            "me",
            "us",
            "my",
            "our",
            "ours",
            "mine",
            "myself",
            "ourselves",
        ],
        Lang::De => &[
            "ich", "wir", "mich", "mir", "uns", "mein", "meine", "meinen", "meinem", "meiner",
            "meines", "unser", "unsere", "unseren", "unserem", "unserer", "unseres",
        ],
        Lang::Es => &[
            "yo", "nosotros", "nosotras", "me", "mi", "mis", "nos", "nuestro", "nuestra",
            "nuestros", "nuestras", "conmigo",
        ],
        Lang::It => &[
            "io", "noi", "mi", "me", "mio", "mia", "miei", "mie", "nostro", "nostra", "nostri",
            "nostre",
        ],
        Lang::Pt => &[
            "eu", "nós", "me", "meu", "minha", "meus", "minhas", "nosso", "nossa", "nossos",
            "nossas", "comigo", "connosco", "conosco",
        ],
        Lang::Other => &[],
    }
}

/// Whether `text` (in `lang`) speaks in the first person outside its quotations. Spanish,
/// Portuguese and Italian drop the subject pronoun, so a verb of the first person plural
/// (-mos, -iamo) counts too (with a few other words in -mos, which only makes the check
/// more lenient); a first person singular verb cannot be told from others (*sono*).
fn speaks_in_first_person(text: &str, lang: Lang) -> bool {
    let outside = crate::facts::quotes::outside_quotations(text);
    // *US*, the country, is not *us*.
    let outside = outside.replace("US", " ").replace("U.S.", " ");
    let words = first_person_words(lang);
    tokens(&outside).iter().any(|t| {
        words.contains(&t.as_str())
            || (t.chars().count() > 4
                && match lang {
                    Lang::Es | Lang::Pt => t.ends_with("mos"),
                    Lang::It => t.ends_with("iamo"),
                    _ => false,
                })
    })
}

/// Whether a French candidate speaks in the first person (« je », « nous », « notre »…)
/// outside quotations only where its original (in `lang`) does: a news article speaks of
/// others, and « Je suis déjà parti » for *Sono già partiti* (« they have started ») invents
/// a speaker.
pub fn keeps_person(candidate: &str, original: &str, lang: Lang) -> bool {
    !speaks_in_first_person(candidate, Lang::Fr) || speaks_in_first_person(original, lang)
}

/// Words and phrases that set one thing against another (*but*, *although*, *despite*…),
/// folded, in each language plume reads.
fn contrast_markers(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Fr => &[
            "mais",
            "cependant",
            "pourtant",
            "toutefois",
            "neanmoins",
            "bien que",
            "bien qu",
            "quoique",
            "quoiqu",
            "meme si",
            "malgre",
            "en revanche",
            "alors que",
            "alors qu",
            "tandis que",
            "tandis qu",
            "par contre",
            "au contraire",
        ],
        Lang::En => &[
            "but",
            "however",
            "although",
            "though",
            "yet",
            "despite",
            "in spite",
            "while",
            "whereas",
            "whilst",
            "nevertheless",
            "nonetheless",
            "even if",
            "instead",
        ],
        Lang::De => &[
            "aber",
            "doch",
            "jedoch",
            "obwohl",
            "obgleich",
            "trotz",
            "trotzdem",
            "dennoch",
            "allerdings",
            "zwar",
            "sondern",
            "wahrend",
            "wohingegen",
            "hingegen",
            "auch wenn",
        ],
        Lang::Es => &[
            "pero",
            "aunque",
            "embargo",
            "no obstante",
            "a pesar",
            "mientras",
            "sino",
            "pese",
        ],
        Lang::It => &[
            "ma",
            "pero",
            "tuttavia",
            "anche se",
            "sebbene",
            "benche",
            "nonostante",
            "mentre",
            "eppure",
            "invece",
            "pur",
            "pure",
        ],
        Lang::Pt => &[
            "mas",
            "porem",
            "contudo",
            "embora",
            "apesar",
            "enquanto",
            "no entanto",
            "todavia",
            "entretanto",
        ],
        Lang::Other => &[],
    }
}

/// Whether `text` (in `lang`) sets one thing against another ([`contrast_markers`]).
fn contrasts(text: &str, lang: Lang) -> bool {
    let words = crate::facts::quotes::normalise(text);
    contrast_markers(lang)
        .iter()
        .any(|m| words.contains(&format!(" {m} ")))
}

/// Whether a French candidate sets things against each other only where its original (in
/// `lang`) does: « Bien que les utilisateurs reçoivent une notification, elle est excellente »
/// for *Bei den Nutzern kommt die Nachricht gut an* invents a concession.
pub fn keeps_contrast(candidate: &str, original: &str, lang: Lang) -> bool {
    !contrasts(candidate, Lang::Fr) || contrasts(original, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contrast_the_original_lacks_is_caught() {
        let de = "Bei den Nutzern kommt die Nachricht gut an.";
        assert!(!keeps_contrast(
            "Bien que les utilisateurs reçoivent une notification, elle est excellente.",
            de,
            Lang::De
        ));
        assert!(keeps_contrast(
            "La nouvelle plaît aux usagers.",
            de,
            Lang::De
        ));
        let en = "The port said it was open to talks, but no date has been set.";
        assert!(keeps_contrast(
            "Le port s’est dit ouvert aux discussions, mais aucune date n’a été fixée.",
            en,
            Lang::En
        ));
        let it = "Il Comune ha stanziato 1,2 milioni; finora, però, nessuno ha ricevuto i soldi.";
        assert!(keeps_contrast(
            "Personne n’a toutefois reçu l’argent.",
            it,
            Lang::It
        ));
    }

    #[test]
    fn a_first_person_the_original_lacks_is_caught() {
        let it = "Sono già partiti gli studi di fattibilità per il prolungamento della linea.";
        assert!(!keeps_person(
            "Je suis déjà parti pour les études de faisabilité.",
            it,
            Lang::It
        ));
        assert!(keeps_person(
            "Les études de faisabilité ont déjà commencé.",
            it,
            Lang::It
        ));
        // Inside a quotation the first person is the speaker's.
        let de = "„Wir haben keine Sorge“, sagte er.";
        assert!(keeps_person(
            "« Nous ne sommes pas inquiets », a-t-il dit.",
            de,
            Lang::De
        ));
        let en = "The union said the US offer was not enough.";
        assert!(!keeps_person(
            "Le syndicat a dit que notre offre ne suffisait pas.",
            en,
            Lang::En
        ));
        assert!(keeps_person(
            "Nous ferons grève, a écrit le syndicat.",
            "We will strike, the union wrote.",
            Lang::En
        ));
        // A dropped subject: « Abbiamo », « Hemos » are the first person plural.
        assert!(keeps_person(
            "Nous avons accumulé du retard.",
            "Abbiamo accumulato ritardi.",
            Lang::It
        ));
        assert!(keeps_person(
            "Nous avons modifié le tracé.",
            "Hemos modificado el trazado.",
            Lang::Es
        ));
        assert!(keeps_person("Il m’a dit non.", "Il m’a dit non.", Lang::Fr));
        assert!(!keeps_person("Il m’a dit non.", "Il a dit non.", Lang::Fr));
    }

    #[test]
    fn restriction_turned_into_negation_is_caught() {
        // The inverted meaning quoted in the issue « A publishable article ».
        let original =
            "La région assure que le budget initial n’a été dépassé que pour cette raison.";
        let inverted =
            "La région assure que le budget initial n’a pas été dépassé pour cette raison.";
        assert!(!keeps_polarity(inverted, original, Lang::Fr));
        let kept = "Selon la région, le budget initial n’a été dépassé que pour cette raison.";
        assert!(keeps_polarity(kept, original, Lang::Fr));
        let reworded = "La région assure que cette raison seulement explique le dépassement du budget initial.";
        assert!(keeps_polarity(reworded, original, Lang::Fr));
    }

    #[test]
    fn a_pronoun_as_the_speaker_is_found() {
        for (text, lang) in [
            (
                "\"We plan our whole week around the port,\" she said.",
                Lang::En,
            ),
            ("« Nous planifions notre semaine », dit-elle.", Lang::Fr),
            ("Elle a ajouté que le port restait fermé.", Lang::Fr),
        ] {
            assert!(credits_a_pronoun(text, lang), "{text}");
        }
        for (text, lang) in [
            (
                "\"Nobody wanted to be here,\" said Marlene Okafor-Reyes.",
                Lang::En,
            ),
            ("« Nous restons », a déclaré la directrice.", Lang::Fr),
            ("Le port est fermé depuis lundi.", Lang::Fr),
        ] {
            assert!(!credits_a_pronoun(text, lang), "{text}");
        }
    }

    #[test]
    fn a_french_paraphrase_credits_no_one_more() {
        let original =
            "Pour la commune de 5 800 habitants, l’endettement reste contenu, selon la mairie.";
        let added = "La commune de 5 800 habitants, selon la mairie, a estimé que l’endettement reste contenu.";
        assert!(!keeps_attributions(added, original, Lang::Fr));
        let kept = "Selon la mairie, l’endettement de la commune de 5 800 habitants reste contenu.";
        assert!(keeps_attributions(kept, original, Lang::Fr));
    }

    #[test]
    fn each_sentence_keeps_its_attribution() {
        let original = "According to the port authority, about 38,000 containers are held up. \
            The authority estimates that each day costs $27 million.";
        let lost = "En fonction de l’autorité portuaire, environ 38 000 conteneurs sont bloqués. \
            L’autorité prédit que chaque jour coûte 27 millions de dollars.";
        assert!(!keeps_attributions(lost, original, Lang::En));
        let kept = "Selon l’autorité portuaire, environ 38 000 conteneurs sont bloqués. \
            L’autorité estime que chaque jour coûte 27 millions de dollars.";
        assert!(keeps_attributions(kept, original, Lang::En));
    }

    #[test]
    fn a_translation_names_no_speaker_its_original_leaves_unnamed() {
        let original = "«Ninguna de ellas quedará dentro del vallado», aseguró.";
        for (candidate, kept) in [
            (
                "« Aucune ne restera dans la clôture », a-t-il assuré.",
                true,
            ),
            (
                "« Aucune ne restera dans la clôture », a assuré l’expert.",
                false,
            ),
        ] {
            assert_eq!(
                keeps_attributions(candidate, original, Lang::Es),
                kept,
                "{candidate}"
            );
        }
        // A named speaker may be rendered, and renamed by the fact check's rules.
        let named = "«Ninguna quedará dentro», aseguró el director.";
        assert!(keeps_attributions(
            "« Aucune ne restera », a assuré le directeur.",
            named,
            Lang::Es
        ));
    }

    #[test]
    fn french_polarity() {
        assert_eq!(
            polarity("Aucun blessé n’est à déplorer.", Lang::Fr),
            Polarity {
                negations: 1,
                restriction: false
            }
        );
        assert_eq!(polarity("Il ne reviendra jamais.", Lang::Fr).negations, 1);
        assert_eq!(polarity("Il n’y a plus de train.", Lang::Fr).negations, 1);
        assert_eq!(polarity("Il y a plus de trains.", Lang::Fr).negations, 0);
        assert_eq!(
            polarity("La ligne est ouverte.", Lang::Fr),
            Polarity::default()
        );
        assert!(polarity("Il ne reste que deux jours.", Lang::Fr).restriction);
        assert_eq!(
            polarity("Non seulement la gare, mais la ligne.", Lang::Fr),
            Polarity::default()
        );
    }

    #[test]
    fn polarity_across_languages() {
        assert!(keeps_polarity(
            "Le port n’a jamais connu une telle grève.",
            "The port has never seen such a strike.",
            Lang::En
        ));
        assert!(!keeps_polarity(
            "Le port a connu une telle grève.",
            "The port hasn't seen such a strike.",
            Lang::En
        ));
        assert!(!keeps_polarity(
            "Les cargos ont été acceptés.",
            "Only emergency shipments were accepted.",
            Lang::En
        ));
        assert!(keeps_polarity(
            "Il n’y aura aucune coupure.",
            "Es gibt keine Unterbrechung.",
            Lang::De
        ));
        assert!(keeps_polarity(
            "La centrale ne créera que huit emplois.",
            "La planta solo creará ocho empleos.",
            Lang::Es
        ));
        // An upper bound is a quantity, however it is said, not a negation.
        for candidate in [
            "La salle peut accueillir 25 visiteurs au maximum à la fois.",
            "La salle ne peut accueillir plus de 25 visiteurs à la fois.",
            "La salle n’accueillera pas plus de 25 visiteurs à la fois.",
        ] {
            for (original, lang) in [
                (
                    "La sala potrà accogliere non più di 25 visitatori alla volta.",
                    Lang::It,
                ),
                (
                    "The room will hold no more than 25 visitors at a time.",
                    Lang::En,
                ),
                ("Der Saal fasst nicht mehr als 25 Besucher.", Lang::De),
            ] {
                assert!(
                    keeps_polarity(candidate, original, lang),
                    "{candidate} / {original}"
                );
            }
        }
        // *nobody*, *nothing*, *never* need their French word, not any negation
        assert!(!keeps_polarity(
            "« Les personnes qui n’ont pas cette ligne voulaient être ici aujourd’hui », a dit Marlene.",
            "\"Nobody on this picket line wanted to be here today,\" said Marlene.",
            Lang::En
        ));
        for (candidate, original, lang) in [
            (
                "« Personne sur ce piquet de grève ne voulait être ici aujourd’hui », a dit Marlene.",
                "\"Nobody on this picket line wanted to be here today,\" said Marlene.",
                Lang::En,
            ),
            (
                "Aucun blessé n’est à déplorer.",
                "No one was hurt.",
                Lang::En,
            ),
            (
                "Nous n’avons jamais quitté la table.",
                "Wir haben den Tisch nie verlassen.",
                Lang::De,
            ),
            (
                "Rien n’a changé pour les habitants.",
                "Nada ha cambiado para los vecinos.",
                Lang::Es,
            ),
        ] {
            assert!(keeps_polarity(candidate, original, lang), "{candidate}");
        }
        assert!(!keeps_polarity(
            "Nous n’avons pas quitté la table.",
            "Wir haben den Tisch nie verlassen.",
            Lang::De
        ));
        // « ne … plus » without a number still negates.
        assert!(!keeps_polarity(
            "La salle n’accueille plus de visiteurs.",
            "La sala accoglie visitatori.",
            Lang::It
        ));
    }

    #[test]
    fn invented_or_lost_speakers_are_caught() {
        let original = "La route restera fermée jusqu’au 30 mai, selon la mairie.";
        assert!(keeps_attributions(
            "Selon la mairie, la route restera fermée jusqu’au 30 mai.",
            original,
            Lang::Fr
        ));
        assert!(!keeps_attributions(
            "La route restera fermée jusqu’au 30 mai, a annoncé la préfecture.",
            original,
            Lang::Fr
        ));
        assert!(!keeps_attributions(
            "La route restera fermée jusqu’au 30 mai.",
            original,
            Lang::Fr
        ));
        assert!(!keeps_attributions(
            "La ligne a rouvert, a annoncé la préfecture.",
            "La ligne a rouvert lundi.",
            Lang::Fr
        ));
        assert!(keeps_attributions(
            "Le port restera fermé, a déclaré Mary Chen.",
            "\"The port will stay closed,\" said Mary Chen.",
            Lang::En
        ));
    }
}
