//! Turning the written pieces into an article that meets every rule, whatever the model wrote:
//! title, meta description and slug; headings that claim only what their section says (taken
//! from the section's own words when the model's do not); paragraphs ≤ 150 words, sections ≤
//! 300 words, at least three H2, no sentence that says again what another says, French
//! typography and sentence case. Nothing is added to reach a length: a short source gives a
//! short article.

use super::paragraphs;
pub use super::paragraphs::MAX_PARAGRAPH_WORDS;
use super::verify::Said;
use crate::analysis::assessments::title_width::{width_px, MAX_PX};
use crate::analysis::content::{shared_share, stem_set, words_outside};
use crate::analysis::fragments::{balanced_quotes, ends_unfinished, has_verb, DETERMINERS};
use crate::analysis::lists::{AVOIR_FORMS, COMMON_WORDS, ETRE_FORMS, FUNCTION_WORDS, WEEKDAYS};
use crate::analysis::slug::slugify;
use crate::analysis::text::{fold, lower_fr, sentences, word_count};
use crate::analysis::typography::fix_typography;
use crate::analysis::typography::title_case::{lowercase_vocabulary, words_to_lower};
use crate::article::{Article, Section};

/// Longest section, in words.
pub const MAX_SECTION_WORDS: usize = 300;
const META_MIN: usize = 120;
const META_MAX: usize = 156;
/// Room left for the no-break spaces typography may add.
const META_MARGIN: usize = 3;

/// The written body before the extras: lead and sections of paragraphs.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub lead: String,
    pub sections: Vec<Section>,
}

impl Body {
    /// Every sentence of the body, in order.
    pub fn sentences(&self) -> Vec<String> {
        let mut out: Vec<String> = sentences(&self.lead)
            .into_iter()
            .map(str::to_string)
            .collect();
        for s in &self.sections {
            for p in s.paragraphs.iter().chain(&s.bullets) {
                out.extend(sentences(p).into_iter().map(str::to_string));
            }
        }
        out
    }

    /// All the body's text.
    pub fn text(&self) -> String {
        let mut out = self.lead.clone();
        for s in &self.sections {
            for p in s.paragraphs.iter().chain(&s.bullets) {
                out.push(' ');
                out.push_str(p);
            }
        }
        out
    }
}

/// Whether every content word of `heading` (and every number) is in `text`: a heading claims
/// nothing its section and the lead do not say.
pub fn supported(heading: &str, text: &str) -> bool {
    let stems = stem_set(text);
    let digits_known = heading
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| !d.is_empty())
        .all(|d| text.contains(d));
    digits_known && words_outside(heading, &stems).is_empty()
}

/// Whether a source heading is about `section` (at least half its content words are there):
/// a web page's teaser or « lire aussi » sitting in the source is not.
pub fn about(heading: &str, section: &str) -> bool {
    shared_share(&stem_set(heading), &stem_set(section)) >= 0.5
}

/// Openings of a web page's pointer to another article, in the languages plume reads.
const POINTERS: [&str; 12] = [
    "lire aussi",
    "à lire aussi",
    "voir aussi",
    "à voir aussi",
    "read more",
    "see also",
    "read also",
    "lea también",
    "leer más",
    "lesen sie auch",
    "mehr zum thema",
    "leggi anche",
];

/// Whether a source heading belongs over `section`: it is about it (`about`), or it sums it up
/// in the journalist's own words (« Des voyageurs enthousiastes, des questions en suspens »
/// over the travellers' quotes): one content word of the section at least, and no name or
/// number the section does not have. A pointer to another article (« Lire aussi : … ») or a
/// teaser about other news (« Zelensky : la Russie a posé des explosifs… ») does not.
pub fn heads(heading: &str, section: &str) -> bool {
    let folded = fold(heading);
    if POINTERS.iter().any(|p| folded.starts_with(&fold(p))) {
        return false;
    }
    let share = shared_share(&stem_set(heading), &stem_set(section));
    share >= 0.5 || (share > 0.0 && crate::facts::Facts::extract(section).is_faithful(heading))
}

/// A heading made of the section's own words: the first of its plain sentences (not a
/// quotation) whose main clause makes a heading, cut to a heading's width.
pub fn extractive_heading(paragraphs: &[String]) -> String {
    let sentences: Vec<&str> = paragraphs.iter().flat_map(|p| sentences(p)).collect();
    let plain = || {
        sentences
            .iter()
            .filter(|s| !s.starts_with(['«', '“', '"', '—', '–', '-']) && word_count(s) >= 4)
    };
    // A sentence that opens with a quotation offers what follows it (« …, a affirmé X, qui
    // rappelait que… »): a heading never quotes part of a quotation.
    let after_quotes = || {
        sentences.iter().filter_map(|s| {
            let quoted = s.strip_prefix(['«', '“', '"'])?;
            let end = quoted.find(['»', '”', '"'])?;
            Some(quoted[end..].trim_start_matches(['»', '”', '"', ',', ' ']))
        })
    };
    // A heading that is the opening words of the sentence under it says them twice in a row:
    // a clause of a later sentence first, one with a verb (never a bare « La chanteuse X »);
    // the opening words only when no sentence gives another.
    let first = sentences.first().copied().unwrap_or_default();
    let opening = fold(first);
    let fresh = |s: &str, h: &String| !opening.starts_with(&fold(h)) && (s == first || has_verb(h));
    // A heading that says something (« Certaines des questions les plus épineuses ont été
    // discutées ») before a bare phrase of an earlier sentence (« L’expert européen Charles
    // Kupchan »).
    let pick = |cut: bool, only_fresh: bool, verb: bool| {
        plain().find_map(|s| {
            heading_from_sentence(s, None, cut)
                .filter(|h| (!only_fresh || fresh(s, h)) && (!verb || has_verb(h)))
        })
    };
    pick(false, true, true)
        .or_else(|| pick(true, true, true))
        .or_else(|| pick(false, true, false))
        .or_else(|| pick(true, true, false))
        .or_else(|| pick(false, false, false))
        .or_else(|| pick(true, false, false))
        .or_else(|| {
            after_quotes()
                .filter(|s| word_count(s) >= 6)
                .find_map(|s| heading_from_sentence(s, None, true))
        })
        // No sentence makes a heading: the first one cut to a heading's width (never a
        // template that says what the section does not), without quotation marks.
        .unwrap_or_else(|| {
            // A quotation of several sentences gives its first (never « …en 1952. Elle »), in
            // its « »: the words are the speaker's, not the paper's.
            let first = sentences.first().copied().unwrap_or_default();
            let quoted = first.starts_with(['«', '“', '"']);
            let inner = first.trim_start_matches(['«', '“', '"', ' ', '\u{a0}']);
            let first = match crate::analysis::text::sentences(inner).first() {
                Some(s) if inner.len() < first.len() && s.len() < inner.len() => *s,
                _ => first,
            };
            let whole = trim_title(first, HEADING_PX);
            let fits = word_count(&whole) == word_count(first.trim_end_matches(['.', '!', '?']));
            let cut = Some(whole)
                .filter(|_| fits)
                .or_else(|| clean_cut(first, CUT_HEADING_PX))
                .or_else(|| clean_cut(first, HEADING_PX))
                .or_else(|| finished(&trim_title(first, CUT_HEADING_PX), 2))
                .unwrap_or_else(|| trim_title(first, CUT_HEADING_PX));
            let words = capitalise(cut.replace(['«', '»', '“', '”', '"'], "").trim());
            match quoted {
                true => format!("« {} »", words.trim_end_matches(['.', ',', ';', ':'])),
                false => words,
            }
        })
}

