//! Which source sentences each sentence of an article was written from, and how it was made.
//!
//! The article is read as `plume check` reads it (a [`Document`]), so that an article written
//! by plume and one written by hand are aligned the same way. When the rewrite's own record is
//! at hand ([`PieceRecord`]s: every piece asked of the model, its input and its candidates),
//! a model-written sentence is linked to the exact source sentences it was given, with the
//! candidates the checks turned down; otherwise, and for the sentences the program built
//! (headings, title, meta description), the link is found from the words the sentences share:
//! content words, names and numbers for a body sentence against the source, and for a
//! program-built piece against the article's own body sentences, whose sources it inherits
//! (that works for a translation too, where the article and its source share few words).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::analysis::content::stem_set;
use crate::analysis::document::Document;
use crate::analysis::text::sentences;
use crate::rewrite::verify::sentence_key;
use crate::rewrite::write::{PieceRecord, WordCheck};
use crate::source::{BlockKind, Source};

/// The link between an article and its source, sentence by sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    /// The source's sentences, in reading order (headings included, one sentence each).
    pub source: Vec<SourceSentence>,
    /// The article's sentences, in reading order: title, meta description, then the body.
    pub article: Vec<ArticleSentence>,
}

/// One sentence of the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSentence {
    /// The source block (paragraph, heading, list item) it belongs to, from 0.
    pub block: usize,
    /// Whether that block is a heading (or the source's title).
    pub heading: bool,
    pub text: String,
}

/// Where in the article a sentence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Title,
    MetaDescription,
    Heading,
    Paragraph,
    ListItem,
}

/// How a sentence of the article was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written by the model from its sources (paraphrase or translation) and kept by the checks.
    Model,
    /// A source sentence kept as it is (a French source whose rewrite failed the checks).
    SourceKept,
    /// Built by the program from the article's own words: an extractive heading, a title or a
    /// meta description cut from the lead.
    Extractive,
    /// Fixed text of the program, not from the source (none today; kept for custom templates).
    Template,
    /// Matched to its sources by the words they share (an article plume's record does not
    /// cover: one checked with `plume check`, or edited by hand).
    Matched,
    /// No source sentence says what it says: to check before publishing.
    Unsupported,
}

/// One sentence of the article and what it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSentence {
    pub part: Part,
    /// The article block (title, meta description, heading, paragraph, list item) it belongs
    /// to, from 0.
    pub block: usize,
    pub text: String,
    pub origin: Origin,
    /// Indices into [`Alignment::source`].
    pub sources: Vec<usize>,
    /// The share of its content words, names and numbers found in its sources (0 to 1): low
    /// for a translation, whose words differ from the source's.
    pub overlap: f64,
    /// The checks a model-written sentence passed (empty for the others).
    pub checks: Vec<String>,
    /// For a model-written sentence, the mean log-probability of the tokens of the answer it
    /// comes from: how sure the model was of its words (`None` for the others, and where the
    /// generator does not give it).
    pub mean_logprob: Option<f64>,
    /// The model's candidates for the same piece that the checks turned down, with why.
    pub rejected: Vec<RejectedCandidate>,
    /// For a sentence checked word by word, its content words its sources account for by
    /// nothing, and its sources' content words it renders by nothing (both within what the
    /// check tolerates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unaccounted: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unrendered: Vec<String>,
    /// Why an editor should look at it twice, besides being the source's own sentence (which
    /// the page marks on its own): empty when nothing calls for it.
    pub second_look: Vec<String>,
}

/// A candidate the checks turned down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedCandidate {
    pub text: String,
    pub reason: String,
    pub detail: String,
}

/// The checks every kept model-written piece passed, in the order they run
/// ([`crate::rewrite::verify::Checker::check`]).
pub const CHECKS: [&str; 5] = ["form", "language", "facts", "claims", "novelty"];

/// The check a model-written sentence also passed when its words were compared with its
/// source's one by one ([`crate::lexicon`]): listed after « claims » in its checks.
pub const WORDS_CHECK: &str = "words";

/// A paraphrase of a French source that keeps under this share of its source's words is
/// flagged for a second look (it may say something else).
const LOW_OVERLAP: f64 = 0.35;

