from __future__ import annotations

import pytest

from ingest.enrich import Device, Traffic, classify_traffic, parse_user_agent, truncate_ip

# --- user agents --------------------------------------------------------------------------------

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36"
)
SAMSUNG_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15"
)
CHROME_OS = (
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
KINDLE_FIRE = (
    "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Silk/124.3.1 like Chrome/124.0.6367.82 Safari/537.36"
)
WINDOWS_PHONE = (
    "Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; "
    "IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 "
    "(KHTML, like Gecko) Mobile Safari/537"
)
CUBOT_PHONE = (
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36"
)
XBOX = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edge/44.18363.8131"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0.6367.118 Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
HEADLESS_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.6367.60 Safari/537.36"
)
LIGHTHOUSE = (
    "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"
)
FACEBOOK_PREVIEW = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (CHROME_WINDOWS, Device("Chrome", "124.0", "Windows", "10", "desktop", False)),
        (SAFARI_IPHONE, Device("Mobile Safari", "17.4", "iOS", "17.4", "mobile", False)),
        (
            CHROME_ANDROID_PHONE,
            Device("Chrome Mobile", "124.0", "Android", "14", "mobile", False),
        ),
        (SAMSUNG_TABLET, Device("Samsung Internet", "24.0", "Android", "13", "tablet", False)),
        (IPAD, Device("Mobile Safari", "16.6", "iOS", "16.6", "tablet", False)),
        (FIREFOX_LINUX, Device("Firefox", "125.0", "Ubuntu", "", "desktop", False)),
        (EDGE_WINDOWS, Device("Edge", "124.0", "Windows", "10", "desktop", False)),
        (SAFARI_MAC, Device("Safari", "17.4", "Mac OS X", "10.15", "desktop", False)),
        (CHROME_OS, Device("Chrome", "124.0", "Chrome OS", "14541.0", "desktop", False)),
        (KINDLE_FIRE, Device("Amazon Silk", "124.3", "Android", "9", "tablet", False)),
        (WINDOWS_PHONE, Device("IE Mobile", "11.0", "Windows Phone", "8.1", "mobile", False)),
        (CUBOT_PHONE, Device("Chrome Mobile", "120.0", "Android", "10", "mobile", False)),
        (XBOX, Device("Edge", "44.18363", "Windows", "10", "other", False)),
        (GOOGLEBOT, Device("Googlebot", "2.1", "", "", "bot", True)),
        (GOOGLEBOT_SMARTPHONE, Device("Googlebot", "2.1", "Android", "6.0", "bot", True)),
        (BINGBOT, Device("bingbot", "2.0", "", "", "bot", True)),
        (HEADLESS_CHROME, Device("HeadlessChrome", "124.0", "Linux", "", "bot", True)),
        (LIGHTHOUSE, Device("Chrome Mobile", "119.0", "Android", "11", "bot", True)),
        (FACEBOOK_PREVIEW, Device("FacebookBot", "1.1", "", "", "bot", True)),
        ("curl/8.5.0", Device("curl", "8.5", "", "", "bot", True)),
        ("python-requests/2.31.0", Device("Python Requests", "2.31", "", "", "bot", True)),
        ("Wget/1.21.4", Device("Wget", "1.21", "", "", "bot", True)),
        ("Go-http-client/2.0", Device("Go-http-client", "2.0", "", "", "bot", True)),
        # okhttp is what real Android apps send: not a bot.
        ("okhttp/4.12.0", Device("okhttp", "4.12", "", "", "other", False)),
        ("", Device("", "", "", "", "other", False)),
        ("not a browser", Device("", "", "", "", "other", False)),
    ],
)
def test_parse_user_agent(user_agent: str, expected: Device) -> None:
    assert parse_user_agent(user_agent) == expected


def test_parse_user_agent_bounds_every_field() -> None:
    huge = "Mozilla/5.0 (Windows NT 10.0) " + "A" * 100 + "/" + "9" * 100 + "." + "8" * 100
    device = parse_user_agent(huge + " " + "x" * 5000)
    assert all(len(text) <= 64 for text in (device.browser, device.browser_version, device.os))
    assert all(len(text) <= 64 for text in (device.os_version, device.device_class))


def test_parse_user_agent_is_cached() -> None:
    assert parse_user_agent(CHROME_WINDOWS) is parse_user_agent(CHROME_WINDOWS)


# --- traffic ------------------------------------------------------------------------------------

PAGE = "https://shop.example.com/products/42"


def traffic(channel: str, referrer_domain: str = "", click_id: str = "", **utm: str) -> Traffic:
    fields = {f"utm_{key}": utm.get(key, "") for key in ("source", "medium", "campaign")}
    fields |= {f"utm_{key}": utm.get(key, "") for key in ("term", "content")}
    return Traffic(channel=channel, referrer_domain=referrer_domain, click_id=click_id, **fields)


