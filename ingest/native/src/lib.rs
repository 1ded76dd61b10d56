//! clickstream_native: the collector's rows straight from the request bytes.
//!
//! `Packer.pack(body, ...)` takes the raw body of `POST /v1/batch` (a JSON array of native
//! events) and gives the Kafka messages `schemas.messages.pack_rows` would make of the rows
//! `ingest.record.RowMaker` builds: the same bytes, without a Python object per field. It answers
//! None whenever it is not certain (an invalid event, a form of a value it does not read, a
//! value Python could write differently); the collector then takes its Python path, which
//! names each bad event and field. Enrichment it does not port (user agents, per-event IPs,
//! unusual URLs) is asked of the Python functions passed in, once per value.

mod clock;
mod event;
mod money;
mod out;
mod props;
mod traffic;

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::HashSet;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use event::{Event, RawEvent};
use money::Money;
use traffic::Rules;

/// The columns this module writes, in order: `ingest.record.RECORD_COLUMNS`, compared when the
/// Packer is made so that the two cannot drift apart silently.
const COLUMNS: &str = "event_id site_id type event_name anonymous_id user_id session_id ts \
    client_ts sent_at received_at clock_skew_ms is_late url path title referrer referrer_domain \
    channel utm_source utm_medium utm_campaign utm_term utm_content click_id screen_width \
    screen_height language browser browser_version os os_version device_class is_bot ip_prefix \
    product_id category price quantity currency order_id revenue items.product_id \
    items.category items.price items.quantity properties source";

type Device = (String, String, String, String, String, i64);
type TrafficColumns = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// What is the same for every event of one request.
struct Request<'a> {
    site: &'a str,
    received_ms: i64,
    received_text: Vec<u8>,
    device: Vec<u8>, // the device columns, written once
    ip_prefix: &'a str,
    historical: bool,
    source: &'a str,
}

#[pyclass(frozen, module = "clickstream_native")]
struct Packer {
    topic: Py<PyString>,
    header: Vec<u8>,
    max_bytes: usize,
    max_events: usize,
    rules: Rules,
    traffic_of: Py<PyAny>,   // (url, referrer, utm 5-tuple) -> TrafficColumns
    device_of: Py<PyAny>,    // user agent -> Device
    ip_prefix_of: Py<PyAny>, // per-event ip text -> prefix text, or None if not an IP
}

fn set(values: Vec<String>) -> HashSet<String> {
    values.into_iter().collect()
}

fn money_text(out: &mut Vec<u8>, value: Option<Money>) {
    match value {
        Some(money) => {
            out.push(b'"');
            money.write(out);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"\"0\""),
    }
}

/// `time_text` as a JSON string; the "date time" part of the last few seconds written is kept
/// (an event's times and the receipt are usually a handful of seconds), as clock.py caches it.
#[derive(Default)]
struct Times {
    seconds: [Option<i64>; 4],
    texts: [[u8; 19]; 4],
    next: usize,
}

impl Times {
    fn write(&mut self, out: &mut Vec<u8>, milliseconds: i64) -> Option<()> {
        if !clock::has_text(milliseconds) {
            return None;
        }
        let second = milliseconds.div_euclid(1000);
        let slot = match self
            .seconds
            .iter()
            .position(|&cached| cached == Some(second))
        {
            Some(slot) => slot,
            None => {
                let slot = self.next;
                self.next = (slot + 1) % self.seconds.len();
                let mut text = Vec::with_capacity(23);
                clock::time_text(&mut text, second * 1000);
                self.texts[slot].copy_from_slice(&text[..19]);
                self.seconds[slot] = Some(second);
                slot
            }
        };
        let milli = milliseconds.rem_euclid(1000) as u32;
        out.push(b'"');
        out.extend_from_slice(&self.texts[slot]);
        let digit = |value: u32| b'0' + (value % 10) as u8;
        out.extend_from_slice(&[
            b'.',
            digit(milli / 100),
            digit(milli / 10),
            digit(milli),
            b'"',
        ]);
        Some(())
    }
}

fn text(out: &mut Vec<u8>, value: &str) {
    out::string(out, value);
    out.push(b',');
}

fn int(out: &mut Vec<u8>, value: i64) {
    out::int(out, i128::from(value));
    out.push(b',');
}

