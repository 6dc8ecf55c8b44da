//! Numbers and dates, normalised to a canonical digit form so that « 1 000 », « 1000 »
//! and (English) « 1,000 » compare equal, as do « 3,5 » and « 3.5 ». Dates (day and
//! month name in French, English, Spanish or German, with an optional year) become
//! `MM-DD`. Number words (« deux », « three ») in a source count as numbers; in the
//! article they are not checked.

use std::sync::LazyLock;

use regex::Regex;

use crate::analysis::lists::{MONTHS, NUMBER_MULTIPLIERS, NUMBER_WORDS};
use crate::analysis::text::fold;
use crate::source::lang::Lang;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{1,3}(?:[ \u{a0}\u{202f}]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*").unwrap()
});

static MONTH_ALT: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<&str> = MONTHS.keys().copied().collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
});

static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(\d{{1,2}})(?:er|re|st|nd|rd|th|\.)?\s+(?:de\s+)?({})\b\.?(?:\s+(?:de\s+)?(\d{{4}}))?",
        *MONTH_ALT
    ))
    .unwrap()
});

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?",
        *MONTH_ALT
    ))
    .unwrap()
});

/// A number found in a text: as written, and canonical.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The text as written (« 1 000 »).
    pub raw: String,
    /// The canonical form (`1000`, `3.5`).
    pub canonical: String,
    /// The canonical form times a following multiplier word (« 2 millions » → `2000000`).
    pub scaled: Option<String>,
}

/// The canonical form of a number as written in a text in `lang`.
pub fn canonical(raw: &str, lang: Lang) -> String {
    let s: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let (int, frac): (String, String) = if dots > 0 && commas > 0 {
        let last = s.rfind(['.', ',']).unwrap_or(s.len());
        (s[..last].replace(['.', ','], ""), s[last + 1..].to_string())
    } else if dots + commas == 0 {
        (s.clone(), String::new())
    } else if dots + commas > 1 {
        (s.replace(['.', ','], ""), String::new())
    } else {
        let sep = if dots == 1 { '.' } else { ',' };
        let (a, b) = s.split_once(sep).unwrap_or((&s, ""));
        let thousands = b.len() == 3
            && (1..=3).contains(&a.len())
            && match sep {
                ',' => lang == Lang::En,
                _ => lang != Lang::En,
            };
        if thousands {
            (format!("{a}{b}"), String::new())
        } else {
            (a.to_string(), b.to_string())
        }
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

fn scale(canonical: &str, by: u64) -> Option<String> {
    let value: f64 = canonical.parse().ok()?;
    let scaled = value * by as f64;
    (scaled.fract() == 0.0 && scaled < 1e18).then(|| format!("{}", scaled as u64))
}

/// The multiplier word that starts `text`, if any (« millions » → 10⁶). Spanish and
/// Portuguese say a thousand millions for a milliard: « mil millones », « mil milhões ».
fn multiplier_after(text: &str) -> Option<u64> {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len());
    let k = *NUMBER_MULTIPLIERS.get(fold(&text[..end]).as_str())?;
    let rest = &text[end..];
    let next: String = rest
        .strip_prefix(' ')
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    match fold(&next).as_str() {
        "millones" | "milhoes" if k == 1000 => Some(1_000_000_000),
        _ => Some(k),
    }
}

/// The runs of digits of `text` that are numbers: not glued after a letter (« M31 »).
fn digit_runs(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    NUMBER.find_iter(text).filter(|m| {
        !text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
    })
}

/// The numbers written with digits in `text`. Digits glued after a letter (« M31 »)
/// are part of a name and skipped.
pub fn numbers(text: &str, lang: Lang) -> Vec<Number> {
    let mut out = Vec::new();
    for m in digit_runs(text) {
        let raw = m.as_str().trim().to_string();
        let canonical = canonical(&raw, lang);
        let scaled = multiplier_after(&text[m.end()..]).and_then(|k| scale(&canonical, k));
        out.push(Number {
            raw,
            canonical,
            scaled,
        });
    }
    out
}

/// Values of the number words of `text` (« deux » → `2`, « two million » → `2`,
/// `1000000` and `2000000`).
pub fn number_words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if let Some(&v) = NUMBER_WORDS.get(w) {
            out.push(v.to_string());
            if let Some(next) = words.get(i + 1) {
                if let Some(k) = NUMBER_MULTIPLIERS.get(next) {
                    out.push((v * k).to_string());
                }
            }
        }
    }
    out
}

