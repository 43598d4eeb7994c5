"""What the Gradio app shows: HTML rendering of answers, calculations and the policy text, and the
handlers behind each tab as plain methods (``WebApp``), so they are tested without a browser.

Everything a user typed, and every message that may echo it, is HTML-escaped before it is put in
HTML (``esc``) or in chat markdown (``md_safe``). Citations link to their clause in the 政策原文 tab
through ``#clause-…`` anchors; the page script (``PAGE_JS``) switches tabs, scrolls and highlights.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .answer import Answer
from .answer_log import AnswerLog
from .calculator import Calculation, Facts, Verdict
from .corpus import Document
from .draft import build_draft, titles_of
from .errors import PolicyError
from .inputs import as_amount_text, as_choice_text, as_text, clean_text, clean_value
from .knowledge import parse_date
from .match import Match
from .money import format_rate, format_yuan, parse_amount
from .private_files import make_private_root, private_dir, restrict, sweep, write_private
from .prompts import FALLBACK_NOTICES
from .render import (  # noqa: F401  (re-exported for the app and the tests)
    MARK,
    Anchors,
    FieldError,
    FormError,
    _short,
    _slug,
    _tri,
    _unit_key,
    banner,
    calculations_html,
    chat_markdown,
    checklist_html,
    citations_html,
    cite_link,
    clause_name,
    cn_date,
    esc,
    full_yuan,
    md_safe,
    validity_html,
)
from .rules import Rule
from .service import Assistant
from .settings import Settings

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"  # page CSS and script, kept out of the Python
TRI_CHOICES = ["不清楚", "是", "否"]
DRAFT_NAME = "政策咨询答复草稿"
EXAMPLES = [
    "平台建设投资1200万元，能补多少？",
    "我们是海淀区的软件企业，项目已入库，固定资产投资贷款6亿元，贴息最多多少？",
    "采购新产品投保，保费30万元能补多少？",
    "小批量测试投资2000万元，能拿多少补贴？",
    "哪些企业可以享受这个政策？",
    "这个政策现在还有效吗？",
]
FALLBACK = frozenset(FALLBACK_NOTICES.values())
UNEXPECTED = "抱歉，处理这个问题时出现了内部错误，已记录。请稍后重试，或换一种问法。"
PREPARING = "正在准备索引…"


# ---------------------------------------------------------------- escaping and small formatters
@dataclass
class CalcResult:
    rule_id: str
    on: dt.date
    rule: object
    calculation: Calculation | None = None
    threshold: Verdict | None = None
    eligibility: list[Verdict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The /calculate endpoint's JSON: exact decimal strings in yuan, plus display text."""
        rule = self.rule
        calc = self.calculation
        return {
            "rule_id": rule.id,
            "clause": rule.clause,
            "name": rule.name,
            "kind": rule.kind,
            "date": self.on.isoformat(),
            "calculation": calc.to_dict() if calc else None,
            "amount_text": format_yuan(calc.amount_yuan) if calc else None,
            "threshold": ({"met": self.threshold.met, "detail": self.threshold.detail} if self.threshold else None),
            "eligibility": [v.to_dict() for v in self.eligibility],
            "notes": list(calc.notes) if calc else list(rule.open_terms),
            "citation": rule.citation.to_dict(),
        }