/// Longest heading, as search results measure width; a clause cut shorter is cut to two
/// thirds of that.
const HEADING_PX: f64 = MAX_PX;
const CUT_HEADING_PX: f64 = MAX_PX * 2.0 / 3.0;

/// Where a sentence splits into clauses that may stand as a heading.
const CLAUSE_SPLITS: [&str; 7] = [", ", " : ", " ; ", " – ", " que ", " qu’", " et "];

/// A heading from `sentence`: a clause of it whole when one fits (« Fermée en 2014, la ligne a
/// rouvert » → « La ligne a rouvert »), else the sentence whole when it fits, else, when `cut`
/// allows, a clause cut at its width. With `key`, only a clause that has it.
fn heading_from_sentence(sentence: &str, key: Option<&str>, cut: bool) -> Option<String> {
    let sentence = plain_spaces_before_punctuation(sentence);
    let s = sentence
        .trim()
        .trim_end_matches(['.', '!', '?', '…'])
        .trim();
    let mut clauses = vec![s.to_string()];
    // « Le festival repose aussi, comme chaque année, sur 300 bénévoles » → the same without
    // its aside, so that a cut keeps the verb with what it needed.
    if let Some(without) = without_aside(s) {
        clauses.push(without);
    }
    // What comes before « que » waits for it (« La maire a ajouté »): never a heading alone;
    // nor a piece the sentence goes on from (« Le festival repose aussi, comme chaque année,
    // sur… »).
    // What follows « que » is what someone said, believed or denied (« X a refusé de croire que
    // les travailleurs avaient été ignorés »): alone, a heading would claim it.
    let mut dangling = Vec::new();
    let mut rest = s;
    let mut reported = false;
    while let Some((i, sep)) = CLAUSE_SPLITS
        .iter()
        .filter_map(|sep| rest.find(sep).map(|i| (i, *sep)))
        .min()
    {
        let que = sep.trim_start().starts_with("qu");
        if que || reported || ends_unfinished(&rest[..i]) {
            dangling.push(rest[..i].to_string());
        }
        clauses.push(rest[..i].to_string());
        reported |= que;
        rest = &rest[i + sep.len()..];
        // « …, et Jeanne Morel assure » → « Jeanne Morel assure ».
        for conjunction in ["et ", "mais ", "puis ", "car ", "donc "] {
            rest = rest.strip_prefix(conjunction).unwrap_or(rest);
        }
        if reported {
            dangling.push(rest.to_string());
        }
        clauses.push(rest.to_string());
    }
    // Clauses that open like one first (« la ligne a rouvert »; « l’attente a été longue » from
    // « Pour les habitants, l’attente a été longue »), then other capitalised pieces with a
    // verb, then the whole sentence (a heading that says again the sentence under it is the
    // last resort).
    let rank = |c: &String| {
        if c != s && opens_clause(c) && has_verb(c) {
            0
        } else if c != s && c.chars().next().is_some_and(char::is_uppercase) && has_verb(c) {
            1
        } else if c != s && opens_clause(c) {
            2
        } else if c == s {
            3
        } else {
            4
        }
    };
    clauses.sort_by_key(rank);
    let fits = |c: &String| {
        word_count(c) >= 4
            && balanced(c)
            && rank(c) < 4
            && !needs_antecedent(c)
            && !dangling.contains(c)
            && key.is_none_or(|k| fold(c).contains(&fold(k)))
    };
    // A clause with a verb, whole or (with `cut`) cut, before a verbless one.
    let pick = |ranks: std::ops::Range<u8>| {
        let whole = clauses
            .iter()
            .find(|c| ranks.contains(&rank(c)) && fits(c) && width_px(c) <= HEADING_PX)
            .map(|c| capitalise(c.trim_end_matches([',', ';', ':'])));
        if whole.is_some() || !cut {
            return whole;
        }
        clauses
            .iter()
            .filter(|c| ranks.contains(&rank(c)) && fits(c))
            .filter_map(|c| clean_cut(c, CUT_HEADING_PX))
            .map(|h| capitalise(&h))
            .find(|h| word_count(h) >= 3 && key.is_none_or(|k| fold(h).contains(&fold(k))))
    };
    pick(0..2).or_else(|| pick(2..4))
}

/// Gives the keyphrase to 30 % of the H2 (at least one), naturally: a section whose text has
/// it and whose heading lacks it takes its heading from the sentence that has it. Headings
/// are never prefixed with the keyphrase. The journalist's own headings (`kept`, the source's
/// subheadings) give way last: only when the program's own cannot take the keyphrase.
pub fn keyphrase_headings(body: &mut Body, keyphrase: &str, kept: &[String]) {
    let key = fold(keyphrase);
    if key.is_empty() || body.sections.is_empty() {
        return;
    }
    let has_key = |h: &str| fold(h).contains(&key);
    let target = (body.sections.len() * 3).div_ceil(10).max(1);
    let mut with_key = body.sections.iter().filter(|s| has_key(&s.heading)).count();
    let journalist = |h: &str| {
        kept.iter()
            .any(|k| fold(k.trim_end_matches(['.', ':'])) == fold(h))
    };
    for journalists_turn in [false, true] {
        for section in &mut body.sections {
            if with_key >= target {
                return;
            }
            if has_key(&section.heading) || journalist(&section.heading) != journalists_turn {
                continue;
            }
            // A clause that says something (« Le maire de Valmorin espère… ») before a bare
            // phrase (« Sur le quai de Valmorin, Léa Marchetti »).
            let candidates: Vec<String> = section
                .paragraphs
                .iter()
                .flat_map(|p| sentences(p))
                .filter(|s| has_key(s) && !s.starts_with(['«', '“', '"']))
                .filter_map(|s| heading_from_sentence(s, Some(keyphrase), true))
                .collect();
            let heading = candidates
                .iter()
                .find(|h| has_verb(h))
                .or(candidates.first());
            if let Some(h) = heading.cloned() {
                section.heading = h;
                with_key += 1;
            }
        }
    }
}

