"""补贴计算器: pick a measure, give what its kind needs (an amount, a level, a quantity, a year), get the
upper bound with its trace, the self-check list and the clause; and the /calculate endpoint.

What a rule needs comes from ``kinds.needs`` (one place); a threshold rule is judged, every other kind
is computed through ``calculator.compute``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr

from assistant.errors import PolicyError
from assistant.knowledge.base import parse_date
from assistant.knowledge.calculator import compute
from assistant.knowledge.kinds import EXTRA_KINDS, describe, needs, number
from assistant.knowledge.types import Calculation, Facts, Inputs, Verdict
from assistant.reading.quantities import read_quantity, read_year
from assistant.text.amounts import parse_amount
from assistant.text.formats import format_yuan
from assistant.text.inputs import as_amount_text, as_choice_text, as_text
from assistant.web.common import TRI_CHOICES, UNEXPECTED, field_error, render, typed
from assistant.web.render import FieldError, _tri, cn_date, full_yuan


@dataclass
class CalcResult:
    rule_id: str
    on: object
    rule: object
    calculation: Calculation | None = None
    threshold: Verdict | None = None
    eligibility: list[Verdict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The /calculate endpoint's JSON: exact decimal strings in yuan, plus display text."""
        rule, calc = self.rule, self.calculation
        return {
            "rule_id": rule.id, "clause": rule.clause, "name": rule.name, "kind": rule.kind,
            "date": self.on.isoformat(),
            "calculation": calc.to_dict() if calc else None,
            "amount_text": format_yuan(calc.amount_yuan) if calc else None,
            "threshold": ({"met": self.threshold.met, "detail": self.threshold.detail} if self.threshold else None),
            "eligibility": [v.to_dict() for v in self.eligibility],
            "notes": list(calc.notes) if calc else list(rule.open_terms),
            "citation": rule.citation.to_dict(),
        }


@dataclass(frozen=True)
class CalcFields:
    """Which inputs the form shows for a rule, and how they are labelled."""

    base_label: str
    needs_base: bool
    levels: tuple[str, ...] = ()  # a tiered rule's levels (a choice)
    level_label: str = ""
    quantity_label: str = ""  # "" : not needed
    years: bool = False


def calc_placeholder() -> str:
    return render("calc_placeholder.html")


def rule_needs(rule) -> tuple[str, ...]:
    if rule.kind == "threshold":
        return ("base",)
    if rule.kind == "cap_only":
        return ()
    return needs(rule)


