"""Fault tests for ``readq fetch`` imports, over a real local HTTP server: SIGKILL during
the import, two fetches of the same day at once, and hostile API responses."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from readq import fetching
from readq.cli import main
from readq.library import Library

DAY = "2024-02-01"
BODIES: dict[str, bytes] = {}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        day = parse_qs(urlsplit(self.path).query).get("date", [""])[0]
        body = BODIES.get(day)
        status = 200 if body is not None else 404
        body = body if body is not None else b'{"error": "Not Found"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{srv.server_address[1]}"
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)
    monkeypatch.setenv("HF_ENDPOINT", url)
    monkeypatch.setattr(fetching, "_BACKOFF_BASE", 0.0)
    try:
        yield url
    finally:
        BODIES.clear()
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def _item(n: int, **paper: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": f"2402.{n:05d}",
        "title": f"Fetched paper number {n}",
        "summary": f"Abstract {n}. " * 20,
        "authors": [{"name": f"Author {n}"}],
        "publishedAt": "2024-02-01T00:00:00.000Z",
        "upvotes": n % 50,
    }
    base.update(paper)
    return {"paper": base, "numComments": 1}


def _day_of(n: int) -> bytes:
    return json.dumps([_item(k) for k in range(n)]).encode()


FETCHER = r"""
import sys
from readq.cli import main
print("start", flush=True)
sys.exit(main(["--data-dir", sys.argv[1], "fetch", "--date", sys.argv[2]]))
"""


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return {**env, "HF_ENDPOINT": url}


def test_sigkill_during_a_fetch_imports_the_day_whole_or_not_at_all(
    tmp_path: Path, server: str
) -> None:
    BODIES[DAY] = _day_of(400)
    rng = random.Random(21)
    outcomes = set()
    for r in range(6):
        data = tmp_path / f"lib{r}"
        proc = subprocess.Popen(
            [sys.executable, "-c", FETCHER, str(data), DAY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(server),
        )
        assert proc.stdout
        proc.stdout.readline()
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        if not data.exists():
            outcomes.add("none")
            continue
        lib = Library.open(data)  # opens (rolls a pending commit forward)
        fetched = [e for e in lib.entries.values() if e.title.startswith("Fetched paper number")]
        assert len(fetched) in (0, 400), f"round {r}: {len(fetched)} of 400 imported"
        last = lib.last_fetched()
        assert (last is not None and last.isoformat() == DAY) == (len(fetched) == 400), r
        outcomes.add("all" if fetched else "none")
        # and a fetch afterwards completes it, without duplicates
        run = subprocess.run(
            [sys.executable, "-c", FETCHER, str(data), DAY],
            check=False,
            capture_output=True,
            text=True,
            env=_env(server),
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        lib = Library.open(data)
        assert sum(e.title.startswith("Fetched paper number") for e in lib.entries.values()) == 400


def test_two_fetches_of_the_same_day_at_once_make_no_duplicates(
    tmp_path: Path, server: str
) -> None:
    BODIES[DAY] = _day_of(300)
    data = tmp_path / "lib"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", FETCHER, str(data), DAY],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(server),
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    lib = Library.open(data)
    assert len(lib.entries) == 300
    assert len({e.arxiv_id for e in lib.entries.values()}) == 300
    assert lib.last_fetched() is not None and lib.last_fetched().isoformat() == DAY


HIDDEN = "\u202e\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"


def test_hostile_api_responses_are_cleaned_or_refused_never_stored_raw(
    server: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    BODIES[DAY] = json.dumps(
        [
            _item(1, title="Safe title \u202egnp.exe\u202c with a bidi override"),
            _item(2, title="Zero\u200bwidth\u2060 joiner\ufeff title", summary="a\u202eb\u200bc"),
            _item(3, id="../../etc/passwd", title="Paper with a path id"),
            _item(4, githubRepo="javascript:alert(1)", projectPage="file:///etc/passwd"),
            _item(5, authors=[{"name": "Eve \u202eliam"}]),
        ]
    ).encode()
    code = main(["fetch", "--date", DAY])
    out, err = capsys.readouterr()
    assert code == 0, err
    lib = Library.open(data_dir)
    assert len(lib.entries) == 5
    stored = b"".join(p.read_bytes() for p in data_dir.rglob("*.json"))
    text = stored.decode("utf-8")
    for ch in HIDDEN:
        assert ch not in text and json.dumps(ch)[1:-1] not in text, f"U+{ord(ch):04X} stored raw"
    assert "javascript:" not in text and "file:///" not in text and "../../etc" not in text
    titles = {e.title for e in lib.entries.values()}
    assert "Safe title gnp.exe with a bidi override" in titles
    assert "Zerowidth joiner title" in titles
    assert all(e.arxiv_id is None or ".." not in e.arxiv_id for e in lib.entries.values())


@pytest.mark.parametrize(
    "name, body",
    [
        ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
        ("deep nesting in an item", b'[{"paper": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]"),
        ("huge int", b'[{"paper": {"title": "x", "upvotes": ' + b"9" * 50_000 + b"}}]"),
        ("duplicate keys", b'[{"paper": {"title": "a", "title": "b", "id": "2402.00001"}}]'),
    ],
)
def test_nested_and_huge_api_responses_never_crash(
    server: str, data_dir: Path, capsys: pytest.CaptureFixture[str], name: str, body: bytes
) -> None:
    BODIES[DAY] = body
    code = main(["fetch", "--date", DAY])
    _, err = capsys.readouterr()
    assert code in (0, 65, 69), (name, code, err)
    assert "internal error" not in err and "Traceback" not in err, (name, err)
    assert len([line for line in err.splitlines() if line.startswith("readq: error")]) <= 1


@pytest.mark.slow
def test_a_day_of_100000_items_imports_or_is_refused_without_crashing(
    server: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    BODIES[DAY] = _day_of(100_000)
    code = main(["fetch", "--date", DAY])
    _, err = capsys.readouterr()
    assert code in (0, 65, 69), err
    assert "internal error" not in err
    if code == 0:
        assert len(Library.open(data_dir).entries) == 100_000
