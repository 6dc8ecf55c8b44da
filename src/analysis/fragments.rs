//! Whole sentences: what a sub-editor would strike as a fragment. A sentence of the body, a
//! list item or an answer must start with a capital, end with its punctuation, balance its
//! quotation marks, have a conjugated verb, and not stop after « que » (« La région assure
//! que le budget initial. »). French only; the verb test is a heuristic (no tagger): it knows
//! « être » and « avoir », the common irregular forms, subject pronouns and the regular
//! endings, and asks the dictionary whether a word in -e/-ent is a form of an -er verb.

use crate::analysis::lists::{AVOIR_FORMS, ENT_PRONOUNCED, ETRE_FORMS};
use crate::analysis::spelling::is_french_word;
use crate::analysis::text::phrase_tokens;

/// Why a sentence is not whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    LowerCaseStart,
    NoFinalPunctuation,
    UnbalancedQuotes,
    NoVerb,
    CutOffClause,
}

impl std::fmt::Display for Fragment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fragment::LowerCaseStart => "starts in lower case",
            Fragment::NoFinalPunctuation => "no final punctuation",
            Fragment::UnbalancedQuotes => "unbalanced quotation marks",
            Fragment::NoVerb => "no verb",
            Fragment::CutOffClause => "a clause cut off after « que »",
        })
    }
}

/// Common conjugated forms that the endings below miss.
const IRREGULAR: [&str; 62] = [
    "dit",
    "fait",
    "font",
    "va",
    "vont",
    "peut",
    "peuvent",
    "doit",
    "doivent",
    "veut",
    "veulent",
    "faut",
    "sait",
    "savent",
    "prend",
    "prennent",
    "met",
    "mettent",
    "vient",
    "viennent",
    "tient",
    "tiennent",
    "devient",
    "deviennent",
    "prévoit",
    "prévoient",
    "permet",
    "permettent",
    "atteint",
    "atteignent",
    "craint",
    "craignent",
    "rejoint",
    "voit",
    "voient",
    "croit",
    "reçoit",
    "reçoivent",
    "conduit",
    "produit",
    "construit",
    "dépend",
    "attend",
    "attendent",
    "rend",
    "vend",
    "répond",
    "répondent",
    "entend",
    "perd",
    "suit",
    "suivent",
    "vit",
    "écrit",
    "part",
    "sort",
    "sert",
    "paraît",
    "connaît",
    "reconnaît",
    "apparaît",
    "naît",
];

/// Subject pronouns: a word after one is taken for its verb.
const SUBJECTS: [&str; 13] = [
    "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "j’", "qui", "ne", "se", "s’",
];

/// The future stems of irregular verbs, less their « r » (venir → viendr-, pouvoir → pourr-):
/// with « -ra », « -ront », « -rait », « -raient » they make their future and conditional.
const IRREGULAR_FUTURE_STEMS: [&str; 13] = [
    "viend", "tiend", "pour", "ver", "voud", "dev", "sau", "faud", "vaud", "cev", "mour", "cour",
    "enver",
];