class CalcTab:
    """WebApp's 补贴计算器 handlers."""

    def rule_choices(self) -> list[tuple[str, str]]:
        return [(f"{r.clause} {r.name}", r.id) for r in self.kb.rules]

    def calc_fields(self, rule_id: str) -> CalcFields:
        rule = self.kb.rules.get(rule_id)
        wanted = rule_needs(rule)
        base = f"{rule.base}（金额）" if "base" in wanted and rule.base else "计算基数（金额）"
        if "base" not in wanted:
            base = "计算基数（本项无需填写金额）"
        return CalcFields(
            base, "base" in wanted,
            tuple(t.label for t in rule.tiers) if "level" in wanted else (), rule.level or "级别",
            f"{rule.quantity or '数量'}（单位：{rule.unit}）" if "quantity" in wanted else "",
            "year" in wanted)

    def base_label(self, rule_id: str) -> tuple[str, bool]:
        """The base field's label for a rule, and whether the rule needs an amount at all."""
        f = self.calc_fields(rule_id)
        return f.base_label, f.needs_base

    def rule_card(self, rule_id: str) -> str:
        try:
            rule = self.kb.rules.get(rule_id)
        except PolicyError as exc:
            return render("notice.html", kind="warn", text=str(exc))
        return render("rule_card.html", rule=rule, anchors=self.anchors, extra=rule.kind in EXTRA_KINDS,
                      described=describe(rule) if rule.kind in EXTRA_KINDS else "")

    def preview_amount(self, text: str) -> str:
        """Live feedback under an amount field while typing: what we read (once), or why we cannot."""
        if not (text or "").strip():
            return ""
        try:
            value = parse_amount(text)
        except PolicyError as exc:
            return field_error(str(exc))
        short, exact = format_yuan(value), full_yuan(value)
        return render("field_ok.html", text=short if short == exact else f"{short}（{exact}）")

    def preview_date(self, text: str) -> str:
        if not (text or "").strip():
            return ""
        try:
            day = parse_date(text)
        except PolicyError as exc:
            return field_error(str(exc))
        return render("field_ok.html", text=cn_date(day))

    def calculate(self, rule_id: str, base: str, date: str = "", registered_in: str = "", industry: str = "",
                  in_library: str | bool | None = None, listed_products: str | bool | None = None, *,
                  level: str | None = None, quantity: str | None = None, year: str | int | None = None) -> CalcResult:
        """The calculator: raises FieldError (field = measure/base/date/in_library/listed_products/level/
        quantity/year). Values of the wrong type are refused with their field named; a number is yuan."""
        rule_id = typed("measure", as_text, rule_id, "支持措施 measure")
        date = typed("date", as_text, date, "申请日期 date")
        registered_in = typed("registered_in", as_text, registered_in, "注册经营地 registered_in")
        industry = typed("industry", as_text, industry, "所属行业 industry")
        in_library = typed("in_library", as_choice_text, in_library, "项目是否入库 in_library")
        listed_products = typed("listed_products", as_choice_text, listed_products, "是否列入产品清单 listed_products")
        try:
            rule = self.kb.rules.get((rule_id or "").strip())
        except PolicyError as exc:
            raise FieldError("measure", str(exc)) from None
        wanted = rule_needs(rule)
        base = typed("base", as_amount_text, base, "计算基数 base") if "base" in wanted else ""
        on = self.bot.today()
        if (date or "").strip():
            try:
                on = parse_date(date)
            except PolicyError as exc:
                raise FieldError("date", str(exc)) from None
        facts = Facts(registered_in=(registered_in or "").strip() or None, industry=(industry or "").strip() or None,
                      project_in_library=_tri(in_library, "项目是否入库", "in_library"),
                      uses_listed_products=_tri(listed_products, "是否列入产品清单", "listed_products"), date=on)
        result = CalcResult(rule.id, on, rule)
        if rule.kind == "threshold":
            try:
                result.threshold = self.kb.threshold(rule.id, parse_amount(base))
            except PolicyError as exc:
                raise FieldError("base", str(exc)) from None
        else:
            inputs = self._inputs(rule, wanted, base, level, quantity, year)
            try:
                result.calculation = compute(rule, inputs)
            except PolicyError as exc:
                raise FieldError(getattr(exc, "what", "base"), str(exc)) from None
        result.eligibility = self.kb.eligibility(rule.id, facts, on)
        return result

    @staticmethod
    def _inputs(rule, wanted, base, level, quantity, year) -> Inputs:
        given: dict = {}
        if "base" in wanted:
            try:
                given["base"] = parse_amount(base)
            except PolicyError as exc:
                raise FieldError("base", str(exc)) from None
        if "level" in wanted and (level or "").strip():
            if level not in {t.label for t in rule.tiers}:
                raise FieldError("level", f"“{level}”不是本项的级别，可选：{'、'.join(t.label for t in rule.tiers)}")
            given["level"] = level
        if "quantity" in wanted and str(quantity or "").strip():
            text = str(quantity).strip()
            try:
                given["quantity"] = read_quantity(rule, text) or number(text)
            except PolicyError:
                raise FieldError("quantity", f"无法识别“{text}”：请填写{rule.quantity or '数量'}，如“100{rule.unit}”") from None
        if "year" in wanted and str(year or "").strip():
            text = str(year).strip()
            found = int(text) if text.isdigit() else read_year(text if "第" in text else f"第{text}年")
            if not found or found < 1:
                raise FieldError("year", f"无法识别“{text}”：请填写第几年，如“3”或“第3年”")
            given["year"] = found
        return Inputs(**given)

    def calc_html(self, r: CalcResult) -> str:
        from assistant.web.common import validity_notices

        return render("calc_result.html", r=r, rule=r.rule, anchors=self.anchors,
                      validity=validity_notices(self.kb.docs, self.anchors, [r.rule.doc_id], r.on))


