"""The words that say what a figure of a message is: the base of a measure (a rule book's base terms, a measure's own
机器人购置额 and its head 购置额), a figure that is never a base (注册资本, 营业收入), a change of a figure (比前年多了),
and the items and totals of a list (一期600万、二期700万，两期总投资1300万).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from assistant.knowledge.rules import RuleBook
from assistant.text.amounts import Mention
from assistant.text.lexicon import Lexicon
from assistant.text.numerals import int_value

SUM_SAID = re.compile(r"合计|共计|总计|一共|总共|加起来|加在一起")  # words that say a sum in a message
TOTAL_BEFORE = re.compile(r"(合计|共计|总计|一共|总共|合共|累计|加起来|加在一起|total(?:ling)?|in total|altogether)\s*[为是:：]?\s*(?:约|大约|about)?\s*$", re.I)
AWARD_NAMED = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:补贴|补助|奖励|资助|贴息)")
PER_WORD = re.compile(r"^(?:单个|每个|每家|每一个|每)|的$")
ITEM_GAP = re.compile(r"[^。？?！!]{0,30}")  # what may stand between two items of one list
# "营业收入1.2亿，比前年多了1500万", "研发费用比上年增加了450万", "又追加了400万", "再加400万", "差一万": a change of a figure
# (or the gap to a bar), not the figure
CHANGE_BEFORE = re.compile(r"(?:比[^，,。；;！!？?\n\d]{0,12}?)?(?:多了|多出了?|增加了?|增长了?|提高了?|上涨了?|追加了?|追投了?|(?:再|又|另|还)加(?:了|上)?|(?<![参增追])加了|增量(?:为|是|有)?|(?:还|只|就)?差(?:了)?)\s*[¥￥]?\s*$")
CHANGE_BASE = ("增量", "增加额", "增长额", "新增额")  # a base that is itself a change


class BaseWords:
    """The cue table of one rule book and lexicon: each word, longest first, with the bases it names."""

    def __init__(self, rules: RuleBook, lexicon: Lexicon):
        cues: dict[str, set[str]] = {}
        bare: dict[str, list] = {}  # a base said without its 额, with the rules whose base it is
        self.docs: dict[str, set[str]] = {}  # each base word -> the documents whose rules use it
        self.last_term: str | None = None  # the word the last call of ``role`` tied its amount by
        for r in rules:
            for term in (*r.base_terms, *([r.base] if r.base else [])):
                term = re.sub(r"[（(][^）)]*[）)]", "", term or "")  # 留成部分（不含…）: what the base is, without what it leaves out
                if r.base_key and term:
                    self._add(cues, term, r)
                    total = re.sub(r"(?<=[\u4e00-\u9fff]{2})(投资|投入)", r"总\1", term, count=1)
                    if total != term:  # 设备购置总投资: the measure's own investment, said as a total
                        self._add(cues, total, r)
                    if r.base_key == re.sub(r"\W", "_", r.id):
                        # a base of its own ("项目研发投入", "机器人购置额") is also named by its head words
                        # ("研发投入2500万", "购置额480万")
                        for head in _heads(term):
                            self._add(cues, head, r)
                        for short in _without_e([term, *_heads(term)]):
                            bare.setdefault(short.lower(), []).append(r)
                    else:  # a shared base is said without its qualifier and its 额 when what is left still names it
                        for short in _stripped(term):  # 项目固定资产投资额 → 固定资产投资
                            self._add(cues, short, r)
        for short, owners in bare.items():  # only where no word of a base already says it (软件投资 of 软件投资额度)
            if short not in cues:
                for owner in owners:
                    self._add(cues, short, owner)
        # Words for figures that are never a base (注册资本, 流动资金贷款) tie an amount to nothing.
        own = {t.lower() for r in rules if r.base_key == re.sub(r"\W", "_", r.id) for t in (*r.base_terms, r.base or "") if t}
        for term in lexicon.not_bases:  # 营业收入 is no base, except of a measure paid on it (按营业收入的0.1%)
            if term.lower() not in own:
                cues[term.lower()] = set()
        for term in (t for r in rules for t in r.not_base_terms):
            cues[term.lower()] = set()
        # What one award is capped per (单个项目, 每个平台): several of them listed are separate, each its own base.
        self.units = sorted({u for r in rules for u in [PER_WORD.sub("", r.cap_per or "")] if 1 < len(u) <= 4 and u != "企业"})
        # A word shared by several bases ("项目投资额") ties an amount to all of them; the measure
        # named in the question then decides.
        self.cues = sorted(((t, frozenset(k)) for t, k in cues.items()), key=lambda kv: -len(kv[0]))

    def _add(self, cues: dict[str, set[str]], term: str, rule) -> None:
        cues.setdefault(term.lower(), set()).add(rule.base_key)
        self.docs.setdefault(term.lower(), set()).add(rule.doc_id)

    def totals(self, text: str, mentions: list[Mention]) -> tuple[set[int], dict[int, frozenset[str] | None]]:
        """Itemised lists closed by a total: the items (by id), never computed on their own, and each
        total's base, by the words that head the list ("设备投资情况：主机…合计…")."""
        money = [m for m in mentions if m.kind == "amount" and m.value is not None]
        items: set[int] = set()
        totals: dict[int, frozenset[str] | None] = {}
        for i, t in enumerate(money):
            if not TOTAL_BEFORE.search(text[max(0, t.start - 10) : t.start]):
                continue
            listed: list[Mention] = []
            nxt = t
            for p in reversed(money[:i]):
                if id(p) in items or id(p) in totals or not ITEM_GAP.fullmatch(text[p.end : nxt.start]):
                    break
                if p.value == t.value:  # the figure the list explains, restated: "总投资2,000万（…合计2000万）"
                    totals[id(t)] = self.role(text, p)
                    break
                listed.append(p)
                nxt = p
            if len(listed) < 2:
                continue
            if self.separate(text, listed[-1].start):
                items.add(id(t))  # "两个平台，分别为1000万和200万，共计1200万": each its own base, the sum none
                continue
            items.update(id(p) for p in listed)
            if id(t) not in totals:
                first = listed[-1]
                sentence = max(text.rfind(c, 0, first.start) for c in "。？?！!") + 1
                head = text[sentence : first.start]
                label = max(head.rfind(c) for c in "\n：:，,、；;（(")
                keys = self.last_cue(head[: max(label, 0)].lower(), non_base=False)
                totals[id(t)] = keys if keys is not None else self.role(text, t)
        self._sums(text, money, items, totals)
        return items, totals

    def _sums(self, text: str, money: list[Mention], items: set[int], totals: dict) -> None:
        """A figure that is the sum of the two or more figures right before it in its sentence ("一期600万、二期
        700万，两期总投资1300万") is their total, said without 合计: the items are not computed on their own."""
        for i, t in enumerate(money):
            if id(t) in items or id(t) in totals:
                continue
            total, listed = Decimal(0), []
            for p in reversed(money[:i]):
                if id(p) in items or id(p) in totals or not ITEM_GAP.fullmatch(text[p.end : (listed[-1] if listed else t).start]):
                    break
                total += p.value
                listed.append(p)
                if total >= t.value:
                    break
            if len(listed) >= 2 and total == t.value and not _counted(text, len(listed) + 1):
                if self.separate(text, listed[-1].start):
                    items.add(id(t))
                    continue
                items.update(id(p) for p in listed)
                totals[id(t)] = self.role(text, t)

    def separate(self, text: str, first: int) -> bool:
        """Whether the figures of a list starting at ``first`` are of separate units an award is capped per: the
        sentence counts them ("两个在库项目", "建了两个平台") or says each has its own ("分别为", "各")."""
        head = text[max(text.rfind(c, 0, first) for c in "。？?！!\n") + 1 : first]
        if re.search(r"分别|各自|各[为是投]", head):
            return True
        if len(SUM_SAID.findall(text)) == 1 \
                and re.search(r"分别|各自|各能|各可|各是多少|各多少|respectively|\beach\b", text, re.I):
            return True  # …合计6400万，分别能补多少: each item of the one list is asked about
        return any(re.search(rf"(?:两|二|三|四|五|[2-9])\s*[个家项座][^，。；,\d]{{0,10}}?{re.escape(u)}", head) for u in self.units)

    def joint(self, text: str, m: Mention) -> bool:
        """A total of several units said without their own figures (两个项目加起来投资4000万; 研发和中试都做了，两个
        总共花了3000万): no one unit's base, so none is computed."""
        sentence = text[max(text.rfind(c, 0, m.start) for c in "。？?！!\n") + 1 : m.start]
        if not re.search(rf"(?:{SUM_SAID.pattern})[^，,。；;\d]{{0,6}}$", sentence):
            return False
        return re.search(r"[两二三四五2-5]\s*[个项座]", sentence) is not None

    def role(self, text: str, m: Mention) -> frozenset[str] | None:
        """The base an amount is, by the nearest base word before it in its own clause, else by the
        words right after it ("1200万的设备投资", "80万的区级奖励"), else by a base word of an
        earlier clause of the same sentence. An empty set: a figure that is never a base."""
        self.last_term = None
        start = m.start
        cut = max(max(text.rfind(p, 0, start) for p in "。；;！!？?\n"), text.rfind(". ", 0, start))  # English ends at ". "
        reach = 40 if text[max(0, start - 40) : start].isascii() else 16  # English base words are longer
        window = text[max(cut + 1, start - reach) : start].lower()
        comma = max(window.rfind(p) for p in "，,、：:")
        own = self.last_cue(window[comma + 1 :], non_base=True)
        part = re.search(r"其中(.*)$", window[comma + 1 :])
        if own == frozenset() and part and len(re.sub(r"[^\u4e00-\u9fff]|[是为约有的了]", "", part[1])) >= 2:
            return None  # "其中新能源部分的建设投资9200万": a part named by words of its own, not a source of funds
        if own is not None:
            return own
        after = re.split(r"[，,。；;！!？?\n（(]", text[m.end : m.end + 12].lower())[0]
        for term, key in self.cues:
            # a base word right after the amount; a never-a-base word after a few modifiers (的区级)
            gap = r"(的|of|in)?" if key else r"[^0-9a-z]{0,5}?"
            if re.match(rf"^\s*{gap}\s*{re.escape(term)}", after):
                self.last_term = term
                return key
        # else a base word of an earlier clause of the sentence; a never-a-base word too when the figure's own
        # clause has no words of its own ("我们是流动资金贷款，5000万", not "…租金80万，投资额950万")
        bare = not re.search(r"[\u4e00-\u9fffA-Za-z]{2,}", window[comma + 1 :])
        if not bare:  # "想申请保费补贴，采购设备花了600万": a measure's name earlier is no label of the figure
            window = AWARD_NAMED.sub(lambda x: " " * len(x[0]), window[: comma + 1]) + window[comma + 1 :]
        return self.last_cue(window, non_base=bare)

    def added(self, text: str, m: Mention) -> bool:
        """An amount added to a base figure ("再加400万投资", "又追加了400万"), not the change of a figure that
        is never a base (营业收入比前年多了1500万)."""
        if not CHANGE_BEFORE.search(text[max(0, m.start - 16) : m.start]):
            return False
        sentence = text[max(text.rfind(p, 0, m.start) for p in "。；;！!？?\n") + 1 : m.start].lower()
        return self.last_cue(sentence, non_base=True) != frozenset()

    def change(self, text: str, m: Mention) -> frozenset[str] | None:
        """A change of a figure (比…多了, 增加了): the base of a measure paid on an increase (上一年度增量), or
        no base at all; None when the amount is no change."""
        if not CHANGE_BEFORE.search(text[max(0, m.start - 16) : m.start]):
            return None
        sentence = text[max(text.rfind(p, 0, m.start) for p in "。；;！!？?\n") + 1 : m.start].lower()
        if self.last_cue(sentence, non_base=True) == frozenset():
            return frozenset()  # the change of a figure that is never a base (营业收入比前年多了1500万)
        return frozenset(k for term, keys in self.cues if any(w in term for w in CHANGE_BASE) for k in keys)

    def last_cue(self, part: str, *, non_base: bool) -> frozenset[str] | None:
        """The keys of the cue that ends nearest the end of ``part`` (never-a-base cues only if ``non_base``)."""
        best = None
        for term, key in self.cues:
            at = part.rfind(term)
            if at >= 0 and (key or non_base) and (best is None or at + len(term) > best[0]) and _begins_word(part, at):
                best = (at + len(term), key, term)
        self.last_term = best[2] if best else None
        return best[1] if best else None


