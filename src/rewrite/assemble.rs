//! Turning the written pieces into an article that meets every rule, whatever the model wrote:
//! title, meta description and slug; grounded extras (key points, FAQ, conclusion) made only of
//! sentences already checked; paragraphs ≤ 150 words, sections ≤ 300 words, at least three H2,
//! no repeated sentence, French typography and sentence case.

use std::collections::HashSet;

use super::verify::sentence_key;
use crate::analysis::assessments::title_width::{width_px, MAX_PX};
use crate::analysis::lists::{COMMON_WORDS, FUNCTION_WORDS};
use crate::analysis::slug::slugify;
use crate::analysis::text::{fold, lower_fr, sentences, word_count};
use crate::analysis::typography::fix_typography;
use crate::analysis::typography::title_case::{lowercase_vocabulary, words_to_lower};
use crate::article::{Article, Section};

/// Longest paragraph and section, in words.
pub const MAX_PARAGRAPH_WORDS: usize = 150;
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
            for p in &s.paragraphs {
                out.extend(sentences(p).into_iter().map(str::to_string));
            }
        }
        out
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

/// The text with its first letter lowered when its first word is an ordinary French word
/// (« Les travaux » → « les travaux »), never for names or acronyms (« Lavrov », « CIA »).
fn lower_first(s: &str) -> String {
    lower_first_if(s, |_| false)
}

