//! Which language a text is written in, from the share of each language's function
//! words (word lists in `data/stopwords/`), helped a little by letters only some of
//! the languages use (ñ, ß, ã, œ…). Good on a paragraph; [`is_french`] is a stricter
//! test meant for one model-written sentence.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

/// The languages plume recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
    Es,
    De,
    It,
    Pt,
    /// Another language, or too little text to tell.
    Other,
}

impl Lang {
    /// The languages with a word list, in a fixed order.
    pub const KNOWN: [Lang; 6] = [Lang::Fr, Lang::En, Lang::Es, Lang::De, Lang::It, Lang::Pt];

    /// The ISO 639-1 code ("fr", "en", …; "und" for [`Lang::Other`]).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::It => "it",
            Lang::Pt => "pt",
            Lang::Other => "und",
        }
    }

    fn index(self) -> Option<usize> {
        Lang::KNOWN.iter().position(|&l| l == self)
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The result of [`detect`]: the language and how sure we are, from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LangGuess {
    pub lang: Lang,
    /// How far ahead of the runner-up the winner is (1 = no competitor, 0 = a tie).
    pub confidence: f32,
}

const WORD_LISTS: [&str; 6] = [
    include_str!("data/stopwords/fr.txt"),
    include_str!("data/stopwords/en.txt"),
    include_str!("data/stopwords/es.txt"),
    include_str!("data/stopwords/de.txt"),
    include_str!("data/stopwords/it.txt"),
    include_str!("data/stopwords/pt.txt"),
];

/// Letters that point to some of the languages, with the languages they point to.
const LETTER_HINTS: &[(char, &[Lang])] = &[
    ('ñ', &[Lang::Es]),
    ('¿', &[Lang::Es]),
    ('¡', &[Lang::Es]),
    ('ß', &[Lang::De]),
    ('ä', &[Lang::De]),
    ('ö', &[Lang::De]),
    ('ü', &[Lang::De]),
    ('ã', &[Lang::Pt]),
    ('õ', &[Lang::Pt]),
    ('ç', &[Lang::Fr, Lang::Pt]),
    ('œ', &[Lang::Fr]),
    ('ê', &[Lang::Fr, Lang::Pt]),
    ('â', &[Lang::Fr, Lang::Pt]),
    ('î', &[Lang::Fr]),
    ('û', &[Lang::Fr]),
    ('ë', &[Lang::Fr]),
    ('ï', &[Lang::Fr]),
    ('è', &[Lang::Fr, Lang::It]),
    ('ù', &[Lang::Fr, Lang::It]),
    ('ì', &[Lang::It]),
    ('ò', &[Lang::It]),
];

/// Weight of one hinting letter, against 1 for a function word.
const LETTER_WEIGHT: f32 = 0.3;

/// Fewer words than this and detection says [`Lang::Other`].
const MIN_WORDS: usize = 3;

/// A run of more characters than this without a space (a base64 blob, a hash, a line of
/// symbols) is not a word of any language: detection passes over it rather than read its
/// letters as thousands of words that are no language's.
const MAX_TOKEN_CHARS: usize = 64;

/// A line of at most this many words without a function word of any language (a list item
/// of names, figures or single words: « Jeanne Morel », « 1 250 habitants », « Valmorin »)
/// says nothing about the language, and [`detect`] leaves it out.
const NEUTRAL_LINE_WORDS: usize = 12;

/// Each function word with the languages whose list holds it.
/// Whether `word` (lower case) is a function word of one of the other languages plume reads
/// (English, Spanish, German, Italian, Portuguese), from the detector's own lists.
pub fn is_foreign_function_word(word: &str) -> bool {
    lexicon()
        .get(word)
        .is_some_and(|langs| langs.iter().any(|&l| l != Lang::Fr))
}

fn lexicon() -> &'static HashMap<&'static str, Vec<Lang>> {
    static LEXICON: OnceLock<HashMap<&'static str, Vec<Lang>>> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<Lang>> = HashMap::new();
        for (lang, list) in Lang::KNOWN.iter().zip(WORD_LISTS) {
            for word in list.lines().map(str::trim) {
                if word.is_empty() || word.starts_with('#') {
                    continue;
                }
                let langs = map.entry(word).or_default();
                if !langs.contains(lang) {
                    langs.push(*lang);
                }
            }
        }
        map
    })
}

