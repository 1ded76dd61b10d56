//! `properties` as `schemas/event.py: Properties` bounds it and `record._property_text` stores
//! it: a JSON object of text, where a string value stays itself and any other value becomes its
//! orjson text. Written straight from the JSON text; None for anything the Python path could
//! answer differently (a duplicate key, an integer beyond 64 bits, a non-finite number).

use std::borrow::Cow;

use crate::out;

const MAX_PROPERTIES: usize = 64;
const MAX_DEPTH: usize = 4;
const MAX_KEY_LENGTH: usize = 128;
const MAX_STRING_LENGTH: usize = 4096;

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.at).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        let found = self.peek() == byte;
        if found {
            self.at += 1;
        }
        found
    }

    /// A string token, decoded (the text is known to be valid JSON).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.skip_space();
        let bytes = self.text.as_bytes();
        let start = self.at;
        if bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut index = start + 1;
        let mut escaped = false;
        loop {
            match *bytes.get(index)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    index += 2;
                }
                _ => index += 1,
            }
        }
        self.at = index + 1;
        let token = &self.text[start..=index];
        if escaped {
            serde_json::from_str::<String>(token).ok().map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(&token[1..token.len() - 1]))
        }
    }

    /// Any value as orjson writes what pydantic made of it; `depth` as `_check_json_value`.
    fn value(&mut self, out: &mut Vec<u8>, depth: usize) -> Option<()> {
        self.skip_space();
        match self.peek() {
            b'{' => {
                if depth > MAX_DEPTH {
                    return None;
                }
                self.object(out, depth, false)?;
            }
            b'[' => {
                if depth > MAX_DEPTH {
                    return None;
                }
                self.at += 1;
                out.push(b'[');
                let mut count = 0;
                if !self.eat(b']') {
                    loop {
                        if count > 0 {
                            out.push(b',');
                        }
                        count += 1;
                        if count > MAX_PROPERTIES {
                            return None;
                        }
                        self.value(out, depth + 1)?;
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                out.push(b']');
            }
            b'"' => {
                let text = self.string()?;
                if text.chars().count() > MAX_STRING_LENGTH {
                    return None;
                }
                out::string(out, &text);
            }
            b't' | b'f' | b'n' => {
                for word in ["true", "false", "null"] {
                    if self.text[self.at..].starts_with(word) {
                        self.at += word.len();
                        out.extend_from_slice(word.as_bytes());
                        return Some(());
                    }
                }
                return None;
            }
            _ => self.number(out)?,
        }
        Some(())
    }

    /// An object at `depth`. With `stored`, its values become text as `properties` stores them:
    /// a string as it is, any other value as its orjson text.
    fn object(&mut self, out: &mut Vec<u8>, depth: usize, stored: bool) -> Option<()> {
        self.at += 1; // '{'
        out.push(b'{');
        let mut keys: Vec<Cow<'a, str>> = Vec::new();
        let mut scratch = Vec::new();
        if !self.eat(b'}') {
            loop {
                let key = self.string()?;
                let length = key.chars().count();
                if length == 0 || length > MAX_KEY_LENGTH || keys.contains(&key) {
                    return None;
                }
                if !keys.is_empty() {
                    out.push(b',');
                }
                out::string(out, &key);
                keys.push(key);
                if keys.len() > MAX_PROPERTIES || !self.eat(b':') {
                    return None;
                }
                out.push(b':');
                self.skip_space();
                if stored && self.peek() != b'"' {
                    scratch.clear();
                    self.value(&mut scratch, depth + 1)?;
                    out::string(out, std::str::from_utf8(&scratch).ok()?);
                } else {
                    self.value(out, depth + 1)?;
                }
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        out.push(b'}');
        Some(())
    }

    fn number(&mut self, out: &mut Vec<u8>) -> Option<()> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        while self.at < bytes.len()
            && matches!(
                bytes[self.at],
                b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
            )
        {
            self.at += 1;
        }
        let token = &self.text[start..self.at];
        if token.is_empty() {
            return None;
        }
        if token.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            // pydantic keeps the int exactly; orjson writes it if it fits 64 bits ("-0" is 0)
            let value: i128 = token.parse().ok()?;
            if value < i128::from(i64::MIN) || value > i128::from(u64::MAX) {
                return None;
            }
            out::int(out, value);
        } else {
            let value: f64 = token.parse().ok()?;
            if !value.is_finite() {
                return None;
            }
            out::float(out, value);
        }
        Some(())
    }
}

/// The stored `properties` column (a JSON object of strings) from the JSON text of the field.
pub fn write(out: &mut Vec<u8>, raw: &str) -> Option<()> {
    let mut reader = Reader { text: raw, at: 0 };
    reader.skip_space();
    if reader.peek() != b'{' {
        return None;
    }
    reader.object(out, 1, true)?;
    reader.skip_space();
    (reader.at == raw.len()).then_some(())
}
