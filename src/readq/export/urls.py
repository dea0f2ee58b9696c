"""The web addresses an export gives for a paper (built by :mod:`readq.links`)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from readq.export.escape import single_line
from readq.links import arxiv_abs_url, arxiv_pdf_url, hf_paper_url, hf_search_url
from readq.models import Entry

__all__ = ["arxiv_id", "arxiv_search_url", "export_urls", "hf_search_url", "web_url"]

# New-style (2401.12345v2) and old-style (hep-th/9901001) arXiv identifiers.
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
_WEB_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


def arxiv_id(entry: Entry) -> str | None:
    """The paper's arXiv id if it is known and well formed (it goes into URLs and keys)."""
    value = (entry.arxiv_id or "").strip()
    return value if _ARXIV_ID.fullmatch(value) else None


def arxiv_search_url(title: str) -> str:
    """arXiv title search, the fallback when the paper is not on Hugging Face."""
    return "https://arxiv.org/search/?" + urlencode(
        {"query": single_line(title), "searchtype": "title"}
    )


def web_url(value: str | None) -> str | None:
    """``value`` if it is a single http(s) URL, else None."""
    value = (value or "").strip()
    return value if _WEB_URL.match(value) else None


def export_urls(entry: Entry) -> list[tuple[str, str]]:
    """(label, URL) for the paper's own pages, most useful first.

    With an arXiv id: the Hugging Face paper page, the arXiv abstract and the PDF;
    without one, searches by title. Then the code and project pages the API gave.
    """
    found = arxiv_id(entry)
    if found:
        urls = [
            ("Hugging Face", hf_paper_url(found)),
            ("arXiv", arxiv_abs_url(found)),
            ("PDF", arxiv_pdf_url(found)),
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
