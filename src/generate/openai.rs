//! Generation through an inference server the newsroom runs itself (llama.cpp's
//! `llama-server`, vLLM, Ollama, TGI), over the OpenAI-compatible HTTP API: a chat prompt goes
//! to `/chat/completions` as its messages (the server applies its model's template), any other
//! prompt to `/completions` as text. This is the only code in plume that opens a connection,
//! and only to the endpoint the user named.
//!
//! A server that cannot be reached, or answers 429 or 5xx, is tried again a bounded number of
//! times with a growing pause; a malformed answer is an error, never text in an article. The
//! API key (`PLUME_API_KEY`) is sent as a bearer token and never written anywhere else.
//!
//! Each request asks for the log-probabilities of the generated tokens (their mean says how sure
//! the model was, which the review page shows); a server that gives none is fine, and one that
//! refuses the request for asking (HTTP 400) is asked again without, and never again.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Generation, GenerationSettings, Prompt, StopReason, TextGenerator};
use crate::error::{Error, Result};

/// Tries per request: the first and three more.
const TRIES: u32 = 4;
/// The pause before the first retry; it doubles each time.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
/// The longest a request may take (a long generation on a busy server).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// A text generator behind an OpenAI-compatible HTTP endpoint. A clone shares the connection
/// pool and can run on another thread.
#[derive(Clone)]
pub struct OpenAiGenerator {
    agent: ureq::Agent,
    /// The API root, as given (`http://host:8080/v1`), without a trailing `/`.
    endpoint: String,
    api_key: Option<String>,
    /// The model name sent with each request.
    model: String,
    /// The model name the server reports in its answers (for provenance).
    served: String,
    /// The pause before the first retry (shorter in tests).
    first_pause: Duration,
    /// Whether requests ask for log-probabilities (until a server refuses them).
    logprobs: bool,
}