@pytest.mark.parametrize(
    ("url", "referrer", "expected"),
    [
        # direct
        (PAGE, "", traffic("direct")),
        ("", "", traffic("direct")),
        # search: referrer host, any Google country domain, subdomains on label boundaries
        (PAGE, "https://www.google.com/", traffic("search", "google.com")),
        (PAGE, "https://www.google.co.uk/", traffic("search", "google.co.uk")),
        (PAGE, "https://www.google.com.au/search?q=shoes", traffic("search", "google.com.au")),
        (PAGE, "https://google.co.jp", traffic("search", "google.co.jp")),
        (PAGE, "https://news.google.com/articles/x", traffic("search", "news.google.com")),
        (PAGE, "https://www.bing.com/search?q=shoes", traffic("search", "bing.com")),
        (PAGE, "https://m.baidu.com/s?word=x", traffic("search", "m.baidu.com")),
        (PAGE, "https://yandex.ru/search/?text=x", traffic("search", "yandex.ru")),
        (PAGE, "https://duckduckgo.com/", traffic("search", "duckduckgo.com")),
        (PAGE, "https://uk.search.yahoo.com/", traffic("search", "uk.search.yahoo.com")),
        (PAGE, "https://search.brave.com/", traffic("search", "search.brave.com")),
        (PAGE, "https://WWW.Google.DE./", traffic("search", "google.de")),
        (
            PAGE,
            "android-app://com.google.android.googlequicksearchbox/",
            traffic("search", "com.google.android.googlequicksearchbox"),
        ),
        (PAGE + "?utm_medium=organic", "", traffic("search", medium="organic")),
        # look-alikes are referrals, not search
        (PAGE, "https://notgoogle.com/", traffic("referral", "notgoogle.com")),
        (PAGE, "https://google.example.org/", traffic("referral", "google.example.org")),
        (PAGE, "https://www.bing.com.evil.net/", traffic("referral", "bing.com.evil.net")),
        # social
        (PAGE, "https://l.facebook.com/l.php?u=x", traffic("social", "l.facebook.com")),
        (PAGE, "https://m.facebook.com/", traffic("social", "m.facebook.com")),
        (PAGE, "https://t.co/abc", traffic("social", "t.co")),
        (PAGE, "https://www.instagram.com/", traffic("social", "instagram.com")),
        (PAGE, "https://www.reddit.com/r/shoes", traffic("social", "reddit.com")),
        (PAGE, "https://weixin.qq.com/", traffic("social", "weixin.qq.com")),
        (PAGE, "android-app://com.facebook.katana/", traffic("social", "com.facebook.katana")),
        (PAGE + "?fbclid=IwAR0abc", "", traffic("social", click_id="IwAR0abc")),
        (
            PAGE + "?utm_source=ig&utm_medium=Social",
            "",
            traffic("social", source="ig", medium="Social"),
        ),
        # email
        (PAGE, "https://mail.google.com/", traffic("email", "mail.google.com")),
        (PAGE, "https://outlook.live.com/mail/0/", traffic("email", "outlook.live.com")),
        (PAGE, "https://mail.qq.com/", traffic("email", "mail.qq.com")),
        (PAGE + "?utm_medium=email", "", traffic("email", medium="email")),
        (PAGE + "?utm_medium=E-Mail", "", traffic("email", medium="E-Mail")),
        (PAGE + "?utm_source=weekly_newsletter", "", traffic("email", source="weekly_newsletter")),
        (PAGE + "?utm_source=Email", "", traffic("email", source="Email")),
        # paid: medium or a paid click id, which beats the referrer
        (
            PAGE + "?gclid=Cj0KCQ",
            "https://www.google.com/",
            traffic("paid", "google.com", "Cj0KCQ"),
        ),
        (PAGE + "?msclkid=abc123", "", traffic("paid", click_id="abc123")),
        (PAGE + "?ttclid=tt1", "", traffic("paid", click_id="tt1")),
        (
            PAGE + "?utm_source=google&utm_medium=CPC&utm_campaign=Spring%20Sale",
            "https://www.google.com/",
            traffic("paid", "google.com", source="google", medium="CPC", campaign="Spring Sale"),
        ),
        (
            PAGE + "?utm_source=fb&utm_medium=paid_social&fbclid=IwAR1",
            "https://l.facebook.com/",
            traffic("paid", "l.facebook.com", "IwAR1", source="fb", medium="paid_social"),
        ),
        (PAGE + "?fbclid=fb1&gclid=g1", "", traffic("paid", click_id="g1")),
        (PAGE + "?gclid=", "", traffic("direct")),
        # internal: own host, "www." ignored
        (PAGE, "https://shop.example.com/cart", traffic("internal", "shop.example.com")),
        (
            "https://www.shop.example.com/",
            "https://shop.example.com/",
            traffic("internal", "shop.example.com"),
        ),
        (
            "https://shop.example.com/",
            "https://WWW.shop.example.com/",
            traffic("internal", "shop.example.com"),
        ),
        (
            PAGE + "?utm_campaign=spring",
            "https://shop.example.com/",
            traffic("internal", "shop.example.com", campaign="spring"),
        ),
        # ...but a utm_source makes it a referral
        (
            PAGE + "?utm_source=partner",
            "https://shop.example.com/",
            traffic("referral", "shop.example.com", source="partner"),
        ),
        # referral
        (PAGE, "https://blog.example.org/best-shoes", traffic("referral", "blog.example.org")),
        (PAGE + "?utm_source=partner", "", traffic("referral", source="partner")),
        (
            PAGE + "?utm_source=p&utm_medium=affiliate",
            "",
            traffic("referral", source="p", medium="affiliate"),
        ),
        (PAGE + "?utm_campaign=spring", "", traffic("referral", campaign="spring")),
        # referrer without a scheme
        ("shop.example.com/x", "google.com/search?q=x", traffic("search", "google.com")),
        (PAGE, "blog.example.org", traffic("referral", "blog.example.org")),
        (PAGE, "//blog.example.org/x", traffic("referral", "blog.example.org")),
        (PAGE, "shop.example.com:8443/cart", traffic("internal", "shop.example.com")),
        # malformed or hostless: treated as empty, never raised
        ("http://[::1", "http://[::1", traffic("direct")),
        ("http://[::1?utm_source=x", "", traffic("direct")),
        (PAGE, "about:blank", traffic("direct")),
        (PAGE, "   ", traffic("direct")),
        (PAGE, "https://", traffic("direct")),
        (PAGE, "mailto:someone@example.com", traffic("direct")),
    ],
)
def test_classify_traffic(url: str, referrer: str, expected: Traffic) -> None:
    assert classify_traffic(url, referrer) == expected


