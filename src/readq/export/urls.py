"""The web addresses an export gives for a paper."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from readq.export.escape import single_line
from readq.models import Entry

HF_PAPER = "https://huggingface.co/papers/"
ARXIV_ABS = "https://arxiv.org/abs/"
ARXIV_PDF = "https://arxiv.org/pdf/"
# New-style (2401.12345v2) and old-style (hep-th/9901001) arXiv identifiers.
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_WEB_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


def arxiv_id(entry: Entry) -> str | None:
    """The paper's arXiv id if it is known and well formed (it goes into URLs and keys)."""
    value = (entry.arxiv_id or "").strip()
    return value if _ARXIV_ID.fullmatch(value) else None


def hf_search_url(title: str) -> str:
    """Hugging Face papers search for the title (pasted listings carry no arXiv id)."""
    return "https://huggingface.co/papers?" + urlencode({"q": single_line(title)})


def arxiv_search_url(title: str) -> str:
    """arXiv title search, the fallback when the paper is not on Hugging Face."""
    return "https://arxiv.org/search/?" + urlencode(
        {"query": single_line(title), "searchtype": "title"}
    )


def web_url(value: str | None) -> str | None:
    """``value`` if it is a single http(s) URL, else None."""
    value = (value or "").strip()
    return value if _WEB_URL.match(value) else None


def _paper_urls(entry: Entry) -> list[tuple[str, str]]:
    """(label, URL) for the paper's own pages, most useful first.

    With an arXiv id: the Hugging Face paper page, the arXiv abstract and the PDF;
    without one, searches by title. Then the code and project pages the API gave.
    """
    found = arxiv_id(entry)
    if found:
        urls = [
            ("Hugging Face", HF_PAPER + found),
            ("arXiv", ARXIV_ABS + found),
            ("PDF", ARXIV_PDF + found),
        ]
    else:
        urls = [
            ("Search Hugging Face papers", hf_search_url(entry.title)),
            ("Search arXiv by title", arxiv_search_url(entry.title)),
        ]
    for label, value in (("Code", entry.github), ("Project page", entry.project_page)):
        url = web_url(value)
        if url:
            urls.append((label, url))
    return urls
