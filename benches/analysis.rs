//! The analysis behind `plume check` and the rewrite's own verification, on a 1,000-word French
//! news article: parsing, every assessment with a keyphrase and a source (faithfulness
//! included), and the faithfulness check alone on one paragraph.
//!
//! `cargo bench --bench analysis` (add `-- --quick` for a rough pass).

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use plume::analysis::{analyze, CheckOptions, Document};
use plume::facts::Facts;

/// The source dispatch the article is written from.
const SOURCE: &str = "Lyon, 14 mars 2025. La métropole de Lyon a présenté mardi un plan de 120 millions d’euros \
pour rénover ses piscines municipales d’ici 2030. Bruno Bernard, président de la métropole, a déclaré : \
« Nous voulons que chaque enfant sache nager en entrant au collège. » Le plan prévoit la rénovation de \
11 bassins, dont la piscine du Rhône, fermée depuis 2022, et la construction de 2 nouveaux équipements à \
Vénissieux et à Villeurbanne. Selon la Fédération française de natation, un élève de sixième sur quatre ne \
sait pas nager. Les travaux commenceront en septembre. L’association Eau Libre salue un « effort attendu » \
mais regrette l’absence de bassin nordique. Les tarifs resteront inchangés, à 3,20 euros l’entrée.";

const INTRO: &str = "La métropole de Lyon a présenté mardi un plan de rénovation des piscines municipales. \
Doté de 120 millions d’euros, ce programme doit transformer l’offre de baignade d’ici 2030. L’objectif \
affiché est simple : que chaque enfant sache nager en entrant au collège.";

const SECTIONS: &[(&str, &[&str])] = &[
    (
        "Un plan de rénovation des piscines très attendu",
        &[
            "Le plan de rénovation des piscines concerne 11 bassins répartis sur tout le territoire. \
             Certains équipements datent des années soixante-dix et montrent des signes d’usure. Les \
             vestiaires sont souvent vétustes. Les systèmes de chauffage consomment beaucoup d’énergie. \
             Les familles se plaignent depuis longtemps des fermetures imprévues.",
            "La piscine du Rhône, fermée depuis 2022, fait partie des priorités. Ce site emblématique \
             accueillait autrefois des milliers de nageurs chaque été. Sa réouverture est attendue par \
             les habitants du quartier. Les clubs sportifs espèrent aussi retrouver des créneaux \
             d’entraînement réguliers.",
            "Par ailleurs, deux nouveaux équipements verront le jour à Vénissieux et à Villeurbanne. Ces \
             communes manquent de bassins depuis plusieurs années. Les écoles doivent parfois organiser \
             des trajets en car pour les cours de natation. Le temps passé dans les transports réduit \
             alors le temps passé dans l’eau.",
        ],
    ),
    (
        "Savoir nager avant le collège",
        &[
            "Selon la Fédération française de natation, un élève de sixième sur quatre ne sait pas nager. \
             Ce constat inquiète les parents et les enseignants. Chaque été, des accidents rappellent \
             l’importance de l’apprentissage. Les maîtres-nageurs insistent sur la prévention dès le plus \
             jeune âge.",
            "Bruno Bernard, président de la métropole, a déclaré : « Nous voulons que chaque enfant sache \
             nager en entrant au collège. » Cette ambition suppose davantage de créneaux pour les écoles. \
             Elle demande aussi des bassins adaptés aux plus petits. Les nouveaux équipements comprendront \
             donc des bassins d’apprentissage peu profonds.",
            "En effet, les écoles primaires réclament plus d’heures de natation. Aujourd’hui, certaines \
             classes ne vont à la piscine que quelques semaines par an. Les enseignants jugent ce volume \
             insuffisant. Le plan prévoit de doubler les créneaux scolaires dans les bassins rénovés.",
        ],
    ),
    (
        "Un calendrier de travaux sur cinq ans",
        &[
            "Les travaux commenceront en septembre. Les chantiers seront échelonnés pour éviter de fermer \
             trop de piscines en même temps. Chaque bassin sera fermé environ dix-huit mois. Des navettes \
             pourraient relier les quartiers concernés aux équipements restés ouverts.",
            "Ensuite, les bâtiments seront isolés et les chaudières remplacées. La métropole espère ainsi \
             réduire fortement la facture énergétique. Les eaux de lavage des filtres seront récupérées. \
             Des panneaux solaires couvriront une partie des toitures.",
            "De plus, l’accessibilité sera revue dans tous les établissements. Des rampes et des vestiaires \
             adaptés accueilleront les personnes à mobilité réduite. Les associations de nageurs handicapés \
             ont été consultées. Elles suivront les chantiers jusqu’à leur livraison.",
        ],
    ),
    (
        "Des réactions partagées sur le plan de rénovation des piscines",
        &[
            "L’association Eau Libre salue un « effort attendu » mais regrette l’absence de bassin nordique. \
             Ses membres souhaitaient pouvoir nager en plein air toute l’année. La métropole répond que le \
             coût d’exploitation serait trop élevé. Le débat devrait se poursuivre au conseil métropolitain.",
            "Cependant, les usagers retiennent une bonne nouvelle : les tarifs resteront inchangés, à \
             3,20 euros l’entrée. Les abonnements familiaux seront maintenus. Les étudiants garderont leur \
             réduction. Les horaires d’ouverture pourraient même être élargis le soir.",
            "Enfin, les clubs de natation attendent des précisions sur les créneaux du week-end. Ils \
             veulent accueillir plus de licenciés. Les compétitions régionales ont besoin de bassins aux \
             normes. La métropole promet une concertation avant chaque réouverture.",
        ],
    ),
    (
        "Ce qu’il faut retenir",
        &[
            "Le plan de rénovation des piscines de la métropole de Lyon représente 120 millions d’euros \
             sur cinq ans. Il touche 11 bassins existants et crée deux nouveaux équipements. Les travaux \
             démarrent en septembre, sans hausse des tarifs.",
            "Reste à tenir le calendrier. Les élus de l’opposition demandent un suivi public des chantiers. \
             Les habitants pourront consulter l’avancement des travaux en ligne. Un premier bilan sera \
             présenté au conseil dans un an.",
        ],
    ),
];

