"""Where a visit came from: page URL + referrer + UTM tags -> a marketing channel.

UTM tags the sender set explicitly (non-empty) win over those in the page URL's query string.
Mediums and sources are compared case-insensitively but stored as sent; only the referrer domain
is lower-cased. Every value is bounded to 256 characters. A malformed URL is treated as empty,
never raised: a browser will send anything.

Channel rules, first match wins:

1. paid: utm_medium is a paid medium (cpc, ppc, display, paid_social, ...), or the page URL
   carries a paid ad click id (gclid, gbraid, wbraid, dclid, msclkid, ttclid, twclid, li_fat_id,
   yclid). Not fbclid: Facebook adds it to organic links too.
2. email: utm_medium is email / newsletter, utm_source is "email" or contains "newsletter", or
   the referrer is a webmail host.
3. social: utm_medium is social, or the referrer is a social network, or fbclid is present.
4. search: utm_medium is "organic", or the referrer is a search engine.
5. internal: the referrer host is the page's own host or one of `site_hosts` ("www." ignored),
   and no utm_source was given.
6. referral: any other referrer, or UTM tags without a recognised medium.
7. direct: no referrer and no UTM tags.

Domains match on label boundaries: an entry "google.com" matches "news.google.com" but not
"notgoogle.com". Google and Yandex match under any country domain ("google.co.uk").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

MAX_VALUE_LENGTH = 256

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# Priority order for `Traffic.click_id` when a URL carries several.
CLICK_ID_PARAMS = (
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "fbclid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "yclid",
)
PAID_CLICK_ID_PARAMS = frozenset(CLICK_ID_PARAMS) - {"fbclid"}

PAID_MEDIUMS = frozenset(
    {
        "cpc",
        "ppc",
        "paid",
        "paidsearch",
        "paid_search",
        "paid-search",
        "cpm",
        "cpv",
        "cpa",
        "display",
        "banner",
        "paid_social",
        "paidsocial",
        "paid-social",
        "retargeting",
    }
)
EMAIL_MEDIUMS = frozenset({"email", "e-mail", "e_mail", "newsletter"})
SOCIAL_MEDIUMS = frozenset(
    {
        "social",
        "social-network",
        "social_network",
        "social network",
        "social-media",
        "social_media",
        "social media",
        "sm",
    }
)
ORGANIC_MEDIUM = "organic"

WEBMAIL_DOMAINS = frozenset(
    {
        "mail.google.com",
        "outlook.live.com",
        "outlook.office.com",
        "outlook.office365.com",
        "mail.yahoo.com",
        "mail.aol.com",
        "mail.proton.me",
        "mail.zoho.com",
        "mail.yandex.ru",
        "e.mail.ru",
        "mail.qq.com",
        "exmail.qq.com",
        "mail.163.com",
        "mail.126.com",
        "mail.sina.com.cn",
        "com.google.android.gm",  # Gmail app (android-app:// referrer)
    }
)
SOCIAL_DOMAINS = frozenset(
    {
        "facebook.com",  # also m., l., lm.facebook.com
        "fb.com",
        "fb.me",
        "messenger.com",
        "instagram.com",
        "threads.net",
        "t.co",
        "twitter.com",
        "x.com",
        "linkedin.com",
        "lnkd.in",
        "pinterest.com",
        "pin.it",
        "reddit.com",
        "youtube.com",
        "youtu.be",
        "tiktok.com",
        "snapchat.com",
        "quora.com",
        "tumblr.com",
        "discord.com",
        "t.me",
        "vk.com",
        "ok.ru",
        "bsky.app",
        "weibo.com",
        "weibo.cn",
        "douyin.com",
        "xiaohongshu.com",
        "zhihu.com",
        "bilibili.com",
        "weixin.qq.com",
        "wechat.com",
        "com.facebook.katana",  # Android apps (android-app:// referrers)
        "com.instagram.android",
        "com.twitter.android",
        "com.linkedin.android",
        "com.reddit.frontpage",
        "com.zhiliaoapp.musically",
        "com.tencent.mm",
    }
)
SEARCH_DOMAINS = frozenset(
    {
        "bing.com",
        "baidu.com",
        "duckduckgo.com",
        "search.yahoo.com",
        "search.yahoo.co.jp",
        "sogou.com",
        "so.com",
        "sm.cn",
        "naver.com",
        "daum.net",
        "seznam.cz",
        "ecosia.org",
        "search.brave.com",
        "startpage.com",
        "qwant.com",
        "ya.ru",
        "com.google.android.googlequicksearchbox",  # Google app (android-app:// referrer)
    }
)
# Engines that answer under every country domain: google.de, google.co.uk, yandex.com.tr.
SEARCH_BRANDS = frozenset({"google", "yandex"})
_COUNTRY_SECOND_LEVELS = frozenset({"co", "com"})

# "scheme:" not followed by a digit: "about:blank" has a scheme, "shop.example:8080/" has none.
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_SIMPLE_HOST = re.compile(r"^https?://([A-Za-z0-9.-]+)(?=[/?#]|$)")


@dataclass(frozen=True, slots=True)
class Traffic:
    channel: str  # direct, search, social, email, paid, referral or internal
    referrer_domain: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    click_id: str

    @property
    def columns(self) -> tuple[str, str, str, str, str, str, str, str]:
        """referrer_domain, channel, the five UTM values, click_id: as stored, in order."""
        return (
            self.referrer_domain,
            self.channel,
            self.utm_source,
            self.utm_medium,
            self.utm_campaign,
            self.utm_term,
            self.utm_content,
            self.click_id,
        )


def classify_traffic(
    url: str,
    referrer: str,
    utm: Mapping[str, str] | None = None,
    site_hosts: frozenset[str] = frozenset(),
) -> Traffic:
    """Classify one page view's traffic source; never raises on malformed input."""
    query = _query(url)
    tags = {field: _pick(field, utm, query) for field in UTM_FIELDS}
    click_ids = {name: value for name in CLICK_ID_PARAMS if (value := _first(query, name))}
    referrer_domain = _host(referrer)
    channel = _channel(
        source=tags["utm_source"].lower(),
        medium=tags["utm_medium"].lower(),
        has_tags=any(tags.values()),
        has_paid_click_id=not PAID_CLICK_ID_PARAMS.isdisjoint(click_ids),
        has_fbclid="fbclid" in click_ids,
        referrer_domain=referrer_domain,
        own_hosts=_normalise_hosts(site_hosts) | {_host(url)},
    )
    return Traffic(
        channel=channel,
        referrer_domain=referrer_domain,
        click_id=next(iter(click_ids.values()), ""),
        **tags,
    )


