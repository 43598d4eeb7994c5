"""政策匹配: an enterprise's situation against every measure at once, and the /match endpoint.

What holds for every measure (the validity period, a condition all of them share) is said once above
the results; each row shows only what is its own. A measure whose text fixes no rate shows its cap as a
cap ("上限"), never as a computed amount. On a phone the table reads as cards (CSS)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

import gradio as gr

from assistant.answering.match import Match
from assistant.errors import PolicyError
from assistant.knowledge.base import parse_date
from assistant.knowledge.rules import Rule
from assistant.text.amounts import parse_amount
from assistant.text.inputs import as_choice_text, as_text, clean_value
from assistant.web.common import TRI_CHOICES, UNEXPECTED, field_error, render, validity_notices
from assistant.web.render import FieldError, FormError, _tri, clause_name

log = logging.getLogger(__name__)

MATCH_STATUS = {
    "computed": ("可申请", "pa-yes"),
    "needs_confirm": ("需确认", "pa-unknown"),
    "not_eligible": ("条件不符", "pa-no"),
    "needs_input": ("待补充金额", "pa-unknown"),
    "unreviewed": ("规则未审核", "pa-unreviewed"),
}
PROFILE_EXAMPLE = '{"registered_in": "北京", "industry": "软件和信息服务业", "project_in_library": true, "platform_investment": "2000万元"}'


@dataclass(frozen=True)
class AmountField:
    """One amount input of the 政策匹配 form: a profile key (a rule's ``base_key``) and what it is for."""

    key: str
    label: str
    rules: tuple[Rule, ...]

    @property
    def hint(self) -> str:
        """Which measures use this amount (names already in the label are not repeated)."""
        return "用于：" + "；".join(clause_name(r.clause) + ("" if r.name in self.label else f" {r.name}")
                                   for r in self.rules)


@dataclass
class MatchResult:
    on: dt.date
    matches: list[Match]

    def to_list(self) -> list[dict]:
        """The /match endpoint's JSON: each measure's ``Match.to_dict()``, in match order."""
        return [m.to_dict() for m in self.matches]


def match_placeholder() -> str:
    return render("match_placeholder.html")


def _timing(v) -> bool:
    return v.criterion.startswith("申请时间")


class MatchTab:
    """WebApp's 政策匹配 handlers."""

    def match_fields(self) -> list[AmountField]:
        """The amount inputs: one per distinct ``base_key`` of the reviewed rules that compute an amount.

        Labels are the rules' own ``base`` text; two keys with the same text (项目投资额) get their
        measure's name added so that the form never shows two identical labels."""
        by_key: dict[str, list[Rule]] = {}
        for rule in self.kb.rules:
            if rule.reviewed and rule.kind == "subsidy" and rule.base_key:
                by_key.setdefault(rule.base_key, []).append(rule)
        labels = {key: rules[0].base or key for key, rules in by_key.items()}
        counts: dict[str, int] = {}
        for label in labels.values():
            counts[label] = counts.get(label, 0) + 1
        out = []
        for key, rules in by_key.items():
            label = labels[key]
            if counts[label] > 1:
                label = f"{label}（{'、'.join(dict.fromkeys(r.name for r in rules))}）"
            out.append(AmountField(key, label, tuple(rules)))
        return out

    def match(self, registered_in: str = "", industry: str = "", in_library: str | bool | None = None,
              listed_products: str | bool | None = None, date: str = "",
              amounts: dict[str, str] | None = None, flags: dict[str, str | bool | None] | None = None) -> MatchResult:
        """The 政策匹配 form. Every bad field is reported at once: FormError(field → message), where
        field is ``date``, ``in_library``, ``listed_products``, an amount's profile key or a yes/no fact
        the rule files define (``flags``: fact → 是/否/不清楚)."""
        errors: dict[str, str] = {}
        profile: dict = {}
        for fact, value in (flags or {}).items():
            try:
                profile[fact] = _tri(value, self.kb.flag_label(fact, fact), fact)
            except FieldError as exc:
                errors[fact] = str(exc)
        if (registered_in or "").strip():
            profile["registered_in"] = registered_in.strip()
        if (industry or "").strip():
            profile["industry"] = industry.strip()
        for name, value, what, key in (("in_library", in_library, "项目是否入库", "project_in_library"),
                                       ("listed_products", listed_products, "是否列入产品清单", "uses_listed_products")):
            try:
                profile[key] = _tri(value, what, name)
            except FieldError as exc:
                errors[name] = str(exc)
        on = self.bot.today()
        if (date or "").strip():
            try:
                on = parse_date(date)
                profile["date"] = on.isoformat()
            except PolicyError as exc:
                errors["date"] = str(exc)
        labels = {f.key: f.label for f in self.match_fields()}
        for key, text in (amounts or {}).items():
            if not (text or "").strip():
                continue
            try:
                parse_amount(text)
            except PolicyError as exc:
                errors[key] = str(exc)
                continue
            profile[key] = text.strip()
        if errors:
            raise FormError(errors, labels)
        return MatchResult(on, self.bot.match(profile))

    def match_json(self, profile: str | dict | None) -> MatchResult:
        """The /match endpoint: a profile as a JSON object (or its text), keys as ``python -m assistant match``."""
        if isinstance(profile, str):
            if not profile.strip():
                raise PolicyError(f"企业画像为空，请提供 JSON 对象，例如：{PROFILE_EXAMPLE}")
            try:
                profile = json.loads(profile)
            except json.JSONDecodeError as exc:
                raise PolicyError(f"企业画像不是有效的 JSON（第{exc.lineno}行第{exc.colno}列附近有误），"
                                  f"例如：{PROFILE_EXAMPLE}") from None
            except RecursionError:
                raise PolicyError(f"企业画像嵌套过深，应为一层的 JSON 对象，例如：{PROFILE_EXAMPLE}") from None
        if not isinstance(profile, dict):
            raise PolicyError(f"企业画像应为 JSON 对象，例如：{PROFILE_EXAMPLE}")
        profile = clean_value(profile)
        flags = [(c.fact, c.criterion, c.fact) for c in self.kb.flag_conditions()
                 if c.fact not in ("project_in_library", "uses_listed_products")]
        for key, what, name in (("project_in_library", "项目是否入库", "in_library"),
                                ("uses_listed_products", "是否列入产品清单", "listed_products"), *flags):
            if key in profile:  # also 不清楚, as in the form
                profile[key] = _tri(as_choice_text(profile[key], f"企业画像字段 {key}"), what, name)
        on = self.bot.today()
        if profile.get("date") not in (None, ""):
            on = parse_date(as_text(profile["date"], "企业画像字段 date"))
        return MatchResult(on, self.bot.match(profile))

    def match_html(self, r: MatchResult) -> str:
        """Results in match order (可申请 first, largest amount first): what all share once, then one row each."""
        matches = r.matches
        if not matches:
            return render("match_result.html", rows=[], r=r)
        judged = [m for m in matches if m.status != "unreviewed"]
        # a condition open in every row (e.g. 注册经营地 not yet given) is said once, above the rows
        open_sets = [{(v.criterion, v.met) for v in m.verdicts if v.met is not True and not _timing(v)} for m in judged]
        shared_keys = set.intersection(*open_sets) if len(open_sets) > 1 else set()
        shared = list({(v.criterion, v.met): v for m in judged for v in m.verdicts
                       if (v.criterion, v.met) in shared_keys}.values())
        labels = {f.key: f.label for f in self.match_fields()}
        rows = [self._match_row(m, shared_keys, labels) for m in matches]
        counts = {}
        for row in rows:
            counts[row["word"]] = counts.get(row["word"], 0) + 1
        doc_ids = list(dict.fromkeys(m.rule.doc_id for m in matches))
        return render("match_result.html", r=r, rows=rows, counts=counts, shared=shared, several=len(doc_ids) > 1,
                      first=matches[0], anchors=self.anchors,
                      validity=validity_notices(self.kb.docs, self.anchors, doc_ids, r.on))

    def _match_row(self, m: Match, shared_keys: set, labels: dict[str, str]) -> dict:
        word, cls = MATCH_STATUS.get(m.status, (m.status, "pa-unknown"))
        rule, calc = m.rule, m.calculation
        failing = [v for v in m.verdicts if v.met is False]
        if m.status == "not_eligible" and failing and all(_timing(v) for v in failing):
            word = "有效期已过"
        # a rate the text does not fix: the figure is a cap, not a computed amount
        cap_only = (calc is not None and calc.base_yuan is None and calc.rate is None and rule.kind == "cap_only"
                    and rule.upper)  # a set award (给予企业300万元奖励) is what the firm gets, not a cap
        hint = ""
        if m.status == "needs_input" and rule.base:
            cap = f"；{rule.cap_per or ''}最高不超过" if rule.cap is not None else ""
            hint = {"label": labels.get(rule.base_key or "", rule.base), "cap": cap, "cap_yuan": rule.cap}
        note = m.note if m.note and m.status not in ("not_eligible", "needs_input", "needs_confirm") else ""
        if m.status == "needs_input" and rule.kind != "subsidy":
            note = m.note
        open_items = [v for v in m.verdicts
                      if v.met is not True and not _timing(v) and (v.criterion, v.met) not in shared_keys]
        return {"m": m, "rule": rule, "calc": calc, "word": word, "cls": cls, "cap_only": cap_only, "hint": hint,
                "note": note, "open": open_items,
                "all_met": bool(m.verdicts) and all(v.met is True for v in m.verdicts if not _timing(v))}


def build(web, endpoint):
    """The 政策匹配 tab (called inside its ``gr.Tab``)."""
    amount_fields = web.match_fields()
    today = web.bot.today()
    gr.HTML(render("match_intro.html"), js_on_load=None)
    with gr.Row():
        m_registered = gr.Textbox(label="注册经营地", placeholder="如：北京市海淀区", elem_id="match-registered",
                                  min_width=200)
        m_industry = gr.Textbox(label="所属行业", placeholder="如：软件和信息服务业、制造业", elem_id="match-industry",
                                min_width=200)
        with gr.Column(min_width=200):
            m_date = gr.Textbox(label="申请日期（可选）", elem_id="match-date",
                                placeholder=f"默认今天（{today.isoformat()}），如：2023-06-01")
            m_date_msg = gr.HTML("", elem_id="match-date-msg", js_on_load=None)
    with gr.Row():
        m_library = gr.Radio(TRI_CHOICES, value="不清楚", label=f"是否满足：{web.kb.flag_label('project_in_library', '项目已入库')}",
                             elem_id="match-library", min_width=200)
        m_listed = gr.Radio(TRI_CHOICES, value="不清楚", label=f"是否满足：{web.kb.flag_label('uses_listed_products', '产品已列入清单')}",
                            elem_id="match-listed", min_width=200)
    # the other yes/no facts the clauses require (牵头单位, 对外提供服务 …), from the rule files
    extra_flags = [c for c in web.kb.flag_conditions() if c.fact not in ("project_in_library", "uses_listed_products")]
    m_flags = []
    if extra_flags:
        with gr.Row():
            for c in extra_flags:
                m_flags.append(gr.Radio(TRI_CHOICES, value="不清楚", label=f"是否满足：{c.criterion}",
                                        elem_id=f"match-flag-{c.fact}", min_width=200))
    m_amounts, m_amount_msgs = [], []
    per_row = 3
    for i in range(0, len(amount_fields), per_row):
        with gr.Row(equal_height=False):
            for f in amount_fields[i:i + per_row]:
                with gr.Column(min_width=200):
                    m_amounts.append(gr.Textbox(label=f.label, info=f.hint, elem_id=f"match-{f.key}",
                                                placeholder="如：2000万（不知道可留空）"))
                    m_amount_msgs.append(gr.HTML("", elem_id=f"match-{f.key}-msg", js_on_load=None))
            for _ in range(per_row - len(amount_fields[i:i + per_row])):
                gr.Column(min_width=200)  # keeps the last row's fields as wide as the others
    with gr.Row():
        match_btn = gr.Button("匹配", variant="primary", elem_id="match-run", scale=0, min_width=240)
    match_out = gr.HTML(match_placeholder(), elem_id="match-result", js_on_load=None)

    def on_match(registered_in, industry, in_library, listed, date, *rest):
        """→ (date message, one message per amount field, result panel)."""
        flag_values, amounts = rest[:len(extra_flags)], rest[len(extra_flags):]
        flags = {c.fact: v for c, v in zip(extra_flags, flag_values, strict=True)}
        texts = dict(zip([f.key for f in amount_fields], amounts, strict=True))
        date_ok = web.preview_date(date)
        amount_ok = [web.preview_amount(t) for t in amounts]
        try:
            result = web.match(registered_in, industry, in_library, listed, date, texts, flags)
        except FormError as exc:
            errors = exc.errors
            shown = {"date", *texts}
            rest = [msg for name, msg in errors.items() if name not in shown]
            panel = ('<div class="pa-details">' + "".join(field_error(m) for m in rest)
                     + ('<p class="pa-muted">请先更正上面标红的输入。</p>' if len(rest) < len(errors) else "")
                     + "</div>")
            return (field_error(errors["date"]) if "date" in errors else date_ok,
                    *[field_error(errors[f.key]) if f.key in errors else ok for f, ok in zip(amount_fields, amount_ok, strict=True)],
                    panel)
        except PolicyError as exc:
            return (date_ok, *amount_ok, f'<div class="pa-details">{field_error(str(exc))}</div>')
        except Exception:
            log.exception("政策匹配时出错")
            return (date_ok, *amount_ok, f'<div class="pa-details">{field_error(UNEXPECTED)}</div>')
        return (date_ok, *amount_ok, web.match_html(result))

    @endpoint(UNEXPECTED)
    def api_match(profile: str) -> list[dict]:
        """政策匹配：profile 为企业画像 JSON，如 {"registered_in": "北京", "platform_investment": "2000万元"}；
        返回每项措施的匹配结果（Match.to_dict()），可申请的在前、金额大的在前。"""
        return web.match_json(profile).to_list()

    private = {"api_visibility": "private"}
    m_date.change(web.preview_date, [m_date], [m_date_msg], queue=False, show_progress="hidden", **private)
    for box, box_msg in zip(m_amounts, m_amount_msgs, strict=True):
        box.change(web.preview_amount, [box], [box_msg], queue=False, show_progress="hidden", **private)
    match_inputs = [m_registered, m_industry, m_library, m_listed, m_date, *m_flags, *m_amounts]
    match_outputs = [m_date_msg, *m_amount_msgs, match_out]
    for trigger in (match_btn.click, m_date.submit, *[box.submit for box in m_amounts]):
        trigger(on_match, match_inputs, match_outputs, **private)
    gr.api(api_match, api_name="match")