/// The evidence gathered from a text.
#[derive(Default)]
struct Scores {
    /// Per language in [`Lang::KNOWN`] order: function words (shared words split
    /// between the languages that share them) plus letter hints.
    score: [f32; 6],
    /// Per language: function words only, without letter hints.
    word_score: [f32; 6],
    /// Per language: words of the text its list holds, shared or not.
    hits: [usize; 6],
    /// Per language: function words only that language lists.
    own_words: [usize; 6],
    /// Words in the text.
    words: usize,
}

fn score(text: &str) -> Scores {
    let lexicon = lexicon();
    let mut scores = Scores {
        score: [0.0; 6],
        word_score: [0.0; 6],
        hits: [0; 6],
        own_words: [0; 6],
        words: 0,
    };
    let lower = text.to_lowercase();
    let tokens = || {
        lower
            .split_whitespace()
            .filter(|t| t.chars().nth(MAX_TOKEN_CHARS).is_none())
    };
    for word in tokens()
        .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty())
    {
        scores.words += 1;
        let Some(langs) = lexicon.get(word) else {
            continue;
        };
        let share = 1.0 / langs.len() as f32;
        for lang in langs {
            if let Some(i) = lang.index() {
                scores.score[i] += share;
                scores.word_score[i] += share;
                scores.hits[i] += 1;
                if langs.len() == 1 {
                    scores.own_words[i] += 1;
                }
            }
        }
    }
    for c in tokens().flat_map(str::chars) {
        if let Some((_, langs)) = LETTER_HINTS.iter().find(|(letter, _)| *letter == c) {
            for lang in langs.iter() {
                if let Some(i) = lang.index() {
                    scores.score[i] += LETTER_WEIGHT / langs.len() as f32;
                }
            }
        }
    }
    scores
}

impl Scores {
    /// Whether the text scored is a short line without a single function word.
    fn is_neutral_line(&self) -> bool {
        self.words <= NEUTRAL_LINE_WORDS && self.hits.iter().all(|&h| h == 0)
    }

    fn add(&mut self, other: &Scores) {
        for i in 0..Lang::KNOWN.len() {
            self.score[i] += other.score[i];
            self.word_score[i] += other.word_score[i];
            self.hits[i] += other.hits[i];
            self.own_words[i] += other.own_words[i];
        }
        self.words += other.words;
    }
}

/// The evidence of the lines of `text` that say something about its language: the running
/// sentences, not the short lines without a function word (see [`NEUTRAL_LINE_WORDS`]), so
/// that a long list of names or figures does not drown the sentences around it.
fn score_running_text(text: &str) -> Scores {
    let mut total = Scores::default();
    for line in text.lines() {
        let line = score(line);
        if !line.is_neutral_line() {
            total.add(&line);
        }
    }
    total
}

/// The best and second-best language indexes.
fn ranking(scores: &Scores) -> (usize, usize) {
    let mut order: Vec<usize> = (0..Lang::KNOWN.len()).collect();
    order.sort_by(|&a, &b| scores.score[b].total_cmp(&scores.score[a]));
    (order[0], order[1])
}

/// Guesses the language of `text`. Reliable from about 30 words; on fewer than 3 words,
/// or when too few of the words are function words of any language, it says
/// [`Lang::Other`] with confidence 0. Short lines without any function word (list items of
/// names or figures) are neutral: they count neither for a language nor against all.
pub fn detect(text: &str) -> LangGuess {
    let scores = score_running_text(text);
    let unknown = LangGuess {
        lang: Lang::Other,
        confidence: 0.0,
    };
    if scores.words < MIN_WORDS {
        return unknown;
    }
    let (best, second) = ranking(&scores);
    let top = scores.score[best];
    // Function words make up 40–55 % of running text; under 10 % the text is not in
    // any of the known languages (or it is a list of names and numbers). Letters alone
    // are not enough.
    let function_words = scores.word_score[best];
    if function_words < 1.0 || function_words < 0.10 * scores.words as f32 {
        return unknown;
    }
    let confidence = (top - scores.score[second]) / top;
    if confidence < 0.15 {
        return unknown;
    }
    LangGuess {
        lang: Lang::KNOWN[best],
        confidence,
    }
}