/// Whether `token` (lower case) looks like a conjugated French verb.
fn is_verb_form(token: &str) -> bool {
    if ETRE_FORMS.contains(token) && token != "être" && token != "été" {
        return true;
    }
    if AVOIR_FORMS.contains(token) && token != "avoir" && token != "eu" && token != "ayant" {
        return true;
    }
    if IRREGULAR.contains(&token) {
        return true;
    }
    let n = token.chars().count();
    if n < 4 {
        return false;
    }
    // Imperfect and conditional (« -ait »), future (« -eront », « -iront »); the plurals in
    // « -aient », « -èrent », « -ssent » are « -ent » forms, below.
    if ["ait", "eront", "iront"]
        .iter()
        .any(|end| token.ends_with(end))
    {
        return true;
    }
    // -ent: a verb unless pronounced (« président ») or an adverb/noun in -ment.
    if token.ends_with("ent") && !token.ends_with("ment") && !ENT_PRONOUNCED.contains(token) {
        return true;
    }
    // « annonce », « assurent », « estime »: forms of an -er verb the dictionary knows.
    let stem = token
        .strip_suffix("ent")
        .or_else(|| token.strip_suffix("es"))
        .or_else(|| token.strip_suffix('e'));
    if let Some(stem) = stem {
        // « espère » → « espérer », « achète » → « acheter ».
        let unaccented = stem.rfind('è').map(|i| {
            [
                format!("{}é{}", &stem[..i], &stem[i + 2..]),
                format!("{}e{}", &stem[..i], &stem[i + 2..]),
            ]
        });
        if stem.chars().count() >= 3
            && (is_french_word(&format!("{stem}er"))
                || unaccented
                    .iter()
                    .flatten()
                    .any(|s| is_french_word(&format!("{s}er"))))
        {
            return true;
        }
    }
    // « défend », « répond »: -re verbs.
    if token.ends_with('d') && is_french_word(&format!("{token}re")) {
        return true;
    }
    // Future and present of -ir/-re verbs in -it (« finit », « réunit »).
    if let Some(stem) = token.strip_suffix("it") {
        if is_french_word(&format!("{stem}ir")) || is_french_word(&format!("{stem}ire")) {
            return true;
        }
    }
    // Future and conditional on an irregular stem (« redeviendra », « pourront », « verrait »).
    if ["ra", "ront", "rait", "raient"].iter().any(|end| {
        token
            .strip_suffix(end)
            .is_some_and(|head| IRREGULAR_FUTURE_STEMS.iter().any(|s| head.ends_with(s)))
    }) {
        return true;
    }
    // Future and conditional (« permettra », « créera », « ouvrirait »): what precedes the
    // ending is an infinitive the dictionary knows, whole or less its final « e ».
    ["ra", "ront", "rait", "raient"].iter().any(|end| {
        token.strip_suffix(end).is_some_and(|head| {
            // « accueillera » → « accueillir ».
            let ir = head.strip_suffix('e').map(|h| format!("{h}ir"));
            head.chars().count() >= 2
                && (is_french_word(&format!("{head}r"))
                    || is_french_word(&format!("{head}re"))
                    || ir.is_some_and(|w| is_french_word(&w)))
        })
    })
}

/// Whether `text` has a conjugated verb (heuristic).
pub fn has_verb(text: &str) -> bool {
    let tokens = phrase_tokens(text);
    tokens.iter().enumerate().any(|(i, t)| {
        is_verb_form(t)
            || (SUBJECTS.contains(&t.as_str())
                && tokens
                    .get(i + 1)
                    .is_some_and(|n| n.chars().any(char::is_alphabetic)))
    })
}

/// Two words in a row that say the same thing twice (« une structure structurée », « vraiment
/// vraiment »): both of at least seven letters, lower case (not names), the first
/// seven the same. A small model stutters so when it lacks the word it wants; people writing
/// French do not (no such pair in the corpus's French sources, the seed or the faithful
/// candidates: tested). The pair, as written, when there is one.
pub fn doubled_word(text: &str) -> Option<String> {
    const PREFIX: usize = 7;
    // Words as written, in a row (no punctuation between them: « structure, structurée » is
    // a list's, not a stutter).
    let words: Vec<&str> = text.split_whitespace().collect();
    let bare = |t: &str| -> Option<Vec<char>> {
        // « l’organisation » is « organisation »
        let word = t.rsplit(['’', '\'']).next().unwrap_or(t);
        let chars: Vec<char> = word.chars().collect();
        (chars.len() >= PREFIX && chars.iter().all(|c| c.is_alphabetic() && c.is_lowercase()))
            .then_some(chars)
    };
    words.windows(2).find_map(|pair| {
        let second = pair[1].trim_end_matches(|c: char| !c.is_alphabetic());
        let (a, b) = (bare(pair[0])?, bare(second)?);
        (a[..PREFIX] == b[..PREFIX]).then(|| format!("{} {second}", pair[0]))
    })
}

/// Whether « » (and “ ”) are balanced in `text`.
pub fn balanced_quotes(text: &str) -> bool {
    let count = |c: char| text.chars().filter(|&x| x == c).count();
    count('«') == count('»') && count('“') == count('”') && count('"') % 2 == 0
}

