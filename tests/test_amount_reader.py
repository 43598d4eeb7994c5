"""The one amount reader: every supported style reads whole and exactly, in a field
(``parse_amount``) and inside a sentence (``find_mentions``); a fragment never becomes an amount."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.errors import AmountError
from assistant.text.amounts import MAX_YUAN, find_mentions, parse_amount

SENTENCE = "平台建设投资{}，能补多少？"

# Every style the reader supports -> its exact value in yuan.
GOLDEN = [
    # digits, separators, decimals, full-width
    ("1200万", "12000000"),
    ("1,200万元", "12000000"),
    ("12,000,000元", "12000000"),
    ("16,666,666元", "16666666"),
    ("333.33万", "3333300"),
    # spoken halves of 亿
    ("半个亿", "50000000"),
    ("一个半亿", "150000000"),
    ("两个半亿", "250000000"),
    ("１２００万元", "12000000"),
    ("0.1亿", "10000000"),
    ("2.5亿", "250000000"),
    ("12,000万元", "120000000"),
    ("4,999,999.80元", "4999999.80"),
    ("5千元", "5000"),
    ("1200 万元", "12000000"),
    # Chinese numerals
    ("一千二百万", "12000000"),
    ("三千万", "30000000"),
    ("五百万元", "5000000"),
    ("两千万", "20000000"),
    ("十万", "100000"),
    ("一万五", "15000"),
    ("二千五百万", "25000000"),
    ("两千零五元", "2005"),
    ("一亿二千万", "120000000"),
    ("一亿零五百万", "105000000"),
    ("三百五十万零八百元", "3500800"),
    ("一万亿", "1000000000000"),
    # mixed digits and units
    ("1千2百万", "12000000"),
    ("2千5百万", "25000000"),
    ("1万5千元", "15000"),
    ("3万5千", "35000"),
    ("3万5", "35000"),
    ("1万2000元", "12000"),
    ("1万零500元", "10500"),
    ("1亿2000万", "120000000"),
    ("1亿500万", "105000000"),
    ("2亿5千万", "250000000"),
    ("1亿2", "120000000"),
    ("1亿零2000", "100002000"),
    # decimals in words
    ("一点五亿", "150000000"),
    ("零点一亿", "10000000"),
    ("三点五万", "35000"),
    ("十二点五万元", "125000"),
    # financial capitals
    ("壹仟贰佰万元整", "12000000"),
    ("人民币叁佰伍拾万零捌佰元整", "3500800"),
    ("伍拾万圆整", "500000"),
    ("壹佰元伍角", "100.50"),
    ("壹佰元零伍分", "100.05"),
    ("贰拾萬元", "200000"),
    ("壹億元", "100000000"),
    # colloquial units
    ("30万块", "300000"),
    ("30万块钱", "300000"),
    ("两个亿", "200000000"),
    ("1.5个亿", "150000000"),
    ("500w", "5000000"),
    ("1.5w", "15000"),
    ("800k", "800000"),
    ("1.2千万", "12000000"),
    ("3百万", "3000000"),
    # currency words
    ("人民币500万元", "5000000"),
    ("RMB 500万", "5000000"),
    ("CNY500万", "5000000"),
    ("¥18,000,000", "18000000"),
    ("￥18,000,000元", "18000000"),
    ("500万元人民币", "5000000"),
    ("1200万元整", "12000000"),
    # English
    ("12 million yuan", "12000000"),
    ("RMB 150 million", "150000000"),
    ("CNY 3.5m", "3500000"),
    ("1.2 billion yuan", "1200000000"),
    ("RMB 800k", "800000"),
    ("5,000,000 yuan", "5000000"),
    ("3.5 mn RMB", "3500000"),
    ("RMB 1.5bn", "1500000000"),
]

# Partial or garbled: refused whole, never read in part.
GARBLED = [
    "1.2e7元",  # scientific notation: never the 7元 after its e
    "1千2百万五",  # 1200万 and then a stray 五
    "1亿2000",  # 1亿2000万 or 100,002,000?
    "2万亿万",
    "三千万五百",  # a skipped place needs 零 (三千万零五百)
    "一点五点亿",
    "12.3.4万",
    "两千五万",  # 2500万 or 2005万?
    "一亿二千",  # 一亿二千万?
    "1万500元",  # 10,500 or 15,000?
    "1,2000万",
    "三三万",
    "1亿12000万",
    "1.5亿2000万",
    "1千2百万5",
    "3000多万元",
    "1万余元",
    "0.001元",
]

FOREIGN = ["100美元", "500万美金", "USD 5 million", "$5m", "3000欧元", "200港币", "50英镑", "1000日元", "100 dollars"]


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_parse_amount_reads_every_style(text, expected):
    value = parse_amount(text)
    assert value == Decimal(expected)
    assert str(value) == expected  # tidy: integer yuan without exponent, else two decimals


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_find_mentions_reads_every_style_in_a_sentence(text, expected):
    sentence = SENTENCE.format(text)
    found = find_mentions(sentence)
    assert [(m.kind, m.value, m.text) for m in found] == [("amount", Decimal(expected), text)]
    assert sentence[found[0].start : found[0].end] == text


@pytest.mark.parametrize("text", GARBLED)
def test_parse_amount_refuses_fragments(text):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert re.search("无法完整识别金额“|精确到了分以下", str(info.value))
    assert "如“" in str(info.value)


@pytest.mark.parametrize("text", GARBLED)
def test_find_mentions_reports_fragments_as_unreadable(text):
    sentence = SENTENCE.format(text)
    found = find_mentions(sentence)
    assert [(m.kind, m.value, m.text) for m in found] == [("unreadable", None, text)]


@pytest.mark.parametrize("text", FOREIGN)
def test_foreign_currency_is_reported_never_converted(text):
    with pytest.raises(AmountError, match="单位"):
        parse_amount(text)
    found = find_mentions(SENTENCE.format(text))
    assert [(m.kind, m.text) for m in found] == [("foreign", text)]
    assert not any(m.kind == "amount" for m in found)


def test_foreign_value_is_the_number_as_written():
    assert [m.value for m in find_mentions("合同金额500万美元")] == [Decimal(5000000)]
    assert [m.value for m in find_mentions("约USD 3.5m")] == [Decimal(3500000)]


@pytest.mark.parametrize(
    ("text", "hint"),
    [("-300万", "负数"), ("负300万", "负数"), ("人民币-5万元", "负数"), ("0元", "零"), ("零元", "零"), ("2万亿", "超过")],
)
def test_parse_amount_still_refuses_negative_zero_and_huge(text, hint):
    with pytest.raises(AmountError, match=hint):
        parse_amount(text)


def test_negative_sign_stays_outside_the_span():
    for text in ("投资-300万元", "投资负300万元"):
        (m,) = find_mentions(text)
        assert (m.kind, m.value, m.text) == ("amount", Decimal(3000000), "300万元")
        assert text[m.start - 1] in "-负"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3000万像素", [("number", 30000000)]),
        ("500万人次", [("number", 5000000)]),
        ("2万平方米", [("number", 20000)]),
        ("十万个", [("number", 100000)]),
        ("30万块砖", [("number", 300000)]),
        ("1万多人", []),
        ("在2022-2024年内有效", [("year", 2022), ("year", 2024)]),
        ("按30%补贴", [("rate", Decimal("0.3"))]),
        ("百分之三十", [("rate", Decimal("0.3"))]),
        ("（四）支持", []),
        ("一、加大", []),
        ("4、 拓展", []),
        ("包括5G网络", [("number", 5)]),
        ("第六条", []),
        ("达到一定规模", []),
        ("一个平台", []),
        ("万一失败", []),
        ("千万不要", []),
        ("数千万元", []),
        ("几十万元", []),
        ("十四五规划", []),
        ("4K超高清", [("number", 4)]),
        ("高5m", [("number", 5)]),
        ("下午3点5分", [("number", 3), ("number", 5)]),
        ("1月1日元旦", [("number", 1), ("number", 1)]),
        ("2022，300万元", [("year", 2022), ("amount", 3000000)]),
        ("补贴100，200家企业", [("number", 100), ("number", 200)]),
        ("12 million people", [("number", 12000000)]),
    ],
)
def test_words_counts_and_labels_are_not_amounts(text, expected):
    assert [(m.kind, m.value) for m in find_mentions(text)] == [(k, Decimal(v)) for k, v in expected]


@pytest.mark.parametrize("text", ["1，200万", "100，200万元", "投资¥１８，０００，０００元", "１，２００．５万"])
def test_fullwidth_comma_before_a_unit_is_ambiguous_in_free_text(text):
    # In a sentence "，" may be punctuation ("100，200万元" = 100 and 200万元?): asked, not guessed.
    # In an input field it can only be a separator.
    assert [m.kind for m in find_mentions(text)] == ["unreadable"]
    assert parse_amount(text.removeprefix("投资")) > 0


def test_offsets_are_exact_with_fullwidth_and_capitals():
    text = "按３０％补贴，投资人民币叁佰伍拾万零捌佰元整，另有ＲＭＢ　１５０ million"
    found = find_mentions(text)
    assert [(m.kind, m.value) for m in found] == [
        ("rate", Decimal("0.3")),
        ("amount", Decimal(3500800)),
        ("amount", Decimal(150000000)),
    ]
    for m in found:
        assert text[m.start : m.end] == m.text


def test_parse_amount_messages():
    with pytest.raises(AmountError, match="无法完整识别金额“1千2百万五”"):
        parse_amount("1千2百万五")
    with pytest.raises(AmountError, match="无法识别金额单位“吨”"):
        parse_amount("100吨")
    with pytest.raises(AmountError, match="外币"):
        parse_amount("100美元")


# ---------------------------------------------------------------- renderers for property tests

LOWER = ("零一二三四五六七八九", "十百千", "万", "亿")
UPPER = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟", "万", "亿")
UPPER_TRAD = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟", "萬", "億")


def _section(n: int, style) -> str:
    digits, small = style[0], style[1]
    out, zero = "", False
    for i, ch in enumerate(f"{n:04d}"):
        if ch == "0":
            zero = bool(out)
            continue
        if zero:
            out, zero = out + digits[0], False
        out += digits[int(ch)] + (small[2], small[1], small[0], "")[i]
    return out


def _cn(n: int, style) -> str:
    """Standard written Chinese numerals: 一亿零五百万, 一万零一十, 三百五十万零八百."""
    if n == 0:
        return style[0][0]
    for exp, big in ((8, style[3]), (4, style[2])):
        if n >= 10**exp:
            hi, lo = divmod(n, 10**exp)
            head = _cn(hi, style) if exp == 8 else _section(hi, style)
            if lo == 0:
                return head + big
            gap = style[0][0] if lo < 10 ** (exp - 1) else ""
            return head + big + gap + _cn(lo, style)
    return _section(n, style)


def _mixed(n: int) -> str:
    """Digits with 亿/万: 1亿2000万, 1亿零500万, 3万零50."""
    yi, rest = divmod(n, 10**8)
    wan, low = divmod(rest, 10**4)
    out = f"{yi}亿" if yi else ""
    if wan:
        out += ("零" if yi and wan < 1000 else "") + f"{wan}万"
    if low:
        out += ("零" if (yi or wan) and (low < 1000 or (yi and not wan)) else "") + str(low)
    return out or "0"


def _cents_cn(cents: int, digits: str) -> str:
    jiao, fen = divmod(cents, 10)
    if not cents:
        return "整"
    return (f"{digits[jiao]}角" if jiao else digits[0]) + (f"{digits[fen]}分" if fen else "")


def _plain(d: Decimal) -> str:
    return f"{d.normalize():f}"


def renderings(amount: Decimal) -> list[str]:
    whole = int(amount)
    cents = int((amount - whole) * 100)
    frac = f"{cents:02d}".rstrip("0")
    out = [
        f"{_plain(amount)}元",
        f"{amount:,f}元",
        f"{_plain(amount.scaleb(-4))}万",
        f"{_plain(amount.scaleb(-8))}亿元",
        f"¥{amount:,f}",
        f"{_plain(amount.scaleb(-6))} million yuan",
        f"RMB {_plain(amount.scaleb(-9))} billion",
        f"{_plain(amount.scaleb(-4))}w",
    ]
    for style in (UPPER, UPPER_TRAD):
        out.append(f"{_cn(whole, style)}元{_cents_cn(cents, style[0])}")
    out.append(f"人民币{_cn(whole, UPPER)}圆{_cents_cn(cents, UPPER[0])}")
    lower = _cn(whole, LOWER)
    out.append(f"{lower}点{''.join(LOWER[0][int(c)] for c in frac)}元" if frac else f"{lower}元")
    mixed = _mixed(whole)
    out.append(f"{mixed}元{_cents_cn(cents, '零一二三四五六七八九')}" if cents else f"{mixed}元")
    return out


whole_yuan = st.integers(min_value=1, max_value=10**12)
fen_yuan = st.integers(min_value=1, max_value=10**14 - 1).map(lambda c: Decimal(c).scaleb(-2))
amounts = st.one_of(whole_yuan.map(Decimal), fen_yuan).filter(lambda a: a <= MAX_YUAN)


def test_renderers_write_what_a_person_writes():
    assert renderings(Decimal(103500800))[8] == "壹亿零叁佰伍拾万零捌佰元整"
    assert renderings(Decimal("12000000.5"))[-2] == "一千二百万点五元"
    assert _mixed(120000000) == "1亿2000万"
    assert _mixed(105000000) == "1亿零500万"
    assert _mixed(100002000) == "1亿零2000"
    assert _mixed(10500) == "1万零500"
    assert _cn(100000, LOWER) == "一十万"
    assert _cn(10010, LOWER) == "一万零一十"


@settings(max_examples=300, deadline=None)
@given(amounts)
@example(Decimal(1))
@example(MAX_YUAN)
@example(Decimal("100000000.01"))
@example(Decimal(100010001))
@example(Decimal(1000000000001 - 1))
def test_every_rendering_reads_back_exactly(amount):
    for text in renderings(amount):
        assert parse_amount(text) == amount, text
        found = find_mentions(SENTENCE.format(text))
        assert [(m.kind, m.value, m.text) for m in found] == [("amount", amount, text)], text


NUMERAL_TEXT = st.text(alphabet="0123456789,.点零一二两三四五六七八九十百千万亿个元块wk多余 人年%-", max_size=24)


@settings(max_examples=400, deadline=None)
@given(NUMERAL_TEXT)
def test_free_text_and_field_agree(text):
    """One reader: whatever find_mentions calls an amount, parse_amount reads to the same value;
    whatever it calls unreadable, parse_amount refuses. Spans are exact and in order."""
    found = find_mentions(text)
    pos = 0
    for m in found:
        assert text[m.start : m.end] == m.text and m.start >= pos
        pos = m.end
        if m.kind == "amount" and m.value <= MAX_YUAN:
            assert parse_amount(m.text, allow_zero=True) == m.value
        if m.kind == "unreadable":
            assert m.value is None
            with pytest.raises(AmountError):
                parse_amount(m.text)


@pytest.mark.parametrize("text, expected", [
    ("平台建设投资1千零50万，能补多少", [("amount", "10500000")]),
    ("两个平台一个投了1200万一个投了1800万", [("amount", "12000000"), ("amount", "18000000")]),
    ("平台投资12..5万，能补多少", [("unreadable", None)]),
    ("一万五个人", [("number", "15000")]),
])
def test_natural_forms_in_a_sentence(text, expected):
    found = [(m.kind, None if m.value is None else str(m.value)) for m in find_mentions(text)]
    assert found == expected


@pytest.mark.parametrize("text, value", [
    ("十二万八", "128000"), ("12万8", "128000"), ("二十三万五", "235000"),
    ("人民币捌佰陆拾万零伍仟元整", "8605000"),  # financial style: 零 after a head ending in 0
])
def test_spoken_and_financial_forms(text, value):
    assert parse_amount(text) == Decimal(value)


def test_a_long_head_with_a_trailing_digit_is_refused():
    with pytest.raises(AmountError):
        parse_amount("1200万五")


@pytest.mark.parametrize("text", ["申报响应量8000千瓦时", "装机容量5000千瓦", "运输300千米", "年用电3000万千瓦时"])
def test_a_quantity_in_a_unit_beginning_with_a_numeral_is_no_amount(text):
    """千瓦时, 千米: the 千 begins the unit, so the figure is a count, never money and never unreadable money."""
    assert [m.kind for m in find_mentions(text) if m.kind in ("amount", "unreadable")] == []
