"""Invented articles for the web app tests: two stories and a hostile one.

Every outlet, place, person and figure here is made up.
"""

from __future__ import annotations

import datetime as dt

from storylens.models import Article

XSS_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
XSS_BODY = ('Officials in Marrow Bay said on Monday that <script>window.__pwned = 3</script> 14 ferries were '
            'cancelled. <img src=x onerror="window.__pwned = 4"> The storm reached the coast overnight.')
XSS_OUTLET = '<b onmouseover="window.__pwned = 5">Evil Gazette</b>'

BRIDGE_A = """Engineers closed the Tollan Bridge on Tuesday after inspectors found cracks in two of its steel cables, the Ostrava Valley transport authority said. At least 40,000 drivers cross the bridge every day.

"We cannot take any risk with public safety," said transport director Mirela Kovan. Repairs are expected to take six weeks and cost about 3 million euros.

Commuters faced long queues on the ring road as traffic was diverted through the old town."""

BRIDGE_B = """Engineers closed the Tollan Bridge on Tuesday after inspectors found cracks in two of its steel cables, the Ostrava Valley transport authority said. About 25,000 drivers cross the bridge every day.

"We cannot take any risk with public safety," said Mirela Kovan, the transport director. The repairs could take three months, according to a union spokesman.

Shopkeepers in the old town complained that the diversion would hurt business."""

BRIDGE_C = """The Tollan Bridge was shut on Tuesday after cracks were discovered in two steel cables, according to the Ostrava Valley transport authority. At least 40,000 drivers use it every day.

Opposition councillor Petr Halas blamed years of neglect. "This was a disaster waiting to happen," he said."""

HARBOUR_A = """Strikers at the port of Velsen walked out on Friday in a dispute over night shifts, the Velsen Dockers Union said. Around 600 strikers joined the strike, which halted container traffic.

Port manager Ilse Brandt said talks would resume on Monday."""

HARBOUR_B = """Militants at the port of Velsen walked out on Friday in a dispute over night shifts, the Velsen Dockers Union said. About 900 militants joined the strike, which halted container traffic.

Port manager Ilse Brandt said talks would resume on Monday, adding that the port had made a fair offer."""

def story_articles() -> dict[str, list[Article]]:
    """story key -> articles, as ingested by the tests."""
    day = dt.date(2031, 5, 6)
    return {
        "bridge": [
            Article(id="ledger-1", outlet="Valley Ledger", title="Tollan Bridge closed after cracks found in cables",
                    date=day, url="https://ledger.invalid/tollan", text=BRIDGE_A),
            Article(id="courier-1", outlet="Ostrava Courier", title="Bridge shut: repairs could take three months",
                    date=day, url="https://courier.invalid/bridge", text=BRIDGE_B),
            Article(id="post-1", outlet="Morning Post", title="Tollan Bridge shut; councillor blames neglect",
                    date=day + dt.timedelta(days=1), text=BRIDGE_C),
        ],
        "harbour": [
            Article(id="ledger-2", outlet="Valley Ledger", title="Velsen dock workers strike over night shifts",
                    date=dt.date(2031, 3, 2), text=HARBOUR_A),
            Article(id="post-2", outlet="Morning Post", title="Strike halts container traffic at Velsen port",
                    date=dt.date(2031, 3, 2), text=HARBOUR_B),
        ],
        "lone": [
            Article(id="lone-1", outlet="Valley Ledger", title="Library in Kessvik reopens after renovation",
                    date=dt.date(2030, 11, 2),
                    text="The public library in Kessvik reopened on Saturday after a two-year renovation. "
                         "About 300 residents attended the ceremony."),
        ],
        "hostile": [
            Article(id="evil-1", outlet=XSS_OUTLET, title=XSS_TITLE, date=dt.date(2031, 1, 9),
                    url="javascript:window.__pwned=6", text=XSS_BODY),
            Article(id="plain-1", outlet="Marrow Bay Herald", title="Storm cancels 12 ferries",
                    date=dt.date(2031, 1, 9),
                    text="Officials in Marrow Bay said on Monday that 12 ferries were cancelled. "
                         "The storm reached the coast overnight."),
        ],
    }


def make_store(directory) -> dict:
    """A store holding `story_articles()`, ingested through the corpus API
    (which assigns the stories); create_app keyword arguments to open it."""
    from storylens.corpus import Corpus

    path = str(directory / "web.db")
    corpus = Corpus(path)
    for articles in story_articles().values():
        corpus.ingest(articles)
    corpus.store.close()
    return {"store_url": path}
