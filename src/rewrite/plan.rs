//! The outline, decided by the program from the source's own structure: the keyphrase, the
//! lead, and sections that each cover given source paragraphs.

use crate::analysis::text::{fold, sentences, word_count};
use crate::facts::Facts;
use crate::source::{BlockKind, Source};

/// One source paragraph, as sentences.
pub type Paragraph = Vec<String>;

/// A section of the outline: an optional source heading and the paragraphs it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSection {
    pub heading: Option<String>,
    pub paragraphs: Vec<Paragraph>,
}

/// The outline of the article to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub keyphrase: String,
    /// The source's headline, if it has one.
    pub title: Option<String>,
    /// The lead paragraph's source sentences.
    pub lead: Paragraph,
    pub sections: Vec<PlannedSection>,
}

/// Longest source paragraph kept whole; longer ones are split between sentences.
const MAX_PARAGRAPH_WORDS: usize = 110;
/// Aim for sections of about this many source words.
const SECTION_WORDS: usize = 170;
/// The lead takes sentences up to about this many words.
const LEAD_WORDS: usize = 70;

/// Plans the article for `source`, whose facts are `facts`.
pub fn plan(source: &Source, facts: &Facts, keyphrase: Option<&str>) -> Plan {
    let keyphrase = keyphrase
        .map(str::to_string)
        .unwrap_or_else(|| choose_keyphrase(source, facts));

    // Source blocks → headings and paragraphs of sentences.
    let mut parts: Vec<(Option<String>, Vec<Paragraph>)> = vec![(None, Vec::new())];
    for block in &source.blocks {
        match block.kind {
            BlockKind::Heading(_) => parts.push((Some(block.text.clone()), Vec::new())),
            _ => {
                let mut sents: Vec<String> = sentences(&block.text)
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                // The dateline of the first paragraph (« VALDECIERZO. ») is no sentence.
                let opening = parts.iter().all(|(_, p)| p.is_empty());
                if opening && sents.first().is_some_and(|s| is_dateline(s)) && sents.len() > 1 {
                    sents.remove(0);
                }
                if let Some(last) = parts.last_mut() {
                    last.1.extend(split_long(sents));
                }
            }
        }
    }
    parts.retain(|(_, paragraphs)| !paragraphs.is_empty());

    // The lead: the first paragraph's first sentences.
    let mut lead = Vec::new();
    if let Some((_, paragraphs)) = parts.first_mut() {
        if let Some(first) = paragraphs.first_mut() {
            while !first.is_empty()
                && (lead.is_empty()
                    || word_count(&lead.join(" ")) + word_count(&first[0]) <= LEAD_WORDS)
            {
                lead.push(first.remove(0));
            }
            if first.is_empty() {
                paragraphs.remove(0);
            }
        }
    }
    parts.retain(|(_, paragraphs)| !paragraphs.is_empty());

    let headed = parts.iter().filter(|(h, _)| h.is_some()).count();
    let sections = if headed >= 2 {
        parts
            .into_iter()
            .map(|(heading, paragraphs)| PlannedSection {
                heading,
                paragraphs,
            })
            .collect()
    } else {
        let paragraphs: Vec<Paragraph> = parts.into_iter().flat_map(|(_, p)| p).collect();
        distribute(paragraphs)
    };
    Plan {
        keyphrase,
        title: source.title.clone(),
        lead,
        sections,
    }
}

/// A dateline: a place in capitals, maybe with its agency in brackets (« VALDECIERZO. »,
/// « LYON (AFP). »), of at most five words.
fn is_dateline(sentence: &str) -> bool {
    let mut outside = String::new();
    let mut depth = 0usize;
    for c in sentence.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside.chars().any(char::is_alphabetic)
        && !outside.chars().any(char::is_lowercase)
        && sentence.split_whitespace().count() <= 5
}

