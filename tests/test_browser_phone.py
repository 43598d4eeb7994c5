"""Real-browser checks of issue 20 at a desk (1366×900) and on a phone (390×844): a source view you can
leave (返回对话 pinned, the browser's Back returns to the answer, focus on the quote), 依据（n） under each
answer on the phone, tap targets of 44 px, the calculator's result brought into view, Chinese names for
every control whatever the browser's language, and text contrast of at least 4.5:1."""

from __future__ import annotations

import pytest

import tests.test_browser as tb
from tests.test_browser import ask
from tests.test_browser_layout import SIZES, open_page, shot

pytestmark = pytest.mark.slow
browser, server = tb.browser, tb.server

# WCAG relative luminance and contrast of every visible text element against its painted background
CONTRAST_JS = """(root) => {
  function rgb(s) { const m = s.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; }
  function lum(c) { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); }
  function bg(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                    if (c.length < 4 || c[3] > 0.5) return c; } return [255, 255, 255]; }
  const out = [];
  document.querySelectorAll(root + ' *').forEach(el => {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.nodeValue.trim());
    if (!own || el.offsetParent === null || el.closest('.sr-only')) return;
    const s = getComputedStyle(el); if (s.visibility === 'hidden' || +s.opacity === 0) return;
    const a = lum(rgb(s.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    out.push([ratio, el.tagName + '.' + el.className, el.textContent.trim().slice(0, 30)]);
  });
  return out;
}"""


def test_the_source_view_is_left_with_back_on_the_phone(browser, server):
    context, page = open_page(browser, server, "phone")
    try:
        ask(page, "采购新产品投保，保费30万元能补多少？", "15万元")
        page.locator("#chatbot .bot a.cite-link", has_text="[1]").first.tap()
        page.wait_for_selector(".pa-pop")
        page.locator(".pa-pop a.pa-pop-link").tap()
        page.wait_for_selector("#clause-八.pa-flash mark.pa-quote")
        page.wait_for_timeout(800)  # the smooth scroll to the quote
        back = page.locator("#source-back").bounding_box()
        assert back["y"] >= 0 and back["y"] + back["height"] <= 844, "返回对话 scrolled away"
        assert page.locator("#source-search").bounding_box()["y"] >= 0
        assert page.evaluate("document.activeElement.classList.contains('pa-quote')"), "focus is not on the quote"
        shot(page, "phone-5-source-jump")
        page.go_back()
        page.wait_for_selector("#tab-chat-button[aria-selected='true']")
        assert page.url.startswith(server.url) and "#clause-" not in page.url
        assert page.locator("#chatbot .bot").last.is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_each_answer_carries_its_basis_on_the_phone_only(browser, server, size):
    context, page = open_page(browser, server, size)
    try:
        ask(page, "平台建设投资1200万元，能补多少？", "360万元")
        basis = page.locator("#chatbot .bot").last.locator("details.pa-basis")
        assert basis.count() == 1
        if size == "desk":  # the 回答依据 panel is beside the chat
            assert not basis.is_visible()
            return
        summary = basis.locator("summary")
        assert summary.inner_text().startswith("依据（")
        summary.tap()
        assert "单个平台建设补贴最高不超过500万元" in basis.inner_text()
        shot(page, "phone-1-chat-basis")
    finally:
        context.close()


def test_tap_targets_on_the_phone_are_44_px(browser, server):
    context, page = open_page(browser, server, "phone")
    try:
        ask(page, "平台建设投资1200万元，能补多少？", "360万元")
        small = []
        for sel in ("#chat-send", "#chat-clear", "#chatbot .bot a.cite-link", "#tabs button[role='tab']"):
            for el in page.locator(sel).all():
                if el.is_visible():
                    box = el.bounding_box()
                    if box["height"] < 44 or (sel != "#tabs button[role='tab']" and box["width"] < 44):
                        small.append((sel, box["width"], box["height"]))
        assert not small, small
    finally:
        context.close()


def test_the_calculator_brings_its_result_into_view_on_the_phone(browser, server):
    context, page = open_page(browser, server, "phone")
    try:
        page.click("#tab-calc-button")
        page.wait_for_selector("#tab-calc-button[aria-selected='true']")
        page.locator("#calc-base textarea").fill("2000万")
        page.click("#calc-run")
        page.wait_for_function("() => document.querySelector('#calc-result').innerText.includes('万元')")
        page.wait_for_timeout(1200)  # the smooth scroll
        top = page.evaluate("document.querySelector('#calc-result').getBoundingClientRect().top")
        assert 0 <= top < 844 * 0.6, f"the result starts at y={top}"
        shot(page, "phone-2-calc-result")
    finally:
        context.close()


def test_controls_are_named_in_chinese_whatever_the_browser_language(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(server.url)
        page.wait_for_selector("#chat-input textarea")
        assert page.get_by_role("textbox", name="输入问题").count() == 1
        ask(page, "平台建设投资1200万元，能补多少？", "360万元")
        labels = page.evaluate("[...document.querySelectorAll('#chatbot [aria-label]')].map(e => e.getAttribute('aria-label'))")
        assert "复制回答" in labels and "有帮助" in labels
        text = page.inner_text("body")
        for english in ("Copy message", "common.complete", "Loading content", "Textbox"):
            assert english not in text and english not in labels, english
    finally:
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_text_contrast_is_at_least_4_5(browser, server, size):
    context, page = open_page(browser, server, size)
    try:
        ask(page, "我们是北京的软件企业，平台建设投资1200万元，能补多少？", "360万元")
        low = [r for r in page.evaluate(CONTRAST_JS, "#answer-details") if r[0] < 4.5]
        low += [r for r in page.evaluate(CONTRAST_JS, "#chat-row") if r[0] < 4.5]
        page.click("#tab-calc-button")
        page.wait_for_selector("#tab-calc-button[aria-selected='true']")
        page.locator("#calc-base textarea").fill("2000万")
        page.click("#calc-run")
        page.wait_for_function("() => document.querySelector('#calc-result').innerText.includes('万元')")
        low += [r for r in page.evaluate(CONTRAST_JS, "#tab-calc") if r[0] < 4.5]
        assert not low, low[:10]
    finally:
        context.close()
