"""`Assistant`: the one entry point used by the CLI, the app and the tests."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from assistant.answering.answer import Answer
from assistant.answering.respond import compose
from assistant.errors import PolicyError
from assistant.knowledge.base import Knowledge, asked_date
from assistant.knowledge.catalog import manifest_path
from assistant.reading.router import Router
from assistant.settings import Settings
from assistant.text.inputs import bound_history

log = logging.getLogger(__name__)

MAX_QUESTION = 2000  # characters; longer questions are cut with a notice


class Assistant:
    def __init__(self, settings: Settings | None = None, *, chat_model=None, retriever=None, embedder=None):
        self.settings = settings or Settings.from_env()
        # unchanged documents come from the index's manifest: their text is read only when cited
        self.kb = Knowledge.load(self.settings.corpus_dir, manifest_path(self.settings.index_dir))
        self._embedder = embedder
        self._retriever = retriever
        self._chat_model = chat_model
        self._understander: Router | None = None
        self._lock = threading.RLock()  # the lazy pieces below are built once, whoever asks first

    # Heavy pieces are built on first use so that calculation-only use starts fast.
    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from assistant.search.embeddings import make_embedder

                self._embedder = make_embedder(self.settings.embedding, self.settings)
            return self._embedder

    @property
    def retriever(self):
        with self._lock:
            if self._retriever is None:
                from assistant.search.build import open_retriever

                self._retriever = open_retriever(self.settings, self.kb.docs, self.embedder)
            return self._retriever

    @property
    def understander(self) -> Router:
        """Reads and routes questions: the rule book's aliases and examples plus the hybrid search."""
        with self._lock:
            if self._understander is None:
                semantic = self.settings.embedding != "hash"  # hash vectors carry no meaning
                name = "".join(ch if ch.isalnum() else "-" for ch in self.settings.embedding)
                # beside a local index; replicas sharing a Chroma server keep nothing on local disk
                cache = None if self.settings.chroma_url else Path(self.settings.index_dir) / f"examples-{name}.json"
                self._understander = Router(self.kb, embed=self._query_vectors if semantic else None,
                                            search=self._route_search, vector_cache=cache,
                                            doc_scores=self._doc_scores)
            return self._understander

    def reload_rules(self) -> None:
        """Load the rule files again (a rule accepted in review is used by the next question, no restart).
        The documents and the index are unchanged; the router is rebuilt on the next question."""
        kb = Knowledge.load(self.settings.corpus_dir)
        with self._lock:
            self.kb = kb
            self._understander = None

    def _route_search(self, text: str, k: int, docs: set[str] | None = None):
        return self.retriever.search(text, k=k, docs=docs)

    def _doc_scores(self, text: str) -> dict[str, float]:
        return self.retriever.doc_scores(text)

    def _query_vectors(self, texts: list[str]) -> list[list[float]]:
        return [self.embedder.embed_query(t) for t in texts]

    def today(self) -> dt.date:
        return asked_date(self.settings.today)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        try:
            return self._ask(question, history)
        except Exception:  # the conversation never crashes; the log keeps the details for review
            log.exception("回答问题时出错：%r", (question or "")[:200])
            return Answer(answer="抱歉，处理这个问题时出现内部错误，未能给出回答。请换一种问法，或联系工作人员。",
                          in_scope=True, follow_up=["可以换一种说法再问一次吗？"], question=question or "",
                          notices=["内部错误，未生成回答"])

    def _ask(self, question: str, history: list[dict] | None) -> Answer:
        text = (question or "").strip()
        if not text:
            return Answer(answer=f"请输入您的问题，例如：“{self.kb.example_questions(1)[0]}”", in_scope=False,
                          follow_up=["请问您想了解哪项政策支持？"], question=question or "")
        notices = []
        if len(text) > MAX_QUESTION:
            text = text[:MAX_QUESTION]
            notices.append(f"问题过长，只处理了前{MAX_QUESTION}个字。")
        history = bound_history(history)
        q = self.understander.read_turn(text, history)
        on = q.facts.date or self.today()
        if q.facts.date is None and q.facts.year_offset:  # "明年还能申请吗"
            on = dt.date(on.year + q.facts.year_offset, 7, 1)
        answer = None
        if self._chat_configured():
            answer = self._ask_model(text, history, q, on, notices)
        if answer is None:
            answer = compose(q, self.kb, on, retriever=self._retriever_or_none())
        answer.notices = notices + answer.notices
        if notices:
            answer.answer = "\n".join(f"（{n}）" for n in notices) + "\n\n" + answer.answer
        answer.question, answer.asked_on = text, on.isoformat()
        return answer

    def match(self, profile: dict):
        """政策匹配: every measure of every policy that could apply to ``profile``, largest amount first."""
        from assistant.answering.match import match_profile

        return match_profile(self.kb, profile, self.today())

    def _retriever_or_none(self):
        return _StrictSearch(self)  # compose() calls .search only when it needs passages

    def search(self, query: str, k: int = 5):
        """Cited passages for a query; an unavailable index is logged and gives none."""
        try:
            return self.retriever.search(query, k=k)
        except PolicyError as exc:
            log.warning("检索不可用：%s", exc)
            return []
        except Exception:  # a broken index must not take the conversation down with it
            log.exception("检索出错，本轮回答不含检索结果")
            return []

    def _chat_configured(self) -> bool:
        return self._chat_model is not None or bool(self.settings.llm_base_url and self.settings.llm_model)

    def _ask_model(self, text, history, q, on, notices) -> Answer | None:
        from assistant.answering.agent import run_agent

        grounded = compose(q, self.kb, on, retriever=self._retriever_or_none())
        return run_agent(self, text, history, q, on, grounded, notices)


def build_index(settings: Settings, *, rebuild: bool = False) -> tuple[Assistant, str]:
    """Every part of the index, built or brought up to date (``index`` and ``add``): vectors, keyword
    index, document manifest and example-question vectors, so no later start does any of it.
    Returns the assistant and what was done."""
    from assistant.search.build import open_retriever

    t = time.perf_counter()
    bot = Assistant(settings)
    parse_s = time.perf_counter() - t
    bot._retriever = open_retriever(settings, bot.kb.docs, bot.embedder, rebuild=rebuild)
    t = time.perf_counter()
    bot.understander.scorer.prepare()
    index = bot._retriever.index
    index.timings.update(parse_s=parse_s, examples_s=time.perf_counter() - t)
    return bot, index.reason or ""


class _StrictSearch:
    """Search for the composer: an unavailable index raises (so the answer says search is down)
    instead of looking like a question without matches."""

    def __init__(self, bot: Assistant):
        self.bot = bot

    def search(self, query: str, k: int = 5, docs: set[str] | None = None):
        try:
            return self.bot.retriever.search(query, k=k, docs=docs) if docs is not None \
                else self.bot.retriever.search(query, k=k)
        except PolicyError:
            raise
        except Exception as exc:  # a broken index must not take the conversation down with it
            log.exception("检索出错")
            raise PolicyError("检索服务出错") from exc
