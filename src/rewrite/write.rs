//! Asking the model for one piece of text at a time, and keeping it only when it passes the
//! check. The first attempt is greedy; later ones sample with their own seed. When every
//! attempt fails, the caller falls back to text built from the source.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::verify::{Bounds, Checker, Rejection, Said};
use crate::analysis::agreement::with_elisions;
use crate::analysis::content::SourceContext;
use crate::analysis::text::{fold, sentences, word_count};
use crate::error::Result;
use crate::facts::Facts;
use crate::generate::{Generation, GenerationSettings, Prompt, SamplingSettings, TextGenerator};
use crate::lexicon::Coverage;
use crate::model::source::PromptStyle;
use crate::rewrite::prompt::{self, Task};

/// Pieces longer than this are not given to the model: with the frame and the answer they
/// would not fit a small model's context, and a "sentence" that long is a list or a table
/// the model would only garble. The fallback keeps (or drops) them as any rejected piece.
pub const MAX_INPUT_WORDS: usize = 200;

/// Pieces longer than this many bytes are not given to the model either: a run of characters
/// without spaces (a base64 blob, a line of `[` or `*_`) counts as one word or none, but it is
/// thousands of tokens. A token covers at least one byte, so such a piece stays under this
/// many tokens, which with the frame and the answer fits the context plume gives a model.
pub const MAX_INPUT_BYTES: usize = 2_000;

/// How many pieces were asked for, kept, and why the others were rejected; and the speed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct WriteStats {
    pub requested: usize,
    pub accepted: usize,
    pub fallbacks: usize,
    /// Source sentences with no accepted rewrite that the article keeps as they are (a French
    /// source) or leaves out (a source in another language, a fragment, a repetition).
    pub copied: usize,
    pub left_out: usize,
    pub rejections: BTreeMap<String, usize>,
    pub prompt_tokens: usize,
    pub generated_tokens: usize,
    /// Timings are left out of the JSON: an output's bytes depend only on its inputs.
    #[serde(skip)]
    pub prompt_seconds: f64,
    #[serde(skip)]
    pub generation_seconds: f64,
    /// Every piece asked of the model, with each candidate and its verdict, in order (the
    /// `writing` object of `--format json`).
    pub pieces: Vec<PieceRecord>,
}

/// One piece of text asked of the model: what it was given and what it answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PieceRecord {
    /// `paraphrase`, `translate`, `translate_paragraph` or `heading`.
    pub task: &'static str,
    pub input: String,
    /// Each answer, in the order asked (greedy first), with why it was rejected; the one not
    /// rejected is the kept one when `kept` is true (usually the last; an earlier one when a
    /// later one that also passed was `outranked`). Empty when the piece was too long to ask.
    pub candidates: Vec<CandidateRecord>,
    pub kept: bool,
}

/// One answer of the model and the check's verdict.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CandidateRecord {
    pub text: String,
    /// The mean log-probability of its tokens (how sure the model was), rounded to 0.01;
    /// `None` where the generator does not give it (some servers).
    pub mean_logprob: Option<f64>,
    /// `None`: it passed every check. Else the reason (`spelling`, `polarity`…) and its detail.
    pub rejected: Option<Rejected>,
    /// How its words matched its original's, when they were compared word by word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<WordCheck>,
    /// Taken from the answer for the whole paragraph (which failed), not asked again.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub salvaged: bool,
}

/// A candidate's word-by-word comparison with its original ([`crate::lexicon::Coverage`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct WordCheck {
    /// Checked word by word: a paraphrase of a French source (a translation's comparison is
    /// only recorded).
    pub checked: bool,
    /// Its content words the original accounts for by nothing.
    pub unaccounted: Vec<String>,
    /// Its original's content words it renders by nothing.
    pub unrendered: Vec<String>,
    /// Its original's words the dictionary lacks.
    pub unjudged: Vec<String>,
}

impl From<Coverage> for WordCheck {
    fn from(c: Coverage) -> Self {
        WordCheck {
            checked: c.lexically_checked(),
            unaccounted: c.unaccounted,
            unrendered: c.unrendered,
            unjudged: c.unjudged,
        }
    }
}

/// Why a candidate was rejected: a short reason and the details, as the check states them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rejected {
    pub reason: String,
    pub detail: String,
}

impl WriteStats {
    /// Counts one rejection for `reason`.
    fn reject(&mut self, reason: String) {
        *self.rejections.entry(reason).or_default() += 1;
    }

    /// Kept pieces whose words are the text the model was given, as they stand: the model
    /// copied (the summary counts them with the source's sentences).
    pub fn echoed(&self) -> usize {
        self.pieces.iter().filter(|p| p.echoes()).count()
    }
}

impl PieceRecord {
    /// Whether the piece was kept with a candidate that is its input's own words.
    fn echoes(&self) -> bool {
        self.kept
            && self
                .candidates
                .iter()
                .find(|c| c.rejected.is_none())
                .is_some_and(|c| same_words(&c.text, &self.input))
    }
}

/// What the candidates of one piece are checked against: its original, its bounds, what the
/// article already says, and the prompt's own example words.
struct Judged<'j> {
    original: &'j str,
    bounds: Bounds,
    said: &'j Said,
    foreign: &'j HashSet<String>,
}

/// Generates checked pieces of text.
pub struct Writer<'a> {
    pub generator: &'a mut dyn TextGenerator,
    pub style: PromptStyle,
    pub architecture: String,
    pub sampling: SamplingSettings,
    pub attempts: usize,
    /// A candidate whose tokens' mean log-probability is under this is refused
    /// ([`Rejection::Unsure`]); where the generator gives none, it is not applied.
    pub min_logprob: f32,
    pub facts: &'a Facts,
    pub source: &'a SourceContext,
    pub stats: WriteStats,
    /// Counts requests, so every attempt of every piece has its own seed.
    requests: u64,
    /// Per task, the content stems of the base frame's examples that the source lacks.
    foreign: HashMap<Task, Rc<HashSet<String>>>,
    /// First answers asked ahead, several at a time ([`Writer::prefetch`]), by task and input.
    prefetched: HashMap<(Task, String), Generation>,
}

