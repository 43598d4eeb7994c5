"""Route a question (with its history) to a Plan: what kind of answer, which rules, what is missing.

The targets are scored by ``targets``, the conversation followed by ``topic``, scope judged by ``scope``; this
module decides the Plan's kind and which rules to compute with which base. A question about one document's measure
lands on that document's rule; when two targets are close, the plan asks which one is meant. Amounts are tied to the
base they are (``reader.Reader``); an amount tied to another base never becomes this rule's base.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from assistant.knowledge.base import Knowledge
from assistant.knowledge.kinds import EXTRA_KINDS, needs
from assistant.knowledge.types import Facts
from assistant.reading import awards
from assistant.reading.awards import grade_by_count, levels_granted, levels_joined, once_each, one_of_siblings, upgrade
from assistant.reading.elsewhere import quote_unexpressed
from assistant.reading.facts import merge_facts
from assistant.reading.items import (
    _items,
    _parallel,
    asked_one,
    changed,
    localized,
    other_bases,
    own_base_said,
    times,
    unlisted,
)
from assistant.reading.places import Places
from assistant.reading.plan import Plan
from assistant.reading.quantities import named_inputs, read_inputs, read_levels
from assistant.reading.reader import Reader, Reading, clause_number, foreign_message
from assistant.reading.scope import ScopeJudge
from assistant.reading.targets import ALIAS, CLOSE, DOC, HINT, SUBJECT, Target, TargetScorer, _found, typo_of
from assistant.reading.topic import ANSWER_ONLY, BOTH, EACH, TOGETHER, ConversationTopic, carried_roles
from assistant.text.normalize import normalize_question

WHOLE_DOCUMENT = ("procedure", "scope", "validity", "overview", "meta")  # kinds answered from one whole document


class Router:
    """Reads and routes questions for one Knowledge (see ``targets.TargetScorer`` for ``embed`` and ``search``)."""

    def __init__(self, kb: Knowledge, embed: Callable[[list[str]], list[list[float]]] | None = None,
                 search: Callable[[str, int], list] | None = None, vector_cache: Path | None = None,
                 doc_scores: Callable[[str], dict[str, float]] | None = None):
        self.kb = kb
        self.reader = Reader(kb.rules, _corpus_subjects(kb))
        self.scorer = TargetScorer(kb, embed, search, vector_cache, doc_scores)
        self.targets = self.scorer.targets
        self.topic = ConversationTopic(self.scorer)
        self.scope = ScopeJudge(kb, self.targets)
        self.places = Places(kb)
        self._cache: dict[str, tuple[Reading, dict[str, float]]] = {}
        self._own_keys = {x.base_key: x.doc_id for x in kb.rules if x.base_key == re.sub(r"\W", "_", x.id)}  # own bases

    # ------------------------------------------------------------------ one message

    def read(self, text: str) -> Reading:
        return self._scored(text)[0]

    def _scored(self, text: str) -> tuple[Reading, dict[str, float]]:
        text = normalize_question(text)
        hit = self._cache.get(text)
        if hit is None:
            reading = self.reader.read(text)
            hit = (reading, self.scorer.score(reading, self.places.allowed([text])))
            if len(self._cache) >= 512:
                self._cache.pop(next(iter(self._cache)))
            self._cache[text] = hit
        return copy.deepcopy(hit)

    # ------------------------------------------------------------------ the turn

    def read_turn(self, text: str, history: list[dict] | None = None) -> Plan:
        return self.route(text, history)

    def route(self, text: str, history: list[dict] | None = None) -> Plan:
        asked = [m.get("content", "") for m in history or [] if m.get("role") == "user"]
        again = self.places.asked_again(normalize_question(text), normalize_question(asked[-1])) if asked else None
        plan = self._route(again or text, history)  # "那北京的呢": the question before, of the place named now
        if plan.kind in WHOLE_DOCUMENT and not plan.tasks and not plan.candidates:
            # "去哪里申报", "有效期多久": of the document of the measure asked about, else the one its words are about
            owners = {d for d, _ in plan.clauses}
            lead = owners.pop() if len(owners) == 1 else None if owners else self.scorer.lead_document(plan.text, plan.docs)
            if lead is not None and len(self.kb.docs) > 1:
                plan.docs = {lead}
        if plan.kind == "measures" and len({r.doc_id for r, _ in plan.tasks}) > 1:
            once_each(plan)
        return plan

    def _route(self, text: str, history: list[dict] | None = None) -> Plan:
        reading, scores = self._scored(text)
        text = reading.text  # normalised once, in _scored: Traditional and full-width forms as their plain forms
        earlier = [self._scored(m.get("content", "")) for m in history or [] if m.get("role") == "user"]
        plan = Plan(text=text, lang=reading.lang, scores=scores, claims=reading.claims,
                    bad_amounts=list(reading.bad_amounts), yes_no="yes_no" in reading.forms,
                    asks_figure="figure" in reading.forms, draft="draft" in reading.forms)
        facts, evidence = Facts(), []
        for prev, _ in earlier:
            facts = merge_facts(facts, prev.facts, self.kb.lexicon)
            evidence += prev.evidence
        plan.facts = merge_facts(facts, reading.facts, self.kb.lexicon)
        plan.evidence = evidence + reading.evidence
        plan.amounts = list(reading.amounts)
        plan.roles = dict(reading.roles)

        # the places named (this message's, else the conversation's) narrow the documents answered from
        plan.docs = self.places.allowed([text, *(prev.text for prev, _ in reversed(earlier))], plan.facts.registered_in)
        if plan.docs is None and len(self.kb.docs) > 1 and not earlier:
            # no place named: a question clearly about one document's subject ("养老院…贴息") is answered from it
            lead = self.scorer.lead_document(text, lead=SUBJECT)
            plan.docs = {lead} if lead else None
        if plan.docs is not None:
            scores = {k: v for k, v in scores.items() if self.scorer.doc_of.get(_bare(k), "") in plan.docs}
            plan.scores = scores
        chosen = self.scorer.by_role(self.scorer.chosen(scores), scores)
        forms = reading.forms
        last_topic = self.topic.last(earlier)
        # no words of its own (no measure, no figure, no word of the corpus): "能补多少？上限是多少？" after a measure
        bare = not reading.amounts and not any(k.startswith("lex:") and v >= HINT for k, v in scores.items()) \
            and len(text) <= 24 and self.scope.corpus_words(text) < 1 and AWARD_ASK.search(text) is not None
        follow_on = isinstance(last_topic, list) and (reading.elliptic or ((bare or len(text) <= 10) and forms & {"figure", "yes_no"})
                                                      or bool(ANSWER_ONLY.fullmatch(text)))
        if reading.ordinal is not None and earlier:  # "第二个呢？": an item an earlier message listed
            item = self.topic.pick(earlier, reading.ordinal)
            if item and item[0].rule.kind not in EXTRA_KINDS:
                # "前面那个如果投资变成3500万呢": the item picked, with the one new figure if the message gives one
                base = reading.amounts[0].value if len(reading.amounts) == 1 else item[1]
                plan.kind, plan.carried, plan.tasks = "measures", True, [(item[0].rule, base)]
                return plan
        # What kind of question is this, before which measure: the text itself, then the rest.
        if not follow_on and self.scope.out_of_scope(reading, scores, chosen, plan):
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
        if chosen and "validity" in forms and not reading.amounts and scores.get(f"lex:{chosen[0].key}", 0.0) < ALIAS:
            chosen = []  # "Is the new-infrastructure measure still valid?": the policy's validity, no measure named
        together = self.topic.recent(earlier) if (EACH.search(text) or BOTH.search(text) or TOGETHER.search(text)) \
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
                and not (forms & {"overview", "scope", "validity"} and not (reading.amounts or reading.facts.date or reading.evidence)) \
                and self.topic.own(reading, scores, last_topic) is None:
            chosen = [t for t in self.targets if t.key in last_topic]
            plan.carried = True
        numeric = [t for t in chosen if t.numeric]
        # each measure the question names in its own words, of a document its words are about
        named = sorted((t for t in self.targets if t.numeric and scores.get(f"lex:{t.key}", 0) >= HINT
                        and scores.get(t.key, 0) >= scores[f"lex:{t.key}"] - DOC / 2),
                       key=lambda t: -scores[t.key])
        if numeric and len(named) > 1 and not reading.amounts and (EACH.search(text) or BOTH.search(text)) \
                and not levels_joined(named[:3], text):  # "同时被评为省级和市级": two levels of one award, not two measures
            # "平台补贴和保费补贴的比例分别是多少": each measure the question names, side by side
            plan.kind, plan.tasks = "measures", [(t.rule, named_inputs(t.rule, t.aliases, text) if t.rule.kind in EXTRA_KINDS
                                                  else None) for t in named[:3]]
            return plan
        if chosen and self.scorer.tie(chosen, scores, reading) and not plan.carried:
            plan.kind, plan.candidates = "clarify", chosen[:3]
            return plan
        if numeric:
            plan.read_as = self._read_as(text, numeric[0])
            self._tasks(plan, numeric, localized(reading, numeric[0].doc_id, self.reader.words.docs), earlier, scores)
            quote_unexpressed(self.kb, plan, text)  # a provision no rule expresses is quoted, not computed with another
            if plan.tasks or plan.kind == "clarify":
                return plan
        if chosen and not numeric:
            unit = self.kb.docs[chosen[0].doc_id].unit(chosen[0].clause)
            if unit.kind == "scope" or plan.yes_no:
                plan.kind = "scope"  # who is covered: quote the scope and check the firm against it
                return plan
            plan.kind, plan.clauses = "passages", [(chosen[0].doc_id, chosen[0].clause)]
            return plan
        lead = reading.attributes and self.scorer.lead_document(text, plan.docs)  # its text, when one document is asked
        if "validity" in forms:
            plan.kind = "validity"
        elif "scope" in forms or (plan.yes_no and not reading.amounts) or (
                not reading.amounts and not chosen and "overview" not in forms
                and any(e.fact in ("registered_in", "not_registered_in", "industry", "applicant") for e in reading.evidence)):
            # "我们是做工业软件的，注册在海淀": who the firm is, checked against who the policy supports
            plan.kind = "scope"
        elif "overview" in forms:
            plan.kind = "overview"
        elif not chosen and (reading.amounts or (reading.attributes and plan.asks_figure and not lead)):  # "营收5个亿，能补多少"
            plan.kind = "clarify"  # the measures of the documents the question can be about, the likeliest first
            plan.candidates = sorted((t for t in self.targets if t.numeric and t.rule.kind != "threshold"
                                      and (plan.docs is None or t.doc_id in plan.docs)),
                                     key=lambda t: -scores.get(t.key, 0.0))[:6 if plan.docs or len(self.kb.docs) > 1 else None]
        elif not chosen and self.scope.about_policy(text) and self.scope.corpus_words(text) < 1:
            plan.kind = "overview"  # "我想咨询一下这个政策的补贴": nothing specific asked, so the measures
        else:
            plan.kind = "passages"
        return plan

    def _owner(self, text: str, m, picked: list, target):
        """The measure among ``picked`` named in the figure's own clause before it (None when ``target`` is
        named there too, or nothing is)."""
        start = max(text.rfind(p, 0, m.start) for p in "，,。；;！!？?\n") + 1
        segment, low = text[start : m.start].lower(), text.lower()
        aliases = [a.lower() for a in target.aliases]
        # only a measure the message names elsewhere in its own words gives its figure away
        if len(picked) < 2 or any(a in segment for a in aliases) or not any(a in low for a in aliases):
            return None
        named = self.topic.named_before(segment)
        return next((t for t in picked if named is not None and t.key == named.key), None)

    def _clause_units(self, refs: list[int]) -> list[tuple[str, str]]:
        out = []
        for doc in self.kb.docs.values():
            for u in doc.units:
                if u.label.startswith(("（", "第")) and clause_number(u.label) in refs:
                    out.append((doc.doc_id, u.label))
        return out

    def _tasks(self, plan: Plan, numeric: list[Target], r: Reading, earlier, scores) -> None:
        """Which rules to compute, each with its base; nothing is guessed."""
        numeric = grade_by_count(plan, numeric, r)
        if not numeric:
            return
        roles = carried_roles(r, earlier, numeric, carried=bool(plan.carried))
        changed(r, roles, plan)  # "再加400万投资呢", "那翻一倍呢": the earlier base changed, shown as such
        plan.roles = {k: v for k, v in roles.items() if not k.startswith("__")}
        listed: dict[str, list] = {}  # "分别能补多少" after a message that gave several figures of one base
        for prev, _ in ([] if r.amounts else reversed(earlier)):
            for key, values in prev.role_amounts.items():
                listed.setdefault(key, values)
        best = scores.get(numeric[0].key, 0.0)
        picked: list[Target] = []
        for t in numeric:
            # a figure of a shared base (投资额) picks another measure only when the question also names it or its
            # base in full ("设备购置投资1000万"): "智能工厂…投资额4000万" is no 功能平台's 平台投资额
            role = scores.get(f"role:{t.key}", 0.0)
            role_hit = t.rule.base_key in r.roles and (role >= ALIAS or scores.get(f"lex:{t.key}", 0.0) - role >= HINT
                                                       or own_base_said(t, r.text, numeric, scores))
            if t is numeric[0] or role_hit or (scores.get(t.key, 0) >= best - CLOSE and t.clause == numeric[0].clause
                                              and t.rule.base_key == numeric[0].rule.base_key):
                picked.append(t)
        picked = one_of_siblings(asked_one(r, picked), r, plan, self.kb)
        if not picked:
            return
        picked += other_bases(r, picked, numeric, scores)  # a letter with several figures: each base named, its rule
        unbound = [m.value for m in r.unbound] if r.amounts else ([roles["__unbound__"]] if "__unbound__" in roles else [])
        # a figure tied only to the own base of a measure of a document not asked about ("房租14万" by another
        # text's 房租补贴) is tied to nothing here: as any lone figure, it may be the base, and the answer says so
        asked = {t.doc_id for t in picked}
        unbound += [v for k, v in r.roles.items() if self._own_keys.get(k, "") not in ("", *asked) and v not in unbound]
        for t in picked:
            rule = t.rule
            key = rule.base_key or ""
            if rule.kind in EXTRA_KINDS:  # level / quantity / year / base, read with the rule's own words
                money = None
                if "base" in needs(rule) and rule.currency:
                    # bands in a foreign currency: the one amount given in it, compared in it, never converted
                    given = list(dict.fromkeys(m.value for m in r.foreign if rule.currency in m.text))
                    if len(given) == 1:
                        money = given[0]
                        plan.bad_amounts = [b for b in plan.bad_amounts
                                            if b not in {foreign_message(m) for m in r.foreign if m.value == money}]
                elif "base" in needs(rule):
                    said = r.role_amounts.get(key) or []
                    if len(set(said)) > 1:  # several figures of its base: each item of a list, else ask which one
                        if unlisted(r.text, [m for m, keys in r.items if key in (keys or ())], said):
                            plan.follow_up.append(f"您提到了多个金额，请说明哪一个是{rule.base}。")
                            said, unbound, roles = [], [], {k: v for k, v in roles.items() if k != key}
                        else:
                            texts = [r.text, *(prev.text for prev, _ in reversed(earlier))]
                            plan.tasks += [(rule, read_inputs(rule, texts, v)) for v in _items(said, r.text)]
                            continue
                    money = (said or [None])[0]
                    if money is None and t is picked[0] and len(unbound) == 1 and not r.bad_amounts:
                        money = unbound[0]
                    money = money if money is not None else roles.get(key)
                texts = [r.text, *(prev.text for prev, _ in reversed(earlier))]
                inputs = read_inputs(rule, texts, money)
                levels = read_levels(rule, r.text) if "level" in needs(rule) and inputs.level is None else []
                if len(levels) > 1 and (pair := upgrade(self.kb, rule, levels, r.text)):
                    plan.tasks.append((rule, dataclasses.replace(inputs, level=pair[0], held=pair[1])))  # 差额补助
                    continue
                granted = awards.counted_levels(rule, r.text) or {  # "2个博士、3个硕士": each one's persons
                    lv: inputs.quantity for lv in (levels_granted(self.kb, rule, levels) if len(levels) > 1 else [])}  # 省级和市级
                plan.tasks += [(rule, dataclasses.replace(inputs, level=lv, quantity=n)) for lv, n in granted.items()]
                if not granted and not (len(levels) > 1 and plan.tasks):
                    plan.tasks += [(rule, inputs)] * times(r, money)  # "2名院士，每人150万": once for each
                continue
            if key in r.role_amounts and rule.kind != "cap_only":
                # a figure whose own clause names another of the measures asked about is that measure's
                # ("A项目投资额1,800万元；…B措施的保费260万元": the 1,800万 is A's, not B's 项目投资额)
                keyed = [m for m, keys in r.items if key in (keys or ())]
                values = [m.value for m in keyed if self._owner(r.text, m, picked, t) in (None, t)] if keyed \
                    else r.role_amounts[key]
                if EACH.search(r.text) and len(picked) == 1 and not r.bad_amounts:
                    # "一个投资1800万，另一个4500万，分别…": the unnamed figures of the list are of the same base
                    values = [m.value for m, keys in r.items if (keys is None and _parallel(r.text, m)) or key in (keys or ())]
                if key in r.another:  # "再加一笔保费800万呢，总共能补多少": the earlier item is still one of them
                    said = next((prev.roles[key] for prev, _ in reversed(earlier) if key in prev.roles), None)
                    values = [said, *values] if said is not None else values
                if unlisted(r.text, keyed, values) and t is picked[0]:  # "保费合计3260万，全年总保费15亿": which?
                    plan.follow_up.append(f"您提到了多个金额，请说明哪一个是{rule.base}。")
                    plan.tasks.append((rule, None))
                    continue
                for value in _items(values, r.text):  # "A项目贷款2亿，B项目贷款8亿": each
                    plan.tasks.append((rule, value))
                continue
            if len(listed.get(key, ())) > 1 and rule.kind != "cap_only":
                for value in dict.fromkeys(listed[key]):
                    plan.tasks.append((rule, value))
                continue
            base = None
            if rule.kind != "cap_only" and t is picked[0] and len(unbound) > 1 and EACH.search(r.text) \
                    and len(picked) == 1 and not r.bad_amounts:
                for value in _items(unbound, r.text):  # "两个平台，一个1200万一个1800万，分别能补多少"
                    plan.tasks.append((rule, value))
                continue
            # another figure of the message is tied to a base of its own: the lone figure may be either, so ask
            rival = r.amounts and any(k != key and v not in unbound for k, v in r.roles.items()) \
                and not any(p.rule.base_key in r.roles for p in picked)
            if rule.kind != "cap_only" and t is picked[0] and len(unbound) == 1 and not r.bad_amounts and not rival \
                    and not (r.bought and not OUTLAY_BASE.search(rule.base or "")):  # a price paid is no premium or loan
                base = unbound[0]  # one figure and one measure: the figure is its base, and the answer says so
                plan.assumed[rule.id] = base
            elif rule.kind != "cap_only" and t is picked[0] and (len(unbound) > 1 or (unbound and rival)):
                plan.follow_up.append(f"您提到了多个金额，请说明哪一个是{rule.base}。")
            if base is None:
                base = roles.get(key)  # an earlier figure for the same base
            plan.tasks.append((rule, base))
        plan.kind = "measures"

    def _read_as(self, text: str, target: Target) -> tuple[str, str] | None:
        """When the measure was recognised only through one mistyped character: (the typed words, the alias)."""
        low = text.lower()
        if any(_found(low, a.lower()) for a in target.aliases):
            return None
        for alias in target.aliases:
            typed = typo_of(low, alias)
            if typed and not self.scorer.own_word(target, typed):
                return typed, alias
        return None


def _corpus_subjects(kb: Knowledge):
    """The lexicon without the subject words a measure of the corpus itself uses: with a document that
    supports graduates' 社保 or a 个人 inventor, 社保 and 个人 are no longer subjects no policy here covers."""
    # the documents with rules or topics only: the others are read lazily and stay unread at start-up
    owners = {r.doc_id for r in kb.rules} | {t.doc_id for t in kb.rules.topics}
    measures = [u.text.lower() for d in kb.docs.values() if d.doc_id in owners for u in d.units if u.kind == "measure"]
    subjects = {kind: tuple(w for w in words if not any(w.lower() in t for t in measures))
                for kind, words in kb.lexicon.subjects.items()}
    return dataclasses.replace(kb.lexicon, subjects=subjects)


def _bare(key: str) -> str:
    """A score's target key without its signal prefix ("lex:", "sem:")."""
    return key.split(":", 1)[1] if key.startswith(("lex:", "sem:", "role:")) else key


# asks about the award itself (not "限行尾号是多少"): what a message with no words of its own asks of the measure before
AWARD_ASK = re.compile(r"补|拿|奖|贴|上限|封顶|最多|最高|申请|享受|how much|\bcap\b|maximum", re.I)


OUTLAY_BASE = re.compile(r"投资|投入|购置|采购|购买|费用|支出|价款|金额")  # bases a price paid for goods can be
