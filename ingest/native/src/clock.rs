//! Event times (port of ingest/clock.py and the `Timestamp` rules of schemas/event.py).
//!
//! Accepted here: ISO 8601 text `YYYY-MM-DD(T|t| )HH:MM:SS[.f{1,9}](Z|z|±HH:MM|±HHMM)` and whole epoch
//! seconds or milliseconds, within [1990, 2100). Any other form pydantic may accept is refused,
//! so the Python path decides.

const EARLIEST_US: i64 = 631_152_000 * 1_000_000; // 1990-01-01T00:00:00Z
const LATEST_US: i64 = 4_102_444_800 * 1_000_000; // 2100-01-01T00:00:00Z
const TOLERANCE_MS: i64 = 5_000;
const LATE_AFTER_MS: i64 = 24 * 3600 * 1000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0, |value, &digit| value * 10 + i64::from(digit - b'0')),
    )
}

/// Epoch microseconds of an ISO 8601 text with a zone; None if not of the accepted form.
fn iso_micros(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &b[19..];
    let mut micros = 0;
    if rest.first() == Some(&b'.') {
        let count = rest[1..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if count == 0 || count > 9 {
            return None;
        }
        let fraction = &rest[1..1 + count];
        // pydantic keeps microseconds and drops further digits (no rounding)
        let kept = &fraction[..count.min(6)];
        micros = digits(kept)? * 10_i64.pow(6 - kept.len() as u32);
        rest = &rest[1 + count..];
    }
    let offset_seconds = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let hours = digits(&[*h1, *h2])?;
            let minutes = digits(&[*m1, *m2])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset_seconds;
    Some(seconds * 1_000_000 + micros)
}

/// Epoch milliseconds of a `Timestamp` given as text, truncated like `clock.epoch_ms`; None when
/// out of bounds or not of an accepted form.
pub fn text_ms(text: &str) -> Option<i64> {
    let micros = iso_micros(text)?;
    in_bounds(micros)
}

/// A timestamp given as a whole number: epoch seconds below 2e10, else milliseconds (pydantic).
pub fn number_ms(value: u64) -> Option<i64> {
    let value = i64::try_from(value).ok()?;
    let micros = if value < 20_000_000_000 {
        value.checked_mul(1_000_000)?
    } else {
        value.checked_mul(1_000)?
    };
    in_bounds(micros)
}

fn in_bounds(micros: i64) -> Option<i64> {
    (EARLIEST_US..LATEST_US)
        .contains(&micros)
        .then(|| micros.div_euclid(1000))
}

pub struct EventTime {
    pub ts: i64,
    pub client_ts: i64,
    pub clock_skew_ms: i64,
    pub is_late: bool,
}

/// Port of `clock.event_time`.
pub fn event_time(
    ts: Option<i64>,
    sent_at: Option<i64>,
    received_at: i64,
    historical: bool,
) -> EventTime {
    let client_ts = ts.unwrap_or(received_at);
    if historical {
        return EventTime {
            ts: client_ts,
            client_ts,
            clock_skew_ms: 0,
            is_late: false,
        };
    }
    let mut corrected = client_ts;
    if let (Some(_), Some(sent_at)) = (ts, sent_at) {
        let skew = received_at - sent_at;
        if skew.abs() > TOLERANCE_MS {
            corrected = client_ts + skew;
        }
    }
    if corrected > received_at + TOLERANCE_MS {
        corrected = received_at;
    }
    EventTime {
        ts: corrected,
        client_ts,
        clock_skew_ms: corrected - client_ts,
        is_late: received_at - corrected > LATE_AFTER_MS,
    }
}

/// `clock.time_text`: "2026-03-01 10:00:00.123", UTC.
pub fn time_text(out: &mut Vec<u8>, milliseconds: i64) {
    let (second, milli) = (milliseconds.div_euclid(1000), milliseconds.rem_euclid(1000));
    let (day, second_of_day) = (second.div_euclid(86_400), second.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(day);
    let (hour, minute, second) = (
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    );
    let push = |out: &mut Vec<u8>, value: i64, width: u32| {
        // years stay within 1000..9999 here (1990..2100 shifted by at most a clock skew)
        for place in (0..width).rev() {
            out.push(b'0' + (value / 10_i64.pow(place) % 10) as u8);
        }
    };
    let fields = [
        (year, 4, b'-'),
        (month, 2, b'-'),
        (day, 2, b' '),
        (hour, 2, b':'),
        (minute, 2, b':'),
        (second, 2, b'.'),
    ];
    for (value, width, separator) in fields {
        push(out, value, width);
        out.push(separator);
    }
    push(out, milli, 3);
}

/// Times `time_text` writes with four-digit years, as Python does (years 1000..=9999).
pub fn has_text(milliseconds: i64) -> bool {
    const FIRST: i64 = -30_610_224_000_000; // 1000-01-01
    const END: i64 = 253_402_300_800_000; // 10000-01-01
    (FIRST..END).contains(&milliseconds)
}
