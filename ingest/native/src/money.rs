//! Money as `schemas/event.py: Money` makes it: a Decimal in [0, 1e12], quantised to 0.0001 with
//! ROUND_HALF_EVEN, stored as `str(Decimal)` ("19.9900"). Exact decimal digits, no floats.

const MONEY_MAX_UNITS: i128 = 1_000_000_000_000 * 10_000;

/// A validated amount in units of 0.0001.
#[derive(Clone, Copy)]
pub struct Money(pub i128);

impl Money {
    /// `str()` of the quantised Decimal: always four decimals.
    pub fn write(self, out: &mut Vec<u8>) {
        let (whole, fraction) = (self.0 / 10_000, self.0 % 10_000);
        out.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
        out.push(b'.');
        let fraction = fraction as u32;
        for place in (0..4).rev() {
            out.push(b'0' + (fraction / 10_u32.pow(place) % 10) as u8);
        }
    }
}

/// The exact value `coefficient × 10^exponent` (coefficient as ASCII digits) as Money; None if
/// negative, above 1e12 or too large to be sure of.
fn from_decimal(coefficient: &[u8], exponent: i64) -> Option<Money> {
    let first = coefficient.iter().position(|&digit| digit != b'0');
    let Some(first) = first else {
        return Some(Money(0));
    };
    let coefficient = &coefficient[first..];
    // value = 0.d1d2d3... × 10^magnitude
    let magnitude = coefficient.len() as i64 + exponent;
    if magnitude > 13 {
        return None; // at least 1e13
    }
    // digit k (0-based) of the coefficient has weight 10^(magnitude - 1 - k); keep weights
    // down to 1e-4 in `units`, then round half-even on the digits below.
    let kept = (magnitude + 4).clamp(0, coefficient.len() as i64) as usize;
    let mut units: i128 = 0;
    for &digit in &coefficient[..kept] {
        units = units * 10 + i128::from(digit - b'0');
    }
    let scale = magnitude + 4 - kept as i64; // zeros to append when the coefficient is short
    for _ in 0..scale.max(0) {
        units *= 10;
    }
    let dropped = &coefficient[kept..];
    let exact = dropped.iter().all(|&digit| digit == b'0');
    if units > MONEY_MAX_UNITS || (units == MONEY_MAX_UNITS && !exact) {
        return None; // above 1e12 before quantising
    }
    // the first dropped digit weighs 1e-5 only if nothing was padded; below, it rounds down
    let first_weighs_half_unit = magnitude + 4 >= 0;
    if let Some((&first_dropped, rest)) = dropped.split_first().filter(|_| first_weighs_half_unit) {
        let rest_zero = rest.iter().all(|&digit| digit == b'0');
        let round_up =
            first_dropped > b'5' || (first_dropped == b'5' && (!rest_zero || units % 2 == 1));
        if round_up {
            units += 1;
        }
    }
    Some(Money(units))
}

/// Money from the JSON text of a value (a number or a string); None if not sure.
pub fn parse(raw: &str) -> Option<Money> {
    let bytes = raw.as_bytes();
    if let Some(text) = bytes
        .strip_prefix(b"\"")
        .and_then(|b| b.strip_suffix(b"\""))
    {
        // "19.99": Decimal(text), exact. Only plain digits: no sign, exponent, spaces or escapes.
        let (whole, fraction) = match text.iter().position(|&byte| byte == b'.') {
            Some(dot) => (&text[..dot], &text[dot + 1..]),
            None => (text, &b""[..]),
        };
        if whole.is_empty()
            || (text.contains(&b'.') && fraction.is_empty())
            || !whole.iter().chain(fraction).all(u8::is_ascii_digit)
            || text.len() > 64
        {
            return None;
        }
        let coefficient: Vec<u8> = whole.iter().chain(fraction).copied().collect();
        return from_decimal(&coefficient, -(fraction.len() as i64));
    }
    if bytes.first() == Some(&b'-') {
        return None; // negative (or -0, which Decimal keeps signed): Python decides
    }
    if bytes.iter().all(u8::is_ascii_digit) {
        return if bytes.len() > 20 {
            None
        } else {
            from_decimal(bytes, 0)
        };
    }
    // A float: pydantic makes Decimal(repr(float)), the shortest digits that read back the same.
    let value: f64 = raw.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    let mut buffer = ryu::Buffer::new();
    let shortest = buffer.format_finite(value).as_bytes();
    let (mantissa, exponent) = match shortest.iter().position(|&byte| byte == b'e') {
        Some(e) => (
            &shortest[..e],
            std::str::from_utf8(&shortest[e + 1..]).ok()?.parse().ok()?,
        ),
        None => (shortest, 0_i64),
    };
    let (whole, fraction) = match mantissa.iter().position(|&byte| byte == b'.') {
        Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
        None => (mantissa, &b""[..]),
    };
    let coefficient: Vec<u8> = whole.iter().chain(fraction).copied().collect();
    from_decimal(&coefficient, exponent - fraction.len() as i64)
}
