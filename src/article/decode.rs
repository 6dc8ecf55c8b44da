//! Bytes → clean text: refuses input that is not an article (empty, binary, UTF-16,
//! not UTF-8, too large) with a sentence that says why, then strips a UTF-8 byte-order
//! mark, turns CRLF and lone CR into LF and normalises the text to Unicode NFC.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The largest input plume accepts, in bytes. News articles are a few kilobytes.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Share of control bytes above which a file is taken to be binary.
const MAX_CONTROL_SHARE: f64 = 0.05;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks `bytes` and returns them as normalised text. `name` is only used in errors.
pub fn decode_text(bytes: &[u8], name: &Path) -> Result<String> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::input(
            name,
            format!(
                "the file is {} bytes long, more than the {} bytes plume accepts for an article.",
                bytes.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Error::input(
            name,
            "the file is encoded in UTF-16; convert it to UTF-8 and try again.",
        ));
    }
    let (offset, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, bytes),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        let what = if body.is_empty() {
            "empty"
        } else {
            "blank (whitespace only)"
        };
        return Err(Error::input(
            name,
            format!("the file is {what}; there is no article to read."),
        ));
    }
    if let Some(pos) = body.iter().position(|&b| b == 0) {
        return Err(Error::input(
            name,
            format!(
                "the file looks binary (a NUL byte at byte offset {}); plume reads plain text, Markdown or HTML.",
                pos + offset
            ),
        ));
    }
    let controls = body.iter().filter(|&&b| is_stray_control(b)).count();
    if controls as f64 > MAX_CONTROL_SHARE * body.len() as f64 {
        return Err(Error::input(
            name,
            format!(
                "the file looks binary ({controls} control bytes out of {}); plume reads plain text, Markdown or HTML.",
                body.len()
            ),
        ));
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to() + offset;
        let byte = bytes.get(at).copied().unwrap_or_default();
        Error::input(
            name,
            format!(
                "the file is not valid UTF-8 (byte 0x{byte:02X} at byte offset {at}); convert it to UTF-8 and try again."
            ),
        )
    })?;
    let text = normalise_newlines(text);
    let text: String = text.nfc().collect();
    if text.trim().is_empty() {
        return Err(Error::input(
            name,
            "the file is blank (whitespace only); there is no article to read.",
        ));
    }
    Ok(text)
}

/// A control byte that has no business in a text file (tab, newlines and form feed are fine).
fn is_stray_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F
}

/// CRLF and lone CR become LF.
fn normalise_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        decode_text(bytes, Path::new("in.txt"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn refuses_empty_and_blank_input() {
        assert!(err(b"").contains("empty"), "{}", err(b""));
        assert!(err(b" \n\t \r\n").contains("blank"));
        assert!(err(b"\xEF\xBB\xBF  \n").contains("blank"));
        assert!(err(b"").starts_with("in.txt: "));
        // Unicode-only whitespace is blank too.
        assert!(err("\u{00A0}\u{2003}\n".as_bytes()).contains("blank"));
    }

    #[test]
    fn refuses_binary_input() {
        let nul = err(b"PK\x03\x04\x00\x00abc");
        assert!(nul.contains("binary") && nul.contains("offset 4"), "{nul}");
        let mut controls = b"abc".repeat(10);
        controls.extend_from_slice(&[0x01, 0x02, 0x03, 0x1B, 0x7F]);
        assert!(err(&controls).contains("binary"));
    }

    #[test]
    fn names_the_offset_of_invalid_utf8() {
        // "Caf\xE9" is Latin-1 for "Café".
        let message = err(b"Le Caf\xE9 de la gare");
        assert!(message.contains("not valid UTF-8"), "{message}");
        assert!(
            message.contains("offset 6") && message.contains("0xE9"),
            "{message}"
        );
        // The offset counts the byte-order mark too: it is a file offset.
        assert!(err(b"\xEF\xBB\xBFab\xFF").contains("offset 5"));
    }

    #[test]
    fn refuses_utf16() {
        assert!(err(b"\xFF\xFEa\x00b\x00").contains("UTF-16"));
    }

    #[test]
    fn strips_bom_and_normalises_newlines_and_nfc() {
        // "e" + combining acute accent must become the single code point "é".
        let text = decode_text(
            b"\xEF\xBB\xBFCaf\x65\xCC\x81\r\nligne\rfin\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(text, "Café\nligne\nfin\n");
        assert!(!text.contains('\u{FEFF}'));
    }

    #[test]
    fn refuses_oversized_input() {
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(err(&big).contains("more than"));
    }
}
