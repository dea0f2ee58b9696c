"""``readq fetch`` end to end against the local API server (never the network)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from readq import fetching
from readq.cli import fetching as cli_fetching
from readq.cli import main
from readq.library import Library

if TYPE_CHECKING:
    from tests.fetch.conftest import LocalApi

API = Path(__file__).resolve().parent.parent / "data" / "api"


@pytest.fixture
def api(local_api: LocalApi, monkeypatch: pytest.MonkeyPatch) -> LocalApi:
    monkeypatch.setenv("HF_ENDPOINT", local_api.url)
    monkeypatch.setattr(fetching, "_BACKOFF_BASE", 0.0)  # retries without the waiting
    return local_api


def today_is(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    when = dt.datetime.combine(day, dt.time(9), tzinfo=dt.timezone.utc)
    monkeypatch.setattr(cli_fetching, "utc_now", lambda: when)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fetch", *args])
    got = capsys.readouterr()
    return code, got.out, got.err


def snapshot(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != "readq.lock"
    }


def test_today_by_default(
    api: LocalApi, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, api.day("normal"))
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    assert out == "Fetched 2024-01-22: 6 papers, 6 new, 0 updated\n"
    lib = Library.open()
    assert len(lib) == 6 and lib.last_fetched() == api.day("normal")
    assert sorted(e.arxiv_id or "" for e in lib.entries.values())[0] == "2310.04373"
    code, out, _ = run(capsys, "--date", "2024-01-22")
    assert out == "Fetched 2024-01-22: 6 papers, 0 new, 0 updated, 6 unchanged\n"


@pytest.mark.parametrize(
    ("scenario", "papers"), [("empty", 0), ("missing_optional", None), ("rate_limited", 6)]
)
def test_days_that_arrive(
    api: LocalApi, capsys: pytest.CaptureFixture[str], scenario: str, papers: int | None
) -> None:
    code, out, err = run(capsys, "--date", api.day(scenario).isoformat())
    assert code == 0, err
    assert out.startswith(f"Fetched {api.day(scenario)}: ")
    if papers is not None:
        assert f": {papers} papers" in out or (papers == 1 and ": 1 paper," in out)
    assert Library.open().last_fetched() == api.day(scenario)


def test_wrong_types_are_skipped_with_warnings(
    api: LocalApi, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--date", api.day("wrong_types").isoformat())
    assert code == 0
    assert "readq: warning: 2024-01-24: item " in err
    assert all(line.startswith("readq: warning: ") for line in err.splitlines())
    assert out.count("\n") == 1 and len(Library.open()) > 0


@pytest.mark.parametrize(
    ("scenario", "code", "message"),
    [
        ("server_error", 69, "HTTP 500 from "),
        ("slow", 69, "timed out after 0.5 s"),
        ("invalid_json", 65, "is not valid JSON"),
        ("object", 65, "an error from the API"),
        ("huge_streamed", 69, "bytes; refused"),
        ("huge_declared", 69, "bytes; refused"),
        ("not_found", 69, "HTTP 404"),
    ],
)
def test_failures_change_nothing(
    api: LocalApi,
    capsys: pytest.CaptureFixture[str],
    data_dir: Path,
    scenario: str,
    code: int,
    message: str,
) -> None:
    assert run(capsys, "--date", api.day("normal").isoformat())[0] == 0
    before = snapshot(data_dir)
    got, out, err = run(capsys, "--date", api.day(scenario).isoformat(), "--timeout", "0.5")
    assert got == code and out == ""
    (line,) = err.splitlines()
    assert line.startswith("readq: ") and message in line and line.endswith("; nothing changed")
    assert snapshot(data_dir) == before


def test_server_error_is_retried_then_given_up(
    api: LocalApi, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--date", api.day("server_error").isoformat())[0] == 69
    assert api.hits["server_error"] == 4


@pytest.mark.parametrize("endpoint", ["closed", "dns"])
def test_offline_exits_69_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    closed_port: int,
    endpoint: str,
) -> None:
    assert main(["add", str(API / "daily_normal.json")]) == 0
    capsys.readouterr()
    before = snapshot(data_dir)
    if endpoint == "dns":  # no resolver is asked: the lookup fails as it does offline
        url = "http://papers.example"

        def no_dns(*args: object, **kw: object) -> NoReturn:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    else:
        url = f"http://127.0.0.1:{closed_port}"
    monkeypatch.setenv("HF_ENDPOINT", url)
    code, out, err = run(capsys, "--days", "3")
    assert code == 69 and out == ""
    assert err.startswith(f"readq: cannot reach {url} (") and err.endswith("; nothing changed\n")
    assert err.count("\n") == 1
    assert snapshot(data_dir) == before


def test_a_multi_day_fetch_keeps_the_days_that_arrived(
    api: LocalApi, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, api.day("server_error"))  # wrong_types, rate_limited, server_error
    code, out, _ = run(capsys, "--days", "3")
    assert code == 69
    assert out.startswith("Fetched 2 of 3 days: ")
    assert "(2024-01-26 failed: HTTP 500 from " in out
    lib = Library.open()
    assert len(lib) >= 6 and lib.last_fetched() == api.day("rate_limited")


def test_since_last_and_progress_on_a_terminal(
    api: LocalApi, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    today_is(monkeypatch, api.day("normal"))
    assert run(capsys, "--since-last")[0] == 0  # nothing fetched before: today only
    assert api.hits == {"normal": 1}
    today_is(monkeypatch, api.day("rate_limited"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "--since-last")
    assert code == 0, err
    assert api.hits == {"normal": 2, "missing_optional": 1, "wrong_types": 1, "rate_limited": 2}
    assert "[1/4] 2024-01-22: ok" in err and "[4/4] 2024-01-25: ok" in err
    assert out.startswith("Fetched 4 days: ")
    assert Library.open().last_fetched() == api.day("rate_limited")


def test_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--date", "yesterday")[0] == 64
    assert run(capsys, "--date", "2999-01-01")[0] == 64
    assert run(capsys, "--days", "31")[0] == 64
    assert run(capsys, "--days", "2", "--since-last")[0] == 64


def test_fetch_after_the_seed_listings_merges_without_duplicates(
    api: LocalApi, capsys: pytest.CaptureFixture[str], seeds: list[Path]
) -> None:
    assert main(["add", *map(str, seeds)]) == 0
    capsys.readouterr()
    lib = Library.open()
    before = dict(lib.entries)
    titles = {e.title for e in before.values()}
    normal = json.loads((API / "daily_normal.json").read_text())
    known = [pid for pid, e in before.items() if e.title in {i["title"] for i in normal}]
    assert len(known) == 5
    lib.update({known[0]: {"starred": True, "note": "keep"}, known[1]: {"read": True}})
    states = dict(Library.open().states)
    code, out, _ = run(capsys, "--date", api.day("normal").isoformat())
    assert code == 0
    assert out == "Fetched 2024-01-22: 6 papers, 1 new, 5 updated\n"
    lib = Library.open()
    assert len(lib) == len(before) + 1
    assert len({e.title for e in lib.entries.values()}) == len(titles) + 1
    assert all(lib.entries[pid].arxiv_id for pid in known)
    assert all(lib.entries[pid].author_names for pid in known)
    assert dict(lib.states) == states


def test_a_fetch_is_one_step_of_the_undo_history(
    api: LocalApi, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--date", api.day("normal").isoformat())
    assert (code, err) == (0, "")
    assert len(Library.open()) == 6
    assert main(["undo", "--list"]) == 0
    assert "fetch 2024-01-22" in capsys.readouterr().out
    assert main(["undo"]) == 0
    capsys.readouterr()
    assert len(Library.open()) == 0  # the fetched papers are gone again
    assert main(["redo"]) == 0
    assert len(Library.open()) == 6


def test_a_fetch_keeps_a_current_search_index_current(
    api: LocalApi,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from readq.search.index import SearchIndex

    page = tmp_path / "page.txt"
    page.write_text("Daily Papers\n\nMamba Revisited\n\nSelective state spaces.\n")
    assert main(["add", str(page)]) == 0
    assert main(["list", "mamba"]) == 0  # builds and saves the index
    capsys.readouterr()
    assert run(capsys, "--date", api.day("normal").isoformat())[0] == 0
    index = SearchIndex.open_current(Library.open())  # updated in place, not stale
    assert index is not None and len(index) == 7
    hits = index.search("overoptimization", states={}).ids
    titles = [e.title for e in map(index.entry, hits) if e is not None]
    assert titles == ["Confronting Reward Model Overoptimization with Constrained RLHF"]