def build(web, endpoint):
    """The 补贴计算器 tab (called inside its ``gr.Tab``)."""
    choices = web.rule_choices()
    ids = [rule_id for _, rule_id in choices]
    default_rule = "platform_construction" if "platform_construction" in ids else (ids or [None])[0]
    f = web.calc_fields(default_rule) if default_rule else CalcFields("计算基数（金额）", True)
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            measure = gr.Dropdown(choices, value=default_rule, label="支持措施", elem_id="calc-measure")
            rule_card = gr.HTML(web.rule_card(default_rule), js_on_load=None)
            level = gr.Dropdown(list(f.levels), value=None, label=f.level_label or "级别", visible=bool(f.levels),
                                elem_id="calc-level")
            quantity = gr.Textbox(label=f.quantity_label or "数量", visible=bool(f.quantity_label),
                                  elem_id="calc-quantity", placeholder="如：100")
            year = gr.Textbox(label="享受支持的第几年", visible=f.years, elem_id="calc-year", placeholder="如：3 或 第3年")
            with gr.Row(equal_height=False, elem_id="calc-base-row"):
                base = gr.Textbox(label=f.base_label, interactive=f.needs_base, elem_id="calc-base", scale=4,
                                  min_width=160, placeholder="按习惯填写即可，如：1200万、2.5亿、3,000,000元、三千万")
                calc_btn = gr.Button("计算", variant="primary", elem_id="calc-run", scale=1, min_width=72)
            base_msg = gr.HTML("", elem_id="calc-base-msg", js_on_load=None)
            date = gr.Textbox(label="申请日期（可选）", elem_id="calc-date",
                              placeholder=f"默认今天（{web.bot.today().isoformat()}），如：2023-06-01")
            date_msg = gr.HTML("", elem_id="calc-date-msg", js_on_load=None)
            with gr.Accordion("企业情况（可选，用于资格自查）", open=False):
                registered_in = gr.Textbox(label="注册经营地", placeholder="如：北京市海淀区")
                industry = gr.Textbox(label="所属行业", placeholder="如：软件和信息服务业、制造业")
                in_library = gr.Radio(TRI_CHOICES, value="不清楚", label=f"是否满足：{web.kb.flag_label('project_in_library', '项目已入库')}")
                listed = gr.Radio(TRI_CHOICES, value="不清楚", label=f"是否满足：{web.kb.flag_label('uses_listed_products', '产品已列入清单')}")
        with gr.Column(scale=3, min_width=300):
            calc_out = gr.HTML(calc_placeholder(), elem_id="calc-result", js_on_load=None)

    def pick_measure(rule_id):
        try:
            f = web.calc_fields(rule_id)
        except PolicyError:
            f = CalcFields("计算基数（金额）", True)
        return (gr.update(label=f.base_label, interactive=f.needs_base),
                gr.update(choices=list(f.levels), value=None, label=f.level_label, visible=bool(f.levels)),
                gr.update(label=f.quantity_label or "数量", visible=bool(f.quantity_label), value=""),
                gr.update(visible=f.years, value=""),
                web.rule_card(rule_id), "", calc_placeholder())

    def on_calculate(rule_id, base, date, registered_in, industry, in_library, listed, level=None, quantity=None,
                     year=None):
        try:
            result = web.calculate(rule_id, base, date, registered_in, industry, in_library, listed,
                                   level=level, quantity=quantity, year=year)
        except FieldError as exc:
            message = field_error(str(exc))
            panel = ('<div class="pa-details"><p class="pa-muted">请先更正上面标红的输入。</p></div>'
                     if exc.field in ("base", "date") else f'<div class="pa-details">{message}</div>')
            return (message if exc.field == "base" else gr.update(),
                    message if exc.field == "date" else web.preview_date(date), panel)
        except Exception:
            return gr.update(), gr.update(), f'<div class="pa-details">{field_error(UNEXPECTED)}</div>'
        shown = web.preview_amount(base) if "base" in rule_needs(result.rule) else ""
        return shown, web.preview_date(date), web.calc_html(result)

    @endpoint(UNEXPECTED)
    def api_calculate(measure: str, base: str, date: str = "", registered_in: str = "", industry: str = "",
                      in_library: str = "", listed_products: str = "") -> dict:
        """补贴计算：measure 为规则编号（如 platform_construction），base 为计算基数金额（如“1200万”，数字按元计）。"""
        return web.calculate(measure, base, date, registered_in, industry, in_library, listed_products).to_dict()

    private = {"api_visibility": "private"}
    measure.change(pick_measure, [measure], [base, level, quantity, year, rule_card, base_msg, calc_out],
                   queue=False, **private)
    base.change(web.preview_amount, [base], [base_msg], queue=False, show_progress="hidden", **private)
    date.change(web.preview_date, [date], [date_msg], queue=False, show_progress="hidden", **private)
    inputs = [measure, base, date, registered_in, industry, in_library, listed, level, quantity, year]
    for trigger in (calc_btn.click, base.submit, date.submit, quantity.submit, year.submit):
        trigger(on_calculate, inputs, [base_msg, date_msg, calc_out], **private)
    gr.api(api_calculate, api_name="calculate")
