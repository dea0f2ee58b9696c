from __future__ import annotations

from readq.links import paper_links
from readq.models import Entry


def test_links_of_a_fetched_paper_in_order() -> None:
    e = Entry(
        "0" * 16,
        "T",
        links=("https://arxiv.org/abs/2401.12345", "https://gh.io/x", "https://other.org"),
        arxiv_id="2401.12345",
        github="https://gh.io/x",
        project_page="https://proj.org",
    )
    assert paper_links(e) == [
        ("Hugging Face", "https://huggingface.co/papers/2401.12345"),
        ("arXiv", "https://arxiv.org/abs/2401.12345"),
        ("PDF", "https://arxiv.org/pdf/2401.12345"),
        ("Code", "https://gh.io/x"),
        ("Project page", "https://proj.org"),
        ("Link", "https://other.org"),
    ]


def test_a_pasted_paper_starts_with_a_search() -> None:
    e = Entry("0" * 16, "Attention & more", links=("https://x.org",))
    assert paper_links(e) == [
        ("Hugging Face search", "https://huggingface.co/papers?q=Attention+%26+more"),
        ("Link", "https://x.org"),
    ]