impl<'a> Writer<'a> {
    pub fn new(
        generator: &'a mut dyn TextGenerator,
        style: PromptStyle,
        architecture: String,
        sampling: SamplingSettings,
        attempts: usize,
        facts: &'a Facts,
        source: &'a SourceContext,
    ) -> Self {
        Writer {
            generator,
            style,
            architecture,
            sampling,
            attempts,
            min_logprob: f32::NEG_INFINITY,
            facts,
            source,
            stats: WriteStats::default(),
            requests: 0,
            foreign: HashMap::new(),
            prefetched: HashMap::new(),
        }
    }

    /// Asks for `task` on `input` until a candidate passes the check against `original`, or
    /// the attempts run out (`None`). `said` is what the article already says.
    pub fn write(
        &mut self,
        task: Task,
        input: &str,
        original: &str,
        bounds: Bounds,
        said: &Said,
    ) -> Result<Option<String>> {
        self.write_from(task, input, original, bounds, said, &[])
    }

    /// [`Writer::write`], trying first the `offered` candidates (text and mean
    /// log-probability) the model has already written for it: a sentence of an answer given
    /// for its whole paragraph ([`Writer::last_by_sentence`]). The first that passes is kept
    /// and the model is not asked.
    pub fn write_from(
        &mut self,
        task: Task,
        input: &str,
        original: &str,
        bounds: Bounds,
        said: &Said,
        offered: &[(String, Option<f32>)],
    ) -> Result<Option<String>> {
        self.requests += 1;
        self.stats.requested += 1;
        self.stats.pieces.push(PieceRecord {
            task: task.name(),
            input: input.to_string(),
            candidates: Vec::new(),
            kept: false,
        });
        // The prompt and its stop strings, built again only when a new warning joins it.
        let Some((mut prompt, first)) = self.first_request(task, input)? else {
            return Ok(self.too_long());
        };
        let GenerationSettings {
            max_tokens,
            mut stop,
            ..
        } = first;
        let foreign = self.example_stems(task);
        let judged = Judged {
            original,
            bounds,
            said,
            foreign: &foreign,
        };
        for (candidate, mean_logprob) in offered {
            let (kept, _) = self.judge(candidate.clone(), *mean_logprob, &judged, true);
            if let Ok(kept) = kept {
                return Ok(Some(kept));
            }
        }
        // What the check found wrong in earlier answers, for a chat model to avoid; and how
        // many of them the last prompt named.
        let mut warnings: Vec<String> = Vec::new();
        let mut warned = 0;
        // A candidate that passed with words unmatched (checked word by word): one more is
        // asked, and the one whose words match its original's better is kept.
        let mut provisional: Option<(String, usize)> = None;
        for attempt in 0..self.attempts {
            let warned_anew = warnings.len() > warned;
            if warned_anew {
                warned = warnings.len();
                (prompt, stop) = self.prompt(task, input, &warnings)?;
                if !fits(&prompt, max_tokens, self.generator.context_tokens()) {
                    break;
                }
            }
            let settings = GenerationSettings {
                sampling: self.sampling_for(attempt, warned_anew),
                max_tokens,
                min_tokens: 1,
                stop: stop.clone(),
            };
            let ahead = match attempt {
                0 => self.prefetched.remove(&(task, input.to_string())),
                _ => None,
            };
            let (candidate, mean_logprob) = self.generate(&prompt, &settings, ahead)?;
            let (verdict, misses) = self.judge(candidate, mean_logprob, &judged, false);
            match verdict {
                Ok(kept) => match provisional.take() {
                    None if misses > 0 && attempt + 1 < self.attempts => {
                        provisional = Some((kept, misses));
                    }
                    None => return Ok(Some(kept)),
                    Some((earlier, earlier_misses)) => {
                        return Ok(Some(self.rank(kept, misses, earlier, earlier_misses)))
                    }
                },
                Err(rejection) if self.style == PromptStyle::Chat => {
                    if let Some(w) = warning(task, &rejection) {
                        if !warnings.contains(&w) {
                            warnings.push(w);
                        }
                    }
                }
                Err(_) => {}
            }
        }
        if let Some((earlier, _)) = provisional {
            // nothing better came: the candidate that passed is kept
            if let Some(piece) = self.stats.pieces.last_mut() {
                piece.kept = true;
            }
            return Ok(Some(earlier));
        }
        self.stats.fallbacks += 1;
        Ok(None)
    }

    /// Of two candidates of the current piece that both passed, the last one asked (`last`,
    /// with `misses` words unmatched) and an `earlier` one, keeps the one with fewer unmatched
    /// words (the earlier on a tie) and records the other as outranked.
    fn rank(
        &mut self,
        last: String,
        misses: usize,
        earlier: String,
        earlier_misses: usize,
    ) -> String {
        let piece = self
            .stats
            .pieces
            .last_mut()
            .expect("a piece is being written");
        let last_index = piece.candidates.len() - 1;
        let earlier_index = piece
            .candidates
            .iter()
            .position(|c| c.rejected.is_none())
            .unwrap_or(last_index);
        let (kept, loser, loser_misses, kept_misses) = if misses < earlier_misses {
            (last, earlier_index, earlier_misses, misses)
        } else {
            (earlier, last_index, misses, earlier_misses)
        };
        piece.candidates[loser].rejected = Some(Rejected {
            reason: "outranked".into(),
            detail: format!(
                "another candidate's words match the source better ({kept_misses} unmatched, against {loser_misses})"
            ),
        });
        piece.kept = true;
        self.stats.accepted -= 1;
        self.stats.reject("outranked".into());
        kept
    }

