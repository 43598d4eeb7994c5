"""Scoring the targets a question may be about. Every rule and figure-less topic of every document is
a *target*, scored by three signals, all from data: its reviewed aliases and hints found in the question,
the similarity of the question to its reviewed example questions (e5, embedded once, cached on disk),
and the hybrid search over the clause text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.knowledge.base import Knowledge
from assistant.knowledge.rules import Rule
from assistant.reading.reader import Reading, clause_number
from assistant.reading.shared_aliases import _without_common_aliases
from assistant.reading.typos import _typo, typo_of

log = logging.getLogger(__name__)

ALIAS = 3.0  # an alias names its target on its own
HINT = 1.0  # a hint only leans towards it (at most two count)
ROLE = 2.0  # an amount tied to the target's base
CLAUSE = 4.0  # "第六条" names the clause
SEARCH = (1.5, 0.75)  # the best and second-best clause of the hybrid search
DOC = 1.5  # a target of a document the question's words are less about than the best one's loses up to this
SEMANTIC_MAX = 2.5  # the clear winner among example questions
SEMANTIC_FLOOR = 0.84  # e5 similarities below this say nothing (calibrated on the tune questions)
SEMANTIC_SCALE = 60.0  # margin over the runner-up -> points
LEAD = 1.25  # a document whose words score this many times the next one's is the one the question is about
SUBJECT = 2.0  # … this many times: the question is about that document's subject, whatever another's alias it uses
CHOSEN = 3.0  # a target with this many points is what the question is about
ASKED = 0.75  # an alias in the clause that asks (…能补多少), of a message of several clauses
CLOSE = 0.75  # two targets within this many points are a tie: ask which one
TITLE_QUOTED = re.compile(r"《[^》]{6,80}》")


@dataclass
class Target:
    key: str  # rule id, or "doc_id:clause" for a topic
    doc_id: str
    clause: str
    name: str
    rule: Rule | None
    aliases: tuple[str, ...]
    hints: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def numeric(self) -> bool:
        return self.rule is not None


QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,12})[”\"」』]")


def _unquoted(aliases: tuple[str, ...]) -> tuple[str, ...]:
    """A name with a quoted term (小微企业“首达标”支持) is also typed without its quote marks, and by the
    quoted term itself (首达标)."""
    out = list(aliases)
    for a in aliases:
        for m in QUOTED.finditer(a):
            out += [QUOTED.sub(r"\1", a), m[1]]
    return tuple(dict.fromkeys(out))


TIER_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{3,}")  # a level named in 3+ characters (四星级, 金奖一名)


def _tier_names(rule: Rule) -> tuple[str, ...]:
    """The levels of a measure paid by level (五星级…一星级, 金奖/银奖) name it as its aliases do: a question
    about "四星级" is about that measure. Levels many documents share (国家级, 市级) are dropped with the
    other common aliases."""
    names = [w for t in rule.tiers if t.label for w in (t.label, *t.words)]
    return tuple(w for w in names if TIER_NAME.fullmatch(w) and not any(c.isdigit() for c in w))


def targets_of(kb: Knowledge) -> list[Target]:
    out = [Target(r.id, r.doc_id, r.clause, r.name, r, _unquoted((*r.aliases, *_tier_names(r))), r.hints, r.examples)
           for r in kb.rules]
    out += [Target(f"{t.doc_id}:{t.clause}", t.doc_id, t.clause, t.name, None, _unquoted(t.aliases), (), t.examples)
            for t in kb.rules.topics]
    return out


class TargetScorer:
    """Scores every target of one Knowledge for a reading. ``embed`` gives e5 vectors (None: no
    semantic signal, e.g. the hash test embedder); ``search`` gives hybrid-search passages."""

    def __init__(self, kb: Knowledge, embed: Callable[[list[str]], list[list[float]]] | None = None,
                 search: Callable[[str, int], list] | None = None, vector_cache: Path | None = None,
                 doc_scores: Callable[[str], dict[str, float]] | None = None):
        self.kb = kb
        self.targets = _without_common_aliases(targets_of(kb), kb)
        self.doc_of = {t.key: t.doc_id for t in self.targets}  # target key -> its document
        self._doc_scores = doc_scores if len(kb.docs) > 1 else None  # one document: nothing to weigh
        self._about: tuple[str, dict[str, float]] | None = None  # the last question's document scores
        self._embed = embed
        self._search = search
        self._vector_cache = vector_cache  # example vectors persisted across processes (a JSON file)
        self._examples: list[tuple[int, list[float]]] | None = None

    def score(self, r: Reading, docs: set[str] | None = None) -> dict[str, float]:
        """Points per target key (plus "lex:"/"sem:" parts); ``docs`` narrows the clause search."""
        low = TITLE_QUOTED.sub(" ", r.text).lower()  # a policy's title quoted back names the document, not a measure
        low = QUOTES.sub("", low)  # “双跨”工业互联网平台 names the alias 双跨"工业互联网平台 as printed
        scores: dict[str, float] = {}
        asked = _asked_clause(low)
        for t in self.targets:
            s = 0.0
            aliases = [a for a in t.aliases if _found(low, a.lower())]
            if aliases:
                s += ALIAS + min(1.0, 0.25 * (len(aliases) - 1)) + min(1.0, max(len(a) for a in aliases) / 8)
                if asked and any(_found(asked, a.lower()) for a in aliases):
                    s += ASKED  # "我们买设备花了2000万，保费补贴能补多少": the measure the question asks about
            else:
                typos = [a for a in t.aliases if _typo(low, a) and not self.own_word(t, typo_of(low, a))]
                if typos:  # one mistyped character in a long alias ("场景试验室", "平抬建设"): nearly as good
                    s += ALIAS - 0.5 + (min(1.0, max(len(a) for a in typos) / 8) if t.rule else 0.0)
                elif cores := [c for c in map(_core, t.aliases) if c and _found(low, c.lower())]:
                    # the award word is the asker's choice: "国际专利授权奖励" names the 国际专利授权资助
                    s += ALIAS - 0.5 + min(1.0, max(len(c) for c in cores) / 8)
            s += HINT * min(2, sum(1 for h in t.hints if _found(low, h.lower())))
            if t.rule and (t.rule.base_key in r.roles or (t.rule.currency and t.rule.base_key in r.foreign_roles)):
                # a base of the measure's own ("机器人购置额480万", "购置额480万") names it as an alias would; one of
                # a shared kind named only by its head words ("投资额" of 平台投资额) leans towards it as shared bases do
                own = t.rule.base_key == re.sub(r"\W", "_", t.rule.id) and bool(t.rule.base) and (
                    t.rule.base in r.text or not _shared_kind(t.rule.base) or "、" in t.rule.base) and (  # 新增设备、软件投资额
                    t.rule.base_key in r.exclusive or t.rule.base in r.text)  # a head two bases share names neither as its own
                role = ALIAS if own else ROLE
                s += role
                scores[f"role:{t.key}"] = role
            if r.clause_refs and clause_number(t.clause) in r.clause_refs and t.clause.startswith(("（", "第")):
                s += CLAUSE
            if s:
                scores[t.key] = s
                scores[f"lex:{t.key}"] = s
        for key, bonus in self._semantic(r.text).items():
            scores[f"sem:{key}"] = bonus
            scores[key] = scores.get(key, 0.0) + bonus
        for key, bonus in self._retrieval(r.text, docs).items():
            scores[key] = scores.get(key, 0.0) + bonus
        self._weigh_documents(r.text, scores, docs)
        return scores

    def _weigh_documents(self, text: str, scores: dict[str, float], docs: set[str] | None = None) -> None:
        """Targets of documents the question's words are less about than the best document lose points in
        proportion (a 见习 question: the 就业见习基地 text over a list that names 就业见习补贴 once). Nothing is
        added, so no target is chosen by its document alone."""
        if self._doc_scores is None or not scores:
            return
        try:
            about = self.about(text)
        except Exception:
            log.exception("文档相关度计算失败，本轮不按文档加权")
            return
        if docs is not None:  # weighed against the documents the question's places allow
            about = {d: v for d, v in about.items() if d in docs}
            if len(docs) < 2:
                return
        top = max(about.values(), default=0.0)
        if top <= 0:
            return
        for key in [k for k in scores if k in self.doc_of]:
            scores[key] -= DOC * (1.0 - about.get(self.doc_of[key], 0.0) / top)

    def about(self, text: str) -> dict[str, float]:
        """How much the question's words are about each document, once per question (weighing and the lead
        document both ask)."""
        if self._about is None or self._about[0] != text:
            self._about = (text, self._doc_scores(text))
        return self._about[1]

    def lead_document(self, text: str, docs: set[str] | None = None, lead: float = LEAD) -> str | None:
        """The one document the question's words are clearly most about (LEAD times the next one's score),
        among ``docs``; None with one document, or none clearly ahead."""
        if self._doc_scores is None:
            return None
        try:
            about = self.about(text)
        except Exception:
            log.exception("文档相关度计算失败")
            return None
        ranked = sorted(((v, d) for d, v in about.items() if docs is None or d in docs), reverse=True)
        if not ranked or ranked[0][0] <= 0:
            return None
        if len(ranked) > 1 and ranked[0][0] < lead * ranked[1][0]:
            return None
        return ranked[0][1]

    def own_word(self, t: Target, typed: str) -> bool:
        """The typed words occur in the target's own document: a word of it ("见习人员" beside the alias
        "见习学员"), not a mistyped name."""
        doc = self.kb.docs.get(t.doc_id)
        return doc is not None and typed in doc.text.lower()

    def _semantic(self, text: str) -> dict[str, float]:
        if self._embed is None or not text.strip():
            return {}
        try:
            self.prepare()
            q = self._embed([text[:512]])[0]
        except Exception:  # the semantic signal is optional; aliases and search still route
            log.exception("示例问题向量计算失败，本轮不使用语义信号")
            return {}
        best: dict[int, float] = {}
        for i, vec in self._examples:
            best[i] = max(best.get(i, -1.0), _cos(q, vec))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < SEMANTIC_FLOOR:
            return {}
        top, sim = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else SEMANTIC_FLOOR
        bonus = min(SEMANTIC_MAX, max(0.0, (sim - runner) * SEMANTIC_SCALE))
        out = {self.targets[top].key: bonus} if bonus else {}
        return out

    def prepare(self) -> None:
        """The example questions' vectors, computed (or read from the cache file) now: ``index`` does this,
        so that no start or first question waits for it."""
        if self._embed is not None and self._examples is None:
            pairs = [(i, ex) for i, t in enumerate(self.targets) for ex in t.examples]
            vectors = self._example_vectors([ex for _, ex in pairs]) if pairs else []
            self._examples = [(i, v) for (i, _), v in zip(pairs, vectors, strict=True)]

    def _example_vectors(self, texts: list[str]) -> list[list[float]]:
        """Vectors of the example questions, from the cache file when it has them (embedding ~100
        examples costs seconds; a new process should not pay it again)."""
        cached: dict[str, list[float]] = {}
        path = self._vector_cache
        if path and path.exists():
            try:
                cached = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                cached = {}  # a broken cache is rebuilt, never trusted
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in cached]
        if missing:
            for t, v in zip(missing, self._embed(missing), strict=True):
                cached[hashlib.sha256(t.encode("utf-8")).hexdigest()] = [float(x) for x in v]
            if path:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp")
                    tmp.write_text(json.dumps({k: cached[k] for k in keys}), encoding="utf-8")
                    tmp.replace(path)
                except OSError:
                    log.warning("无法写入示例问题向量缓存 %s", path)
        return [cached[k] for k in keys]

    def _retrieval(self, text: str, docs: set[str] | None = None) -> dict[str, float]:
        if self._search is None:
            return {}
        try:
            hits = self._search(text, 3) if docs is None else self._search(text, 3, docs)
        except Exception:
            log.exception("检索失败，本轮路由不使用检索信号")
            return {}
        out: dict[str, float] = {}
        clauses = []
        for p in hits:
            cit = getattr(p, "citation", p)
            key = (cit.doc_id, cit.clause)
            if key not in clauses:
                clauses.append(key)
        for (doc_id, clause), bonus in zip(clauses, SEARCH, strict=False):
            for t in self.targets:
                if (t.doc_id, t.clause) == (doc_id, clause):
                    out[t.key] = out.get(t.key, 0.0) + bonus
        return out

    def chosen(self, scores: dict[str, float]) -> list[Target]:
        """Targets the question is about: enough points, and some of them from its own words
        (an alias, a hint, a base, a clause number) or from two independent signals agreeing."""
        def sure(t: Target) -> bool:
            return scores.get(f"lex:{t.key}", 0) >= HINT or (scores.get(f"sem:{t.key}", 0) > 0 and
                                                             scores.get(t.key, 0) - scores.get(f"sem:{t.key}", 0) > 0)
        # equal points: the target whose base the question's figure is comes first
        ranked = sorted((t for t in self.targets if scores.get(t.key, 0) >= CHOSEN and sure(t)),
                        key=lambda t: (-scores[t.key], -scores.get(f"role:{t.key}", 0.0)))
        if ranked and f"role:{ranked[0].key}" in scores:
            # a measure named by the very words that name the first (a base word both share), whatever search adds
            a = ranked[0]
            ranked[1:1] = [t for t in self.targets if t not in ranked and t.doc_id == a.doc_id and t.numeric
                           and f"role:{t.key}" in scores and ALIAS > scores.get(f"lex:{t.key}", 0) == scores.get(f"lex:{a.key}", 0) > 0]
        return ranked

    def by_role(self, chosen: list[Target], scores: dict[str, float]) -> list[Target]:
        """Two close targets of one document, the question's figure the base of the second only: it comes first."""
        if len(chosen) >= 2:
            a, b = chosen[0], chosen[1]
            if a.doc_id == b.doc_id and scores.get(a.key, 0.0) - scores.get(b.key, 0.0) <= CLOSE \
                    and f"role:{b.key}" in scores and f"role:{a.key}" not in scores:
                return [b, a, *chosen[2:]]
            if a.rule is not None and a.rule.kind == "cap_only" and f"role:{a.key}" not in scores:
                # a maximum with no base, beside a measure of the same clause paid on the figure the question gives:
                # that one ("回款45万…供给方这块奖励": the 20% of 回款, not the other award's 最高10万)
                paid = [t for t in chosen[1:] if t.doc_id == a.doc_id and t.clause == a.clause and f"role:{t.key}" in scores]
                if paid:
                    return [paid[0], *(t for t in chosen if t is not paid[0])]
        return chosen

    def tie(self, chosen: list[Target], scores: dict[str, float], r: Reading) -> bool:
        """Two targets of different documents, or two measures with different bases, too close to tell
        (unless each has its own figure: a letter asking about several measures)."""
        if len(chosen) < 2:
            return False
        a, b = chosen[0], chosen[1]
        if a.numeric and b.numeric and a.rule.base_key in r.roles and b.rule.base_key in r.roles \
                and (a.rule.base_key in r.exclusive or b.rule.base_key in r.exclusive):
            return False  # each has its own figure: a letter asking about both
        if a.numeric and b.numeric and a.doc_id == b.doc_id and a.clause != b.clause and a.rule.base_key != b.rule.base_key \
                and f"role:{a.key}" in scores and f"role:{b.key}" in scores and "threshold" not in (a.rule.kind, b.rule.kind) \
                and ALIAS > scores.get(f"lex:{a.key}", 0) == scores.get(f"lex:{b.key}", 0) > 0:
            return True  # only a base word both share names them ("项目投资额3000万"): search cannot tell which is meant
        if scores.get(a.key, 0.0) - scores.get(b.key, 0.0) > CLOSE:
            return False
        if (f"role:{a.key}" in scores) != (f"role:{b.key}" in scores) and a.doc_id == b.doc_id:
            return False  # the question's figure is the base of one of them: that one (``by_role`` puts it first)

        if a.doc_id != b.doc_id:
            return True
        if a.numeric and b.numeric and a.clause != b.clause and a.rule.kind != "threshold" and b.rule.kind != "threshold":
            return a.rule.base_key != b.rule.base_key
        return False


