"""Issue #12's ranking blind spots, each on a small library built for it.

Written before the fix (each failed then); the same cases are in the relevance set.
"""

from __future__ import annotations

from readq.ids import paper_id
from readq.models import Entry
from readq.search.index import SearchIndex


def build(papers: list[tuple[str, str, str | None]], filler: int = 0) -> SearchIndex:
    """An index of (title, abstract, published) papers, plus ``filler`` unrelated ones."""
    entries, abstracts = [], {}
    for title, abstract, published in papers:
        e = Entry(paper_id(title), title, published=published, first_seen="2026-11-20T07:00:00Z")
        entries.append(e)
        abstracts[e.id] = abstract
    for k in range(filler):
        title = f"Filler study number {k} of token budgets"
        e = Entry(paper_id(title), title, published="2024-01-01", first_seen="2026-11-20T07:00:00Z")
        entries.append(e)
        abstracts[e.id] = f"We measure token counts in setting {k} with a language model."
    index = SearchIndex()
    index.add(entries, abstracts)
    return index


def titles(index: SearchIndex, query: str) -> list[str]:
    got = index.search(query, states={}).ids
    by_id = {e.id: e.title for e in index._entries}
    return [by_id[i] for i in got]


DIFFUSION = [
    ("Latent Diffusion for Images", "We denoise latents step by step.", "2024-05-01"),
    ("Diffusion Policies for Robots", "Robots learn actions by denoising.", "2024-04-01"),
    ("LLM Fusion of Many Experts", "We merge the outputs of several models.", "2024-07-01"),
    ("Element-wise Division in Networks", "Dividing activations helps stability.", "2024-08-01"),
    ("Sampling Faster", "A new sampler for diffusion models and score matching.", "2024-06-01"),
]


def test_prefix_with_a_missing_letter_finds_the_word() -> None:
    index = build(DIFFUSION)
    for q in ("difus", "difusi", "difusio"):
        got = titles(index, q)
        assert "Latent Diffusion for Images" in got, q
        assert "Sampling Faster" in got, q


def test_two_typos_to_another_word_do_not_outrank_the_word_meant() -> None:
    index = build(DIFFUSION)
    got = titles(index, "difusion")
    diffusion = {"Latent Diffusion for Images", "Diffusion Policies for Robots", "Sampling Faster"}
    assert set(got[:3]) == diffusion
    assert "LLM Fusion of Many Experts" not in got
    assert "Element-wise Division in Networks" not in got


def test_a_real_word_does_not_pull_in_its_neighbours() -> None:
    index = build(
        [
            ("Speculative Decoding with Drafts", "Draft then verify.", "2024-01-01"),
            (
                "Speculative Execution in CPUs",
                "Branch prediction and decoding units.",
                "2023-01-01",
            ),
            ("Predictive Coding Networks", "Speculative ideas about the brain.", "2024-09-01"),
            ("Recoding Memories", "Speculative models of recall.", "2024-09-02"),
            ("Efficient Encoding of Text", "Speculative compression.", "2024-09-03"),
            ("Decoding Brains", "Reading fMRI.", "2024-09-04"),
            ("Decoding Speech", "From audio.", "2024-09-05"),
        ]
    )
    got = titles(index, "speculative decoding")
    assert got[:2] == ["Speculative Decoding with Drafts", "Speculative Execution in CPUs"]
    # fewer than 10 papers match both words, so papers matching one follow: decoding first
    assert set(got[2:4]) == {"Decoding Brains", "Decoding Speech"}
    assert len(titles(index, "decoding")) == 4


def test_rare_words_count_more_than_common_ones() -> None:
    index = build(
        [
            ("Token Mixing in Vision Models", "Mixing tokens with learned matrices.", "2024-05-01"),
            (
                "Spectral Mixing Layers",
                "A discrete cosine basis replaces attention for mixing.",
                "2023-05-01",
            ),
        ],
        filler=60,
    )
    assert titles(index, "cosine transform token mixing")[0] == "Spectral Mixing Layers"


def test_suffixes_and_spelling_variants_meet() -> None:
    index = build(
        [
            ("The Spectral Mixer", "A layer for vision.", "2024-05-01"),
            ("Weight Decay Revisited", "A regulariser.", "2024-04-01"),
            ("A Learned Optimizer", "Trained by meta learning.", "2024-03-01"),
        ],
        filler=30,
    )
    assert titles(index, "mixing")[:1] == ["The Spectral Mixer"]
    assert titles(index, "weights")[:1] == ["Weight Decay Revisited"]
    assert titles(index, "optimiser")[:1] == ["A Learned Optimizer"]


def test_ties_do_not_push_undated_papers_last() -> None:
    index = build(
        [
            ("Graph Sparsification Methods", "We study graphs.", None),
            (
                "Notes on Sparsification of Graph Attention Networks at Scale",
                "Graphs.",
                "2024-05-01",
            ),
        ]
    )
    # both match both words in the title; the one whose title is about them comes first
    assert titles(index, "graph sparsification")[0] == "Graph Sparsification Methods"