/// Splits a paragraph that is too long into paragraphs of whole sentences.
fn split_long(sentences: Vec<String>) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut current: Paragraph = Vec::new();
    for s in sentences {
        if !current.is_empty()
            && word_count(&current.join(" ")) + word_count(&s) > MAX_PARAGRAPH_WORDS
        {
            out.push(std::mem::take(&mut current));
        }
        current.push(s);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Groups paragraphs into at least three sections of similar length.
fn distribute(mut paragraphs: Vec<Paragraph>) -> Vec<PlannedSection> {
    // Fewer than three paragraphs: split them between sentences.
    while paragraphs.len() < 3 {
        let Some((i, _)) = paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.len() > 1)
            .max_by_key(|(_, p)| p.len())
        else {
            break;
        };
        let p = paragraphs.remove(i);
        let (a, b) = p.split_at(p.len() / 2);
        paragraphs.insert(i, b.to_vec());
        paragraphs.insert(i, a.to_vec());
    }
    let total: usize = paragraphs.iter().map(|p| word_count(&p.join(" "))).sum();
    let count = (total / SECTION_WORDS)
        .clamp(3, 8)
        .min(paragraphs.len())
        .max(1);
    let target = total.div_ceil(count);
    let mut sections: Vec<PlannedSection> = Vec::new();
    let mut current = PlannedSection {
        heading: None,
        paragraphs: Vec::new(),
    };
    let mut words = 0;
    let n = paragraphs.len();
    for (i, p) in paragraphs.into_iter().enumerate() {
        let w = word_count(&p.join(" "));
        let remaining_paragraphs = n - i;
        let sections_left = count - sections.len();
        let must_close = !current.paragraphs.is_empty() && remaining_paragraphs < sections_left;
        if !current.paragraphs.is_empty()
            && (must_close || (words + w / 2 > target && sections.len() + 1 < count))
        {
            sections.push(std::mem::replace(
                &mut current,
                PlannedSection {
                    heading: None,
                    paragraphs: Vec::new(),
                },
            ));
            words = 0;
        }
        words += w;
        current.paragraphs.push(p);
    }
    if !current.paragraphs.is_empty() {
        sections.push(current);
    }
    sections
}

/// How prominent `form` is in `text`, its opening `head` counting again: (occurrences in
/// `text`, score), the score favouring names of several words.
fn prominence(text: &str, head: &str, form: &str) -> (usize, usize) {
    let needle = format!(" {} ", fold(form));
    let (in_text, in_head) = (text.matches(&needle).count(), head.matches(&needle).count());
    (
        in_text,
        in_text * 2 + in_head * 3 + usize::from(form.contains(' ')),
    )
}

/// Space-padded, folded text for [`prominence`].
fn padded(text: &str) -> String {
    format!(" {} ", fold(text))
}

/// The most prominent named entity: frequent, and early (title and first paragraph count double).
pub fn choose_keyphrase(source: &Source, facts: &Facts) -> String {
    let text = padded(&source.text());
    let head = padded(&format!(
        "{} {}",
        source.title.as_deref().unwrap_or(""),
        source.paragraphs().first().copied().unwrap_or("")
    ));
    let mut best: Option<(usize, &str)> = None;
    for entity in &facts.entities {
        let words = entity.text.split_whitespace().count();
        if !(1..=4).contains(&words) || entity.text.chars().count() < 3 {
            continue;
        }
        let (_, score) = prominence(&text, &head, &entity.text);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, &entity.text));
        }
    }
    match best {
        Some((_, text)) => text.to_string(),
        None => source
            .title
            .clone()
            .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| "actualité".into()),
    }
}

