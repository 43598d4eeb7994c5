"""Real-browser checks of the layout (issue 10) at a desk (1366×900) and on a phone (390×844): the whole
回答依据 panel reachable, the quote preview behind [n] and the way back from 政策原文, follow-up chips
that ask, 👍/👎 stored in the answer log, every tab reachable and the question box on the first screen.
Screenshots of every tab at both sizes go to screenshots/ (git-ignored) for a person to look at."""

from __future__ import annotations

import json

import pytest

import tests.test_browser as tb
from tests.test_browser import ANSWER_TIMEOUT, SHOTS, ask

pytestmark = pytest.mark.slow
browser, server = tb.browser, tb.server  # the same fixtures as the other browser tests
SIZES = {"desk": (1366, 900), "phone": (390, 844)}
TABS = ["chat", "calc", "match", "draft", "source"]


def open_page(browser, server, size: str):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  has_touch=size == "phone", is_mobile=size == "phone")
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_selector("#chat-input textarea")
    return context, page


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth; }""",
                         selector)


@pytest.mark.parametrize("size", list(SIZES))
def test_every_tab_is_reachable_and_the_question_box_is_on_the_first_screen(browser, server, size):
    context, page = open_page(browser, server, size)
    try:
        assert in_viewport(page, "#chat-input textarea"), "the question box is below the first screen"
        for tab in TABS:  # no tab hides behind an overflow "…" menu
            assert page.locator(f"#tab-{tab}-button").is_visible(), tab
        shot(page, f"{size}-1-chat-empty")
        for n, tab in enumerate(TABS[1:], 2):
            page.click(f"#tab-{tab}-button")
            page.wait_for_selector(f"#tab-{tab}-button[aria-selected='true']")
            page.wait_for_timeout(300)
            shot(page, f"{size}-{n}-{tab}")
        assert page.locator("#source-search").is_visible() and page.locator("#source-back").is_visible()
        assert "在2022-2024年内有效" in page.inner_text("#policy-source .pa-source-meta")
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_whole_side_panel_is_reachable(browser, server, size):
    context, page = open_page(browser, server, size)
    try:
        ask(page, "我们在北京，平台建设投资1200万元，能补多少？", "360万元")
        panel = page.locator("#answer-details")
        last = panel.locator(".pa-mode")
        last.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        assert in_viewport(page, "#answer-details .pa-mode"), "the end of 回答依据 cannot be scrolled to"
        assert "按政策原文核算" in last.inner_text() and "grounded" not in panel.inner_text()
        footer = page.locator("footer")
        if size == "desk" and footer.count():  # the panel ends above the page footer, not over it
            assert panel.bounding_box()["y"] + panel.bounding_box()["height"] <= footer.bounding_box()["y"] + 1
        bubble = page.locator("#chatbot .bot").last.inner_text()
        assert "资格自查：" not in bubble and "政策依据：" not in bubble  # the panel holds them, once
        page.locator("#chatbot .bot").last.scroll_into_view_if_needed()
        shot(page, f"{size}-1-chat-answer")
    finally:
        context.close()


def test_hover_preview_view_source_and_back(browser, server):
    context, page = open_page(browser, server, "desk")
    try:
        ask(page, "平台建设投资1200万元，能补多少？", "360万元")
        page.locator("#chatbot .bot a.cite-link", has_text="[1]").first.hover()
        page.wait_for_selector(".pa-pop")
        assert "单个平台建设补贴最高不超过500万元" in page.inner_text(".pa-pop")
        shot(page, "desk-1-chat-preview")
        page.click(".pa-pop a.pa-pop-link")
        page.wait_for_selector("#tab-source-button[aria-selected='true']")
        page.wait_for_selector("#clause-四.pa-flash mark.pa-quote")
        page.fill("#source-search", "保费")
        page.wait_for_selector("mark.pa-hit")
        assert "找到" in page.inner_text("#source-search-count")
        shot(page, "desk-5-source-search")
        page.click("#source-back")
        page.wait_for_selector("#tab-chat-button[aria-selected='true']")
        assert page.locator("#chatbot .bot").last.is_visible()
    finally:
        context.close()


def test_a_tap_on_a_phone_shows_the_quote_first(browser, server):
    context, page = open_page(browser, server, "phone")
    try:
        ask(page, "采购新产品投保，保费30万元能补多少？", "15万元")
        page.locator("#chatbot .bot a.cite-link", has_text="[1]").first.tap()
        page.wait_for_selector(".pa-pop")
        assert "50" in page.inner_text(".pa-pop")
        shot(page, "phone-1-chat-preview")
        page.locator(".pa-pop a.pa-pop-link").tap()
        page.wait_for_selector("#clause-八.pa-flash mark.pa-quote")
        page.locator("#source-back").tap()
        page.wait_for_selector("#tab-chat-button[aria-selected='true']")
    finally:
        context.close()


def test_chips_answer_what_was_asked_and_feedback_is_logged(browser, server):
    """A chip is a quick answer (issue 20): tapped, it becomes the fact in the next answer's self-check,
    and the figure stays the user's own; never the assistant's question sent back."""
    context, page = open_page(browser, server, "desk")
    try:
        ask(page, "平台建设投资1200万元，能补多少？", "360万元")
        chips = [b.inner_text().strip() for b in page.locator("#chatbot .options button.option").all()]
        assert chips and not any("？" in c or "请提供" in c for c in chips[:2])
        chip = page.locator("#chatbot .options button.option", has_text="在北京注册经营").last
        before = page.locator("#chatbot .user").count()
        chip.click()
        page.wait_for_function("(n) => document.querySelectorAll('#chatbot .user').length > n", arg=before,
                               timeout=ANSWER_TIMEOUT)
        assert "在北京注册经营" in page.locator("#chatbot .user").last.inner_text()
        page.wait_for_function("() => !document.querySelector('#chat-input textarea').disabled", timeout=ANSWER_TIMEOUT)
        page.wait_for_function("() => /在北京市注册经营\\s+符合/.test(document.querySelector('#answer-details').innerText)",
                               timeout=ANSWER_TIMEOUT)
        assert "360万元" in page.locator("#chatbot .bot").last.inner_text()
        page.wait_for_function("() => !document.querySelector('#chat-input textarea').disabled", timeout=ANSWER_TIMEOUT)
        page.locator("#chatbot button[aria-label='有帮助']").first.click()  # the first answer's 👍
        page.wait_for_timeout(800)
        records = [json.loads(line) for line in server.log_path.read_text(encoding="utf-8").splitlines()]
        liked = [r for r in records if r.get("channel") == "feedback"]
        assert liked and liked[-1]["feedback"] == "up"
        answered = {r.get("id"): r for r in records if r.get("id")}
        assert liked[-1]["answer_id"] in answered and "360万元" in answered[liked[-1]["answer_id"]]["answer"]
    finally:
        context.close()
