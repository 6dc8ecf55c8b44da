//! Which tokens a French article can use: chosen once per model from its vocabulary.
//!
//! A token is kept when every character it writes is in the scripts French text needs (ASCII,
//! Latin-1 and Latin Extended-A letters, the typographic punctuation of French: ’ « » – — …,
//! non-breaking spaces, €), and always when it is a byte, control or user-defined token.
//! Restricting the output to this set is the same as masking every other token.

use super::tokenizer::{GgufTokenizer, TokenKind};

/// Whether `c` can appear in a French article.
pub fn is_french_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~'
        | '\u{00A0}'..='\u{00FF}'      // Latin-1: NBSP, « », °, accented letters
        | '\u{0100}'..='\u{017F}'      // Latin Extended-A: Œ œ and neighbours
        | '\u{2010}'..='\u{2027}'      // dashes, ’ “ ” „ •, …
        | '\u{202F}'                   // narrow no-break space
        | '\u{2030}'..='\u{203A}'      // ‰ ‹ ›
        | '\u{20AC}'                   // €
        | '\u{2122}'                   // ™
        | '\u{2581}'                   // SentencePiece space marker
    )
}

/// The ids of the tokens a French article can use.
pub fn french_token_ids(tokenizer: &GgufTokenizer) -> Vec<u32> {
    (0..tokenizer.vocab_size() as u32)
        .filter(|&id| match tokenizer.kind(id) {
            Some(TokenKind::Byte | TokenKind::Control | TokenKind::UserDefined) => true,
            Some(TokenKind::Unknown | TokenKind::Unused) | None => false,
            Some(TokenKind::Normal) => match std::str::from_utf8(tokenizer.bytes_of(id)) {
                Ok(text) => !text.is_empty() && text.chars().all(is_french_char),
                // A piece of a multi-byte character (byte-level BPE): keep it, it may be é.
                Err(_) => true,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_characters_are_in_and_other_scripts_out() {
        for c in "L’été, « déjà » : 12,5 € – œuvre ! ÀÉÎÔÙÇ\u{202F}\u{00A0}".chars()
        {
            assert!(is_french_char(c), "{c:?} should be allowed");
        }
        for c in "Лавров 北京 ع 🙂 ☃".chars().filter(|c| !c.is_whitespace()) {
            assert!(!is_french_char(c), "{c:?} should be left out");
        }
    }
}
