"""The store on a real PostgreSQL server, started here in a temp dir."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from corpus_helpers import EVENTS

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory):
    pytest.importorskip("psycopg", reason="psycopg (the postgres extra) is not installed")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
    # Not under pytest's tmp dir: that is private to root and the postgres
    # user could not reach its data directory.
    root = Path(tempfile.mkdtemp(prefix="storylens-pg-"))
    data = root / "data"
    as_user = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser")
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run(as_user + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "storylens", "-A", "trust"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run(as_user + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
                                  "-o", f"-p {port} -k {root} -h 127.0.0.1", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        pytest.skip(f"could not start PostgreSQL: {exc}")
    try:
        yield f"postgresql://storylens@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)


def test_ingest_and_list_on_postgres(pg_url, tmp_path):
    from storylens.corpus_ingest import ingest
    from storylens.store import SCHEMA_VERSION, Store

    store = Store(pg_url)
    assert store.schema_version() == SCHEMA_VERSION
    assert ingest([EVENTS], store).added == 12
    again = ingest([EVENTS], store)
    assert (again.added, again.duplicates) == (0, 12)
    stories = store.list_stories()
    assert len(stories) == 4 and stories[0]["articles"] == ["fire1-coastal", "fire1-ledger", "fire1-courier"]
    lite = Store(tmp_path / "c.db")
    ingest([EVENTS], lite)
    assert [s["articles"] for s in lite.list_stories()] == [s["articles"] for s in stories]
    store.put_comparison("k", stories[0]["id"], b"\x00blob")
    assert store.get_comparison("k") == b"\x00blob"
