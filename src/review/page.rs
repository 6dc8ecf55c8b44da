//! The review page: one self-contained HTML file (its style, script and data inline, no
//! request to anything outside it, which its Content-Security-Policy enforces) with the
//! report at the top and the article beside its source. Selecting a sentence on one side
//! highlights the sentences it comes from (or went into) on the other, and shows how it was
//! made, the checks it passed and the candidates they turned down.

use std::fmt::Write as _;

use super::align::{Alignment, ArticleBlock, ArticleSentence, Origin, Part};
use super::marks::marks;
use crate::analysis::report::{Area, Finding, Report, Severity};
use crate::article::render_html::escape;

/// What the page shows.
pub struct Review<'a> {
    /// The article's blocks, as aligned (their spans link the report's findings).
    pub blocks: &'a [ArticleBlock],
    pub report: &'a Report,
    pub alignment: &'a Alignment,
    /// What to call the source (its path).
    pub source_label: &'a str,
}

const STYLE: &str = r#"
:root { --hl: #ffe38a; --hv: #fff3c4; --look: #d9480f; --kept: #1c7ed6; --model: #2b8a3e; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { padding: 1rem 1.5rem; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.summary span { margin-right: 1.2rem; white-space: nowrap; }
.legend span { margin-right: 1rem; font-size: .9rem; }
details { margin-top: .5rem; }
details li { margin: .15rem 0; }
li.problem::marker { color: #c92a2a; }
li.improve::marker { color: #e67700; }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; padding: 1rem 1.5rem; }
.col { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1.2rem 1.5rem; max-height: calc(100vh - 2rem); overflow: auto; }
.col > h2.side { font-size: .85rem; text-transform: uppercase; letter-spacing: .06em; color: #666; position: sticky; top: 0; background: #fff; margin: 0; padding: .6rem 0; }
.col h1 { font-size: 1.5rem; } .col h2 { font-size: 1.2rem; } .col h3 { font-size: 1.05rem; }
.side .path { text-transform: none; letter-spacing: 0; }
.meta-desc { font-style: italic; color: #444; border-left: 3px solid #ccc; padding-left: .6rem; }
.tag { font-size: .7rem; font-style: normal; text-transform: uppercase; color: #777; margin-right: .4rem; }
.s { cursor: pointer; border-radius: 3px; transition: background .1s; }
.s:focus { outline: 2px solid #74c0fc; }
.s.hv { background: var(--hv); }
.s.hl { background: var(--hl); box-shadow: 0 0 0 2px var(--hl); }
.o-source_kept { background: #e7f5ff; }
.o-unsupported, .look { text-decoration: underline wavy var(--look); text-underline-offset: 3px; }
.unused { color: #888; }
mark { background: none; padding: 0; }
.m-num, .m-date { color: #0b7285; font-weight: 600; }
.m-name { color: #5f3dc4; }
.m-quote { color: #862e9c; font-style: italic; }
#detail { position: fixed; right: 1rem; bottom: 1rem; width: min(34rem, 44vw); max-height: 45vh; overflow: auto; background: #fff; border: 1px solid #aaa; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.15); padding: .8rem 1rem; font-size: .9rem; }
#close { float: right; border: none; background: none; font-size: 1.2rem; cursor: pointer; }
#detail h3 { margin: 0 0 .4rem; font-size: 1rem; }
#detail .rej { color: #666; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { gap: .8rem; padding: 0; }
  .col { max-height: none; overflow: visible; border: none; padding: 0; }
  #detail, details summary::marker { display: none; }
  details > * { display: block; }
}
"#;

const SCRIPT: &str = r#"
(function () {
  const data = JSON.parse(document.getElementById('alignment').textContent);
  const byId = id => document.getElementById(id);
  const linked = el => (el.dataset.src || el.dataset.art || '').split(' ').filter(Boolean).map(byId).filter(Boolean);
  const origins = {
    model: 'écrite par le modèle', source_kept: 'reprise telle quelle de la source',
    extractive: 'construite par plume avec les mots de l’article', template: 'texte type de plume',
    matched: 'rapprochée de la source par les mots partagés', unsupported: 'sans phrase source'
  };
  const checks = {
    form: 'forme (longueur, phrase entière, orthographe)', language: 'langue (du français)',
    facts: 'faits (noms, nombres, dates, citations)', claims: 'affirmations (négation, restriction, attribution)',
    words: 'mots (chaque mot rendu, rien d’ajouté)', novelty: 'pas de redite'
  };
  const esc = t => t.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  function detail(el) {
    const box = byId('detail');
    let html;
    if (el.id.startsWith('a')) {
      const s = data.article[Number(el.id.slice(1))];
      html = '<h3>Phrase de l’article : ' + origins[s.origin] + '</h3>';
      html += '<p>' + (s.sources.length ? s.sources.length + ' phrase(s) source · ' + Math.round(s.overlap * 100) + ' % de ses mots dans ses sources' : 'aucune phrase source') + '</p>';
      if (s.mean_logprob !== null) html += '<p>Assurance du modèle : log-probabilité moyenne ' + s.mean_logprob.toFixed(2).replace('.', ',').replace('-', '−') + ' (0 : certain)</p>';
      if (s.checks.length) html += '<p>Contrôles passés : ' + s.checks.map(c => checks[c] || c).join(', ') + '</p>';
      if (s.unaccounted && s.unaccounted.length) html += '<p>Mots sans appui dans la source : ' + s.unaccounted.map(esc).join(', ') + '</p>';
      if (s.unrendered && s.unrendered.length) html += '<p>Mots de la source non rendus : ' + s.unrendered.map(esc).join(', ') + '</p>';
      if (s.second_look.length) html += '<p class="look-note">À revoir : ' + s.second_look.map(esc).join(' ; ') + '</p>';
      if (s.rejected.length) html += '<p>Propositions rejetées :</p><ul>' + s.rejected.map(r => '<li class="rej">' + esc(r.text) + ' — <b>' + esc(r.reason) + '</b> ' + esc(r.detail) + '</li>').join('') + '</ul>';
    } else {
      const n = linked(el).length;
      html = '<h3>Phrase de la source</h3><p>' + (n ? 'reprise dans ' + n + ' phrase(s) de l’article' : 'absente de l’article') + '</p>';
    }
    box.innerHTML = '<button id="close" title="fermer">×</button>' + html;
    box.hidden = false;
    // Over the selected sentence's own column, away from it: the other column, where its
    // sources (or what was made of it) light up, stays in view.
    const r = el.getBoundingClientRect();
    const left = el.closest('#article') !== null;
    const low = r.top + r.height / 2 > window.innerHeight / 2;
    box.style.left = left ? '1rem' : 'auto';
    box.style.right = left ? 'auto' : '1rem';
    box.style.top = low ? '1rem' : 'auto';
    box.style.bottom = low ? 'auto' : '1rem';
    byId('close').onclick = () => { box.hidden = true; };
  }
  function select(el) {
    document.querySelectorAll('.hl').forEach(e => e.classList.remove('hl'));
    el.classList.add('hl');
    const others = linked(el);
    others.forEach(o => o.classList.add('hl'));
    if (others.length) others[0].scrollIntoView({ block: 'nearest' });
    detail(el);
  }
  function hover(el, on) {
    [el, ...linked(el)].forEach(e => e.classList.toggle('hv', on));
  }
  document.addEventListener('click', e => { const s = e.target.closest('.s'); if (s) select(s); });
  document.addEventListener('keydown', e => { if (e.key === 'Enter' && e.target.classList.contains('s')) select(e.target); });
  document.addEventListener('mouseover', e => { const s = e.target.closest('.s'); if (s) hover(s, true); });
  document.addEventListener('mouseout', e => { const s = e.target.closest('.s'); if (s) hover(s, false); });
  document.body.dataset.ready = '1';
})();
"#;

/// The review page as one HTML document.
pub fn page(review: &Review) -> String {
    let alignment = review.alignment;
    let title = alignment
        .article
        .iter()
        .find(|s| s.part == Part::Title)
        .map(|s| s.text.as_str())
        .unwrap_or("article");
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>Relecture : {}</title>", escape(title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    header(&mut out, review, title);
    out.push_str(
        "<main>\n<section class=\"col\" id=\"article\">\n<h2 class=\"side\">Article</h2>\n",
    );
    article_side(&mut out, alignment);
    out.push_str("</section>\n<section class=\"col\" id=\"source\">\n");
    let _ = writeln!(
        out,
        "<h2 class=\"side\">Source : <span class=\"path\">{}</span></h2>",
        escape(review.source_label)
    );
    source_side(&mut out, alignment);
    out.push_str("</section>\n</main>\n<aside id=\"detail\" hidden></aside>\n");
    // In JSON, `<`, `>` and `&` occur only inside strings, where their \u escapes mean the
    // same: the article's text can then never close the script element or open a comment.
    let data = serde_json::to_string(alignment)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"alignment\">{data}</script>"
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// The report: scores, the faithfulness verdict, how the sentences were made, and every
/// finding that is not good, linked to the block it names.
fn header(out: &mut String, review: &Review, title: &str) {
    let r = review.report;
    let sentences = &review.alignment.article;
    let count = |o: Origin| sentences.iter().filter(|s| s.origin == o).count();
    let look = sentences
        .iter()
        .filter(|s| !s.second_look.is_empty())
        .count();
    let faith = r.faithfulness_label();
    let _ = writeln!(
        out,
        "<header id=\"report\">\n<h1>Relecture : {}</h1>",
        escape(title)
    );
    let _ = writeln!(
        out,
        "<p class=\"summary\"><span>{} mots</span><span>SEO {}/100</span><span>lisibilité {}/100 ({})</span><span>fidélité : {}</span><span>{}</span></p>",
        r.word_count,
        r.seo_score,
        r.readability_score,
        escape(&r.readability_label),
        escape(&faith),
        if r.ready { "prêt à publier" } else { "des problèmes à corriger" }
    );
    let _ = writeln!(
        out,
        "<p class=\"summary\"><span>{} phrases : {} écrites par le modèle, {} reprises de la source, {} construites par plume, {} rapprochées par leurs mots, {} sans source</span><span class=\"look\">{look} à revoir</span></p>",
        sentences.len(),
        count(Origin::Model),
        count(Origin::SourceKept),
        count(Origin::Extractive) + count(Origin::Template),
        count(Origin::Matched),
        count(Origin::Unsupported),
    );
    out.push_str("<p class=\"legend\"><span class=\"o-source_kept\">reprise telle quelle de la source</span><span class=\"look\">à revoir</span><span class=\"m-num\">nombre, date</span><span class=\"m-name\">nom</span><span class=\"m-quote\">citation</span><span class=\"unused\">phrase source absente de l’article</span> · cliquez une phrase pour voir sa source</p>\n");
    let findings: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Good)
        .collect();
    let _ = writeln!(
        out,
        "<details{}><summary>Rapport : {} point(s) à revoir</summary>\n<ul>",
        if findings.is_empty() { "" } else { " open" },
        findings.len()
    );
    for f in findings {
        let class = match f.severity {
            Severity::Problem => "problem",
            _ => "improve",
        };
        let link = finding_block(f, review.blocks)
            .map(|b| format!(" <a href=\"#b{b}\">voir</a>"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li class=\"{class}\"><b>{}</b> ({}) : {}{link}</li>",
            f.area.label(),
            f.severity.label(),
            escape(&f.message)
        );
    }
    out.push_str("</ul>\n</details>\n</header>\n");
}

/// The article block a finding names: the one its span falls in, else the title or the meta
/// description for the findings about them.
fn finding_block(f: &Finding, blocks: &[ArticleBlock]) -> Option<usize> {
    if let Some((start, _)) = f.span {
        if let Some(b) = blocks
            .iter()
            .position(|b| b.span.is_some_and(|(s, e)| s <= start && start < e))
        {
            return Some(b);
        }
    }
    let part = if f.id.contains("meta") {
        Part::MetaDescription
    } else if f.id.contains("title") && f.area == Area::Seo {
        Part::Title
    } else {
        return None;
    };
    blocks.iter().position(|b| b.part == part)
}

/// The article, block by block, each sentence a selectable span.
fn article_side(out: &mut String, alignment: &Alignment) {
    let mut i = 0;
    let sentences = &alignment.article;
    while i < sentences.len() {
        let block = sentences[i].block;
        let end = sentences[i..]
            .iter()
            .position(|s| s.block != block)
            .map_or(sentences.len(), |n| i + n);
        let (open, close) = match sentences[i].part {
            Part::Title => ("<h1", "</h1>"),
            Part::MetaDescription => ("<p class=\"meta-desc\"", "</p>"),
            Part::Heading => ("<h2", "</h2>"),
            Part::ListItem => ("<p class=\"item\"", "</p>"),
            Part::Paragraph => ("<p", "</p>"),
        };
        let _ = write!(out, "{open} id=\"b{block}\">");
        if sentences[i].part == Part::MetaDescription {
            out.push_str("<span class=\"tag\">méta-description</span>");
        }
        if sentences[i].part == Part::ListItem {
            out.push_str("• ");
        }
        for (k, s) in sentences.iter().enumerate().take(end).skip(i) {
            article_sentence(out, k, s);
        }
        let _ = writeln!(out, "{close}");
        i = end;
    }
}

fn article_sentence(out: &mut String, k: usize, s: &ArticleSentence) {
    let sources: Vec<String> = s.sources.iter().map(|j| format!("s{j}")).collect();
    let origin = serde_json::to_value(s.origin)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let look = if s.second_look.is_empty() {
        ""
    } else {
        " look"
    };
    let _ = write!(
        out,
        "<span class=\"s o-{origin}{look}\" id=\"a{k}\" tabindex=\"0\" data-src=\"{}\">{}</span> ",
        sources.join(" "),
        marked(&s.text)
    );
}

/// The source, block by block; a sentence the article does not use is greyed.
fn source_side(out: &mut String, alignment: &Alignment) {
    let mut used: Vec<Vec<usize>> = vec![Vec::new(); alignment.source.len()];
    for (k, s) in alignment.article.iter().enumerate() {
        for &j in &s.sources {
            if let Some(u) = used.get_mut(j) {
                u.push(k);
            }
        }
    }
    let mut open: Option<usize> = None;
    for (j, s) in alignment.source.iter().enumerate() {
        if open != Some(s.block) {
            if open.is_some() {
                out.push_str("</p>\n");
            }
            out.push_str(if s.heading { "<p class=\"h\">" } else { "<p>" });
            open = Some(s.block);
        }
        let art: Vec<String> = used[j].iter().map(|k| format!("a{k}")).collect();
        let class = if art.is_empty() { " unused" } else { "" };
        let text = marked(&s.text);
        let text = if s.heading {
            format!("<b>{text}</b>")
        } else {
            text
        };
        let _ = write!(
            out,
            "<span class=\"s{class}\" id=\"s{j}\" tabindex=\"0\" data-art=\"{}\">{text}</span> ",
            art.join(" ")
        );
    }
    if open.is_some() {
        out.push_str("</p>\n");
    }
}

/// `text` escaped, its names, numbers, dates and quotations in `<mark>`s.
fn marked(text: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (range, mark) in marks(text) {
        out.push_str(&escape(&text[at..range.start]));
        let _ = write!(
            out,
            "<mark class=\"{}\">{}</mark>",
            mark.class(),
            escape(&text[range.clone()])
        );
        at = range.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, CheckOptions, Document};
    use crate::review::{align, article_blocks, source_sentences};
    use crate::source::Source;
    use std::path::Path;

    fn page_of(markdown: &str, source: &str) -> (String, Alignment) {
        let doc = Document::parse(markdown).unwrap();
        let src = Source::from_bytes(source.as_bytes(), Path::new("s.txt"), None).unwrap();
        let report = analyze(
            &doc,
            &CheckOptions {
                keyphrase: None,
                source: Some(src.full_text()),
                min_words: 700,
            },
        );
        let blocks = article_blocks(&doc);
        let alignment = align(&blocks, source_sentences(&src), None);
        let html = page(&Review {
            blocks: &blocks,
            report: &report,
            alignment: &alignment,
            source_label: "<s.txt>",
        });
        (html, alignment)
    }

    #[test]
    fn every_sentence_is_a_span_linked_both_ways_and_text_cannot_break_out() {
        let source = "Le maire a dit : « Nous ouvrirons </script><script>alert(1)</script> en mai. » Le coût atteint 3 millions d’euros.\n\nUne autre phrase sans rapport.";
        let article = "# Le maire\n\nLe maire a dit : « Nous ouvrirons </script><script>alert(1)</script> en mai. » Le coût atteint 3 millions d’euros.\n";
        let (html, alignment) = page_of(article, source);
        // One span per sentence on each side, each with its links.
        for k in 0..alignment.article.len() {
            assert!(html.contains(&format!("id=\"a{k}\"")));
        }
        // The title (made from the lead) and the lead's first sentence both come from s0.
        assert!(html.contains("id=\"s0\" tabindex=\"0\" data-art=\"a0 a1\""));
        assert!(html.contains("class=\"s unused\" id=\"s2\""));
        // The text's markup is text: one script element for the data, one for the code.
        assert_eq!(html.matches("<script").count(), 2);
        assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)"));
        // The script's data is the alignment, whole.
        let data = html.split("id=\"alignment\">").nth(1).unwrap();
        let data = &data[..data.find("</script>").unwrap()];
        assert_eq!(serde_json::from_str::<Alignment>(data).unwrap(), alignment);
        assert!(html.contains("&lt;s.txt&gt;"));
        // Marks: the number outside the quotation, the quotation whole.
        assert!(html.contains("<mark class=\"m-num\">3</mark>"));
        assert!(html.contains("<mark class=\"m-quote\">"));
        // The report's findings are listed, and nothing outside the file is referred to.
        assert!(html.contains("Rapport :") && html.contains("default-src 'none'"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }
}