fn contains_folded(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `s` with its first word in lower case when that word is an ordinary French word (a
/// function word, a common word, or a dictionary word that `text` never capitalises inside a
/// sentence, as it would a name: « Réparations », not « Pierre »), to follow « Mot-clé : ».
fn lower_first(s: &str, text: &str) -> String {
    let names = crate::facts::capitalised_mid_sentence(text);
    lower_first_if(s, |w| {
        crate::analysis::spelling::is_french_word(w) && !names.contains(&fold(w))
    })
}

/// Like [`lower_first`], also lowering words that `ordinary` accepts (in lower case).
fn lower_first_if(s: &str, ordinary: impl Fn(&str) -> bool) -> String {
    let first_word: String = s.chars().take_while(|c| c.is_alphabetic()).collect();
    let lower = lower_fr(&first_word);
    // « L’un », « D’après »: an elided function word
    let elided = s[first_word.len()..].starts_with(['’', '\''])
        && FUNCTION_WORDS.contains(format!("{lower}’").as_str());
    let ordinary = elided
        || FUNCTION_WORDS.contains(lower.as_str())
        || COMMON_WORDS.contains(lower.as_str())
        || ordinary(&lower);
    let mut chars = s.chars();
    match (chars.next(), s.chars().nth(1)) {
        (Some(c), Some(n)) if ordinary && c.is_uppercase() && (n.is_lowercase() || elided) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

/// Words a title should not end on.
const DANGLING: [&str; 41] = [
    "pour", "de", "d’", "du", "des", "la", "le", "les", "l’", "à", "au", "aux", "et", "en", "un",
    "une", "que", "qui", "sur", "dans", "par", "avec", "alors", "mais", "être", "avoir", "va",
    "vont", "est", "sont", "a", "ont", "son", "sa", "ses", "leurs", "ce", "cette", "ces", "se",
    "ne",
];

/// Where a clause may end in a title that is too long: before these words.
const CLAUSE_BREAKS: [&str; 14] = [
    ", ",
    " : ",
    " ; ",
    " pour ",
    " alors que ",
    " afin de ",
    " après ",
    " avant ",
    " qui ",
    " dont ",
    " mais ",
    " car ",
    " tandis que ",
    " lorsque ",
];

/// `text` cut to `max_px` (its width as search results show it, the measure of `plume
/// check`): at the last clause break that leaves at least four words, else at a word boundary,
/// without a dangling last word.
/// `text` with plain spaces where French typography puts no-break ones before « : ; ! ? »,
/// so that clause breaks and cuts find them (the typography pass puts them back).
fn plain_spaces_before_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let before_mark = chars
            .peek()
            .is_some_and(|n| matches!(n, ':' | ';' | '!' | '?'));
        out.push(if matches!(c, '\u{a0}' | '\u{202f}') && before_mark {
            ' '
        } else {
            c
        });
    }
    out
}

fn trim_title(text: &str, max_px: f64) -> String {
    let text = plain_spaces_before_punctuation(text);
    let text = text.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    if width_px(text) <= max_px {
        return text.to_string();
    }
    let limit = text
        .match_indices(' ')
        .map(|(i, _)| i)
        .take_while(|&i| width_px(&text[..i]) <= max_px)
        .last()
        .unwrap_or(0);
    let best = CLAUSE_BREAKS
        .iter()
        .filter_map(|b| text[..limit].rfind(b))
        .filter(|&i| word_count(&text[..i]) >= 4)
        .max();
    if let Some(i) = best {
        return text[..i].trim_end_matches([',', ';', ':']).to_string();
    }
    let cut = &text[..limit];
    // Words up to the cut, or up to the end of a clause (« contenu : 612 euros » is cut at the
    // colon, never read across it).
    let mut out: Vec<&str> = Vec::new();
    // How many words came before each comma: a cut that opens an aside and stops before its
    // closing comma ends at the opening one (« NBC News, citant des sources proches [des
    // discussions, a rapporté…] » is « NBC News », never « NBC News citant des sources
    // proches »).
    let mut before_commas: Vec<usize> = Vec::new();
    for w in cut.split(' ').filter(|w| !w.is_empty()) {
        let bare = w.trim_end_matches([',', ';', ':']);
        if !bare.is_empty() {
            out.push(bare);
        }
        if w.ends_with(',') {
            before_commas.push(out.len());
        }
        if w.ends_with([';', ':']) && !out.is_empty() {
            break;
        }
    }
    if before_commas.len() % 2 == 1 {
        out.truncate(before_commas[before_commas.len() - 1]);
    }
    // No dangling word, and no number cut from its unit (« coûterait 11,4 » for « 11,4
    // millions »).
    while out.last().is_some_and(|w| {
        DANGLING.contains(&w.to_lowercase().as_str())
            || w.ends_with('’')
            || w.chars().any(|c| c.is_ascii_digit())
    }) {
        out.pop();
    }
    out.join(" ")
}

/// `text` cut to `max_px` by [`trim_title`], and shortened further while the cut stops where
/// the text still needed its next words; `None` when fewer than four words are left.
fn clean_cut(text: &str, max_px: f64) -> Option<String> {
    let cut = trim_title(text, max_px);
    let kept = word_count(&cut);
    if kept == word_count(text.trim_end_matches(['.', ',', ';', ':'])) {
        return Some(cut);
    }
    // A cut just before « que » stops where the verb waited for it (« a refusé de croire »).
    let tokens: Vec<&str> = cut.split_whitespace().collect();
    let next = text
        .split_whitespace()
        .nth(tokens.len())
        .unwrap_or_default();
    if next == "que" || next.starts_with("qu’") || next.starts_with("qu'") {
        return finished(&tokens[..tokens.len().saturating_sub(1)].join(" "), 4);
    }
    finished(&cut, 4)
}

/// Whether a cut stops where its sentence needed more: on a verb or an adverb that waits for
/// its complement (« …le projet d’expansion coûterait »), after an aside its first clause
/// waited across (« Le festival repose aussi, comme chaque année, [sur…] »), or on a participle
/// that goes on (« 300 bénévoles venus [de…] »).
fn unfinished_cut(cut: &str) -> bool {
    ends_unfinished(cut)
        || ends_unfinished(first_clause(cut))
        || ends_on_participle(cut)
        || subordinate_without_verb(cut)
}

/// Whether `cut` stops inside a « que » clause before its verb (« Le maire espère que la
/// ligne »: the noun after a determiner is its subject, whatever verb it may also spell).
fn subordinate_without_verb(cut: &str) -> bool {
    let Some(after) = [" que ", " qu’", " qu'"]
        .iter()
        .filter_map(|q| cut.rfind(q).map(|i| &cut[i + q.len()..]))
        .min_by_key(|after| after.len())
    else {
        return false;
    };
    let words: Vec<&str> = after.split_whitespace().collect();
    let rest = match words.first() {
        Some(w) if DETERMINERS.contains(&lower_fr(w).as_str()) => &words[2.min(words.len())..],
        _ => &words[..],
    };
    !has_verb(&rest.join(" "))
}

/// `cut` without its last words while it is an unfinished cut (and without the dangling
/// words that leaves); `None` when fewer than `min_words` words are left.
fn finished(cut: &str, min_words: usize) -> Option<String> {
    let dangling =
        |w: &&str| DANGLING.contains(&w.to_lowercase().trim_end_matches(',')) || w.ends_with('’');
    let mut words: Vec<&str> = cut.split_whitespace().collect();
    loop {
        let text = words.join(" ");
        // (« Son directeur général a refusé la » is unfinished too)
        if !unfinished_cut(&text) && !words.last().is_some_and(dangling) {
            return (words.len() >= min_words).then_some(text);
        }
        if words.len() <= min_words {
            return None;
        }
        let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
        let popped = words.pop();
        // A name goes whole or not at all (never « Léa » of « Léa Marchetti »).
        if popped.as_ref().is_some_and(capitalised) {
            while words.len() > min_words && words.last().is_some_and(capitalised) {
                words.pop();
            }
        }
        while words.len() > min_words && words.last().is_some_and(dangling) {
            words.pop();
        }
        if let Some(last) = words.last_mut() {
            *last = last.trim_end_matches([',', ';', ':']);
        }
    }
}

/// Whether a cut ends on a participle after a noun, which the cut words went on from
/// (« 300 bénévoles venus [de…] », « la commune située [à…] »); after a determiner the word
/// is a noun (« la sécurité »).
fn ends_on_participle(cut: &str) -> bool {
    const ENDINGS: [&str; 12] = [
        "é", "ée", "és", "ées", "i", "ie", "is", "ies", "u", "ue", "us", "ues",
    ];
    // A capitalised word is a name (« Léa Marchetti »), not a participle.
    if cut
        .split_whitespace()
        .last()
        .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
    {
        return false;
    }
    let words: Vec<String> = cut.split_whitespace().map(lower_fr).collect();
    match words.as_slice() {
        [.., before, last] => {
            last.chars().count() >= 4
                && !WEEKDAYS.contains(last.as_str())
                && !["midi", "aujourd’hui", "parmi", "ainsi", "aussi", "merci"]
                    .contains(&last.as_str())
                && ENDINGS.iter().any(|e| last.ends_with(e))
                && !DETERMINERS.contains(&before.as_str())
                && !before.ends_with('’')
                // After « être », a passive that is whole (« les fonds ont été recueillis »).
                && !ETRE_FORMS.contains(before.as_str())
        }
        _ => false,
    }
}

/// `sentence` without its first aside (« , comme chaque année, ») when the words before it wait
/// for the words after it: a short piece between commas, without a verb.
fn without_aside(sentence: &str) -> Option<String> {
    let (before, rest) = sentence.split_once(", ")?;
    let (aside, after) = rest.split_once(", ")?;
    // « Le maire de Valmorin, Étienne Faure, espère… »: a subject and the name in apposition.
    let apposed_name = DETERMINERS.contains(&lower_fr(before.split(' ').next()?).as_str())
        && !has_verb(before)
        && aside
            .split([' ', '-'])
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
    ((ends_unfinished(before) || apposed_name) && word_count(aside) <= 5 && !has_verb(aside))
        .then(|| format!("{before} {after}"))
}

/// `sentence` up to its first , ; or : that a space follows (« 11,4 millions » and « 12:30 »
/// are not clause breaks).
fn first_clause(sentence: &str) -> &str {
    let mut chars = sentence.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let spaced = chars.peek().is_some_and(|(_, n)| n.is_whitespace());
        if matches!(c, ',' | ';' | ':') && spaced {
            return sentence[..i].trim();
        }
    }
    sentence.trim()
}

/// The H1: the written headline when there is one, else the lead's main clause; the
/// keyphrase near its start.
pub fn title(headline: Option<&str>, body: &Body, keyphrase: &str) -> String {
    // Without a headline, the lead's main clause (« aucune grue ne bougeait », not the « Au
    // milieu de la matinée » that opens it), else its first clause.
    let base = headline.map(str::to_string).unwrap_or_else(|| {
        // A clause with a verb: a title never sets the keyphrase before an apposition of
        // something else (« Helionorte : un village de 2 300 habitants », the village being
        // Valdecierzo).
        let first = body.sentences().into_iter().next().unwrap_or_default();
        heading_from_sentence(&first, None, false)
            .filter(|h| has_verb(h))
            .unwrap_or_else(|| first_clause(&first).to_string())
    });
    let key = fold(keyphrase);
    let base = shorter_headline(&base, keyphrase, &body.text()).unwrap_or(base);
    let after_key = MAX_PX - width_px(&format!("{keyphrase} : "));
    // The headline (or the lead's first clause) as far as it fits, else a clause of the lead
    // that fits whole: never a cut that stops before the words the sentence needed.
    let fitted = clean_cut(&base, MAX_PX).filter(|b| {
        fold(b).find(&key).is_some_and(|i| i < 25) || clean_cut(b, after_key).is_some()
    });
    let fitted = fitted.or_else(|| {
        let fitting: Vec<String> = body
            .sentences()
            .iter()
            .take(20)
            .filter_map(|s| heading_from_sentence(s, None, false))
            .filter(|h| width_px(h) <= after_key)
            .collect();
        fitting
            .iter()
            .find(|h| has_verb(h))
            .or(fitting.first())
            .cloned()
    });
    let Some(base) = fitted else {
        return capitalise(keyphrase);
    };
    let title = if fold(&base).find(&key).is_some_and(|i| i < 25) {
        base
    } else {
        // Cut where the clause is whole (never « … n’était pas »); no template words (« ce
        // qu’il faut savoir »): they claim nothing the article says.
        match clean_cut(&base, after_key) {
            Some(rest) => format!("{keyphrase} : {}", lower_first(&rest, &body.text())),
            None => keyphrase.to_string(),
        }
    };
    capitalise(&title)
}

/// A headline too wide for a title that opens with a kicker (« Centre hospitalier de
/// Valmorin : les urgences réorganisées pour réduire l’attente »): what follows the kicker
/// whole, after the keyphrase when the kicker has it, rather than the whole cut short (« …
/// : les urgences »). `None` when the headline fits, has no kicker, or the rest does not fit.
fn shorter_headline(headline: &str, keyphrase: &str, text: &str) -> Option<String> {
    let headline = plain_spaces_before_punctuation(headline);
    let headline = headline.trim().trim_end_matches('.');
    if width_px(headline) <= MAX_PX {
        return None;
    }
    let (kicker, rest) = headline.split_once(" : ")?;
    let key = fold(keyphrase);
    let shorter = if fold(rest).contains(&key) {
        capitalise(rest)
    } else if fold(kicker).contains(&key) {
        format!("{keyphrase} : {}", lower_first(rest, text))
    } else {
        return None;
    };
    (word_count(rest) >= 3 && width_px(&shorter) <= MAX_PX).then_some(shorter)
}

/// The meta description: the lead's sentences, cut to 120–156 characters, with the keyphrase.
pub fn meta_description(body: &Body, keyphrase: &str) -> String {
    let mut text = String::new();
    if !body
        .sentences()
        .first()
        .is_some_and(|s| contains_folded(s, keyphrase))
    {
        text.push_str(keyphrase);
        text.push_str(" : ");
    }
    let mut first = true;
    for sentence in body.sentences() {
        let sentence = if first && !text.is_empty() {
            lower_first(&sentence, &body.text())
        } else {
            sentence
        };
        first = false;
        for word in sentence.split_whitespace() {
            if text.chars().count() + word.chars().count() + 2 + META_MARGIN > META_MAX {
                let cut = text.trim_end_matches([',', ';', ':', ' ']).to_string();
                return format!("{cut}…");
            }
            if !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
            }
            text.push_str(word);
        }
        if text.chars().count() >= META_MIN {
            break;
        }
    }
    text
}