/// A model-written sentence whose answer's tokens had a mean log-probability under this was
/// written by a model unsure of its words. In the quality harness, 19 of the default model's
/// 84 kept sentences fell below it, nearly all of them wrong in sense or invented (« Par la
/// matinée, une seule commande de camions n’était pas en mouvement », −1.35); its paraphrases
/// of French sources lie between −0.1 and −0.5. A hint for the editor, not a check: wrong
/// sentences above it remain (« Selon le port de plaisance… », −0.50).
pub const LOW_LOGPROB: f64 = -1.0;

/// An article block as aligned: where it stands and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleBlock {
    pub part: Part,
    pub text: String,
    /// Its span in characters in the Markdown file, when it has one (the front matter's
    /// title and meta description do not), to link the report's findings to it.
    pub span: Option<(usize, usize)>,
}

/// The blocks of `doc`: the title (the front matter's, else the H1) and the meta
/// description, then every heading, paragraph and list item in order.
pub fn article_blocks(doc: &Document) -> Vec<ArticleBlock> {
    let mut out = Vec::new();
    let front_title = doc.front.title.clone();
    if let Some(title) = &front_title {
        out.push(ArticleBlock {
            part: Part::Title,
            text: title.clone(),
            span: None,
        });
    }
    if let Some(meta) = &doc.front.meta_description {
        out.push(ArticleBlock {
            part: Part::MetaDescription,
            text: meta.clone(),
            span: None,
        });
    }
    let mut title_seen = front_title.is_some();
    for block in &doc.blocks {
        let part = match block.kind {
            BlockKind::Heading(1) if !title_seen => {
                title_seen = true;
                Part::Title
            }
            // The H1 that repeats the front matter's title is the same title.
            BlockKind::Heading(1) if Some(&block.text) == front_title.as_ref() => continue,
            BlockKind::Heading(_) => Part::Heading,
            BlockKind::ListItem => Part::ListItem,
            _ => Part::Paragraph,
        };
        out.push(ArticleBlock {
            part,
            text: block.text.clone(),
            span: Some(block.span),
        });
    }
    out
}

/// The sentences of `source`, its title first.
pub fn source_sentences(source: &Source) -> Vec<SourceSentence> {
    let mut blocks: Vec<(bool, &str)> = Vec::new();
    if let Some(title) = &source.title {
        blocks.push((true, title));
    }
    for b in &source.blocks {
        blocks.push((matches!(b.kind, BlockKind::Heading(_)), &b.text));
    }
    let mut out = Vec::new();
    for (block, (heading, text)) in blocks.into_iter().enumerate() {
        let pieces = if heading {
            vec![text.trim()]
        } else {
            sentences(text)
        };
        for s in pieces.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
            out.push(SourceSentence {
                block,
                heading,
                text: s.to_string(),
            });
        }
    }
    out
}

/// Aligns the article `blocks` with `source`; `record` is the rewrite's record of what it
/// asked the model (`None` for an article plume did not just write).
pub fn align(
    blocks: &[ArticleBlock],
    source: Vec<SourceSentence>,
    record: Option<&[PieceRecord]>,
) -> Alignment {
    let source_keys: Vec<Key> = source.iter().map(|s| Key::new(&s.text)).collect();
    let mut article: Vec<ArticleSentence> = Vec::new();
    // Body sentences first: the program-built pieces inherit their sources.
    for (index, block) in blocks.iter().enumerate() {
        let whole = matches!(
            block.part,
            Part::Title | Part::MetaDescription | Part::Heading
        );
        let texts = if whole {
            vec![block.text.trim()]
        } else {
            sentences(&block.text)
        };
        for text in texts.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
            article.push(ArticleSentence {
                part: block.part,
                block: index,
                text: text.to_string(),
                origin: Origin::Unsupported,
                sources: Vec::new(),
                overlap: 0.0,
                checks: Vec::new(),
                mean_logprob: None,
                rejected: Vec::new(),
                unaccounted: Vec::new(),
                unrendered: Vec::new(),
                second_look: Vec::new(),
            });
        }
    }
    let kept = record.map(kept_pieces);
    let body: Vec<usize> = (0..article.len())
        .filter(|&i| matches!(article[i].part, Part::Paragraph | Part::ListItem))
        .collect();
    for &i in &body {
        let s = &mut article[i];
        let key = Key::new(&s.text);
        if let Some(j) = source_keys.iter().position(|k| k.norm == key.norm) {
            s.origin = Origin::SourceKept;
            s.sources = vec![j];
        } else if let Some(piece) = kept.iter().flatten().find(|p| p.says(&key)) {
            piece.mark(s);
            s.sources = piece.sources(&source_keys);
        }
        // Not found by its text or the record's input: by the words it shares.
        if s.sources.is_empty() {
            s.sources = matches(&key, &source_keys);
            if !s.sources.is_empty() && s.origin == Origin::Unsupported {
                s.origin = Origin::Matched;
            }
        }
        s.overlap = overlap(&key, &s.sources, &source_keys);
    }
    let body_keys: Vec<Key> = body.iter().map(|&i| Key::new(&article[i].text)).collect();
    let body = Body {
        indices: &body,
        keys: &body_keys,
    };
    for i in 0..article.len() {
        if !matches!(
            article[i].part,
            Part::Title | Part::MetaDescription | Part::Heading
        ) {
            continue;
        }
        built_piece(&mut article, i, kept.as_deref(), &source_keys, &body);
    }
    let french = source_is_french(&source);
    for s in &mut article {
        s.second_look = second_look(s, french);
    }
    Alignment { source, article }
}