/// What a number may count, and the words (folded) that say it in the languages plume reads.
const UNITS: [(&str, &[&str]); 8] = [
    (
        "hour",
        &[
            "heure", "heures", "h", "hour", "hours", "stunde", "stunden", "uhr", "hora", "horas",
            "ora", "ore",
        ],
    ),
    (
        "minute",
        &[
            "minute", "minutes", "min", "minuten", "minuto", "minutos", "minuti",
        ],
    ),
    (
        "day",
        &[
            "jour", "jours", "journee", "journees", "day", "days", "tag", "tage", "tagen", "dia",
            "dias", "giorno", "giorni",
        ],
    ),
    (
        "week",
        &[
            "semaine",
            "semaines",
            "week",
            "weeks",
            "woche",
            "wochen",
            "semana",
            "semanas",
            "settimana",
            "settimane",
        ],
    ),
    (
        "month",
        &[
            "mois", "month", "months", "monat", "monate", "monaten", "mes", "meses", "mese", "mesi",
        ],
    ),
    (
        "year",
        &[
            "an", "ans", "annee", "annees", "year", "years", "jahr", "jahre", "jahren", "ano",
            "anos", "anno", "anni",
        ],
    ),
    (
        "percent",
        &[
            "%", "cent", "pourcent", "percent", "prozent", "ciento", "cento",
        ],
    ),
    (
        "kilometre",
        &[
            "km",
            "kilometre",
            "kilometres",
            "kilometer",
            "kilometers",
            "kilometern",
            "kilometro",
            "kilometros",
            "chilometro",
            "chilometri",
            "quilometro",
            "quilometros",
        ],
    ),
];

/// The unit of the word that starts `text` (after spaces, a hyphen or « pour »/*per*/*por*:
/// « 72-hour », « 9 pour cent »), if it is one, and where that word ends in `text`.
fn unit_after(text: &str) -> Option<(&'static str, usize)> {
    let mut rest = text.trim_start_matches([' ', '\u{a0}', '\u{202f}', '-']);
    if rest.starts_with('%') {
        return Some(("percent", text.len() - rest.len() + 1));
    }
    for per in ["pour ", "per ", "por "] {
        rest = rest.strip_prefix(per).unwrap_or(rest);
    }
    let end = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let word = fold(&rest[..end]);
    UNITS
        .iter()
        .find(|(_, words)| words.contains(&word.as_str()))
        .map(|(unit, _)| (*unit, text.len() - rest.len() + end))
}

/// The numbers of `text` that count a unit (hours, days, years, per cent…), in digits or in
/// words: (the canonical value, the unit, the number and its unit as written); « an fünf
/// Tagen » gives `("5", "day", "fünf Tagen")`. « un », « one », whose value is also an
/// article, are left out.
pub fn counted(text: &str, lang: Lang) -> Vec<(String, &'static str, String)> {
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}+").unwrap());
    let mut out = Vec::new();
    for m in digit_runs(text) {
        if let Some((unit, len)) = unit_after(&text[m.end()..]) {
            let raw = text[m.start()..m.end() + len].trim().to_string();
            out.push((canonical(m.as_str(), lang), unit, raw));
        }
    }
    for m in WORD.find_iter(text) {
        let Some(&value) = NUMBER_WORDS.get(fold(m.as_str()).as_str()) else {
            continue;
        };
        if value == 1 {
            continue;
        }
        if let Some((unit, len)) = unit_after(&text[m.end()..]) {
            out.push((
                value.to_string(),
                unit,
                text[m.start()..m.end() + len].to_string(),
            ));
        }
    }
    out
}

/// The numbers of a French `candidate` that count something else than the same number of its
/// `original` (in `lang`) counts (« 5 heures » for *an fünf Tagen*), as written. A number its
/// original gives no unit, or does not have, is not compared here.
pub fn recounted(candidate: &str, original: &str, lang: Lang) -> Vec<String> {
    let theirs = counted(original, lang);
    counted(candidate, Lang::Fr)
        .into_iter()
        .filter(|(value, unit, _)| {
            let same: Vec<_> = theirs.iter().filter(|(v, _, _)| v == value).collect();
            !same.is_empty() && !same.iter().any(|(_, u, _)| u == unit)
        })
        .map(|(_, _, raw)| raw)
        .collect()
}

/// A date found in a text: as written, and canonical (`MM-DD`).
#[derive(Debug, Clone, PartialEq)]
pub struct Date {
    /// The text as written (lower case).
    pub raw: String,
    /// `MM-DD`.
    pub month_day: String,
}

