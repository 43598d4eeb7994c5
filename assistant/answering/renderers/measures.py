"""A measure: its calculation (or the rule's figures and what is missing), its verdicts and its quote."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from assistant.answering.composer import EN, Composer, checklist, clause_name, trace_en, yuan_en
from assistant.answering.kind_answers import render_kind
from assistant.knowledge.calculator import calculate, check_threshold, per_enterprise, within_firm_cap
from assistant.knowledge.eligibility import check_eligibility
from assistant.knowledge.kinds import EXTRA_KINDS, describe
from assistant.knowledge.rules import Rule
from assistant.knowledge.types import Facts, Inputs
from assistant.reading.plan import Plan
from assistant.reading.topic import EACH
from assistant.text.formats import format_rate, format_yuan

# The items of a message belong to several firms, each with a cap of its own.
SEVERAL_FIRMS = re.compile(r"[两二三四五几多]家(?:子公司|公司|企业|单位|独立法人)|独立法人|各自|"
                           r"(?:[A-ZＡ-Ｚ甲乙丙]|一家|另一家)(?:公司|企业|子公司)[^。？?！!]{1,40}(?:[A-ZＡ-Ｚ甲乙丙]|另一家)(?:公司|企业|子公司)"
                           r"|(?:two|three|several) (?:companies|firms|subsidiaries|legal entities)", re.I)

# a total is asked of several items ("一共能补多少", "合起来"), even where each was bought apart (分别投保)
TOTAL_ASKED = re.compile(r"一共|合计|总共|加起来|合起来|总计|共计|总额|in total|altogether|combined", re.I)

# a cap per unit (每人天, 每人每月, 每件): a bound on each unit, never the firm's sum
PER_UNIT_CAP = re.compile(r"^每(?!个企业|家|个项目|个平台|项)")

# the rate is asked ("按多少比例给"), not how much the firm gets ("能拿多少", "最多补多少钱")
RATE_ASKED = re.compile(r"比例|百分之几|几成|百分比|what (?:rate|percentage|share)|\brate\b|percent", re.I)
AMOUNT_ASKED = re.compile(r"能拿|能补|可获|拿多少|补多少|给多少钱|多少钱|金额|最多|最高|上限|封顶|how much", re.I)

# how much is asked (not only whether): "能拿多少", "金额", "how much"
SUM_ASKED = re.compile(r"多少|几[十百千万]|金额|数额|怎么算|如何计算|算一下|算算|帮我算|how much|what amount", re.I)


def firm_totals(plan: Plan) -> tuple[list, dict[str, list[Decimal]]]:
    """The plan's tasks with one firm's several items of a rule whose cap is per enterprise joined into
    one, on their sum ("同一家企业两笔保费900万和1600万，最多能补多少": the firm's cap bounds the sum), and
    the items joined by rule id. Items asked about each (分别/各) stay apart, each within what the cap
    leaves, unless a total is asked too; items of several firms (两家子公司) are never joined."""
    tasks = list(plan.tasks)
    if (EACH.search(plan.text) and not TOTAL_ASKED.search(plan.text)) or SEVERAL_FIRMS.search(plan.text):
        return tasks, {}
    items: dict[str, list[Decimal]] = {}
    for rule, base in tasks:
        if per_enterprise(rule) and rule.kind == "subsidy" and isinstance(base, Decimal):
            items.setdefault(rule.id, []).append(base)
    items = {k: v for k, v in items.items() if len(v) > 1}
    out, done = [], set()
    for rule, base in tasks:
        if rule.id in items and isinstance(base, Decimal):
            if rule.id not in done:
                done.add(rule.id)
                out.append((rule, sum(items[rule.id], Decimal(0))))
            continue
        out.append((rule, base))
    return out, items


def render_measure(rule: Rule, base, plan: Plan, c: Composer, calcs, verdicts, follow, items=None) -> None:
    en = c.lang == "en"
    clause = clause_name(rule.clause)
    where = f"{c.doc_name(rule.doc_id)}" if c.many else ""
    if not rule.reviewed:
        c.head.append(f"{where}{clause}有相关数额，但相应规则尚未人工审核，暂不计算，请以原文为准。{c.cite(rule.citation)}")
        c.add_quote(rule.citation)
        return
    if rule.kind == "threshold":
        if base is None:
            c.head.append(f"**{rule.name}**：{rule.base}{format_yuan(rule.threshold)}{rule.boundary}。{c.cite(rule.citation)}")
            follow.append(f"请提供项目{rule.base}金额（如“1200万元”），以便判断是否达到门槛。")
        else:
            v = check_threshold(rule, base)
            verdicts.append(v)
            c.head.append(f"**{'达到' if v.met else '未达到'}{rule.name}**：{v.detail}。{c.cite(rule.citation)}")
        c.add_quote(rule.citation)
        return
    given = base.base if isinstance(base, Inputs) else base  # the amount asked about, of either form
    whether = plan.yes_no and not SUM_ASKED.search(plan.text) and given is None
    short = [x.criterion for x in rule.conditions if x.kind == "minimum" and plan.facts.flag(x.fact or "") is False]
    if short:
        # "注册资本只有800万，总部奖励能拿吗": below a minimum the award requires, nothing is computed
        c.head.append(f"**{rule.name}** (clause {rule.clause}): the text requires “{'”, “'.join(short)}”, which the figure you "
                      f"gave does not reach, so no amount is computed.{c.cite(rule.citation)}" if c.lang == "en" else
                      f"**{rule.name}**（{where}{clause}）：原文要求“{'”“'.join(short)}”，按您提供的数额不满足，"
                      f"不能享受该项支持，故不计算金额。{c.cite(rule.citation)}")
    elif rule.kind in EXTRA_KINDS and whether:
        # "60个见习生，能评示范基地拿那个补贴吗": whether is asked; the conditions answer it, not a computed award
        c.head.append(f"**{rule.name}** (clause {rule.clause}): {describe(rule)}; whether you can apply depends on the "
                      f"conditions below.{c.cite(rule.citation)}" if en else
                      f"**{rule.name}**（{where}{clause}）：{describe(rule)}；能否申请，取决于原文所列条件。{c.cite(rule.citation)}")
    elif rule.kind in EXTRA_KINDS:  # what the user's facts select, or what is missing (kind_answers)
        render_kind(rule, base, c, calcs, follow, f"{where}{clause}")
    elif rule.kind == "subsidy" and base is None:
        if en:
            c.head.append(EN["no_base"].format(name=rule.name, clause=rule.clause, rate=format_rate(rule.rate),
                                               base=rule.base, cap=format_yuan(rule.cap), per=rule.cap_per)
                          + c.cite(rule.citation))
        else:
            c.head.append(f"**{rule.name}**（{where}{clause}）：按不超过{rule.base}的{format_rate(rule.rate)}给予补贴，"
                          f"{rule.cap_per}最高不超过{format_yuan(rule.cap)}。{c.cite(rule.citation)}")
        follow.append(f"请提供{rule.base}金额（如“1200万元”），以便计算可获补贴上限。")
    elif rule.kind == "cap_only" and rule.rate is None and rule.upper and RATE_ASKED.search(plan.text) \
            and not AMOUNT_ASKED.search(plan.text):
        # "首试用补贴按多少比例给？": the rate is asked; the text sets none, only a maximum, which is no answer to compute
        c.head.append(f"**{rule.name}** (clause {rule.clause}): the text sets no rate, only a maximum of "
                      f"{yuan_en(rule.cap)}.{c.cite(rule.citation)}" if c.lang == "en" else
                      f"**{rule.name}**（{where}{clause}）：原文未规定补贴比例，只规定{rule.cap_per or ''}最高不超过"
                      f"{format_yuan(rule.cap)}。{c.cite(rule.citation)}")
    elif rule.kind == "cap_only" and (whether or (rule.upper and rule.rate is None and PER_UNIT_CAP.match(rule.cap_per or ""))):
        # "住宿费…每人天最高不超过150元": a bound per person and day is no sum for this firm; quoted, never computed
        # "可以申请那个1万元的补贴吗": whether is asked, not how much; the conditions answer it, the text's figure is quoted
        figure = f"{rule.cap_per or ''}最高不超过{format_yuan(rule.cap)}" if rule.upper else f"给予{format_yuan(rule.cap)}"
        tail = ("whether you can apply depends on the conditions below", "能否申请，取决于原文所列条件") if whether else \
            ("the amount is what is actually spent, within that bound per unit", "按实际发生额核定，每个单位不超过该标准")
        c.head.append(f"**{rule.name}** (clause {rule.clause}): the text sets {figure}; {tail[0]}.{c.cite(rule.citation)}"
                      if en else f"**{rule.name}**（{where}{clause}）：原文规定{figure}；{tail[1]}。{c.cite(rule.citation)}")
    else:
        calc = calculate(rule, base)
        if items:  # one firm's items under one cap: computed once on their sum, the items shown
            calc = replace(calc, trace=f"同一企业各项合计{' + '.join(format_yuan(i) for i in items)} = "
                                       f"{format_yuan(calc.base_yuan)}；{calc.trace}")
        if per_enterprise(rule) and calc.base_yuan is not None and not SEVERAL_FIRMS.search(plan.text):
            # one cap for all of one firm's items; firms of their own ("两家子公司…A公司…B公司") each have theirs
            used = c.firm_used.get(rule.id, Decimal(0))
            calc = within_firm_cap(rule, calc, used)
            c.firm_used[rule.id] = used + calc.amount_yuan
        calcs.append(calc)
        if en:
            c.head.append(EN["amount"].format(amount=yuan_en(calc.amount_yuan), name=rule.name, clause=rule.clause)
                          + c.cite(rule.citation))
        else:
            lead = "最高可获" if rule.kind == "subsidy" or rule.upper else "可获"  # a set award is not a bound
            figure = f"{lead}{format_yuan(calc.amount_yuan)}"
            if rule.kind == "cap_only" and rule.upper and rule.rate is None:  # a cap, not what this firm gets
                figure = f"原文未规定补贴比例，{rule.cap_per or ''}支持金额最高不超过{format_yuan(calc.amount_yuan)}"
            c.head.append(f"**{rule.name}：{figure}**（{where}{clause}）{c.cite(rule.citation)}")
        if (was := plan.added.get(rule.base_key or "")) and calc.base_yuan == was[0] + sum(was[1], Decimal(0)):
            c.lines.append(f"按原{rule.base}{format_yuan(was[0])}加上新增的"
                           f"{'、'.join(format_yuan(x) for x in was[1])}，合计{format_yuan(calc.base_yuan)}计算。")
        if plan.assumed.get(rule.id) == base and calc.base_yuan is not None:
            c.lines.append(f"Taken as the {rule.base} you gave: {format_yuan(base)}." if en
                           else f"按您所说的{rule.base}{format_yuan(base)}计算。")
        c.lines.append(f"{EN['trace']}{trace_en(calc)}" if en else f"计算过程：{calc.trace}")
        if (rule.kind == "subsidy" or rule.upper) and not any("不超过”是上限" in x or EN["upper"] in x for x in c.lines):
            c.lines.append(EN["upper"] if en else "“不超过”是上限：实际金额以主管部门评审核定为准。")
    c.add_quote(rule.citation, "\n" + (EN["basis"] if en else "政策依据：") + "\n")
    for note in rule.open_terms:
        c.lines.append(EN["note"].format(note=note) if en else f"说明：{note}")
    facts = plan.facts if plan.facts.date else Facts(**{**plan.facts.__dict__, "date": c.on})
    found = check_eligibility(rule, facts, facts.date, c.kb.validity(rule), c.kb.lexicon)
    checklist(c, found)
    verdicts.extend(found)
    follow.extend(v.ask for v in found if v.met is None and v.ask)
