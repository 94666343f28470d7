import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
BASIL = SHARED / "data" / "basil-2010-2014.jsonl"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    if len(SEEDS) < 2:
        pytest.skip("../shared/seeds is absent: the real seed articles are not in this checkout")
    return SEEDS


@pytest.fixture(scope="session")
def basil_path() -> Path:
    if not BASIL.exists():
        pytest.skip("../shared/data/basil-2010-2014.jsonl is absent")
    return BASIL


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """run_cli([...]) -> (exit code, stdout, stderr), in this process."""
    from helpers import run_cli_here

    return lambda argv: run_cli_here(argv, capsys, monkeypatch)


@contextmanager
def local_server(handler):
    """A throwaway HTTP server on a free local port, serving `handler`; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def no_proxy(monkeypatch):
    """A proxy from the environment would route the local server's URLs away."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