def test_all_utm_fields_are_read_and_not_lower_cased() -> None:
    url = (
        "https://shop.example.com/?utm_source=Google&utm_medium=cpc&utm_campaign=Spring+Sale"
        "&utm_term=Red%20Shoes&utm_content=Banner_A"
    )
    assert classify_traffic(url, "") == Traffic(
        channel="paid",
        referrer_domain="",
        utm_source="Google",
        utm_medium="cpc",
        utm_campaign="Spring Sale",
        utm_term="Red Shoes",
        utm_content="Banner_A",
        click_id="",
    )


def test_explicit_utm_overrides_url_utm() -> None:
    url = PAGE + "?utm_source=url_source&utm_medium=cpc&utm_campaign=url_campaign"
    utm = {"utm_source": "newsletter_may", "utm_medium": "email", "utm_campaign": ""}
    assert classify_traffic(url, "", utm) == traffic(
        "email", source="newsletter_may", medium="email", campaign="url_campaign"
    )


def test_explicit_utm_without_url_tags() -> None:
    utm = {"utm_source": "tiktok", "utm_medium": "social", "utm_content": "video_3"}
    assert classify_traffic(PAGE, "", utm) == traffic(
        "social", source="tiktok", medium="social", content="video_3"
    )


def test_site_hosts_make_other_own_domains_internal() -> None:
    site_hosts = frozenset({"Checkout.Example.NET", "www.shop-example.de"})
    for referrer in ("https://checkout.example.net/pay", "https://shop-example.de/"):
        assert classify_traffic(PAGE, referrer, site_hosts=site_hosts).channel == "internal"
    assert classify_traffic(PAGE, "https://pay.example.net/", site_hosts=site_hosts) == traffic(
        "referral", "pay.example.net"
    )


def test_values_are_bounded() -> None:
    long = "x" * 1000
    result = classify_traffic(f"{PAGE}?utm_source={long}&gclid={long}", f"https://{'a' * 300}.com")
    assert result.utm_source == "x" * 256
    assert result.click_id == "x" * 256
    assert result.channel == "paid"
    assert len(result.referrer_domain) <= 256


# --- IP truncation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.7", "203.0.113.0"),
        ("203.0.113.255", "203.0.113.0"),
        (" 10.1.2.3 ", "10.1.2.0"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::"),
        ("2001:0db8:abcd:ffff:ffff:ffff:ffff:ffff", "2001:db8:abcd::"),
        ("2001:db8::1", "2001:db8::"),
        ("fe80::1%eth0", "fe80::"),
        ("::1", "::"),
        ("::ffff:198.51.100.23", "198.51.100.0"),
        ("::ffff:c633:6417", "198.51.100.0"),
        ("", ""),
        (None, ""),
        ("not an ip", ""),
        ("256.1.1.1", ""),
        ("203.0.113.7:443", ""),
        ("203.0.113", ""),
        ("2001:db8:::1", ""),
    ],
)
def test_truncate_ip(address: str | None, expected: str) -> None:
    assert truncate_ip(address) == expected
