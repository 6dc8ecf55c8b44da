//! Plain text → blocks. Paragraphs are separated by blank lines; a file without any
//! blank line has one paragraph per non-empty line. The first line is the headline
//! when it looks like one, a short unpunctuated line between paragraphs is a
//! subheading (H2) hint, and lines starting with a bullet are list items.

use crate::analysis::text::word_count;
use crate::source::{BlockKind, SourceBlock};

/// The most words a headline may have.
const MAX_HEADLINE_WORDS: usize = 20;
/// The most words a subheading may have.
const MAX_SUBHEADING_WORDS: usize = 18;

/// Splits `text` into an optional headline and the body blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<SourceBlock>) {
    let chunks = chunks(text);
    let mut title = None;
    let mut blocks = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let more_follows = i + 1 < chunks.len();
        let next_len = chunks.get(i + 1).map_or(0, |c| c.text.chars().count());
        if let Some(text) = chunk.bullet.as_deref() {
            blocks.push(SourceBlock::new(BlockKind::ListItem, text));
        } else if i == 0 && more_follows && is_headline(&chunk.text, next_len) {
            title = Some(chunk.text.clone());
        } else if i > 0 && more_follows && is_subheading(&chunk.text) {
            blocks.push(SourceBlock::new(BlockKind::Heading(2), chunk.text.as_str()));
        } else {
            blocks.push(SourceBlock::new(BlockKind::Paragraph, chunk.text.as_str()));
        }
    }
    (title, blocks)
}

/// One paragraph-sized piece of the text; `bullet` holds the item text of a list line.
struct Chunk {
    text: String,
    bullet: Option<String>,
}

fn chunks(text: &str) -> Vec<Chunk> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let has_blank_line = lines
        .iter()
        .skip_while(|l| l.is_empty())
        .any(|l| l.is_empty());
    let mut groups: Vec<Vec<&str>> = Vec::new();
    if has_blank_line {
        let mut current: Vec<&str> = Vec::new();
        for line in lines {
            if line.is_empty() {
                groups.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            } else {
                current.push(line);
            }
        }
        groups.extend((!current.is_empty()).then_some(current));
    } else {
        groups = lines
            .into_iter()
            .filter(|l| !l.is_empty())
            .map(|l| vec![l])
            .collect();
    }
    groups.into_iter().flat_map(split_group).collect()
}

/// A blank-line group becomes one chunk, except that list lines become one chunk each
/// and a short unpunctuated first line before a long one is split off as a heading.
fn split_group(group: Vec<&str>) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let flush = |prose: &mut Vec<&str>, out: &mut Vec<Chunk>| {
        if !prose.is_empty() {
            out.push(Chunk {
                text: prose.join(" "),
                bullet: None,
            });
            prose.clear();
        }
    };
    for (i, line) in group.iter().enumerate() {
        if let Some(item) = bullet_text(line) {
            flush(&mut prose, &mut out);
            out.push(Chunk {
                text: line.to_string(),
                bullet: Some(item.to_string()),
            });
            continue;
        }
        let next = group.get(i + 1).copied();
        let heading_first = prose.is_empty()
            && next.is_some_and(|n| {
                bullet_text(n).is_none() && line.chars().count() * 5 < n.chars().count() * 3
            })
            && is_subheading(line);
        prose.push(line);
        if heading_first {
            flush(&mut prose, &mut out);
        }
    }
    flush(&mut prose, &mut out);
    out
}

/// The text after a list marker (`- `, `* `, `• `, `– `, `1. `, `1) `), if any.
fn bullet_text(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "• ", "– ", "· ", "▪ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim()).filter(|r| !r.is_empty());
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(item) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some(item.trim()).filter(|r| !r.is_empty());
        }
    }
    None
}

/// A headline: at most 20 words, starts with a capital or a digit, and ends without a
/// period, colon, semicolon or comma (a question or exclamation mark is allowed when
/// the next paragraph is longer than the line).
fn is_headline(line: &str, next_len: usize) -> bool {
    let n = word_count(line);
    if n == 0 || n > MAX_HEADLINE_WORDS || !starts_like_a_title(line) {
        return false;
    }
    match last_mark(line) {
        Some('.' | ':' | ';' | ',' | '…') => false,
        Some('?' | '!') => next_len > line.chars().count(),
        _ => true,
    }
}

/// A subheading: at most 18 words, starts with a capital or digit, no final punctuation.
fn is_subheading(line: &str) -> bool {
    let n = word_count(line);
    n > 0
        && n <= MAX_SUBHEADING_WORDS
        && starts_like_a_title(line)
        && !matches!(
            last_mark(line),
            Some('.' | ':' | ';' | ',' | '…' | '?' | '!')
        )
}

