"""The pages of the test shop (a shop's own site on another origin than the collector's). Each
has the inline stub a shop pastes, with the collector's URL, and loads the shop's self-hosted
copy of the snippet."""

from __future__ import annotations

STUB = """<script>
  window.clickstream = window.clickstream ||
    function () { (clickstream.q = clickstream.q || []).push(arguments); };
  clickstream('init', { key: 'demo-key', url: '%(collector)s'%(options)s });
%(calls)s</script>
<script async src="%(src)s"></script>
"""


def page(title: str, body: str, head: str = "", **stub: str) -> str:
    """A page; `stub` (options, calls, src) shapes its snippet, `snippet=""` leaves it out."""
    snippet = stub.pop("snippet", STUB)
    fields = {"options": "", "calls": "", "src": "/t.js", "collector": "{collector}"} | stub
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>{title}</title>
{snippet % fields if snippet else ""}{head}</head>
<body>
{body}
</body>
</html>
"""


PAGES = {
    "page.html": page(
        "Test shop page",
        '<h1>A shop page on its own origin</h1><a id="next" href="page2.html">next page</a>',
    ),
    "page2.html": page(
        "Test shop page 2", '<h1>The next page</h1><a id="back" href="page.html">back</a>'
    ),
    "plain.html": page("No snippet here", "<h1>A page without the snippet</h1>", snippet=""),
    "queued.html": page(
        "Calls before the snippet loads",
        "<h1>Queued calls</h1>",
        calls="""  // made before /t.js has loaded: the stub queues them
  clickstream('add_to_cart', { product_id: 'queued-1', price: 5, quantity: 2, color: 'red' });
  clickstream('identify', 'u-queued');
""",
    ),
    "consent.html": page(
        "Waiting for consent", "<h1>Consent banner</h1>", options=", consent: false"
    ),
    "slow.html": page(
        "A slow snippet",
        """<h1>The snippet is late</h1>
<button id="favorite" onclick="clickstream('favorite', {product_id: 'p-slow'})">
Favorite</button>""",
        src="/slow/t.js",
    ),
    "spa.html": page(
        "SPA home",
        """<h1>Single-page app</h1>
<button id="to-a" onclick="go('/spa/a', 'SPA a')">a</button>
<button id="to-b" onclick="go('/spa/b?tab=2', 'SPA b')">b</button>
<button id="same" onclick="history.replaceState({}, '', location.href)">same URL</button>
<button id="hash" onclick="location.hash = 'reviews'">hash</button>""",
        head="""<script>
  // A single-page app: the router changes the URL with the history API and sets the title.
  function go(path, title) { history.pushState({}, '', path); document.title = title; }
</script>
""",
    ),
}


def render(collector_url: str) -> dict[str, str]:
    return {name: text.replace("{collector}", collector_url) for name, text in PAGES.items()}
