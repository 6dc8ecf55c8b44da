//! Words that say the opposite: a candidate that says « ouvert » where its original says only
//! *geschlossen* (the 1.5B's « est toujours ouvert à la nuit » for *bleibt am Abend
//! geschlossen*) inverts the fact with no negation for the polarity check to see. A few
//! opposite senses that news turns on (open/closed, up/down, approved/rejected), each with the
//! forms that say it unambiguously in the six source languages; a form that is also a common
//! word of another sense (« ferme », a farm; *baja*, low; *Schloss*, a castle; *cala*, a cove)
//! is left out.

use crate::analysis::text::phrase_tokens;
use crate::source::Lang;

/// One sense: its forms by language (lower case, as [`phrase_tokens`] gives them).
struct Sense {
    fr: &'static [&'static str],
    en: &'static [&'static str],
    de: &'static [&'static str],
    es: &'static [&'static str],
    it: &'static [&'static str],
    pt: &'static [&'static str],
}

impl Sense {
    fn forms(&self, lang: Lang) -> &'static [&'static str] {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
            Lang::De => self.de,
            Lang::Es => self.es,
            Lang::It => self.it,
            Lang::Pt => self.pt,
            Lang::Other => &[],
        }
    }

    /// The first of `tokens` that says this sense in `lang`.
    fn said_in<'t>(&self, tokens: &'t [String], lang: Lang) -> Option<&'t String> {
        let forms = self.forms(lang);
        tokens.iter().find(|t| forms.contains(&t.as_str()))
    }
}

const OPEN: Sense = Sense {
    fr: &[
        "ouvert",
        "ouverte",
        "ouverts",
        "ouvertes",
        "ouvre",
        "ouvrent",
        "ouvrir",
        "ouvrira",
        "ouvriront",
        "ouvrait",
        "ouvraient",
        "ouvrirait",
        "ouverture",
        "rouvert",
        "rouverte",
        "rouvre",
        "rouvrent",
        "rouvrir",
        "rouvrira",
        "réouverture",
    ],
    en: &[
        "open",
        "opens",
        "opened",
        "reopen",
        "reopens",
        "reopened",
        "reopening",
    ],
    de: &[
        "geöffnet",
        "öffnet",
        "öffnen",
        "offen",
        "eröffnet",
        "wiedereröffnet",
        "öffnung",
        "öffnungszeiten",
    ],
    es: &[
        "abierto",
        "abierta",
        "abiertos",
        "abiertas",
        "abre",
        "abren",
        "abrirá",
        "abrirán",
        "abrir",
        "apertura",
        "reabre",
        "reabrirá",
        "reapertura",
    ],
    it: &[
        "aperto",
        "aperta",
        "aperti",
        "aperte",
        "apre",
        "aprono",
        "aprirà",
        "apriranno",
        "aprire",
        "apertura",
        "riapre",
        "riaprirà",
        "riapertura",
    ],
    pt: &[
        "aberto",
        "aberta",
        "abertos",
        "abertas",
        "abre",
        "abrem",
        "abrirá",
        "abrir",
        "abertura",
        "reabre",
        "reabertura",
    ],
};

const CLOSED: Sense = Sense {
    fr: &[
        "fermé",
        "fermée",
        "fermés",
        "fermées",
        "ferment",
        "fermer",
        "fermera",
        "fermeront",
        "fermait",
        "fermaient",
        "fermerait",
        "fermeture",
    ],
    en: &["closed", "closes", "closure", "shut", "shuts"],
    de: &[
        "geschlossen",
        "schließt",
        "schließen",
        "schließung",
        "geschlossene",
    ],
    es: &[
        "cerrado",
        "cerrada",
        "cerrados",
        "cerradas",
        "cierra",
        "cierran",
        "cerrará",
        "cerrarán",
        "cerrar",
        "cierre",
    ],
    it: &[
        "chiuso",
        "chiusa",
        "chiusi",
        "chiuse",
        "chiude",
        "chiudono",
        "chiuderà",
        "chiuderanno",
        "chiudere",
        "chiusura",
    ],
    pt: &[
        "fechado",
        "fechada",
        "fechados",
        "fechadas",
        "fecha",
        "fecham",
        "fechará",
        "fechar",
        "fechamento",
        "encerrado",
        "encerrada",
    ],
};

const UP: Sense = Sense {
    fr: &[
        "hausse",
        "augmente",
        "augmentent",
        "augmenté",
        "augmentée",
        "augmentera",
        "augmentation",
        "progresse",
        "progressé",
        "grimpe",
        "grimpé",
        "croissance",
    ],
    en: &[
        "rise",
        "rises",
        "rose",
        "risen",
        "increase",
        "increases",
        "increased",
        "grew",
        "growth",
    ],
    de: &[
        "steigt",
        "stieg",
        "gestiegen",
        "anstieg",
        "erhöht",
        "erhöhung",
        "wächst",
        "zunahme",
        "zugenommen",
    ],
    es: &[
        "sube",
        "subió",
        "aumenta",
        "aumentó",
        "aumento",
        "alza",
        "crece",
        "creció",
        "incremento",
    ],
    it: &[
        "aumenta",
        "aumentato",
        "aumentata",
        "aumento",
        "cresce",
        "cresciuto",
        "crescita",
        "rincaro",
    ],
    pt: &[
        "aumenta", "aumentou", "aumento", "sobe", "subiu", "cresce", "cresceu",
    ],
};