/// The slug: keyphrase words first, then the title's.
pub fn slug(title: &str, keyphrase: &str) -> String {
    let base = slugify(title);
    let key = slugify(keyphrase);
    if base.contains(&key) {
        base
    } else {
        slugify(&format!("{keyphrase} {title}"))
    }
}

/// Whether quotation marks and brackets are balanced (a clause cut from a sentence must not
/// leave a quotation open).
fn balanced(text: &str) -> bool {
    balanced_quotes(text) && text.matches('(').count() == text.matches(')').count()
}

/// Words that open a clause able to stand as a sentence: determiners and subject pronouns.
const CLAUSE_OPENERS: [&str; 31] = [
    "le",
    "la",
    "les",
    "l’",
    "l'",
    "un",
    "une",
    "des",
    "ce",
    "cet",
    "cette",
    "ces",
    "leur",
    "leurs",
    "son",
    "sa",
    "ses",
    "nos",
    "aucun",
    "aucune",
    "chaque",
    "plusieurs",
    "tout",
    "toute",
    "tous",
    "toutes",
    "certains",
    "certaines",
    "quelques",
    "de nombreux",
    "de nombreuses",
];

/// Pronouns whose referent is in another sentence: a heading that opens with one
/// (« Elle a également ajouté ») says nothing on its own.
const PRONOUN_OPENERS: [&str; 18] = [
    "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "j’", "j'", "cela", "ça", "celui",
    "celle", "ceux", "celles", "c’", "c'",
];

