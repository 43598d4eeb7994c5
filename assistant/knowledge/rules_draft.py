"""Rule drafting aid: find the numeric provisions of a new document and write an unreviewed rule file.

Every drafted rule quotes its sentence verbatim and is marked ``reviewed: false``; the calculator
refuses unreviewed rules until a person checks the figures and flips the flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.errors import RuleError
from assistant.knowledge.aliases import (
    heading_of,
    lead_award,
    name_aliases,
    propose,
    propose_examples,
    rule_name,
    subjects,
)
from assistant.knowledge.documents import Document
from assistant.knowledge.draft_rule import (  # noqa: F401  (DraftRule, _base_key re-exported: readers and tests use them)
    UNNAMED_BASE,
    DraftRule,
    _base_key,
    _draft,
    _input_examples,
    _rated,
    respell,
)
from assistant.knowledge.minimums import minimum_conditions
from assistant.knowledge.provisions import AMT, CUES, NUM, RATE, Proposal, _n
from assistant.knowledge.rules import rules_path
from assistant.knowledge.schedules import PAID_REST
from assistant.knowledge.topics import draft_topics, find_topics  # noqa: F401  (re-exported: figure-less support)
from assistant.knowledge.wording import ITEM_HEAD, SENTENCE

BARE_AWARD = re.compile(rf"^[^，。；\d]{{0,12}}?{NUM}\s*(?:万|亿)?(?:美元|元)?[^，。；\d]{{0,8}}，(?:给予|奖励)\s*(?P<amt>{AMT})$")
LEAD_IN = re.compile(r"^[^\n]*(?:以下|下列)标准[^\n：:]{0,12}[：:]\s*$", re.M)
ALTERNATIVE = re.compile(r"[，,]\s*或(?=按|给予)")
# 2022年度按研发费用存量的1%、以后年度按上一年度增量的3%给予研发补助，但…不超过10万元: a rate for each period
RATE_PAIR = re.compile(rf"(?P<first>[^，。；、]{{0,12}}?按[^，。；、]{{0,20}}?{RATE})、(?P<second>[^，。；、]{{0,12}}?按[^，。；、]{{0,20}}?{RATE})")
CAP_ONLY_SENTENCE = re.compile(r"^(?:[^，。；\d]{0,8}?(?:金额|资金|额度|补贴|奖励|资助|扶持))?[^，。；\d]{0,8}?(?:最高|最多|不超过)")
REASONS = {"fund": "资金或基金规模，不是对申请人的支持", "target": "发展目标，不是对申请人的支持",
           "condition": "申请条件（门槛），不是支持数额", "none": "未能识别为已支持的规则类型，请人工处理",
           "invalid": "起草结果未通过规则校验，未写入，请人工补写"}


def _rate_pair(sent: str, pair: re.Match) -> list:
    """Two rates listed with 、 that share the award and its cap: one rule each, both quoting the sentence."""
    from assistant.knowledge.provisions import classify

    out = []
    for keep in ("first", "second"):
        p = classify(sent[: pair.start()] + pair[keep] + sent[pair.end():])[0]
        if p is None or p.kind not in ("rate", "subsidy"):
            return []
        p.quote = sent
        out.append(p)
    return out if out[0].fields["rate"] != out[1].fields["rate"] else []


def _join_previous(found: list, text: str, end: int, p: Proposal, fields: dict) -> None:
    """A sentence that belongs to the award just stated (its cap, how it is paid): that award's quote runs on
    to ``end`` and takes the sentence's fields and figures."""
    prev, start, _ = found[-1]
    prev.quote = text[start:end].strip().rstrip("。；;")
    prev.fields |= fields
    prev.used |= p.used
    found[-1] = (prev, start, end)


@dataclass
class Unexpressed:
    clause: str
    figure: str
    sentence: str
    reason: str

    def line(self) -> str:
        return f"{self.clause} {self.figure}：{REASONS[self.reason]}（“{' '.join(self.sentence.split())[:50]}”）"



