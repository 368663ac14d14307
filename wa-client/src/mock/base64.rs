//! The two base64 forms the stand-in needs: standard decoding (Basic credentials) and
//! unpadded URL-safe encoding (the parts of the JWTs it issues). Small enough to keep the
//! `mock` feature free of another dependency.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded URL-safe base64, as JWTs use.
pub(crate) fn encode_url_safe(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = [(n >> 18) & 63, (n >> 12) & 63, (n >> 6) & 63, n & 63];
        for s in &sextets[..chunk.len() + 1] {
            out.push(char::from(URL_SAFE[*s as usize]));
        }
    }
    out
}

/// Standard base64 with optional padding; `None` for anything else.
pub(crate) fn decode_standard(input: &str) -> Option<Vec<u8>> {
    let trimmed = input.trim_end_matches('=');
    if input.len() - trimmed.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in trimmed.bytes() {
        let v = STANDARD.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone sextet cannot hold a byte; leftover bits must be zero padding.
    if bits >= 6 || acc != 0 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_against_known_values() {
        assert_eq!(encode_url_safe(b""), "");
        assert_eq!(encode_url_safe(b"f"), "Zg");
        assert_eq!(encode_url_safe(b"fo"), "Zm8");
        assert_eq!(encode_url_safe(b"foo"), "Zm9v");
        assert_eq!(encode_url_safe(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode_standard("Zm9vYg==").as_deref(), Some(&b"foob"[..]));
        assert_eq!(decode_standard("Zm9vYmE=").as_deref(), Some(&b"fooba"[..]));
        assert_eq!(
            decode_standard("YXBpa2V5OnNlY3JldA==").as_deref(),
            Some(&b"apikey:secret"[..])
        );
        assert_eq!(decode_standard("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
    }

    #[test]
    fn refuses_what_is_not_base64() {
        assert_eq!(decode_standard("Zm9v!"), None);
        assert_eq!(decode_standard("Z"), None);
        assert_eq!(decode_standard("Zh=="), None);
        assert_eq!(decode_standard("Zg==="), None);
    }
}