fn starts_with_any(part: &str, openers: &[&str]) -> bool {
    let lower = lower_fr(part.trim());
    openers.iter().any(|o| {
        lower.starts_with(&format!("{o} ")) || (o.ends_with(['’', '\'']) && lower.starts_with(o))
    })
}

fn opens_clause(part: &str) -> bool {
    starts_with_any(part, &CLAUSE_OPENERS)
}

/// Whether `heading` opens with a pronoun that needs the sentence before it.
fn opens_with_pronoun(heading: &str) -> bool {
    starts_with_any(heading, &PRONOUN_OPENERS)
}

/// Whether `heading` needs the sentence before it: it opens with a subject pronoun (« Elle a
/// ajouté »), or an object pronoun stands before its verb (« La direction l’a démentie »,
/// « Le maire les a reçus »).
pub fn needs_antecedent(heading: &str) -> bool {
    const OBJECTS: [&str; 5] = ["l’", "le", "la", "les", "lui"];
    let tokens = crate::analysis::text::phrase_tokens(heading);
    let object_before_verb = tokens.windows(2).enumerate().any(|(i, pair)| {
        i > 0
            && OBJECTS.contains(&pair[0].as_str())
            && (AVOIR_FORMS.contains(pair[1].as_str()) || ETRE_FORMS.contains(pair[1].as_str()))
    });
    // « Les rendre disponibles eux-mêmes » (cut after « et » from « …de les louer et les rendre
    // disponibles »): an object pronoun before an infinitive stands for a noun said before.
    let object_before_infinitive = tokens.len() > 1
        && ["les", "la", "l’", "lui", "leur"].contains(&tokens[0].as_str())
        && crate::analysis::spelling::is_infinitive_only(&tokens[1]);
    // « …n’avaient rien à voir avec cela »: what « cela » stands for is in another sentence.
    let demonstrative_end = tokens
        .last()
        .is_some_and(|w| ["cela", "ceci", "ça"].contains(&w.as_str()));
    opens_with_pronoun(heading)
        || object_before_verb
        || object_before_infinitive
        || demonstrative_end
}

/// Applies the structural rules and French typography to the article in place, one rule
/// after the other.
pub fn enforce(article: &mut Article) {
    drop_repeated_sentences(article);
    drop_empty_sections(article);
    split_long_paragraphs(article);
    split_long_sections(article);
    ensure_three_h2(article);
    refresh_repeated_headings(article);
    apply_typography(article);
}