/// Whether `text` is French, erring on the side of "no": the model's output is kept only
/// when this says yes. It needs a quarter of the words or more to be French function
/// words, at least one of them a word only French uses, and French to lead the
/// runner-up by half again.
pub fn is_french(text: &str) -> bool {
    let scores = score(text);
    if scores.words < MIN_WORDS {
        return false;
    }
    let (best, second) = ranking(&scores);
    let fr = Lang::Fr.index().unwrap_or_default();
    let top = scores.score[fr];
    best == fr
        && scores.hits[fr] * 4 >= scores.words
        && scores.own_words[fr] >= 1
        && top >= 1.5 * scores.score[second]
}

#[cfg(test)]
mod tests {
    use super::*;

    const FR: &str = "Le conseil régional a annoncé jeudi que la ligne entre les deux villes \
        serait rouverte au printemps prochain. Les travaux, qui ont duré près de trois ans, ont \
        coûté plus que prévu, mais les élus estiment que le train reste indispensable pour les \
        habitants de la vallée.";
    const EN: &str = "The regional council announced on Thursday that the line between the two \
        towns would reopen next spring. The work, which took almost three years, cost more than \
        planned, but officials say the train is still essential for the people who live in the \
        valley.";
    const ES: &str = "El consejo regional anunció el jueves que la línea entre las dos ciudades \
        volverá a abrir la próxima primavera. Las obras, que duraron casi tres años, costaron más \
        de lo previsto, pero los responsables dicen que el tren sigue siendo esencial para los \
        vecinos del valle.";
    const DE: &str =
        "Der Regionalrat hat am Donnerstag angekündigt, dass die Strecke zwischen den \
        beiden Städten im nächsten Frühjahr wieder geöffnet wird. Die Arbeiten, die fast drei \
        Jahre gedauert haben, waren teurer als geplant, aber die Verantwortlichen sagen, dass der \
        Zug für die Menschen im Tal unverzichtbar bleibt.";
    const IT: &str = "Il consiglio regionale ha annunciato giovedì che la linea tra le due città \
        sarà riaperta la prossima primavera. I lavori, che sono durati quasi tre anni, sono costati \
        più del previsto, ma gli amministratori dicono che il treno resta essenziale per gli \
        abitanti della valle.";
    const PT: &str = "O conselho regional anunciou na quinta-feira que a linha entre as duas \
        cidades será reaberta na próxima primavera. As obras, que duraram quase três anos, \
        custaram mais do que o previsto, mas os responsáveis dizem que o comboio continua a ser \
        essencial para os moradores do vale.";

    #[test]
    fn detects_each_language_on_a_paragraph() {
        for (text, want) in [
            (FR, Lang::Fr),
            (EN, Lang::En),
            (ES, Lang::Es),
            (DE, Lang::De),
            (IT, Lang::It),
            (PT, Lang::Pt),
        ] {
            let guess = detect(text);
            assert_eq!(guess.lang, want, "{text}");
            assert!(guess.confidence > 0.3, "{want}: {guess:?}");
        }
    }

    #[test]
    fn too_little_or_unknown_text_is_other() {
        assert_eq!(detect("").lang, Lang::Other);
        assert_eq!(detect("Paris 2024").lang, Lang::Other);
        let finnish = "Kunnanvaltuusto päätti torstaina avata kirjaston uudelleen ensi keväänä \
                       pitkän remontin jälkeen ja asukkaat odottavat sitä innolla";
        assert_eq!(detect(finnish).lang, Lang::Other);
    }

    #[test]
    fn is_french_accepts_short_french_sentences() {
        for sentence in [
            "Les travaux de la nouvelle gare ont commencé lundi matin sous la pluie.",
            "Selon le maire, cette ligne est essentielle pour les habitants de la vallée.",
            "Elle a déclaré qu’il n’était pas question de fermer la bibliothèque cet été.",
            "Trois cents voyageurs ont pris le premier train, qui est parti à l’heure.",
        ] {
            assert!(is_french(sentence), "{sentence}");
        }
        assert!(is_french(FR));
    }

