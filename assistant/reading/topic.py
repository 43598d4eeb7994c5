"""The conversation's topic: which targets the earlier turns were about, and whether this turn
continues them ("那2000万呢", "国家级", "两个加起来") or names something of its own.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.reading.reader import Reading
from assistant.reading.targets import ALIAS, CLOSE, Target, TargetScorer

# "30间", "国家级", "第3年": a bare answer to what the assistant just asked for continues the topic.
ANSWER_ONLY = re.compile(r"\s*(?:[0-9０-９.,，]+|[零一二两三四五六七八九十百千万]+)\s*[^\s，,。？?]{0,4}[。.!！]?\s*"
                         r"|\s*[^\s，,。？?]{1,6}级[。.!！]?\s*|\s*第\s*\S{1,3}\s*年[。.!！]?\s*")
BOTH = re.compile(r"同时|都能|两项|两个|几项|这几|以及|叠加|一起申请|(和|跟|与|及).{1,14}(分别|各|都|哪个|区别|一样|叠加|同时)"
                  r"|both|\band\b", re.I)
TOGETHER = re.compile(r"加起来|一共|合计|总共|两个|两项|都算|altogether|in total|both", re.I)
EACH = re.compile(r"分别|各自|各能|各是|各多少|各为|每个|每一个|each|respectively", re.I)


class ConversationTopic:
    """Follows what a conversation is about, turn by turn, with the scorer's choices."""

    def __init__(self, scorer: TargetScorer):
        self.scorer = scorer
        self.targets = scorer.targets

    def last(self, earlier: list[tuple[Reading, dict[str, float]]]):
        """The topic the conversation is on after the earlier turns: "match", a list of target
        keys, or None. A turn changes it only by naming another measure in its own words."""
        topic = None
        for prev, scores in earlier:
            if "match" in prev.forms:
                topic = "match"
                continue
            own = self.own(prev, scores, topic)
            if own:
                topic = own
        return topic

    def recent(self, earlier) -> list[str]:
        """The best target of each earlier turn that named one, most recent last, without repeats."""
        keys: list[str] = []
        for _prev, scores in earlier:
            chosen = self.scorer.chosen(scores)
            if chosen and chosen[0].key not in keys:
                keys.append(chosen[0].key)
        return keys[-3:]

    def own(self, r: Reading, scores: dict[str, float], topic) -> list[str] | None:
        """The targets this message is about by itself, or None when it only continues ``topic``."""
        chosen = self.scorer.chosen(scores)
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

    def items_of(self, reading: Reading, scores: dict[str, float]) -> list[tuple[Target, Decimal]]:
        """The measures a message listed, each with its own figure, in the order written: by the base
        the figure's words name, else the measure named just before it, else the message's measure."""
        chosen = [t for t in self.scorer.chosen(scores) if t.numeric and t.rule.kind != "threshold"]
        out: list[tuple[Target, Decimal]] = []
        since = 0
        for m, keys in reading.items:
            named = [t for t in self.targets if t.numeric and t.rule.kind != "threshold" and t.rule.base_key in (keys or ())]
            target = max(named, key=lambda t: scores.get(t.key, 0.0)) if named else None
            target = target or self.named_before(reading.text[since : m.start])
            target = target or (out[-1][0] if out else None) or (chosen[0] if chosen else None)  # "the other 40 million"
            since = m.end
            if target is not None and m.value is not None:
                out.append((target, m.value))
        return out

    def pick(self, earlier: list[tuple[Reading, dict[str, float]]], ordinal: int) -> tuple[Target, Decimal] | None:
        """Item ``ordinal`` of the latest earlier message that listed several ("第二个呢？"); else of the
        measures the earlier messages asked about one after the other ("前面那个" after two questions)."""
        for prev, scores in reversed(earlier):
            items = self.items_of(prev, scores)
            if len(items) < 2:  # "研发补助和设备补贴分别怎么补？": the measures it names, in its order
                items = [(t, None) for t in self.named_in_order(prev.text)]
            if len(items) >= 2:
                return items[ordinal] if -len(items) <= ordinal < len(items) else None
        asked: dict[str, tuple[Target, Decimal]] = {}
        for prev, scores in earlier:
            for target, value in self.items_of(prev, scores)[:1]:
                asked.pop(target.key, None)  # asked again: its place is the latest
                asked[target.key] = (target, value)
        order = list(asked.values())
        if len(order) >= 2:
            return order[ordinal] if -len(order) <= ordinal < len(order) else None
        return None

    def named_in_order(self, text: str) -> list[Target]:
        """The measures ``text`` names by an alias, in the order it names them (each once)."""
        low, at = text.lower(), {}
        for t in self.targets:
            if not t.numeric or t.rule.kind == "threshold":
                continue
            spots = [low.find(a.lower()) for a in t.aliases if a and a.lower() in low]
            if spots:
                at[t.key] = (min(spots), t)
        return [t for _, t in sorted(at.values(), key=lambda x: x[0])]

    def named_before(self, segment: str) -> Target | None:
        low, best = segment.lower(), None
        for t in self.targets:
            if not t.numeric or t.rule.kind == "threshold":
                continue
            for alias in t.aliases:
                at = low.rfind(alias.lower())
                if at >= 0 and (best is None or at + len(alias) > best[0]):
                    best = (at + len(alias), t)
        return best[1] if best else None


# "那设备补贴同样的金额呢": the figure said before, now for the measure this message names
SAME_FIGURE = re.compile(r"(?:同样|一样|相同|同一)的?(?:金额|数额|投资|投入|钱|数|额度)|(?:the )?same (?:amount|figure|sum|investment)", re.I)


def carried_roles(r, earlier, numeric, *, carried: bool) -> dict:
    """The figures of this message by base, with those of earlier messages a follow-up carries ("那保费呢？", facts
    only): an earlier figure counts only for the same base, not for what the message names as no base of it
    (流动资金贷款); one lone earlier figure stays a lone figure ("__unbound__"), as does the earlier figure a
    message asks about again for another measure ("同样的金额").
    """
    roles = dict(r.roles)
    if not (carried or r.elliptic or not r.amounts):
        return roles
    denied = {t.rule.base_key for t in numeric if any(w in r.text for w in t.rule.not_base_terms)}
    for prev, _ in reversed(earlier):
        if not r.amounts and SAME_FIGURE.search(r.text) and len(set(prev.roles.values())) == 1 and not prev.unbound:
            roles.setdefault("__unbound__", next(iter(prev.roles.values())))
        for key, value in ((k, v) for k, v in prev.roles.items() if k not in denied):
            roles.setdefault(key, value)
        if not r.amounts and len(prev.unbound) == 1 and prev.unbound[0].value is not None:
            roles.setdefault("__unbound__", prev.unbound[0].value)
            break
    return roles