fn starts_like_a_title(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| c.is_uppercase() || c.is_numeric())
}

/// The last character that is not a closing quote, bracket or space.
fn last_mark(line: &str) -> Option<char> {
    line.chars()
        .rev()
        .find(|c| !c.is_whitespace() && !matches!(c, '"' | '»' | '”' | '’' | '\'' | ')' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(blocks: &[SourceBlock]) -> Vec<BlockKind> {
        blocks.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_join_wrapped_lines() {
        let (title, blocks) = parse(
            "The council met on Tuesday evening to vote on the new\nbudget for the library.\n\n\
             It passed by seven votes to two after a long debate\nabout opening hours.\n",
        );
        assert_eq!(title, None);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks[0].text,
            "The council met on Tuesday evening to vote on the new budget for the library."
        );
        assert_eq!(kinds(&blocks), [BlockKind::Paragraph, BlockKind::Paragraph]);
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        let (title, blocks) =
            parse("Premier paragraphe, avec une virgule.\nDeuxième paragraphe.\n\nTroisième.");
        // A blank line exists, so wrapped lines are joined.
        assert_eq!(title, None);
        assert_eq!(
            blocks[0].text,
            "Premier paragraphe, avec une virgule. Deuxième paragraphe."
        );
        let (_, blocks) = parse("Premier paragraphe.\nDeuxième paragraphe.\nTroisième.");
        assert_eq!(blocks.len(), 3);
    }

    #[test]
    fn first_line_is_the_headline_when_it_looks_like_one() {
        let (title, blocks) = parse(
            "La ligne de Valmorin rouvre après dix ans\n\nLes premiers trains ont circulé lundi.\n",
        );
        assert_eq!(
            title.as_deref(),
            Some("La ligne de Valmorin rouvre après dix ans")
        );
        assert_eq!(blocks.len(), 1);
        let (title, _) = parse("Faut-il rouvrir la ligne ?\nLe débat agite la vallée depuis des mois, et il ne faiblit pas.");
        assert_eq!(title.as_deref(), Some("Faut-il rouvrir la ligne ?"));
    }

    #[test]
    fn no_headline_when_the_first_line_is_a_sentence_or_alone() {
        let (title, _) = parse("The mayor spoke first.\nThen the crowd cheered loudly.");
        assert_eq!(title, None);
        let (title, blocks) = parse("A short line alone");
        assert_eq!(title, None);
        assert_eq!(blocks.len(), 1);
        let long = "One two three four five six seven eight nine ten eleven twelve thirteen \
                    fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone";
        let (title, _) = parse(&format!("{long}\nMore text follows here."));
        assert_eq!(title, None);
        let (title, _) = parse("lower case start of a line\nMore text follows.");
        assert_eq!(title, None);
    }

    #[test]
    fn short_unpunctuated_lines_between_paragraphs_are_subheadings() {
        let (title, blocks) = parse(
            "Un titre\nPremier paragraphe du texte.\nUne nouvelle étape\nDeuxième paragraphe.\n(Avec agences)",
        );
        assert_eq!(title.as_deref(), Some("Un titre"));
        assert_eq!(
            kinds(&blocks),
            [
                BlockKind::Paragraph,
                BlockKind::Heading(2),
                BlockKind::Paragraph,
                BlockKind::Paragraph
            ]
        );
        assert_eq!(blocks[1].text, "Une nouvelle étape");
    }

    #[test]
    fn a_heading_line_glued_to_its_paragraph_is_split_off() {
        let (_, blocks) = parse(
            "Intro paragraph that is a sentence.\n\nNew hours\nThe library will open at eight every morning, including Sundays.\n",
        );
        assert_eq!(
            kinds(&blocks),
            [
                BlockKind::Paragraph,
                BlockKind::Heading(2),
                BlockKind::Paragraph
            ]
        );
    }

    #[test]
    fn bullet_lines_are_list_items() {
        let (_, blocks) = parse("Ce qui change :\n- des trains toutes les heures\n- 3 gares rouvertes\n1. premier\n2) second\nFin du texte.");
        assert_eq!(
            kinds(&blocks),
            [
                BlockKind::Paragraph,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::ListItem,
                BlockKind::Paragraph
            ]
        );
        assert_eq!(blocks[2].text, "3 gares rouvertes");
        assert_eq!(blocks[4].text, "second");
    }
}
