"""The app's shared state (``WebApp``): settings, the assistant, the answer log, private files and
start-up. The handlers and the rendering of each tab live in ``assistant/web/tabs/`` (one module per tab,
HTML from Jinja2 templates with autoescape); ``WebApp`` combines their mixins, so each tab is tested
without a browser. Everything a user typed is escaped before it reaches HTML (templates) or chat
markdown (``md_safe``); citations link to their clause in 政策原文 through ``#clause-…`` anchors.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.web.answer_log import AnswerLog
from assistant.web.common import TRI_CHOICES, UNEXPECTED, field_error, render  # noqa: F401
from assistant.web.private_files import make_private_root, private_dir
from assistant.web.render import Anchors, FieldError, FormError, esc, md_safe  # noqa: F401  (re-exported for the app and the tests)
from assistant.web.tabs.calculator import CalcResult, CalcTab, calc_placeholder  # noqa: F401
from assistant.web.tabs.chat import ChatTab, Turn, chat_markdown, details_placeholder  # noqa: F401
from assistant.web.tabs.draft import DRAFT_NAME, DraftResult, DraftTab, text_to_paragraphs  # noqa: F401
from assistant.web.tabs.match import MATCH_STATUS, AmountField, MatchResult, MatchTab, match_placeholder  # noqa: F401
from assistant.web.tabs.review import ReviewTab
from assistant.web.tabs.source import SourceTab, source_doc_html  # noqa: F401

log = logging.getLogger(__name__)

PREPARING = "正在准备索引…"
STATIC = Path(__file__).resolve().parent / "static"  # page CSS and script, kept out of the Python


class WebApp(ChatTab, CalcTab, MatchTab, DraftTab, SourceTab, ReviewTab):
    """The app's state shared by all sessions (read-only after start) and its handlers."""

    def __init__(self, settings: Settings | None = None, *, bot: Assistant | None = None,
                 answer_log: AnswerLog | None = None):
        self.settings = settings or (bot.settings if bot else Settings.from_env())
        self.bot = bot or Assistant(self.settings)
        self.kb = self.bot.kb
        self.log = answer_log or AnswerLog.from_settings(self.settings)
        self.anchors = Anchors(self.kb.docs)
        self._warm_lock = threading.Lock()
        self._warm = False
        self._warm_started: float | None = None
        self._source_html: str | None = None
        self._private_root: Path | None = None

    # -- private files
    @property
    def private_root(self) -> Path:
        """This process's own 0700 folder (created on first use, removed at exit)."""
        if self._private_root is None:
            self._private_root = make_private_root()
        return self._private_root

    @property
    def draft_dir(self) -> Path:
        return self.private_root / "drafts"

    @property
    def served_dir(self) -> Path:
        """Gradio's cache for the files it serves (``GRADIO_TEMP_DIR``): inside the private root."""
        return private_dir(self.private_root / "served")

    # -- start-up
    @property
    def ready(self) -> bool:
        """True once the embedding model and the index are loaded: the app can answer at once."""
        return self._warm

    def status_html(self) -> str:
        """The "preparing" banner shown until ``ready`` ("" afterwards)."""
        if self._warm:
            return ""
        waited = f"（已用时 {time.monotonic() - self._warm_started:.0f} 秒）" if self._warm_started else ""
        return render("preparing.html", preparing=PREPARING, waited=waited)

    def warm_up(self) -> None:
        """Load the embedding model and open the index once, before (or instead of) racing requests."""
        if self._warm:
            return
        with self._warm_lock:
            if self._warm:
                return
            self._warm_started = time.monotonic()
            started = time.perf_counter()
            try:
                question = self.kb.example_questions(1)[0]
                self.bot.understander.read(question)
                self.bot.search(question, k=1)
            except Exception:  # a broken model/index shows up in answers; warm-up must not kill the app
                log.exception("预热失败")
            self._warm = True
            log.info("预热完成，用时 %.1f 秒", time.perf_counter() - started)

    def header_html(self) -> str:
        doc = next(iter(self.kb.docs.values()))
        return render("header.html", meta=doc.meta)


# ---------------------------------------------------------------- page CSS and script
CSS = (STATIC / "app.css").read_text(encoding="utf-8")

# A delegated, capture-phase click handler: works for links inside any component (chat bubbles,
# HTML panels) and survives re-renders. Without it, the href still moves the :target highlight.
PAGE_JS = (STATIC / "page.html").read_text(encoding="utf-8")  # a <script> for the page head
