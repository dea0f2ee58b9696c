"""fetch_day / fetch_days against a real local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

import pytest

import readq
from readq.errors import UsageError
from readq.fetching import (
    DEFAULT_ENDPOINT,
    EX_UNAVAILABLE,
    DayResult,
    FetchError,
    _retry_after,
    api_endpoint,
    day_url,
    days_since,
    fetch_day,
    fetch_days,
    last_n_days,
)
from readq.listing.hf_api import ApiFormatError, parse_daily_papers

if TYPE_CHECKING:
    from tests.fetch.conftest import FakeSleep, LocalApi

D = dt.date


def test_normal_day_sends_user_agent_accept_and_date(local_api: LocalApi) -> None:
    day = local_api.day("normal")
    data = fetch_day(day, endpoint=local_api.url)
    assert len(parse_daily_papers(data).papers) == 6
    (seen,) = local_api.seen
    assert seen.path == "/api/daily_papers"
    assert seen.date == day.isoformat() == "2024-01-22"
    assert seen.user_agent == f"readq/{readq.__version__} (+https://github.com/readq)"
    assert seen.accept == "application/json"


def test_endpoint_comes_from_hf_endpoint(
    local_api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", local_api.url + "/")  # trailing slash is stripped
    assert fetch_day(local_api.day("empty")) == b"[]\n"
    assert local_api.seen[0].path == "/api/daily_papers"


def test_api_endpoint_default_and_validation() -> None:
    assert api_endpoint({}) == DEFAULT_ENDPOINT == "https://huggingface.co"
    assert api_endpoint({"HF_ENDPOINT": " https://hf-mirror.com// "}) == "https://hf-mirror.com"
    with pytest.raises(UsageError, match="HF_ENDPOINT must be an http"):
        api_endpoint({"HF_ENDPOINT": "file:///etc"})
    assert (
        day_url(D(2024, 1, 2), "https://x.org/") == "https://x.org/api/daily_papers?date=2024-01-02"
    )


def test_empty_day(local_api: LocalApi) -> None:
    data = fetch_day(local_api.day("empty"), endpoint=local_api.url)
    assert parse_daily_papers(data).papers == []


@pytest.mark.parametrize("name", ["missing_optional", "wrong_types", "control_chars"])
def test_awkward_days_download_and_parse(local_api: LocalApi, name: str) -> None:
    data = fetch_day(local_api.day(name), endpoint=local_api.url)
    assert parse_daily_papers(data).papers


def test_429_is_retried_after_retry_after(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    data = fetch_day(local_api.day("rate_limited"), endpoint=local_api.url, sleep=fake_sleep)
    assert len(parse_daily_papers(data).papers) == 6
    assert fake_sleep.calls == [0.0]
    assert local_api.hits["rate_limited"] == 2


def test_retry_after_as_http_date_is_capped(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    fetch_day(local_api.day("rate_limited_date"), endpoint=local_api.url, sleep=fake_sleep)
    assert fake_sleep.calls == [60.0]  # the server asked for 600 s


def test_5xx_backs_off_exponentially(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    fetch_day(local_api.day("flaky"), endpoint=local_api.url, sleep=fake_sleep)
    assert fake_sleep.calls == [1.0, 2.0]
    assert local_api.hits["flaky"] == 3


def test_500_forever_gives_up_after_the_retries(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    day = local_api.day("server_error")
    with pytest.raises(FetchError) as caught:
        fetch_day(day, endpoint=local_api.url, sleep=fake_sleep, retries=3)
    err = caught.value
    assert str(err) == f"HTTP 500 from {day_url(day, local_api.url)} after 4 attempts"
    assert err.exit_code == EX_UNAVAILABLE == 69
    assert (err.kind, err.status) == ("http", 500)
    assert fake_sleep.calls == [1.0, 2.0, 4.0]
    assert local_api.hits["server_error"] == 4


def test_no_retries(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    with pytest.raises(FetchError, match=r"^HTTP 500 from \S+$"):
        fetch_day(
            local_api.day("server_error"), endpoint=local_api.url, sleep=fake_sleep, retries=0
        )
    assert fake_sleep.calls == []


def test_404_is_not_retried(local_api: LocalApi, fake_sleep: FakeSleep) -> None:
    day = local_api.day("not_found")
    with pytest.raises(FetchError) as caught:
        fetch_day(day, endpoint=local_api.url, sleep=fake_sleep)
    assert str(caught.value) == f"HTTP 404 from {local_api.url}/api/daily_papers?date={day}"
    assert caught.value.exit_code == 69
    assert fake_sleep.calls == []


def test_slow_response_times_out(local_api: LocalApi) -> None:
    day = local_api.day("slow")
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch_day(day, endpoint=local_api.url, timeout=0.5)
    assert time.monotonic() - start < 3
    assert str(caught.value) == f"{day_url(day, local_api.url)} timed out after 0.5 s"
    assert caught.value.kind == "timeout"
    assert caught.value.exit_code == 69


def test_invalid_json_downloads_but_does_not_parse(local_api: LocalApi) -> None:
    data = fetch_day(local_api.day("invalid_json"), endpoint=local_api.url)
    with pytest.raises(ApiFormatError, match=r"not valid JSON \(line 1, column \d+\)"):
        parse_daily_papers(data)


def test_object_instead_of_list(local_api: LocalApi) -> None:
    data = fetch_day(local_api.day("object"), endpoint=local_api.url)
    with pytest.raises(ApiFormatError, match="an error from the API, not papers"):
        parse_daily_papers(data, source="2024-01-31")


def test_control_characters_never_survive(local_api: LocalApi) -> None:
    data = fetch_day(local_api.day("control_chars"), endpoint=local_api.url)
    (paper,) = parse_daily_papers(data).papers
    assert "\x1b" not in paper.title and "\x07" not in paper.title
    assert paper.title == "Evil Title With Controls Here"


def test_streamed_50_mb_body_is_refused_early(local_api: LocalApi) -> None:
    """No Content-Length: the counted chunks stop the read at the cap."""
    with pytest.raises(FetchError) as caught:
        fetch_day(local_api.day("huge_streamed"), endpoint=local_api.url, max_bytes=1024 * 1024)
    assert "sent more than 1,048,576 bytes; refused" in str(caught.value)
    assert caught.value.kind == "too_large" and caught.value.exit_code == 69
    assert local_api.finished("huge_streamed")
    assert local_api.sent["huge_streamed"] < 25 * 1024 * 1024  # it was not read to the end


def test_streamed_body_over_the_default_cap(local_api: LocalApi) -> None:
    with pytest.raises(FetchError, match="sent more than 20,971,520 bytes; refused"):
        fetch_day(local_api.day("huge_streamed"), endpoint=local_api.url)
    assert local_api.finished("huge_streamed")
    assert local_api.sent["huge_streamed"] < 40 * 1024 * 1024


def test_declared_50_mb_body_is_refused_before_reading(local_api: LocalApi) -> None:
    with pytest.raises(FetchError, match="sent more than"):
        fetch_day(local_api.day("huge_declared"), endpoint=local_api.url)
    assert local_api.finished("huge_declared")
    assert local_api.sent["huge_declared"] < 25 * 1024 * 1024


def test_connection_lost_mid_body(local_api: LocalApi) -> None:
    with pytest.raises(FetchError) as caught:
        fetch_day(local_api.day("truncated"), endpoint=local_api.url)
    assert caught.value.kind == "broken"
    assert str(caught.value).startswith(f"connection to {local_api.url} lost while reading")
    assert "\n" not in str(caught.value)


def test_closed_port_is_connection_refused(
    closed_port: int, monkeypatch: pytest.MonkeyPatch, fake_sleep: FakeSleep
) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    with pytest.raises(FetchError) as caught:
        fetch_day(D(2024, 1, 22), sleep=fake_sleep)
    assert str(caught.value) == f"cannot reach http://127.0.0.1:{closed_port} (connection refused)"
    assert caught.value.exit_code == 69
    assert caught.value.kind == "unreachable"
    assert fake_sleep.calls == []


def test_unresolvable_host_is_reported_without_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    def no_dns(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(
        FetchError, match=r"^cannot reach https://hf\.invalid \(host name not found\)$"
    ):
        fetch_day(D(2024, 1, 22), endpoint="https://hf.invalid")


def test_proxy_from_the_environment_is_used(
    local_api: LocalApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local server plays the proxy: the request for an unresolvable host reaches it."""
    monkeypatch.setenv("http_proxy", local_api.url)
    day = local_api.day("empty")
    assert fetch_day(day, endpoint="http://hf.invalid") == b"[]\n"
    assert local_api.seen[0].date == day.isoformat()