/// The article in Markdown with front matter, about 1,000 words: each section's paragraphs,
/// then the same section's paragraphs again in another order (the benchmark measures work per
/// word, the repetition does not matter).
fn article() -> String {
    let mut md = String::from(
        "---\n\
         title: \"Lyon\u{a0}: un plan de rénovation des piscines de 120 millions d’euros\"\n\
         meta_description: \"La métropole de Lyon lance un plan de rénovation des piscines de 120 millions d’euros pour que chaque enfant sache nager avant le collège.\"\n\
         slug: \"lyon-plan-renovation-piscines\"\n\
         keyphrase: \"plan de rénovation des piscines\"\n\
         ---\n\n\
         # Lyon\u{a0}: un plan de rénovation des piscines de 120 millions d’euros\n\n",
    );
    md.push_str(INTRO);
    md.push_str("\n\n");
    for (heading, paragraphs) in SECTIONS {
        md.push_str(&format!("## {heading}\n\n"));
        for p in paragraphs.iter().chain(paragraphs.iter().rev().take(2)) {
            md.push_str(&p.split_whitespace().collect::<Vec<_>>().join(" "));
            md.push_str("\n\n");
        }
    }
    md
}

fn words(text: &str) -> usize {
    plume::analysis::text::word_count(text)
}

fn analysis_benches(c: &mut Criterion) {
    let md = article();
    let n = words(&md);
    assert!(
        (900..=1200).contains(&n),
        "the benchmark article should have about 1,000 words, it has {n}"
    );
    let opts = CheckOptions {
        keyphrase: Some("plan de rénovation des piscines".into()),
        source: Some(SOURCE.into()),
        min_words: 700,
    };
    // Lists and regexes are built on first use: not part of the measurement.
    let _ = analyze(&Document::parse(&md).unwrap(), &opts);

    let mut group = c.benchmark_group(format!("article_{n}_words"));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("parse", |b| b.iter(|| Document::parse(&md).unwrap()));
    let doc = Document::parse(&md).unwrap();
    group.bench_function("analyze", |b| b.iter(|| analyze(&doc, &opts)));
    group.bench_function("parse_and_analyze", |b| {
        b.iter(|| analyze(&Document::parse(&md).unwrap(), &opts))
    });
    group.finish();

    let paragraph = SECTIONS[1].1[1]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut group = c.benchmark_group("faithfulness");
    group.bench_function("extract_source", |b| b.iter(|| Facts::extract(SOURCE)));
    let facts = Facts::extract(SOURCE);
    group.throughput(Throughput::Elements(words(&paragraph) as u64));
    group.bench_function("check_paragraph", |b| b.iter(|| facts.check(&paragraph)));
    group.finish();
}

criterion_group! {
    name = analysis;
    config = common::config();
    targets = analysis_benches
}
criterion_main!(analysis);