/// Why `sentence` is a fragment, if it is one.
pub fn fragment(sentence: &str) -> Option<Fragment> {
    let s = sentence.trim();
    let first = s
        .chars()
        .find(|c| c.is_alphanumeric() || *c == '«' || *c == '“');
    if first.is_some_and(|c| c.is_lowercase()) {
        return Some(Fragment::LowerCaseStart);
    }
    if !s.ends_with(['.', '!', '?', '…', '»', '”', '"', ')']) {
        return Some(Fragment::NoFinalPunctuation);
    }
    if !balanced_quotes(s) {
        return Some(Fragment::UnbalancedQuotes);
    }
    // A question or an exclamation may do without a verb (« Pourquoi un tel succès ? »).
    if !has_verb(s)
        && !s
            .trim_end_matches(['»', '”', '"', ' ', '\u{a0}'])
            .ends_with(['?', '!'])
    {
        return Some(Fragment::NoVerb);
    }
    // « assure que le budget initial. »: after a verb's « que », the clause needs its verb.
    let tokens = phrase_tokens(s);
    for i in (0..tokens.len()).filter(|&i| tokens[i] == "que" || tokens[i] == "qu’") {
        // « ne … que » restricts; it introduces no clause.
        if tokens[i.saturating_sub(6)..i]
            .iter()
            .any(|t| t == "ne" || t == "n’")
        {
            continue;
        }
        // The verb before « que »: conjugated (« assure que »), or a participle after its
        // auxiliary (« a indiqué que »); not a comparison (« plus élevé que prévu »).
        let prev = |k: usize| i.checked_sub(k).map(|j| tokens[j].as_str()).unwrap_or("");
        let participle = ["é", "i", "u", "it", "is"]
            .iter()
            .any(|e| prev(1).ends_with(e))
            && (AVOIR_FORMS.contains(prev(2)) || ETRE_FORMS.contains(prev(2)));
        let introduced = is_verb_form(prev(1)) || participle;
        let rest = tokens[i + 1..].join(" ");
        if introduced && !tokens[i + 1..].is_empty() && !has_verb(&rest) {
            return Some(Fragment::CutOffClause);
        }
    }
    None
}

/// Adverbs that lean on what follows them (« Le festival repose aussi [sur…] »), negations
/// among them (« une seule grue n’était pas [en service] »), and those that wait for a number
/// (« Chaque jour de fermeture coûte environ [27 millions] »).
const LEANING_ADVERBS: [&str; 23] = [
    "aussi",
    "également",
    "encore",
    "déjà",
    "notamment",
    "toujours",
    "surtout",
    "désormais",
    "ainsi",
    "même",
    "plus",
    "moins",
    "très",
    "trop",
    "bien",
    "seulement",
    "pas",
    "jamais",
    "guère",
    "environ",
    "presque",
    "quasiment",
    "approximativement",
];

/// Determiners after which a word is a noun, whatever its ending (« du lait », « la
/// sécurité »).
pub const DETERMINERS: [&str; 16] = [
    "le", "la", "les", "l’", "un", "une", "du", "de", "des", "d’", "au", "aux", "son", "sa", "ses",
    "leur",
];

/// Whether `piece`, cut from a sentence that goes on after it, stops where the sentence still
/// needed its next words: on a conjugated verb or a participle after its auxiliary (« Les
/// agriculteurs ont opté », « le projet coûterait »; a passive participle ends a clause:
/// « le budget a été tenu »), on an adverb that leans on what follows
/// (« Le festival repose aussi »), or inside a clause opened by « que » that has no verb yet.
/// Whether `piece` (a heading) stops on a word that cannot end one: an adverb that leans on
/// what follows (« …coûte environ »), a determiner, a preposition or a conjunction (« …la
/// hausse de »). Unlike [`ends_unfinished`], a verb may end it (« La ligne rouvre »).
pub fn ends_leaning(piece: &str) -> bool {
    const LINKS: [&str; 12] = [
        "à", "que", "qu’", "qui", "et", "ou", "pour", "sur", "dans", "par", "avec", "en",
    ];
    phrase_tokens(piece).last().is_some_and(|last| {
        LEANING_ADVERBS.contains(&last.as_str())
            || DETERMINERS.contains(&last.as_str())
            || LINKS.contains(&last.as_str())
    })
}