def _begins_word(text: str, at: int) -> bool:
    """Whether a cue found at ``at`` does not take its first character from the word before it (年营业收入 is
    not read inside 今年营业收入; 设备投资 still is inside 智能设备投资, a longer name ending in its words)."""
    if at == 0 or not ("\u4e00" <= text[at - 1] <= "\u9fff" and "\u4e00" <= text[at] <= "\u9fff"):
        return True
    return at + 1 not in _word_ends(text) or at in _word_ends(text)


@lru_cache(maxsize=4096)
def _word_ends(text: str) -> frozenset[int]:
    """Where the words of ``text`` end (jieba, with the corpus's terms)."""
    from assistant.search.retrieval import _tokenizer

    ends, pos = set(), 0
    for w in _tokenizer().lcut(text):
        pos += len(w)
        ends.add(pos)
    return frozenset(ends)


OWN_BASE_HEAD = re.compile(r"^(?:项目|企业|单位|当年度|本年度|上年度|上一年度|年度|当年|实际|其|申请|累计)+")


def specific_first(r) -> None:
    """"项目总投资1200万，其中设备购置投资400万": of the figures of one base, those its own words name (设备购置投资)
    are the base, not those a word shared by several bases names (总投资)."""
    for key, values in list(r.role_amounts.items()):
        own = [m.value for m, keys in r.items if keys == frozenset({key})]
        if own and len(own) < len(values):
            r.role_amounts[key] = own
            r.roles[key] = own[-1]
            r.items = [(m, keys if not keys or keys == frozenset({key}) else keys - {key}) for m, keys in r.items]


