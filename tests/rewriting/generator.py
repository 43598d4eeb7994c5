"""Rewritings of the calculation questions that must not change the expected calculations.

Pure and deterministic: every random choice comes from ``random.Random`` seeded with a string built from
the seed, the relation and the source id, so adding a question to a set does not shift the others.

Sources: every case of tests/questions/{tune,holdout,holdout2,holdout3}.yaml with a non-empty ``calcs``
and no ``history``. Each rewriting is a dict in the schema of the question sets (tests/questions/README.md):
``id``, ``cat`` (the relation), ``q``, ``calcs`` (the source's, unchanged), ``date`` when the source had
one, and ``source`` (the source case id). Relations:

* ``distractor``    a sentence with figures about the firm that are not the base, before or after the question
* ``letter``        the question pasted into a letter (salutation, 此致 敬礼, company, contact, phone, date)
* ``traditional``   Traditional characters (OpenCC: s2t, s2hk, s2twp where they differ)
* ``amount_style``  the base amount written in another style (1200万 ↔ 1,200万元 ↔ 12000000元 ↔ 一千二百万 …)
* ``total_wording`` for 项目投资额 measures (scenario_lab, list_application): the base called 项目总投资/总投资
* ``noise``         punctuation width swaps, extra spaces, trailing ？？, full-width digits
* ``english``       a fixed subset rendered in English from templates per rule

``controls()`` are questions for each measure whose only figure is not a base (service income, an award
received elsewhere, registered capital, sum insured, revenue): ``cat: control``, ``calcs: []`` and
``figure`` (that figure in yuan); nothing may be computed on it.

    from tests.rewriting.generator import generate, fast_subset
    cases = generate()            # every rewriting and every control
    small = fast_subset(5)        # 5 per relation + every control
"""

from __future__ import annotations

import copy
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "tests" / "questions"
QUESTION_FILES = ("tune.yaml", "holdout.yaml", "holdout2.yaml", "holdout3.yaml")
SEED = "rewriting-v1"

RELATIONS = ("distractor", "letter", "traditional", "amount_style", "total_wording", "noise", "english")
CONTROL = "control"

# Rules whose base is 项目投资额 in the policy text.
TOTAL_WORDING_RULES = ("scenario_lab", "list_application")


# ---------------------------------------------------------------------------------------------- sources


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the sets load 20× faster


@cache
def _load(path: Path, mtime_ns: int) -> tuple[dict, ...]:
    return tuple(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or [])


def load_sources(files: Iterable[str | Path] = QUESTION_FILES) -> list[dict]:
    """Every calculation case (non-empty ``calcs``, no ``history``) of the question files, in file order."""
    out = []
    for name in files:
        path = Path(name) if Path(name).is_absolute() else QUESTIONS / name
        for case in _load(path, path.stat().st_mtime_ns):
            if case.get("calcs") and not case.get("history"):
                out.append(copy.deepcopy(case))
    return out