# ---------------------------------------------------------------- 政策匹配's result
MATCH_STATUS = {
    "computed": ("可申请", "pa-yes"),
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


# ---------------------------------------------------------------- the handlers
@dataclass
class Turn:
    """One chat turn, ready for the UI."""

    markdown: str  # the chat bubble
    details: str  # the 回答依据 panel
    history: list[dict]  # the plain history for the next turn
    answer: Answer | None = None
    logged: bool = True


@dataclass
class DraftResult:
    markdown: str
    basis: str  # HTML: 政策依据 with links, calculation table, validity
    docx: Path
    md: Path
    answer: Answer


class WebApp:
    """The app's state shared by all sessions (read-only after start) and its handlers."""

    def __init__(self, settings: Settings | None = None, *, bot: Assistant | None = None,
                 answer_log: AnswerLog | None = None):
        self.settings = settings or (bot.settings if bot else Settings.from_env())
        self.bot = bot or Assistant(self.settings)
        self.kb = self.bot.kb
        self.log = answer_log or AnswerLog.from_settings(self.settings)
        self.anchors = Anchors(self.kb.docs)
        self._warm_lock = threading.Lock()
        self._warm = False
        self._warm_started: float | None = None
        self._source_html: str | None = None
        self._private_root: Path | None = None

    # -- private files
    @property
    def private_root(self) -> Path:
        """This process's own 0700 folder (created on first use, removed at exit)."""
        if self._private_root is None:
            self._private_root = make_private_root()
        return self._private_root

    @property
    def draft_dir(self) -> Path:
        return self.private_root / "drafts"

    @property
    def served_dir(self) -> Path:
        """Gradio's cache for the files it serves (``GRADIO_TEMP_DIR``): inside the private root."""
        return private_dir(self.private_root / "served")

    # -- start-up
    @property
    def ready(self) -> bool:
        """True once the embedding model and the index are loaded: the app can answer at once."""
        return self._warm

    def status_html(self) -> str:
        """The "preparing" banner shown until ``ready`` ("" afterwards)."""
        if self._warm:
            return ""
        waited = f"（已用时 {time.monotonic() - self._warm_started:.0f} 秒）" if self._warm_started else ""
        return banner("info", f"<b>{PREPARING}</b>首次启动需要载入向量模型并构建检索索引（一份政策约需几秒到十几秒，语料越多越久）{waited}。"
                              "此时提问也会得到回答，只是要等准备完成。")

    def warm_up(self) -> None:
        """Load the embedding model and open the index once, before (or instead of) racing requests."""
        if self._warm:
            return
        with self._warm_lock:
            if self._warm:
                return
            self._warm_started = time.monotonic()
            started = time.perf_counter()
            try:
                self.bot.understander.read("平台建设投资1200万元，能补多少？")
                self.bot.search("新基建 支持对象", k=1)
            except Exception:  # a broken model/index shows up in answers; warm-up must not kill the app
                log.exception("预热失败")
            self._warm = True
            log.info("预热完成，用时 %.1f 秒", time.perf_counter() - started)

    @staticmethod
    def fell_back(answer: Answer) -> bool:
        """A configured chat model failed and the grounded answer was given instead (agent's notices)."""
        return answer.mode != "llm" and any(n in FALLBACK for n in answer.notices)

    # -- 政策问答
    def ask(self, question: str, history: list[dict] | None, *, session: str | None = None,
            channel: str = "chat") -> tuple[Answer, bool]:
        """bot.ask plus the answer log; PolicyError propagates (its message is for the user)."""
        self.warm_up()
        answer = self.bot.ask(clean_text(question or ""), clean_value(history or []))
        return answer, self.log.append(answer, session=session, channel=channel)

    def chat_turn(self, message: str, history: list[dict] | None, *, session: str | None = None,
                  channel: str = "chat") -> Turn:
        history = list(history or [])
        try:
            answer, logged = self.ask(message, history, session=session, channel=channel)
        except PolicyError as exc:
            text = f"提示：{exc}"
            return Turn(md_safe(text), banner("warn", esc(text)), history)
        except Exception:
            log.exception("回答问题时出错")
            return Turn(UNEXPECTED, banner("warn", esc(UNEXPECTED)), history)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": answer.answer}]
        return Turn(chat_markdown(answer, self.anchors), self.details_html(answer, logged=logged),
                    history[-20:], answer, logged)

    def details_html(self, answer: Answer, *, logged: bool = True) -> str:
        """The 回答依据 panel: notices, 政策依据, calculation table, 资格自查表, what is still needed."""
        parts = [self._notices(answer, logged)]
        if answer.in_scope:
            on = _date_or(answer.asked_on, self.bot.today())
            doc_ids = [c.doc_id for c in answer.citations] or list(self.kb.docs)
            parts.append(validity_html(self.kb.docs, self.anchors, doc_ids, on))
        if answer.calculations:
            parts.append(section("计算过程", calculations_html(answer.calculations, self.anchors)))
        parts.append(section("政策依据", citations_html(answer.citations, self.anchors)))
        if answer.eligibility:
            parts.append(section("资格自查表", checklist_html(answer.eligibility, self.anchors)))
        if answer.follow_up:
            items = "".join(f"<li>{esc(q)}</li>" for q in answer.follow_up)
            parts.append(section("还需要了解", f'<ul class="pa-follow">{items}</ul>'))
        parts.append(self._mode_note(answer))
        return f'<div class="pa-details">{"".join(parts)}</div>'

    def _mode_note(self, answer: Answer) -> str:
        if answer.mode == "llm":
            text = "回答模式：对话模型组织语言；所有金额与引文已与计算器结果和政策原文逐一核对。"
        elif self.fell_back(answer):
            text = "回答模式：离线核算（grounded，对话模型失败后的回退）。"
        else:
            text = "回答模式：离线核算（grounded）——金额来自计算器，引文逐字来自政策原文。"
        return f'<p class="pa-mode pa-muted">{text}</p>'

    def _notices(self, answer: Answer, logged: bool) -> str:
        out = []
        if self.fell_back(answer):
            out.append(banner("warn", "<b>对话模型未能完成本次回答</b>，已自动改用离线核算模式（grounded）："
                                      "金额来自计算器，引文来自政策原文。"))
        out.extend(banner("warn" if n in FALLBACK else "info", "<b>提示</b>：" + esc(n)) for n in answer.notices)
        if answer.rejected_claims:
            out.append(banner("info", f"<b>提示</b>：已删去{len(answer.rejected_claims)}处无法与原文或计算结果核对的数字。"))
        if not answer.in_scope:
            out.append(banner("muted", "该问题不在本政策的覆盖范围内。"))
        if not logged:
            out.append(banner("muted", "提示：本次问答未能写入问答日志（已记录警告），不影响回答。"))
        return "".join(out)

    # -- 补贴计算器
    def rule_choices(self) -> list[tuple[str, str]]:
        return [(f"{r.clause} {r.name}", r.id) for r in self.kb.rules]

    def base_label(self, rule_id: str) -> tuple[str, bool]:
        """The base field's label for a rule, and whether the rule needs a base at all."""
        rule = self.kb.rules.get(rule_id)
        if rule.kind == "cap_only":
            return "计算基数（本项原文未规定比例，无需填写）", False
        return f"{rule.base}（金额）", True

    def rule_card(self, rule_id: str) -> str:
        try:
            rule = self.kb.rules.get(rule_id)
        except PolicyError as exc:
            return banner("warn", esc(exc))
        facts = []
        if rule.kind == "subsidy":
            facts.append(f"比例：不超过{esc(format_rate(rule.rate))}；上限：{esc(rule.cap_per or '')}{esc(format_yuan(rule.cap))}")
        elif rule.kind == "cap_only":
            facts.append(f"原文未规定比例；上限：{esc(rule.cap_per or '')}{esc(format_yuan(rule.cap))}")
        else:
            word = "（含本数）" if rule.inclusive else "（不含本数）"
            facts.append(f"门槛：{esc(rule.base)}{esc(format_yuan(rule.threshold))}{word}")
        head = cite_link(self.anchors, rule.citation, esc(clause_name(rule.clause)))
        return (f'<div class="pa-rule-card"><div class="pa-rule-head">{head} {esc(rule.name)}</div>'
                f'<div class="pa-rule-facts">{"".join(facts)}</div>'
                f'<blockquote class="pa-quote-text">“{esc(rule.quote)}”</blockquote></div>')

    def preview_amount(self, text: str) -> str:
        """Live feedback under the amount field while typing: what we read, or why we cannot."""
        if not (text or "").strip():
            return ""
        try:
            value = parse_amount(text)
        except PolicyError as exc:
            return field_error(str(exc))
        return f'<div class="pa-field-ok">识别为 {esc(format_yuan(value))}（{esc(full_yuan(value))}）</div>'

    def preview_date(self, text: str) -> str:
        """Live feedback under the date field."""
        if not (text or "").strip():
            return ""
        try:
            day = parse_date(text)
        except PolicyError as exc:
            return field_error(str(exc))
        return f'<div class="pa-field-ok">识别为 {esc(cn_date(day))}</div>'

    def calculate(self, rule_id: str, base: str, date: str = "", registered_in: str = "", industry: str = "",
                  in_library: str | bool | None = None, listed_products: str | bool | None = None) -> CalcResult:
        """The calculator: raises FieldError (field = measure/base/date/in_library/listed_products).

        Values of the wrong type are refused with their field named; a number is an amount in yuan."""
        rule_id = _typed("measure", as_text, rule_id, "支持措施 measure")
        base = _typed("base", as_amount_text, base, "计算基数 base")
        date = _typed("date", as_text, date, "申请日期 date")
        registered_in = _typed("registered_in", as_text, registered_in, "注册经营地 registered_in")
        industry = _typed("industry", as_text, industry, "所属行业 industry")
        in_library = _typed("in_library", as_choice_text, in_library, "项目是否入库 in_library")
        listed_products = _typed("listed_products", as_choice_text, listed_products, "是否列入两清单 listed_products")
        try:
            rule = self.kb.rules.get((rule_id or "").strip())
        except PolicyError as exc:
            raise FieldError("measure", str(exc)) from None
        on = self.bot.today()
        if (date or "").strip():
            try:
                on = parse_date(date)
            except PolicyError as exc:
                raise FieldError("date", str(exc)) from None
        facts = Facts(registered_in=(registered_in or "").strip() or None, industry=(industry or "").strip() or None,
                      project_in_library=_tri(in_library, "项目是否入库", "in_library"),
                      uses_listed_products=_tri(listed_products, "是否列入两清单", "listed_products"), date=on)
        result = CalcResult(rule.id, on, rule)
        try:
            if rule.kind == "threshold":
                result.threshold = self.kb.threshold(rule.id, parse_amount(base))
            elif rule.kind == "cap_only":
                result.calculation = self.kb.calculate(rule.id, None)
            else:
                result.calculation = self.kb.calculate(rule.id, parse_amount(base))
        except PolicyError as exc:
            raise FieldError("base", str(exc)) from None
        result.eligibility = self.kb.eligibility(rule.id, facts, on)
        return result

    def calc_html(self, r: CalcResult) -> str:
        rule = r.rule
        parts = []
        if r.threshold is not None:
            v = r.threshold
            word, cls = ("达到", "pa-yes") if v.met else ("未达到", "pa-no")
            parts.append(f'<div class="pa-amount-box {cls}"><div class="pa-amount-label">{esc(rule.name)}</div>'
                         f'<div class="pa-amount">{word}门槛</div><div class="pa-trace">{esc(v.detail)}</div></div>')
        elif r.calculation is not None:
            c = r.calculation
            parts.append(f'<div class="pa-amount-box"><div class="pa-amount-label">{esc(rule.name)} · 最高可获</div>'
                         f'<div class="pa-amount" id="calc-amount">{esc(format_yuan(c.amount_yuan))}</div>'
                         f'<div class="pa-exact">精确值：{esc(full_yuan(c.amount_yuan))}</div>'
                         f'<div class="pa-trace">{esc(c.trace)}</div></div>')
        parts.append(validity_html(self.kb.docs, self.anchors, [rule.doc_id], r.on))
        if r.calculation is not None:
            parts.append(section("计算过程", calculations_html([r.calculation], self.anchors)))
            parts.append('<p class="pa-muted">“不超过”是上限：实际金额以主管部门评审核定为准。</p>')
        if r.eligibility:
            parts.append(section("资格自查表", checklist_html(r.eligibility, self.anchors)))
        parts.append(section("政策依据", citations_html([rule.citation], self.anchors, numbered=False)))
        return f'<div class="pa-details">{"".join(parts)}</div>'

    # -- 政策匹配
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
              amounts: dict[str, str] | None = None) -> MatchResult:
        """The 政策匹配 form. Every bad field is reported at once: FormError(field → message), where
        field is ``date``, ``in_library``, ``listed_products`` or an amount's profile key."""
        errors: dict[str, str] = {}
        profile: dict = {}
        if (registered_in or "").strip():
            profile["registered_in"] = registered_in.strip()
        if (industry or "").strip():
            profile["industry"] = industry.strip()
        for name, value, what, key in (("in_library", in_library, "项目是否入库", "project_in_library"),
                                       ("listed_products", listed_products, "是否列入两清单", "uses_listed_products")):
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
        for key, what, name in (("project_in_library", "项目是否入库", "in_library"),
                                ("uses_listed_products", "是否列入两清单", "listed_products")):
            if key in profile:  # also 不清楚, as in the form
                profile[key] = _tri(as_choice_text(profile[key], f"企业画像字段 {key}"), what, name)
        on = self.bot.today()
        if profile.get("date") not in (None, ""):
            on = parse_date(as_text(profile["date"], "企业画像字段 date"))
        return MatchResult(on, self.bot.match(profile))

    def match_html(self, r: MatchResult) -> str:
        """The 政策匹配 table: one row per measure, in match order (可申请 first, largest amount first)."""
        matches = r.matches
        if not matches:
            return '<div class="pa-details"><p class="pa-muted">规则库中没有可匹配的支持措施。</p></div>'
        counts = {status: sum(m.status == status for m in matches) for status in MATCH_STATUS}
        summary = "、".join(f"{MATCH_STATUS[s][0]} {n} 项" for s, n in counts.items() if n)
        parts = [f'<p class="pa-match-summary">按{cn_date(r.on)}计，共 {len(matches)} 项支持措施：{summary}。</p>']
        doc_ids = list(dict.fromkeys(m.rule.doc_id for m in matches))
        parts.append(validity_html(self.kb.docs, self.anchors, doc_ids, r.on))
        several = len(doc_ids) > 1
        if not several:
            m = matches[0]
            number = f"（{esc(m.doc_number)}）" if m.doc_number else ""
            parts.append(f'<p class="pa-muted">政策文件：《{esc(m.doc_title)}》{number}</p>')
        head = ["状态", "支持措施", *(["政策文件"] if several else []), "条款", "最高可获", "计算过程 / 说明",
                "未满足或待确认的条件"]
        labels = {f.key: f.label for f in self.match_fields()}
        rows = [self._match_row(m, several, labels) for m in matches]
        parts.append('<div class="pa-match-wrap"><table class="pa-table pa-match"><thead><tr>'
                     + "".join(f"<th>{h}</th>" for h in head) + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
        parts.append('<p class="pa-muted">“最高可获”是各项措施按原文比例和上限算出的上限，实际金额以主管部门评审核定为准；'
                     "各项措施分别列出、不相加，能否同时享受以申报通知为准。点击条款可查看政策原文。</p>")
        return f'<div class="pa-details">{"".join(parts)}</div>'

    def _match_row(self, m: Match, several: bool, labels: dict[str, str]) -> str:
        word, cls = MATCH_STATUS.get(m.status, (m.status, "pa-unknown"))
        rule, calc = m.rule, m.calculation
        cells = [f'<td class="pa-verdict"><span class="pa-badge">{esc(word)}</span></td>', f"<td>{esc(rule.name)}</td>"]
        if several:
            number = f'<div class="pa-muted">{esc(m.doc_number)}</div>' if m.doc_number else ""
            cells.append(f"<td>《{esc(m.doc_title)}》{number}</td>")
        cells.append(f'<td class="pa-clause">{cite_link(self.anchors, rule.citation, esc(clause_name(rule.clause)))}</td>')
        amount = esc(format_yuan(calc.amount_yuan)) if calc else "—"
        cells.append(f'<td class="pa-amount-cell">{amount}</td>')
        lines = []
        if calc:
            lines.append(esc(calc.trace))
            lines.extend(f'<div class="pa-muted">说明：{esc(n)}</div>' for n in calc.notes)
        if m.status == "needs_input" and rule.base:
            cap = f"；{rule.cap_per or ''}最高不超过{format_yuan(rule.cap)}" if rule.cap is not None else ""
            label = labels.get(rule.base_key or "", rule.base)
            lines.append(f'<div class="pa-muted">填写“{esc(label)}”后即可算出金额{esc(cap)}</div>')
        elif m.note and m.status != "not_eligible":
            lines.append(f'<div class="pa-muted">{esc(m.note)}</div>')
        cells.append(f'<td class="pa-trace-cell">{"".join(lines) or "—"}</td>')
        open_items = []
        for v in m.verdicts:
            if v.met is True:
                continue
            vword, vcls = MARK[v.met]
            if v.met is None and v.ask and v.ask in v.detail:  # "尚不清楚：<the question>": the criterion says it
                text = esc(v.criterion)
            else:
                ask = f"（需补充：{esc(v.ask)}）" if v.met is None and v.ask else ""
                text = f"{esc(v.criterion)}：{esc(v.detail)}{ask}"
            open_items.append(f'<li class="{vcls}"><span class="pa-badge">{vword}</span> {text}</li>')
        if open_items:
            cells.append(f'<td><ul class="pa-open">{"".join(open_items)}</ul></td>')
        else:
            cells.append(f'<td class="pa-muted">{"均已符合" if m.verdicts else "—"}</td>')
        return f'<tr class="{cls}" data-rule="{esc(rule.id)}" data-status="{esc(m.status)}">{"".join(cells)}</tr>'

    # -- 答复起草
    def draft(self, inquiry: str, enterprise: str = "", *, session: str | None = None) -> DraftResult:
        inquiry, enterprise = as_text(inquiry, "企业咨询内容 inquiry"), as_text(enterprise, "来函单位 enterprise")
        if not (inquiry or "").strip():
            raise FieldError("inquiry", "请先粘贴企业的咨询内容，例如：“我公司建设测试验证平台投资1200万元，能获得多少补贴？”")
        answer, logged = self.ask(inquiry, [], session=session, channel="draft")
        draft = build_draft(answer, inquiry, enterprise=(enterprise or "").strip(), titles=titles_of(self.kb))
        markdown = draft.to_markdown()
        folder = self._draft_folder()
        docx_path = restrict(draft.to_docx(folder / f"{DRAFT_NAME}.docx"))
        md_path = write_private(folder / f"{DRAFT_NAME}.md", markdown)
        basis = [self._notices(answer, logged)]
        if answer.in_scope:
            doc_ids = [c.doc_id for c in answer.citations] or list(self.kb.docs)
            basis.append(validity_html(self.kb.docs, self.anchors, doc_ids, _date_or(answer.asked_on, self.bot.today())))
        if answer.calculations:
            basis.append(section("计算过程", calculations_html(answer.calculations, self.anchors)))
        basis.append(section("政策依据", citations_html(answer.citations, self.anchors)))
        basis.append(self._mode_note(answer))
        return DraftResult(markdown, f'<div class="pa-details">{"".join(basis)}</div>', docx_path, md_path, answer)

    def draft_files(self, markdown: str, folder: str | None = None) -> tuple[Path, Path]:
        """Download files for a draft the user edited: the .md as is, the .docx converted from it.

        ``folder`` (the session's earlier draft folder) is reused so that typing does not pile up folders."""
        reuse = Path(folder) if folder else None
        folder = reuse if reuse and reuse.parent == self.draft_dir and reuse.is_dir() else self._draft_folder()
        markdown = clean_text(markdown or "")
        md_path = write_private(folder / f"{DRAFT_NAME}.md", markdown)
        return restrict(markdown_to_docx(markdown, folder / f"{DRAFT_NAME}.docx")), md_path

    def _draft_folder(self) -> Path:
        """A new 0700 folder for one draft's files; folders older than POLICY_FILE_MAX_AGE are removed."""
        sweep(private_dir(self.draft_dir), self.settings.file_max_age)
        return Path(tempfile.mkdtemp(prefix="draft-", dir=self.draft_dir))

    # -- 政策原文
    def source_html(self) -> str:
        if self._source_html is None:
            self._source_html = "".join(source_doc_html(doc, self.anchors) for doc in self.kb.docs.values())
        return self._source_html

    def header_html(self) -> str:
        doc = next(iter(self.kb.docs.values()))
        return (f'<div class="pa-header"><h1>政策助手</h1><p>{esc(doc.meta.title)}'
                f'{"（" + esc("、".join(doc.meta.issuers)) + "）" if doc.meta.issuers else ""}：'
                "政策问答、补贴计算、政策匹配、答复起草。每个数字来自计算器，每条结论都附政策原文出处，点击出处可跳转到原文条款。</p></div>")


def _typed(field_name: str, convert, value, what: str):
    """``convert(value, what)`` with a type error tied to its form field."""
    try:
        return convert(value, what)
    except PolicyError as exc:
        raise FieldError(field_name, str(exc)) from None


def _date_or(text: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


def section(title: str, body: str) -> str:
    return f'<section class="pa-section-block"><h4>{esc(title)}</h4>{body}</section>'


def field_error(message: str) -> str:
    return f'<div class="pa-field-error" role="alert">{esc(message)}</div>'


def details_placeholder() -> str:
    return ('<div class="pa-details pa-placeholder"><h4>回答依据</h4><p class="pa-muted">提问后，这里会显示本次回答的'
            "政策依据（原文逐字引用，点击可跳转到原文条款）、计算过程表、资格自查表和有效期提示。"
            "点击对话中较早的回答，可以重新查看它的依据。</p></div>")


def calc_placeholder() -> str:
    return '<div class="pa-details pa-placeholder"><p class="pa-muted">选择支持措施、填写金额后点击“计算”。</p></div>'


def match_placeholder() -> str:
    return ('<div class="pa-details pa-placeholder"><p class="pa-muted">填写企业情况和已知的项目金额后点击“匹配”：'
            "这里会列出每一项支持措施——能否申请、最高可获多少、计算过程、还缺哪些条件，并附政策原文出处。"
            "没填金额的措施显示为“待补充金额”。</p></div>")


# ---------------------------------------------------------------- the policy text
def source_doc_html(doc: Document, anchors: Anchors) -> str:
    """The document with its structure; each unit's text is exact, so the page script can mark a span."""
    meta = doc.meta
    facts = []
    if meta.issuers:
        facts.append(f"发文机关：{esc('、'.join(meta.issuers))}")
    if meta.doc_number:
        facts.append(f"文号：{esc(meta.doc_number)}")
    if meta.valid_from or meta.valid_to:
        facts.append(f"有效期：{cn_date(meta.valid_from)}至{cn_date(meta.valid_to)}")
    toc, body = [], []
    for unit in doc.units:
        anchor = esc(anchors.of_unit(doc.doc_id, unit))
        attrs = f'id="{anchor}" data-start="{unit.start}" data-label="{esc(unit.label)}"'
        if unit.kind == "title":
            body.append(f'<h2 class="pa-unit pa-title" {attrs}>{esc(unit.text)}</h2>')
        elif unit.kind == "issuers":
            body.append(f'<p class="pa-unit pa-issuers" {attrs}>{esc(unit.text)}</p>')
        elif unit.kind == "part":
            heading = unit.text.split("\n", 1)[0]
            body.append(f'<h3 class="pa-unit pa-part" {attrs}>{esc(heading)}</h3>')
            toc.append(f'<li class="pa-toc-part"><a href="#{anchor}">{esc(unit.section or heading)}</a></li>')
        elif unit.kind == "measure":
            rest = unit.text[len(unit.label):]
            head, dot, tail = rest.partition("。")
            body.append(f'<p class="pa-unit pa-measure" {attrs}><strong class="pa-label">{esc(unit.label)}</strong>'
                        f'<strong>{esc(head + dot)}</strong>{esc(tail)}</p>')
            toc.append(f'<li class="pa-toc-measure"><a href="#{anchor}">{esc(unit.label)}{esc(unit.heading)}</a></li>')
        else:
            tag = {"scope": "适用范围", "validity": "施行期限"}.get(unit.kind)
            chip = f'<span class="pa-chip">{tag}</span>' if tag else ""
            body.append(f'<div class="pa-unit-row">{chip}<p class="pa-unit pa-{unit.kind}" {attrs}>{esc(unit.text)}</p></div>')
            if tag:
                toc.append(f'<li class="pa-toc-other"><a href="#{anchor}">{tag}</a></li>')
    return (f'<article class="pa-source" data-doc="{esc(doc.doc_id)}">'
            f'<div class="pa-source-meta">{" · ".join(facts)}</div>'
            f'<div class="pa-source-grid"><nav class="pa-toc"><h4>目录</h4><ul>{"".join(toc)}</ul></nav>'
            f'<div class="pa-source-body">{"".join(body)}</div></div></article>')


# ---------------------------------------------------------------- edited drafts → .docx
def markdown_to_docx(markdown: str, path: Path) -> Path:
    """A .docx from the (possibly edited) draft markdown: headings, bold lines and paragraphs."""
    import docx  # python-docx, only needed for the download

    document = docx.Document()
    for raw in clean_text(markdown).splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        m = re.match(r"^(#{1,3})\s+(.*)$", line)
        if m:
            document.add_heading(m[2].strip(), level=len(m[1]))
            continue
        para = document.add_paragraph()
        for i, chunk in enumerate(re.split(r"\*\*(.+?)\*\*", line)):
            if chunk:
                para.add_run(chunk).bold = i % 2 == 1
    path = Path(path)
    document.save(str(path))
    return path


# ---------------------------------------------------------------- page CSS and script
CSS = (STATIC / "app.css").read_text(encoding="utf-8")

# A delegated, capture-phase click handler: works for links inside any component (chat bubbles,
# HTML panels) and survives re-renders. Without it, the href still moves the :target highlight.
PAGE_JS = (STATIC / "page.html").read_text(encoding="utf-8")  # a <script> for the page head
