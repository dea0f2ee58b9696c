"""``readq show`` and ``--json`` with the fields a fetch adds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readq.cli import main
from readq.cli.browsing import author_list

API = Path(__file__).resolve().parent.parent / "data" / "api"
SLORA = "14468ce2887e33d5"


def test_show_prints_arxiv_id_authors_links_and_comments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["add", str(API / "daily_normal.json")]) == 0
    capsys.readouterr()
    assert main(["show", SLORA[:6]]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "S-LoRA: Serving Thousands of Concurrent LoRA Adapters"
    assert "12 authors · 31 upvotes · 2 comments · unread" in lines[1]
    assert lines[2] == "arXiv 2311.03285"
    assert lines[3] == "by Ying Sheng, Shiyi Cao, Dacheng Li et al. (12 authors)"
    assert lines[4:8] == [
        "  Hugging Face  https://huggingface.co/papers/2311.03285",
        "  arXiv         https://arxiv.org/abs/2311.03285",
        "  PDF           https://arxiv.org/pdf/2311.03285",
        "  Code          https://github.com/S-LoRA/S-LoRA",
    ]


def test_json_has_the_new_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(API / "daily_normal.json")]) == 0
    capsys.readouterr()
    assert main(["show", SLORA, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["arxiv_id"] == "2311.03285"
    assert doc["authors"][:2] == ["Ying Sheng", "Shiyi Cao"] and doc["author_count"] == 12
    assert doc["github"] == "https://github.com/S-LoRA/S-LoRA" and doc["comments"] == 2
    assert "project_page" in doc
    assert main(["list", "--json"]) == 0
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(docs) == 6 and all(isinstance(d["authors"], list) for d in docs)


def test_author_list() -> None:
    assert author_list(["A"]) == "A"
    assert author_list(["A", "B", "C"]) == "A, B, C"
    assert author_list(["A", "B", "C", "D"]) == "A, B, C et al. (4 authors)"
