//! One native event, checked by the rules of `schemas/event.py` and written as the row
//! `ingest/record.py: RowMaker.row` makes of it (values in `RECORD_COLUMNS` order, orjson text).
//!
//! Every field is taken as raw JSON text first (serde refuses unknown and repeated fields), then
//! read by the model's rule. Whatever is not certainly valid, or could come out differently in
//! Python, makes the event `None`: the request then takes the Python path, which names the bad
//! event and field.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::clock;
use crate::money::{self, Money};

type Raw<'a> = Option<&'a RawValue>;

/// Present fields keep their raw text, `null` included (serde's Option would hide it).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Raw<'de>, D::Error> {
    <&'de RawValue>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    pub event_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present", rename = "type")]
    pub event_type: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub event_name: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub anonymous_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub user_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub session_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub ts: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub sent_at: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub url: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub path: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub title: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub referrer: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub utm_source: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub utm_medium: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub utm_campaign: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub utm_term: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub utm_content: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub screen_width: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub screen_height: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub language: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub user_agent: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub ip: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub product_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub category: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub price: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub quantity: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub currency: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub order_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub revenue: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub items: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    pub properties: Raw<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    product_id: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    category: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    price: Raw<'a>,
    #[serde(borrow, default, deserialize_with = "present")]
    quantity: Raw<'a>,
}

const MAX_ITEMS: usize = 200;

fn is_null(raw: &RawValue) -> bool {
    raw.get() == "null"
}

/// A JSON string's value; None if the token is not a string.
fn string(raw: &RawValue) -> Option<Cow<'_, str>> {
    let token = raw.get();
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(token).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// `_Text(max_length, min_length)`: no control characters but tab, length in characters.
fn text(raw: &RawValue, min_length: usize, max_length: usize) -> Option<Cow<'_, str>> {
    let value = string(raw)?;
    // one pass: control characters (tab allowed) and the length in characters (UTF-8 lead bytes)
    let (mut control, mut length) = (false, 0);
    for &byte in value.as_bytes() {
        control |= (byte < 0x20 && byte != b'\t') || byte == 0x7f;
        length += usize::from(byte & 0xc0 != 0x80);
    }
    (!control && (min_length..=max_length).contains(&length)).then_some(value)
}

/// A text field with a default: absent is `default`, null is invalid.
fn text_or<'a>(raw: Raw<'a>, max_length: usize) -> Option<Cow<'a, str>> {
    match raw {
        None => Some(Cow::Borrowed("")),
        Some(raw) => text(raw, 0, max_length),
    }
}

/// An optional text field: absent or null is None.
fn optional_text(
    raw: Raw<'_>,
    min_length: usize,
    max_length: usize,
) -> Option<Option<Cow<'_, str>>> {
    match raw {
        Some(raw) if !is_null(raw) => text(raw, min_length, max_length).map(Some),
        _ => Some(None),
    }
}

/// An integer in [0, max] written as a JSON integer (pydantic's lax forms are left to Python).
fn integer(raw: &RawValue, max: i64) -> Option<i64> {
    let token = raw.get();
    if token.is_empty() || token.len() > 19 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: i64 = token.parse().ok()?;
    (value <= max).then_some(value)
}

fn integer_or(raw: Raw<'_>, default: i64, max: i64) -> Option<i64> {
    raw.map_or(Some(default), |raw| integer(raw, max))
}

fn optional_integer(raw: Raw<'_>, max: i64) -> Option<Option<i64>> {
    match raw {
        Some(raw) if !is_null(raw) => integer(raw, max).map(Some),
        _ => Some(None),
    }
}

fn optional_money(raw: Raw<'_>) -> Option<Option<Money>> {
    match raw {
        Some(raw) if !is_null(raw) => money::parse(raw.get()).map(Some),
        _ => Some(None),
    }
}

/// `Timestamp | None` as epoch milliseconds.
fn timestamp(raw: Raw<'_>) -> Option<Option<i64>> {
    match raw {
        Some(raw) if !is_null(raw) => {
            let token = raw.get();
            let ms = if token.starts_with('"') {
                clock::text_ms(&string(raw)?)
            } else {
                clock::number_ms(token.parse().ok()?)
            };
            ms.map(Some)
        }
        _ => Some(None),
    }
}

/// `UUID` as `str(UUID)`: only the hyphenated 36-character form is taken here.
fn uuid(raw: &RawValue) -> Option<Cow<'_, str>> {
    let value = string(raw)?;
    let bytes = value.as_bytes();
    let ok = bytes.len() == 36
        && bytes.iter().enumerate().all(|(index, &byte)| match index {
            8 | 13 | 18 | 23 => byte == b'-',
            _ => byte.is_ascii_hexdigit(),
        });
    if !ok {
        return None;
    }
    Some(if bytes.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        value
    })
}

