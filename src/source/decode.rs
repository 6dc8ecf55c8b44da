//! Bytes → clean text: refuses input that is not an article (empty, binary, not UTF-8 nor
//! UTF-16 with a byte-order mark, too large) with a sentence that names the file and says
//! why, then strips the byte-order mark, turns CRLF and lone CR into LF and normalises the
//! text to Unicode NFC.
//!
//! Encodings, and why:
//!
//! * **UTF-8** (with or without a byte-order mark) is read as is.
//! * **UTF-16 with a byte-order mark** (little- or big-endian), what Windows tools such as
//!   Notepad or PowerShell's `Out-File` write, is decoded: the mark makes it unambiguous.
//!   An odd number of bytes or an unpaired surrogate is refused with its byte offset.
//! * **UTF-16 without a byte-order mark** is not guessed: its NUL bytes make it look binary,
//!   and the message says that it may be UTF-16 without a mark when the NUL bytes fall on
//!   every other byte.
//! * **UTF-32** (with its mark) is refused with a message that names it.
//! * **Invalid UTF-8** (Latin-1, Windows-1252, a truncated file…) is **refused**, with the
//!   offset and value of the first bad byte, never decoded lossily: a lossy decode would
//!   silently turn "Café" into "Caf�" and could alter the names, numbers and quotations
//!   that the rewrite must keep faithful. Converting the file is one command
//!   (`iconv -f WINDOWS-1252 -t UTF-8`), and the user knows what the source says.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The largest input plume accepts, in bytes. News articles are a few kilobytes.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Share of control characters above which a file is taken to be binary.
const MAX_CONTROL_SHARE: f64 = 0.05;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16_LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16_BE_BOM: &[u8] = b"\xFE\xFF";
const UTF32_LE_BOM: &[u8] = b"\xFF\xFE\x00\x00";
const UTF32_BE_BOM: &[u8] = b"\x00\x00\xFE\xFF";

/// Byte order of a UTF-16 file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    fn name(self) -> &'static str {
        match self {
            Endian::Little => "UTF-16 little-endian",
            Endian::Big => "UTF-16 big-endian",
        }
    }
}

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
    if bytes.starts_with(UTF32_LE_BOM) || bytes.starts_with(UTF32_BE_BOM) {
        return Err(Error::input(
            name,
            "the file is encoded in UTF-32 (it starts with a UTF-32 byte-order mark); \
             convert it to UTF-8 and try again.",
        ));
    }
    let text = if let Some(body) = bytes.strip_prefix(UTF16_LE_BOM) {
        decode_utf16(body, Endian::Little, name)?
    } else if let Some(body) = bytes.strip_prefix(UTF16_BE_BOM) {
        decode_utf16(body, Endian::Big, name)?
    } else {
        decode_utf8(bytes, name)?
    };
    let text = normalise_newlines(&text);
    let text: String = text.nfc().collect();
    if text.trim().is_empty() {
        return Err(Error::input(
            name,
            "the file is blank (whitespace only); there is no article to read.",
        ));
    }
    Ok(text)
}

/// UTF-8, with or without a byte-order mark (which is dropped).
fn decode_utf8(bytes: &[u8], name: &Path) -> Result<String> {
    let (offset, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM.len(), rest),
        None => (0, bytes),
    };
    screen(body, 1, offset, "", name)?;
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to() + offset;
        let byte = bytes.get(at).copied().unwrap_or_default();
        let why = match e.error_len() {
            Some(_) => "",
            None => ", a character cut short at the end of the file",
        };
        Error::input(
            name,
            format!(
                "the file is not valid UTF-8 (byte 0x{byte:02X} at byte offset {at}{why}); plume \
                 does not guess other encodings such as Latin-1 or Windows-1252: convert the \
                 file to UTF-8 and try again."
            ),
        )
    })?;
    Ok(text.to_string())
}

/// UTF-16 after its byte-order mark. Offsets in errors are file offsets (the mark counts).
fn decode_utf16(body: &[u8], endian: Endian, name: &Path) -> Result<String> {
    let encoding = endian.name();
    let bom = UTF16_LE_BOM.len();
    if body.len() % 2 == 1 {
        return Err(Error::input(
            name,
            format!(
                "the file is {encoding} (it starts with a byte-order mark) but its length, {} \
                 bytes, is odd: the last byte, at byte offset {}, is half a character; the file \
                 is truncated or not UTF-16.",
                body.len() + bom,
                body.len() + bom - 1
            ),
        ));
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|pair| match endian {
            Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
            Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
        })
        .collect();
    screen(&units, 2, bom, &format!(" {encoding}"), name)?;
    let mut text = String::with_capacity(units.len());
    let mut at = 0;
    for decoded in char::decode_utf16(units.iter().copied()) {
        match decoded {
            Ok(c) => {
                text.push(c);
                at += c.len_utf16();
            }
            Err(e) => {
                return Err(Error::input(
                    name,
                    format!(
                        "the file is {encoding} (it starts with a byte-order mark) but has an \
                         unpaired surrogate (0x{:04X} at byte offset {}); the file is damaged \
                         or not UTF-16.",
                        e.unpaired_surrogate(),
                        bom + 2 * at
                    ),
                ));
            }
        }
    }
    Ok(text)
}