    /// Whether the model was sure enough of a candidate whose tokens' mean log-probability is
    /// `mean_logprob` (unknown: it is not held against it).
    fn sure(&self, mean_logprob: Option<f32>) -> std::result::Result<(), Rejection> {
        match mean_logprob {
            Some(lp) if lp < self.min_logprob => Err(Rejection::Unsure {
                mean_logprob: lp,
                floor: self.min_logprob,
            }),
            _ => Ok(()),
        }
    }

    /// The first request for `task` on `input`: its prompt and settings (greedy, so the same
    /// whenever it is asked); `None` when the piece is too long to ask.
    fn first_request(
        &self,
        task: Task,
        input: &str,
    ) -> Result<Option<(Prompt, GenerationSettings)>> {
        if input.len() > MAX_INPUT_BYTES || word_count(input) > MAX_INPUT_WORDS {
            return Ok(None);
        }
        let max_tokens = word_count(input) * 3 + 24;
        let (prompt, stop) = self.prompt(task, input, &[])?;
        if !fits(&prompt, max_tokens, self.generator.context_tokens()) {
            return Ok(None);
        }
        let settings = GenerationSettings {
            sampling: self.sampling_for(0, false),
            max_tokens,
            min_tokens: 1,
            stop,
        };
        Ok(Some((prompt, settings)))
    }

    /// Asks for the first answer of each of `pieces` ahead, up to `parallel` at a time, when
    /// the generator can run several at once (a server): [`Writer::write`] then takes them
    /// instead of asking. The first answer is greedy, its prompt the same whenever it is
    /// asked, so the article's text does not depend on `parallel` (on a deterministic server).
    /// An answer that fails is not kept: `write` asks again, and meets the error where it
    /// would have without this.
    pub fn prefetch(&mut self, pieces: &[(Task, String)], parallel: usize) -> Result<()> {
        let forks: Vec<Box<dyn TextGenerator + Send>> = (0..parallel.min(pieces.len()))
            .map_while(|_| self.generator.fork())
            .collect();
        if forks.len() < 2 {
            return Ok(());
        }
        let mut jobs = Vec::new();
        for (task, input) in pieces {
            if let Some((prompt, settings)) = self.first_request(*task, input)? {
                jobs.push(((*task, input.clone()), prompt, settings));
            }
        }
        let next = AtomicUsize::new(0);
        let done = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for mut fork in forks {
                let (jobs, next, done) = (&jobs, &next, &done);
                scope.spawn(move || {
                    while let Some((key, prompt, settings)) =
                        jobs.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        if let Ok(g) = fork.generate(prompt, settings, &mut |_| {}) {
                            let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
                            done.push((key.clone(), g));
                        }
                    }
                });
            }
        });
        self.prefetched
            .extend(done.into_inner().unwrap_or_else(|e| e.into_inner()));
        Ok(())
    }

    /// The sentences of the last piece's candidates that have `count` of them, by position:
    /// for sentence `i` of a paragraph the model failed to translate whole, the `i`-th
    /// sentence of each of its answers (and its answer's mean log-probability), each once.
    pub fn last_by_sentence(&self, count: usize) -> Vec<Vec<(String, Option<f32>)>> {
        let mut out: Vec<Vec<(String, Option<f32>)>> = vec![Vec::new(); count];
        let Some(piece) = self.stats.pieces.last() else {
            return out;
        };
        for c in &piece.candidates {
            let split = sentences(&c.text);
            if split.len() != count {
                continue;
            }
            for (slot, sentence) in out.iter_mut().zip(split) {
                if !slot.iter().any(|(s, _)| s == sentence) {
                    slot.push((sentence.to_string(), c.mean_logprob.map(|lp| lp as f32)));
                }
            }
        }
        out
    }

    /// The stems of the words of `task`'s few-shot examples (a base model's frame shows them;
    /// they must not leak into the article), computed once per task.
    fn example_stems(&mut self, task: Task) -> Rc<HashSet<String>> {
        let (style, source) = (self.style, self.source);
        Rc::clone(self.foreign.entry(task).or_insert_with(|| {
            Rc::new(match style {
                PromptStyle::Base => source.foreign_stems(&prompt::example_text(task)),
                PromptStyle::Chat => HashSet::new(),
            })
        }))
    }

    /// The sampling of an attempt: the first answer is greedy, and so is the first one asked
    /// with a new warning; the others sample, each with its own seed.
    fn sampling_for(&self, attempt: usize, warned_anew: bool) -> SamplingSettings {
        if attempt == 0 || warned_anew {
            SamplingSettings {
                seed: self.sampling.seed,
                ..SamplingSettings::greedy()
            }
        } else {
            SamplingSettings {
                seed: self
                    .sampling
                    .seed
                    .wrapping_mul(1_000_003)
                    .wrapping_add(self.requests * 131 + attempt as u64),
                ..self.sampling.clone()
            }
        }
    }

    /// One candidate for `prompt` (the one asked `ahead` when there is one), cleaned, and its
    /// mean log-probability; its cost joins the stats.
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        ahead: Option<Generation>,
    ) -> Result<(String, Option<f32>)> {
        let generation = match ahead {
            Some(g) => g,
            None => self.generator.generate(prompt, settings, &mut |_| {})?,
        };
        self.stats.prompt_tokens += generation.prompt_tokens_processed;
        self.stats.generated_tokens += generation.generated_tokens;
        self.stats.prompt_seconds += generation.prompt_seconds;
        self.stats.generation_seconds += generation.generation_seconds;
        Ok((clean(&generation.text), generation.mean_logprob))
    }

    /// Checks `candidate` (its quotation marks put back as its original asks) and records it
    /// in the current piece (`salvaged` from its paragraph's answer, or just written): the
    /// candidate back when it passes, else why not; and how many of its words are unmatched
    /// when it was checked word by word (a paraphrase).
    fn judge(
        &mut self,
        candidate: String,
        mean_logprob: Option<f32>,
        judged: &Judged,
        salvaged: bool,
    ) -> (std::result::Result<String, Rejection>, usize) {
        let candidate = requoted(judged.original, candidate);
        let checker = Checker {
            facts: self.facts,
            said: judged.said,
            source: self.source,
            foreign: judged.foreign,
        };
        let (verdict, words) = checker.check_recorded(&candidate, judged.original, judged.bounds);
        let verdict = verdict.and_then(|()| self.sure(mean_logprob));
        let misses = words
            .as_ref()
            .filter(|w| w.lexically_checked())
            .map_or(0, |w| w.unaccounted.len() + w.unrendered.len());
        let record = CandidateRecord {
            text: candidate.clone(),
            mean_logprob: mean_logprob.map(|lp| (f64::from(lp) * 100.0).round() / 100.0),
            rejected: None,
            words: words.map(WordCheck::from),
            salvaged,
        };
        (self.record(candidate, record, verdict), misses)
    }

    /// Records `record` (the candidate's record, its verdict not yet in it) and the check's
    /// `verdict` in the current piece: the candidate back when it is kept, else why it was not.
    fn record(
        &mut self,
        candidate: String,
        mut record: CandidateRecord,
        verdict: std::result::Result<(), Rejection>,
    ) -> std::result::Result<String, Rejection> {
        record.rejected = verdict.as_ref().err().map(|r| Rejected {
            reason: reason(r),
            detail: r.to_string(),
        });
        if let Some(piece) = self.stats.pieces.last_mut() {
            piece.kept = record.rejected.is_none();
            piece.candidates.push(record);
        }
        match verdict {
            Ok(()) => {
                self.stats.accepted += 1;
                Ok(candidate)
            }
            Err(rejection) => {
                self.stats.reject(reason(&rejection));
                Err(rejection)
            }
        }
    }

    /// The prompt for `task` on `input`, warned of `warnings`, and its stop strings.
    fn prompt(
        &self,
        task: Task,
        input: &str,
        warnings: &[String],
    ) -> Result<(Prompt, Vec<String>)> {
        prompt::build(
            self.style,
            &self.architecture,
            self.generator.chat_template(),
            task,
            input,
            warnings,
        )
    }

    /// A piece the model is not asked about: the caller falls back to the source.
    fn too_long(&mut self) -> Option<String> {
        self.stats.reject("too long for the model".into());
        self.stats.fallbacks += 1;
        None
    }
}

