"""Download ``/api/daily_papers`` days over HTTP with the standard library only.

The network is the least reliable part of readq, so everything that can go wrong ends
as one ``FetchError`` with a one-line message and exit code 69 (EX_UNAVAILABLE): the
caller has nothing to clean up, because nothing is parsed or stored here. Proxies
come from the environment (urllib's default ``ProxyHandler``), the endpoint from
``HF_ENDPOINT`` (mirrors, tests), and a body is never trusted to be small.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Final
from urllib.parse import urlsplit

import readq
from readq.errors import ReadqError, UsageError

__all__ = [
    "DEFAULT_ENDPOINT",
    "EX_UNAVAILABLE",
    "DayResult",
    "FetchError",
    "api_endpoint",
    "day_url",
    "days_since",
    "fetch_day",
    "fetch_days",
    "last_n_days",
]

EX_UNAVAILABLE: Final = 69  # sysexits.h: a service is unavailable
DEFAULT_ENDPOINT: Final = "https://huggingface.co"
USER_AGENT: Final = f"readq/{readq.__version__} (+https://github.com/readq)"
MAX_BYTES: Final = 20 * 1024 * 1024
_CHUNK: Final = 64 * 1024
_BACKOFF_BASE: Final = 1.0  # seconds; doubled per attempt
_BACKOFF_CAP: Final = 30.0
_RETRY_AFTER_CAP: Final = 60.0  # a server asking for longer is treated as down


class FetchError(ReadqError):
    """A day could not be downloaded. ``kind`` lets callers decide whether to go on:
    ``unreachable`` (connection refused, DNS, TLS), ``timeout``, ``http``, ``too_large``,
    ``broken`` (connection lost mid-body)."""

    exit_code = EX_UNAVAILABLE

    def __init__(self, message: str, *, kind: str, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.url = url
        self.status = status


@dataclass(frozen=True, slots=True)
class DayResult:
    """One day of ``fetch_days``: the body, or the error that day met."""

    day: date
    data: bytes | None = None
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def api_endpoint(environ: dict[str, str] | None = None) -> str:
    """``HF_ENDPOINT`` (without trailing slash) or huggingface.co; must be http(s)."""
    env = os.environ if environ is None else environ
    endpoint = (env.get("HF_ENDPOINT") or "").strip().rstrip("/") or DEFAULT_ENDPOINT
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"HF_ENDPOINT must be an http(s) URL, not {endpoint!r}")
    return endpoint


def day_url(day: date, endpoint: str | None = None) -> str:
    base = api_endpoint() if endpoint is None else endpoint.rstrip("/")
    return f"{base}/api/daily_papers?date={day.isoformat()}"


def _retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), _RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return min(max((when - now).total_seconds(), 0.0), _RETRY_AFTER_CAP)


def _backoff(attempt: int) -> float:
    return min(_BACKOFF_BASE * 2.0**attempt, _BACKOFF_CAP)


def _reason(reason: object) -> tuple[str, str]:
    """(kind, short text) for the cause of a failed connection."""
    simple = {
        TimeoutError: ("timeout", "timed out"),
        ConnectionRefusedError: ("unreachable", "connection refused"),
        socket.gaierror: ("unreachable", "host name not found"),
        ConnectionResetError: ("broken", "connection reset"),
    }
    for cls, answer in simple.items():
        if isinstance(reason, cls):
            return answer
    if isinstance(reason, ssl.SSLCertVerificationError):
        return "unreachable", f"TLS certificate not trusted: {reason.verify_message}"
    if isinstance(reason, ssl.SSLError):
        return "unreachable", f"TLS error: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return "unreachable", reason.strerror.lower()
    return "unreachable", str(reason) or type(reason).__name__


def _connection_error(reason: object, url: str, endpoint: str, timeout: float) -> FetchError:
    kind, text = _reason(reason)
    if kind == "timeout":
        return FetchError(f"{url} timed out after {timeout:g} s", kind=kind, url=url)
    if kind == "broken":
        return FetchError(f"connection to {endpoint} lost ({text})", kind=kind, url=url)
    return FetchError(f"cannot reach {endpoint} ({text})", kind=kind, url=url)


def _read_capped(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    """The body in chunks, refusing it as soon as it passes ``max_bytes``."""
    too_large = FetchError(
        f"{url} sent more than {max_bytes:,} bytes; refused", kind="too_large", url=url
    )
    header = (response.headers.get("Content-Length") or "").strip()
    declared = int(header) if header.isdigit() and len(header) < 20 else None
    if declared is not None and declared > max_bytes:
        raise too_large
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            if declared is not None and size < declared:  # read(n) does not notice this
                raise http.client.IncompleteRead(b"", declared - size)
            return b"".join(parts)
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        parts.append(chunk)


def _attempt(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    timeout: float,
    max_bytes: int,
) -> bytes:
    with opener.open(request, timeout=timeout) as response:
        return _read_capped(response, request.full_url, max_bytes)


def fetch_day(
    day: date,
    *,
    endpoint: str | None = None,
    timeout: float = 10.0,
    max_bytes: int = MAX_BYTES,
    retries: int = 3,
    sleep: Callable[[float], object] = time.sleep,
) -> bytes:
    """The raw JSON of one day. Retries 429 and 5xx (``retries`` times, with backoff
    honouring ``Retry-After``); other failures raise ``FetchError`` at once."""
    base = api_endpoint() if endpoint is None else endpoint.rstrip("/")
    url = day_url(day, base)
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    opener = urllib.request.build_opener()  # keeps the environment's proxy settings
    attempt = 0
    while True:
        try:
            return _attempt(opener, request, timeout, max_bytes)
        except urllib.error.HTTPError as err:
            status = err.code
            wait = _retry_after(err.headers.get("Retry-After") if err.headers else None)
            err.close()
            if status != 429 and status < 500:
                raise FetchError(
                    f"HTTP {status} from {url}", kind="http", url=url, status=status
                ) from None
            if attempt >= retries:
                tries = f" after {attempt + 1} attempts" if attempt else ""
                raise FetchError(
                    f"HTTP {status} from {url}{tries}", kind="http", url=url, status=status
                ) from None
            sleep(_backoff(attempt) if wait is None else wait)
            attempt += 1
        except urllib.error.URLError as err:
            raise _connection_error(err.reason, url, base, timeout) from None
        except (OSError, http.client.HTTPException) as err:  # raised while reading the body
            if isinstance(err, TimeoutError):
                raise _connection_error(err, url, base, timeout) from None
            text = str(err) or type(err).__name__
            raise FetchError(
                f"connection to {base} lost while reading {url} ({text})", kind="broken", url=url
            ) from None


def fetch_days(
    days: Iterable[date],
    *,
    endpoint: str | None = None,
    timeout: float = 10.0,
    max_bytes: int = MAX_BYTES,
    retries: int = 3,
    sleep: Callable[[float], object] = time.sleep,
    on_progress: Callable[[int, int, DayResult], object] | None = None,
) -> list[DayResult]:
    """Each day in order; one failing day does not lose the others. When the endpoint
    is unreachable the remaining days get the same error without another attempt.
    ``on_progress(done, total, result)`` is called after every day."""
    wanted = list(days)
    base = api_endpoint() if endpoint is None else endpoint.rstrip("/")
    results: list[DayResult] = []
    down: FetchError | None = None
    for day in wanted:
        if down is not None:
            result = DayResult(day, error=down)
        else:
            try:
                data = fetch_day(
                    day,
                    endpoint=base,
                    timeout=timeout,
                    max_bytes=max_bytes,
                    retries=retries,
                    sleep=sleep,
                )
                result = DayResult(day, data=data)
            except FetchError as err:
                result = DayResult(day, error=err)
                if err.kind == "unreachable":
                    down = err
        results.append(result)
        if on_progress is not None:
            on_progress(len(results), len(wanted), result)
    return results


def last_n_days(n: int, today: date) -> list[date]:
    """The ``n`` days ending with ``today``, oldest first."""
    if n < 1:
        raise UsageError(f"the number of days must be at least 1, not {n}")
    return [today - timedelta(days=back) for back in range(n - 1, -1, -1)]


def days_since(last: date | None, today: date, cap: int = 30) -> list[date]:
    """Days for ``--since-last``: from the last fetched day (again, since papers are added
    to a day after it starts) through ``today``, at most ``cap`` of them; only today when
    nothing was fetched before or the clock went backwards."""
    if last is None or last >= today:
        return [today]
    return last_n_days(min((today - last).days + 1, max(cap, 1)), today)
