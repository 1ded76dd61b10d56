//! Port of ingest/enrich/traffic.py (`classify_traffic` as `record._traffic` calls it) for the
//! inputs it can be sure of: ASCII URLs without brackets, percent-escapes that decode to UTF-8,
//! `http(s)://host` referrers, ASCII mediums and sources. For anything else `classify` answers
//! None and the caller asks the Python function. The word lists come from the Python module.

use std::borrow::Cow;
use std::collections::HashSet;

pub const UTM_FIELDS: [&str; 5] = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
];

pub struct Rules {
    pub max_value_length: usize,
    pub click_id_params: Vec<String>, // in priority order
    pub paid_click_id_params: HashSet<String>,
    pub paid_mediums: HashSet<String>,
    pub email_mediums: HashSet<String>,
    pub social_mediums: HashSet<String>,
    pub organic_medium: String,
    pub webmail_domains: HashSet<String>,
    pub social_domains: HashSet<String>,
    pub search_domains: HashSet<String>,
    pub search_brands: HashSet<String>,
    pub country_second_levels: HashSet<String>,
}

pub struct Traffic<'a> {
    pub referrer_domain: Cow<'a, str>,
    pub channel: &'static str,
    pub utm: [Cow<'a, str>; 5],
    pub click_id: Cow<'a, str>,
}

/// Python's `str.isspace`.
pub fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python's `text[:limit]` (characters).
pub fn prefix(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

/// `text.strip()[:limit]`, keeping a borrowed value borrowed.
fn stripped<'a>(text: Cow<'a, str>, limit: usize) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(prefix(text.trim_matches(is_py_space), limit)),
        Cow::Owned(text) => Cow::Owned(prefix(text.trim_matches(is_py_space), limit).to_owned()),
    }
}

/// `urllib.parse.unquote` (after `+` → space) when the bytes decode as UTF-8; None otherwise.
fn unquote(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains(['%', '+']) {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        match byte {
            b'+' => out.push(b' '),
            b'%' => match (hex(index + 1), hex(index + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    index += 2;
                }
                _ => out.push(b'%'),
            },
            _ => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

type Query<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// `parse_qsl(urlsplit(url).query)` (blank values dropped) for URLs it is sure of.
fn query(url: &str) -> Option<Query<'_>> {
    if !url.contains('?') {
        return Some(Vec::new());
    }
    // printable ASCII without brackets: urlsplit neither strips, removes nor raises
    if !url
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'[' && b != b']')
    {
        return None;
    }
    // scheme and netloc hold neither '?' nor '#': the query runs from the first '?' to '#'
    let end = url.find('#').unwrap_or(url.len());
    let query = match url.find('?') {
        Some(start) if start < end => &url[start + 1..end],
        _ => "",
    };
    let mut pairs = Vec::new();
    for field in query.split('&') {
        let Some((name, value)) = field.split_once('=') else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        pairs.push((unquote(name)?, unquote(value)?));
    }
    Some(pairs)
}

/// `_first`: the first value of `name`, stripped and bounded ("" if absent).
fn first<'a>(query: &Query<'a>, name: &str, limit: usize) -> Cow<'a, str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map_or(Cow::Borrowed(""), |(_, value)| {
            stripped(value.clone(), limit)
        })
}

/// `_host` for "http(s)://host..." and blank text; None for anything else.
fn host(url: &str, limit: usize) -> Option<Cow<'_, str>> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    if let Some(rest) = rest {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        if !name.is_empty() && (after.is_empty() || after.starts_with(['/', '?', '#'])) {
            let lower = name.to_ascii_lowercase();
            let trimmed = lower.trim_end_matches('.');
            let bare = trimmed.strip_prefix("www.").unwrap_or(trimmed);
            return Some(Cow::Owned(prefix(bare, limit).to_owned()));
        }
    }
    url.trim_matches(is_py_space)
        .is_empty()
        .then_some(Cow::Borrowed(""))
}

fn matches(host: &str, domains: &HashSet<String>) -> bool {
    let mut host = host;
    while !host.is_empty() {
        if domains.contains(host) {
            return true;
        }
        host = host.split_once('.').map_or("", |(_, rest)| rest);
    }
    false
}

impl Rules {
    fn is_search_engine(&self, host: &str) -> bool {
        if matches(host, &self.search_domains) {
            return true;
        }
        let labels: Vec<&str> = host.split('.').collect();
        for (index, label) in labels[..labels.len() - 1].iter().enumerate() {
            if self.search_brands.contains(*label) {
                let suffix = &labels[index + 1..];
                return suffix.len() == 1
                    || (suffix.len() == 2 && self.country_second_levels.contains(suffix[0]));
            }
        }
        false
    }

    /// `classify_traffic(url, referrer, utm)`; None when the Python function must answer.
    pub fn classify<'a>(
        &self,
        url: &'a str,
        referrer: &'a str,
        utm: [&'a str; 5],
    ) -> Option<Traffic<'a>> {
        let limit = self.max_value_length;
        let query = query(url)?;
        let tags: [Cow<'a, str>; 5] = std::array::from_fn(|index| {
            let explicit = utm[index].trim_matches(is_py_space);
            if explicit.is_empty() {
                first(&query, UTM_FIELDS[index], limit)
            } else {
                Cow::Borrowed(prefix(explicit, limit))
            }
        });
        let mut click_id: Option<Cow<'a, str>> = None;
        let (mut has_paid_click_id, mut has_fbclid) = (false, false);
        for name in &self.click_id_params {
            let value = first(&query, name, limit);
            if value.is_empty() {
                continue;
            }
            has_paid_click_id |= self.paid_click_id_params.contains(name);
            has_fbclid |= name == "fbclid";
            click_id.get_or_insert(value);
        }
        let referrer_domain = host(referrer, limit)?;
        let (source, medium) = (&tags[0], &tags[1]);
        if !source.is_ascii() || !medium.is_ascii() {
            return None; // str.lower() beyond ASCII: Python's rules
        }
        let (source, medium) = (source.to_ascii_lowercase(), medium.to_ascii_lowercase());
        let domain = referrer_domain.as_ref();
        let channel = if self.paid_mediums.contains(&medium) || has_paid_click_id {
            "paid"
        } else if self.email_mediums.contains(&medium)
            || source == "email"
            || source.contains("newsletter")
            || matches(domain, &self.webmail_domains)
        {
            "email"
        } else if self.social_mediums.contains(&medium)
            || matches(domain, &self.social_domains)
            || has_fbclid
        {
            "social"
        } else if medium == self.organic_medium || self.is_search_engine(domain) {
            "search"
        } else if !domain.is_empty() && source.is_empty() && host(url, limit)? == domain {
            "internal"
        } else if !domain.is_empty() || tags.iter().any(|tag| !tag.is_empty()) {
            "referral"
        } else {
            "direct"
        };
        Some(Traffic {
            referrer_domain,
            channel,
            utm: tags,
            click_id: click_id.unwrap_or(Cow::Borrowed("")),
        })
    }
}
