"""The imaginary shop the traffic generator visits: a catalog with categories and prices, traffic
sources with their referrers and UTM tags, and the devices visitors use."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

SHOP_URL = "https://demo-shop.example"

CATEGORIES = {
    "tea": ("Sencha", "Oolong", "Earl Grey", "Pu-erh", "Jasmine", "Matcha", "Rooibos"),
    "teaware": ("Teapot", "Gaiwan", "Cup set", "Kettle", "Strainer", "Tea tray"),
    "books": ("Tea atlas", "Brewing guide", "Tea history", "Ceramics handbook"),
    "snacks": ("Mochi", "Almond cookies", "Dried mango", "Rice crackers", "Sesame bar"),
    "gifts": ("Gift box", "Sampler", "Advent calendar", "Voucher"),
}
PRICE_RANGES = {
    "tea": (6, 40),
    "teaware": (15, 180),
    "books": (12, 45),
    "snacks": (3, 15),
    "gifts": (20, 120),
}


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category: str
    price: Decimal

    @property
    def path(self) -> str:
        return f"/products/{self.product_id}"


def catalog(size: int, rng: random.Random) -> list[Product]:
    products = []
    names = [(category, name) for category, items in CATEGORIES.items() for name in items]
    for number in range(size):
        category, name = names[number % len(names)]
        low, high = PRICE_RANGES[category]
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        variant = number // len(names)
        title = f"{name} {variant + 1}" if variant else name
        products.append(Product(f"sku-{number + 1:04d}", title, category, price))
    return products


@dataclass(frozen=True)
class Landing:
    """How a session arrives: the landing URL's query and the referrer."""

    query: str
    referrer: str


# channel -> ways of arriving through it
LANDINGS: dict[str, tuple[Landing, ...]] = {
    "direct": (Landing("", ""),),
    "search": (
        Landing("", "https://www.google.com/"),
        Landing("", "https://www.bing.com/search"),
        Landing("", "https://duckduckgo.com/"),
        Landing("", "https://www.baidu.com/s"),
    ),
    "social": (
        Landing("", "https://www.instagram.com/"),
        Landing("?fbclid=IwAR0demo", "https://m.facebook.com/"),
        Landing("", "https://weibo.com/u/7355608"),
        Landing("", "https://www.pinterest.com/"),
    ),
    "email": (
        Landing("?utm_source=newsletter&utm_medium=email&utm_campaign=weekly", ""),
        Landing("?utm_source=crm&utm_medium=email&utm_campaign=win_back", ""),
    ),
    "paid": (
        Landing("?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0demo", ""),
        Landing("?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_sale", ""),
        Landing("?utm_source=bing&utm_medium=cpc&utm_campaign=generic_tea&msclkid=demo", ""),
    ),
    "referral": (
        Landing("", "https://blog.tea-lovers.example/best-oolong"),
        Landing("", "https://forum.kitchen.example/thread/42"),
    ),
}
DEFAULT_CHANNEL_MIX = {
    "direct": 30.0,
    "search": 25.0,
    "social": 12.0,
    "email": 8.0,
    "paid": 15.0,
    "referral": 10.0,
}


@dataclass(frozen=True)
class Device:
    device_class: str
    user_agent: str
    screen: tuple[int, int]


DEVICES = {
    "desktop": (
        Device(
            "desktop",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            (1920, 1080),
        ),
        Device(
            "desktop",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            (1440, 900),
        ),
        Device(
            "desktop",
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            (1366, 768),
        ),
    ),
    "mobile": (
        Device(
            "mobile",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            (390, 844),
        ),
        Device(
            "mobile",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            (412, 915),
        ),
    ),
    "tablet": (
        Device(
            "tablet",
            "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            (820, 1180),
        ),
    ),
}
LANGUAGES = ("en-US", "en-GB", "de-DE", "fr-FR", "zh-CN", "nl-NL")
SEARCH_TERMS = ("green tea", "teapot", "gift", "matcha", "oolong", "cookies", "cups")
