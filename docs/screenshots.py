"""Screenshots of the web app for the README, from a real store.

    python docs/screenshots.py --db storylens.db

Starts `storylens serve` on a free loopback port, opens the pages in
Debian's Chromium (/usr/bin/chromium; nothing is downloaded) and writes
docs/web-stories.png, docs/web-story.png, docs/web-outlet.png and
docs/web-compare.png. The story shown is the newest one with three or more
articles and a conflict (else the best there is); its first conflict is
clicked.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars"]

# Compare now is shown filled in with two short invented reports.
PASTE_A = """Outlet: Valley Ledger
Title: Tollan Bridge closed after cracks found in cables

Engineers closed the Tollan Bridge on Tuesday after inspectors found cracks in two of its steel cables, the transport authority said. At least 40,000 drivers cross the bridge every day."""
PASTE_B = """Outlet: Ostrava Courier
Title: Bridge shut: repairs could take three months

Engineers closed the Tollan Bridge on Tuesday after inspectors found cracks in two of its steel cables, the transport authority said. About 25,000 drivers cross the bridge every day."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="storylens.db")
    parser.add_argument("--story", default=None, help="story id to show (default: picked as above)")
    parser.add_argument("--outlet", default=None)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "storylens", "serve", "--db", args.db, "--port", str(port),
                               "--rate", "0"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:  # up, and every story compared (the server's warm-up)
            try:
                status = httpx.get(base + "/api/status", timeout=5).json()
                if status["compared"] >= status["multi_article_stories"]:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        story = args.story or pick_story(base)
        outlet = args.outlet or pick_outlet(base, story)
        shoot(base, story, outlet)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def pick_story(base: str) -> str:
    """The newest story with the most articles (three is plenty) that has a conflict."""
    best, best_score = None, (0, 0)
    for page in range(1, 40):
        data = httpx.get(base + "/api/stories", params={"page": page}, timeout=30).json()
        for s in data["stories"]:
            if s["size"] < 2:
                continue
            detail = httpx.get(base + f"/api/stories/{s['id']}", timeout=300).json()
            conflicts = sum(f["status"] == "conflict" for f in detail["comparison"]["facts"])
            score = (min(s["size"], 3), min(conflicts, 1))
            if score > best_score:
                best, best_score = s["id"], score
            if score == (3, 1):
                return best
        if page * data["limit"] >= data["total"]:
            break
    if best is None:
        raise SystemExit("no story with two or more articles")
    return best


def pick_outlet(base: str, story: str) -> str:
    """Of the story's outlets, the one whose profile has the most to show."""
    outlets = httpx.get(base + f"/api/stories/{story}", timeout=300).json()["story"]["outlets"]

    def richness(name: str) -> tuple:
        p = httpx.get(base + "/api/outlets/" + quote(name, safe=""), timeout=600).json()
        return (len(p["preferred_terms"]) > 0, len(p["contradicted"]) > 0, len(p["preferred_terms"]), p["compared_stories"])

    return max(outlets, key=richness)


def shoot(base: str, story: str, outlet: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
        page.goto(base + "/stories")
        page.screenshot(path=str(DOCS / "web-stories.png"))
        page.goto(base + f"/stories/{story}")
        finding = page.locator("#panel li.item.conflict, #panel li.item").first
        finding.click()
        time.sleep(1.0)  # the columns glide to the spans
        page.screenshot(path=str(DOCS / "web-story.png"))
        page.goto(base + "/outlets/" + quote(outlet, safe=""))
        page.screenshot(path=str(DOCS / "web-outlet.png"))
        page.goto(base + "/compare")
        page.locator("textarea[name=text]").nth(0).fill(PASTE_A)
        page.locator("textarea[name=text]").nth(1).fill(PASTE_B)
        page.screenshot(path=str(DOCS / "web-compare.png"))
        browser.close()
    print("wrote", ", ".join(f"docs/web-{n}.png" for n in ("stories", "story", "outlet", "compare")))


if __name__ == "__main__":
    main()