def _stripped(term: str) -> list[str]:
    """A shared base without its leading 项目/企业/年度… and its closing 额/金额, when five characters at least are
    left (项目固定资产投资额 → 固定资产投资额, 固定资产投资; never 项目投资额 → 投资额)."""
    head = OWN_BASE_HEAD.sub("", term)
    out = [head] if head != term else []
    out += [re.sub(r"(?:金额|数额|额)$", "", w) for w in (term, head)]
    return [w for w in dict.fromkeys(out) if w != term and len(w) >= 5]


SUM_WORD = re.compile(r"(?<=..)(?:总额|总计|合计|数额|额度)$")


def _heads(term: str) -> list[str]:
    """The shorter names of a base: without its leading 项目/企业/年度…, and each ending of it that starts
    at a word and keeps three characters at least (机器人购置额 → 购置额; 研发费用存量 → 费用存量)."""
    out = []
    head = OWN_BASE_HEAD.sub("", term)
    if head != term and len(head) >= 3:
        out.append(head)
    bare = SUM_WORD.sub("", head)  # 年货物物流运输费用总额: "物流运输费用一共1600万" says it without 总额
    for whole in dict.fromkeys((head, bare)):
        if whole != head and len(whole) >= 3:
            out.append(whole)
        if len(whole) > 3:
            from assistant.knowledge.aliases import _tokenizer

            words = [w for w in _tokenizer().lcut(whole) if w.strip()]
            for i in range(1, len(words)):
                tail = "".join(words[i:])
                if len(tail) >= 3 and not re.match(r"[的和与及或之]", tail):
                    out.append(tail)
    return list(dict.fromkeys(w for w in out if w != term))


def _without_e(words: list[str]) -> list[str]:
    """A base said without its closing 额 (销售回款额 → "实际销售回款45万"), four characters at least left."""
    return [x for x in (re.sub(r"(?:金额|数额|额)$", "", w) for w in words) if len(x) >= 4 and x not in words]


COUNT_SAID = re.compile(r"([0-9]+|[一二两三四五六七八九十])\s*(?:笔|份|张|个|项|次|单)")


def _counted(text: str, n: int) -> bool:
    """The message says how many figures it lists ("保费三笔：150万、250万、400万"): as many as there are, each is
    an item, and the last is not their total, even when it happens to equal the sum of the others."""
    return any(int_value(m[1]) == n for m in COUNT_SAID.finditer(text))
