"""The header's view tabs and counts, switching views, the sort order."""

from __future__ import annotations

from tuihelpers import SIZE, header, numbered_papers, paper, screen_of, settle, status, titles

from readq.views import View


async def test_first_paint_shows_queue_counts_and_details(make_app, open_library):
    app = make_app(numbered_papers(12), states={})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Inbox 12" in header(app) and "All 12" in header(app)
        assert "Starred 0" in header(app) and "Read 0" in header(app)
        assert "new first" in header(app)  # a first-time user: every paper is new
        assert "New 12" in header(app)
        assert titles(app)[0] == "Paper 000 on diffusion"
        assert "12 papers" in status(app)
        details = screen_of(app).details.text
        assert "Paper 000 on diffusion" in details
        assert "An abstract about paper 000 on diffusion." in details


async def test_number_keys_and_tab_switch_views(make_app):
    papers = numbered_papers(6)
    states = {
        papers[0].id: {"starred": True},
        papers[1].id: {"read": True},
        papers[2].id: {"read": True, "starred": True},
    }
    app = make_app(papers, states=states)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = screen_of(app)
        assert len(screen.paper_list.rows) == 4 and screen.view is View.INBOX
        await pilot.press("2")
        assert screen.view is View.STARRED and len(screen.paper_list.rows) == 2
        await pilot.press("3")
        assert screen.view is View.READ and len(screen.paper_list.rows) == 2
        await pilot.press("4")
        assert screen.view is View.ALL and len(screen.paper_list.rows) == 6
        await pilot.press("tab")
        assert screen.view is View.INBOX
        await pilot.press("shift+tab")
        assert screen.view is View.ALL
        await pilot.press("1")
        assert "Inbox 4" in header(app) and "Starred 2" in header(app)


async def test_s_cycles_the_sort_and_the_header_names_it(make_app):
    app = make_app(
        [
            paper("Zebra", day=3, upvotes=1),
            paper("Apple", day=1, upvotes=99),
            paper("Mango", day=2, upvotes=50),
        ]
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app) == ["Zebra", "Mango", "Apple"]
        assert "new first" in header(app)
        await pilot.press("S")
        assert "newest first" in header(app)
        await pilot.press("S")
        assert "most upvoted" in header(app)
        assert titles(app) == ["Apple", "Mango", "Zebra"]
        await pilot.press("S")
        assert "title A-Z" in header(app)
        assert titles(app) == ["Apple", "Mango", "Zebra"]
        await pilot.press("S")
        assert "recently added" in header(app)
        await pilot.press("S")
        assert "gaining upvotes" in header(app)
        await pilot.press("S")
        assert "new first" in header(app)


async def test_a_demo_library_is_marked_in_the_header(make_app):
    app = make_app(numbered_papers(2), demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "demo" in header(app)