def test_fetch_days_keeps_going_past_a_failing_day(
    local_api: LocalApi, fake_sleep: FakeSleep
) -> None:
    days = [local_api.day(n) for n in ("normal", "not_found", "server_error", "empty")]
    progress: list[tuple[int, int, DayResult]] = []
    results = fetch_days(
        days,
        endpoint=local_api.url,
        sleep=fake_sleep,
        retries=1,
        on_progress=lambda done, total, r: progress.append((done, total, r)),
    )
    assert [r.day for r in results] == days
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].error is not None and results[1].error.status == 404
    assert results[2].error is not None and "after 2 attempts" in str(results[2].error)
    assert results[3].data == b"[]\n"
    assert [(done, total) for done, total, _ in progress] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [r for _, _, r in progress] == results


def test_fetch_days_stops_trying_an_unreachable_endpoint(
    closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dt.date] = []
    real = fetch_day

    def counting(day: dt.date, **kwargs: object) -> bytes:
        calls.append(day)
        return real(day, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("readq.fetching.fetch_day", counting)
    days = last_n_days(3, D(2024, 1, 22))
    results = fetch_days(days, endpoint=f"http://127.0.0.1:{closed_port}")
    assert calls == days[:1]
    assert all(not r.ok for r in results)
    assert {str(r.error) for r in results} == {
        f"cannot reach http://127.0.0.1:{closed_port} (connection refused)"
    }


def test_retry_after_parsing() -> None:
    now = dt.datetime(2024, 1, 22, 12, 0, tzinfo=dt.timezone.utc)
    assert _retry_after(None) is None
    assert _retry_after("") is None
    assert _retry_after("7") == 7.0
    assert _retry_after("3600") == 60.0
    assert _retry_after("Mon, 22 Jan 2024 12:00:30 GMT", now) == 30.0
    assert _retry_after("Mon, 22 Jan 2024 11:00:00 GMT", now) == 0.0
    assert _retry_after("soon") is None
    assert _retry_after("-5") is None


def test_last_n_days() -> None:
    assert last_n_days(1, D(2024, 3, 1)) == [D(2024, 3, 1)]
    assert last_n_days(3, D(2024, 3, 1)) == [D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)]
    with pytest.raises(UsageError):
        last_n_days(0, D(2024, 3, 1))


def test_days_since() -> None:
    today = D(2024, 3, 10)
    assert days_since(None, today) == [today]
    assert days_since(today, today) == [today]
    assert days_since(D(2024, 3, 12), today) == [today]  # clock went backwards
    assert days_since(D(2024, 3, 8), today) == [D(2024, 3, 8), D(2024, 3, 9), today]
    long_ago = days_since(D(2023, 1, 1), today, cap=30)
    assert len(long_ago) == 30 and long_ago[-1] == today and long_ago[0] == D(2024, 2, 10)
    assert days_since(D(2024, 3, 1), today, cap=0) == [today]