def _channel(
    *,
    source: str,
    medium: str,
    has_tags: bool,
    has_paid_click_id: bool,
    has_fbclid: bool,
    referrer_domain: str,
    own_hosts: frozenset[str],
) -> str:
    if medium in PAID_MEDIUMS or has_paid_click_id:
        return "paid"
    if (
        medium in EMAIL_MEDIUMS
        or source == "email"
        or "newsletter" in source
        or _matches(referrer_domain, WEBMAIL_DOMAINS)
    ):
        return "email"
    if medium in SOCIAL_MEDIUMS or _matches(referrer_domain, SOCIAL_DOMAINS) or has_fbclid:
        return "social"
    if medium == ORGANIC_MEDIUM or _is_search_engine(referrer_domain):
        return "search"
    if referrer_domain and referrer_domain in own_hosts and not source:
        return "internal"
    if referrer_domain or has_tags:
        return "referral"
    return "direct"


def _query(url: str) -> dict[str, list[str]]:
    if not isinstance(url, str) or "?" not in url:
        return {}
    try:
        return parse_qs(urlsplit(url).query)
    except ValueError:  # "http://[::1": an unclosed IPv6 literal
        return {}


def _first(query: Mapping[str, list[str]], name: str) -> str:
    values = query.get(name)
    return values[0].strip()[:MAX_VALUE_LENGTH] if values else ""


def _pick(field: str, utm: Mapping[str, str] | None, query: Mapping[str, list[str]]) -> str:
    explicit = utm.get(field) if utm else None
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()[:MAX_VALUE_LENGTH]
    return _first(query, field)


def _host(url: str) -> str:
    """Lower-case host of `url` without "www." or a trailing dot; "" if there is none."""
    if not isinstance(url, str):
        return ""
    simple = _SIMPLE_HOST.match(url)
    if simple:  # the common "https://host/..." without port, user or odd characters
        return simple.group(1).lower().rstrip(".").removeprefix("www.")[:MAX_VALUE_LENGTH]
    url = url.strip()
    if not url:
        return ""
    if not _HAS_SCHEME.match(url) and not url.startswith("//"):
        url = "//" + url  # "google.com/search?q=x": a referrer without its scheme
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").removeprefix("www.")
    return host[:MAX_VALUE_LENGTH]


@lru_cache(maxsize=256)
def _normalise_hosts(hosts: frozenset[str]) -> frozenset[str]:
    return frozenset(filter(None, (_host(host) for host in hosts)))


def _matches(host: str, domains: frozenset[str]) -> bool:
    """True if `host` is one of `domains` or a subdomain of one (label boundaries only)."""
    while host:
        if host in domains:
            return True
        _, _, host = host.partition(".")
    return False


def _is_search_engine(host: str) -> bool:
    if _matches(host, SEARCH_DOMAINS):
        return True
    labels = host.split(".")
    for index, label in enumerate(labels[:-1]):
        if label in SEARCH_BRANDS:
            suffix = labels[index + 1 :]
            # google.de, google.com, google.co.uk, google.com.au; not google.example.org
            return len(suffix) == 1 or (len(suffix) == 2 and suffix[0] in _COUNTRY_SECOND_LEVELS)
    return False
