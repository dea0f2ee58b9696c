"""Where a paper can be read: the one list of links the CLI, the TUI and export share.

``paper_links(entry)`` gives (label, url) pairs in a fixed order: the Hugging Face paper
page, arXiv, the PDF, the code, the project page, then the paper's own web links (those
not already listed). A paper without an arXiv id (pasted from a listing) starts with a
Hugging Face search for its title instead.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from readq.models import Entry
from readq.text import clean_line

__all__ = [
    "arxiv_abs_url",
    "arxiv_pdf_url",
    "hf_paper_url",
    "hf_search_url",
    "paper_links",
]

_SURROGATES = re.compile("[\ud800-\udfff]")


def _id_path(arxiv_id: str) -> str:
    # Old-style ids contain a slash that belongs to the path (hep-th/9901001).
    return quote(arxiv_id, safe="/.")


def hf_paper_url(arxiv_id: str) -> str:
    return f"https://huggingface.co/papers/{_id_path(arxiv_id)}"


def arxiv_abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{_id_path(arxiv_id)}"


def arxiv_pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{_id_path(arxiv_id)}"


def hf_search_url(title: str) -> str:
    """Hugging Face papers search for the title (for papers without an arXiv id)."""
    text = clean_line(_SURROGATES.sub("\ufffd", title))
    return "https://huggingface.co/papers?" + urlencode({"q": text})


def paper_links(entry: Entry) -> list[tuple[str, str]]:
    """(label, url) pairs: HF page, arXiv, PDF, Code, Project page, then other links."""
    found: list[tuple[str, str]] = []
    if entry.arxiv_id:
        found += [
            ("Hugging Face", hf_paper_url(entry.arxiv_id)),
            ("arXiv", arxiv_abs_url(entry.arxiv_id)),
            ("PDF", arxiv_pdf_url(entry.arxiv_id)),
        ]
    else:
        found.append(("Hugging Face search", hf_search_url(entry.title)))
    if entry.github:
        found.append(("Code", entry.github))
    if entry.project_page:
        found.append(("Project page", entry.project_page))
    listed = {url for _, url in found}
    for url in entry.links:
        # Only web links: a listing may carry anything that looks like a link.
        if url.lower().startswith(("https://", "http://")) and url not in listed:
            listed.add(url)
            found.append(("Link", url))
    return found