def analyse(doc: Document) -> tuple[list[DraftRule], list[Unexpressed]]:
    """Drafts for every numeric provision of every measure, and every figure seen but not expressed
    (with why: a fund's size, a target, a condition, or no kind fits)."""
    from assistant.knowledge.award_pairs import paired_tiers, split_lists, split_steps
    from assistant.knowledge.cases import (
        award_parts,
        category_tiers,
        leading_award,
        level_tiers,
        merge_runs,
        person_tiers,
        rate_tiers,
        sentence_cases,
        set_award,
        threshold_tiers,
    )
    from assistant.knowledge.later_caps import caps_after_bands, over_awards, scoped_cap
    from assistant.knowledge.multiples import attach_standard
    from assistant.knowledge.per_unit import bands, lump_steps, per_units
    from assistant.knowledge.provisions import classify, figures
    from assistant.knowledge.slices import rate_bands, slices

    drafts: list[DraftRule] = []
    left: list[Unexpressed] = []
    parent_cue = False  # a part's lead-in (一、…按以下标准予以资助：) holds for the items under it
    for unit in doc.units:
        # 按以下标准予以一次性资助：（一）发明专利：企业1万元/件…: the lead-in's award word holds for its items
        lead = LEAD_IN.search(unit.text)
        own_cue = bool(lead and any(c in lead[0] for c in CUES))
        if unit.kind != "measure":
            parent_cue = own_cue if unit.kind == "part" else parent_cue
            continue
        parent_cue = parent_cue and bool(re.match(r"[（(\d]", unit.label))  # only its items: （一）, (1), 1.
        cued, lead_end = (True, lead.end()) if own_cue else (parent_cue, 0)
        body = unit.body.strip()
        heading = heading_of(body)
        found: list = []
        banded = bands(unit.text) or lump_steps(unit.text) or slices(unit.text) or rate_bands(unit.text)
        item_head, item_heads = None, {}  # （一）创建补贴。新组建…: an item's own heading names the awards under it
        for m in SENTENCE.finditer(unit.text):
            sent = m.group(0).strip().rstrip("。；;")
            if m.start() == 0 or unit.text[m.start() - 1] == "\n":  # a new line: a new item, with no heading yet
                item_head = None
            if (h := ITEM_HEAD.fullmatch(sent)) and m.group(0).endswith("。") and unit.text[m.end():m.end() + 1] not in ("\n", ""):
                item_head = h["head"]  # "（一）创建补贴。" with its text after it on the same line
                continue
            if banded and banded[1] <= m.start() + len(m.group(0)) and m.start() <= banded[2]:
                if banded[0] not in [f[0] for f in found]:
                    found.append((banded[0], banded[1], banded[2]))
                seen = figures(sent)
                left += [Unexpressed(unit.label, f, sent, "condition" if c else "none") for f, c in seen
                         if f not in banded[0].used and not c]
                continue
            seen = figures(sent)
            if not seen:
                continue
            p, why = classify(sent, cued=cued and m.start() >= lead_end)
            if p is None and found and set_award(found[-1][0]) and (bare := BARE_AWARD.search(sent)):
                # 超过5000万美元的，给予50万元: the next case of the award just stated, its noun left out
                p = Proposal("cap_only", sent, {"cap": _n(bare["amt"]), "cap_per": "单个企业"}, {_n(bare["amt"])})
            if p is not None and p.kind == "cap_only" and found and ((prev := found[-1][0]).kind in ("rate", "per_unit") or (
                    prev.kind == "tiered" and "rate" in prev.fields["tiers"][0])) and "cap" not in prev.fields \
                    and CAP_ONLY_SENTENCE.match(sent):
                # 按交易额的10%给予扶持。扶持金额最多不超过50万元: the cap of the award just stated
                prev.kind = "subsidy" if prev.kind == "rate" else prev.kind
                _join_previous(found, unit.text, m.end(), p, {"cap": p.fields["cap"], "cap_per": p.fields.get("cap_per") or "单个企业",
                                                              "cap_shared": True})
                seen, p = [f for f in seen if f[0] not in p.used], None
            if p is not None and p.kind == "cap_only" and scoped_cap(found, unit.text, m.end(), sent):
                continue  # 同一专利权人同一年度…资助总额最高不超过20万元 · 以上两项…不超过2万元: the cap of the awards before it
            if p is not None and p.kind == "cap_only" and found and over_awards(sent):
                # 每家主体每年奖励额度最高60万元 after maxima it cannot join: a bound on them, no award of its own
                left += [Unexpressed(unit.label, f, sent, "none") for f, _ in seen]
                continue
            if p is not None and p.kind == "schedule" and PAID_REST.search(sent) and found \
                    and found[-1][0].kind in ("rate", "subsidy") and "\n" not in unit.text[found[-1][2]:m.start()]:
                # 补贴标准不超过…的10%。…一次性拨付补助金额的80%，验收后再拨付剩余的20%: how the award just stated is paid
                _join_previous(found, unit.text, m.end(), p, {"years": p.fields["years"]})
                seen, p = [f for f in seen if f[0] not in p.used], None
            several = []
            if p is None or set_award(p):  # 五星级的给予10万元，四星级的给予5万元: one award per case
                p = threshold_tiers(sent) or level_tiers(sent) or sentence_cases(sent) or category_tiers(sent) or p
                several = (paired_tiers(sent) or award_parts(sent)) if p is None or set_award(p) else leading_award(sent, p) if p.kind == "tiered_threshold" else []
            elif p.kind == "cap_only":  # 珠三角地区每年最高6000元，其他地区每年最高4000元: a maximum per case
                p = sentence_cases(sent) or p
                if p is not None and p.kind == "unexpressible":
                    left += [Unexpressed(unit.label, t["amount"], sent, "none") for t in p.fields["tiers"]]
                    continue
                several = award_parts(sent) if p.kind == "cap_only" else []
            several = several or (per_units(sent) if p is not None and p.kind == "per_unit" else []) or (
                split_lists(sent) if p is not None and p.kind == "tiered" else []) or (
                split_steps(sent) if p is not None and p.kind == "tiered_threshold" else [])
            if p is not None and p.kind in ("rate", "subsidy") and (alt := ALTERNATIVE.search(sent)):
                # 按投资额的10%给予补助，或按年利率6%给予两年贴息: two ways to be paid, one rule each
                first, second = classify(sent[: alt.start()])[0], classify(sent[alt.end():])[0]
                if first is not None and second is not None and first.kind in ("rate", "subsidy") and second.kind in ("rate", "subsidy"):
                    several = [first, second]
            elif p is not None and p.kind in ("rate", "subsidy") and (pair := RATE_PAIR.search(sent)):
                several = _rate_pair(sent, pair)
            for q in several or ([p] if p else []):
                found.append((q, m.start(), m.end()))
                if item_head:
                    item_heads[id(q)] = item_head
            used = set().union(*(q.used for q in several)) if several else (p.used if p else set())
            for f, cond in seen:
                if f in used:
                    continue
                reason = why if why in ("fund", "target") else ("condition" if cond or (p and p.kind == "threshold") else "none")
                left.append(Unexpressed(unit.label, f, sent, reason))
        found = [f[0] for f in caps_after_bands(rate_tiers(person_tiers(merge_runs(found, unit.text), unit.text), unit.text),
                                                unit.text)]
        left += [Unexpressed(unit.label, t["amount"], p.quote, "none") for p in found if p.kind == "unexpressible"
                 for t in p.fields["tiers"]]
        found = [p for p in found if p.kind != "unexpressible"]
        for p in found:
            rid = f"{doc.doc_id}.r{len(drafts) + 1}"
            subject = next(iter(subjects(p.quote)), None)
            head = item_heads.get(id(p)) or lead_award(body) or heading
            label = rule_name(head, subject if len(found) > 1 or not head else None, body, p.quote)
            if case := p.fields.pop("case", None):  # one of several cases of a per-unit list: its name says which
                label = f"{label}（{case}）"
            d = _draft(p, rid, unit.label, label)
            respell(d)
            if d.kind == "multiple":
                attach_standard(doc, d)
            d.aliases = propose(head, p.quote) or name_aliases(label)
            drafts.append(d)
    for d in drafts:
        d.examples = propose_examples(d.name, d.aliases, d.base)
        if d.base is None and _rated(d):
            d.base = UNNAMED_BASE  # shown as "按原文规定的基数的50%", never "None"; not a word a question uses
    return drafts, left


