//! JSON text exactly as orjson writes it: the Python path serialises rows with `orjson.dumps`,
//! so these rows must be the same bytes.

/// A JSON string: `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00xx`
/// (lower-case hex); everything else, DEL and non-ASCII included, as is.
pub fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(offset) = bytes[start..]
        .iter()
        .position(|&byte| ESCAPED[byte as usize])
    {
        let index = start + offset;
        out.extend_from_slice(&bytes[start..index]);
        let byte = bytes[index];
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(byte >> 4) as usize]);
                out.push(HEX[(byte & 0xf) as usize]);
            }
        }
        start = index + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Bytes a JSON string cannot hold as they are: control characters, `"` and `\`.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

pub fn int(out: &mut Vec<u8>, value: i128) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A finite float as orjson writes it: the shortest digits that read back the same (ryu's
/// layout: plain from 1e-5 to below 1e16, else scientific), with a `+` on positive exponents.
pub fn float(out: &mut Vec<u8>, value: f64) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(value).as_bytes();
    match text.iter().position(|&byte| byte == b'e') {
        Some(e) if text.get(e + 1) != Some(&b'-') => {
            out.extend_from_slice(&text[..=e]);
            out.push(b'+');
            out.extend_from_slice(&text[e + 1..]);
        }
        _ => out.extend_from_slice(text),
    }
}