def _rng(seed: str, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _dec(value) -> Decimal:
    return Decimal(str(value).replace(",", "").strip())


def _bases(case: dict) -> list[Decimal]:
    return [_dec(c[2]) for c in case["calcs"] if len(c) > 2]


def _figures(case: dict) -> set[Decimal]:
    """Every expected base and amount: a distractor figure must equal none of them."""
    out = set()
    for c in case["calcs"]:
        out.add(_dec(c[1]))
        if len(c) > 2:
            out.add(_dec(c[2]))
    return out


_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_english(q: str) -> bool:
    return not _CJK.search(q)


def _rewriting(source: dict, relation: str, suffix: str, q: str, **extra) -> dict:
    out = {"id": f"{relation}-{source['id']}-{suffix}", "cat": relation, "q": q,
           "calcs": [list(c) for c in source["calcs"]]}
    if source.get("date"):
        out["date"] = str(source["date"])
    out["source"] = source["id"]
    out.update(extra)
    return out


# ---------------------------------------------------------------------------------------------- numbers


def fmt(d: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 12000000, 0.12, 1234.56."""
    s = format(d.normalize(), "f")
    return s


def fmt_comma(d: Decimal) -> str:
    whole, _, frac = fmt(d).partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 99


_CN = "零一二三四五六七八九"


def _section(x: int, lead: bool) -> str:
    """0 < x < 10000 in Chinese numerals (一千零五十, 十一 at the lead)."""
    out, zero = "", False
    for d, unit in zip((x // 1000, x // 100 % 10, x // 10 % 10, x % 10), ("千", "百", "十", ""), strict=True):
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _CN[d] + unit
    if lead and out.startswith("一十"):
        out = out[1:]
    return out


def chinese_int(n: int) -> str:
    """A positive integer < 10^12 in Chinese numerals: 12000000 → 一千二百万, 3500800 → 三百五十万零八百."""
    if n <= 0 or n >= 10**12:
        raise ValueError(n)
    yi, rest = divmod(n, 10**8)
    wan, one = divmod(rest, 10**4)
    out, gap = "", False
    for value, unit in ((yi, "亿"), (wan, "万"), (one, "")):
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        out += _section(value, lead=not out) + unit
        gap = False
    return out


def _liang(s: str) -> str:
    """二 before 千/百/万/亿 written 两, as people do (两千三百万, 两亿)."""
    return re.sub(r"二(?=[千百万亿])", "两", s)


# Styles an amount can be rewritten into (Chinese questions). Each returns None when it is not exact.
def _style_wan(v: Decimal) -> str | None:
    w = v / 10000
    return f"{fmt(w)}万" if _places(w) <= 4 else None


def _style_wan_comma_yuan(v: Decimal) -> str | None:
    w = v / 10000
    return f"{fmt_comma(w)}万元" if _places(w) <= 4 else None


def _style_yuan(v: Decimal) -> str | None:
    return f"{fmt(v)}元"


def _style_yuan_comma(v: Decimal) -> str | None:
    return f"{fmt_comma(v)}元"


def _style_chinese(v: Decimal) -> str | None:
    if v != v.to_integral_value() or v < 1:
        return None
    s = chinese_int(int(v))
    return s if v % 10000 == 0 else s + "元"


def _style_qianwan(v: Decimal) -> str | None:
    q = v / 10**7
    return f"{fmt(q)}千万" if 1 <= q < 10 and _places(q) <= 2 else None


def _style_yi(v: Decimal) -> str | None:
    y = v / 10**8
    return f"{fmt(y)}亿" if v >= 10**7 and _places(y) <= 3 else None


AMOUNT_STYLES = {
    "wan": _style_wan,
    "wan_comma_yuan": _style_wan_comma_yuan,
    "yuan": _style_yuan,
    "yuan_comma": _style_yuan_comma,
    "chinese": _style_chinese,
    "qianwan": _style_qianwan,
    "yi": _style_yi,
}

_NUMERAL_CHARS = "0123456789０１２３４５６７８９零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟萬億点"
_BAD_BEFORE = set(_NUMERAL_CHARS + ".,．，")
_BAD_AFTER = set(_NUMERAL_CHARS + ".,．%％多余来几个块圆整wWkKmM") - {"，"}


def _detect_forms(v: Decimal) -> tuple[list[str], list[str]]:
    """Renderings of v to look for in a question: (forms, bare digit forms valid only after ¥/￥)."""
    forms: list[str] = []
    w = v / 10000
    if _places(w) <= 4:
        forms += [f"{fmt(w)}万", f"{fmt_comma(w)}万"]
    y = v / 10**8
    if v >= 10**7 and _places(y) <= 4:
        forms.append(f"{fmt(y)}亿")
    q = v / 10**7
    if 1 <= q < 10 and _places(q) <= 2:
        forms.append(f"{fmt(q)}千万")
    forms += [f"{fmt(v)}元", f"{fmt_comma(v)}元"]
    bare = [fmt(v), fmt_comma(v)]
    if _places(v) <= 2:  # 10,000,000.00元, 16,666,666.50元
        cents = v.quantize(Decimal("0.01"))
        whole, _, frac = str(cents).partition(".")
        forms += [f"{cents}元", f"{int(whole):,}.{frac}元"]
        bare += [str(cents), f"{int(whole):,}.{frac}"]
    if v == v.to_integral_value() and 1 <= v < 10**12:
        cn = chinese_int(int(v))
        cn_forms = [cn, _liang(cn)] if v >= 10000 else [cn + "元", _liang(cn) + "元"]
        forms += cn_forms
    return list(dict.fromkeys(forms)), list(dict.fromkeys(bare))


def find_amount(q: str, v: Decimal) -> tuple[int, int] | None:
    """The one span of q that writes the amount v in a style this module knows (with a ¥ before or 元 after).

    None when v is not found, or found more than once, or its neighbours make the reading unsure
    (a digit or numeral next to it, 多/余/块/整 after it…).
    """
    forms, bare = _detect_forms(v)
    spans: set[tuple[int, int]] = set()
    for form, needs_yen in [(f, False) for f in forms] + [(b, True) for b in bare]:
        for m in re.finditer(re.escape(form), q):
            start, end = m.start(), m.end()
            if needs_yen and not (start > 0 and q[start - 1] in "¥￥"):
                continue
            if start > 0 and q[start - 1] in "¥￥":
                start -= 1
            if start > 0 and q[start - 1] in _BAD_BEFORE:
                continue
            if not form.endswith("元") and end < len(q) and q[end] == "元":
                end += 1
            if end < len(q) and q[end] in _BAD_AFTER:
                continue
            spans.add((start, end))
    # keep the longest of overlapping spans
    kept: list[tuple[int, int]] = []
    for s in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and s[0] < kept[-1][1]:
            continue
        kept.append(s)
    return kept[0] if len(kept) == 1 else None


_EN_AMOUNT = re.compile(
    r"(?<![\w.,])(?:(RMB|CNY|¥)\s?)?(\d[\d,]*(?:\.\d+)?)\s?(million|billion|m|k)?(?:\s(yuan|RMB))?(?!\w|[.,]\d)",
    re.IGNORECASE,
)
_EN_MULT = {None: 1, "k": 10**3, "m": 10**6, "million": 10**6, "billion": 10**9}


def find_english_amount(q: str, v: Decimal) -> tuple[int, int] | None:
    """The one span of an English question that is a currency amount equal to v (RMB 9 million, 20 million yuan)."""
    spans = []
    for m in _EN_AMOUNT.finditer(q):
        if not (m.group(1) or m.group(4)):
            continue
        value = _dec(m.group(2)) * _EN_MULT[(m.group(3) or "").lower() or None]
        if value == v:
            spans.append(m.span())
    return spans[0] if len(spans) == 1 else None


def english_amount(v: Decimal, rng: random.Random) -> str:
    """v in one of the ways English questions write yuan."""
    return rng.choice(english_styles(v))


def english_styles(v: Decimal) -> list[str]:
    out = [f"RMB {fmt_comma(v)}", f"{fmt_comma(v)} yuan"]
    m = v / 10**6
    if v >= 10**6 and _places(m) <= 3:
        out += [f"{fmt(m)} million yuan", f"RMB {fmt(m)} million", f"CNY {fmt(m)}m"]
    b = v / 10**9
    if v >= 10**9 and _places(b) <= 3:
        out.append(f"{fmt(b)} billion yuan")
    return out


def _yuan_wan(v: Decimal) -> str:
    """A figure for a distractor or control, as people write it: 万 or 亿."""
    if v >= 10**8 and _places(v / 10**8) <= 2:
        return f"{fmt(v / 10**8)}亿"
    return f"{fmt(v / 10**4)}万"


# ---------------------------------------------------------------------------------------------- distractor

_DISTRACTORS_ZH = {
    "revenue": ["我们公司去年营业收入{X}。", "公司年营收{X}元。", "我们年营收大概{X}。"],
    "capital": ["我们注册资本{X}。", "公司注册资本{X}元。"],
    "staff": ["公司现有员工{N}人。", "我们员工{N}人。"],
    "award": ["去年区里已经给过我们{X}奖励。", "去年区里已经给过我们{X}元的奖励了。"],
    "service": ["我们年服务收入{X}。", "公司去年的年服务收入{X}元。"],
    "valuation": ["公司估值{Y}亿。", "上一轮融资后公司估值{Y}亿元。"],
}
_DISTRACTORS_EN = {
    "revenue": ["Our annual revenue is {X}.", "Last year our operating revenue was {X}."],
    "capital": ["Our registered capital is {X}."],
    "staff": ["We have {N} employees."],
    "award": ["Last year the district already gave us an award of {X}."],
    "service": ["Our annual service income is {X}."],
    "valuation": ["The company is valued at {Y} billion yuan."],
}
DISTRACTOR_KINDS = tuple(_DISTRACTORS_ZH)

_FIGURE_RANGES = {  # in 万元
    "revenue": [(50, 990, 10), (1000, 90000, 100)],
    "capital": [(50, 990, 50), (1000, 20000, 500)],
    "award": [(5, 300, 5)],
    "service": [(30, 990, 10), (1000, 8000, 100)],
}


def _pick_figure(kind: str, rng: random.Random, avoid: set[Decimal]) -> Decimal:
    for _ in range(100):
        lo, hi, step = rng.choice(_FIGURE_RANGES[kind])
        v = Decimal(rng.randrange(lo, hi + 1, step)) * 10000
        if v not in avoid:
            return v
    raise RuntimeError(f"no figure for {kind}")


def _sentence_end(q: str) -> str:
    q = q.rstrip()
    return q if q[-1:] in "。？！?!.…" else q + ("." if is_english(q) else "。")


def distractor_sentence(kind: str, rng: random.Random, avoid: set[Decimal], english: bool) -> tuple[str, Decimal | None]:
    templates = (_DISTRACTORS_EN if english else _DISTRACTORS_ZH)[kind]
    template = rng.choice(templates)
    if kind == "staff":
        n = rng.randint(12, 2400)
        return template.format(N=n), None
    if kind == "valuation":
        y = rng.randint(2, 80)
        while Decimal(y) * 10**8 in avoid:
            y += 1
        return template.format(Y=y), Decimal(y) * 10**8
    figure = _pick_figure(kind, rng, avoid)
    if english:
        text = rng.choice([s for s in english_styles(figure) if "RMB" in s or "yuan" in s])
    else:
        text = _yuan_wan(figure)
    return template.format(X=text), figure


def distractors(source: dict, seed: str = SEED, per_source: int = 5) -> list[dict]:
    rng = _rng(seed, "distractor", source["id"])
    english = is_english(source["q"])
    combos = [(k, p) for k in DISTRACTOR_KINDS for p in ("before", "after")]
    out = []
    avoid = set(_figures(source))
    for kind, place in rng.sample(combos, per_source):
        sentence, figure = distractor_sentence(kind, rng, avoid, english)
        q = source["q"].strip()
        if place == "before":
            text = f"{sentence} {q}" if english else sentence + q
        else:
            text = f"{_sentence_end(q)} {sentence}" if english else _sentence_end(q) + ("另外，" if rng.random() < 0.5 else "") + sentence
        extra = {"figure": fmt(figure)} if figure is not None else {}
        out.append(_rewriting(source, "distractor", f"{kind}-{place}", text, **extra))
    return out


# ---------------------------------------------------------------------------------------------- letter

_RECIPIENTS = ["北京市经济和信息化局", "经信局各位领导", "领导", "老师", "北京市经济和信息化局产业投资处"]
_COMPANIES = ["北京星河智能科技有限公司", "北京华信云数据技术有限公司", "北京中科恒远信息技术有限公司",
              "北京博远智造装备有限公司", "北京天擎网络科技有限公司", "北京东方启明软件有限公司"]
_COMPANIES_EN = ["Beijing Xinghe Intelligent Technology Co., Ltd.", "Beijing Huaxin Cloud Data Co., Ltd.",
                 "Beijing Boyuan Smart Equipment Co., Ltd."]
_CONTACTS = ["张先生", "李女士", "王经理", "刘工", "陈女士"]
_CONTACTS_EN = ["Mr. Zhang", "Ms. Li", "Mr. Wang"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]


def _letter_date(source: dict, rng: random.Random) -> tuple[int, int, int]:
    if source.get("date"):
        y, m, d = (int(x) for x in str(source["date"]).split("-"))
        return y, m, d
    return rng.choice([2023, 2024]), rng.randint(1, 12), rng.randint(1, 28)


def letters(source: dict, seed: str = SEED) -> list[dict]:
    rng = _rng(seed, "letter", source["id"])
    q = source["q"].strip()
    phone = "138" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    y, m, d = _letter_date(source, rng)
    if is_english(q):
        company, contact = rng.choice(_COMPANIES_EN), rng.choice(_CONTACTS_EN)
        block = (f"Dear Sir or Madam,\n{q}\nBest regards,\n{company}\nContact: {contact}, Tel: {phone}\n"
                 f"Date: {_MONTHS_EN[m - 1]} {d}, {y}")
        inline = (f"Dear Sir/Madam, {q} Thank you! {company} Contact {contact} Tel {phone} "
                  f"{_MONTHS_EN[m - 1]} {d}, {y}")
    else:
        recipient, company, contact = rng.choice(_RECIPIENTS), rng.choice(_COMPANIES), rng.choice(_CONTACTS)
        date = f"{y}年{m}月{d}日"
        block = f"尊敬的{recipient}：\n您好！{q}\n此致\n敬礼！\n{company}\n联系人：{contact}  电话：{phone}\n{date}"
        inline = f"尊敬的{recipient}： 您好！ {q} 此致 敬礼 {company} 联系人 {contact} 电话 {phone} 日期 {date}"
    return [_rewriting(source, "letter", "block", block), _rewriting(source, "letter", "inline", inline)]


# ---------------------------------------------------------------------------------------------- traditional

TRADITIONAL_CONFIGS = ("s2t", "s2hk", "s2twp")


@cache
def _converter(config: str):
    import opencc  # OpenCC (pip install opencc); the character tables are the library's, not ours

    return opencc.OpenCC(config)


def opencc_available() -> bool:
    try:
        _converter("s2t")
    except Exception:
        return False
    return True


def traditional(source: dict, seed: str = SEED) -> list[dict]:
    q = source["q"]
    if is_english(q):
        return []
    seen = {q}
    out = []
    for config in TRADITIONAL_CONFIGS:
        text = _converter(config).convert(q)
        if text not in seen:
            seen.add(text)
            out.append(_rewriting(source, "traditional", config, text))
    return out


# ---------------------------------------------------------------------------------------------- amount_style


def amount_styles(source: dict, seed: str = SEED, per_base: int = 4) -> list[dict]:
    rng = _rng(seed, "amount_style", source["id"])
    q = source["q"]
    out = []
    for i, base in enumerate(dict.fromkeys(_bases(source))):
        if is_english(q):
            span = find_english_amount(q, base)
            if span is None:
                continue
            written = q[span[0]:span[1]]
            styles = {f"en{k}": s for k, s in enumerate(english_styles(base)) if s != written}
        else:
            span = find_amount(q, base)
            if span is None:
                continue
            written = q[span[0]:span[1]].lstrip("¥￥").removesuffix("元")
            styles = {}
            for name, style in AMOUNT_STYLES.items():
                s = style(base)
                if s is not None and s.removesuffix("元") != written and _liang(s) != written:
                    styles[name] = s
        names = sorted(styles)
        for name in rng.sample(names, min(per_base, len(names))):
            text = q[:span[0]] + styles[name] + q[span[1]:]
            suffix = name if len(_bases(source)) == 1 else f"{i}-{name}"
            out.append(_rewriting(source, "amount_style", suffix, text))
    return out


# ---------------------------------------------------------------------------------------------- total_wording

_INVEST_ZH = re.compile(r"(项目投资额|项目投资|投资额|投资|投了|投入|花了)(为|是|：|:)?(?=\s*[0-9０-９一二三四五六七八九十两壹贰叁肆伍陆柒捌玖零¥￥])")
_INVEST_EN = re.compile(r"\b(project investment|investment)\b")

_TOTAL_TEMPLATES = {
    "scenario_lab": ["我们的场景实验室项目总投资{A}，能补贴多少？", "创新体验中心总投资{A}，最多补多少", "场景实验室这个项目总投资是{A}，补贴怎么算，能拿多少"],
    "list_application": ["在库项目应用两清单产品，项目总投资{A}，能补多少？", "我们在库项目用了标杆技术清单里的产品，总投资{A}，补贴多少",
                         "项目已入库，应用了攻关产品清单内的新产品，项目总投资{A}，能拿多少补贴"],
}


def total_wordings(source: dict, seed: str = SEED) -> list[dict]:
    calcs = source["calcs"]
    if len(calcs) != 1 or calcs[0][0] not in TOTAL_WORDING_RULES or len(calcs[0]) < 3:
        return []
    rng = _rng(seed, "total_wording", source["id"])
    q, rule, base = source["q"], calcs[0][0], _dec(calcs[0][2])
    out = []
    if is_english(q):
        hits = list(_INVEST_EN.finditer(q))
        if len(hits) == 1:
            for suffix, word in (("total-project", "total project investment"), ("total", "total investment")):
                out.append(_rewriting(source, "total_wording", f"inplace-{suffix}", _INVEST_EN.sub(word, q)))
        return out
    hits = list(_INVEST_ZH.finditer(q))
    if len(hits) == 1:
        m = hits[0]
        for suffix, word in (("total-project", "项目总投资"), ("total", "总投资")):
            text = q[:m.start()] + word + (m.group(2) or "") + q[m.end():]
            out.append(_rewriting(source, "total_wording", f"inplace-{suffix}", text))
    for k, template in enumerate(_TOTAL_TEMPLATES[rule]):
        style = rng.choice([s for s in (_style_wan(base), _style_wan_comma_yuan(base), _style_yi(base)) if s])
        out.append(_rewriting(source, "total_wording", f"template{k}", template.format(A=style)))
    return out


# ---------------------------------------------------------------------------------------------- noise

_FULL_TO_HALF = {"，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";", "（": "(", "）": ")"}
_HALF_TO_FULL = {v: k for k, v in _FULL_TO_HALF.items()}
_DIGIT_OR_NUMERAL = set(_NUMERAL_CHARS)
_PUNCT = set(_FULL_TO_HALF) | set(_HALF_TO_FULL) | set("、“”\"'…—-【】[]<>《》")


def _between_digits(q: str, i: int) -> bool:
    return 0 < i < len(q) - 1 and q[i - 1].isdigit() and q[i + 1].isdigit()


def _swap_punct(q: str, rng: random.Random) -> str:
    out = []
    for i, ch in enumerate(q):
        if ch in _FULL_TO_HALF and rng.random() < 0.7:
            out.append(_FULL_TO_HALF[ch])
        elif ch in _HALF_TO_FULL and not _between_digits(q, i) and rng.random() < 0.7:
            out.append(_HALF_TO_FULL[ch])
        else:
            out.append(ch)
    return "".join(out)


def _spaces(q: str, rng: random.Random) -> str:
    """Extra spaces where people put them: beside punctuation and spaces, before a number, after 万/亿/元.

    Never inside a word or a number (投 资, 1 200万 would be another question).
    """
    def ok(i: int) -> bool:
        a, b = q[i - 1], q[i]
        if a in _DIGIT_OR_NUMERAL and a not in "万亿" or b in _DIGIT_OR_NUMERAL and a in _DIGIT_OR_NUMERAL:
            return False
        if b in "元.,整块钱圆" or (a.isdigit() or a in ".,") and (b.isdigit() or b in ".,"):
            return False
        loose = _PUNCT | {" ", "\u3000", "\n"}
        return (a in loose or b in loose
                or (b.isdigit() and _CJK.match(a) is not None)
                or (a in "万亿元" and _CJK.match(b) is not None and b not in _DIGIT_OR_NUMERAL))

    if is_english(q):  # only existing spaces between words are doubled
        spots = [i for i in range(1, len(q)) if q[i] == " " and q[i - 1].isalpha() and q[i + 1:i + 2].isalpha()]
        chosen = set(rng.sample(spots, min(len(spots), rng.randint(2, 4))))
        return "".join((" " if i in chosen else "") + ch for i, ch in enumerate(q)) + rng.choice(["", " "])
    spots = [i for i in range(1, len(q)) if ok(i)]
    if not spots:
        return q + rng.choice([" ", "  "])
    chosen = set(rng.sample(spots, min(len(spots), rng.randint(2, 4))))
    return "".join((rng.choice([" ", "  ", "\u3000"]) if i in chosen else "") + ch for i, ch in enumerate(q)) + rng.choice(["", " ", "  "])


def _trailing(q: str, rng: random.Random) -> str:
    return q.rstrip().rstrip("？?。.！!") + rng.choice(["？？", "??", "？？？", "?？", "！！？"])


def _fullwidth_digits(q: str, rng: random.Random) -> str:
    return q.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})


_NOISE_OPS = {"punct": _swap_punct, "spaces": _spaces, "trailing": _trailing, "fullwidth": _fullwidth_digits}
_NOISE_VARIANTS = [("punct", "trailing"), ("spaces", "fullwidth"), ("punct", "spaces", "trailing", "fullwidth")]


def noises(source: dict, seed: str = SEED) -> list[dict]:
    rng = _rng(seed, "noise", source["id"])
    q = source["q"]
    out, seen = [], {q}
    for k, ops in enumerate(_NOISE_VARIANTS):
        text = q
        for op in ops:
            if op == "fullwidth" and is_english(q):
                continue
            text = _NOISE_OPS[op](text, rng)
        if text not in seen:
            seen.add(text)
            out.append(_rewriting(source, "noise", f"{k}-{'+'.join(ops)}", text))
    return out


# ---------------------------------------------------------------------------------------------- english

_ENGLISH_TEMPLATES = {
    "platform_construction": [
        "Our test platform cost {A} to build, how much subsidy can we get?",
        "We built a public testing and verification platform for SMEs with a construction investment of {A}. What is the subsidy?",
        "Platform construction investment: {A}. How much is the construction subsidy?",
    ],
    "scenario_lab": [
        "We invested {A} in a scenario lab. How much subsidy can we get?",
        "Our innovation experience center project investment is {A}. What subsidy applies?",
        "Scenario lab investment {A}, how much is the subsidy?",
    ],
    "small_batch": [
        "Our small-batch testing investment is {A}. How much subsidy?",
        "We spent {A} on small-batch testing of a new product. How much subsidy can we get?",
        "Small batch test investment of {A} - what's the subsidy?",
    ],
    "insurance_premium": [
        "We paid {A} in insurance premiums for new products on the lists. How much is subsidised?",
        "Insurance premium of {A} for listed new products, what's the subsidy?",
        "Our premium for the new products was {A}. How much can be subsidized?",
    ],
    "list_application": [
        "Our in-library project applies products from the two lists, with a project investment of {A}. How much subsidy?",
        "Project investment {A}, an in-library project using listed products. Subsidy?",
        "We applied benchmark-list products in our in-library project; project investment was {A}. What is the maximum subsidy?",
    ],
    "loan_interest": [
        "We have a fixed-asset investment loan of {A}. How much interest subsidy can we get?",
        "Fixed-asset loan principal {A}, what is the interest subsidy?",
        "Our bank lent us {A} as a fixed-asset investment loan. How much interest subsidy?",
    ],
}
ENGLISH_SOURCES_PER_RULE = 4


def english_sources(sources: list[dict]) -> list[dict]:
    """The fixed subset rendered in English: the first Chinese single-calculation cases of each rule."""
    picked: dict[str, list[dict]] = defaultdict(list)
    for s in sources:
        calcs = s["calcs"]
        if len(calcs) != 1 or len(calcs[0]) < 3 or is_english(s["q"]) or calcs[0][0] not in _ENGLISH_TEMPLATES:
            continue
        if len(picked[calcs[0][0]]) < ENGLISH_SOURCES_PER_RULE:
            picked[calcs[0][0]].append(s)
    return [s for rule in _ENGLISH_TEMPLATES for s in picked[rule]]


def englishes(source: dict, seed: str = SEED) -> list[dict]:
    rng = _rng(seed, "english", source["id"])
    rule, base = source["calcs"][0][0], _dec(source["calcs"][0][2])
    out = []
    for k in sorted(rng.sample(range(len(_ENGLISH_TEMPLATES[rule])), 2)):
        text = _ENGLISH_TEMPLATES[rule][k].format(A=english_amount(base, rng))
        out.append(_rewriting(source, "english", f"t{k}", text))
    return out


# ---------------------------------------------------------------------------------------------- controls

_MEASURES = {  # (what the enterprise has, what it asks)
    "platform_construction": ("我们建了一个面向中小企业的测试验证平台", "平台建设补贴能拿多少？"),
    "scenario_lab": ("我们搭了一个场景实验室", "场景实验室补贴能补多少？"),
    "small_batch": ("我们的新产品在做小批量验证", "小批量验证补贴能拿多少？"),
    "insurance_premium": ("我们采购了清单里的新产品并投了保", "保费补贴能补多少？"),
    "list_application": ("我们在库项目应用了两清单产品", "两清单应用补贴能补多少？"),
    "loan_interest": ("我们项目已入库，有一笔固定资产投资贷款", "贷款贴息能拿多少？"),
    "rd_first_use": ("我们参与了筑基工程产品攻关", "首试用补贴能拿多少？"),
}
_CONTROL_TEMPLATES = {
    "service_income": ["{S}，去年年服务收入{X}，{Q}", "{S}，对外服务收入一年{X}元，{Q}"],
    "award": ["去年区里已经给过我们{X}奖励，{S}，{Q}", "{S}，之前拿过市里{X}元的奖励，{Q}"],
    "capital": ["公司注册资本{X}，{S}，{Q}", "{S}。公司注册资本{X}元，{Q}"],
    "sum_insured": ["{S}，保额{X}，{Q}", "{S}，保险金额{X}元，{Q}"],
    "revenue": ["我们公司年营收{X}，{S}，{Q}", "{S}，公司去年营业收入{X}元，{Q}"],
}
_CONTROL_RANGES = {"service_income": "service", "award": "award", "capital": "capital", "sum_insured": "revenue",
                   "revenue": "revenue"}


def controls(seed: str = SEED) -> list[dict]:
    """For each measure and each kind of non-base figure, questions whose only figure is that one."""
    out = []
    for rule, (subject, ask) in _MEASURES.items():
        for kind, templates in _CONTROL_TEMPLATES.items():
            rng = _rng(seed, "control", rule, kind)
            for k, template in enumerate(templates):
                figure = _pick_figure(_CONTROL_RANGES[kind], rng, set())
                q = template.format(S=subject, Q=ask, X=_yuan_wan(figure))
                out.append({"id": f"control-{rule}-{kind}-{k}", "cat": CONTROL, "q": q, "calcs": [],
                            "figure": fmt(figure), "measure": rule, "source": f"control:{rule}"})
    return out


# ---------------------------------------------------------------------------------------------- all


def rewritings(seed: str = SEED, sources: list[dict] | None = None) -> list[dict]:
    """Every rewriting of every source (without the controls), unique by question text per source."""
    sources = load_sources() if sources is None else sources
    english_ids = {s["id"] for s in english_sources(sources)}
    with_traditional = opencc_available()
    out: list[dict] = []
    for s in sources:
        made = distractors(s, seed) + letters(s, seed)
        if with_traditional:
            made += traditional(s, seed)
        made += amount_styles(s, seed) + total_wordings(s, seed) + noises(s, seed)
        if s["id"] in english_ids:
            made += englishes(s, seed)
        seen = {s["q"]}
        for r in made:
            if r["q"] not in seen:
                seen.add(r["q"])
                out.append(r)
    ids = [r["id"] for r in out]
    if len(ids) != len(set(ids)):
        raise AssertionError("rewriting ids are not unique")
    return out


def generate(seed: str = SEED, sources: list[dict] | None = None) -> list[dict]:
    """Every rewriting, then every control."""
    return rewritings(seed, sources) + controls(seed)


def fast_subset(n_per_relation: int = 5, seed: str = SEED, all_controls: bool = True) -> list[dict]:
    """A small deterministic sample: n rewritings of each relation (spread over the sources), and the controls
    (all of them, or n of them with ``all_controls=False``)."""
    by_relation: dict[str, list[dict]] = defaultdict(list)
    for r in rewritings(seed):
        by_relation[r["cat"]].append(r)
    out = []
    for relation in RELATIONS:
        pool = by_relation.get(relation, [])
        out += sorted(_rng(seed, "fast", relation).sample(pool, min(n_per_relation, len(pool))),
                      key=lambda r: r["id"])
    ctrl = controls(seed)
    if not all_controls:
        ctrl = sorted(_rng(seed, "fast", CONTROL).sample(ctrl, min(n_per_relation, len(ctrl))), key=lambda r: r["id"])
    return out + ctrl


def counts(cases: list[dict]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for c in cases:
        out[c["cat"]] += 1
    return dict(out)


if __name__ == "__main__":
    import json
    import sys

    everything = generate()
    print(json.dumps(counts(everything), ensure_ascii=False), len(everything), file=sys.stderr)
    for case in everything:
        print(json.dumps(case, ensure_ascii=False))
