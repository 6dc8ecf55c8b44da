//! The chat template a GGUF file carries (`tokenizer.chat_template`, Jinja), rendered with
//! `minijinja` and `minijinja-contrib`'s Python-compatible methods, as the model was trained
//! to see its conversations.
//!
//! A rendered template mixes the template's own text, where control tokens such as
//! `<|im_start|>` are meant, with the messages' contents, where they never are: an article that
//! contains `<|im_end|>` must stay plain text. So the contents are rendered as placeholders
//! (private-use characters no article contains) and the result is split there: the template's
//! pieces become control-token segments of the [`Prompt`], the contents plain ones.

use minijinja::{Environment, ErrorKind, Value};

use crate::error::{Error, Result};
use crate::generate::Prompt;

/// Who says a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    /// The name templates compare `message.role` with.
    pub fn name(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn system(content: impl Into<String>) -> Self {
        Message {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
        }
    }
}

/// A parsed chat template, with the special tokens templates refer to.
pub struct ChatTemplate {
    env: Environment<'static>,
    bos: String,
    eos: String,
}

impl std::fmt::Debug for ChatTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatTemplate").finish_non_exhaustive()
    }
}

/// Where content `i` goes in the rendered text: characters of Unicode's private-use area.
const OPEN: char = '\u{F8F0}';
const CLOSE: char = '\u{F8F1}';

fn placeholder(i: usize) -> String {
    format!("{OPEN}{i}{CLOSE}")
}

impl ChatTemplate {
    /// Parses `source`; `bos` and `eos` are the texts of the file's BOS and EOS tokens (the
    /// `bos_token` and `eos_token` a template may write). A template that does not parse is
    /// an error that quotes minijinja's reason.
    pub fn new(source: &str, bos: &str, eos: &str) -> Result<Self> {
        let mut env = Environment::new();
        env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        // Functions that Hugging Face's renderer offers templates.
        env.add_function(
            "raise_exception",
            |message: String| -> std::result::Result<Value, minijinja::Error> {
                Err(minijinja::Error::new(ErrorKind::InvalidOperation, message))
            },
        );
        env.add_function("strftime_now", |_format: String| "".to_string());
        env.add_template_owned("chat", source.to_string())
            .map_err(|e| Error::ChatTemplate(format!("it does not parse: {e}")))?;
        Ok(ChatTemplate {
            env,
            bos: bos.to_string(),
            eos: eos.to_string(),
        })
    }

    /// The conversation `messages` followed by the opening of the assistant's turn, as a prompt
    /// whose template pieces parse control tokens and whose contents do not.
    pub fn render(&self, messages: &[Message]) -> Result<Prompt> {
        let invalid = |reason: String| Error::ChatTemplate(reason);
        if let Some(m) = messages.iter().find(|m| m.content.contains([OPEN, CLOSE])) {
            return Err(invalid(format!(
                "a {:?} message holds the private-use characters U+F8F0/U+F8F1",
                m.role
            )));
        }
        let stand_ins: Vec<Value> = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                Value::from(std::collections::BTreeMap::from([
                    ("role", m.role.name().to_string()),
                    ("content", placeholder(i)),
                ]))
            })
            .collect();
        let template = self
            .env
            .get_template("chat")
            .map_err(|e| invalid(e.to_string()))?;
        let text = template
            .render(minijinja::context! {
                messages => stand_ins,
                add_generation_prompt => true,
                bos_token => self.bos.as_str(),
                eos_token => self.eos.as_str(),
            })
            .map_err(|e| invalid(e.to_string()))?;

        let mut prompt = Prompt::empty();
        let mut seen = vec![false; messages.len()];
        let mut rest = text.as_str();
        while let Some(start) = rest.find(OPEN) {
            let after = &rest[start + OPEN.len_utf8()..];
            let end = after
                .find(CLOSE)
                .ok_or_else(|| invalid("it cut a message's content".into()))?;
            let i: usize = after[..end]
                .parse()
                .map_err(|_| invalid("it changed a message's content".into()))?;
            let message = messages
                .get(i)
                .ok_or_else(|| invalid("it changed a message's content".into()))?;
            if seen[i] {
                return Err(invalid("it wrote a message twice".into()));
            }
            seen[i] = true;
            if start > 0 {
                prompt = prompt.template(&rest[..start]);
            }
            prompt = prompt.content(message.content.clone());
            rest = &after[end + CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            prompt = prompt.template(rest);
        }
        if let Some(i) = seen.iter().position(|s| !s) {
            return Err(invalid(format!(
                "it left out the {:?} message",
                messages[i].role
            )));
        }
        Ok(prompt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHATML: &str = "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    #[test]
    fn template_text_parses_control_tokens_and_contents_never_do() {
        let t = ChatTemplate::new(CHATML, "", "<|im_end|>").unwrap();
        let prompt = t
            .render(&[
                Message::system("Règles."),
                Message::user("Un piège <|im_end|> ici."),
            ])
            .unwrap();
        assert_eq!(
            prompt.text(),
            "<|im_start|>system\nRègles.<|im_end|>\n<|im_start|>user\nUn piège <|im_end|> ici.<|im_end|>\n<|im_start|>assistant\n"
        );
        let plain: Vec<&str> = prompt
            .segments
            .iter()
            .filter(|s| !s.special)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(plain, ["Règles.", "Un piège <|im_end|> ici."]);
        assert!(prompt
            .segments
            .iter()
            .filter(|s| s.special)
            .all(|s| s.text.contains("<|im_")));
    }

    #[test]
    fn python_methods_bos_and_raise_exception_work() {
        let source = "{{ bos_token }}{% for m in messages %}{% if m.role not in ['system', 'user'] %}{{ raise_exception('bad role') }}{% endif %}[{{ m.role.upper() }}] {{ m.content.strip() }}\n{% endfor %}";
        let t = ChatTemplate::new(source, "<s>", "</s>").unwrap();
        let prompt = t.render(&[Message::user("Bonjour")]).unwrap();
        assert_eq!(prompt.text(), "<s>[USER] Bonjour\n");
    }

    #[test]
    fn a_template_that_drops_or_mangles_a_message_is_an_error() {
        let drops = ChatTemplate::new("{{ messages[-1].content }}", "", "").unwrap();
        let err = drops
            .render(&[Message::system("Règles."), Message::user("Texte.")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("left out"), "{err}");
        let twice = ChatTemplate::new("{{ messages[0].content }}{{ messages[0].content }}", "", "")
            .unwrap();
        assert!(twice.render(&[Message::user("x")]).is_err());
        let broken = ChatTemplate::new("{% for m in messages %}", "", "");
        assert!(broken.unwrap_err().to_string().contains("does not parse"));
    }
}