/// Whether `prompt` and an answer of `max_tokens` surely fit a context of `context` tokens
/// (`None`: the generator has no such bound). A token covers at least one byte of text, and
/// each segment may add one at its start (a beginning-of-sequence or a leading-space token).
fn fits(prompt: &Prompt, max_tokens: usize, context: Option<usize>) -> bool {
    let most_tokens: usize = prompt.segments.iter().map(|s| s.text.len() + 1).sum();
    context.is_none_or(|context| most_tokens + max_tokens <= context)
}

/// What a chat model is warned of after an answer rejected for `rejection`, when the check
/// says precisely what was wrong (`None`: the model is asked again as before, sampling).
fn warning(task: Task, rejection: &Rejection) -> Option<String> {
    let quoted = |words: &[String]| {
        words
            .iter()
            .map(|w| format!("« {w} »"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let lang = match task {
        Task::Translate(lang) | Task::TranslateParagraph(lang) => lang,
        Task::Paraphrase => "français",
        Task::Heading => return None,
    };
    Some(match rejection {
        Rejection::Spelling(words) if words.len() == 1 => format!(
            "{} n’est pas un mot français : ne l’écris pas, emploie le mot français juste.",
            quoted(words)
        ),
        Rejection::Spelling(words) => format!(
            "{} ne sont pas des mots français : ne les écris pas, emploie les mots français justes.",
            quoted(words)
        ),
        Rejection::Untranslated(words) if words.len() == 1 => format!(
            "{} est un mot {lang} : traduis-le en français.",
            quoted(words)
        ),
        Rejection::Untranslated(words) => format!(
            "{} sont des mots {lang} : traduis-les en français.",
            quoted(words)
        ),
        Rejection::Vulgar(words) => format!(
            "{} : mot grossier que le texte ne dit pas ; emploie le mot juste.",
            quoted(words)
        ),
        Rejection::Agreement(words) => {
            // (Said as an instruction, not as a phrase the model could copy into its answer:
            // « l’accord en genre ou élision (l’, d’, qu’) des canaux » was one.)
            format!("Corrige le déterminant de « {words} » : il s’accorde avec le nom et s’élide devant une voyelle.")
        }
        Rejection::NotFrench => "Écris tout en français, sans aucune phrase dans une autre langue.".into(),
        Rejection::DroppedNumbers => "Garde chaque nombre du texte, tel quel.".into(),
        Rejection::Quantities(_) => "Garde les quantités du texte telles quelles (certains, la plupart, plus de, moins de, au moins, environ), sans en ajouter.".into(),
        Rejection::DroppedDates(dates) => {
            format!("Garde ces dates : {}.", quoted(dates))
        }
        Rejection::DroppedNames(names) => {
            format!("Garde ces noms tels quels : {}.", quoted(names))
        }
        Rejection::UnknownNames(names) => {
            format!("N’ajoute aucun nom : pas de {}.", quoted(names))
        }
        Rejection::UnknownNumbers(numbers) => {
            format!("N’ajoute aucun nombre : pas de {}.", quoted(numbers))
        }
        Rejection::Polarity => "Garde exactement les négations et les restrictions du texte (ne… pas, ne… que, sans, seulement), ni plus ni moins.".into(),
        Rejection::Attribution => "Garde exactement qui dit quoi : n’ajoute, ne retire et ne change aucune source.".into(),
        Rejection::Conjugation(words) => format!("« {words} » : après « avoir », écris le participe passé (« a ouvert », « a fini », « a voulu »)."),
        Rejection::FirstPerson => "Le texte ne parle pas à la première personne : ni « je » ni « nous » hors des citations.".into(),
        Rejection::Contrast => "N’oppose rien que le texte n’oppose : pas de « mais », « bien que », « cependant » qu’il ne dit pas.".into(),
        Rejection::Opposite { ours, .. } => format!("« {ours} » dit le contraire du texte : garde son sens."),
        Rejection::MissingSentences { .. } => "Traduis chaque phrase du texte : aucune ne doit manquer.".into(),
        Rejection::Fragment(_) => "Écris des phrases complètes, chacune avec son verbe conjugué.".into(),
        Rejection::BrokenQuotes(quotes) => format!(
            "Garde chaque citation entre guillemets « », mot pour mot : {}.",
            quoted(quotes)
        ),
        Rejection::RepeatedWords(words) => {
            format!("Ne répète pas « {words} » : dis-le une seule fois.")
        }
        Rejection::Words {
            substituted,
            lost_qualifiers,
            ..
        } if !substituted.is_empty() || !lost_qualifiers.is_empty() => {
            let mut parts: Vec<String> = substituted
                .iter()
                .map(|(ours, theirs)| format!("le texte dit « {theirs} », pas « {ours} »"))
                .collect();
            if !lost_qualifiers.is_empty() {
                parts.push(format!("garde {}", quoted(lost_qualifiers)));
            }
            format!("Garde le sens exact de chaque mot : {}.", parts.join(" ; "))
        }
        Rejection::Words { unaccounted, .. } if !unaccounted.is_empty() => format!(
            "N’ajoute rien que le texte ne dise : pas de {}.",
            quoted(unaccounted)
        ),
        Rejection::Words { unrendered, .. } => format!(
            "Rends tout ce que dit le texte, sans rien omettre : {}.",
            quoted(unrendered)
        ),
        _ => return None,
    })
}

/// A short name for a rejection, for the statistics.
fn reason(r: &Rejection) -> String {
    match r {
        Rejection::Empty => "empty",
        Rejection::Length { .. } => "length",
        Rejection::NotFrench => "not_french",
        Rejection::UnknownNames(_) => "unknown_names",
        Rejection::UnknownNumbers(_) => "unknown_numbers",
        Rejection::BrokenQuotes(_) => "broken_quotes",
        Rejection::DroppedNumbers => "dropped_numbers",
        Rejection::DroppedDates(_) => "dropped_dates",
        Rejection::Quantities(_) => "quantities",
        Rejection::DroppedNames(_) => "dropped_names",
        Rejection::Repeated(_) => "repeated",
        Rejection::NearDuplicate(_) => "near_duplicate",
        Rejection::RepeatedWords(_) => "repeated_words",
        Rejection::Garbage(_) => "garbage",
        Rejection::Fragment(_) => "fragment",
        Rejection::Spelling(_) => "spelling",
        Rejection::Untranslated(_) => "untranslated",
        Rejection::Vulgar(_) => "vulgar",
        Rejection::Agreement(_) => "agreement",
        Rejection::Polarity => "polarity",
        Rejection::Attribution => "attribution",
        Rejection::Conjugation(_) => "conjugation",
        Rejection::FirstPerson => "first_person",
        Rejection::Contrast => "contrast",
        Rejection::Opposite { .. } => "opposite",
        Rejection::PromptWords(_) => "prompt_words",
        Rejection::Drift { .. } => "drift",
        Rejection::MissingSentences { .. } => "missing_sentences",
        Rejection::Words { .. } => "words",
        Rejection::Unsure { .. } => "unsure",
    }
    .to_string()
}

/// The generated text without surrounding white space or the quotes around it the frame
/// invites, its numbers, its elisions and the comma of an incise written the French way
/// (« la table », a dit X, not *la table, » a dit X*).
fn clean(text: &str) -> String {
    use std::sync::LazyLock;
    static COMMA_IN_QUOTE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#",(["”])(\s|$)|,\s*»"#).expect("valid"));
    let t = text.trim();
    // quotes around the whole answer, not the marks of two quotations (« "A," dit X. "B." »)
    let t = t
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|inner| !inner.contains('"'))
        .unwrap_or(t);
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = COMMA_IN_QUOTE.replace_all(&t, |c: &regex::Captures| match c.get(1) {
        Some(mark) => format!("{},{}", mark.as_str(), &c[2]),
        None => " »,".to_string(),
    });
    with_elisions(&years_without_article(&french_numbers(
        &incise_after_quotation(&t),
    )))
}

/// A quotation that ends its sentence and is followed by an incise (« …qui se vide. » a
/// déclaré la présidente) ends without its full stop and with the incise's comma, as French
/// writes it: « …qui se vide », a déclaré la présidente. A question or exclamation mark stays
/// (« Pourquoi ? » a-t-il demandé), as does the stop of an abbreviation (« etc. »).
fn incise_after_quotation(text: &str) -> String {
    use std::sync::LazyLock;
    static STOP_THEN_INCISE: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"\.(\s*»|["”])\s+(\p{Ll})"#).expect("valid"));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in STOP_THEN_INCISE.captures_iter(text) {
        let whole = c.get(0).expect("a match");
        if text[..whole.start()].ends_with("etc") {
            continue;
        }
        let mark = c[1].trim_start();
        let space = if mark == "»" { " " } else { "" };
        out.push_str(&text[last..whole.start()]);
        out.push_str(&format!("{space}{mark}, {}", &c[2]));
        last = whole.end();
    }
    out.push_str(&text[last..]);
    out
}