/// A title, meta description or heading: the model's (a source heading translated, or a
/// heading written for its section) or the program's (when `kept`, the rewrite's own record,
/// is at hand), with the sources of the source heading it renders or of the body sentences
/// it is made from; else those it shares words with.
fn built_piece(
    article: &mut [ArticleSentence],
    i: usize,
    kept: Option<&[KeptPiece]>,
    source_keys: &[Key],
    body: &Body,
) {
    let key = Key::new(&article[i].text);
    let model = kept.and_then(|k| k.iter().find(|p| p.says(&key)));
    let (origin, sources) = if let Some(j) = source_keys.iter().position(|k| k.norm == key.norm) {
        (Origin::SourceKept, vec![j])
    } else {
        let direct = model.map(|p| p.sources(source_keys)).unwrap_or_default();
        let inherited = body.sources_of(&key, article);
        let (sources, from_body) = if !direct.is_empty() {
            (direct, false)
        } else if !inherited.is_empty() {
            (inherited, true)
        } else {
            (matches(&key, source_keys), false)
        };
        let origin = match (model, kept) {
            _ if sources.is_empty() => Origin::Unsupported,
            (Some(_), _) => Origin::Model,
            (None, Some(_)) if from_body => Origin::Extractive,
            _ => Origin::Matched,
        };
        (origin, sources)
    };
    let s = &mut article[i];
    if let Some(p) = model {
        p.mark(s);
    }
    s.origin = origin;
    s.sources = sources;
    s.overlap = overlap(&key, &s.sources, source_keys);
}

/// The article's body sentences: their indices in the article and their keys.
struct Body<'a> {
    indices: &'a [usize],
    keys: &'a [Key],
}