ASK_WORDS = re.compile(r"多少|能补|能拿|能给|可以补|补几|怎么算|how much")


def _asked_clause(low: str) -> str | None:
    """The clause of a message of several clauses that holds its last money question, or None."""
    clauses = [c for c in re.split(r"[，,。；;！!？?\n]", low) if c.strip()]
    asking = [c for c in clauses if ASK_WORDS.search(c)]
    return asking[-1] if len(clauses) > 1 and asking else None


def _shared_kind(base: str) -> bool:
    """A base of a kind many measures share (投资额, 贷款本金), whatever its own words."""
    from assistant.knowledge.rules_draft import _base_key

    return _base_key(base) is not None


AWARD_WORD = re.compile(r"(?:资助|奖励|补贴|补助|奖补|扶持|支持)$")


def _core(alias: str) -> str | None:
    """An alias without the award word it ends with, when what is left names something (4+ characters)."""
    core = AWARD_WORD.sub("", alias)
    return core if core != alias and len(core) >= 4 and not core.isascii() else None


QUOTES = re.compile(r"[“”\"「」『』‘’]")


def _found(low: str, word: str) -> bool:
    word = QUOTES.sub("", word)
    if not word:
        return False
    if word.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?:e?s)?(?![a-z0-9])", low) is not None  # "labs"
    return word in low


def _cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
