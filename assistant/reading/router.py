"""Route a question (with its history) to a Plan: what kind of answer, which rules, what is missing.

Every rule and figure-less topic of every document is a *target*. A target is scored by three
signals, all from data: its reviewed aliases and hints found in the question, the similarity of
the question to its reviewed example questions (e5, embedded once), and the hybrid search over
the clause text. A question about one document's measure therefore lands on that document's
rule; when two targets are close, the plan asks which one is meant. Amounts are tied to the base
they are (``understand.Reader``); an amount tied to another base never becomes this rule's base.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from assistant.knowledge.base import Knowledge
from assistant.knowledge.kinds import EXTRA_KINDS, needs
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Facts, Inputs
from assistant.reading.facts import Evidence, merge_facts
from assistant.reading.quantities import read_inputs
from assistant.reading.reader import Reader, Reading, clause_number
from assistant.text.amounts import Mention

log = logging.getLogger(__name__)

ALIAS = 3.0  # an alias names its target on its own
HINT = 1.0  # a hint only leans towards it (at most two count)
ROLE = 2.0  # an amount tied to the target's base
CLAUSE = 4.0  # "第六条" names the clause
SEARCH = (1.5, 0.75)  # the best and second-best clause of the hybrid search
SEMANTIC_MAX = 2.5  # the clear winner among example questions
SEMANTIC_FLOOR = 0.84  # e5 similarities below this say nothing (calibrated on the tune questions)
SEMANTIC_SCALE = 60.0  # margin over the runner-up -> points
CHOSEN = 3.0  # a target with this many points is what the question is about
CLOSE = 0.75  # two targets within this many points are a tie: ask which one

# Words every policy text shares with everyday questions: no sign that a question is about the corpus.
GENERIC = frozenset("企业 公司 项目 支持 补贴 申请 政策 单位 本市 北京 北京市 建设 投资 可以 给予 按照 不超过 最高 单个 "
                    "进行 开展 相关 方面 方式 有关 规定 实施 工作 市级 国家 部门 推动 加快 推进 鼓励 提供".split())
# "30间", "国家级", "第3年": a bare answer to what the assistant just asked for continues the topic.
ANSWER_ONLY = re.compile(r"\s*(?:[0-9０-９.,，]+|[零一二两三四五六七八九十百千万]+)\s*[^\s，,。？?]{0,4}[。.!！]?\s*"
                         r"|\s*[^\s，,。？?]{1,6}级[。.!！]?\s*|\s*第\s*\S{1,3}\s*年[。.!！]?\s*")
BOTH = re.compile(r"同时|都能|两项|两个|几项|这几|以及|叠加|一起申请|(和|跟|与|及).{1,14}(分别|各|都|哪个|区别|一样|叠加|同时)"
                  r"|both|\band\b", re.I)
TOGETHER = re.compile(r"加起来|一共|合计|总共|两个|两项|都算|altogether|in total|both", re.I)
EACH = re.compile(r"分别|各自|各能|各是|各多少|各为|每个|每一个|each|respectively", re.I)
POLICY_WORDS = re.compile(r"补贴|补助|资助|扶持|奖励|政策|措施|文件|支持|申请|申报|贴息|条款|第.{1,3}条|"
                          r"subsid|polic|support|grant|measure|clause|apply|eligib", re.I)
POLICY_AFTER = re.compile(r"^(?:市|省|区|这边|那边|地区|当地)?[^，,。；;？?]{0,16}?(政策|补贴|补助|措施|办法|资助|奖励|扶持|方案|规定|"
                          r"通知|意见|细则|计划|文件|subsid|polic)", re.I)
FIRM_WORDS = re.compile(r"我们公司|我司|本公司|企业|单位|我们厂|our company|our firm|enterprise", re.I)
FIRM_BEFORE = re.compile(r"(我们是|我司是|我们|我司|注册在|注册地|公司在|企业在|registered in)\s*$", re.I)

KINDS = ("out_of_scope", "measures", "clarify", "wording", "meta", "validity", "overview", "scope", "match", "passages")


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


@dataclass
class Plan:
    """What the composer renders, once."""

    text: str
    kind: str = "passages"
    lang: str = "zh"
    tasks: list[tuple[Rule, Decimal | Inputs | None]] = field(default_factory=list)  # (rule, base or Inputs) to compute/judge
    candidates: list[Target] = field(default_factory=list)  # for "clarify"
    clauses: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, clause) to quote
    meta: set[str] = field(default_factory=set)  # issuer / doc_number / published / title
    facts: Facts = field(default_factory=Facts)
    evidence: list[Evidence] = field(default_factory=list)
    roles: dict[str, Decimal] = field(default_factory=dict)
    amounts: list[Mention] = field(default_factory=list)
    claims: list[Mention] = field(default_factory=list)
    bad_amounts: list[str] = field(default_factory=list)
    yes_no: bool = False
    asks_figure: bool = False
    draft: bool = False
    carried: bool = False
    out_reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    follow_up: list[str] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r, _ in self.tasks]

    @property
    def intent(self) -> str | None:
        return self.tasks[0][0].id if self.tasks else (self.kind if self.kind != "passages" else None)

    def base(self) -> Decimal | None:
        return self.amounts[-1].value if self.amounts else None


def targets_of(kb: Knowledge) -> list[Target]:
    out = [Target(r.id, r.doc_id, r.clause, r.name, r, r.aliases, r.hints, r.examples) for r in kb.rules]
    out += [Target(f"{t.doc_id}:{t.clause}", t.doc_id, t.clause, t.name, None, t.aliases, (), t.examples)
            for t in kb.rules.topics]
    return out


class Router:
    """Reads and routes questions for one Knowledge. ``embed`` gives e5 vectors (None: no
    semantic signal, e.g. the hash test embedder); ``search`` gives hybrid-search passages."""

    def __init__(self, kb: Knowledge, embed: Callable[[list[str]], list[list[float]]] | None = None,
                 search: Callable[[str, int], list] | None = None, vector_cache: Path | None = None):
        self.kb = kb
        self._vector_cache = vector_cache  # example vectors persisted across processes (a JSON file)
        self.reader = Reader(kb.rules, kb.lexicon)
        self.targets = targets_of(kb)
        self._embed = embed
        self._search = search
        self._examples: list[tuple[int, list[float]]] | None = None
        self._cache: dict[str, tuple[Reading, dict[str, float]]] = {}
        self._vocabulary: set[str] | None = None
        self.regions = {kb.lexicon.region_of(d.meta.region) for d in kb.docs.values() if d.meta.region}
        words = {w for t in self.targets for w in (*t.aliases, *t.hints)}
        words |= {w for terms in kb.rules.terms.values() for w in terms}
        self.domain = sorted((w.lower() for w in words if len(w) > 1), key=len, reverse=True)
        self.base_keys = {r.id: r.base_key for r in kb.rules if r.base_key}

    # ------------------------------------------------------------------ one message

    def read(self, text: str) -> Reading:
        return self._scored(text)[0]

    def _scored(self, text: str) -> tuple[Reading, dict[str, float]]:
        hit = self._cache.get(text)
        if hit is None:
            reading = self.reader.read(text)
            hit = (reading, self._score(reading))
            if len(self._cache) >= 512:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = hit
        return copy.deepcopy(hit)

    def _score(self, r: Reading) -> dict[str, float]:
        low = r.text.lower()
        scores: dict[str, float] = {}
        for t in self.targets:
            s = 0.0
            aliases = [a for a in t.aliases if _found(low, a.lower())]
            if aliases:
                s += ALIAS + min(1.0, 0.25 * (len(aliases) - 1)) + min(1.0, max(len(a) for a in aliases) / 8)
            elif any(_typo(low, a) for a in t.aliases):
                s += ALIAS - 0.5  # one mistyped character in a long alias ("场景试验室", "平抬建设")
            s += HINT * min(2, sum(1 for h in t.hints if _found(low, h.lower())))
            if t.rule and t.rule.base_key in r.roles:
                s += ROLE
            if r.clause_refs and clause_number(t.clause) in r.clause_refs and t.clause.startswith(("（", "第")):
                s += CLAUSE
            if s:
                scores[t.key] = s
                scores[f"lex:{t.key}"] = s
        for key, bonus in self._semantic(r.text).items():
            scores[f"sem:{key}"] = bonus
            scores[key] = scores.get(key, 0.0) + bonus
        for key, bonus in self._retrieval(r.text).items():
            scores[key] = scores.get(key, 0.0) + bonus
        return scores

    def _semantic(self, text: str) -> dict[str, float]:
        if self._embed is None or not text.strip():
            return {}
        try:
            if self._examples is None:
                pairs = [(i, ex) for i, t in enumerate(self.targets) for ex in t.examples]
                vectors = self._example_vectors([ex for _, ex in pairs]) if pairs else []
                self._examples = [(i, v) for (i, _), v in zip(pairs, vectors, strict=True)]
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

    def _retrieval(self, text: str) -> dict[str, float]:
        if self._search is None:
            return {}
        try:
            hits = self._search(text, 3)
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

    # ------------------------------------------------------------------ the turn

    def read_turn(self, text: str, history: list[dict] | None = None) -> Plan:
        return self.route(text, history)

    def route(self, text: str, history: list[dict] | None = None) -> Plan:
        reading, scores = self._scored(text)
        earlier = [self._scored(m.get("content", "")) for m in history or [] if m.get("role") == "user"]
        plan = Plan(text=text, lang=reading.lang, scores=scores, claims=reading.claims,
                    bad_amounts=list(reading.bad_amounts), yes_no="yes_no" in reading.forms,
                    asks_figure="figure" in reading.forms, draft="draft" in reading.forms)
        facts, evidence = Facts(), []
        for prev, _ in earlier:
            facts = merge_facts(facts, prev.facts)
            evidence += prev.evidence
        plan.facts = merge_facts(facts, reading.facts)
        plan.evidence = evidence + reading.evidence
        plan.amounts = list(reading.amounts)
        plan.roles = dict(reading.roles)

        chosen = self._chosen(scores)
        forms = reading.forms
        last_topic = self._last_topic(earlier)
        follow_on = isinstance(last_topic, list) and (reading.elliptic or (len(text) <= 10 and forms & {"figure", "yes_no"})
                                                      or bool(ANSWER_ONLY.fullmatch(text)))
        # What kind of question is this, before which measure: the text itself, then the rest.
        if not follow_on and self._out_of_scope(reading, scores, chosen, plan):
            plan.kind = "out_of_scope"
            return plan
        if forms & {"issuer", "doc_number", "published", "title", "basis"} and not reading.amounts:
            plan.kind = "meta"
            plan.meta = forms & {"issuer", "doc_number", "published", "title", "basis"}
            if "validity" in forms:
                plan.meta.add("validity")
            return plan
        if "procedure" in forms and not reading.amounts and not plan.yes_no:
            plan.kind = "procedure"  # the text says who issued it; materials and steps come with the call
            plan.clauses = [(t.doc_id, t.clause) for t in chosen[:1]]
            return plan
        if reading.clause_refs and ("wording" in forms or not (forms & {"figure", "yes_no"})) and not reading.amounts:
            refs = self._clause_units(reading.clause_refs)
            if refs:
                plan.kind, plan.clauses = "wording", refs
                return plan
        if "match" in forms or (last_topic == "match" and not chosen and (reading.amounts or reading.evidence)):
            plan.kind, plan.carried = "match", "match" not in forms
            for prev, _ in earlier:
                plan.roles = {**prev.roles, **plan.roles}
            plan.roles.update(reading.roles)
            return plan
        if not chosen and reading.amounts and not reading.roles and last_topic is None and "validity" in forms:
            chosen = []
        together = self._recent_topics(earlier) if (EACH.search(text) or BOTH.search(text) or TOGETHER.search(text)) \
            and not chosen and not reading.amounts else []
        if len(together) > 1:
            # "两个加起来一共多少": each measure the conversation is about, with its own figure
            chosen, plan.carried = [t for t in self.targets if t.key in together], True
            numeric = [t for t in chosen if t.numeric]
            for prev, _ in earlier:
                plan.roles = {**plan.roles, **prev.roles}
            plan.kind = "measures"
            plan.tasks = [(t.rule, plan.roles.get(t.rule.base_key or "")) for t in numeric]
            return plan
        if isinstance(last_topic, list) and (follow_on or reading.amounts or reading.evidence) \
                and not (forms & {"overview", "scope", "validity"} and not reading.amounts and not reading.facts.date) \
                and self._own_topic(reading, scores, last_topic) is None:
            chosen = [t for t in self.targets if t.key in last_topic]
            plan.carried = True
        numeric = [t for t in chosen if t.numeric]
        named = sorted((t for t in self.targets if t.numeric and scores.get(f"lex:{t.key}", 0) >= HINT),
                       key=lambda t: -scores[t.key])
        if numeric and len(named) > 1 and not reading.amounts and (EACH.search(text) or BOTH.search(text)):
            # "平台补贴和保费补贴的比例分别是多少": each measure the question names, side by side
            plan.kind, plan.tasks = "measures", [(t.rule, None) for t in named[:3]]
            return plan
        if chosen and self._tie(chosen, scores, reading) and not plan.carried:
            plan.kind, plan.candidates = "clarify", chosen[:3]
            return plan
        if numeric:
            self._tasks(plan, numeric, reading, earlier, scores)
            if plan.tasks or plan.kind == "clarify":
                return plan
        if chosen and not numeric:
            unit = self.kb.docs[chosen[0].doc_id].unit(chosen[0].clause)
            if unit.kind == "scope" or plan.yes_no:
                plan.kind = "scope"  # who is covered: quote the scope and check the firm against it
                return plan
            plan.kind, plan.clauses = "passages", [(chosen[0].doc_id, chosen[0].clause)]
            return plan
        if "validity" in forms:
            plan.kind = "validity"
        elif "scope" in forms or (plan.yes_no and not reading.amounts) or (
                not reading.amounts and not chosen and "overview" not in forms
                and any(e.fact in ("registered_in", "not_registered_in", "industry") for e in reading.evidence)):
            # "我们是做工业软件的，注册在海淀": who the firm is, checked against who the policy supports
            plan.kind = "scope"
        elif "overview" in forms:
            plan.kind = "overview"
        elif reading.amounts and not chosen:
            plan.kind = "clarify"
            plan.candidates = [t for t in self.targets if t.numeric and t.rule.kind != "threshold"]
        elif not chosen and self._about_policy(text) and self._corpus_words(text) < 1:
            plan.kind = "overview"  # "我想咨询一下新基建的补贴": nothing specific asked, so the measures
        else:
            plan.kind = "passages"
        return plan

    def _chosen(self, scores: dict[str, float]) -> list[Target]:
        """Targets the question is about: enough points, and some of them from its own words
        (an alias, a hint, a base, a clause number) or from two independent signals agreeing."""
        def sure(t: Target) -> bool:
            return scores.get(f"lex:{t.key}", 0) >= HINT or (scores.get(f"sem:{t.key}", 0) > 0 and
                                                             scores.get(t.key, 0) - scores.get(f"sem:{t.key}", 0) > 0)
        ranked = sorted((t for t in self.targets if scores.get(t.key, 0) >= CHOSEN and sure(t)),
                        key=lambda t: -scores[t.key])
        return ranked

    def _out_of_scope(self, r: Reading, scores: dict[str, float], chosen: list[Target], plan: Plan) -> bool:
        """Out of scope by what the question is about: a subject no policy here covers, another
        region's policy, or nothing of the corpus in it at all."""
        named = any(scores.get(f"lex:{t.key}", 0) >= ALIAS for t in self.targets)
        if "individual" in r.subjects and not FIRM_WORDS.search(r.text):
            plan.out_reason = "individual"  # an individual's own affairs, whatever measure they name
            return True
        if "chit_chat" in r.subjects and not named and (self._about_policy(r.text) or any(w in r.text.lower() for w in self.domain)):
            r.subjects.discard("chit_chat")  # "你好，我想咨询新基建的补贴": a greeting before a real question
        if r.subjects & {"procedure", "chit_chat"} and not named:
            plan.out_reason = sorted(r.subjects & {"procedure", "chit_chat"})[0]
            return True
        other = self._other_region(r)
        if other:
            plan.out_reason = f"region:{other}"
            return True
        if chosen or r.clause_refs or r.amounts or r.bad_amounts or r.evidence:
            return False
        if r.forms & {"issuer", "doc_number", "published", "title", "basis", "wording", "validity", "overview", "scope",
                      "match", "procedure"}:
            return False  # questions about the document itself or its measures as a whole
        if r.forms & {"issuer", "doc_number", "published", "title", "validity", "overview", "scope", "match", "wording",
                      "draft"} and self._about_policy(r.text):
            return False
        low = r.text.lower()
        if any(w in low for w in self.domain) or self._about_policy(r.text) or self._corpus_words(r.text) >= 2:
            return False
        plan.out_reason = "unrelated"
        return True

    def _corpus_words(self, text: str) -> float:
        """How many distinct content words of the question occur in the corpus text itself."""
        if self._vocabulary is None:
            from assistant.search.retrieval import keyword_tokens

            self._vocabulary = {w for d in self.kb.docs.values() for w in keyword_tokens(d.text) if len(w) >= 2}
            # words of a document's own title name the whole document, not something specific in it
            titles = " ".join(f"{d.meta.title} {getattr(d.meta, 'short_title', '') or ''}" for d in self.kb.docs.values())
            self._vocabulary -= set(keyword_tokens(titles))
        from assistant.search.retrieval import keyword_tokens

        words = {w for w in keyword_tokens(text) if len(w) >= 2 and w in self._vocabulary
                 and not w.startswith(("amt", "pct", "y2", "y1")) and w not in GENERIC}
        # 高新 inside 高新技术 counts once; two-character words (技术, 条件) are too common to count fully
        return sum(1.0 if len(w) >= 3 else 0.5 for w in words if not any(w != o and w in o for o in words))

    def _about_policy(self, text: str) -> bool:
        return bool(POLICY_WORDS.search(text))

    def _other_region(self, r: Reading) -> str | None:
        """A place the question asks about the policies of, outside every document's region."""
        own = r.facts.registered_in
        for name, region in self.kb.lexicon.place_names():
            at = r.text.find(name)
            if at < 0 or region in self.regions or region in ("外地", "境外") or (own and own == name):
                continue
            after = re.split(r"[，,。；;！!？?\n]", r.text[at + len(name) : at + len(name) + 24])[0]
            before = r.text[max(0, at - 6) : at]
            if POLICY_AFTER.search(after) and not FIRM_BEFORE.search(before):
                return region
        return None

    def _clause_units(self, refs: list[int]) -> list[tuple[str, str]]:
        out = []
        for doc in self.kb.docs.values():
            for u in doc.units:
                if u.label.startswith(("（", "第")) and clause_number(u.label) in refs:
                    out.append((doc.doc_id, u.label))
        return out

    def _tie(self, chosen: list[Target], scores: dict[str, float], r: Reading) -> bool:
        """Two targets of different documents, or two measures with different bases, too close to tell
        (unless each has its own figure: a letter asking about several measures)."""
        if len(chosen) < 2:
            return False
        a, b = chosen[0], chosen[1]
        if a.numeric and b.numeric and a.rule.base_key in r.roles and b.rule.base_key in r.roles \
                and (a.rule.base_key in r.exclusive or b.rule.base_key in r.exclusive):
            return False  # each has its own figure: a letter asking about both
        if scores[a.key] - scores[b.key] > CLOSE:
            return False
        if a.doc_id != b.doc_id:
            return True
        if a.numeric and b.numeric and a.clause != b.clause and a.rule.kind != "threshold" and b.rule.kind != "threshold":
            return a.rule.base_key != b.rule.base_key
        return False

    def _last_topic(self, earlier: list[tuple[Reading, dict[str, float]]]):
        """The topic the conversation is on after the earlier turns: "match", a list of target
        keys, or None. A turn changes it only by naming another measure in its own words."""
        topic = None
        for prev, scores in earlier:
            if "match" in prev.forms:
                topic = "match"
                continue
            own = self._own_topic(prev, scores, topic)
            if own:
                topic = own
        return topic

    def _recent_topics(self, earlier) -> list[str]:
        """The best target of each earlier turn that named one, most recent last, without repeats."""
        keys: list[str] = []
        for _prev, scores in earlier:
            chosen = self._chosen(scores)
            if chosen and chosen[0].key not in keys:
                keys.append(chosen[0].key)
        return keys[-3:]

    def _own_topic(self, r: Reading, scores: dict[str, float], topic) -> list[str] | None:
        """The targets this message is about by itself, or None when it only continues ``topic``."""
        chosen = self._chosen(scores)
        if not chosen:
            return None
        best = scores[chosen[0].key]
        keys = [t.key for t in chosen if scores[t.key] >= best - CLOSE]
        if not isinstance(topic, list) or not (r.elliptic or r.amounts or r.evidence):
            return keys
        named = any(scores.get(f"lex:{t.key}", 0) >= ALIAS for t in chosen) or bool(r.clause_refs)
        current = {t.rule.base_key for t in self.targets if t.key in topic and t.rule}
        own_base = any(t.rule and t.rule.base_key in r.exclusive and t.rule.base_key not in current for t in chosen)
        return keys if named or own_base else None

    def _tasks(self, plan: Plan, numeric: list[Target], r: Reading, earlier, scores) -> None:
        """Which rules to compute, each with its base; nothing is guessed."""
        roles = dict(r.roles)
        if plan.carried or r.elliptic or not r.amounts:
            # "那保费呢？" / facts only: an earlier figure counts only for the same base.
            for prev, _ in reversed(earlier):
                for key, value in prev.roles.items():
                    roles.setdefault(key, value)
                if not r.amounts and len(prev.unbound) == 1 and prev.unbound[0].value is not None:
                    roles.setdefault("__unbound__", prev.unbound[0].value)
                    break
        plan.roles = {k: v for k, v in roles.items() if not k.startswith("__")}
        best = scores.get(numeric[0].key, 0.0)
        picked: list[Target] = []
        for t in numeric:
            role_hit = t.rule.base_key in r.roles
            if t is numeric[0] or role_hit or (scores.get(t.key, 0) >= best - CLOSE and t.clause == numeric[0].clause
                                              and t.rule.base_key == numeric[0].rule.base_key):
                picked.append(t)
        # A letter with several figures: every base the user named gets its own rule.
        for key in sorted(r.exclusive, key=lambda k: list(r.roles).index(k)):
            if not any(t.rule.base_key == key for t in picked):
                extra = [t for t in numeric if t.rule.base_key == key]
                picked += extra[:1]
        unbound = [m.value for m in r.unbound] if r.amounts else ([roles["__unbound__"]] if "__unbound__" in roles else [])
        for t in picked:
            rule = t.rule
            key = rule.base_key or ""
            if rule.kind in EXTRA_KINDS:  # level / quantity / year / base, read with the rule's own words
                money = None
                if "base" in needs(rule):
                    money = (r.role_amounts.get(key) or [None])[0]
                    if money is None and t is picked[0] and len(unbound) == 1 and not r.bad_amounts:
                        money = unbound[0]
                    money = money if money is not None else roles.get(key)
                texts = [r.text, *(prev.text for prev, _ in reversed(earlier))]
                plan.tasks.append((rule, read_inputs(rule, texts, money)))
                continue
            if key in r.role_amounts and rule.kind != "cap_only":
                for value in dict.fromkeys(r.role_amounts[key]):  # "A项目贷款2亿，B项目贷款8亿": each
                    plan.tasks.append((rule, value))
                continue
            base = None
            if rule.kind != "cap_only" and t is picked[0] and len(unbound) > 1 and EACH.search(r.text) \
                    and len(picked) == 1 and not r.bad_amounts:
                for value in dict.fromkeys(unbound):  # "两个平台，一个1200万一个1800万，分别能补多少"
                    plan.tasks.append((rule, value))
                continue
            if rule.kind != "cap_only" and t is picked[0] and len(unbound) == 1 and not r.bad_amounts:
                base = unbound[0]  # one figure and one measure: the figure is its base
            elif rule.kind != "cap_only" and t is picked[0] and len(unbound) > 1:
                plan.follow_up.append(f"您提到了多个金额，请说明哪一个是{rule.base}。")
            if base is None:
                base = roles.get(key)  # an earlier figure for the same base
            plan.tasks.append((rule, base))
        plan.kind = "measures"


def _found(low: str, word: str) -> bool:
    if not word:
        return False
    if word.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", low) is not None
    return word in low


def _typo(low: str, alias: str) -> bool:
    """``alias`` (4+ Chinese characters) occurs in ``low`` with exactly one character replaced."""
    n = len(alias)
    if n < 4 or alias.isascii():
        return False
    return any(sum(x != y for x, y in zip(low[i : i + n], alias, strict=True)) == 1 for i in range(len(low) - n + 1))


def _cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