/// A candidate written from a sentence that is one quotation whole (*"When it stops, we
/// stop."*) is one too: when the model wrote it without quotation marks, or [`clean`] took
/// them for the frame's, they are put back, as French writes them.
fn requoted(original: &str, candidate: String) -> String {
    const MARKS: [char; 6] = ['«', '»', '"', '“', '”', '„'];
    let original = original.trim();
    let quoted = crate::facts::quotes::quotations(original);
    let whole = original.starts_with(['«', '"', '“', '„'])
        && original.ends_with(['»', '"', '”'])
        && quoted.len() == 1
        && original.matches(MARKS).count() == 2;
    if whole && !candidate.contains(MARKS) && !candidate.trim().is_empty() {
        format!("« {} »", candidate.trim())
    } else {
        candidate
    }
}

/// Numbers as French writes them, where a translation kept the source's way: thousands
/// grouped by a narrow no-break space (« 86.000 » → « 86 000 »: a French text never groups
/// with a dot, and the fact check reads both as 86 000), and a no-break space before « % ».
fn french_numbers(text: &str) -> String {
    use std::sync::LazyLock;
    static GROUPED: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\d{1,3}(?:\.\d{3})+").expect("valid"));
    static PERCENT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(\d) ?%").expect("valid"));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in GROUPED.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let mut after = text[m.end()..].chars();
        let next = after.next();
        let glued = before.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',')
            || next.is_some_and(|c| c.is_ascii_digit())
            || (matches!(next, Some('.' | ','))
                && after.next().is_some_and(|c| c.is_ascii_digit()));
        if glued {
            continue;
        }
        out.push_str(&text[last..m.start()]);
        out.push_str(&m.as_str().replace('.', "\u{202f}"));
        last = m.end();
    }
    out.push_str(&text[last..]);
    PERCENT.replace_all(&out, "$1\u{a0}%").into_owned()
}

