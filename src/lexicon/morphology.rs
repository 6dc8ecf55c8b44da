//! Lemmas from a Hunspell dictionary: the `.dic` lists stems (infinitives, masculine
//! singulars) with the flags of the suffix rules of the `.aff` that inflect them, so a word's
//! lemma is found by undoing each suffix rule that could have made it and looking the stem up
//! with that rule's flag. One level of suffixes is enough for the Dicollecte French
//! dictionary, whose rules give every form of a verb from its infinitive; elisions (l’, d’)
//! are split off before.

use std::collections::HashMap;

/// How the `.aff` writes flags.
#[derive(Debug, Clone, Copy)]
enum FlagKind {
    /// One character each (the default, and `FLAG UTF-8`).
    Char,
    /// Two characters each (`FLAG long`).
    Long,
    /// Decimal numbers separated by commas (`FLAG num`).
    Num,
}

impl FlagKind {
    fn split(self, flags: &str) -> Vec<String> {
        match self {
            FlagKind::Char => flags.chars().map(String::from).collect(),
            FlagKind::Long => {
                let chars: Vec<char> = flags.chars().collect();
                chars.chunks(2).map(|c| c.iter().collect()).collect()
            }
            FlagKind::Num => flags.split(',').map(|f| f.trim().to_string()).collect(),
        }
    }
}

/// One character of a rule's condition.
#[derive(Debug, Clone)]
enum CharClass {
    Any,
    Is(char),
    OneOf(Vec<char>),
    NoneOf(Vec<char>),
}

impl CharClass {
    fn matches(&self, c: char) -> bool {
        match self {
            CharClass::Any => true,
            CharClass::Is(x) => *x == c,
            CharClass::OneOf(set) => set.contains(&c),
            CharClass::NoneOf(set) => !set.contains(&c),
        }
    }
}

fn parse_condition(condition: &str) -> Vec<CharClass> {
    let mut out = Vec::new();
    let mut chars = condition.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(CharClass::Any),
            '[' => {
                let mut set = Vec::new();
                let mut negated = false;
                for (i, d) in chars.by_ref().enumerate() {
                    if d == ']' {
                        break;
                    }
                    if i == 0 && d == '^' {
                        negated = true;
                    } else {
                        set.push(d);
                    }
                }
                out.push(if negated {
                    CharClass::NoneOf(set)
                } else {
                    CharClass::OneOf(set)
                });
            }
            c => out.push(CharClass::Is(c)),
        }
    }
    out
}

/// A suffix rule: remove `strip` from the stem, add `add`, when the stem ends as `condition`.
#[derive(Debug, Clone)]
struct SuffixRule {
    flag: String,
    strip: String,
    condition: Vec<CharClass>,
}

impl SuffixRule {
    /// Whether `stem` (the word with the rule undone) meets the condition.
    fn admits(&self, stem: &str) -> bool {
        let chars: Vec<char> = stem.chars().collect();
        if self.condition.len() > chars.len() {
            return false;
        }
        let tail = &chars[chars.len() - self.condition.len()..];
        tail.iter()
            .zip(&self.condition)
            .all(|(c, class)| class.matches(*c))
    }
}

/// A dictionary entry: its flags and its part of speech (`po:` field), if given.
#[derive(Debug, Clone)]
struct Entry {
    flags: Vec<String>,
    pos: Option<String>,
}

/// A word's lemma and its part of speech (Dicollecte's `po:` codes: `nom`, `adj`, `v1_…`,
/// `adv`…; `None` when the dictionary gives none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lemma {
    pub text: String,
    pub pos: Option<String>,
}

/// A Hunspell dictionary read for its lemmas.
#[derive(Debug, Default)]
pub struct Morphology {
    entries: HashMap<String, Vec<Entry>>,
    /// Suffix rules by the text they add (without its continuation flags).
    rules: HashMap<String, Vec<SuffixRule>>,
    longest_add: usize,
}