impl OpenAiGenerator {
    /// A generator for `model` at `endpoint` (`http://` or `https://`, up to the `/v1`); with
    /// no model named, the first one the server lists (`GET /models`).
    pub fn connect(endpoint: &str, model: Option<&str>, api_key: Option<String>) -> Result<Self> {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(Error::Invalid(format!(
                "--endpoint {endpoint}: give the server's API root with its scheme, like http://127.0.0.1:8080/v1"
            )));
        }
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout(REQUEST_TIMEOUT)
            .build();
        let mut generator = OpenAiGenerator {
            agent,
            endpoint,
            api_key: api_key.filter(|k| !k.is_empty()),
            model: model.unwrap_or_default().to_string(),
            served: String::new(),
            first_pause: FIRST_PAUSE,
            logprobs: true,
        };
        if generator.model.is_empty() {
            generator.model = generator.first_model()?;
        }
        generator.served = generator.model.clone();
        Ok(generator)
    }

    /// The host (and port) of the endpoint, for provenance: no path, no credentials.
    pub fn host(&self) -> String {
        let rest = self
            .endpoint
            .split_once("://")
            .map_or(self.endpoint.as_str(), |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or(rest);
        authority
            .rsplit_once('@')
            .map_or(authority, |(_, h)| h)
            .to_string()
    }

    /// The model name the server reported last (the name asked for, before any answer).
    pub fn served_model(&self) -> &str {
        &self.served
    }

    #[cfg(test)]
    fn with_pause(mut self, pause: Duration) -> Self {
        self.first_pause = pause;
        self
    }

    /// The endpoint as messages show it: without any credentials written in it.
    pub fn shown(&self) -> String {
        match self.endpoint.split_once("://") {
            Some((scheme, rest)) => {
                let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                let slash = if path.is_empty() { "" } else { "/" };
                format!("{scheme}://{host}{slash}{path}")
            }
            None => self.endpoint.clone(),
        }
    }

    fn error(&self, reason: impl Into<String>) -> Error {
        Error::Server {
            endpoint: self.shown(),
            reason: reason.into(),
        }
    }

    /// The first model `GET /models` lists.
    fn first_model(&self) -> Result<String> {
        let answer = self.call("models", None)?;
        answer["data"]
            .as_array()
            .and_then(|models| models.first())
            .and_then(|m| m["id"].as_str())
            .map(str::to_string)
            .ok_or_else(|| self.error("it lists no model: give one with --model NAME"))
    }

    /// `GET` (no body) or `POST` (a JSON body) `path` under the endpoint, with retries on
    /// failures that may pass (no connection, timeout, 429, 5xx); the answer as JSON.
    fn call(&self, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}/{path}", self.endpoint);
        let mut pause = self.first_pause;
        let mut tries = 0;
        loop {
            tries += 1;
            let mut request = match body {
                Some(_) => self.agent.post(&url),
                None => self.agent.get(&url),
            };
            if let Some(key) = &self.api_key {
                request = request.set("Authorization", &format!("Bearer {key}"));
            }
            let result = match body {
                Some(body) => request
                    .set("Content-Type", "application/json")
                    .send_string(&body.to_string()),
                None => request.call(),
            };
            let (reason, again) = match result {
                Ok(response) => {
                    let text = response.into_string().map_err(|e| {
                        self.error(format!("its answer to /{path} was cut off ({e})"))
                    })?;
                    return serde_json::from_str(&text).map_err(|e| {
                        self.error(format!("its answer to /{path} is not JSON ({e})"))
                    });
                }
                Err(ureq::Error::Status(code, response)) => {
                    let detail = response.into_string().unwrap_or_default();
                    let detail: String = detail.chars().take(200).collect();
                    (
                        format!("/{path} answered HTTP {code} {}", detail.trim()),
                        code == 429 || code >= 500,
                    )
                }
                // Its kind and message, not its display, which names the URL (and any
                // credentials written in it).
                Err(ureq::Error::Transport(t)) => {
                    let detail = match t.message() {
                        Some(message) => format!("{}: {message}", t.kind()),
                        None => t.kind().to_string(),
                    };
                    (format!("cannot reach /{path} ({detail})"), true)
                }
            };
            if !again || tries >= TRIES {
                let tried = if tries > 1 {
                    format!(" (tried {tries} times)")
                } else {
                    String::new()
                };
                return Err(self.error(format!("{reason}{tried}")));
            }
            std::thread::sleep(pause);
            pause *= 2;
        }
    }

    /// The request body for `prompt`: chat messages, or the prompt's text.
    fn body(&self, prompt: &Prompt, settings: &GenerationSettings) -> (&'static str, Value) {
        let s = &settings.sampling;
        let mut body = json!({
            "model": self.model,
            "max_tokens": settings.max_tokens,
            "temperature": s.temperature,
            "top_p": s.top_p,
            "seed": s.seed,
            "stream": false,
        });
        if !settings.stop.is_empty() {
            body["stop"] = json!(settings.stop);
        }
        // Exactly `max_tokens` tokens (`plume bench`): llama.cpp's server and vLLM honour it.
        if settings.min_tokens > 0 && settings.min_tokens >= settings.max_tokens {
            body["ignore_eos"] = json!(true);
        }
        if prompt.messages.is_empty() {
            if self.logprobs {
                body["logprobs"] = json!(1);
            }
            body["prompt"] = json!(prompt.text());
            ("completions", body)
        } else {
            let messages: Vec<Value> = prompt
                .messages
                .iter()
                .map(|m| json!({ "role": m.role.name(), "content": m.content }))
                .collect();
            body["messages"] = json!(messages);
            if self.logprobs {
                body["logprobs"] = json!(true);
            }
            ("chat/completions", body)
        }
    }
}