/// Like [`lower_first`], also lowering words that `ordinary` accepts (in lower case).
fn lower_first_if(s: &str, ordinary: impl Fn(&str) -> bool) -> String {
    let first_word: String = s.chars().take_while(|c| c.is_alphabetic()).collect();
    let lower = lower_fr(&first_word);
    let ordinary = FUNCTION_WORDS.contains(lower.as_str())
        || COMMON_WORDS.contains(lower.as_str())
        || ordinary(&lower);
    let mut chars = s.chars();
    match (chars.next(), s.chars().nth(1)) {
        (Some(c), Some(n)) if ordinary && c.is_uppercase() && n.is_lowercase() => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

/// Words a title should not end on.
const DANGLING: [&str; 24] = [
    "pour", "de", "d’", "du", "des", "la", "le", "les", "l’", "à", "au", "aux", "et", "en", "un",
    "une", "que", "qui", "sur", "dans", "par", "avec", "alors", "mais",
];

/// Where a clause may end in a title that is too long: before these words.
const CLAUSE_BREAKS: [&str; 12] = [
    ", ",
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
fn trim_title(text: &str, max_px: f64) -> String {
    let text = text.trim().trim_end_matches(['.', ',', ';', ':']);
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
    let mut out: Vec<&str> = cut
        .split(' ')
        .map(|w| w.trim_end_matches([',', ';', ':']))
        .collect();
    while out
        .last()
        .is_some_and(|w| DANGLING.contains(&w.to_lowercase().as_str()) || w.ends_with('’'))
    {
        out.pop();
    }
    out.join(" ")
}

/// The H1: the written headline when there is one, else the lead's first clause; the
/// keyphrase near its start.
pub fn title(headline: Option<&str>, body: &Body, keyphrase: &str) -> String {
    let base = headline.map(str::to_string).unwrap_or_else(|| {
        let first = body.sentences().into_iter().next().unwrap_or_default();
        first
            .split([',', ';', ':'])
            .next()
            .unwrap_or(&first)
            .trim()
            .to_string()
    });
    let base = trim_title(&base, MAX_PX);
    let folded = fold(&base);
    let key = fold(keyphrase);
    let title = if folded.find(&key).is_some_and(|i| i < 25) {
        base
    } else {
        let rest = trim_title(&base, MAX_PX - width_px(&format!("{keyphrase} : ")));
        if rest.split_whitespace().count() >= 3 {
            format!("{keyphrase} : {}", lower_first(&rest))
        } else {
            format!("{keyphrase} : ce qu’il faut savoir")
        }
    };
    capitalise(&title)
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
            lower_first(&sentence)
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

/// The sentence, shortened to its first clause when long: a key point, not a repetition.
fn key_point(sentence: &str) -> Option<String> {
    let words = word_count(sentence);
    if words < 6 {
        return None;
    }
    if words <= 22 {
        return Some(sentence.to_string());
    }
    let cut = sentence.split(", ").next().unwrap_or(sentence);
    (word_count(cut) >= 6 && balanced(cut))
        .then(|| format!("{}.", cut.trim_end_matches(['.', ',', ';', ':'])))
}

/// Whether quotation marks and brackets are balanced (a clause cut from a sentence must not
/// leave a quotation open).
fn balanced(text: &str) -> bool {
    let count = |c: char| text.chars().filter(|&x| x == c).count();
    count('«') == count('»')
        && count('(') == count(')')
        && count('"') % 2 == 0
        && count('“') == count('”')
}

/// Words that open a clause able to stand as a sentence: determiners and subject pronouns.
const CLAUSE_OPENERS: [&str; 18] = [
    "le", "la", "les", "l’", "l'", "un", "une", "des", "ce", "cet", "cette", "ces", "il", "elle",
    "ils", "elles", "on", "leur",
];

fn opens_clause(part: &str) -> bool {
    let lower = lower_fr(part.trim());
    CLAUSE_OPENERS.iter().any(|o| {
        lower.starts_with(&format!("{o} ")) || (o.ends_with(['’', '\'']) && lower.starts_with(o))
    })
}

/// Shorter sentences carried by a sentence: its first part when it opens like a clause
/// (« Le premier train est parti lundi », without what follows the comma), and its end from
/// a later part that opens like one (« Fermée en 2014, la ligne a rouvert » → « La ligne a
/// rouvert »). Words of the source in the source's order, never the sentence itself.
fn clauses(sentence: &str) -> Vec<String> {
    let parts: Vec<&str> = sentence.split(", ").collect();
    if parts.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if opens_clause(parts[0]) {
        out.push(parts[0].to_string());
    }
    for i in 1..parts.len() {
        if opens_clause(parts[i]) {
            out.push(parts[i..].join(", "));
            break;
        }
    }
    out.into_iter()
        .map(|p| {
            p.trim()
                .trim_end_matches(['.', ',', ';', ':', '!', '?'])
                .to_string()
        })
        .filter(|p| word_count(p) >= 7 && balanced(p))
        .map(|p| format!("{}.", capitalise(&p)))
        .collect()
}

/// A test on a sentence.
type Test<'a> = &'a dyn Fn(&str) -> bool;

/// Grounded extras that need no new facts: key points, a FAQ, more material while the article
/// is short, and a conclusion. Everything comes from sentences already checked: `spare` holds
/// checked sentences not yet in the body (the source's own, where the body has a rewrite), and
/// the body's sentences give clauses. Nothing is used twice.
pub fn extras(
    body: &Body,
    spare: &[String],
    keyphrase: &str,
    min_words: usize,
    has_date: impl Fn(&str) -> bool,
    has_number: impl Fn(&str) -> bool,
) -> Vec<Section> {
    let body_sentences = body.sentences();
    let mut used: HashSet<String> = body_sentences.iter().map(|s| sentence_key(s)).collect();
    let mut words = word_count(&body.lead) + body.sections.iter().map(section_words).sum::<usize>();
    let mut out = Vec::new();
    let fresh = |s: &str, used: &HashSet<String>| !used.contains(&sentence_key(s));

    // Key points: the body's sentences with numbers or names, shortened.
    let mut bullets = Vec::new();
    for s in &body_sentences {
        if bullets.len() >= 6 {
            break;
        }
        let salient = has_number(s)
            || s.split_whitespace()
                .skip(1)
                .any(|w| w.chars().next().is_some_and(char::is_uppercase));
        if let Some(point) = key_point(s).filter(|p| salient && p != s && fresh(p, &used)) {
            used.insert(sentence_key(&point));
            bullets.push(point);
        }
    }
    if bullets.len() >= 2 {
        words += bullets.iter().map(|b| word_count(b)).sum::<usize>() + word_count(keyphrase) + 3;
        out.push(Section {
            heading: format!("{keyphrase} : les points clés"),
            level: 2,
            paragraphs: Vec::new(),
            bullets,
        });
    }

    // What the FAQ and the rest may use: spare sentences first, then clauses of the body.
    let mut pool: Vec<String> = spare.to_vec();
    pool.extend(body_sentences.iter().flat_map(|s| clauses(s)));
    pool.retain(|s| word_count(s) >= 7);

    // FAQ: generic questions, each answered by a sentence of the pool that fits it.
    let questions: [(&str, Test); 5] = [
        ("Que s’est-il passé ?", &|_| true),
        ("Quand cela s’est-il passé ?", &|s| has_date(s)),
        ("Quels chiffres faut-il retenir ?", &|s| has_number(s)),
        ("Que disent les personnes citées ?", &|s| {
            s.contains('«') || s.contains('“')
        }),
        ("Qui est concerné ?", &|s| {
            s.split_whitespace()
                .skip(1)
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .count()
                >= 2
        }),
    ];
    let mut answers: Vec<(String, String)> = Vec::new();
    for (question, fits) in questions {
        if let Some(answer) = pool.iter().find(|s| fits(s) && fresh(s, &used)) {
            used.insert(sentence_key(answer));
            answers.push((question.to_string(), answer.clone()));
        }
    }
    if answers.len() >= 2 {
        out.push(Section {
            heading: format!("{keyphrase} : questions fréquentes"),
            level: 2,
            paragraphs: Vec::new(),
            bullets: Vec::new(),
        });
        words += word_count(keyphrase) + 3;
        for (q, a) in answers {
            words += word_count(&q) + word_count(&a);
            out.push(Section {
                heading: q,
                level: 3,
                paragraphs: vec![a],
                bullets: Vec::new(),
            });
        }
    }

    // More of the pool while the article is short.
    let mut more = Vec::new();
    for s in &pool {
        if words >= min_words + 30 {
            break;
        }
        if fresh(s, &used) {
            used.insert(sentence_key(s));
            words += word_count(s);
            more.push(s.clone());
        }
    }
    if !more.is_empty() {
        out.push(Section {
            heading: "Pour aller plus loin".into(),
            level: 2,
            paragraphs: group_paragraphs(&more),
            bullets: Vec::new(),
        });
    }

    // Still short: the figures and the quotations of the body as reference lists, each with
    // the part of its sentence that carries it.
    let lists: [(&str, Test); 2] = [
        ("Les chiffres à retenir", &|p: &str| has_number(p)),
        ("Les phrases à retenir", &|p: &str| {
            p.contains('«')
                || p.split_whitespace()
                    .skip(1)
                    .any(|w| w.chars().next().is_some_and(char::is_uppercase))
        }),
    ];
    for (heading, wanted) in lists {
        if words >= min_words + 10 {
            break;
        }
        let mut bullets = Vec::new();
        for sentence in &body_sentences {
            for part in sentence
                .split(", ")
                .map(|p| p.trim().trim_end_matches(['.', ';', ':']))
            {
                if words >= min_words + 10 {
                    break;
                }
                let item = capitalise(part);
                if word_count(part) >= 5 && balanced(part) && wanted(part) && fresh(&item, &used) {
                    used.insert(sentence_key(&item));
                    words += word_count(part);
                    bullets.push(item);
                }
            }
        }
        if !bullets.is_empty() {
            words += word_count(heading);
            out.push(Section {
                heading: heading.into(),
                level: 2,
                paragraphs: Vec::new(),
                bullets,
            });
        }
    }

    // Conclusion: the lead's key fact, introduced as a summary.
    if let Some(point) = body_sentences.first().and_then(|s| key_point(s)) {
        let conclusion = format!("En résumé, {}", lower_first(&point));
        if fresh(&conclusion, &used) {
            out.push(Section {
                heading: "En conclusion".into(),
                level: 2,
                paragraphs: vec![conclusion],
                bullets: Vec::new(),
            });
        }
    }
    out
}

/// Sentences grouped into paragraphs of about 80 words.
pub fn group_paragraphs(sentences: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for s in sentences {
        if !current.is_empty() && word_count(&current) + word_count(s) > 80 {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(s);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn section_words(s: &Section) -> usize {
    word_count(&s.heading)
        + s.paragraphs.iter().map(|p| word_count(p)).sum::<usize>()
        + s.bullets.iter().map(|b| word_count(b)).sum::<usize>()
}

/// Applies the structural rules and French typography to the article in place.
pub fn enforce(article: &mut Article) {
    // No sentence twice, anywhere.
    let mut seen = HashSet::new();
    let mut dedupe = |text: &str| -> String {
        sentences(text)
            .into_iter()
            .filter(|s| sentence_key(s).is_empty() || seen.insert(sentence_key(s)))
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
    // Drop emptied sections, but keep an H2 that introduces H3 sections.
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

    // Paragraphs ≤ 150 words.
    for section in &mut article.sections {
        section.paragraphs = section
            .paragraphs
            .iter()
            .flat_map(|p| split_paragraph(p))
            .collect();
    }
    // Sections ≤ 300 words.
    let mut sections = Vec::new();
    for section in std::mem::take(&mut article.sections) {
        sections.extend(split_section(section));
    }
    article.sections = sections;
    // At least three H2.
    while article.sections.iter().filter(|s| s.level == 2).count() < 3 {
        let Some(i) = article
            .sections
            .iter()
            .position(|s| s.level == 2 && s.paragraphs.len() >= 2)
        else {
            break;
        };
        let half = article.sections[i].paragraphs.len() / 2;
        let rest = article.sections[i].paragraphs.split_off(half);
        let heading = format!("{} (suite)", article.sections[i].heading);
        article.sections.insert(
            i + 1,
            Section {
                heading,
                level: 2,
                paragraphs: rest,
                bullets: Vec::new(),
            },
        );
    }

    // French typography everywhere; sentence case for the title and headings.
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

    // The keyphrase in 30 to 75 % of the subheadings: prefix H2 headings that lack it.
    let key = fold(&article.keyphrase);
    let has_key = |h: &str| fold(h).contains(&key);
    let total = article.sections.len();
    let mut with_key = article
        .sections
        .iter()
        .filter(|s| has_key(&s.heading))
        .count();
    for section in article.sections.iter_mut().filter(|s| s.level == 2) {
        if with_key * 100 >= total * 35 || key.is_empty() {
            break;
        }
        if !has_key(&section.heading) {
            section.heading = format!(
                "{} : {}",
                article.keyphrase,
                lower_first_if(&section.heading, |w| vocabulary.contains(w))
            );
            with_key += 1;
        }
    }

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

fn split_paragraph(p: &str) -> Vec<String> {
    if word_count(p) <= MAX_PARAGRAPH_WORDS {
        return vec![p.to_string()];
    }
    let sents: Vec<String> = sentences(p).into_iter().map(str::to_string).collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for s in sents {
        if !current.is_empty()
            && word_count(&current) + word_count(&s) > MAX_PARAGRAPH_WORDS * 2 / 3
        {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&s);
    }
    if !current.is_empty() {
        out.push(current);
    }
    // A single sentence longer than the limit: cut between words.
    out.into_iter()
        .flat_map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            words
                .chunks(MAX_PARAGRAPH_WORDS)
                .map(|c| c.join(" "))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn split_section(section: Section) -> Vec<Section> {
    if section_words(&section) <= MAX_SECTION_WORDS {
        return vec![section];
    }
    let mut out = Vec::new();
    let mut current = Section {
        heading: section.heading.clone(),
        level: section.level,
        paragraphs: Vec::new(),
        bullets: Vec::new(),
    };
    for p in section.paragraphs {
        if !current.paragraphs.is_empty()
            && section_words(&current) + word_count(&p) > MAX_SECTION_WORDS - 20
        {
            let next = Section {
                heading: format!("{} (suite)", section.heading),
                level: section.level,
                paragraphs: Vec::new(),
                bullets: Vec::new(),
            };
            out.push(std::mem::replace(&mut current, next));
        }
        current.paragraphs.push(p);
    }
    current.bullets = section.bullets;
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Body {
        Body {
            lead: "La commune de Valbrune a inauguré samedi une passerelle de 48 mètres. Jeanne Morel a coupé le ruban.".into(),
            sections: vec![Section { heading: "Les travaux".into(), level: 2, paragraphs: vec!["Les travaux ont duré huit mois.".into()], bullets: vec![] }],
        }
    }

    #[test]
    fn title_starts_with_the_keyphrase() {
        let t = title(None, &body(), "Jeanne Morel");
        assert!(t.starts_with("Jeanne Morel : "), "{t}");
        let t = title(Some("Valbrune inaugure sa passerelle"), &body(), "Valbrune");
        assert_eq!(t, "Valbrune inaugure sa passerelle");
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
