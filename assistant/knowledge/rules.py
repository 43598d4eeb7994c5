"""Load and validate rule files: the calculator's data, every figure tied to a verbatim quote.

A rule file sits beside its document: ``corpus/<stem>.rules.yaml``. Loading fails, naming the
rule and the file, when a quote is not in the document, sits in another clause than the rule
says, or does not contain the rule's own rate, cap or threshold text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from assistant.errors import AmountError, RuleError
from assistant.knowledge.documents import Citation, Document
from assistant.knowledge.kinds import EXCLUSIVE_WORDS, EXTRA_KINDS, Band, Tier, YearRate, load_extra, policy_rate
from assistant.text.amounts import normalize_digits, parse_amount

KINDS = ("subsidy", "cap_only", "threshold", *EXTRA_KINDS)
CONDITION_KINDS = ("region", "industry", "flag", "validity", "open", "minimum")
# Civil Code art. 1259: 以上、以下、以内、不超过 include the number; 超过、不满、以外 exclude it.
INCLUSIVE = ("（含）以上", "以上", "及以上", "以下", "以内", "不超过", "不少于", "不低于", "达到")
EXCLUSIVE = ("超过", "不满", "以外", "低于", "高于")


@dataclass(frozen=True)
class Condition:
    id: str
    kind: str
    criterion: str
    citation: Citation
    ask: str = ""
    fact: str | None = None
    region: str | None = None
    detail: str = ""
    terms: tuple[str, ...] = ()  # everyday words for a flag's fact ("入库", "在库项目"), longest first
    negative_terms: tuple[str, ...] = ()  # words that state the fact is false ("只给集团内部用" for 对外服务)
    answers: tuple[str, ...] = ()  # quick replies a user would give when asked ("已入库", "未入库"), each read as the fact
    sectors: tuple[str, ...] = ()  # industry sections (corpus/lexicon.yaml) an industry condition covers
    threshold: Decimal | None = None  # minimum: the figure the firm's ``terms`` figure must reach
    inclusive: bool = True  # minimum: 以上/（含）以上/达到 count the threshold itself; 超过 does not

    @property
    def clause(self) -> str | None:
        return self.citation.clause


@dataclass(frozen=True)
class Rule:
    id: str
    doc_id: str
    clause: str
    kind: str
    name: str
    citation: Citation
    base: str | None = None
    base_key: str | None = None  # the profile field holding this rule's base (platform_investment, …)
    rate: Decimal | None = None
    rate_text: str | None = None
    cap: Decimal | None = None
    cap_text: str | None = None
    cap_per: str | None = None
    total_cap: Decimal | None = None  # a second cap over a wider scope (每年, 累计); it also bounds one award
    total_cap_text: str | None = None
    total_cap_per: str | None = None
    max_base: Decimal | None = None  # rate kinds: the base is counted up to this (rate × min(base, max_base))
    max_base_text: str | None = None
    max_base_of: str | None = None  # what the ceiling bounds when not the base itself (the loan of an interest)
    threshold: Decimal | None = None
    threshold_text: str | None = None
    inclusive: bool = True
    boundary: str | None = None
    open_terms: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    reviewed: bool = True
    # How questions name this rule (reviewed with it): aliases name it alone, hints only lean
    # towards it, base_terms are the words that say an amount is this rule's base.
    aliases: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    base_terms: tuple[str, ...] = ()
    not_base_terms: tuple[str, ...] = ()  # look like the base but are not ("流动资金贷款" for a fixed-asset loan rule)
    examples: tuple[str, ...] = ()
    # The kinds of kinds.py (fixed, tiered, per_unit, banded, range, rate, min_rate, schedule,
    # tiered_threshold): their figures, each in the quote, and the words questions give inputs with.
    amount: Decimal | None = None
    amount_text: str | None = None
    tiers: tuple[Tier, ...] = ()
    level: str | None = None  # what the tiers are ("认定级别"), for the question asking for it
    unit: str | None = None
    unit_words: tuple[str, ...] = ()
    quantity: str | None = None  # what is counted ("客房数量"), for the question asking for it
    step: Decimal | None = None  # 每满一万人次: the amount is paid per full ``step`` units
    step_text: str | None = None
    step_full: bool = True
    max_quantity: Decimal | None = None  # per_unit: at most this many units are paid for
    max_quantity_text: str | None = None
    bands: tuple[Band, ...] = ()
    marginal: bool = False  # banded: each band pays for the units within it (每增加1人…), not all units at one band's amount
    low: Decimal | None = None
    low_text: str | None = None
    high: Decimal | None = None
    high_text: str | None = None
    range_of: str | None = None  # "rate" (of a base) | "amount"
    years: tuple[YearRate, ...] = ()
    multiple: Decimal | None = None  # multiple: N (N个月, N倍) of the standard named by ``base``
    multiple_text: str | None = None
    standard: Decimal | None = None  # that standard's amount where the document states it (else the user gives it)
    standard_text: str | None = None
    standard_citation: Citation | None = None
    input_key: str | None = None  # the profile field giving a level or quantity (matching)
    currency: str | None = None  # tiered_threshold: thresholds and base in this foreign currency (美元), never converted
    reviewed_by: str | None = None
    reviewed_at: str | None = None

    @property
    def quote(self) -> str:
        return self.citation.quote

    def counted(self, base: Decimal) -> tuple[Decimal, str]:
        """The part of ``base`` the rate is paid on, and what the trace says of it (贷款超过200万元的，按200万元计)."""
        if self.max_base is None:
            return base, ""
        if self.max_base_of:  # it bounds the loan the base (its interest) is computed on: said, not applied
            return base, f"（原文规定{self.max_base_of}最高按{self.max_base_text}计，{self.base or '基数'}应按此计算）"
        if base > self.max_base:
            return self.max_base, f"{self.base or '基数'}超过原文规定的{self.max_base_text}，按{self.max_base_text}计；"
        return base, ""

    @property
    def upper(self) -> bool:
        """Whether the quote states its amount as an upper bound (最高/不超过), not as a set award."""
        text = self.cap_text or self.amount_text or self.multiple_text or ""
        at = self.quote.find(text) if text else -1
        # a multiple of a named standard: the bound stands before the standard's name (最高不超过本市…标准的2倍)
        reach = 8 + (len(self.base or "") + 2 if self.kind == "multiple" else 0)
        return at < 0 or any(w in self.quote[max(0, at - reach) : at] for w in ("最高", "不超过", "上限", "以内"))


@dataclass(frozen=True)
class Topic:
    """A clause without figures that questions ask about, recognised like a rule, answered by quoting."""

    doc_id: str
    clause: str
    name: str
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass
class RuleBook:
    rules: dict[str, Rule] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)
    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # doc id -> its own words

    def get(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise RuleError(f"没有编号为“{rule_id}”的规则，可选：{'、'.join(self.rules)}") from None

    def __iter__(self):
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def by_clause(self, clause: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.clause == clause]


def _cite(doc: Document, quote: str, clause: str, what: str, path: Path) -> Citation:
    """The occurrence of ``quote`` inside ``clause``; RuleError when there is none."""
    if not isinstance(quote, str) or not quote.strip():
        raise RuleError(f"规则文件 {path.name} 中 {what} 缺少原文引文 quote")
    starts, at = [], doc.text.find(quote)
    while at >= 0:
        starts.append(at)
        at = doc.text.find(quote, at + 1)
    if not starts:
        raise RuleError(f"规则文件 {path.name} 中 {what} 的引文在 {doc.path.name} 原文中找不到：“{quote[:40]}”")
    for start in starts:
        cit = doc.citation(start, start + len(quote))
        if cit.clause == clause:
            return cit
    found = doc.citation(starts[0], starts[0] + len(quote)).clause
    raise RuleError(f"规则文件 {path.name} 中 {what} 标注为{clause}，但引文位于{found}")


def _figure(rule_id: str, key: str, text, quote: str, path: Path, parse) -> tuple[Decimal | None, str | None]:
    if text in (None, ""):
        return None, None
    text = str(text)
    if text not in quote:
        raise RuleError(f"规则文件 {path.name} 中规则 {rule_id} 的 {key}“{text}”没有出现在其引文中")
    try:
        return parse(text), text
    except AmountError as exc:
        raise RuleError(f"规则文件 {path.name} 中规则 {rule_id} 的 {key} 无效：{exc}") from None


def _conditions(data: dict, doc: Document, path: Path) -> dict[str, Condition]:
    out = {}
    for cid, c in (data or {}).items():
        if not isinstance(c, dict) or c.get("kind") not in CONDITION_KINDS:
            raise RuleError(f"规则文件 {path.name} 中条件 {cid} 的 kind 应为 {'、'.join(CONDITION_KINDS)} 之一")
        if c["kind"] == "flag" and not c.get("fact"):
            raise RuleError(f"规则文件 {path.name} 中条件 {cid} 缺少 fact（对应的企业情况字段）")
        threshold = None
        if c["kind"] == "minimum":
            try:
                threshold = parse_amount(str(c.get("threshold") or ""))
            except AmountError:
                raise RuleError(f"规则文件 {path.name} 中条件 {cid} 的 threshold 应为金额（如“1000万元”）") from None
            if not c.get("terms"):
                raise RuleError(f"规则文件 {path.name} 中条件 {cid} 缺少 terms（问题中说这个数额的词）")
        out[cid] = Condition(
            id=cid,
            kind=c["kind"],
            criterion=str(c.get("criterion") or cid),
            citation=_cite(doc, c.get("quote"), str(c.get("clause")), f"条件 {cid}", path),
            ask=str(c.get("ask") or ""),
            fact=c.get("fact") or (cid if c["kind"] == "minimum" else None),
            region=c.get("region"),
            detail=str(c.get("detail") or ""),
            terms=_words(c.get("terms"), f"条件 {cid} 的 terms", path),
            negative_terms=_words(c.get("negative_terms"), f"条件 {cid} 的 negative_terms", path),
            answers=tuple(str(a) for a in c.get("answers") or ()),
            sectors=_words(c.get("sectors"), f"条件 {cid} 的 sectors", path),
            threshold=threshold,
            inclusive=c.get("inclusive", True) is not False,
        )
    return out


def _words(value, what: str, path: Path) -> tuple[str, ...]:
    """A list of non-empty strings from a rule file, longest first (so 已入库 wins over 入库)."""
    return tuple(sorted(_examples(value, what, path), key=lambda w: -len(w)))


def _examples(value, what: str, path: Path) -> tuple[str, ...]:
    """A list of non-empty strings from a rule file, in file order, without repeats."""
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) and str(v).strip() for v in value):
        raise RuleError(f"规则文件 {path.name} 中{what}应为非空字符串列表")
    return tuple(dict.fromkeys(str(v).strip() for v in value))


def _rule(r: dict, doc: Document, conditions: dict[str, Condition], path: Path, reviewed: bool) -> Rule:
    rid = r.get("id")
    if not rid or not isinstance(rid, str):
        raise RuleError(f"规则文件 {path.name} 中有一条规则缺少 id")
    kind = r.get("kind")
    if kind not in KINDS:
        raise RuleError(f"规则文件 {path.name} 中规则 {rid} 的 kind 应为 {'、'.join(KINDS)} 之一，实际为“{kind}”")
    clause = str(r.get("clause") or "")
    citation = _cite(doc, r.get("quote"), clause, f"规则 {rid}", path)
    quote = citation.quote
    rate, rate_text = _figure(rid, "比例 rate", r.get("rate"), quote, path, policy_rate)
    cap, cap_text = _figure(rid, "上限 cap", r.get("cap"), quote, path, parse_amount)
    total_cap, total_cap_text = _figure(rid, "总上限 total_cap", r.get("total_cap"), quote, path, parse_amount)
    max_base, max_base_text = _figure(rid, "基数上限 max_base", r.get("max_base"), quote, path, parse_amount)
    threshold, threshold_text = _figure(rid, "门槛 threshold", r.get("threshold"), quote, path, parse_amount)
    need = {"subsidy": (rate, cap), "cap_only": (cap,), "threshold": (threshold,), "rate": (rate,),
            "min_rate": (rate,)}.get(kind, ())
    if any(v is None for v in need):
        raise RuleError(f"规则文件 {path.name} 中规则 {rid}（{kind}）缺少比例、上限或门槛数值")
    extra = load_extra(kind, r, quote, rid, path) if kind in EXTRA_KINDS else {}
    if kind == "multiple" and r.get("standard") not in (None, ""):  # the standard's amount, stated elsewhere
        cit = _cite(doc, r.get("standard_quote"), str(r.get("standard_clause") or ""), f"规则 {rid} 的标准 standard", path)
        extra["standard"], extra["standard_text"] = _figure(rid, "标准 standard", r.get("standard"), cit.quote, path, parse_amount)
        extra["standard_citation"] = cit
    boundary = r.get("boundary")
    if kind == "threshold":
        if boundary not in INCLUSIVE + EXCLUSIVE or boundary not in quote:
            raise RuleError(f"规则文件 {path.name} 中规则 {rid} 的 boundary 应为原文中的边界用语（如“以上”“超过”）")
    unknown = [c for c in r.get("conditions") or [] if c not in conditions]
    if unknown:
        raise RuleError(f"规则文件 {path.name} 中规则 {rid} 引用了未定义的条件：{'、'.join(unknown)}")
    return Rule(
        id=rid,
        doc_id=doc.doc_id,
        clause=clause,
        kind=kind,
        name=str(r.get("name") or rid),
        citation=citation,
        base=r.get("base"),
        base_key=r.get("base_key"),
        rate=rate,
        rate_text=rate_text and normalize_digits(rate_text),
        cap=cap,
        cap_text=cap_text,
        cap_per=r.get("cap_per"),
        total_cap=total_cap,
        total_cap_text=total_cap_text,
        total_cap_per=r.get("total_cap_per"),
        max_base=max_base,
        max_base_text=max_base_text,
        max_base_of=r.get("max_base_of"),
        threshold=threshold,
        threshold_text=threshold_text,
        inclusive=boundary not in EXCLUSIVE + EXCLUSIVE_WORDS,
        boundary=boundary,
        open_terms=tuple(r.get("open_terms") or ()),
        conditions=tuple(conditions[c] for c in r.get("conditions") or []),
        reviewed=bool(r.get("reviewed", reviewed)),
        aliases=_words(r.get("aliases"), f"规则 {rid} 的 aliases", path),
        hints=_words(r.get("hints"), f"规则 {rid} 的 hints", path),
        base_terms=_words(r.get("base_terms"), f"规则 {rid} 的 base_terms", path),
        not_base_terms=_words(r.get("not_base_terms"), f"规则 {rid} 的 not_base_terms", path),
        examples=_examples(r.get("examples"), f"规则 {rid} 的 examples", path),
        level=r.get("level"),
        quantity=r.get("quantity"),
        input_key=r.get("input_key"),
        reviewed_by=None if r.get("reviewed_by") is None else str(r.get("reviewed_by")),
        reviewed_at=None if r.get("reviewed_at") is None else str(r.get("reviewed_at")),
        **extra,
    )


def _topics(data, doc: Document, path: Path) -> list[Topic]:
    out = []
    for t in data or []:
        clause = str((t or {}).get("clause") or "") if isinstance(t, dict) else ""
        labels = {u.label for u in doc.units}
        if clause not in labels:
            raise RuleError(f"规则文件 {path.name} 中话题（topics）的条款“{clause}”在 {doc.path.name} 中不存在")
        out.append(Topic(doc.doc_id, clause, str(t.get("name") or clause),
                         _words(t.get("aliases"), f"话题 {clause} 的 aliases", path),
                         _examples(t.get("examples"), f"话题 {clause} 的 examples", path)))
    return out


def load_rules(path: Path, doc: Document) -> list[Rule]:
    return load_rule_file(path, doc)[0]


def load_rule_file(path: Path, doc: Document) -> tuple[list[Rule], list[Topic], tuple[str, ...]]:
    """The rules, the figure-less topics and the document's own terms of one rule file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"无法读取规则文件 {path.name}：{exc.__class__.__name__}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise RuleError(f"规则文件 {path.name} {where}不是合法的 YAML") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"规则文件 {path.name} 应包含 rules 列表")
    if data.get("doc_id") not in (None, doc.doc_id):
        raise RuleError(f"规则文件 {path.name} 的 doc_id“{data.get('doc_id')}”与文档 {doc.doc_id} 不符")
    conditions = _conditions(data.get("conditions"), doc, path)
    reviewed = bool(data.get("reviewed", False))
    rules = [_rule(r if isinstance(r, dict) else {}, doc, conditions, path, reviewed) for r in data["rules"]]
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RuleError(f"规则文件 {path.name} 中规则编号重复：{'、'.join(dupes)}")
    return rules, _topics(data.get("topics"), doc, path), _words(data.get("terms"), "terms", path)


def rules_path(doc: Document) -> Path:
    return doc.path.with_name(f"{doc.path.stem}.rules.yaml")


def load_rulebook(docs: dict[str, Document]) -> RuleBook:
    book = RuleBook()
    for doc in docs.values():
        path = rules_path(doc)
        if not path.exists():
            continue  # a document without reviewed figures is still searchable and citable
        rules, topics, terms = load_rule_file(path, doc)
        book.topics += topics
        book.terms[doc.doc_id] = terms
        for rule in rules:
            if rule.id in book.rules:
                raise RuleError(f"规则文件 {path.name} 中规则编号 {rule.id} 与其他文件重复")
            book.rules[rule.id] = rule
    return book