impl Morphology {
    /// Reads a dictionary from the text of its `.aff` and `.dic` files.
    pub fn parse(aff: &str, dic: &str) -> Morphology {
        let mut kind = FlagKind::Char;
        let mut aliases: Vec<Vec<String>> = Vec::new();
        let mut rules: HashMap<String, Vec<SuffixRule>> = HashMap::new();
        let mut longest_add = 0;
        for line in aff.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                ["FLAG", "long", ..] => kind = FlagKind::Long,
                ["FLAG", "num", ..] => kind = FlagKind::Num,
                ["AF", flags, ..] if !flags.chars().all(|c| c.is_ascii_digit()) => {
                    aliases.push(kind.split(flags));
                }
                ["SFX", flag, strip, add, condition, ..] => {
                    let add = add.split('/').next().unwrap_or("");
                    let add = if add == "0" { "" } else { add };
                    let strip = if *strip == "0" { "" } else { strip };
                    longest_add = longest_add.max(add.chars().count());
                    rules.entry(add.to_string()).or_default().push(SuffixRule {
                        flag: flag.to_string(),
                        strip: strip.to_string(),
                        condition: parse_condition(condition),
                    });
                }
                _ => {}
            }
        }
        let mut entries: HashMap<String, Vec<Entry>> = HashMap::new();
        for line in dic.lines().skip(1) {
            if line.starts_with(['\t', ' ', '#']) || line.is_empty() {
                continue;
            }
            let (head, morph) = line.split_once(['\t', ' ']).unwrap_or((line, ""));
            let (word, flags) = head.split_once('/').unwrap_or((head, ""));
            let flags = match flags.parse::<usize>() {
                Ok(n) if !aliases.is_empty() => aliases.get(n - 1).cloned().unwrap_or_default(),
                _ => kind.split(flags),
            };
            let pos = morph
                .split_whitespace()
                .find_map(|f| f.strip_prefix("po:"))
                .map(str::to_string);
            entries
                .entry(word.to_string())
                .or_default()
                .push(Entry { flags, pos });
        }
        Morphology {
            entries,
            rules,
            longest_add,
        }
    }

    /// Whether the dictionary has a form of `word` (as written, or in lower case).
    pub fn knows(&self, word: &str) -> bool {
        !self.lemmas(word).is_empty()
    }

    /// The lemmas `word` may be a form of: itself when the dictionary lists it, and every stem
    /// that one of its suffix rules inflects into `word`. Tries the word as written and in
    /// lower case.
    pub fn lemmas(&self, word: &str) -> Vec<Lemma> {
        let mut out: Vec<Lemma> = Vec::new();
        let lower = word.to_lowercase();
        for form in [word, lower.as_str()] {
            self.lemmas_of(form, &mut out);
        }
        out
    }

    /// Every word the dictionary makes: each entry as listed, and each form one of its suffix
    /// rules gives it (in no particular order, possibly twice).
    pub fn forms(&self) -> Vec<String> {
        let mut by_flag: HashMap<&str, Vec<(&str, &SuffixRule)>> = HashMap::new();
        for (add, rules) in &self.rules {
            for rule in rules {
                by_flag.entry(&rule.flag).or_default().push((add, rule));
            }
        }
        let mut out = Vec::new();
        for (word, entries) in &self.entries {
            out.push(word.clone());
            for flag in entries.iter().flat_map(|e| &e.flags) {
                for (add, rule) in by_flag.get(flag.as_str()).into_iter().flatten() {
                    if let Some(body) = word.strip_suffix(rule.strip.as_str()) {
                        if rule.admits(word) {
                            out.push(format!("{body}{add}"));
                        }
                    }
                }
            }
        }
        out
    }

    fn lemmas_of(&self, word: &str, out: &mut Vec<Lemma>) {
        let mut push = |text: &str, entry: &Entry| {
            let lemma = Lemma {
                text: text.to_string(),
                pos: entry.pos.clone(),
            };
            if !out.contains(&lemma) {
                out.push(lemma);
            }
        };
        if let Some(entries) = self.entries.get(word) {
            for entry in entries {
                push(word, entry);
            }
        }
        let chars: Vec<char> = word.chars().collect();
        for k in 0..=self.longest_add.min(chars.len()) {
            let (body, add) = chars.split_at(chars.len() - k);
            let add: String = add.iter().collect();
            let Some(rules) = self.rules.get(&add) else {
                continue;
            };
            let body: String = body.iter().collect();
            for rule in rules {
                let stem = format!("{body}{}", rule.strip);
                if stem.is_empty() || !rule.admits(&stem) {
                    continue;
                }
                if let Some(entries) = self.entries.get(&stem) {
                    for entry in entries.iter().filter(|e| e.flags.contains(&rule.flag)) {
                        push(&stem, entry);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFF: &str = "SET UTF-8\nFLAG long\n\
        SFX S. Y 2\nSFX S. 0 0 [^sxz] is:sg\nSFX S. 0 s [^sxz] is:pl\n\
        SFX a0 Y 3\nSFX a0 er er/n'd' er po:infi\nSFX a0 er é er po:ppas\nSFX a0 er ent er po:ipre\n";
    const DIC: &str = "3\nmaintien/S. po:nom is:mas\ntraiter/a0 po:v1\nchat/S. po:nom\n";

    fn texts(m: &Morphology, w: &str) -> Vec<String> {
        m.lemmas(w).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn undoes_one_suffix_rule() {
        let m = Morphology::parse(AFF, DIC);
        assert_eq!(texts(&m, "traité"), ["traiter"]);
        assert_eq!(texts(&m, "traitent"), ["traiter"]);
        assert_eq!(texts(&m, "maintiens"), ["maintien"]);
        assert_eq!(texts(&m, "Chats"), ["chat"]);
        assert!(m.lemmas("traitons").is_empty(), "no rule makes it");
        assert!(m.lemmas("chiens").is_empty());
        assert_eq!(m.lemmas("traiter")[0].pos.as_deref(), Some("v1"));
    }

    #[test]
    fn makes_every_form_its_rules_give() {
        let m = Morphology::parse(AFF, DIC);
        let mut forms = m.forms();
        forms.sort();
        forms.dedup();
        assert_eq!(
            forms,
            [
                "chat",
                "chats",
                "maintien",
                "maintiens",
                "traitent",
                "traiter",
                "traité"
            ]
        );
    }

    #[test]
    fn conditions_are_read() {
        let c = parse_condition("[^sxz]e.");
        let rule = SuffixRule {
            flag: "x".into(),
            strip: String::new(),
            condition: c,
        };
        assert!(rule.admits("tael"));
        assert!(!rule.admits("tsel"), "s before e is excluded");
        assert!(!rule.admits("el"), "too short");
    }
}