/// `^[a-z][a-z0-9_]{0,63}$`
fn is_event_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub struct Item<'a> {
    pub product_id: Cow<'a, str>,
    pub category: Cow<'a, str>,
    pub price: Option<Money>, // None: the default Decimal(0), stored as "0"
    pub quantity: i64,
}

/// An event that passed every rule, its values read.
pub struct Event<'a> {
    pub event_id: Cow<'a, str>,
    pub event_type: Cow<'a, str>,
    pub event_name: Option<Cow<'a, str>>,
    pub anonymous_id: Option<Cow<'a, str>>,
    pub user_id: Option<Cow<'a, str>>,
    pub session_id: Option<Cow<'a, str>>,
    pub ts: Option<i64>,
    pub sent_at: Option<i64>,
    pub url: Cow<'a, str>,
    pub path: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub referrer: Cow<'a, str>,
    pub utm: [Cow<'a, str>; 5],
    pub screen_width: i64,
    pub screen_height: i64,
    pub language: Cow<'a, str>,
    pub user_agent: Option<Cow<'a, str>>,
    pub ip: Option<Cow<'a, str>>,
    pub product_id: Cow<'a, str>,
    pub category: Cow<'a, str>,
    pub price: Option<Money>,
    pub quantity: Option<i64>,
    pub currency: Option<Cow<'a, str>>,
    pub order_id: Cow<'a, str>,
    pub revenue: Option<Money>,
    pub items: Vec<Item<'a>>,
    pub properties: Option<&'a str>, // raw JSON text of the object, checked when written
}

fn items(raw: Raw<'_>) -> Option<Vec<Item<'_>>> {
    let Some(raw) = raw else {
        return Some(Vec::new());
    };
    let found: Vec<RawItem<'_>> = serde_json::from_str(raw.get()).ok()?;
    if found.len() > MAX_ITEMS {
        return None;
    }
    found
        .into_iter()
        .map(|item| {
            Some(Item {
                product_id: text(item.product_id?, 1, 128)?,
                category: text_or(item.category, 256)?,
                price: match item.price {
                    None => None,
                    Some(raw) => Some(money::parse(raw.get())?),
                },
                quantity: integer_or(item.quantity, 1, 1_000_000)?,
            })
        })
        .collect()
}

impl<'a> RawEvent<'a> {
    /// The event if every field passes its rule and the model's own checks.
    pub fn read(&self) -> Option<Event<'a>> {
        let event_type = text(self.event_type?, 1, 64)?;
        if !is_event_name(&event_type) {
            return None;
        }
        let anonymous_id = optional_text(self.anonymous_id, 1, 128)?;
        let user_id = optional_text(self.user_id, 1, 128)?;
        if anonymous_id.is_none() && user_id.is_none() {
            return None; // "anonymous_id or user_id is required"
        }
        if event_type == "identify" && user_id.is_none() {
            return None;
        }
        let currency = optional_text(self.currency, 3, 3)?;
        if currency
            .as_ref()
            .is_some_and(|c| !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return None;
        }
        let properties = match self.properties {
            None => None,
            Some(raw) if raw.get().starts_with('{') => Some(raw.get()),
            Some(_) => return None,
        };
        Some(Event {
            event_id: uuid(self.event_id?)?,
            event_type,
            event_name: optional_text(self.event_name, 0, 256)?,
            anonymous_id,
            user_id,
            session_id: optional_text(self.session_id, 1, 128)?,
            ts: timestamp(self.ts)?,
            sent_at: timestamp(self.sent_at)?,
            url: text_or(self.url, 4096)?,
            path: text_or(self.path, 4096)?,
            title: text_or(self.title, 1024)?,
            referrer: text_or(self.referrer, 4096)?,
            utm: [
                text_or(self.utm_source, 256)?,
                text_or(self.utm_medium, 256)?,
                text_or(self.utm_campaign, 256)?,
                text_or(self.utm_term, 256)?,
                text_or(self.utm_content, 256)?,
            ],
            screen_width: integer_or(self.screen_width, 0, 65_535)?,
            screen_height: integer_or(self.screen_height, 0, 65_535)?,
            language: text_or(self.language, 35)?,
            user_agent: optional_text(self.user_agent, 0, 1024)?,
            ip: match self.ip {
                Some(raw) if !is_null(raw) => Some(string(raw)?),
                _ => None,
            },
            product_id: text_or(self.product_id, 128)?,
            category: text_or(self.category, 256)?,
            price: optional_money(self.price)?,
            quantity: optional_integer(self.quantity, 1_000_000)?,
            currency,
            order_id: text_or(self.order_id, 128)?,
            revenue: optional_money(self.revenue)?,
            items: items(self.items)?,
            properties,
        })
    }
}