const DOWN: Sense = Sense {
    fr: &[
        "baisse",
        "baissé",
        "baissent",
        "diminue",
        "diminuent",
        "diminué",
        "diminution",
        "recul",
        "recule",
        "reculé",
        "chute",
        "chuté",
    ],
    en: &[
        "fall",
        "falls",
        "fell",
        "fallen",
        "drop",
        "drops",
        "dropped",
        "decline",
        "declined",
        "decrease",
        "decreased",
    ],
    de: &[
        "sinkt",
        "sank",
        "gesunken",
        "rückgang",
        "gesenkt",
        "abnahme",
        "abgenommen",
    ],
    es: &[
        "bajó",
        "descenso",
        "disminuye",
        "disminuyó",
        "disminución",
        "cayó",
        "caída",
    ],
    it: &[
        "calo",
        "calato",
        "diminuisce",
        "diminuito",
        "diminuzione",
        "sceso",
        "scende",
    ],
    pt: &[
        "caiu",
        "queda",
        "diminui",
        "diminuiu",
        "diminuição",
        "baixou",
        "recuo",
    ],
};

const APPROVED: Sense = Sense {
    fr: &[
        "approuvé",
        "approuvée",
        "approuve",
        "approuvent",
        "adopté",
        "adoptée",
        "adopte",
        "accepté",
        "acceptée",
        "validé",
        "validée",
    ],
    en: &["approved", "approves", "adopted", "accepted", "endorsed"],
    de: &[
        "zugestimmt",
        "genehmigt",
        "genehmigte",
        "beschlossen",
        "angenommen",
        "billigte",
    ],
    es: &[
        "aprobó", "aprobado", "aprobada", "aprueba", "aceptó", "aceptado",
    ],
    it: &[
        "approvato",
        "approvata",
        "approva",
        "accettato",
        "accettata",
    ],
    pt: &[
        "aprovou", "aprovado", "aprovada", "aprova", "aceitou", "aceito",
    ],
};

const REJECTED: Sense = Sense {
    fr: &[
        "rejeté",
        "rejetée",
        "rejette",
        "rejettent",
        "refusé",
        "refusée",
        "refuse",
        "refusent",
    ],
    en: &["rejected", "rejects", "refused", "refuses"],
    de: &["abgelehnt", "ablehnung", "verweigert"],
    es: &["rechazó", "rechazado", "rechazada", "rechaza", "denegó"],
    it: &[
        "respinto",
        "respinta",
        "respinge",
        "bocciato",
        "bocciata",
        "rifiutato",
    ],
    pt: &["rejeitou", "rejeitado", "rejeitada", "rejeita", "recusou"],
};

/// The opposite senses, in pairs.
const PAIRS: [(&Sense, &Sense); 3] = [(&OPEN, &CLOSED), (&UP, &DOWN), (&APPROVED, &REJECTED)];

/// A word of `candidate` (French) whose sense its `original` (in `lang`) does not say while it
/// says the opposite one, and that word of the original: (« ouvert », « geschlossen »). `None`
/// when the candidate also says the original's sense (« la ferme reste ouverte malgré la
/// fermeture de la route »), or says no sense the original opposes.
pub fn opposite(candidate: &str, original: &str, lang: Lang) -> Option<(String, String)> {
    let ours = phrase_tokens(candidate);
    let theirs = phrase_tokens(original);
    PAIRS.iter().find_map(|&(a, b)| {
        [(a, b), (b, a)].into_iter().find_map(|(said, opposed)| {
            let word = said.said_in(&ours, Lang::Fr)?;
            if said.said_in(&theirs, lang).is_some() || opposed.said_in(&ours, Lang::Fr).is_some() {
                return None;
            }
            let theirs = opposed.said_in(&theirs, lang)?;
            Some((word.clone(), theirs.clone()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inverted_fact_is_caught() {
        let de = "Auch die Kinderbücherei im Obergeschoss bleibt am Abend geschlossen.";
        assert_eq!(
            opposite(
                "Le magasin de la salle supérieure est toujours ouvert à la nuit.",
                de,
                Lang::De
            ),
            Some(("ouvert".into(), "geschlossen".into()))
        );
        assert_eq!(
            opposite(
                "La bibliothèque des enfants, à l’étage, reste fermée le soir.",
                de,
                Lang::De
            ),
            None
        );
        let es = "Las ventas cayeron un 12 %; la facturación bajó en todas las tiendas.";
        assert!(opposite("Les ventes ont augmenté de 12 %.", es, Lang::Es).is_some());
        let fr = "Le conseil a rejeté le projet de parking.";
        assert_eq!(
            opposite("Le conseil a approuvé le projet de parking.", fr, Lang::Fr),
            Some(("approuvé".into(), "rejeté".into()))
        );
        assert_eq!(
            opposite(
                "Le projet de parking a été refusé par le conseil.",
                fr,
                Lang::Fr
            ),
            None
        );
    }

    #[test]
    fn a_sense_the_original_also_says_passes() {
        // Both senses in the original: the candidate may say either.
        let en = "The bridge closed in May and reopened on Monday.";
        assert_eq!(opposite("Le pont a rouvert lundi.", en, Lang::En), None);
        // « Schloss » is a castle before it is a past « closed ».
        let de = "Das Schloss empfängt Besucher von Mai bis Oktober.";
        assert_eq!(
            opposite(
                "Le château, ouvert de mai à octobre, accueille des visiteurs.",
                de,
                Lang::De
            ),
            None
        );
        // No sense in the original: nothing to invert.
        let it = "Il museo accoglie 300 visitatori al giorno.";
        assert_eq!(
            opposite(
                "Le musée est ouvert à 300 visiteurs par jour.",
                it,
                Lang::It
            ),
            None
        );
    }
}