fn list<T>(
    out: &mut Vec<u8>,
    values: impl Iterator<Item = T>,
    mut write: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (index, value) in values.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write(out, value);
    }
    out.extend_from_slice(b"],");
}

/// The device columns as they sit in a row (browser ... is_bot, each followed by a comma).
fn device_columns(device: &Device) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    let (browser, browser_version, os, os_version, device_class, is_bot) = device;
    for value in [browser, browser_version, os, os_version, device_class] {
        text(&mut out, value);
    }
    int(&mut out, *is_bot);
    out
}

impl Packer {
    /// referrer_domain, channel, the five UTM values and click_id: ported, or from Python.
    fn traffic<'a>(&self, py: Python<'_>, event: &'a Event<'a>) -> PyResult<[Cow<'a, str>; 8]> {
        let utm: [&str; 5] = std::array::from_fn(|index| event.utm[index].as_ref());
        if let Some(found) = self.rules.classify(&event.url, &event.referrer, utm) {
            let [source, medium, campaign, term, content] = found.utm;
            let channel = Cow::Borrowed(found.channel);
            let domain = found.referrer_domain;
            return Ok([
                domain,
                channel,
                source,
                medium,
                campaign,
                term,
                content,
                found.click_id,
            ]);
        }
        let utm = (utm[0], utm[1], utm[2], utm[3], utm[4]);
        let answer = self
            .traffic_of
            .call1(py, (event.url.as_ref(), event.referrer.as_ref(), utm))?;
        let (domain, channel, source, medium, campaign, term, content, click_id): TrafficColumns =
            answer.extract(py)?;
        Ok([
            domain, channel, source, medium, campaign, term, content, click_id,
        ]
        .map(Cow::Owned))
    }

    /// The row of one event, or None if it cannot be sure of it.
    fn row(
        &self,
        py: Python<'_>,
        out: &mut Vec<u8>,
        times: &mut Times,
        event: &Event<'_>,
        request: &Request<'_>,
    ) -> PyResult<Option<()>> {
        let traffic = self.traffic(py, event)?;
        let device: Cow<'_, [u8]> = match event.user_agent.as_deref() {
            Some(agent) if !agent.is_empty() => Cow::Owned(device_columns(
                &self.device_of.call1(py, (agent,))?.extract(py)?,
            )),
            _ => Cow::Borrowed(&request.device),
        };
        let ip_prefix: Cow<'_, str> = match &event.ip {
            None => Cow::Borrowed(request.ip_prefix),
            Some(ip) => {
                match self
                    .ip_prefix_of
                    .call1(py, (ip.as_ref(),))?
                    .extract::<Option<String>>(py)?
                {
                    Some(prefix) => Cow::Owned(prefix),
                    None => return Ok(None), // not an IP address: Python names the field
                }
            }
        };
        Ok(write_row(
            out, times, event, request, &traffic, &device, &ip_prefix,
        ))
    }
}