/// The mean log-probability of the generated tokens of `choice`, when the server gave them:
/// as the chat API (and llama.cpp's server for both APIs) gives them, `logprobs.content[i]
/// .logprob`, or as the legacy completions API does, `logprobs.token_logprobs[i]`.
fn mean_logprob(choice: &Value) -> Option<f32> {
    let logprobs = &choice["logprobs"];
    let values: Vec<f64> = match logprobs["content"].as_array() {
        Some(tokens) => tokens
            .iter()
            .filter_map(|t| t["logprob"].as_f64())
            .collect(),
        None => logprobs["token_logprobs"]
            .as_array()?
            .iter()
            .filter_map(Value::as_f64)
            .collect(),
    };
    let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    (!finite.is_empty()).then(|| (finite.iter().sum::<f64>() / finite.len() as f64) as f32)
}

/// The text of the first choice of an answer, how it ended, and the token counts.
fn read_answer(answer: &Value) -> Option<(String, Option<String>, usize, usize)> {
    let choice = answer["choices"].as_array()?.first()?;
    let text = choice["message"]["content"]
        .as_str()
        .or_else(|| choice["text"].as_str())?
        .to_string();
    let finish = choice["finish_reason"].as_str().map(str::to_string);
    let usage = &answer["usage"];
    let count = |key: &str| usage[key].as_u64().unwrap_or(0) as usize;
    Some((
        text,
        finish,
        count("prompt_tokens"),
        count("completion_tokens"),
    ))
}

impl TextGenerator for OpenAiGenerator {
    fn generate(
        &mut self,
        prompt: &Prompt,
        settings: &GenerationSettings,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let (path, body) = self.body(prompt, settings);
        let started = Instant::now();
        let answer = match self.call(path, Some(&body)) {
            // A server that will not give log-probabilities: without them from now on.
            Err(Error::Server { reason, .. }) if self.logprobs && reason.contains("HTTP 400") => {
                self.logprobs = false;
                let (_, body) = self.body(prompt, settings);
                self.call(path, Some(&body)).map_err(|e| match e {
                    Error::Server { reason: again, .. } => self.error(format!(
                        "{again} (and, asked for log-probabilities, {reason})"
                    )),
                    e => e,
                })?
            }
            answer => answer?,
        };
        let seconds = started.elapsed().as_secs_f64();
        let (mut text, finish, prompt_tokens, generated_tokens) = read_answer(&answer)
            .ok_or_else(|| self.error(format!("its answer to /{path} holds no text")))?;
        if let Some(model) = answer["model"].as_str().filter(|m| !m.is_empty()) {
            self.served = model.to_string();
        }
        let mean_logprob = answer["choices"]
            .as_array()
            .and_then(|c| c.first())
            .and_then(mean_logprob);
        // A server that ignores stop strings still gives no text past one.
        let mut stop_reason = match finish.as_deref() {
            Some("length") => StopReason::MaxTokens,
            _ => StopReason::EndOfGeneration,
        };
        if let Some(at) = settings
            .stop
            .iter()
            .filter_map(|s| text.find(s.as_str()))
            .min()
        {
            text.truncate(at);
            stop_reason = StopReason::StopString;
        }
        on_text(&text);
        Ok(Generation {
            text,
            stop_reason,
            prompt_tokens,
            prompt_tokens_processed: prompt_tokens,
            generated_tokens,
            mean_logprob,
            // The server times the prompt and the generation together; the client sees one wait.
            prompt_seconds: 0.0,
            generation_seconds: seconds,
        })
    }

    fn name(&self) -> String {
        format!("{} at {}", self.served, self.host())
    }