def find_provisions(doc: Document) -> list[DraftRule]:
    """Each numeric provision of each clause, as a draft rule of the kind that expresses it."""
    return analyse(doc)[0]


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


def _has_reviewed(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False  # a broken file has nothing reviewed that loads
    if not isinstance(data, dict):
        return False
    default = bool(data.get("reviewed", False))
    return any(isinstance(r, dict) and bool(r.get("reviewed", default)) for r in data.get("rules") or [])


def _loadable(doc: Document, drafts: list[DraftRule], left: list, path: Path, raw: dict) -> tuple[list[DraftRule], list]:
    """Only drafts that load once accepted are written: one that would not (a figure not found verbatim in
    its quote) is listed with what was not expressed, so accepting the file never breaks the knowledge base."""
    from assistant.knowledge.rules import _conditions as parse_conditions
    from assistant.knowledge.rules import _rule

    conditions = parse_conditions(raw, doc, path)
    kept = []
    for d in drafts:
        try:
            _rule({**d.to_yaml_dict(), "reviewed": True}, doc, conditions, path, True)
        except RuleError:
            left = [*left, Unexpressed(d.clause, "", d.quote, "invalid")]
            continue
        kept.append(d)
    return kept, left


def draft_rule_file(doc: Document, *, force: bool = False) -> tuple[Path, list[DraftRule]]:
    path = rules_path(doc)
    if path.exists() and not force:
        raise RuleError(f"规则文件 {path.name} 已存在；如需重新起草请加 --force（原文件会被覆盖）")
    if path.exists() and _has_reviewed(path):
        # Reviewed figures are a person's work: a fresh draft must never silently replace them.
        raise RuleError(f"规则文件 {path.name} 中有已审核的规则，不能用起草结果覆盖；"
                        "如确需重新起草，请先备份并移走该文件，或用 rules review 逐条修改")
    drafts, left = analyse(doc)
    conditions = _conditions(doc)
    for d in drafts:
        if d.kind != "threshold":
            d.conditions = list(conditions)
    for d in drafts:  # the minimum figures an award requires (注册资本在1000万元（含）以上): its conditions
        own = minimum_conditions(d.id, d.kind, d.clause, d.quote)
        conditions.update(own)
        d.conditions = [*d.conditions, *own]
        if own and not d.aliases:  # "对年度研发投入达到300万元以上的企业，给予…": named by the figure it requires,
            # where no other provision of the document names that figure (营业收入 of several awards names none)
            words = dict.fromkeys(t for c in own.values() for t in c["terms"] if len(t) >= 3)
            d.aliases = [w for w in words if not any(w in x.quote for x in drafts if x is not d)][:3]
    for d in drafts:
        if d.kind in ("tiered", "per_unit", "banded"):
            d.examples = _input_examples(d)
    drafts, left = _loadable(doc, drafts, left, path, conditions)
    header = (f"# 由 `python -m assistant rules draft` 自动起草，共 {len(drafts)} 条，全部未审核（reviewed: false）。\n"
              "# 请逐条对照原文核对 kind/base/rate/cap/cap_per/threshold，确认无误后把 reviewed 改为 true。\n"
              "# aliases（问题中对该措施的叫法）和 examples（按用户口吻写的示例问题，至少10条）是自动提议的，请一并审核修改。\n"
              "# 未审核的规则不会用于计算：回答只会引用原文并提示“尚未审核”。\n"
              "# 逐条审核：python -m assistant rules review " + doc.doc_id + "\n")
    if left:
        header += f"#\n# 原文中另有 {len(left)} 个数额未起草为规则（请核对，必要时手工补写）：\n"
        header += "".join(f"#   - {u.line()}\n" for u in left)
    # The document's own words: each rule's names, its unit (亩, 平方米) and its level words (省级, 4A级),
    # so a question using them is read as about this document.
    terms = sorted({a for d in drafts for a in d.aliases} | {w for d in drafts for w in d.unit_words}
                   | {w for d in drafts for t in d.tiers for w in [t.get("label"), *t.get("words", [])] if w})
    body = yaml.safe_dump({"doc_id": doc.doc_id, "reviewed": False, "terms": terms, "conditions": conditions,
                           "topics": find_topics(doc, drafts), "rules": [d.to_yaml_dict() for d in drafts]},
                          allow_unicode=True, sort_keys=False)
    path.write_text(header + body, encoding="utf-8")
    return path, drafts
