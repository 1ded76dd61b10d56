"""User-Agent header -> a small, bounded `Device`.

Browser and OS names come from ua-parser. Its default parser already picks the fastest resolver
installed (ua-parser-rs, then google-re2, then pure Python regexes, ~0.6 ms a string), so results
are cached here: a shop's traffic repeats a few thousand distinct strings.

Device class is decided from markers in the raw string, first match wins:

- bot: ua-parser's device family "Spider", or a crawler / script / headless marker. okhttp is
  deliberately not a marker: real Android apps send it.
- other: smart TVs and game consoles.
- tablet: iPad, Kindle / Silk, "Tablet", or Android without "Mobile" (Google's convention for
  tablets). iPadOS in its default desktop mode claims to be a Mac and is counted as desktop.
- mobile: iPhone, iPod, Windows Phone, BlackBerry, Opera Mini, or "Mobi" (Android phones).
- desktop: Windows, Macintosh, X11, ChromeOS, Linux.
- other: anything else, including an empty header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ua_parser

MAX_FIELD_LENGTH = 64
# Real headers stay under ~600 characters; the cap bounds regex time and cache memory.
MAX_USER_AGENT_LENGTH = 1024
CACHE_SIZE = 20_000

_BOT_MARKERS = re.compile(
    r"(?<!cu)bot\b"  # Googlebot, bingbot, AdsBot-Google; not the phone brand CUBOT
    r"|crawl|spider|slurp|headless|lighthouse|phantomjs|selenium|puppeteer"
    r"|python-requests|python-urllib|python-httpx|aiohttp|scrapy|libwww-perl"
    r"|curl/|wget|httpclient|java/|go-http-client|node-fetch|axios/|postmanruntime"
    r"|facebookexternalhit|bingpreview|google-inspectiontool|pingdom|uptime|monitor|gtmetrix",
    re.IGNORECASE,
)
_TV_OR_CONSOLE_MARKERS = re.compile(
    r"smart-?tv|googletv|android ?tv|crkey|web0s|playstation|xbox|nintendo", re.IGNORECASE
)
_TABLET_MARKERS = re.compile(r"iPad|Tablet|Kindle|Silk/|PlayBook")
_MOBILE_MARKERS = re.compile(r"iPhone|iPod|Windows Phone|IEMobile|BlackBerry|BB10|Opera Mini|Mobi")
_DESKTOP_MARKERS = re.compile(r"Windows|Macintosh|X11|CrOS|Linux")


@dataclass(frozen=True, slots=True)
class Device:
    browser: str
    browser_version: str
    os: str
    os_version: str
    device_class: str  # "desktop", "mobile", "tablet", "bot" or "other"
    is_bot: bool

    @property
    def columns(self) -> tuple[str, str, str, str, str, int]:
        """browser, browser_version, os, os_version, device_class, is_bot as stored."""
        return (
            self.browser,
            self.browser_version,
            self.os,
            self.os_version,
            self.device_class,
            int(self.is_bot),
        )


UNKNOWN = Device("", "", "", "", "other", False)


def parse_user_agent(user_agent: str) -> Device:
    """Parse a User-Agent header; unknown parts are "" and every string is at most 64 chars."""
    if not user_agent:
        return UNKNOWN
    return _parse(user_agent[:MAX_USER_AGENT_LENGTH])


@lru_cache(maxsize=CACHE_SIZE)
def _parse(user_agent: str) -> Device:
    result = ua_parser.parse(user_agent)
    is_bot = (
        result.device is not None and result.device.family == "Spider"
    ) or _BOT_MARKERS.search(user_agent) is not None
    browser = result.user_agent
    os = result.os
    return Device(
        browser=_family(browser.family if browser else ""),
        browser_version=_version(browser.major, browser.minor) if browser else "",
        os=_family(os.family if os else ""),
        os_version=_version(os.major, os.minor) if os else "",
        device_class="bot" if is_bot else _device_class(user_agent),
        is_bot=is_bot,
    )


def _device_class(user_agent: str) -> str:
    if _TV_OR_CONSOLE_MARKERS.search(user_agent):
        return "other"
    if _TABLET_MARKERS.search(user_agent):
        return "tablet"
    if _MOBILE_MARKERS.search(user_agent):
        return "mobile"
    if "Android" in user_agent:
        return "tablet"  # Android without "Mobi": Google's convention for tablets
    if _DESKTOP_MARKERS.search(user_agent):
        return "desktop"
    return "other"


def _family(family: str) -> str:
    # ua-parser names a failed match "Other"; we store "" so "unknown" has one spelling.
    return "" if family == "Other" else family[:MAX_FIELD_LENGTH]


def _version(major: str | None, minor: str | None) -> str:
    if not major:
        return ""
    version = f"{major}.{minor}" if minor else major
    return version[:MAX_FIELD_LENGTH]
