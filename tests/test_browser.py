"""Real-browser tests: Playwright drives Debian's Chromium against ``python app.py`` in a subprocess.

Screenshots of each tab are saved under ``screenshots/`` (git-ignored) for a person to look at.
``AppServer`` is also used by tests/test_app_clients.py and bench/bench_app.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import docx
import pytest

pytestmark = pytest.mark.slow  # a real app server and Chromium

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
XSS = "<img src=x onerror=alert(1)>"
ISSUE_PROFILE = {"registered_in": "北京", "industry": "软件和信息服务业", "project_in_library": True,
                 "platform_investment": "2000万元", "insurance_premium": "60万元", "loan_principal": "3亿元",
                 "date": "2023-06-01"}
ANSWER_TIMEOUT = 60_000  # ms; the first question may wait for the embedding model to load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``python app.py`` on a free port of 127.0.0.1, with its own index and answer log."""

    def __init__(self, workdir: Path, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.workdir = Path(workdir)
        self.log_path = self.workdir / "answers.jsonl"
        self.out_path = self.workdir / "app.out"
        self.env = {
            **os.environ,
            "POLICY_HOST": "127.0.0.1",
            "POLICY_PORT": str(self.port),
            "POLICY_INDEX_DIR": str(self.workdir / "index"),
            "POLICY_ANSWER_LOG": str(self.log_path),
            "GRADIO_ANALYTICS_ENABLED": "False",
            "ANONYMIZED_TELEMETRY": "False",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None

    def start(self, timeout: float = 90.0) -> AppServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        out = self.out_path.open("wb")
        began = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=self.env,
                                     stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as resp:
                    if resp.status == 200:
                        self.started_in = time.perf_counter() - began
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"app did not come up in {timeout}s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace") if self.out_path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Default embedding (retrieval is used by the grounded answers); a fixed date for the validity notice.
    with AppServer(tmp_path_factory.mktemp("browser-app"), POLICY_TODAY="2025-06-01") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (its own Gradio session) with every JS dialog recorded and dismissed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(server.url)
    pg.wait_for_selector("#chat-input textarea")
    yield pg
    context.close()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask(page, question: str, expect: str) -> None:
    before = page.locator("#chatbot .bot").count()
    page.fill("#chat-input textarea", question)
    page.press("#chat-input textarea", "Enter")
    page.wait_for_function(
        "([n, text]) => { const b = document.querySelectorAll('#chatbot .bot');"
        " return b.length > n && b[b.length - 1].innerText.includes(text); }",
        arg=[before, expect], timeout=ANSWER_TIMEOUT)
    # the event is over when the input is unlocked again
    page.wait_for_function("() => !document.querySelector('#chat-input textarea').disabled")
    page.wait_for_timeout(200)  # let the status overlays fade out before any screenshot


def open_tab(page, name: str) -> None:
    page.click(f"#tab-{name}-button")
    page.wait_for_selector(f"#tab-{name}-button[aria-selected='true']")


# ---------------------------------------------------------------- tests
def test_chat_calculation_shows_exact_amount_and_clause_citation(page):
    ask(page, "平台建设投资1200万元，能补多少？", "360万元")
    bot = page.locator("#chatbot .bot").last
    assert "360万元" in bot.inner_text()
    details = page.locator("#answer-details")
    text = details.inner_text()
    assert "第（四）条" in text and "对符合条件的平台给予不超过30%的建设补贴，单个平台建设补贴最高不超过500万元" in text
    assert "计算过程" in text and "资格自查表" in text and "待确认" in text
    assert "有效期提示" in text and "已届满" in text
    shoot(page, "1-chat")
    # the citation marker links to clause （四） in 政策原文, with the quote highlighted
    bot.locator("a.cite-link", has_text="[1]").first.click()
    page.wait_for_selector("#tab-source-button[aria-selected='true']")
    page.wait_for_selector("#clause-四.pa-flash mark.pa-quote")
    assert page.inner_text("#clause-四 mark.pa-quote") == "对符合条件的平台给予不超过30%的建设补贴，单个平台建设补贴最高不超过500万元"
    shoot(page, "4-source")


def test_two_turn_follow_up(page):
    ask(page, "我想申请平台建设补贴", "建设")
    ask(page, "建设投资是1500万元", "450万元")
    assert "450万元" in page.locator("#answer-details").inner_text()
    ask(page, "那如果是2000万元呢？", "500万元")  # only the history says which measure "that" is
    # the input, locked while the answer was computed, is usable again and has the focus back
    page.wait_for_function("() => { const t = document.querySelector('#chat-input textarea');"
                           " return !t.disabled && document.activeElement === t; }")
    # clicking the earlier answer shows its own 依据 again
    page.locator("#chatbot [data-testid='bot']").first.click(position={"x": 10, "y": 10})
    page.wait_for_function("() => !document.querySelector('#answer-details').innerText.includes('450万元')")
    # 清空对话 forgets the history: the same follow-up no longer knows the measure
    page.click("#chat-clear")
    page.wait_for_function("() => document.querySelectorAll('#chatbot .bot').length === 0")
    ask(page, "那如果是2000万元呢？", "")
    assert "500万元" not in page.locator("#chatbot .bot").last.inner_text()


def test_calculator_good_and_bad_amounts(page):
    open_tab(page, "calc")
    page.locator("#calc-base textarea").press_sequentially("2000万")
    # live feedback while typing: what the field was read as
    page.wait_for_function("() => document.querySelector('#calc-base-msg').innerText.includes('20,000,000元')")
    page.click("#calc-run")
    page.wait_for_selector("#calc-amount")
    assert page.inner_text("#calc-amount") == "500万元"
    result = page.inner_text("#calc-result")
    assert "按上限计" in result and "第（四）条" in result and "资格自查表" in result
    shoot(page, "2-calculator")
    page.fill("#calc-base textarea", "-5万")
    page.click("#calc-run")
    page.wait_for_selector("#calc-base-msg .pa-field-error")
    message = page.inner_text("#calc-base-msg")
    assert "金额不能为负数" in message and "Traceback" not in page.content()
    # the field's message shows while typing; the run that follows clears the earlier figure (waited for, not raced)
    page.wait_for_selector("#calc-amount", state="detached", timeout=15000)
    assert page.locator("#calc-amount").count() == 0
    shoot(page, "2-calculator-error")


def test_draft_download_docx_and_text(page, tmp_path):
    open_tab(page, "draft")
    page.fill("#draft-inquiry textarea", "我公司在海淀区，建设了面向中小企业的测试验证公共服务平台，建设投资2000万元，能获得多少补贴？")
    page.fill("#draft-enterprise textarea", "北京某某科技有限公司")
    page.click("#draft-run")
    page.wait_for_function("() => (document.querySelector('#draft-text textarea') || {}).value?.includes('500万元')",
                           timeout=ANSWER_TIMEOUT)
    page.wait_for_selector("#download-docx:not([disabled])")
    assert "第（四）条" in page.inner_text("#draft-basis")
    shoot(page, "3-draft")
    with page.expect_download() as info:
        page.click("#download-docx")
    path = tmp_path / "draft.docx"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "北京某某科技有限公司" in text and "500万元" in text and "2,000万元 × 30% = 600万元" in text
    assert "第（四）条" in text
    with page.expect_download() as info:
        page.click("#download-txt")
    txt = tmp_path / "draft.txt"
    info.value.save_as(txt)
    assert "500万元" in txt.read_text(encoding="utf-8") and "#" not in txt.read_text(encoding="utf-8")
    # an edit by the help-desk officer (plain text) flows into the downloads
    page.click("#draft-text textarea")
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("（已人工复核）")  # as an IME or a paste delivers it
    page.wait_for_timeout(1500)
    with page.expect_download() as info:
        page.click("#download-docx")
    info.value.save_as(path)
    assert any("已人工复核" in p.text for p in docx.Document(str(path)).paragraphs)
    shoot(page, "3-draft-preview")


def test_profile_matching_table(page):
    open_tab(page, "match")
    page.fill("#match-registered textarea", "北京")
    page.fill("#match-industry textarea", "软件和信息服务业")
    page.fill("#match-date textarea", "2023-06-01")
    page.locator("#match-library").get_by_text("是", exact=True).click()
    for key in ("platform_investment", "insurance_premium", "loan_principal"):
        page.fill(f"#match-{key} textarea", ISSUE_PROFILE[key])
    # a bad amount is explained next to its field, and nothing is matched
    page.fill("#match-test_investment textarea", "-5万")
    page.click("#match-run")
    page.wait_for_selector("#match-test_investment-msg .pa-field-error")
    assert "金额不能为负数" in page.inner_text("#match-test_investment-msg")
    assert page.locator("#match-result table").count() == 0 and "Traceback" not in page.content()
    page.fill("#match-test_investment textarea", "")
    page.click("#match-run")
    page.wait_for_selector("#match-result table.pa-match")
    rows = page.locator("#match-result tbody tr")
    amounts = {r.get_attribute("data-rule"): r.locator(".pa-amount-cell").inner_text() for r in rows.all()}
    assert amounts["platform_construction"] == "500万元" and amounts["loan_interest"] == "600万元"
    assert amounts["insurance_premium"] == "30万元"
    statuses = [r.get_attribute("data-status") for r in rows.all()]
    # the text leaves conditions open (符合条件的平台, 一定规模, 牵头单位): 需确认, never 可申请, before the amounts asked for
    assert statuses.index("needs_input") > statuses.index("needs_confirm") and "computed" not in statuses
    assert "需确认" in page.inner_text("#match-result") and "待补充金额" in page.inner_text("#match-result")
    assert "可申请" not in page.inner_text("#match-result tr[data-rule='rd_first_use']")
    page.wait_for_timeout(200)
    shoot(page, "6-match")
    # the clause links to the policy text, like the other tabs
    page.locator("#match-result tr[data-rule='loan_interest'] a.cite-link").click()
    page.wait_for_selector("#tab-source-button[aria-selected='true']")
    page.wait_for_selector("#clause-十.pa-flash mark.pa-quote")


def test_match_api_returns_exact_amounts(server):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(server.url, verbose=False)
    rows = client.predict(json.dumps(ISSUE_PROFILE, ensure_ascii=False), api_name="/match")
    applicable = ("computed", "needs_confirm")
    amounts = {r["rule_id"]: r["calculation"]["amount_yuan"] for r in rows if r["status"] in applicable}
    assert amounts["platform_construction"] == "5000000" and amounts["insurance_premium"] == "300000"
    assert amounts["loan_interest"] == "6000000"
    assert [r["status"] for r in rows][:len(amounts)] == [r["status"] for r in rows if r["status"] in applicable]
    loan = next(r for r in rows if r["rule_id"] == "loan_interest")
    assert loan["citation"]["clause"] == "（十）" and loan["doc_title"] and loan["eligibility"]
    with pytest.raises(AppError, match="不是有效的 JSON"):
        client.predict("{registered_in: 北京", api_name="/match")
    with pytest.raises(AppError, match="无法识别金额"):
        client.predict('{"platform_investment": "很多"}', api_name="/match")


def test_user_input_is_rendered_inert(page):
    ask(page, XSS, "")
    page.wait_for_timeout(300)
    user = page.locator("#chatbot .user").last
    assert XSS in user.inner_text()  # shown as text, not as an element
    open_tab(page, "calc")
    page.fill("#calc-base textarea", XSS)
    page.click("#calc-run")
    page.wait_for_selector("#calc-base-msg .pa-field-error")
    assert XSS in page.inner_text("#calc-base-msg")
    open_tab(page, "draft")
    page.fill("#draft-inquiry textarea", XSS + " 平台建设投资1200万元")
    page.click("#draft-run")
    page.wait_for_function("() => (document.querySelector('#draft-text textarea') || {}).value?.includes('360万元')",
                           timeout=ANSWER_TIMEOUT)
    page.wait_for_timeout(500)
    assert page.dialogs == []
    assert page.evaluate("document.querySelectorAll('img[onerror], [onerror]').length") == 0
    assert page.evaluate("Array.from(document.images).filter(i => i.getAttribute('src') === 'x').length") == 0


def test_source_tab_has_structure_and_deep_links(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(server.url + "#clause-八")
        page.wait_for_selector("#clause-八.pa-flash", timeout=20_000)
        assert page.locator("#tab-source-button[aria-selected='true']").count() == 1
        toc = page.inner_text("#policy-source nav")
        assert "一、加大新基建项目谋划和建设力度" in toc and "施行期限" in toc
        page.click("#policy-source nav a[href='#clause-四']")
        page.wait_for_selector("#clause-四.pa-flash")
    finally:
        context.close()


def test_citation_link_works_on_a_narrow_screen(browser, server):
    # On a phone-sized screen Gradio folds the tabs into a menu; the links must still get there.
    context = browser.new_context(viewport={"width": 420, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.wait_for_selector("#chat-input textarea")
        ask(page, "采购新产品投保，保费30万元能补多少？", "15万元")
        page.locator("#chatbot .bot a.cite-link", has_text="[1]").first.click()
        page.wait_for_selector("#clause-八.pa-flash mark.pa-quote")
        assert "50％" in page.inner_text("#clause-八 mark.pa-quote")
        shoot(page, "5-narrow-source")
    finally:
        context.close()