/// The days of the week of each language plume reads, folded, Monday first.
const WEEKDAY_NAMES: [&[&str]; 7] = [
    &[
        "lundi",
        "monday",
        "lunes",
        "montag",
        "lunedi",
        "segunda-feira",
    ],
    &[
        "mardi",
        "tuesday",
        "martes",
        "dienstag",
        "martedi",
        "terca-feira",
    ],
    &[
        "mercredi",
        "wednesday",
        "miercoles",
        "mittwoch",
        "mercoledi",
        "quarta-feira",
    ],
    &[
        "jeudi",
        "thursday",
        "jueves",
        "donnerstag",
        "giovedi",
        "quinta-feira",
    ],
    &[
        "vendredi",
        "friday",
        "viernes",
        "freitag",
        "venerdi",
        "sexta-feira",
    ],
    &["samedi", "saturday", "sabado", "samstag", "sabato"],
    &["dimanche", "sunday", "domingo", "sonntag", "domenica"],
];

/// The days of the week `text` names, in any of those languages: (0 for Monday … 6, as
/// written).
pub fn weekdays(text: &str) -> Vec<(u8, String)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter_map(|w| {
            let folded = crate::analysis::text::fold(w);
            let day = WEEKDAY_NAMES
                .iter()
                .position(|names| names.contains(&folded.as_str()))?;
            Some((day as u8, w.to_string()))
        })
        .collect()
}

/// The months `text` names by their full name, in any of the languages plume reads: (1 for
/// January … 12, as written). Abbreviations (« jan », « mar », English *may*) are left out,
/// as they are ordinary words too, and English *march* counts only with its capital.
pub fn months(text: &str) -> Vec<(u32, String)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| {
            let lower = w.to_lowercase();
            let month = *MONTHS.get(lower.as_str())?;
            let whole = lower.chars().count() >= 4 || lower == "mai";
            let verb = lower == "march" && !w.starts_with('M');
            (whole && !verb).then(|| (month, w.to_string()))
        })
        .collect()
}

/// Currencies as the languages plume reads write them: symbols and codes, and words (folded)
/// that count only after an amount.
const CURRENCIES: [(&str, &[&str], &[&str]); 8] = [
    ("euro", &["€"], &["euro", "euros", "eur"]),
    (
        "dollar",
        &["$"],
        &[
            "dollar", "dollars", "usd", "dolar", "dolares", "dollaro", "dollari",
        ],
    ),
    (
        "pound",
        &["£"],
        &[
            "pound", "pounds", "gbp", "livre", "livres", "sterling", "pfund", "libra", "libras",
            "sterline", "sterlina",
        ],
    ),
    (
        "franc",
        &[],
        &[
            "franc", "francs", "chf", "franken", "franco", "francos", "franchi",
        ],
    ),
    ("yen", &["¥"], &["yen", "yens", "jpy"]),
    // The Turkish lira, and the Italian one a translation may invent (« 19 millions de lire »
    // for « 19 milioni di euro »).
    ("lira", &["₺"], &["lira", "lire", "lires", "liras", "try"]),
    ("yuan", &[], &["yuan", "yuans", "renminbi", "cny"]),
    (
        "rouble",
        &["₽"],
        &[
            "rouble", "roubles", "ruble", "rubles", "rublo", "rublos", "rubel", "rubli",
        ],
    ),
];

/// The currencies `text` names: (currency, as written). A word counts within three words after
/// a figure (« 240 000 livres », « 2 millions de livres »), a symbol anywhere.
pub fn currencies(text: &str) -> Vec<(&'static str, String)> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let word = crate::analysis::text::fold(token.trim_matches(|c: char| !c.is_alphanumeric()));
        for (id, symbols, words) in CURRENCIES {
            let symbol = symbols.iter().any(|s| token.contains(s));
            let after_amount = words.contains(&word.as_str())
                && tokens[i.saturating_sub(3)..i]
                    .iter()
                    .any(|t| t.chars().any(|c| c.is_ascii_digit()));
            if symbol || after_amount {
                let raw = token.trim_matches(|c: char| ".,;:!?()«»\"“”".contains(c));
                out.push((id, raw.to_string()));
            }
        }
    }
    out
}