/// No sentence twice, anywhere, nor one that says again what an earlier one says.
fn drop_repeated_sentences(article: &mut Article) {
    let mut said = Said::default();
    let mut dedupe = |text: &str| -> String {
        sentences(text)
            .into_iter()
            .filter(|s| said.add_if_new(s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    article.lead = dedupe(&article.lead);
    for section in &mut article.sections {
        for items in [&mut section.paragraphs, &mut section.bullets] {
            *items = items
                .iter()
                .map(|p| dedupe(p))
                .filter(|p| !p.trim().is_empty())
                .collect();
        }
    }
}

/// Emptied sections go, but an H2 that introduces H3 sections stays.
fn drop_empty_sections(article: &mut Article) {
    let keep: Vec<bool> = (0..article.sections.len())
        .map(|i| {
            let s = &article.sections[i];
            !s.paragraphs.is_empty()
                || !s.bullets.is_empty()
                || (s.level == 2 && article.sections.get(i + 1).is_some_and(|n| n.level == 3))
        })
        .collect();
    let mut flags = keep.into_iter();
    article.sections.retain(|_| flags.next().unwrap_or(false));
}

/// Paragraphs ≤ 150 words, the lead's too: what the lead cannot hold opens the body, in a
/// section of its own.
fn split_long_paragraphs(article: &mut Article) {
    for section in &mut article.sections {
        section.paragraphs = section
            .paragraphs
            .iter()
            .flat_map(|p| paragraphs::split(p))
            .collect();
    }
    let mut lead = paragraphs::split(&article.lead).into_iter();
    article.lead = lead.next().unwrap_or_default();
    let overflow: Vec<String> = lead.collect();
    if !overflow.is_empty() {
        let section = Section {
            heading: extractive_heading(&overflow[..overflow.len().min(3)]),
            level: 2,
            paragraphs: overflow,
            bullets: Vec::new(),
        };
        article.sections.insert(0, section);
    }
}

/// Sections ≤ 300 words.
fn split_long_sections(article: &mut Article) {
    let mut sections = Vec::new();
    for section in std::mem::take(&mut article.sections) {
        sections.extend(split_section(section));
    }
    article.sections = sections;
}

/// At least three H2, while a section has two paragraphs to share.
fn ensure_three_h2(article: &mut Article) {
    while article.sections.iter().filter(|s| s.level == 2).count() < 3 {
        let Some(i) = article
            .sections
            .iter()
            .position(|s| s.level == 2 && s.paragraphs.len() >= 2)
        else {
            break;
        };
        let half = article.sections[i].paragraphs.len() / 2;
        let rest = split_off(&mut article.sections[i], half);
        article.sections.insert(i + 1, rest);
    }
}

/// No heading says again the title or an earlier heading: a repeated one takes its section's
/// own words.
fn refresh_repeated_headings(article: &mut Article) {
    let mut headings: Vec<String> = vec![fold(&article.title)];
    for section in &mut article.sections {
        if headings.contains(&fold(&section.heading)) && !section.paragraphs.is_empty() {
            let fresh = extractive_heading(&section.paragraphs);
            if !headings.contains(&fold(&fresh)) {
                section.heading = fresh;
            }
        }
        headings.push(fold(&section.heading));
    }
}

/// French typography everywhere; sentence case for the title and headings.
fn apply_typography(article: &mut Article) {
    let vocabulary = lowercase_vocabulary(&format!(
        "{} {}",
        article.lead,
        article
            .sections
            .iter()
            .flat_map(|s| s.paragraphs.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    ));

    let typo = |s: &str| fix_typography(s).0;
    let sentence_case = |s: &str| {
        let mut chars: Vec<char> = s.chars().collect();
        for (start, end) in words_to_lower(s, &vocabulary) {
            if start == 0 {
                continue;
            }
            for c in chars.iter_mut().take(end).skip(start) {
                *c = c.to_lowercase().next().unwrap_or(*c);
            }
        }
        chars.into_iter().collect::<String>()
    };
    article.title = typo(&sentence_case(&article.title));
    article.meta_description = typo(&article.meta_description);
    article.lead = typo(&article.lead);
    for section in &mut article.sections {
        section.heading = typo(&sentence_case(&section.heading));
        section.paragraphs = section.paragraphs.iter().map(|p| typo(p)).collect();
        section.bullets = section.bullets.iter().map(|b| typo(b)).collect();
    }
}

/// `section` as sections of at most [`MAX_SECTION_WORDS`] words (heading included), cut
/// between paragraphs: the first part keeps its heading only while it is still about the
/// paragraphs left under it, each later part is headed by its own words, and the bullets go
/// with the last part. Linear in the section's length: each heading is drawn from its own part.
fn split_section(section: Section) -> Vec<Section> {
    /// Room kept for the heading of a part that has none yet.
    const HEADING_ROOM: usize = 20;
    let Section {
        heading,
        level,
        paragraphs,
        bullets,
    } = section;
    let words: Vec<usize> = paragraphs.iter().map(|p| word_count(p)).collect();
    let mut remaining =
        words.iter().sum::<usize>() + bullets.iter().map(|b| word_count(b)).sum::<usize>();
    let n = paragraphs.len();
    // Where each part ends, and its heading.
    let mut parts: Vec<(usize, String)> = Vec::new();
    let mut heading = Some(heading);
    let mut start = 0;
    loop {
        let heading_words = heading.as_deref().map_or(0, word_count);
        let room = heading.as_ref().map_or(HEADING_ROOM, |_| heading_words);
        let last = room + remaining <= MAX_SECTION_WORDS || n - start <= 1;
        let end = if last {
            n
        } else {
            // The first paragraph that takes the part over the limit starts the next one.
            let mut total = heading_words;
            (start..n)
                .find(|&i| {
                    total += words[i];
                    total > MAX_SECTION_WORDS - HEADING_ROOM
                })
                .unwrap_or(start + 1)
                .max(start + 1)
        };
        let part = &paragraphs[start..end];
        let part_heading = match heading.take() {
            Some(h) if start == 0 && (last || about(&h, &part.join(" "))) => h,
            _ => extractive_heading(part),
        };
        parts.push((end, part_heading));
        if last {
            break;
        }
        remaining -= words[start..end].iter().sum::<usize>();
        start = end;
    }
    let mut paragraphs = paragraphs.into_iter();
    let mut bullets = Some(bullets);
    let mut start = 0;
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (end, heading))| {
            let section = Section {
                heading,
                level,
                paragraphs: paragraphs.by_ref().take(end - start).collect(),
                bullets: if i + 1 == count {
                    bullets.take().unwrap_or_default()
                } else {
                    Vec::new()
                },
            };
            start = end;
            section
        })
        .collect()
}

/// Splits `section` before paragraph `at`: the rest becomes a section of its own, headed by
/// its own words (with the bullets); the first part keeps its heading only while it is still
/// about the paragraphs left under it.
fn split_off(section: &mut Section, at: usize) -> Section {
    let rest = section.paragraphs.split_off(at);
    if !about(&section.heading, &section.paragraphs.join(" ")) {
        section.heading = extractive_heading(&section.paragraphs);
    }
    Section {
        heading: extractive_heading(&rest),
        level: section.level,
        paragraphs: rest,
        bullets: std::mem::take(&mut section.bullets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section_words(s: &Section) -> usize {
        word_count(&s.heading)
            + s.paragraphs.iter().map(|p| word_count(p)).sum::<usize>()
            + s.bullets.iter().map(|b| word_count(b)).sum::<usize>()
    }

    fn body() -> Body {
        Body {
            lead: "La commune de Valbrune a inauguré samedi une passerelle de 48 mètres. Jeanne Morel a coupé le ruban.".into(),
            sections: vec![Section { heading: "Les travaux".into(), level: 2, paragraphs: vec!["Les travaux ont duré huit mois.".into()], bullets: vec![] }],
        }
    }

    #[test]
    fn a_colon_after_a_no_break_space_is_a_clause_break_not_lost() {
        let cut = trim_title(
            "L’endettement reste contenu\u{a0}: 612 euros par habitant, selon la mairie, contre une moyenne de 790 euros",
            CUT_HEADING_PX,
        );
        assert_eq!(cut, "L’endettement reste contenu");
    }

    #[test]
    fn a_heading_never_opens_with_a_pronoun_nor_stops_before_que() {
        let paragraphs = vec![
            "Elle a également ajouté que le calendrier resterait le même qu’avant l’orage. Le bac transportait chaque jour environ 60 passagers."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert!(!opens_with_pronoun(&heading), "{heading}");
        assert!(!heading.ends_with("ajouté"), "{heading}");
        // What she added is hers: the heading is the journalist's own sentence.
        assert_eq!(
            heading,
            "Le bac transportait chaque jour environ 60 passagers"
        );
        let paragraphs = vec![
            "Son directeur général, Douglas Fairweather, a refusé de croire que les travailleurs avaient été ignorés."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert!(!heading.starts_with("Les travailleurs"), "{heading}");
        assert!(!heading.ends_with("croire"), "{heading}");
        // nor on the determiner of the noun that « que » completed
        let paragraphs = vec![
            "Son directeur général, Douglas Fairweather, a refusé la proposition que les travailleurs aient été ignorés."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert!(!heading.ends_with(" la"), "{heading}");
        assert!(opens_with_pronoun("Ils ont voté le budget"));
        assert!(opens_with_pronoun("C’est la fin des travaux"));
        assert!(!opens_with_pronoun("Le conseil a voté le budget"));
        assert!(!opens_with_pronoun("Ilots de chaleur en ville"));
        // An object pronoun before its verb leans on the sentence before too.
        assert!(needs_antecedent("La direction l’a démentie"));
        assert!(needs_antecedent("Le maire les a reçus samedi"));
        assert!(!needs_antecedent("La direction a démenti la fermeture"));
        assert!(!needs_antecedent("Les élus ont voté le budget"));
        // Nor a clause whose object pronoun stands before an infinitive.
        assert!(needs_antecedent("Les rendre disponibles eux-mêmes"));
        assert!(needs_antecedent("Leur offrir un abonnement"));
        assert!(!needs_antecedent("Le dîner des bénévoles a lieu samedi"));
        assert!(!needs_antecedent("La ligne rouvre en mars"));
        let paragraphs = vec![
            "Un nouveau système permet aux lecteurs de les louer et les rendre disponibles eux-mêmes."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert!(!heading.starts_with("Les rendre"), "{heading}");
        // « cela » stands for what another sentence said.
        assert!(needs_antecedent(
            "Les États-Unis n’avaient rien à voir avec cela"
        ));
    }

    #[test]
    fn a_heading_does_not_say_again_the_words_that_open_its_section() {
        let paragraphs = vec![
            "Le service a accueilli en moyenne 142 patients par jour, contre 118 l’an dernier. \
             Le temps d’attente médian a atteint 4 h 40 cet hiver."
                .to_string(),
        ];
        assert_eq!(
            extractive_heading(&paragraphs),
            "Le temps d’attente médian a atteint 4 h 40 cet hiver"
        );
        // With no other sentence that makes a heading with a verb, the opening words serve.
        let alone = vec![
            "Le service a accueilli en moyenne 142 patients par jour, contre 118 \
                          l’an dernier."
                .to_string(),
        ];
        assert_eq!(
            extractive_heading(&alone),
            "Le service a accueilli en moyenne 142 patients par jour"
        );
    }

    #[test]
    fn a_heading_says_something_rather_than_cut_an_aside_or_name_a_list() {
        // The first sentence's main clause waits for « que » and its aside is open where the
        // width cuts it; the second names people without a verb of its own in reach; the
        // third says something, opened by a quantifier.
        let paragraphs = vec![
            "Le quotidien régional, citant des sources proches du dossier municipal, a affirmé \
             que la piscine de Valbrune fermerait pendant deux ans pour des travaux."
                .to_string(),
            "Les élus qui ont visité le chantier étaient Paul Ardent, adjoint aux sports et \
             président sortant du club de natation, l’architecte Anne Lestrade et l’ingénieur \
             Marc Vidal, tous deux employés de la commune."
                .to_string(),
            "Lors de la visite, certaines des questions les plus sensibles ont été abordées, \
             comme le sort des maîtres-nageurs, a précisé le journal."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert_eq!(
            heading,
            "Certaines des questions les plus sensibles ont été abordées"
        );
        // Cut alone, the first sentence stops before its aside, never across it.
        let cut = trim_title(&paragraphs[0], CUT_HEADING_PX);
        assert!(!cut.contains("citant"), "{cut}");
    }

    #[test]
    fn a_headline_too_wide_loses_its_kicker_not_its_end() {
        let headline = "Centre hospitalier de Valmorin : les urgences réorganisées pour réduire \
                        l’attente cet hiver";
        assert_eq!(
            shorter_headline(headline, "Valmorin", "").as_deref(),
            Some("Valmorin : les urgences réorganisées pour réduire l’attente cet hiver")
        );
        assert_eq!(
            shorter_headline("Valmorin : la ligne rouvre", "Valmorin", ""),
            None,
            "a headline that fits stays whole"
        );
    }

    #[test]
    fn a_heading_never_quotes_part_of_a_quotation() {
        let h = extractive_heading(&["« Jamais nous n’avions eu cette chance. Cet argent ne restera pas dans un coffre », a affirmé Albarrán, qui rappelait que le village a perdu un tiers de sa population.".to_string()]);
        // a sentence of it whole, in its « », or the journalist's words: never « …chance. Cet »,
        // nor a cut that ends on « qui » (« A affirmé Albarrán qui »)
        assert!(
            h == "« Jamais nous n’avions eu cette chance »"
                || (!h.contains(['«', '»', '"']) && h.contains("village")),
            "{h}"
        );
    }

    #[test]
    fn after_the_keyphrase_an_ordinary_word_is_lowered_and_a_name_is_not() {
        let t = title(
            Some("Réparations achevées avant la rentrée"),
            &body(),
            "Valbrune",
        );
        assert_eq!(t, "Valbrune : réparations achevées avant la rentrée");
        let t = title(
            Some("Morel inaugure la passerelle de la commune"),
            &body(),
            "Valbrune",
        );
        assert_eq!(t, "Valbrune : Morel inaugure la passerelle de la commune");
        let t = title(
            Some("L’un des ponts rouvre avant la rentrée"),
            &body(),
            "Valbrune",
        );
        assert_eq!(t, "Valbrune : l’un des ponts rouvre avant la rentrée");
    }

    #[test]
    fn title_starts_with_the_keyphrase() {
        let t = title(None, &body(), "Jeanne Morel");
        assert!(t.starts_with("Jeanne Morel : "), "{t}");
        let t = title(Some("Valbrune inaugure sa passerelle"), &body(), "Valbrune");
        assert_eq!(t, "Valbrune inaugure sa passerelle");
        // Without a headline, the lead's main clause, not the adverbial that opens it.
        let lead = Body {
            lead: "Au milieu de la matinée, aucune grue ne bougeait sur le quai principal.".into(),
            sections: vec![],
        };
        assert_eq!(
            title(None, &lead, "Harrowmouth"),
            "Harrowmouth : aucune grue ne bougeait sur le quai principal"
        );
        // Never the keyphrase before an apposition that describes something else.
        let lead = Body {
            lead: "La société Helionorte commencera le 3 mars les travaux d’une centrale \
                   photovoltaïque à quatre kilomètres du centre de Valdecierzo, un village de \
                   2 300 habitants."
                .into(),
            sections: vec![],
        };
        let t = title(None, &lead, "Helionorte");
        assert!(!t.contains("village"), "{t}");
        assert!(has_verb(&t), "{t}");
    }

    #[test]
    fn a_title_from_the_lead_never_cuts_a_number() {
        let b = Body {
            lead:
                "Le conseil a déclaré que le projet coûterait 11,4 millions de livres, a-t-il dit."
                    .into(),
            sections: Vec::new(),
        };
        let t = title(None, &b, "conseil");
        assert!(t.contains("11,4 millions"), "{t}");
        // Cut to the width, the number goes with its unit, not alone.
        let long = "Le conseil a déclaré que le projet d’agrandissement des cantines scolaires coûterait 11,4 millions de livres par an";
        let t = trim_title(long, MAX_PX / 2.0);
        assert!(!t.contains("11"), "{t}");
    }

    /// The title the harness found: « Harrowmouth : une seule commande de camions n’était pas ».
    #[test]
    fn a_title_from_the_lead_never_stops_on_a_negation() {
        let b = Body {
            lead: "Par la matinée, une seule commande de camions n’était pas en mouvement.".into(),
            sections: Vec::new(),
        };
        let t = title(None, &b, "Harrowmouth");
        assert!(!ends_unfinished(&t), "{t}");
        assert!(!t.ends_with("pas"), "{t}");
        // A passive is whole: cut after its participle, not before its verb.
        let b = Body {
            lead: "Les fonds de la capitale ont été recueillis auprès de la province et des \
                   donateurs privés de Millbrook Crossing."
                .into(),
            sections: Vec::new(),
        };
        let t = title(None, &b, "Millbrook Crossing");
        assert!(t.contains("ont été recueillis"), "{t}");
    }

    #[test]
    fn a_split_section_keeps_a_heading_only_where_it_still_fits() {
        let mut section = Section {
            heading: "La commune réclame des critiques".into(),
            level: 2,
            paragraphs: vec![
                "Selon ses données, 46 oiseaux ont été recensés en 2023.".into(),
                "La commune réclame des critiques des deux côtés.".into(),
            ],
            bullets: vec![],
        };
        let rest = split_off(&mut section, 1);
        assert_eq!(
            rest.heading,
            "La commune réclame des critiques des deux côtés"
        );
        assert_ne!(section.heading, rest.heading);
        assert!(section.heading.contains("oiseaux"), "{}", section.heading);
    }

    #[test]
    fn no_heading_repeats_the_title_or_another_heading() {
        let section = |heading: &str, text: &str| Section {
            heading: heading.into(),
            level: 2,
            paragraphs: vec![text.into()],
            bullets: vec![],
        };
        let mut article = crate::article::output::sample_article();
        article.title = "La Port Authority de Harrowmouth".into();
        article.sections = vec![
            section(
                "La Port Authority de Harrowmouth",
                "L’autorité portuaire a proposé une hausse de 4 % sur deux ans aux dockers.",
            ),
            section(
                "Les dockers en grève",
                "Les dockers ont cessé le travail lundi à six heures du matin.",
            ),
            section(
                "Les dockers en grève",
                "Le syndicat réclame une hausse de 7,5 % et la fin des journées coupées.",
            ),
        ];
        enforce(&mut article);
        let mut seen = vec![fold(&article.title)];
        for s in &article.sections {
            assert!(!seen.contains(&fold(&s.heading)), "{} repeated", s.heading);
            seen.push(fold(&s.heading));
        }
    }

    #[test]
    fn a_heading_or_title_never_stops_before_the_words_its_sentence_needed() {
        // Defects of the quality harness: headings and a title cut where the sentence went on.
        let paragraphs = vec![
            "Le festival repose aussi, comme chaque année, sur 300 bénévoles venus de toute la vallée pour accueillir le public."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert_eq!(heading, "Le festival repose aussi sur 300 bénévoles");
        assert!(!ends_unfinished(&heading), "{heading}");
        // A name ending in « i » is no participle, and a name is never cut.
        let paragraphs = vec![
            "Sur le quai de Valmorin, Léa Marchetti, infirmière à l’hôpital de Castelbrune, ne cachait pas son soulagement."
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        assert!(!heading.ends_with("Léa"), "{heading}");
        assert!(!ends_on_participle(
            "Sur le quai de Valmorin, Léa Marchetti"
        ));
        assert_eq!(
            finished("Le festival accueille Léa Marchetti venue", 2).as_deref(),
            Some("Le festival accueille Léa Marchetti")
        );
        let headline = "Le Conseil a déclaré que le projet d’expansion coûterait 11,4 millions de dollars de plus que prévu";
        let t = title(Some(headline), &body(), "Sadia Mercer");
        assert!(!ends_unfinished(&t), "{t}");
        assert!(!t.ends_with("coûterait"), "{t}");
        assert!(t.starts_with("Sadia Mercer"), "{t}");
        // A quotation that is the section's only sentence, cut to a heading's width, never
        // stops on a pronoun or determiner that waits for its word (« …au déjeuner se »).
        let paragraphs = vec![
            "« Les enfants qui ont bien mangé au déjeuner se concentrent mieux pendant les cours de l’après-midi. »"
                .to_string(),
        ];
        let heading = extractive_heading(&paragraphs);
        for last in ["se", "ne", "sa", "ses", "ce", "cette", "ces", "leurs"] {
            assert!(!heading.ends_with(&format!(" {last}")), "{heading}");
        }
    }

    #[test]
    fn titles_fit_the_search_result_width() {
        let kept = "La ligne Valmorin–Castelbrune rouvre après douze ans d’interruption";
        assert_eq!(
            title(Some(kept), &body(), "Valmorin"),
            kept,
            "under 600 px: kept whole"
        );
        let long = "Les États-Unis semblent préparer le terrain pour mettre fin à la guerre russo-ukrainienne";
        let t = title(Some(long), &body(), "États-Unis");
        assert_eq!(
            t, "Les États-Unis semblent préparer le terrain",
            "cut at a clause break"
        );
        assert!(width_px(&t) <= MAX_PX);
    }

    #[test]
    fn headings_come_from_the_section_and_claim_nothing_else() {
        let paragraphs = vec![
            "« Nous avons fait le choix inverse », a déclaré la présidente. Fermée en 2014 faute d’entretien, la ligne a rouvert après trois ans de travaux.".to_string(),
        ];
        let h = extractive_heading(&paragraphs);
        assert_eq!(h, "La ligne a rouvert après trois ans de travaux");
        assert!(supported(&h, &paragraphs[0]));
        assert!(!supported("Les travaux de la passerelle", &paragraphs[0]));
        assert!(!about(
            "Lire aussi : un incendie à Montferrand",
            &paragraphs[0]
        ));
    }

    #[test]
    fn a_section_that_is_one_quotation_is_headed_by_its_first_sentence() {
        let paragraphs = vec![
            "« Ma grand-mère a ouvert cette poissonnerie en 1952. Elle a vu le marché plein, puis à moitié vide. » "
                .to_string(),
        ];
        let h = extractive_heading(&paragraphs);
        assert_eq!(h, "« Ma grand-mère a ouvert cette poissonnerie en 1952 »");
    }

    #[test]
    fn a_source_heading_may_sum_its_section_up_but_not_point_elsewhere() {
        let section = "Sur le quai de Valmorin, Léa Marchetti ne cachait pas son soulagement. \
            Les associations de voyageurs restent vigilantes et regrettent l’absence de train le soir.";
        assert!(heads(
            "Des voyageurs enthousiastes, des questions en suspens",
            section
        ));
        // Other news: a name and a place the section never mentions.
        assert!(!heads(
            "Zelensky : la Russie a posé des explosifs près des voies",
            section
        ));
        assert!(!heads("Lire aussi : les voyageurs de Valmorin", section));
        assert!(!heads("Le budget de la culture augmente", section));
    }

    #[test]
    fn the_keyphrase_reaches_headings_without_a_prefix() {
        let mut b = body();
        b.sections.push(Section {
            heading: "Les travaux".into(),
            level: 2,
            paragraphs: vec![
                "Le chantier a duré huit mois, et Jeanne Morel assure que le budget a été tenu."
                    .into(),
            ],
            bullets: vec![],
        });
        keyphrase_headings(&mut b, "Jeanne Morel", &[]);
        let headings: Vec<&str> = b.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            vec![
                "Les travaux",
                "Jeanne Morel assure que le budget a été tenu"
            ]
        );
        // The journalist's own subheading gives way only to reach the keyphrase's share.
        let mut b = body();
        for heading in ["Le chantier", "Les travaux"] {
            b.sections.push(Section {
                heading: heading.into(),
                level: 2,
                paragraphs: vec!["Jeanne Morel assure que le budget a été tenu.".into()],
                bullets: vec![],
            });
        }
        keyphrase_headings(&mut b, "Jeanne Morel", &["Le chantier".to_string()]);
        let headings: Vec<&str> = b.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            vec![
                "Les travaux",
                "Le chantier",
                "Jeanne Morel assure que le budget a été tenu"
            ]
        );
    }

    #[test]
    fn meta_description_is_within_bounds_and_has_the_keyphrase() {
        let mut b = body();
        b.lead.push_str(" La passerelle relie le quartier de la gare au centre-ville et sera ouverte aux cyclistes comme aux piétons dès lundi matin.");
        let m = meta_description(&b, "Valbrune");
        let n = m.chars().count();
        assert!((META_MIN..=META_MAX).contains(&n), "{n}: {m}");
        assert!(m.contains("Valbrune"));
    }

    #[test]
    fn long_paragraphs_and_sections_are_split() {
        let p: String = (0..12).map(|j| format!("Le conseil a voté le point {j} du budget de la commune pour l’année prochaine après un long débat. ")).collect();
        let mut article = Article {
            title: "Titre".into(),
            meta_description: String::new(),
            slug: String::new(),
            keyphrase: "budget".into(),
            lang: "fr-FR".into(),
            lead: "Un chapô.".into(),
            sections: vec![Section {
                heading: "Le Budget De La Commune".into(),
                level: 2,
                paragraphs: (0..5)
                    .map(|i| {
                        format!("Partie {i}. {p}").replace("point", &format!("volet {i} point"))
                    })
                    .collect(),
                bullets: vec![],
            }],
            provenance: crate::article::Provenance {
                plume_version: "t".into(),
                model_id: "t".into(),
                model_sha256: "t".into(),
                seed: 1,
                sampling: crate::article::Sampling {
                    temperature: 0.0,
                    top_k: 0,
                    top_p: 1.0,
                    min_p: 0.0,
                    repeat_penalty: 1.0,
                },
                source_path: "t".into(),
                source_sha256: String::new(),
                settings: String::new(),
                generated: false,
            },
        };
        enforce(&mut article);
        for s in &article.sections {
            assert!(
                section_words(s) <= MAX_SECTION_WORDS,
                "{}",
                section_words(s)
            );
            for p in &s.paragraphs {
                assert!(word_count(p) <= MAX_PARAGRAPH_WORDS);
            }
        }
        assert!(article.sections.len() >= 3);
        assert_eq!(
            article.sections[0].heading, "Le budget de la commune",
            "sentence case"
        );
    }
}
