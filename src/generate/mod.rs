//! Text generation: a prompt and settings in, text out. The [`TextGenerator`] trait the rest of
//! plume uses, its implementation over a [`Model`] (sampling, stop strings, streaming), and
//! [`openai`], over an OpenAI-compatible inference server.

pub mod openai;
pub mod sampler;
pub mod stream;

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::chat_template::Message;
use crate::model::Model;
pub use sampler::{Sampler, SamplingSettings};
use stream::TextStream;

/// What to generate and when to stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenerationSettings {
    pub sampling: SamplingSettings,
    /// Stop after this many new tokens.
    pub max_tokens: usize,
    /// End-of-generation tokens are forbidden before this many new tokens.
    pub min_tokens: usize,
    /// Generation stops when one of these appears; it is not part of the text.
    pub stop: Vec<String>,
}

impl Default for GenerationSettings {
    fn default() -> Self {
        GenerationSettings {
            sampling: SamplingSettings::default(),
            max_tokens: 256,
            min_tokens: 0,
            stop: Vec::new(),
        }
    }
}

/// A prompt, as segments of text. Control tokens written in a segment (`<start_of_turn>`) are
/// read as such only when the segment says so: the program's own template pieces do, source
/// text never does, so an article that contains `<start_of_turn>` stays plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub segments: Vec<Segment>,
    /// The chat turn the segments render, when the prompt is one: an inference server
    /// ([`openai`]) is sent these and applies its own template.
    pub messages: Vec<Message>,
}

/// One piece of a prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub text: String,
    /// Read control tokens written in this text as control tokens.
    pub special: bool,
}

impl Prompt {
    /// A plain-text prompt.
    pub fn plain(text: impl Into<String>) -> Self {
        Prompt {
            segments: vec![Segment {
                text: text.into(),
                special: false,
            }],
            messages: Vec::new(),
        }
    }

    /// A prompt whose control tokens are parsed (the user asked for it).
    pub fn with_special_tokens(text: impl Into<String>) -> Self {
        Prompt {
            segments: vec![Segment {
                text: text.into(),
                special: true,
            }],
            messages: Vec::new(),
        }
    }

    /// Records the chat turn this prompt renders.
    pub fn with_messages(mut self, messages: &[Message]) -> Self {
        self.messages = messages.to_vec();
        self
    }

    /// Appends template text (control tokens parsed).
    pub fn template(mut self, text: impl Into<String>) -> Self {
        self.segments.push(Segment {
            text: text.into(),
            special: true,
        });
        self
    }

    /// Appends content (plain text).
    pub fn content(mut self, text: impl Into<String>) -> Self {
        self.segments.push(Segment {
            text: text.into(),
            special: false,
        });
        self
    }