/// Refuses empty, blank and binary-looking content. `units` are bytes (UTF-8) or 16-bit
/// code units (UTF-16), `unit_size` their size in bytes, `offset` the file offset of the
/// first one and `encoding` words for the messages (" UTF-16 big-endian", or nothing).
fn screen<T: Copy + Into<u32>>(
    units: &[T],
    unit_size: usize,
    offset: usize,
    encoding: &str,
    name: &Path,
) -> Result<()> {
    let code = |u: &T| -> u32 { (*u).into() };
    if units
        .iter()
        .all(|u| u8::try_from(code(u)).is_ok_and(|b| b.is_ascii_whitespace()))
    {
        let what = if units.is_empty() {
            "empty"
        } else {
            "blank (whitespace only)"
        };
        return Err(Error::input(
            name,
            format!("the{encoding} file is {what}; there is no article to read."),
        ));
    }
    if let Some(pos) = units.iter().position(|u| code(u) == 0) {
        let hint = if unit_size == 1 && looks_like_utf16_without_bom(units, code) {
            "; it may be UTF-16 text without a byte-order mark: convert it to UTF-8 (or \
             save it as UTF-16 with a byte-order mark) and try again"
        } else {
            "; plume reads plain text, Markdown or HTML"
        };
        return Err(Error::input(
            name,
            format!(
                "the{encoding} file looks binary (a NUL {} at byte offset {}){hint}.",
                if unit_size == 1 { "byte" } else { "character" },
                offset + pos * unit_size
            ),
        ));
    }
    let controls = units.iter().filter(|u| is_stray_control(code(u))).count();
    if controls as f64 > MAX_CONTROL_SHARE * units.len() as f64 {
        let unit = if unit_size == 1 {
            "bytes"
        } else {
            "characters"
        };
        return Err(Error::input(
            name,
            format!(
                "the{encoding} file looks binary ({controls} control {unit} out of {}); plume \
                 reads plain text, Markdown or HTML.",
                units.len()
            ),
        ));
    }
    Ok(())
}

/// Whether the NUL bytes of `bytes` fall on every other byte, as in UTF-16 text with no
/// byte-order mark (ASCII letters then have a NUL high byte).
fn looks_like_utf16_without_bom<T>(bytes: &[T], code: impl Fn(&T) -> u32) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let nuls = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| code(b) == 0)
            .count()
    };
    let (even, odd) = (nuls(0), nuls(1));
    let pairs = head.len() / 2;
    pairs >= 2 && (even.max(odd) * 2 >= pairs) && even.min(odd) * 10 <= even.max(odd)
}

/// A control character that has no business in a text file (tab, newlines and form feed
/// are fine).
fn is_stray_control(c: u32) -> bool {
    (c < 0x20 && !matches!(c, 0x09 | 0x0A | 0x0D | 0x0C)) || c == 0x7F
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

    fn utf16(text: &str, endian: Endian) -> Vec<u8> {
        let mut bytes = match endian {
            Endian::Little => UTF16_LE_BOM.to_vec(),
            Endian::Big => UTF16_BE_BOM.to_vec(),
        };
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&match endian {
                Endian::Little => unit.to_le_bytes(),
                Endian::Big => unit.to_be_bytes(),
            });
        }
        bytes
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
        assert!(!nul.contains("UTF-16"), "{nul}");
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
        // A character cut short at the end says so.
        let cut = err("Le café".as_bytes().split_last().unwrap().1);
        assert!(
            cut.contains("offset 6") && cut.contains("cut short"),
            "{cut}"
        );
    }

    #[test]
    fn decodes_utf16_with_a_byte_order_mark() {
        let text = "Le Café de la gare\r\nrouvre en 2031 — « enfin » 🚆.\n";
        for endian in [Endian::Little, Endian::Big] {
            let decoded = decode_text(&utf16(text, endian), Path::new("x")).unwrap();
            assert_eq!(
                decoded, "Le Café de la gare\nrouvre en 2031 — « enfin » 🚆.\n",
                "{endian:?}"
            );
        }
    }

    #[test]
    fn refuses_broken_utf16_with_the_offset() {
        // An odd length: the last byte is half a code unit.
        let mut odd = utf16("Bonjour", Endian::Little);
        odd.push(b'x');
        let message = err(&odd);
        assert!(
            message.contains("UTF-16 little-endian") && message.contains("odd"),
            "{message}"
        );
        assert!(message.contains("offset 16"), "{message}");
        // A high surrogate with no low one after it, at file offset 2 + 2 × 2.
        let mut lone = utf16("ab", Endian::Big);
        lone.extend_from_slice(&[0xD8, 0x3D, 0x00, b'c']);
        let message = err(&lone);
        assert!(
            message.contains("UTF-16 big-endian") && message.contains("unpaired surrogate"),
            "{message}"
        );
        assert!(
            message.contains("0xD83D") && message.contains("offset 6"),
            "{message}"
        );
        // A low surrogate alone.
        let mut low = utf16("a", Endian::Little);
        low.extend_from_slice(&[0x00, 0xDC]);
        assert!(err(&low).contains("offset 4"), "{}", err(&low));
    }

    #[test]
    fn screens_utf16_like_utf8() {
        assert!(err(UTF16_LE_BOM).contains("empty"), "{}", err(UTF16_LE_BOM));
        assert!(err(&utf16(" \r\n\t", Endian::Big)).contains("blank"));
        let message = err(&utf16("ab\0c", Endian::Little));
        assert!(
            message.contains("binary") && message.contains("offset 6"),
            "{message}"
        );
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_refused_with_a_hint() {
        let mut bytes = utf16("Le train est reparti.", Endian::Little);
        bytes.drain(..2);
        let message = err(&bytes);
        assert!(
            message.contains("binary") && message.contains("offset 1"),
            "{message}"
        );
        assert!(message.contains("UTF-16"), "{message}");
    }

    #[test]
    fn refuses_utf32() {
        for bom in [UTF32_LE_BOM, UTF32_BE_BOM] {
            let mut bytes = bom.to_vec();
            bytes.extend_from_slice(b"a\0\0\0");
            assert!(err(&bytes).contains("UTF-32"), "{}", err(&bytes));
        }
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
