"""Write failures the library must handle with care: damage kept aside, and a failure
whose change is already journaled (so it will complete, and memory must match disk)."""

from __future__ import annotations

from pathlib import Path

from readq.clock import file_stamp, utc_now
from readq.errors import CorruptFileError, StoreWriteError
from readq.storage.fsutil import keep_aside


def kept_aside(exc: CorruptFileError) -> CorruptFileError:
    """The same error, naming the copy of the damaged bytes kept aside before reporting."""
    path = Path(str(exc.path))
    kept = keep_aside(path, file_stamp(utc_now()))
    return CorruptFileError(path, exc.reason, kept_as=kept) if kept else exc


class DurableFailure:
    """Holds back a write failure whose change is already journaled (it completes on the
    next start), so the in-memory library is updated to match before it is re-raised."""

    def __init__(self) -> None:
        self.error: StoreWriteError | None = None

    def __enter__(self) -> DurableFailure:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, StoreWriteError) and exc.durable:
            self.error = exc
            return True
        return False

    def reraise(self) -> None:
        if self.error is not None:
            raise self.error
