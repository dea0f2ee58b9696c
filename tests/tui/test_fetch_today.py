"""``F`` fetches today's papers from a (local) Hugging Face API and adds them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from tuihelpers import SIZE, TODAY, numbered_papers, settle

from readq.tui.widgets.status_line import StatusLine

API_DATA = Path(__file__).resolve().parents[1] / "data" / "api"


class Server:
    def __init__(self) -> None:
        self.status = 200
        self.body = (API_DATA / "daily_normal.json").read_bytes()
        self.dates: list[str] = []
        self.gate = threading.Event()
        self.gate.set()


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A local /api/daily_papers (any date), with HF_ENDPOINT pointing at it."""
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.dates.append(parse_qs(urlsplit(self.path).query).get("date", [""])[0])
            state.gate.wait(10)
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    for var in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    try:
        yield state
    finally:
        state.gate.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_f_fetches_today_and_adds_the_papers(make_app, api, open_library):
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        api.gate.clear()  # hold the answer: the status line says what is going on
        await pilot.press("F")
        await pilot.pause(0.1)
        status = app.screen.query_one(StatusLine)
        assert "fetching today's papers" in status.content.plain
        api.gate.set()
        for _ in range(100):
            await settle(pilot)
            if any("Fetched" in m for m in messages(app)):
                break
        assert api.dates == [TODAY.isoformat()]
        said = next(m for m in messages(app) if m.startswith("Fetched"))
        assert "6 new, 0 updated" in said, said
        assert "fetching" not in status.content.plain
        assert len(app.library.entries) == 8
        await pilot.press("F")  # again: all known
        for _ in range(100):
            await settle(pilot)
            if sum("Fetched" in m for m in messages(app)) == 2:
                break
        assert "0 new" in [m for m in messages(app) if m.startswith("Fetched")][-1]
    assert len(open_library().entries) == 8


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (404, b'{"error": "Not Found"}', "HTTP 404"),
        (200, b'{"error": "nope"}', "error from the API"),
        (200, b'{"papers": 1}', "not the list of papers"),
        (200, b"not json at all", "Fetch failed"),
    ],
)
async def test_f_errors_change_nothing(make_app, api, open_library, status, body, said):
    api.status, api.body = status, body
    app = make_app(numbered_papers(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        for _ in range(100):
            await settle(pilot)
            if any("Fetch failed" in m for m in messages(app)):
                break
        error = next(n for n in app._notifications if "Fetch failed" in str(n.message))
        assert error.severity == "error" and said in str(error.message)
        assert "fetching" not in app.screen.query_one(StatusLine).content.plain
        assert len(app.library.entries) == 2
    assert len(open_library().entries) == 2


async def test_f_with_the_server_down_says_so(make_app, monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    app = make_app(numbered_papers(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("F")
        for _ in range(100):
            await settle(pilot)
            if any("Fetch failed" in m for m in messages(app)):
                break
        assert any("cannot reach" in m for m in messages(app))
