"""Shared fixtures. Every test runs with its own throw-away data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point readq (and platformdirs) at a temp dir so tests never touch real data."""
    data = tmp_path / "readq-data"
    monkeypatch.setenv("READQ_DATA_DIR", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # even a stray default path stays here
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return data


@pytest.fixture
def data_dir(_isolated_data_dir: Path) -> Path:
    return _isolated_data_dir


@pytest.fixture
def seeds() -> list[Path]:
    """The real page copies in ../shared/seeds; skips cleanly when absent.

    ``.ci/run`` sets ``READQ_REQUIRE_SEEDS=1`` where the seeds exist, so a seed test that
    would skip there (a moved folder, a wrong path) fails instead of passing silently.
    """
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        if os.environ.get("READQ_REQUIRE_SEEDS") == "1":
            pytest.fail(f"seed tests required but no seeds found in {SEEDS}")
        pytest.skip("../shared/seeds is not available")
    return files