    /// An empty prompt to build with [`Prompt::template`] and [`Prompt::content`].
    pub fn empty() -> Self {
        Prompt {
            segments: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// All the text, for fakes and logs.
    pub fn text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndOfGeneration,
    StopString,
    MaxTokens,
    ContextFull,
}

/// The result of one generation, with its speed.
#[derive(Debug, Clone, Serialize)]
pub struct Generation {
    pub text: String,
    pub stop_reason: StopReason,
    pub prompt_tokens: usize,
    /// Prompt tokens actually processed (the rest came from the cache).
    pub prompt_tokens_processed: usize,
    pub generated_tokens: usize,
    /// Mean log-probability of the generated tokens under the model (how sure it was of its
    /// words); `None` when nothing was generated, or the server does not give it.
    pub mean_logprob: Option<f32>,
    pub prompt_seconds: f64,
    pub generation_seconds: f64,
}

impl Generation {
    /// Prompt processing speed, tokens per second.
    pub fn prompt_tps(&self) -> f64 {
        rate(self.prompt_tokens_processed, self.prompt_seconds)
    }

    /// Generation speed, tokens per second.
    pub fn generation_tps(&self) -> f64 {
        rate(self.generated_tokens, self.generation_seconds)
    }
}

/// Tokens per second, 0 when nothing was timed.
pub fn rate(tokens: usize, seconds: f64) -> f64 {
    if seconds > 0.0 {
        tokens as f64 / seconds
    } else {
        0.0
    }
}

/// « prompt N tokens at X tokens/s, generated M tokens at Y tokens/s »; for an inference
/// server, which times nothing apart (no prompt time), the whole wait as the client saw it.
pub fn speed_summary(
    prompt_tokens: usize,
    prompt_seconds: f64,
    generated_tokens: usize,
    generation_seconds: f64,
) -> String {
    if prompt_seconds == 0.0 && prompt_tokens > 0 {
        return format!(
            "prompt {prompt_tokens} tokens and {generated_tokens} generated in {generation_seconds:.1} s at the server ({:.1} generated tokens/s as seen here)",
            rate(generated_tokens, generation_seconds)
        );
    }
    format!(
        "prompt {prompt_tokens} tokens at {:.1} tokens/s, generated {generated_tokens} tokens at {:.1} tokens/s",
        rate(prompt_tokens, prompt_seconds),
        rate(generated_tokens, generation_seconds)
    )
}

/// Anything that writes text from a prompt: the real model, or a fake in tests.
pub trait TextGenerator {
    /// Generates a continuation of `prompt`; `on_text` receives the text as it is produced.
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation>;

    /// A name for provenance (model id).
    fn name(&self) -> String;

    /// The chat template of the model behind, when it carries one.
    fn chat_template(&self) -> Option<&crate::model::chat_template::ChatTemplate> {
        None
    }

    /// Forgets what earlier prompts left behind (the model's cache), as between two articles.
    fn reset(&mut self) {}

    /// Lets the model write the tokens of `text` (an article's names, a French source's
    /// words) beside the vocabulary it is restricted to, in place of those an earlier call let
    /// in. Nothing to do for a generator whose vocabulary is not restricted.
    fn allow_words(&mut self, _text: &str) -> Result<()> {
        Ok(())
    }

    /// The most tokens a prompt and its answer may hold together, when the generator has such
    /// a bound: a longer prompt is an error, so the rewrite never sends one.
    fn context_tokens(&self) -> Option<usize> {
        None
    }

    /// Another generator for the same model that can run on another thread at the same time
    /// (a server's: one more request in flight); `None` for one that already uses every core
    /// (the local engine).
    fn fork(&self) -> Option<Box<dyn TextGenerator + Send>> {
        None
    }
}

/// The real generator: a model with its tokenizer.
pub struct ModelGenerator {
    model: Model,
    name: String,
    /// The French vocabulary, when the output is restricted to it.
    french: Option<Vec<u32>>,
    /// The tokens let in beside it ([`TextGenerator::allow_words`]); `None` until the
    /// restriction is applied to the model (by the first `allow_words` or generation, so that
    /// an article's words cost one re-sort of the output rows, not two).
    let_in: Option<Vec<u32>>,
}

impl ModelGenerator {
    pub fn new(model: Model, name: impl Into<String>) -> Self {
        ModelGenerator {
            model,
            name: name.into(),
            french: None,
            let_in: None,
        }
    }

    /// Restricts the output to the tokens French text can use
    /// ([`crate::model::vocab::french_token_ids`]), and to those [`TextGenerator::allow_words`]
    /// lets in.
    pub fn restrict_to_french(&mut self) {
        self.french = Some(crate::model::vocab::french_token_ids(
            self.model.tokenizer(),
        ));
        self.let_in = None;
    }

    /// Restricts the model's output to the French vocabulary and `let_in`, unless it is so
    /// restricted already.
    fn apply_vocabulary(&mut self, let_in: Vec<u32>) -> Result<()> {
        let Some(french) = &self.french else {
            return Ok(());
        };
        if self.let_in.as_ref() == Some(&let_in) {
            return Ok(());
        }
        let mut ids = french.clone();
        ids.extend(&let_in);
        self.model.restrict_vocabulary(Some(ids))?;
        self.let_in = Some(let_in);
        Ok(())
    }

    /// The model behind the generator.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model behind the generator, mutably (to restrict its vocabulary).
    pub fn model_mut(&mut self) -> &mut Model {
        &mut self.model
    }
}

impl TextGenerator for ModelGenerator {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        if settings.min_tokens > settings.max_tokens {
            return Err(Error::Invalid(format!(
                "minimum new tokens ({}) is above the maximum ({})",
                settings.min_tokens, settings.max_tokens
            )));
        }
        if self.let_in.is_none() {
            self.apply_vocabulary(Vec::new())?;
        }
        let tokenizer = self.model.tokenizer();
        let mut tokens = Vec::new();
        for (i, segment) in prompt.segments.iter().enumerate() {
            let ids = if i == 0 {
                tokenizer.encode(&segment.text, segment.special)?
            } else {
                tokenizer.encode_continuation(&segment.text, segment.special)?
            };
            tokens.extend(ids);
        }
        let eog: Vec<u32> = tokenizer.end_of_generation().to_vec();
        let prompt_tokens = tokens.len();

        let started = Instant::now();
        let (mut logits, processed) = self.model.prefill(&tokens)?;
        let prompt_seconds = started.elapsed().as_secs_f64();

        let mut sampler = Sampler::new(settings.sampling.clone());
        let mut stream = TextStream::new(&settings.stop);
        let mut generated = 0usize;
        let mut logprob_sum = 0f32;
        let started = Instant::now();
        let stop_reason = loop {
            if generated >= settings.max_tokens {
                break StopReason::MaxTokens;
            }
            let banned: &[u32] = if generated < settings.min_tokens {
                &eog
            } else {
                &[]
            };
            let raw = logits.clone();
            let next = sampler.sample(&mut logits, &tokens, generated, banned);
            logprob_sum += sampler::log_prob(&raw, next);
            tokens.push(next);
            generated += 1;
            if eog.contains(&next) {
                break StopReason::EndOfGeneration;
            }
            let piece = stream.push(self.model.tokenizer().bytes_of(next));
            if !piece.is_empty() {
                on_text(&piece);
            }
            if stream.stopped() {
                break StopReason::StopString;
            }
            if generated >= settings.max_tokens {
                break StopReason::MaxTokens;
            }
            if tokens.len() >= self.model.max_positions() {
                break StopReason::ContextFull;
            }
            logits = self.model.step(next)?;
        };
        let rest = stream.finish();
        if !rest.is_empty() {
            on_text(&rest);
        }
        Ok(Generation {
            text: stream.text().to_string(),
            stop_reason,
            prompt_tokens,
            prompt_tokens_processed: processed,
            generated_tokens: generated,
            mean_logprob: (generated > 0).then(|| logprob_sum / generated as f32),
            prompt_seconds,
            generation_seconds: started.elapsed().as_secs_f64(),
        })
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn chat_template(&self) -> Option<&crate::model::chat_template::ChatTemplate> {
        self.model.chat_template()
    }

    fn reset(&mut self) {
        self.model.clear_cache();
    }

    fn allow_words(&mut self, text: &str) -> Result<()> {
        let Some(french) = &self.french else {
            return Ok(());
        };
        let tokens = crate::model::vocab::tokens_of(self.model.tokenizer(), text)?;
        let outside: Vec<u32> = tokens
            .into_iter()
            .filter(|id| french.binary_search(id).is_err())
            .collect();
        self.apply_vocabulary(outside)
    }

    fn context_tokens(&self) -> Option<usize> {
        Some(self.model.max_positions())
    }
}