    fn fork(&self) -> Option<Box<dyn TextGenerator + Send>> {
        Some(Box::new(self.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::SamplingSettings;
    use crate::model::chat_template::Message;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;

    /// A server on 127.0.0.1 that answers each request with the next of `answers` (status,
    /// body) and sends what it received (request line, headers, body) to the test.
    fn server(answers: Vec<(u16, String)>) -> (String, mpsc::Receiver<(String, String)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for (status, body) in answers {
                let (mut stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    head.push_str(&line);
                }
                let mut request = vec![0; length];
                reader.read_exact(&mut request).unwrap();
                tx.send((head, String::from_utf8(request).unwrap()))
                    .unwrap();
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                stream.write_all(reply.as_bytes()).unwrap();
            }
        });
        (format!("http://127.0.0.1:{port}/v1"), rx)
    }

    fn settings() -> GenerationSettings {
        GenerationSettings {
            sampling: SamplingSettings {
                seed: 42,
                ..SamplingSettings::greedy()
            },
            max_tokens: 64,
            min_tokens: 1,
            stop: vec!["\n\n".into()],
        }
    }

    const CHAT_ANSWER: &str = r#"{"model":"qwen-served","choices":[{"message":{"role":"assistant","content":"Le port rouvre lundi.\n\nEt ceci est de trop."},"finish_reason":"stop"}],"usage":{"prompt_tokens":31,"completion_tokens":9}}"#;

    #[test]
    fn a_chat_prompt_is_sent_as_messages_with_the_settings_and_the_key() {
        let (endpoint, requests) = server(vec![(200, CHAT_ANSWER.into())]);
        let mut generator =
            OpenAiGenerator::connect(&endpoint, Some("qwen"), Some("secret".into())).unwrap();
        let prompt = Prompt::plain("<rendered>").with_messages(&[
            Message::system("Règles."),
            Message::user("Traduis : The port reopens on Monday."),
        ]);
        let mut streamed = String::new();
        let generation = generator
            .generate(&prompt, &settings(), &mut |t| streamed.push_str(t))
            .unwrap();
        assert_eq!(generation.text, "Le port rouvre lundi.");
        assert_eq!(streamed, generation.text);
        assert_eq!(generation.stop_reason, StopReason::StopString);
        assert_eq!(
            (generation.prompt_tokens, generation.generated_tokens),
            (31, 9)
        );
        assert_eq!(
            generator.name(),
            format!("qwen-served at {}", generator.host())
        );
        let (head, body) = requests.recv().unwrap();
        assert!(head.starts_with("POST /v1/chat/completions "), "{head}");
        assert!(head.contains("Bearer secret"), "{head}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["model"], "qwen");
        assert_eq!(body["messages"][1]["role"], "user");
        assert_eq!(body["messages"][0]["content"], "Règles.");
        assert_eq!(body["temperature"], 0.0);
        assert_eq!(body["seed"], 42);
        assert_eq!(body["max_tokens"], 64);
        assert_eq!(body["stop"][0], "\n\n");
        assert!(body.get("prompt").is_none());
    }

    #[test]
    fn a_base_prompt_goes_to_completions_and_the_model_is_asked_when_not_named() {
        let (endpoint, requests) = server(vec![
            (200, r#"{"data":[{"id":"gemma-3-270m"}]}"#.into()),
            (
                200,
                r#"{"choices":[{"text":" Une phrase.","finish_reason":"length"}]}"#.into(),
            ),
        ]);
        let mut generator = OpenAiGenerator::connect(&endpoint, None, None).unwrap();
        let generation = generator
            .generate(&Prompt::plain("Phrase :"), &settings(), &mut |_| {})
            .unwrap();
        assert_eq!(generation.text, " Une phrase.");
        assert_eq!(generation.stop_reason, StopReason::MaxTokens);
        let (head, _) = requests.recv().unwrap();
        assert!(head.starts_with("GET /v1/models "), "{head}");
        assert!(!head.contains("Authorization"), "{head}");
        let (head, body) = requests.recv().unwrap();
        assert!(head.starts_with("POST /v1/completions "), "{head}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["prompt"], "Phrase :");
        assert_eq!(body["model"], "gemma-3-270m");
    }

    #[test]
    fn a_busy_server_is_tried_again_and_a_bad_answer_is_an_error() {
        let (endpoint, _requests) = server(vec![
            (503, "loading".into()),
            (429, "slow down".into()),
            (200, CHAT_ANSWER.into()),
            (200, "{\"choices\": [".into()),
            // Refused, and refused again when asked without log-probabilities.
            (400, "{\"error\":\"bad model\"}".into()),
            (400, "{\"error\":\"bad model\"}".into()),
        ]);
        let mut generator = OpenAiGenerator::connect(&endpoint, Some("m"), None)
            .unwrap()
            .with_pause(Duration::from_millis(1));
        let prompt = Prompt::plain("x").with_messages(&[Message::user("x")]);
        let generation = generator.generate(&prompt, &settings(), &mut |_| {});
        assert_eq!(generation.unwrap().text, "Le port rouvre lundi.");
        let err = generator
            .generate(&prompt, &settings(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(&endpoint) && err.contains("not JSON"), "{err}");
        let err = generator
            .generate(&prompt, &settings(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("HTTP 400") && err.contains("bad model"),
            "{err}"
        );
        assert!(
            !err.contains("tried"),
            "a client error is not retried: {err}"
        );
    }

    #[test]
    fn log_probabilities_are_asked_read_in_both_shapes_and_done_without() {
        let chat = r#"{"choices":[{"message":{"content":"Oui."},"finish_reason":"stop","logprobs":{"content":[{"token":"Oui","logprob":-0.5},{"token":".","logprob":-1.5}]}}]}"#;
        let legacy = r#"{"choices":[{"text":"Non.","finish_reason":"stop","logprobs":{"tokens":["Non","."],"token_logprobs":[-2.0,null,-1.0]}}]}"#;
        let (endpoint, requests) = server(vec![
            (200, chat.into()),
            (200, legacy.into()),
            (400, r#"{"error":"logprobs is not supported"}"#.into()),
            (200, CHAT_ANSWER.into()),
            (200, CHAT_ANSWER.into()),
        ]);
        let mut generator = OpenAiGenerator::connect(&endpoint, Some("m"), None).unwrap();
        let chat_prompt = Prompt::plain("x").with_messages(&[Message::user("x")]);
        let mut ask = |prompt: &Prompt| {
            generator
                .generate(prompt, &settings(), &mut |_| {})
                .unwrap()
                .mean_logprob
        };
        assert_eq!(ask(&chat_prompt), Some(-1.0));
        assert_eq!(ask(&Prompt::plain("x")), Some(-1.5));
        // Refused for asking: asked again without, and the answer has none.
        assert_eq!(ask(&chat_prompt), None);
        assert_eq!(ask(&chat_prompt), None);
        let asked: Vec<Value> = (0..5)
            .map(|_| serde_json::from_str(&requests.recv().unwrap().1).unwrap())
            .collect();
        assert_eq!(asked[0]["logprobs"], json!(true));
        assert_eq!(asked[1]["logprobs"], json!(1));
        assert_eq!(asked[2]["logprobs"], json!(true));
        assert!(asked[3].get("logprobs").is_none() && asked[4].get("logprobs").is_none());
    }

    #[test]
    fn a_server_that_is_not_there_is_named_after_bounded_tries() {
        // A port that was free a moment ago.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = format!("http://127.0.0.1:{port}/v1");
        let with_password = format!("http://editor:motdepasse@127.0.0.1:{port}/v1");
        let mut generator = OpenAiGenerator::connect(&with_password, Some("m"), None)
            .unwrap()
            .with_pause(Duration::from_millis(1));
        let err = generator
            .generate(&Prompt::plain("x"), &settings(), &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(&endpoint), "{err}");
        assert!(!err.contains("motdepasse"), "{err}");
        assert!(
            err.contains("cannot reach") && err.contains("tried 4 times"),
            "{err}"
        );
    }

    #[test]
    fn endpoints_need_a_scheme_and_the_host_hides_credentials() {
        assert!(OpenAiGenerator::connect("localhost:8080/v1", Some("m"), None).is_err());
        let g =
            OpenAiGenerator::connect("http://user:pw@gpu.lan:8000/v1/", Some("m"), None).unwrap();
        assert_eq!(g.host(), "gpu.lan:8000");
        assert_eq!(g.shown(), "http://gpu.lan:8000/v1");
    }
}