/// The row (`RowMaker.row`) of an event whose enrichment is known.
fn write_row(
    out: &mut Vec<u8>,
    times: &mut Times,
    event: &Event<'_>,
    request: &Request<'_>,
    traffic: &[Cow<'_, str>; 8],
    device: &[u8],
    ip_prefix: &str,
) -> Option<()> {
    let time = if event.ts.is_none() && !request.historical {
        clock::EventTime {
            ts: request.received_ms,
            client_ts: request.received_ms,
            clock_skew_ms: 0,
            is_late: false,
        }
    } else {
        clock::event_time(
            event.ts,
            event.sent_at,
            request.received_ms,
            request.historical,
        )
    };
    out.push(b'[');
    text(out, &event.event_id);
    text(out, request.site);
    text(out, &event.event_type);
    let name = event.event_name.as_deref().filter(|name| !name.is_empty());
    text(out, name.unwrap_or(&event.event_type));
    text(out, event.anonymous_id.as_deref().unwrap_or(""));
    text(out, event.user_id.as_deref().unwrap_or(""));
    text(out, event.session_id.as_deref().unwrap_or(""));
    times.write(out, time.ts)?;
    out.push(b',');
    times.write(out, time.client_ts)?;
    out.push(b',');
    match event.sent_at {
        Some(sent_at) => times.write(out, sent_at)?,
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    out.extend_from_slice(&request.received_text);
    out.push(b',');
    int(out, time.clock_skew_ms);
    int(out, i64::from(time.is_late));
    text(out, &event.url);
    text(out, &event.path);
    text(out, &event.title);
    text(out, &event.referrer);
    for value in traffic {
        text(out, value);
    }
    int(out, event.screen_width);
    int(out, event.screen_height);
    text(out, &event.language);
    out.extend_from_slice(device);
    text(out, ip_prefix);
    text(out, &event.product_id);
    text(out, &event.category);
    money_text(out, event.price);
    out.push(b',');
    // one unit of a named product unless told otherwise
    int(
        out,
        event
            .quantity
            .unwrap_or(i64::from(!event.product_id.is_empty())),
    );
    text(out, event.currency.as_deref().unwrap_or(""));
    if event.event_type == "order" {
        // counted once, by its event; revenue as sent, else the sum of its items
        text(
            out,
            if event.order_id.is_empty() {
                &event.event_id
            } else {
                &event.order_id
            },
        );
        match event.revenue {
            Some(revenue) => money_text(out, Some(revenue)),
            None if event.items.iter().any(|item| item.price.is_some()) => {
                let total = event
                    .items
                    .iter()
                    .map(|item| item.price.map_or(0, |price| price.0) * i128::from(item.quantity))
                    .sum();
                money_text(out, Some(Money(total)));
            }
            None => out.extend_from_slice(b"\"0\""), // Decimal(0) and default prices
        }
    } else {
        text(out, &event.order_id);
        money_text(out, event.revenue);
    }
    out.push(b',');
    list(out, event.items.iter(), |out, item| {
        out::string(out, &item.product_id)
    });
    list(out, event.items.iter(), |out, item| {
        out::string(out, &item.category)
    });
    list(out, event.items.iter(), |out, item| {
        money_text(out, item.price)
    });
    list(out, event.items.iter(), |out, item| {
        out::int(out, i128::from(item.quantity))
    });
    match event.properties {
        Some(raw) => props::write(out, raw)?,
        None => out.extend_from_slice(b"{}"),
    }
    out.push(b',');
    out::string(out, request.source);
    out.push(b']');
    Some(())
}

#[pymethods]
impl Packer {
    /// `columns` must be RECORD_COLUMNS; `header` the names line of every message; `rules` the
    /// word lists of ingest/enrich/traffic.py by their Python names.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        columns: Vec<String>,
        topic: Py<PyString>,
        header: Vec<u8>,
        max_bytes: usize,
        max_events: usize,
        rules: HashMap<String, Bound<'_, PyAny>>,
        traffic_of: Py<PyAny>,
        device_of: Py<PyAny>,
        ip_prefix_of: Py<PyAny>,
    ) -> PyResult<Self> {
        if !columns
            .iter()
            .map(String::as_str)
            .eq(COLUMNS.split_whitespace())
        {
            return Err(PyValueError::new_err(
                "RECORD_COLUMNS changed: rebuild clickstream_native",
            ));
        }
        let get = |name: &str| -> PyResult<Vec<String>> {
            rules
                .get(name)
                .ok_or_else(|| PyValueError::new_err(format!("traffic rule {name} missing")))?
                .try_iter()?
                .map(|item| item?.extract::<String>())
                .collect()
        };
        let one = |name: &str| -> PyResult<Bound<'_, PyAny>> {
            rules
                .get(name)
                .cloned()
                .ok_or_else(|| PyValueError::new_err(format!("{name} missing")))
        };
        let utm_fields = get("UTM_FIELDS")?;
        if utm_fields != traffic::UTM_FIELDS {
            return Err(PyValueError::new_err(
                "UTM_FIELDS changed: rebuild clickstream_native",
            ));
        }
        let rules = Rules {
            max_value_length: one("MAX_VALUE_LENGTH")?.extract()?,
            click_id_params: get("CLICK_ID_PARAMS")?,
            paid_click_id_params: set(get("PAID_CLICK_ID_PARAMS")?),
            paid_mediums: set(get("PAID_MEDIUMS")?),
            email_mediums: set(get("EMAIL_MEDIUMS")?),
            social_mediums: set(get("SOCIAL_MEDIUMS")?),
            organic_medium: one("ORGANIC_MEDIUM")?.extract()?,
            webmail_domains: set(get("WEBMAIL_DOMAINS")?),
            social_domains: set(get("SOCIAL_DOMAINS")?),
            search_domains: set(get("SEARCH_DOMAINS")?),
            search_brands: set(get("SEARCH_BRANDS")?),
            country_second_levels: set(get("_COUNTRY_SECOND_LEVELS")?),
        };
        Ok(Packer {
            topic,
            header,
            max_bytes,
            max_events,
            rules,
            traffic_of,
            device_of,
            ip_prefix_of,
        })
    }

    /// The messages (topic, key, value) and the number of events of `body`, or None.
    #[allow(clippy::too_many_arguments)]
    fn pack<'py>(
        &self,
        py: Python<'py>,
        body: &[u8],
        site: &str,
        received_ms: i64,
        device: Device,
        ip_prefix: &str,
        historical: bool,
        source: &str,
    ) -> PyResult<
        Option<(
            Vec<(Py<PyString>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)>,
            usize,
        )>,
    > {
        let Ok(body) = std::str::from_utf8(body) else {
            return Ok(None);
        };
        let Ok(raw_events) = serde_json::from_str::<Vec<RawEvent<'_>>>(body) else {
            return Ok(None);
        };
        if raw_events.len() > self.max_events {
            return Ok(None);
        }
        let mut times = Times::default();
        let mut received_text = Vec::with_capacity(32);
        if times.write(&mut received_text, received_ms).is_none() {
            return Ok(None);
        }
        let device = device_columns(&device);
        let request = Request {
            site,
            received_ms,
            received_text,
            device,
            ip_prefix,
            historical,
            source,
        };
        let mut rows = Vec::with_capacity(body.len() + raw_events.len() * 256);
        // rows by partition key, keys in order of first appearance (as `_messages` groups them)
        let mut groups: Vec<(Vec<u8>, Vec<(usize, usize)>)> = Vec::new();
        let mut group_of: HashMap<Vec<u8>, usize> = HashMap::new();
        for raw in &raw_events {
            let Some(event) = raw.read() else {
                return Ok(None);
            };
            let start = rows.len();
            if self
                .row(py, &mut rows, &mut times, &event, &request)?
                .is_none()
            {
                return Ok(None);
            }
            // visitor_key: "{site}/{anonymous_id or 'u:' + user_id}"
            let mut key = Vec::with_capacity(site.len() + 40);
            key.extend_from_slice(site.as_bytes());
            key.push(b'/');
            match (&event.anonymous_id, &event.user_id) {
                (Some(anonymous_id), _) => key.extend_from_slice(anonymous_id.as_bytes()),
                (None, user_id) => {
                    key.extend_from_slice(b"u:");
                    key.extend_from_slice(user_id.as_deref().unwrap_or("").as_bytes());
                }
            }
            let index = match group_of.get(&key) {
                Some(&index) => index,
                None => {
                    group_of.insert(key.clone(), groups.len());
                    groups.push((key, Vec::new()));
                    groups.len() - 1
                }
            };
            groups[index].1.push((start, rows.len()));
        }
        let mut messages = Vec::new();
        for (key, ranges) in &groups {
            let mut value = Vec::new();
            let emit =
                |value: &mut Vec<u8>| -> (Py<PyString>, Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
                    let message = (
                        self.topic.clone_ref(py),
                        PyBytes::new(py, key),
                        PyBytes::new(py, value),
                    );
                    value.clear();
                    message
                };
            for &(start, end) in ranges {
                let row = &rows[start..end];
                if !value.is_empty() && value.len() + row.len() + 1 > self.max_bytes {
                    messages.push(emit(&mut value));
                }
                if value.is_empty() {
                    value.extend_from_slice(&self.header);
                }
                value.push(b'\n');
                value.extend_from_slice(row);
            }
            messages.push(emit(&mut value));
        }
        Ok(Some((messages, raw_events.len())))
    }
}

#[pymodule]
fn clickstream_native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Packer>()?;
    Ok(())
}