    #[test]
    fn is_french_refuses_other_languages_and_noise() {
        for text in [
            "The works on the new station started on Monday morning in the rain.",
            "According to the mayor, this line is essential for the people of the valley.",
            "Las obras de la nueva estación empezaron el lunes por la mañana bajo la lluvia.",
            "Según el alcalde, esta línea es esencial para los vecinos del valle y de la región.",
            "Die Arbeiten am neuen Bahnhof haben am Montagmorgen im Regen begonnen.",
            "I lavori della nuova stazione sono iniziati lunedì mattina sotto la pioggia.",
            "As obras da nova estação começaram na segunda-feira de manhã debaixo de chuva.",
            "Paris Lyon Marseille 2024 2025 TGV SNCF RER",
            "",
            EN,
            ES,
        ] {
            assert!(!is_french(text), "{text}");
        }
    }

    #[test]
    fn is_french_on_news_sentences() {
        let french = [
            "Le gouvernement a présenté mercredi un plan pour relancer l'industrie automobile.",
            "La bibliothèque municipale ouvrira ses portes le 12 mars à Saint-Aubin-des-Prés.",
            "Le maire, Jacques Morel, a inauguré le bâtiment en présence de trois cents habitants.",
            "Un incendie a détruit un entrepôt de la zone artisanale dans la nuit de vendredi.",
            "Selon la SNCF, la fréquentation pourrait atteindre deux mille voyageurs par jour.",
        ];
        let others = [
            "The municipal library will open its doors on March 12 in Saint-Aubin-des-Prés.",
            "Mayor Jacques Morel opened the building in front of three hundred residents.",
            "Un incendio destruyó un almacén de la zona artesanal en la noche del viernes.",
            "La biblioteca municipal abrirá sus puertas el 12 de marzo en la ciudad de Valmorin.",
            "A biblioteca municipal vai abrir as portas no dia 12 de março em Valmorin.",
            "La biblioteca comunale aprirà le sue porte il 12 marzo a Valmorin, ha detto il sindaco.",
            "Die Stadtbibliothek öffnet am 12. März in Valmorin ihre Türen für alle Bürger.",
            "Le government a presented a plan on Wednesday to revive the car industry and the jobs.",
        ];
        for sentence in french {
            assert!(is_french(sentence), "{sentence}");
            assert_eq!(detect(sentence).lang, Lang::Fr, "{sentence}");
        }
        for sentence in others {
            assert!(!is_french(sentence), "{sentence}");
        }
    }

    #[test]
    fn a_long_list_of_names_and_figures_leaves_the_sentences_their_language() {
        let items: Vec<String> = (0..60)
            .map(|i| match i % 3 {
                0 => format!("Jeanne Morel {i}"),
                1 => format!("{} 250 euros", i + 1),
                _ => "Valmorin".to_string(),
            })
            .collect();
        for (sentence, want) in [
            (
                "Le conseil municipal a publié lundi la liste des lauréats de l’année.",
                Lang::Fr,
            ),
            (
                "The town council published the list of this year’s winners on Monday.",
                Lang::En,
            ),
        ] {
            let text = format!("{sentence}\n\n{}", items.join("\n\n"));
            assert_eq!(detect(&text).lang, want, "{sentence}");
        }
        // The list alone says nothing.
        assert_eq!(detect(&items.join("\n")).lang, Lang::Other);
    }

    #[test]
    fn a_run_without_spaces_is_no_language() {
        // 140,000 characters of base64: 40,000 "words" (az, qk) for a splitter at non-letters.
        let blob = "Az9+/qK".repeat(20_000);
        let text = format!(
            "Le maire a présenté le budget lundi. La clé {blob} a été transmise par la mairie."
        );
        assert_eq!(detect(&text).lang, Lang::Fr);
    }

    #[test]
    fn english_with_a_french_name_is_not_french() {
        assert!(!is_french(
            "Mayor Jean-Pierre Dubois of Saint-Étienne said the new line would open in June."
        ));
    }
}
