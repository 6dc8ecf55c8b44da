//! Prompts for the pieces of an article, in the style the model understands: few-shot
//! "document continuation" frames for base models (the default gemma-3-270m), a chat turn for
//! instruction-tuned models. The examples in the frames are invented and share no name or
//! number with any real article; the fact check would reject any that leaked into the output.

use crate::error::Result;
use crate::generate::Prompt;
use crate::model::chat_template::{ChatTemplate, Message, Role};
use crate::model::source::PromptStyle;

/// What a piece of text is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    /// Say one French sentence again in other words.
    Paraphrase,
    /// Translate one sentence into French from the named language.
    Translate(&'static str),
    /// Translate a whole paragraph into French from the named language (chat models: the
    /// sentences give each other context).
    TranslateParagraph(&'static str),
    /// A short subheading for a paragraph.
    Heading,
}

impl Task {
    /// The task's name in records (`--format json`).
    pub fn name(self) -> &'static str {
        match self {
            Task::Paraphrase => "paraphrase",
            Task::Translate(_) => "translate",
            Task::TranslateParagraph(_) => "translate_paragraph",
            Task::Heading => "heading",
        }
    }
}

/// Few-shot examples for each task: (input, output).
fn examples(
    task: Task,
) -> (
    &'static str,
    &'static str,
    [(&'static str, &'static str); 2],
) {
    match task {
        Task::Paraphrase => (
            "Phrase",
            "Reformulation",
            [
                (
                    "La commune de Valbrune a inauguré samedi une nouvelle passerelle au-dessus de la rivière, après huit mois de travaux.",
                    "Après huit mois de travaux, une nouvelle passerelle au-dessus de la rivière a été inaugurée samedi dans la commune de Valbrune.",
                ),
                (
                    "Selon la préfecture, la circulation restera interdite sur la route départementale jusqu’à la fin du mois.",
                    "La route départementale restera fermée à la circulation jusqu’à la fin du mois, a indiqué la préfecture.",
                ),
            ],
        ),
        Task::Translate(_) | Task::TranslateParagraph(_) => (
            "Original",
            "Français",
            [
                (
                    "The town of Valbrune opened a new footbridge over the river on Saturday, after eight months of work.",
                    "La commune de Valbrune a inauguré samedi une nouvelle passerelle au-dessus de la rivière, après huit mois de travaux.",
                ),
                (
                    "According to the prefecture, the road will remain closed to traffic until the end of the month.",
                    "Selon la préfecture, la route restera fermée à la circulation jusqu’à la fin du mois.",
                ),
            ],
        ),
        Task::Heading => (
            "Paragraphe",
            "Intertitre",
            [
                (
                    "Après huit mois de travaux, la commune de Valbrune a inauguré samedi une passerelle au-dessus de la rivière. Les habitants pourront désormais rejoindre la gare à pied.",
                    "Une passerelle pour rejoindre la gare à pied",
                ),
                (
                    "La préfecture a annoncé que la route départementale resterait fermée jusqu’à la fin du mois, le temps de consolider le talus.",
                    "La route départementale fermée jusqu’à la fin du mois",
                ),
            ],
        ),
    }
}

/// The newsroom's rules: the system message of every chat prompt.
pub const NEWSROOM_RULES: &str = "Tu es secrétaire de rédaction dans un journal français. \
Tu écris un français correct et naturel, avec la typographie française : guillemets « », \
espace insécable avant : ; ? !, nombres et dates écrits à la française (12,5 %, 3 000, le 4 mars). \
Tu restes fidèle au texte donné : aucun nom, chiffre, citation, fait ou attribution en plus, \
aucun en moins, aucune négation changée. Tu gardes les noms propres tels quels. \
Tu réponds seulement par le texte demandé, sans titre, sans guillemets autour, sans commentaire.";

fn instruction(task: Task) -> String {
    match task {
        Task::Paraphrase => "Réécris cette phrase en français avec d’autres mots, sans rien ajouter ni retirer. Réponds seulement par la phrase.".into(),
        Task::Translate(lang) => format!("Traduis cette phrase {lang} en français, fidèlement, sans rien ajouter. Réponds seulement par la traduction."),
        Task::TranslateParagraph(lang) => format!("Traduis ce paragraphe {lang} en français, phrase par phrase, fidèlement, sans rien ajouter ni omettre. Réponds seulement par la traduction, en un seul paragraphe."),
        Task::Heading => "Écris un intertitre court en français (cinq à dix mots) pour ce paragraphe, sans ajouter de fait. Réponds seulement par l’intertitre.".into(),
    }
}

fn frame_header(task: Task) -> String {
    match task {
        Task::Paraphrase => "Reformulations de phrases d’articles de presse, en français, sans rien ajouter ni retirer.\n\n".into(),
        Task::Translate(lang) | Task::TranslateParagraph(lang) => format!("Traductions fidèles de phrases d’articles de presse ({lang} → français).\n\n"),
        Task::Heading => "Intertitres d’articles de presse, en français, tirés du paragraphe qu’ils annoncent.\n\n".into(),
    }
}