pub fn ends_unfinished(piece: &str) -> bool {
    let tokens = phrase_tokens(piece);
    let Some(last) = tokens.last().map(String::as_str) else {
        return false;
    };
    let before = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
    let noun = before.is_some_and(|b| DETERMINERS.contains(&b));
    let participle = ["é", "ée", "és", "ées", "i", "u", "is", "it"]
        .iter()
        .any(|e| last.ends_with(e))
        && before.is_some_and(|b| AVOIR_FORMS.contains(b));
    let cut_clause = fragment(&format!(
        "{}.",
        piece.trim_end_matches(['.', ',', ';', ':'])
    )) == Some(Fragment::CutOffClause);
    LEANING_ADVERBS.contains(&last) || participle || (!noun && is_verb_form(last)) || cut_clause
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_twice_in_a_row_is_a_doubled_word() {
        assert_eq!(
            doubled_word("une structure structurée corrompue par corrosion").as_deref(),
            Some("structure structurée")
        );
        assert_eq!(
            doubled_word("Il l’a dit vraiment vraiment.").as_deref(),
            Some("vraiment vraiment")
        );
        assert_eq!(
            doubled_word("la structure, structurée en trois parties"),
            None
        );
        assert_eq!(doubled_word("Martinez Martinet a parlé"), None, "names");
        assert_eq!(doubled_word("nous nous sommes vus"), None, "short words");
        assert_eq!(doubled_word("les communes communautaires"), None);
    }

    #[test]
    fn a_heading_may_end_on_a_verb_not_on_a_word_that_leans() {
        for leaning in [
            "Chaque jour de fermeture coûte environ",
            "La hausse de",
            "Le port reste fermé pour",
        ] {
            assert!(ends_leaning(leaning), "{leaning}");
        }
        for whole in [
            "La ligne rouvre",
            "Le port de Harrowmouth à l’arrêt",
            "Une hausse de 38 %",
        ] {
            assert!(!ends_leaning(whole), "{whole}");
        }
    }

    #[test]
    fn a_piece_that_stops_before_its_complement_is_unfinished() {
        for piece in [
            "Chaque jour de fermeture coûte environ",
            "Le festival repose aussi",
            "Les agriculteurs ont opté",
            "Le Conseil a déclaré que le projet d’expansion coûterait",
            "La région assure que le budget initial",
            "La mairie annonce",
            "Une seule commande de camions n’était pas",
            "Le chantier n’a jamais",
        ] {
            assert!(ends_unfinished(piece), "{piece}");
        }
        for piece in [
            "La ligne rouvre après douze ans",
            "Le prix du lait",
            "Un chantier de 96 millions d’euros",
            "La région assure que le budget a été tenu",
        ] {
            assert!(!ends_unfinished(piece), "{piece}");
        }
    }

    #[test]
    fn fragments_quoted_in_the_issue_are_caught() {
        assert_eq!(
            fragment("Un glissement de terrain près des Granges."),
            Some(Fragment::NoVerb)
        );
        assert_eq!(
            fragment("Financés à 60 % par la région"),
            Some(Fragment::NoFinalPunctuation)
        );
        assert_eq!(
            fragment("La région assure que le budget initial."),
            Some(Fragment::CutOffClause)
        );
        assert_eq!(
            fragment("« Beaucoup pensaient que cette ligne était condamnée."),
            Some(Fragment::UnbalancedQuotes)
        );
        assert_eq!(
            fragment("les travaux ont duré huit mois."),
            Some(Fragment::LowerCaseStart)
        );
    }

    #[test]
    fn whole_sentences_pass() {
        for s in [
            "Le premier train est parti lundi à 6 h 12.",
            "La région assure que le budget initial n’a été dépassé que pour cette raison.",
            "Les habitants attendent la réouverture depuis douze ans.",
            "La commune annonce un nouveau calendrier.",
            "Aucun blessé n’est à déplorer, selon les pompiers.",
            "« Nous avons fait le choix inverse », a déclaré la présidente.",
            "Le coût est plus élevé que prévu.",
            "Elle réunit chaque année des milliers de visiteurs.",
            "Le budget s’élève à 4,2 millions d’euros.",
            "Claire Domergue-Laval défend une décision « mûrement réfléchie ».",
            "Le maire espère un retour rapide.",
            "Pourquoi un tel succès ?",
            "Un numéro d’appel permettra aux médecins de joindre un urgentiste.",
            "Une maison médicale ouvrira le week-end.",
            "Du vendredi 11 au dimanche 20 juillet, la ville accueillera 38 concerts.",
            "Le musée, situé à Roccafonda, redeviendra ouvert le samedi 5 avril.",
            "Les visiteurs pourront réserver en ligne.",
        ] {
            assert_eq!(fragment(s), None, "{s}");
        }
    }
}