/// A year as French writes it, where a translation kept the article of an Italian or Spanish
/// one (*prima del 2027*, *nel 2021*, *en el 2025*): « avant le 2027 » → « avant 2027 »,
/// « dans le 2021 » → « en 2021 », « jusqu’au 2023 » → « jusqu’en 2023 », « à partir du 2026 »
/// → « à partir de 2026 ». Only a year that ends its phrase is mended: « le 2000 mètres » is
/// a race.
fn years_without_article(text: &str) -> String {
    use std::sync::LazyLock;
    static YEAR: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\b(?:(avant|après|depuis|dès|pour|vers|entre|d’ici) le|(dans le|en le|au)|(du)|(le)) ((?:19|20)\d\d)\b",
        )
        .expect("valid")
    });
    const THEN: [&str; 12] = [
        "et", "ou", "mais", "à", "au", "en", "pour", "par", "selon", "avec", "sans", "puis",
    ];
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in YEAR.captures_iter(text) {
        let whole = c.get(0).expect("a match");
        let year = &c[5];
        let rest = &text[whole.end()..];
        let next: String = rest
            .strip_prefix(' ')
            .map(|r| r.chars().take_while(|c| c.is_alphanumeric()).collect())
            .unwrap_or_default();
        let ends_phrase = next.is_empty()
            && !rest.starts_with(|c: char| c.is_alphanumeric() || c == '\u{a0}' || c == '\u{202f}')
            || THEN.contains(&next.as_str());
        if !ends_phrase {
            continue;
        }
        // A bare « le » after another preposition goes (« pendant le 2021 » → « pendant 2021 »);
        // after anything else, the year takes « en » (« commencer le 2027 » → « en 2027 »).
        let after_preposition = c.get(4).is_some()
            && text[..whole.start()]
                .split_whitespace()
                .next_back()
                .is_some_and(|w| {
                    [
                        "pendant", "durant", "sur", "par", "contre", "comme", "selon", "à", "de",
                    ]
                    .contains(&w.to_lowercase().as_str())
                });
        let mended = match (c.get(1), c.get(3)) {
            (Some(preposition), _) => format!("{} {year}", preposition.as_str()),
            (None, Some(_)) => format!("de {year}"),
            (None, None) if after_preposition => year.to_string(),
            (None, None) => format!("en {year}"),
        };
        out.push_str(&text[last..whole.start()]);
        out.push_str(&mended);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Whether `a` and `b` are the same words in the same order (case, accents, punctuation and
/// typography aside).
fn same_words(a: &str, b: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        fold(t)
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    words(a) == words(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_takes_no_article() {
        // Written by the 1.5B for « non potranno iniziare prima del 2027 ».
        assert_eq!(
            clean("Les travaux ne peuvent pas commencer avant le 2027."),
            "Les travaux ne peuvent pas commencer avant 2027."
        );
        assert_eq!(
            clean("Le chantier a commencé dans le 2021, puis"),
            "Le chantier a commencé en 2021, puis"
        );
        assert_eq!(
            clean("Il devait finir à l’été du 2023 et"),
            "Il devait finir à l’été de 2023 et"
        );
        assert_eq!(clean("Gratuit jusqu’au 2026."), "Gratuit jusqu’en 2026.");
        assert_eq!(
            clean("Il ouvrira le 2027 à Turin."),
            "Il ouvrira en 2027 à Turin."
        );
        assert_eq!(
            clean("Les chiffres sur le 2025 et"),
            "Les chiffres sur 2025 et"
        );
        assert_eq!(clean("Il a plu pendant le 2021."), "Il a plu pendant 2021.");
        for kept in [
            "Elle a couru le 2000 mètres.",
            "Le 12 mars 2027, la ligne ouvre.",
            "Le 2027 sera une année chargée.",
            "La hausse du 2024\u{a0}%.",
            "Il a reçu le 1500 000 euros.",
        ] {
            assert_eq!(clean(kept), kept);
        }
    }

    #[test]
    fn the_comma_of_an_incise_goes_after_the_quotation() {
        assert_eq!(
            clean("\"Nous n’avons jamais quitté la table,\" a dit Fairweather. \"Notre offre reste.\""),
            "\"Nous n’avons jamais quitté la table\", a dit Fairweather. \"Notre offre reste.\""
        );
        assert_eq!(
            clean("« Nous restons, » a-t-elle dit."),
            "« Nous restons », a-t-elle dit."
        );
        // a quotation that ends its sentence loses its full stop before an incise
        assert_eq!(
            clean("« Une vallée sans train se vide. » a déclaré la présidente."),
            "« Une vallée sans train se vide », a déclaré la présidente."
        );
        assert_eq!(
            clean("\"Notre offre reste ouverte.\" a dit Fairweather."),
            "\"Notre offre reste ouverte\", a dit Fairweather."
        );
        for kept in [
            "« Pourquoi ? » a-t-il demandé.",
            "« Nous restons. » Puis elle est partie.",
            "« Du pain, du lait, etc. » a-t-elle listé.",
        ] {
            assert_eq!(clean(kept), kept);
        }
        // the comma before an opening quotation mark stays
        assert_eq!(
            clean("Elle a ajouté, \"nous restons\"."),
            "Elle a ajouté, \"nous restons\"."
        );
    }

    #[test]
    fn a_quotation_whole_stays_one_when_the_model_drops_its_marks() {
        let original = "\"When it stops, we stop.\"";
        assert_eq!(
            requoted(original, clean("\"Quand il s’arrête, on s’arrête.\"")),
            "« Quand il s’arrête, on s’arrête. »"
        );
        assert_eq!(
            requoted(
                "« Nous restons prudents. »",
                "Nous restons prudents.".into()
            ),
            "« Nous restons prudents. »"
        );
        // marks written are left as they are; a sentence that is not one quotation whole
        // gets none
        assert_eq!(
            requoted(original, "« Quand il s’arrête, on s’arrête. »".into()),
            "« Quand il s’arrête, on s’arrête. »"
        );
        for original in [
            "\"We stop,\" she said.",
            "She said: \"we stop\".",
            "\"We stop.\" \"They stop.\"",
        ] {
            assert_eq!(
                requoted(original, "Nous arrêtons.".into()),
                "Nous arrêtons."
            );
        }
    }
    use crate::generate::{Generation, StopReason};
    use crate::source::Lang;

    /// A chat "model" that misspells a word in its first answer and corrects it when the prompt
    /// warns of that word; it records every prompt and temperature.
    struct Speller {
        prompts: Vec<String>,
        temperatures: Vec<f32>,
    }

    impl TextGenerator for Speller {
        fn generate(
            &mut self,
            prompt: &Prompt,
            settings: &GenerationSettings,
            _: &mut dyn FnMut(&str),
        ) -> Result<Generation> {
            let text = prompt.text();
            let answer = if text.contains("« pasrelle » n’est pas un mot français") {
                "La commune a inauguré une passerelle samedi."
            } else {
                "La commune a inauguré une pasrelle samedi."
            };
            self.prompts.push(text);
            self.temperatures.push(settings.sampling.temperature);
            Ok(Generation {
                text: answer.into(),
                stop_reason: StopReason::StopString,
                prompt_tokens: 1,
                prompt_tokens_processed: 1,
                generated_tokens: 1,
                mean_logprob: Some(-1.0),
                prompt_seconds: 0.0,
                generation_seconds: 0.0,
            })
        }

        fn name(&self) -> String {
            "speller".into()
        }
    }

    /// Asks `model` (as a `style` model, `attempts` candidates, refusing those under
    /// `min_logprob`) to translate one sentence; what was kept and the writer's record.
    fn translate(
        model: &mut Speller,
        style: PromptStyle,
        attempts: usize,
        min_logprob: f32,
    ) -> (Option<String>, WriteStats) {
        let original = "The town opened a footbridge on Saturday.";
        let facts = Facts::extract(original);
        let source = SourceContext::new(original, Lang::En);
        let architecture = match style {
            PromptStyle::Chat => "qwen2",
            PromptStyle::Base => "gemma3",
        };
        let mut writer = Writer::new(
            model,
            style,
            architecture.into(),
            SamplingSettings::default(),
            attempts,
            &facts,
            &source,
        );
        writer.min_logprob = min_logprob;
        let bounds = Bounds {
            min: 3,
            max: 20,
            sentence: true,
            min_sentences: 0,
        };
        let task = Task::Translate("anglais");
        let kept = writer
            .write(task, original, original, bounds, &Said::default())
            .unwrap();
        (kept, writer.stats.clone())
    }

    fn speller() -> Speller {
        Speller {
            prompts: Vec::new(),
            temperatures: Vec::new(),
        }
    }

    #[test]
    fn a_chat_model_is_warned_of_the_words_the_check_named() {
        let mut model = speller();
        let (kept, stats) = translate(&mut model, PromptStyle::Chat, 3, -1.5);
        assert_eq!(
            kept.as_deref(),
            Some("La commune a inauguré une passerelle samedi.")
        );
        let record = &stats.pieces[0];
        assert_eq!(record.candidates.len(), 2);
        assert_eq!(
            record.candidates[0]
                .rejected
                .as_ref()
                .map(|r| r.reason.as_str()),
            Some("spelling")
        );
        assert!(record.kept && record.candidates[1].rejected.is_none());
        // The second prompt is the first with the warning, answered greedily too.
        let (first, second) = (&model.prompts[0], &model.prompts[1]);
        let shared = first.find("Saturday.").unwrap() + "Saturday.".len();
        assert_eq!(first[..shared], second[..shared]);
        assert!(!first.contains("Attention") && second.contains("Attention : « pasrelle »"));
        assert_eq!(model.temperatures, vec![0.0, 0.0]);
    }

    #[test]
    fn a_base_model_samples_again_instead() {
        let mut model = speller();
        let (kept, _) = translate(&mut model, PromptStyle::Base, 2, f32::NEG_INFINITY);
        assert_eq!(kept, None);
        assert_eq!(model.prompts[0], model.prompts[1]);
        assert!(model.temperatures[1] > 0.0);
    }

    #[test]
    fn a_candidate_the_model_was_unsure_of_is_refused() {
        // The corrected answer passes every check, but its tokens' mean log-probability
        // (-1.0) is under the floor: refused each time it is given.
        let mut model = speller();
        let (kept, stats) = translate(&mut model, PromptStyle::Chat, 3, -0.5);
        assert_eq!(kept, None);
        assert_eq!(stats.rejections.get("unsure"), Some(&2));
        let record = &stats.pieces[0].candidates[1];
        assert_eq!(record.mean_logprob, Some(-1.0));
        let rejected = record.rejected.as_ref().unwrap();
        assert!(
            rejected.detail.contains("-1.00, under -0.50"),
            "{}",
            rejected.detail
        );
    }

    /// A model that gives `answers` in turn.
    struct Scripted {
        answers: Vec<&'static str>,
        asked: usize,
    }

    impl TextGenerator for Scripted {
        fn generate(
            &mut self,
            _: &Prompt,
            _: &GenerationSettings,
            _: &mut dyn FnMut(&str),
        ) -> Result<Generation> {
            let text = self.answers[self.asked.min(self.answers.len() - 1)];
            self.asked += 1;
            Ok(Generation {
                text: text.into(),
                stop_reason: StopReason::StopString,
                prompt_tokens: 1,
                prompt_tokens_processed: 1,
                generated_tokens: 1,
                mean_logprob: None,
                prompt_seconds: 0.0,
                generation_seconds: 0.0,
            })
        }

        fn name(&self) -> String {
            "scripted".into()
        }
    }

    /// Paraphrases a French sentence with `answers`; what was kept and the record.
    fn paraphrase(answers: Vec<&'static str>) -> (Option<String>, WriteStats, usize) {
        let original =
            "Le conseil municipal a voté mardi la rénovation de la piscine, fermée depuis 2021.";
        let facts = Facts::extract(original);
        let source = SourceContext::new(original, Lang::Fr);
        let mut model = Scripted { answers, asked: 0 };
        let mut writer = Writer::new(
            &mut model,
            PromptStyle::Chat,
            "qwen2".into(),
            SamplingSettings::default(),
            3,
            &facts,
            &source,
        );
        let bounds = Bounds {
            min: 3,
            max: 40,
            sentence: true,
            min_sentences: 0,
        };
        let kept = writer
            .write(
                Task::Paraphrase,
                original,
                original,
                bounds,
                &Said::default(),
            )
            .unwrap();
        let stats = writer.stats.clone();
        (kept, stats, model.asked)
    }

    #[test]
    fn of_two_passing_paraphrases_the_one_whose_words_match_better_is_kept() {
        let loose = "Mardi, le conseil municipal a voté la rénovation de la piscine couverte, fermée depuis 2021.";
        let close =
            "Mardi, le conseil municipal a voté la rénovation de la piscine, fermée depuis 2021.";
        let (kept, stats, asked) = paraphrase(vec![loose, close]);
        assert_eq!(kept.as_deref(), Some(close));
        assert_eq!(asked, 2);
        let piece = &stats.pieces[0];
        assert!(piece.kept);
        let first = &piece.candidates[0];
        assert_eq!(
            first.words.as_ref().map(|w| w.unaccounted.clone()),
            Some(vec!["couverte".to_string()])
        );
        assert_eq!(
            first.rejected.as_ref().map(|r| r.reason.as_str()),
            Some("outranked")
        );
        assert!(piece.candidates[1].rejected.is_none());
        assert_eq!(stats.accepted, 1);
        // the earlier one stays when the next is no better, or refused
        let (kept, stats, _) = paraphrase(vec![
            loose,
            "Le conseil a voté la démolition de la piscine, fermée depuis 2021.",
        ]);
        assert_eq!(kept.as_deref(), Some(loose));
        assert!(stats.pieces[0].kept && stats.pieces[0].candidates[0].rejected.is_none());
        // a paraphrase whose words all match is kept at once
        let (kept, stats, asked) = paraphrase(vec![close, loose]);
        assert_eq!((kept.as_deref(), asked), (Some(close), 1));
        assert_eq!(stats.echoed(), 0);
    }

    #[test]
    fn a_kept_answer_that_is_its_source_as_it_stands_is_counted_as_an_echo() {
        // Typography aside (’ for ', a no-break space), the model gave the sentence back.
        let (kept, stats, _) = paraphrase(vec![
            "Le conseil municipal a voté mardi la rénovation de la piscine, fermée depuis\u{a0}2021.",
        ]);
        assert!(kept.is_some());
        assert_eq!((stats.accepted, stats.echoed()), (1, 1));
        assert!(same_words("L’eau monte.", "l'eau  monte"));
        assert!(!same_words("L’eau monte.", "L’eau ne monte pas."));
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(
            french_numbers("La ville investit 86.000 euros, soit 6,5% de plus, et 1.250.000 au total."),
            "La ville investit 86\u{202f}000 euros, soit 6,5\u{a0}% de plus, et 1\u{202f}250\u{202f}000 au total."
        );
        // Not a grouping: a version, a date, a decimal, an already French figure.
        for kept in [
            "la version 1.2.3",
            "le 12.05.2024",
            "3.14159",
            "12\u{a0}% des voix",
        ] {
            assert_eq!(french_numbers(kept), kept);
        }
    }
}
