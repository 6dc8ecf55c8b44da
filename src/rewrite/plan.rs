//! The outline, decided by the program from the source's own structure: the keyphrase, the
//! lead, and sections that each cover given source paragraphs.

use crate::analysis::text::{fold, sentences, word_count};
use crate::facts::Facts;
use crate::source::{BlockKind, Source};

/// One source paragraph, as sentences.
pub type Paragraph = Vec<String>;

/// A section of the outline: an optional source heading, the paragraphs it covers, and the
/// items of the list its last paragraph introduces (« … plusieurs nouveautés : »), if any.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlannedSection {
    pub heading: Option<String>,
    pub paragraphs: Vec<Paragraph>,
    pub items: Vec<String>,
}

/// Whether `sentence` introduces a list: it ends on a colon.
pub fn introduces_list(sentence: &str) -> bool {
    sentence.trim_end().ends_with(':')
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

    // Source blocks → headings and paragraphs of sentences. A list a paragraph introduces
    // (its last sentence ends on a colon) closes the section: what follows it in the source
    // opens a section of its own. Other list items are paragraphs.
    let mut parts: Vec<PlannedSection> = vec![PlannedSection::default()];
    for block in &source.blocks {
        let Some(last) = parts.last_mut() else {
            continue;
        };
        let introduced = !last.items.is_empty()
            || last
                .paragraphs
                .last()
                .and_then(|p| p.last())
                .is_some_and(|s| introduces_list(s));
        match block.kind {
            BlockKind::Heading(_) => parts.push(PlannedSection {
                heading: Some(block.text.clone()),
                ..PlannedSection::default()
            }),
            BlockKind::ListItem if introduced => last.items.push(block.text.trim().to_string()),
            _ => {
                let mut sents: Vec<String> = sentences(&block.text)
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                // The dateline of the first paragraph (« VALDECIERZO. ») is no sentence.
                let opening = parts.iter().all(|p| p.paragraphs.is_empty());
                if opening && sents.first().is_some_and(|s| is_dateline(s)) && sents.len() > 1 {
                    sents.remove(0);
                }
                if parts.last().is_some_and(|p| !p.items.is_empty()) {
                    parts.push(PlannedSection::default());
                }
                if let Some(last) = parts.last_mut() {
                    last.paragraphs.extend(split_long(sents));
                }
            }
        }
    }
    parts.retain(|p| !p.paragraphs.is_empty());

    // The lead: the first paragraph's first sentences, not a list's introduction.
    let mut lead = Vec::new();
    if let Some(part) = parts.first_mut() {
        if let Some(first) = part.paragraphs.first_mut() {
            while !first.is_empty()
                && (lead.is_empty()
                    || word_count(&lead.join(" ")) + word_count(&first[0]) <= LEAD_WORDS)
                && !(first.len() == 1 && introduces_list(&first[0]) && !part.items.is_empty())
            {
                lead.push(first.remove(0));
            }
            if first.is_empty() {
                part.paragraphs.remove(0);
            }
        }
    }
    // A list whose introduction went to the lead stands as paragraphs.
    for part in &mut parts {
        if part.paragraphs.is_empty() {
            part.paragraphs = std::mem::take(&mut part.items)
                .into_iter()
                .map(|item| vec![item])
                .collect();
        }
    }
    parts.retain(|p| !p.paragraphs.is_empty());

    let headed = parts.iter().filter(|p| p.heading.is_some()).count();
    let sections = if headed >= 2 {
        parts
    } else {
        let paragraphs: Vec<(Paragraph, Vec<String>)> = parts
            .into_iter()
            .flat_map(|part| {
                let n = part.paragraphs.len();
                let mut items = Some(part.items);
                part.paragraphs.into_iter().enumerate().map(move |(i, p)| {
                    let items = if i + 1 == n { items.take() } else { None };
                    (p, items.unwrap_or_default())
                })
            })
            .collect();
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

/// Groups paragraphs, each with the list items that follow it, into at least three sections of
/// similar length; a paragraph followed by a list closes its section, the list with it.
fn distribute(mut paragraphs: Vec<(Paragraph, Vec<String>)>) -> Vec<PlannedSection> {
    // Fewer than three paragraphs: split them between sentences (a list stays after the last).
    while paragraphs.len() < 3 {
        let Some((i, _)) = paragraphs
            .iter()
            .enumerate()
            .filter(|(_, (p, _))| p.len() > 1)
            .max_by_key(|(_, (p, _))| p.len())
        else {
            break;
        };
        let (p, items) = paragraphs.remove(i);
        let (a, b) = p.split_at(p.len() / 2);
        paragraphs.insert(i, (b.to_vec(), items));
        paragraphs.insert(i, (a.to_vec(), Vec::new()));
    }
    let size =
        |p: &Paragraph, items: &[String]| word_count(&p.join(" ")) + word_count(&items.join(" "));
    let total: usize = paragraphs.iter().map(|(p, items)| size(p, items)).sum();
    let count = (total / SECTION_WORDS)
        .clamp(3, 8)
        .min(paragraphs.len())
        .max(1);
    let target = total.div_ceil(count);
    let mut sections: Vec<PlannedSection> = Vec::new();
    let mut current = PlannedSection::default();
    let mut words = 0;
    let n = paragraphs.len();
    for (i, (p, items)) in paragraphs.into_iter().enumerate() {
        let w = size(&p, &items);
        let remaining_paragraphs = n - i;
        let sections_left = count.saturating_sub(sections.len());
        let must_close = !current.paragraphs.is_empty()
            && (remaining_paragraphs < sections_left || !current.items.is_empty());
        if !current.paragraphs.is_empty()
            && (must_close || (words + w / 2 > target && sections.len() + 1 < count))
        {
            sections.push(std::mem::take(&mut current));
            words = 0;
        }
        words += w;
        current.paragraphs.push(p);
        current.items = items;
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

    fn item(text: &str) -> SourceBlock {
        SourceBlock::new(BlockKind::ListItem, text)
    }

    #[test]
    fn a_list_stays_after_its_introduction_and_closes_its_section() {
        let blocks = vec![
            para("La commune de Valbrune ouvre une médiathèque. Elle a coûté 4 millions d’euros."),
            SourceBlock::new(BlockKind::Heading(2), "Ce qui change"),
            para("La médiathèque propose 20 000 livres. Les lecteurs trouveront plusieurs nouveautés :"),
            item("Une salle de jeux vidéo ouvrira au premier étage."),
            item("Le prêt sera gratuit pour les moins de 18 ans."),
            para("Le chantier a duré huit mois."),
            SourceBlock::new(BlockKind::Heading(2), "Les réactions"),
            para("Les habitants sont satisfaits."),
            item("Un item sans introduction reste un paragraphe."),
        ];
        let src = source(blocks, None);
        let plan = plan(&src, &Facts::extract(&src.text()), None);
        let sections: Vec<(Option<&str>, usize, usize)> = plan
            .sections
            .iter()
            .map(|s| (s.heading.as_deref(), s.paragraphs.len(), s.items.len()))
            .collect();
        assert_eq!(
            sections,
            vec![
                (Some("Ce qui change"), 1, 2),
                (None, 1, 0),
                (Some("Les réactions"), 2, 0)
            ]
        );
        assert_eq!(
            plan.sections[0].paragraphs[0].last().map(String::as_str),
            Some("Les lecteurs trouveront plusieurs nouveautés :")
        );
        // Without headings, the sections are the program's, and the list still closes one.
        let blocks = vec![
            para("La commune de Valbrune ouvre une médiathèque. Elle a coûté 4 millions d’euros."),
            para("Jeanne Morel a coupé le ruban samedi. Trois cents habitants étaient présents."),
            para("Les lecteurs trouveront plusieurs nouveautés :"),
            item("Une salle de jeux vidéo ouvrira au premier étage."),
            item("Le prêt sera gratuit pour les moins de 18 ans."),
            para("La médiathèque propose 20 000 livres. Elle ouvrira six jours sur sept."),
            para("Le chantier a duré huit mois. Il a mobilisé douze entreprises."),
        ];
        let src = source(blocks, None);
        let plan = super::plan(&src, &Facts::extract(&src.text()), None);
        let with_list: Vec<&PlannedSection> = plan
            .sections
            .iter()
            .filter(|s| !s.items.is_empty())
            .collect();
        assert_eq!(with_list.len(), 1, "{:?}", plan.sections);
        assert_eq!(
            with_list[0]
                .paragraphs
                .last()
                .and_then(|p| p.last())
                .map(String::as_str),
            Some("Les lecteurs trouveront plusieurs nouveautés :")
        );
        assert!(plan.sections.len() >= 3);
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