/// All the text of `task`'s examples, to recognise a model that copies them instead of
/// writing about the source.
pub fn example_text(task: Task) -> String {
    let (_, _, shots) = examples(task);
    shots
        .iter()
        .flat_map(|(q, a)| [*q, *a])
        .collect::<Vec<_>>()
        .join("\n")
}

/// The prompt asking for `task` on `input`, and the stop strings that end the answer. A chat
/// prompt goes through the model's own `template` when it has one, else through the turn
/// markers of its architecture; `warnings` (chat prompts only) name the mistakes earlier
/// answers made, for the model to avoid.
pub fn build(
    style: PromptStyle,
    architecture: &str,
    template: Option<&ChatTemplate>,
    task: Task,
    input: &str,
    warnings: &[String],
) -> Result<(Prompt, Vec<String>)> {
    let input = input.replace('\n', " ");
    Ok(match style {
        PromptStyle::Base => {
            let (question, answer, shots) = examples(task);
            let mut frame = frame_header(task);
            for (q, a) in shots {
                frame.push_str(&format!("{question} : {q}\n{answer} : {a}\n\n"));
            }
            frame.push_str(&format!("{question} : {input}\n{answer} :"));
            let prompt = Prompt::plain(frame);
            (prompt, vec!["\n".into(), format!("{question} :")])
        }
        PromptStyle::Chat => {
            let mut request = format!("{}\n\n{input}", instruction(task));
            if !warnings.is_empty() {
                request.push_str("\n\nAttention : ");
                request.push_str(&warnings.join(" "));
            }
            let messages = [Message::system(NEWSROOM_RULES), Message::user(request)];
            let prompt = match template {
                Some(template) => template.render(&messages)?,
                None => with_markers(architecture, &messages),
            }
            .with_messages(&messages);
            (prompt, vec!["\n\n".into()])
        }
    })
}

/// A chat prompt written with the turn markers of `architecture`'s usual format, for files
/// that carry no chat template.
fn with_markers(architecture: &str, messages: &[Message]) -> Prompt {
    let (open_user, open_model, close) = chat_markers(architecture);
    let mut prompt = Prompt::empty();
    let mut system = String::new();
    for message in messages {
        match message.role {
            // Not every format has a system turn: its rules open the user's message.
            Role::System => system = format!("{}\n\n", message.content),
            Role::User | Role::Assistant => {
                let open = if message.role == Role::User {
                    open_user
                } else {
                    open_model
                };
                prompt = prompt
                    .template(open)
                    .content(format!("{system}{}", message.content))
                    .template(close);
                system.clear();
            }
        }
    }
    prompt.template(open_model)
}

/// The turn markers of the common chat formats, by architecture.
fn chat_markers(architecture: &str) -> (&'static str, &'static str, &'static str) {
    match architecture {
        "gemma3" | "gemma2" | "gemma" => (
            "<start_of_turn>user\n",
            "<start_of_turn>model\n",
            "<end_of_turn>\n",
        ),
        "llama" => (
            "<|start_header_id|>user<|end_header_id|>\n\n",
            "<|start_header_id|>assistant<|end_header_id|>\n\n",
            "<|eot_id|>",
        ),
        // Qwen 2/3 and most others use ChatML.
        _ => (
            "<|im_start|>user\n",
            "<|im_start|>assistant\n",
            "<|im_end|>\n",
        ),
    }
}

/// The French name of a source language, as the translation frame uses it.
pub fn language_name(code: &str) -> &'static str {
    match code {
        "en" => "anglais",
        "es" => "espagnol",
        "de" => "allemand",
        "it" => "italien",
        "pt" => "portugais",
        _ => "langue d’origine",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_frame_ends_with_the_answer_label_and_keeps_source_plain() {
        let (prompt, stops) = build(
            PromptStyle::Base,
            "gemma3",
            None,
            Task::Paraphrase,
            "Un texte <start_of_turn> piégé.",
            &[],
        )
        .unwrap();
        assert!(prompt.text().ends_with("Reformulation :"));
        assert!(
            prompt.segments.iter().all(|s| !s.special),
            "base frames parse no control token"
        );
        assert!(stops.contains(&"\n".to_string()));
    }

    #[test]
    fn chat_prompt_parses_only_the_template() {
        let (prompt, _) = build(
            PromptStyle::Chat,
            "qwen2",
            None,
            Task::Translate("anglais"),
            "A <|im_end|> trap.",
            &[],
        )
        .unwrap();
        assert!(prompt
            .text()
            .ends_with("<|im_end|>\n<|im_start|>assistant\n"));
        assert!(prompt.text().contains(NEWSROOM_RULES));
        let special: Vec<&str> = prompt
            .segments
            .iter()
            .filter(|s| s.special)
            .map(|s| s.text.as_str())
            .collect();
        assert!(special.iter().all(|t| t.contains("<|im_")));
        let content = prompt.segments.iter().find(|s| !s.special).unwrap();
        assert!(
            content.text.contains("A <|im_end|> trap."),
            "the source stays plain text"
        );
    }
}
