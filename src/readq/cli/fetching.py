"""``readq fetch``: the day's papers from the Hugging Face API, straight into the library.

One summary line on stdout; per-day progress on stderr only when it is a terminal and
more than one day is fetched; parser warnings as ``readq: warning: ...``. The days that
arrive are imported even when others fail; then the exit status says that some failed
(69 for the network, 65 for a response that is not the papers list).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from readq.cli.common import AddCommand, open_library, out, warn
from readq.cli.importing import import_recorded, warn_merges
from readq.clock import utc_now
from readq.errors import EX_DATAERR, InputError, UsageError
from readq.library import ImportReport, Library
from readq.models import Paper
from readq.text import plural

if TYPE_CHECKING:  # readq.fetching loads urllib and ssl: only ``readq fetch`` needs them
    from readq.fetching import DayResult, FetchError

MAX_DAYS = 30


@dataclass
class _Outcome:
    papers: list[Paper] = field(default_factory=list)
    ok: list[dt.date] = field(default_factory=list)
    failed: list[tuple[dt.date, InputError | FetchError]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def last_complete(self, wanted: list[dt.date]) -> dt.date | None:
        """The latest day up to which every wanted day arrived (for ``--since-last``)."""
        done = None
        for day in wanted:
            if day not in self.ok:
                break
            done = day
        return done


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date wants a day as YYYY-MM-DD, not {text!r}") from None


def wanted_days(args: argparse.Namespace, lib: Library, today: dt.date) -> list[dt.date]:
    from readq.fetching import days_since, last_n_days

    if args.date is not None:
        day = _day(args.date)
        if day > today:
            raise UsageError(f"--date {day} is in the future (today is {today} UTC)")
        return [day]
    if args.days is not None:
        if not 1 <= args.days <= MAX_DAYS:
            raise UsageError(f"--days must be between 1 and {MAX_DAYS}, not {args.days}")
        return last_n_days(args.days, today)
    if args.since_last:
        return days_since(lib.last_fetched(), today, cap=MAX_DAYS)
    return [today]


def _progress(done: int, total: int, result: DayResult) -> None:
    status = "ok" if result.ok else f"failed: {result.error}"
    out(f"[{done}/{total}] {result.day}: {status}", file=sys.stderr)


def _collect(results: list[DayResult]) -> _Outcome:
    from readq.listing.hf_api import ApiFormatError, parse_daily_papers

    found = _Outcome()
    for result in results:
        if result.error is not None:
            found.failed.append((result.day, result.error))
            continue
        try:
            parsed = parse_daily_papers(result.data or b"", source=result.day.isoformat())
        except ApiFormatError as exc:
            found.failed.append((result.day, exc))
            continue
        found.ok.append(result.day)
        found.warnings.extend(parsed.warnings)
        found.papers.extend(p.to_paper() for p in parsed.papers)
    return found


def _counts(report: ImportReport) -> str:
    parts = [plural(report.papers, "paper"), f"{report.new} new", f"{report.updated} updated"]
    if report.known:
        parts.append(f"{report.known} unchanged")
    return ", ".join(parts)


def _failures(failed: list[tuple[dt.date, InputError | FetchError]]) -> str:
    shown = "; ".join(f"{day} failed: {err}" for day, err in failed[:3])
    if len(failed) > 3:
        shown += f"; {len(failed) - 3} more days failed"
    return shown


def _exit_code(failed: list[tuple[dt.date, InputError | FetchError]]) -> int:
    from readq.fetching import EX_UNAVAILABLE, FetchError

    if not failed:
        return 0
    return EX_UNAVAILABLE if any(isinstance(e, FetchError) for _, e in failed) else EX_DATAERR


def cmd_fetch(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    from readq.fetching import api_endpoint, fetch_days

    endpoint = api_endpoint()
    lib = open_library(args)  # damage or a newer format stops us before any download
    wanted = wanted_days(args, lib, utc_now().date())
    chatty = len(wanted) > 1 and sys.stderr.isatty()
    results = fetch_days(
        wanted, endpoint=endpoint, timeout=args.timeout, on_progress=_progress if chatty else None
    )
    found = _collect(results)
    for w in found.warnings:
        warn(w)
    if not found.ok:
        reasons = {str(err) for _, err in found.failed}
        what = (
            reasons.pop() if len(reasons) == 1 else f"every day failed ({_failures(found.failed)})"
        )
        out(f"readq: {what}; nothing changed", file=sys.stderr)
        return _exit_code(found.failed)
    days_label = ", ".join(d.isoformat() for d in sorted(found.ok))[:60]
    report = import_recorded(  # one step of the undo history: readq undo takes it back
        lib,
        found.papers,
        f"fetch {days_label}",
        fetched=True,
        last_fetched=found.last_complete(wanted),
    )
    warn_merges(report)
    days = plural(len(wanted), "day") if len(wanted) > 1 else wanted[0].isoformat()
    got = f"{len(found.ok)} of {days}" if found.failed else days
    line = f"Fetched {got}: {_counts(report)}"
    if found.failed:
        line += f" ({_failures(found.failed)})"
    out(line)
    return _exit_code(found.failed)


def add_fetch(add: AddCommand) -> None:
    sp = add("fetch", cmd_fetch)
    when = sp.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD", help="the papers of this day")
    when.add_argument(
        "--days", type=int, metavar="N", help=f"the last N days, ending today (at most {MAX_DAYS})"
    )
    when.add_argument(
        "--since-last",
        action="store_true",
        help=f"every day since the last successful fetch (at most {MAX_DAYS})",
    )
    sp.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default 10)"
    )