/// The most prominent name of `facts` in a written article (`text`, with its `lead` counting
/// again): a source entity whole, or one of its words as the article writes it — not the
/// first of several (« Douglas » of « Douglas Fairweather »: a first name alone is nobody's
/// keyphrase); `None` when the article has none.
pub fn keyphrase_in(text: &str, lead: &str, facts: &Facts) -> Option<String> {
    let (text, lead) = (padded(text), padded(lead));
    let mut best: Option<(usize, String)> = None;
    for entity in &facts.entities {
        let several = entity.keys.len() > 1;
        let words = entity
            .text
            .split_whitespace()
            .filter(|w| entity.keys.contains(&fold(w)) && w.chars().count() >= 3)
            .skip(usize::from(several));
        for form in std::iter::once(entity.text.as_str()).chain(words) {
            let (found, score) = prominence(&text, &lead, form);
            if found > 0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, form.to_string()));
            }
        }
    }
    best.map(|(_, form)| form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{InputFormat, Lang, SourceBlock};
    use std::path::PathBuf;

    fn source(blocks: Vec<SourceBlock>, title: Option<&str>) -> Source {
        Source {
            path: PathBuf::from("t.txt"),
            format: InputFormat::Text,
            title: title.map(str::to_string),
            blocks,
            lang: Lang::Fr,
            sha256: String::new(),
        }
    }

    fn para(text: &str) -> SourceBlock {
        SourceBlock::new(BlockKind::Paragraph, text)
    }

    #[test]
    fn plain_paragraphs_make_at_least_three_sections() {
        let blocks = vec![
            para("La commune de Valbrune ouvre une médiathèque. Elle a coûté 4 millions d’euros."),
            para("Le maire Jeanne Morel a coupé le ruban samedi. Trois cents habitants étaient présents."),
            para("La médiathèque propose 20 000 livres. Elle ouvrira six jours sur sept."),
        ];
        let src = source(blocks, None);
        let facts = Facts::extract(&src.text());
        let plan = plan(&src, &facts, None);
        assert_eq!(plan.lead.len(), 2, "the first paragraph is the lead");
        assert!(plan.sections.len() >= 3, "{:?}", plan.sections);
        let planned: usize = plan
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .map(|p| p.len())
            .sum();
        assert_eq!(
            planned + plan.lead.len(),
            6,
            "every sentence is planned once"
        );
    }

    #[test]
    fn the_dateline_of_the_first_paragraph_is_left_out() {
        let blocks = vec![
            para("VALBRUNE (AFP). La commune ouvre une médiathèque. Elle a coûté 4 millions d’euros."),
            para("LE MAIRE. Jeanne Morel a coupé le ruban samedi."),
        ];
        let src = source(blocks, None);
        let plan = plan(&src, &Facts::extract(&src.text()), None);
        assert_eq!(plan.lead[0], "La commune ouvre une médiathèque.");
        let rest: Vec<&String> = plan
            .sections
            .iter()
            .flat_map(|s| &s.paragraphs)
            .flatten()
            .collect();
        assert!(
            rest.iter().any(|s| *s == "LE MAIRE."),
            "only the first paragraph has a dateline"
        );
        for dateline in ["VALDECIERZO.", "LYON (AFP).", "SAINT-ÉTIENNE —"] {
            assert!(is_dateline(dateline), "{dateline}");
        }
        for sentence in ["La commune ouvre.", "ONU.", "Le 3 mars."] {
            assert_eq!(is_dateline(sentence), sentence == "ONU.", "{sentence}");
        }
    }

    #[test]
    fn source_headings_become_sections() {
        let blocks = vec![
            para("Introduction de l’article sur Valbrune."),
            SourceBlock::new(BlockKind::Heading(2), "Les travaux"),
            para("Les travaux ont duré huit mois."),
            SourceBlock::new(BlockKind::Heading(2), "Les réactions"),
            para("Les habitants sont satisfaits."),
        ];
        let src = source(blocks, Some("Valbrune inaugure"));
        let facts = Facts::extract(&src.text());
        let plan = plan(&src, &facts, Some("Valbrune"));
        let headings: Vec<Option<&str>> =
            plan.sections.iter().map(|s| s.heading.as_deref()).collect();
        assert_eq!(headings, vec![Some("Les travaux"), Some("Les réactions")]);
        assert_eq!(plan.keyphrase, "Valbrune");
    }

    #[test]
    fn a_translation_takes_its_keyphrase_from_the_names_the_article_has() {
        let facts = Facts::extract(
            "Die Stadtbücherei Lindenau verlängert ihre Öffnungszeiten. Die Bücherei öffnet \
             am Abend, sagte Anja Kessler. Die Bücherei in Lindenau hat neue Bücher.",
        );
        let article =
            "La bibliothèque de Lindenau ouvre le soir. Elle est à Lindenau, a dit Anja Kessler.";
        assert_eq!(
            keyphrase_in(
                article,
                "La bibliothèque de Lindenau ouvre le soir.",
                &facts
            )
            .as_deref(),
            Some("Lindenau")
        );
        assert_eq!(keyphrase_in("Rien de tel.", "", &facts), None);
        // A first name alone is not a keyphrase, however often the article has it.
        let facts =
            Facts::extract("Its chief executive, Douglas Fairweather, said no. Fairweather left.");
        let article = "Douglas Fairweather a dit non. Douglas est parti, Douglas aussi.";
        assert_ne!(
            keyphrase_in(article, article, &facts).as_deref(),
            Some("Douglas")
        );
    }

    #[test]
    fn keyphrase_is_the_most_prominent_entity() {
        let blocks = vec![
            para("Jeanne Morel a inauguré la passerelle de Valbrune. Jeanne Morel était ravie."),
            para("Selon Paul Arnaud, les travaux ont duré huit mois. Jeanne Morel a remercié les ouvriers."),
        ];
        let src = source(blocks, None);
        let facts = Facts::extract(&src.text());
        assert_eq!(choose_keyphrase(&src, &facts), "Jeanne Morel");
    }
}
