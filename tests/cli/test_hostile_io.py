"""Hostile inputs and outputs on the command line (issue #13.12, #13.22): each gets one
line and a documented exit code, never an internal error (exit 70)."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest

from readq.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "src" / "readq" / "sample.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "hex", "punycode", "uu", "bz2"])
def test_byte_codecs_are_refused_as_encodings(
    capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    code, out, err = run(capsys, "add", "--encoding", codec, str(SAMPLE))
    assert (code, out) == (65, "")
    assert "not a text encoding" in err and err.count("\n") == 1


def test_utf16_without_a_byte_order_mark_asks_for_the_byte_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(SAMPLE.read_text("utf-8").encode("utf-16-le"))
    code, _, err = run(capsys, "add", "--encoding", "utf-16", str(page))
    assert code == 65 and "utf-16-le" in err
    code, out, _ = run(capsys, "add", "--encoding", "utf-16-le", str(page))
    assert code == 0 and "11 new" in out
    with_bom = tmp_path / "bom.txt"
    with_bom.write_bytes(codecs.BOM_UTF16_LE + SAMPLE.read_text("utf-8").encode("utf-16-le"))
    assert run(capsys, "add", "--encoding", "utf-16", str(with_bom))[0] == 0


def test_an_empty_file_name_is_a_usage_error_not_a_directory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "add", "")
    assert code == 64 and "directory" not in err and "empty file name" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["list"], ["export"]])
def test_output_to_a_full_device_is_one_line_and_exit_74(
    data_dir: Path, command: list[str]
) -> None:
    env = {**os.environ, "READQ_DATA_DIR": str(data_dir)}
    readq = [sys.executable, "-m", "readq"]
    subprocess.run([*readq, "add", str(SAMPLE)], env=env, check=True, capture_output=True)
    subprocess.run([*readq, "star", "--all"], env=env, check=True, capture_output=True)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [*readq, *command], env=env, stdout=full, stderr=subprocess.PIPE, text=True, check=False
        )
    assert done.returncode == 74
    assert done.stderr.startswith("readq: writing failed") and done.stderr.count("\n") == 1


def test_a_terminal_that_cannot_show_the_glyphs_gets_ascii(data_dir: Path) -> None:
    env = {**os.environ, "READQ_DATA_DIR": str(data_dir), "PYTHONIOENCODING": "ascii"}
    readq = [sys.executable, "-m", "readq"]
    subprocess.run([*readq, "add", str(SAMPLE)], env=env, check=True, capture_output=True)
    done = subprocess.run([*readq, "list"], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("ascii")  # raises if anything but ASCII came out
    assert "^42 Sparse Speculative Decoding" in text


def test_a_listing_that_grows_while_it_is_read_is_stopped_at_the_limit(
    tmp_path: Path,
) -> None:
    from readq import listing
    from readq.errors import InputError

    page = tmp_path / "page.txt"
    page.write_text(SAMPLE.read_text("utf-8") * 50, encoding="utf-8")
    limit = page.stat().st_size // 2  # as if the file had grown past the check
    with pytest.raises(InputError, match="over"):
        listing.parse_file(page, limit=limit)
    assert listing.parse_file(page).papers  # under the real limit it reads