/// The dates (day and month name) of `text`.
pub fn dates(text: &str) -> Vec<Date> {
    let folded = text.to_lowercase();
    let mut out = Vec::new();
    let mut push = |raw: &str, day: &str, month: &str| {
        let (Ok(day), Some(month)) = (day.parse::<u32>(), MONTHS.get(month)) else {
            return;
        };
        if (1..=31).contains(&day) {
            out.push(Date {
                raw: raw.trim_end_matches('.').to_string(),
                month_day: format!("{month:02}-{day:02}"),
            });
        }
    };
    for c in DAY_MONTH.captures_iter(&folded) {
        push(&c[0], &c[1], &c[2]);
    }
    for c in MONTH_DAY.captures_iter(&folded) {
        push(&c[0], &c[2], &c[1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str, lang: Lang) -> Vec<String> {
        numbers(text, lang)
            .into_iter()
            .map(|n| n.canonical)
            .collect()
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(
            canon("1 000 et 1\u{202f}000 et 1000", Lang::Fr),
            vec!["1000", "1000", "1000"]
        );
        assert_eq!(
            canon("1,000 people and 3.5 %", Lang::En),
            vec!["1000", "3.5"]
        );
        assert_eq!(canon("3,5 % et 3,50", Lang::Fr), vec!["3.5", "3.5"]);
        assert_eq!(
            canon("1.000 Menschen, 2,5 Prozent", Lang::De),
            vec!["1000", "2.5"]
        );
        assert_eq!(canon("1,234,567.89", Lang::En), vec!["1234567.89"]);
        assert_eq!(
            canon("le 1er mars, 12 %, en 2024.", Lang::Fr),
            vec!["1", "12", "2024"]
        );
        assert_eq!(canon("M31 et NGC 3992", Lang::Fr), vec!["3992"]);
        assert_eq!(canon("", Lang::Fr), Vec::<String>::new());
    }

    #[test]
    fn multipliers_and_words() {
        let n = numbers("2 millions d’euros", Lang::Fr);
        assert_eq!(n[0].scaled.as_deref(), Some("2000000"));
        let words = number_words("two million people");
        assert!(words.contains(&"2".to_string()) && words.contains(&"2000000".to_string()));
        assert_eq!(number_words("deux ans"), vec!["2"]);
    }

    #[test]
    fn numbers_that_count_a_unit() {
        let units = |t: &str, lang| {
            counted(t, lang)
                .into_iter()
                .map(|(v, u, raw)| format!("{v} {u} {raw}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            units(
                "an fünf Tagen pro Woche bis 20 Uhr, von 34 auf 52 Stunden",
                Lang::De
            ),
            ["20 hour 20 Uhr", "52 hour 52 Stunden", "5 day fünf Tagen"]
        );
        assert_eq!(
            units("a 72-hour strike, 9 per cent, 4 km", Lang::En),
            [
                "72 hour 72-hour",
                "9 percent 9 per cent",
                "4 kilometre 4 km"
            ]
        );
        assert_eq!(
            units("de 5 heures à 20 h, 6,5 %", Lang::Fr),
            ["5 hour 5 heures", "20 hour 20 h", "6.5 percent 6,5 %"]
        );
        assert!(units("une heure, 16 novembre, 1,2 million d’heures", Lang::Fr).is_empty());
    }

    #[test]
    fn finds_dates_in_four_languages() {
        let md = |t: &str| {
            dates(t)
                .into_iter()
                .map(|d| d.month_day)
                .collect::<Vec<_>>()
        };
        assert_eq!(md("le 1er mars 2024"), vec!["03-01"]);
        assert_eq!(md("on March 12, 2024"), vec!["03-12"]);
        assert_eq!(md("el 12 de marzo de 2024"), vec!["03-12"]);
        assert_eq!(md("am 12. März 2024"), vec!["03-12"]);
        assert_eq!(md("le 14 juillet"), vec!["07-14"]);
        assert!(md("sept ans").is_empty());
        assert_eq!(md("le 3 février."), vec!["02-03"]);
        assert_eq!(dates("Le 3 Août.")[0].raw, "3 août");
    }

    #[test]
    fn finds_months_by_their_full_name_in_six_languages() {
        let ms = |t: &str| months(t).into_iter().map(|m| m.0).collect::<Vec<_>>();
        assert_eq!(ms("Entre décembre et février, en mai"), vec![12, 2, 5]);
        assert_eq!(ms("In March, prices rose; in May they fell"), vec![3]);
        assert_eq!(
            ms("Thousands march; prices may fall in Jan."),
            Vec::<u32>::new()
        );
        assert_eq!(ms("a gennaio e a março, im Dezember"), vec![1, 3, 12]);
        assert_eq!(ms("Marco Rossi ha parlato"), Vec::<u32>::new());
    }
}
