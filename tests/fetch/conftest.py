"""A local stand-in for ``/api/daily_papers``: a real HTTP server on 127.0.0.1, one
scenario per ``date=`` value, so the fetch code is tested over real sockets and never
the network."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

API_DATA = Path(__file__).resolve().parent.parent / "data" / "api"
HUGE = 50 * 1024 * 1024

# scenario name -> the day whose ?date= selects it
DAYS: dict[str, dt.date] = {
    name: dt.date(2024, 1, 20) + dt.timedelta(days=n)
    for n, name in enumerate(
        [
            "empty",
            "weekend",  # unused date: 404 like any unknown one
            "normal",
            "missing_optional",
            "wrong_types",
            "rate_limited",
            "server_error",
            "slow",
            "invalid_json",
            "huge_streamed",
            "huge_declared",
            "object",
            "control_chars",
            "not_found",
            "rate_limited_date",
            "flaky",
            "truncated",
        ]
    )
}


@dataclass
class Seen:
    path: str
    date: str | None
    user_agent: str | None
    accept: str | None


@dataclass
class LocalApi:
    url: str
    seen: list[Seen] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)  # body bytes the server managed to send
    done: dict[str, threading.Event] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    @staticmethod
    def day(name: str) -> dt.date:
        return DAYS[name]

    def finished(self, name: str, timeout: float = 5.0) -> bool:
        """Wait until the handler for ``name`` has returned (it may outlive the client)."""
        return self.done.setdefault(name, threading.Event()).wait(timeout)


def _fixture(name: str) -> bytes:
    return (API_DATA / name).read_bytes()


class _Handler(BaseHTTPRequestHandler):
    api: LocalApi  # set on the subclass made per server

    def log_message(self, format: str, *args: object) -> None:  # keep the test output quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)  # absolute when we are used as a proxy
        day = parse_qs(parts.query).get("date", [None])[0]
        self.api.seen.append(
            Seen(parts.path, day, self.headers.get("User-Agent"), self.headers.get("Accept"))
        )
        name = next((n for n, d in DAYS.items() if d.isoformat() == day), "")
        if parts.path != "/api/daily_papers" or not name:
            self._send(404, b'{"error": "Not Found"}')
            return
        self.api.hits[name] = self.api.hits.get(name, 0) + 1
        try:
            SCENARIOS.get(name, _not_found)(self, self.api.hits[name])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up, as it should for the huge bodies
        finally:
            self.api.done.setdefault(name, threading.Event()).set()

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _not_found(h: _Handler, _hit: int) -> None:
    h._send(404, b'{"error": "Not Found"}')


def _file(name: str) -> Callable[[_Handler, int], None]:
    return lambda h, _hit: h._send(200, _fixture(name))


def _rate_limited(h: _Handler, hit: int) -> None:
    if hit == 1:
        h._send(429, b'{"error": "rate limited"}', {"Retry-After": "0"})
    else:
        h._send(200, _fixture("daily_normal.json"))


def _rate_limited_date(h: _Handler, hit: int) -> None:
    if hit == 1:
        when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=600)
        h._send(429, b"", {"Retry-After": format_datetime(when, usegmt=True)})
    else:
        h._send(200, b"[]")


def _flaky(h: _Handler, hit: int) -> None:
    if hit <= 2:
        h._send(503, b"Service Unavailable")
    else:
        h._send(200, _fixture("daily_normal.json"))


def _slow(h: _Handler, _hit: int) -> None:
    h.api.stop.wait(5)  # the client gives up long before; teardown cuts the wait short
    h._send(200, b"[]")


def _huge(declare: bool) -> Callable[[_Handler, int], None]:
    def serve(h: _Handler, _hit: int) -> None:
        name = "huge_declared" if declare else "huge_streamed"
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if declare:
            h.send_header("Content-Length", str(HUGE))
        h.end_headers()
        block = b"[" + b" " * (64 * 1024 - 1)
        h.api.sent[name] = 0
        while h.api.sent[name] < HUGE and not h.api.stop.is_set():
            h.wfile.write(block)
            h.api.sent[name] += len(block)
            block = b" " * len(block)

    return serve


def _truncated(h: _Handler, _hit: int) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b'[{"paper": ')  # and the connection closes


SCENARIOS: dict[str, Callable[[_Handler, int], None]] = {
    "empty": _file("empty_day.json"),
    "normal": _file("daily_normal.json"),
    "missing_optional": _file("missing_optional.json"),
    "wrong_types": _file("wrong_types.json"),
    "rate_limited": _rate_limited,
    "rate_limited_date": _rate_limited_date,
    "server_error": lambda h, _hit: h._send(500, b"Internal Server Error"),
    "flaky": _flaky,
    "slow": _slow,
    "invalid_json": _file("invalid.json"),
    "huge_streamed": _huge(declare=False),
    "huge_declared": _huge(declare=True),
    "object": _file("not_a_list.json"),
    "control_chars": _file("control_chars.json"),
    "not_found": _not_found,
    "truncated": _truncated,
}


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the developer's environment must not swallow the 127.0.0.1 requests."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)


@pytest.fixture
def local_api() -> Iterator[LocalApi]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    api = LocalApi(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = type("Handler", (_Handler,), {"api": api})
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def seeds() -> list[Path]:
    """Like the top-level fixture, but also found from a git worktree (../../shared/seeds)."""
    repo = Path(__file__).resolve().parents[2]
    for where in (repo.parent / "shared" / "seeds", repo.parent.parent / "shared" / "seeds"):
        files = sorted(where.glob("*.txt")) if where.is_dir() else []
        if files:
            return files
    pytest.skip("../shared/seeds is not available")


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class FakeSleep:
    """Records the waits instead of waiting, so retry tests take no time."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()