impl Body<'_> {
    /// The sources of the body sentences that share most words with `key` (the sentences a
    /// heading or a meta description was made from).
    fn sources_of(&self, key: &Key, article: &[ArticleSentence]) -> Vec<usize> {
        let mut out: Vec<usize> = matches(key, self.keys)
            .into_iter()
            .flat_map(|m| article[self.indices[m]].sources.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The sentence's reasons for a second look (in French, for the page).
fn second_look(s: &ArticleSentence, french_source: bool) -> Vec<String> {
    let mut out = Vec::new();
    match s.origin {
        Origin::Unsupported => out.push("aucune phrase de la source ne la porte".to_string()),
        Origin::Model if french_source && s.overlap < LOW_OVERLAP => out.push(format!(
            "reformulation éloignée de sa source ({} % de ses mots)",
            (s.overlap * 100.0).round()
        )),
        _ => {}
    }
    if let Some(lp) = s.mean_logprob.filter(|&lp| lp < LOW_LOGPROB) {
        out.push(format!(
            "le modèle était peu sûr de ses mots (log-probabilité moyenne {})",
            format!("{lp:.2}").replace('.', ",").replace('-', "−")
        ));
    }
    if !s.unrendered.is_empty() {
        out.push(format!(
            "mot de la source non rendu : {}",
            s.unrendered.join(", ")
        ));
    }
    if s.rejected.len() >= 2 {
        out.push(format!(
            "retenue après {} propositions rejetées",
            s.rejected.len()
        ));
    }
    out
}

/// Whether most of the source's words are French ones (a paraphrase should then share them).
fn source_is_french(source: &[SourceSentence]) -> bool {
    let text: String = source
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    crate::source::lang::detect(&text).lang == crate::source::Lang::Fr
}

/// A sentence's comparison keys: its normalised text (letters and digits, folded) and its
/// content stems (names and numbers included).
#[derive(Debug, Clone)]
struct Key {
    norm: String,
    stems: HashSet<String>,
}

impl Key {
    /// The keys of `text`: the same sentence whatever its typography (apostrophes, spaces
    /// before « : », guillemets) has the same `norm`.
    fn new(text: &str) -> Key {
        Key {
            norm: sentence_key(text),
            stems: stem_set(text),
        }
    }
}

/// For each of `sentences`, the sentences of `source` it shares the most words with
/// ([`matches`]); the source's keys are made once.
pub fn sources_by_words(sentences: &[&str], source: &[&str]) -> Vec<Vec<usize>> {
    let keys: Vec<Key> = source.iter().map(|s| Key::new(s)).collect();
    sentences
        .iter()
        .map(|s| matches(&Key::new(s), &keys))
        .collect()
}

/// The candidates (`keys`) that share the most words with `key`: the best one when it shares
/// at least two words or a third of them, then any other that adds at least two words the
/// earlier ones lack (a sentence may join two), at most three, in order.
fn matches(key: &Key, keys: &[Key]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut covered: HashSet<&String> = HashSet::new();
    while out.len() < 3 {
        let best = keys
            .iter()
            .enumerate()
            .filter(|(j, _)| !out.contains(j))
            .map(|(j, k)| {
                let new = key
                    .stems
                    .iter()
                    .filter(|s| k.stems.contains(*s) && !covered.contains(s))
                    .count();
                (j, new)
            })
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((j, new)) = best else { break };
        let enough = if out.is_empty() {
            new >= 2 || (new >= 1 && new * 3 >= key.stems.len())
        } else {
            new >= 2
        };
        if !enough {
            break;
        }
        covered.extend(key.stems.iter().filter(|s| keys[j].stems.contains(*s)));
        out.push(j);
    }
    out.sort_unstable();
    out
}

/// The share of `key`'s words that its `sources` have.
fn overlap(key: &Key, sources: &[usize], source_keys: &[Key]) -> f64 {
    if key.stems.is_empty() {
        return if sources.is_empty() { 0.0 } else { 1.0 };
    }
    let found = key
        .stems
        .iter()
        .filter(|s| sources.iter().any(|&j| source_keys[j].stems.contains(*s)))
        .count();
    ((found as f64 / key.stems.len() as f64) * 100.0).round() / 100.0
}

/// A piece the rewrite kept: its sentences, its input's sentences, and the candidates the
/// checks turned down.
struct KeptPiece {
    sentences: Vec<String>,
    mean_logprob: Option<f64>,
    words: Option<WordCheck>,
    inputs: Vec<Key>,
    rejected: Vec<RejectedCandidate>,
}

impl KeptPiece {
    /// Marks `s` as written by the model in this piece: the checks it passed, how sure the
    /// model was, what the checks turned down.
    fn mark(&self, s: &mut ArticleSentence) {
        s.origin = Origin::Model;
        s.checks = CHECKS.iter().map(|c| c.to_string()).collect();
        if let Some(words) = self.words.as_ref().filter(|w| w.checked) {
            // after « claims », where it runs
            s.checks.insert(4, WORDS_CHECK.to_string());
            s.unaccounted = words.unaccounted.clone();
            s.unrendered = words.unrendered.clone();
        }
        s.mean_logprob = self.mean_logprob;
        s.rejected = self.rejected.clone();
    }

    /// Whether `key` is one of the piece's sentences.
    fn says(&self, key: &Key) -> bool {
        self.sentences.contains(&key.norm)
    }

    /// The source sentences the piece was given (none when its input was the article's own
    /// text, as a heading written for a section).
    fn sources(&self, source_keys: &[Key]) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .inputs
            .iter()
            .filter_map(|input| source_keys.iter().position(|k| k.norm == input.norm))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The pieces of `record` that were kept, in order.
fn kept_pieces(record: &[PieceRecord]) -> Vec<KeptPiece> {
    record
        .iter()
        .filter(|p| p.kept)
        .filter_map(|p| {
            // the kept candidate is the one the checks did not turn down
            let last = p.candidates.iter().find(|c| c.rejected.is_none())?;
            let others = p.candidates.iter().filter(|c| c.rejected.is_some());
            Some(KeptPiece {
                sentences: sentences(&last.text)
                    .into_iter()
                    .map(sentence_key)
                    .collect(),
                mean_logprob: last.mean_logprob,
                words: last.words.clone(),
                inputs: sentences(&p.input).into_iter().map(Key::new).collect(),
                rejected: others
                    .filter_map(|c| {
                        let r = c.rejected.as_ref()?;
                        Some(RejectedCandidate {
                            text: c.text.clone(),
                            reason: r.reason.clone(),
                            detail: r.detail.clone(),
                        })
                    })
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::write::{CandidateRecord, Rejected};
    use std::path::Path;

    fn source(text: &str) -> Vec<SourceSentence> {
        source_sentences(&Source::from_bytes(text.as_bytes(), Path::new("src.txt"), None).unwrap())
    }

    fn doc(markdown: &str) -> Vec<ArticleBlock> {
        article_blocks(&Document::parse(markdown).unwrap())
    }

    fn piece(input: &str, rejected: &[&str], kept: &str) -> PieceRecord {
        let mut candidates: Vec<CandidateRecord> = rejected
            .iter()
            .map(|t| CandidateRecord {
                text: t.to_string(),
                mean_logprob: None,
                rejected: Some(Rejected {
                    reason: "facts".into(),
                    detail: "unknown number".into(),
                }),
                words: None,
                salvaged: false,
            })
            .collect();
        candidates.push(CandidateRecord {
            text: kept.into(),
            mean_logprob: Some(-0.3),
            rejected: None,
            words: None,
            salvaged: false,
        });
        PieceRecord {
            task: "paraphrase",
            input: input.into(),
            candidates,
            kept: true,
        }
    }

    const FRENCH: &str = "Le conseil municipal de Valmorin a voté lundi un budget de 12 millions d'euros pour la piscine.\n\nLa maire, Jeanne Morel, a salué un vote unanime. Les travaux commenceront en mars.\n\nLe chantier durera deux ans selon la mairie.";

    fn article() -> Vec<ArticleBlock> {
        doc("---\ntitle: \"Valmorin vote le budget de sa piscine\"\nmeta_description: \"Le conseil municipal de Valmorin a voté lundi 12 millions d’euros.\"\n---\n\n# Valmorin vote le budget de sa piscine\n\nLundi, les élus de Valmorin ont adopté 12 millions d’euros pour la piscine municipale.\n\n## Un vote unanime\n\nLa maire, Jeanne Morel, a salué un vote unanime. Les travaux commenceront en mars.\n\nUn parking de 300 places sera aussi construit.\n")
    }

    #[test]
    fn each_sentence_says_where_it_comes_from_and_how_it_was_made() {
        let record = [piece(
            "Le conseil municipal de Valmorin a voté lundi un budget de 12 millions d'euros pour la piscine.",
            &["Les élus ont adopté 14 millions."],
            "Lundi, les élus de Valmorin ont adopté 12 millions d'euros pour la piscine municipale.",
        )];
        let a = align(&article(), source(FRENCH), Some(&record));
        let by_text = |t: &str| a.article.iter().find(|s| s.text.starts_with(t)).unwrap();
        // Model-written (typography aside): the exact source sentence, the checks, the
        // candidate the checks turned down.
        let lead = by_text("Lundi, les élus");
        assert_eq!(lead.origin, Origin::Model);
        assert_eq!(lead.sources, vec![0]);
        assert_eq!(lead.checks.len(), CHECKS.len());
        assert_eq!(lead.rejected[0].text, "Les élus ont adopté 14 millions.");
        assert_eq!(lead.mean_logprob, Some(-0.3));
        assert!(lead.second_look.is_empty(), "{:?}", lead.second_look);
        // Kept from the source as it is.
        let kept = by_text("La maire");
        assert_eq!(
            (kept.origin, kept.sources.clone()),
            (Origin::SourceKept, vec![1])
        );
        assert_eq!(by_text("Les travaux").sources, vec![2]);
        // Built by the program: the heading and the meta description inherit the sources of
        // the body sentences they were made from.
        let heading = by_text("Un vote unanime");
        assert_eq!(
            (heading.part, heading.origin),
            (Part::Heading, Origin::Extractive)
        );
        assert_eq!(heading.sources, vec![1]);
        let meta = a
            .article
            .iter()
            .find(|s| s.part == Part::MetaDescription)
            .unwrap();
        assert_eq!(meta.sources, vec![0]);
        // The title is one sentence, the H1 repeating it is not a second one.
        assert_eq!(
            a.article.iter().filter(|s| s.part == Part::Title).count(),
            1
        );
        // Nothing in the source says it: no source, and a second look.
        let invented = by_text("Un parking");
        assert_eq!(invented.origin, Origin::Unsupported);
        assert!(invented.sources.is_empty() && !invented.second_look.is_empty());
        // The source's sentences in order, by block.
        assert_eq!(a.source.len(), 4);
        assert_eq!(
            a.source.iter().map(|s| s.block).collect::<Vec<_>>(),
            vec![0, 1, 1, 2]
        );
    }

    #[test]
    fn a_sentence_the_model_was_unsure_of_is_flagged() {
        let mut unsure = piece(
            "Le chantier durera deux ans selon la mairie.",
            &[],
            "Selon la mairie, le chantier va durer deux ans.",
        );
        unsure.candidates[0].mean_logprob = Some(-1.42);
        let blocks = doc("# Piscine\n\nSelon la mairie, le chantier va durer deux ans.\n");
        let a = align(&blocks, source(FRENCH), Some(&[unsure]));
        let s = &a.article[1];
        assert_eq!((s.origin, s.sources.clone()), (Origin::Model, vec![3]));
        assert!(
            s.second_look
                .iter()
                .any(|w| w.contains("peu sûr") && w.contains("−1,42")),
            "{:?}",
            s.second_look
        );
    }

    #[test]
    fn without_a_record_sentences_are_matched_by_the_words_they_share() {
        let a = align(&article(), source(FRENCH), None);
        let lead = a
            .article
            .iter()
            .find(|s| s.text.starts_with("Lundi"))
            .unwrap();
        assert_eq!(
            (lead.origin, lead.sources.clone()),
            (Origin::Matched, vec![0])
        );
        assert!(lead.checks.is_empty() && lead.overlap > 0.5);
    }

    #[test]
    fn a_translated_paragraph_links_to_every_sentence_it_was_given() {
        let english = "The council of Valmorin approved a budget of 12 million euros on Monday. The mayor, Jeanne Morel, welcomed a unanimous vote.";
        let record = [PieceRecord {
            task: "translate_paragraph",
            ..piece(
                english,
                &[],
                "Lundi, le conseil de Valmorin a approuvé un budget de 12 millions d’euros. La maire, Jeanne Morel, a salué un vote unanime.",
            )
        }];
        let blocks = doc("# Valmorin\n\nLundi, le conseil de Valmorin a approuvé un budget de 12 millions d’euros. La maire, Jeanne Morel, a salué un vote unanime.\n");
        let a = align(&blocks, source(english), Some(&record));
        let body: Vec<&ArticleSentence> = a
            .article
            .iter()
            .filter(|s| s.part == Part::Paragraph)
            .collect();
        assert_eq!(body.len(), 2);
        for s in body {
            assert_eq!((s.origin, s.sources.clone()), (Origin::Model, vec![0, 1]));
            // A translation shares few words with its source: that is no reason for a
            // second look.
            assert!(s.second_look.is_empty(), "{:?}", s.second_look);
        }
        // The title is the article's own word, linked through the body.
        let title = &a.article[0];
        assert_eq!(
            (title.part, title.origin),
            (Part::Title, Origin::Extractive)
        );
        assert!(!title.sources.is_empty());
    }

    #[test]
    fn the_alignment_reads_back_from_its_json() {
        let a = align(&article(), source(FRENCH), None);
        let back: Alignment = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
        assert!(serde_json::to_string(&a)
            .unwrap()
            .contains("\"origin\":\"source_kept\""));
    }
}
