"""Rule drafting aid: find the numeric provisions of a new document and write an unreviewed rule file.

Every drafted rule quotes its sentence verbatim and is marked ``reviewed: false``; the calculator
refuses unreviewed rules until a person checks the figures and flips the flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import Document
from .errors import RuleError
from .rules import rules_path

NUM = r"\d[\d,，]*(?:\.\d+)?"
RATE = rf"{NUM}\s*[%％]"
AMOUNT = rf"{NUM}\s*(?:万|亿)?元"
SENTENCE = re.compile(r"[^。；]+[。；]?")
RATE_RE = re.compile(rf"不超过(?P<base>[^，。；%％]{{0,16}}?)的?(?P<rate>{RATE})")
CAP_RE = re.compile(rf"(?P<per>单个\w{{1,2}})?[^，。；]{{0,10}}?最高[^，。；\d]{{0,6}}?不超过(?P<cap>{AMOUNT})")
THRESHOLD_RE = re.compile(rf"(?P<base>总投资|投资额|投资)?[^，。；\d]{{0,4}}?(?:达到)?(?P<amount>{AMOUNT})(?P<word>（含）以上|以上|及以上)")
FIXED_RE = re.compile(rf"(?:一次性)?(?:奖励|补助|资助|支持)(?P<amount>{AMOUNT})")
CUES = ("补贴", "贴息", "奖励", "补助", "资助", "支持", "纳入")
BASE_KEYS = (("贷款", "loan_principal"), ("贴息", "loan_principal"), ("平台", "platform_investment"), ("保费", "insurance_premium"), ("保险", "insurance_premium"),
             ("总投资", "total_investment"), ("测试", "test_investment"),
             ("项目投资", "project_investment"), ("投资", "project_investment"))


@dataclass
class DraftRule:
    id: str
    clause: str
    kind: str
    name: str
    quote: str
    base: str | None = None
    base_key: str | None = None
    rate: str | None = None
    cap: str | None = None
    cap_per: str | None = None
    threshold: str | None = None
    boundary: str | None = None
    conditions: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # proposed: how questions name it (review them)
    base_terms: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def to_yaml_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}
        return {**d, "reviewed": False}


LEAD = re.compile(r"^(大力|积极|进一步|全面)?(支持|鼓励|加大|加强|推动|促进|推进|提高|提升|加快|做好|实施|开展|完善|引导)")
OBJECT = re.compile(r"对(?:新建|新认定|建设|采购|购买|投资|认定|获得)?的?(?P<obj>[^，。；、]{4,24}?)(?:的(?:企业|项目|单位|平台)?|，)")
VERBS = ("建设", "新建", "搭建", "开展", "采购")


def propose_aliases(heading: str, sentence: str) -> list[str]:
    """Names a question may use for a provision: its heading without the leading verb, and the
    object the sentence supports. Proposals only: a reviewer keeps, edits or drops them."""
    out = []
    core = LEAD.sub("", heading).strip("。，；的 ")
    if len(core) >= 4:
        out.append(core)
        for suffix in ("建设", "发展", "应用", "推广"):
            if core.endswith(suffix) and len(core) - len(suffix) >= 4:
                out.append(core[: -len(suffix)])
    m = OBJECT.search(sentence)
    if m:
        obj = m["obj"]
        for verb in VERBS:
            obj = obj.removeprefix(verb)
        if len(obj) >= 4:
            out.append(obj)
    return list(dict.fromkeys(out))


def propose_examples(name: str, aliases: list[str], base: str | None) -> list[str]:
    """Ten questions written the way users ask, for the reviewer to correct and extend."""
    topic = aliases[-1] if aliases else name
    figure = base or "投资"
    return [f"{topic}能补贴多少？", f"{topic}有什么支持政策", f"{name}的标准是什么", f"我们在做{topic}，能申请吗",
            f"{topic}最多能拿多少钱", f"{figure}1000万元，{topic}能补多少", f"{topic}的补贴上限是多少",
            f"申请{topic}需要什么条件", f"{topic}是怎么支持的", f"我们企业{topic}投了500万，能拿多少"]


def _base_key(base: str | None) -> str | None:
    for cue, key in BASE_KEYS:
        if base and cue in base:
            return key
    return None


def find_provisions(doc: Document) -> list[DraftRule]:
    """Each sentence of each clause with a rate, a cap, a threshold or a fixed award becomes a draft."""
    drafts: list[DraftRule] = []
    for unit in doc.units:
        if unit.kind != "measure":
            continue
        body = unit.text[len(unit.label):].strip() if unit.text.startswith(unit.label) else unit.text
        name = re.split(r"[。，；]", body)[0][:30]
        for m in SENTENCE.finditer(unit.text):
            sent = m.group(0).strip().rstrip("。；")
            if not any(c in sent for c in CUES):
                continue
            rate, cap = RATE_RE.search(sent), CAP_RE.search(sent)
            threshold, fixed = THRESHOLD_RE.search(sent), FIXED_RE.search(sent)
            rid = f"{doc.doc_id}.r{len(drafts) + 1}"
            if rate and cap:
                base = rate["base"].strip("按照对的 ") or None
                if base is None and _base_key(sent) == "loan_principal":
                    base = "贷款本金"
                drafts.append(DraftRule(rid, unit.label, "subsidy", name, sent, base=base, base_key=_base_key(base or sent),
                                        rate=rate["rate"].replace(" ", ""), cap=cap["cap"].replace(" ", ""),
                                        cap_per=cap["per"] or "单个项目"))
            elif cap or fixed:
                amount = (cap or fixed).group("cap" if cap else "amount")
                drafts.append(DraftRule(rid, unit.label, "cap_only", name, sent, cap=amount.replace(" ", ""),
                                        cap_per=(cap["per"] if cap else None) or "单个企业"))
            elif threshold:
                drafts.append(DraftRule(rid, unit.label, "threshold", name, sent, base=threshold["base"] or "项目总投资",
                                        base_key="total_investment", threshold=threshold["amount"].replace(" ", ""),
                                        boundary=threshold["word"]))
    for d in drafts:
        d.aliases = propose_aliases(d.name, d.quote)
        d.base_terms = [d.base] if d.base else []
        d.examples = propose_examples(d.name, d.aliases, d.base)
    return drafts


def find_topics(doc: Document, drafts: list[DraftRule]) -> list[dict]:
    """Measures without figures, so questions about them still find them (proposed names)."""
    with_rules = {d.clause for d in drafts}
    out = []
    for unit in doc.units:
        if unit.kind != "measure" or unit.label in with_rules:
            continue
        body = unit.text[len(unit.label):].strip() if unit.text.startswith(unit.label) else unit.text
        name = re.split(r"[。，；]", body)[0][:30]
        aliases = propose_aliases(name, body)
        out.append({"clause": unit.label, "name": name, "aliases": aliases,
                    "examples": propose_examples(name, aliases, None)})
    return out


def _conditions(doc: Document) -> dict:
    out = {}
    scope = next((u for u in doc.units if u.kind == "scope" or ("支持的对象" in u.text and u.kind == "measure")), None)
    if scope and "本市注册" in scope.text:
        quote = next(s.strip("。") for s in scope.text.split("。") if "本市注册" in s)
        quote = quote[quote.index("本"):] if "本" in quote else quote
        out["registered_here"] = {"kind": "region", "criterion": "在本地注册经营", "region": doc.meta.region or "北京",
                                  "clause": scope.label, "quote": quote, "ask": "贵企业的注册地和经营地在哪里？"}
    validity = next((u for u in doc.units if u.kind == "validity"), None)
    if validity:
        out["within_validity"] = {"kind": "validity", "criterion": "申请时间在政策有效期内", "clause": "施行期限",
                                  "quote": validity.text, "ask": "您询问的是哪一天（或哪一年）的申报？"}
    return out


def draft_rule_file(doc: Document, *, force: bool = False) -> tuple[Path, list[DraftRule]]:
    path = rules_path(doc)
    if path.exists() and not force:
        raise RuleError(f"规则文件 {path.name} 已存在；如需重新起草请加 --force（原文件会被覆盖）")
    drafts = find_provisions(doc)
    conditions = _conditions(doc)
    for d in drafts:
        if d.kind != "threshold":
            d.conditions = list(conditions)
    header = (f"# 由 `python -m assistant rules draft` 自动起草，共 {len(drafts)} 条，全部未审核（reviewed: false）。\n"
              "# 请逐条对照原文核对 kind/base/rate/cap/cap_per/threshold，确认无误后把 reviewed 改为 true。\n"
              "# aliases（问题中对该措施的叫法）和 examples（按用户口吻写的示例问题，至少10条）是自动提议的，请一并审核修改。\n"
              "# 未审核的规则不会用于计算：回答只会引用原文并提示“尚未审核”。\n")
    terms = sorted({a for d in drafts for a in d.aliases})
    body = yaml.safe_dump({"doc_id": doc.doc_id, "reviewed": False, "terms": terms, "conditions": conditions,
                           "topics": find_topics(doc, drafts), "rules": [d.to_yaml_dict() for d in drafts]},
                          allow_unicode=True, sort_keys=False)
    path.write_text(header + body, encoding="utf-8")
    return path, drafts
