import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.errors import AmountError
from assistant.text.amounts import MAX_YUAN, Mention, find_mentions, normalize_digits, parse_amount, parse_rate
from assistant.text.formats import format_plain_yuan, format_rate, format_yuan

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200万元", "12000000"),
        ("1200万", "12000000"),
        ("1,200万", "12000000"),
        ("1，200万", "12000000"),
        ("2.5亿", "250000000"),
        ("1.2亿元", "120000000"),
        ("3,000,000元", "3000000"),
        ("3000000", "3000000"),
        ("¥18,000,000", "18000000"),
        ("￥18,000,000元", "18000000"),
        ("RMB 500万", "5000000"),
        ("rmb500万元", "5000000"),
        ("人民币500万元", "5000000"),
        ("500万元人民币", "5000000"),
        ("三千万元", "30000000"),
        ("五百万", "5000000"),
        ("一千二百万", "12000000"),
        ("两亿", "200000000"),
        ("十万元", "100000"),
        ("一亿二千万", "120000000"),
        ("一万五", "15000"),
        ("两千零五元", "2005"),
        ("一万亿", "1000000000000"),
        ("333.33万", "3333300"),
        ("16,666,666元", "16666666"),
        ("4,999,999.80元", "4999999.80"),
        ("1200 万元", "12000000"),
        ("  1200万元\n", "12000000"),
        ("１２００万元", "12000000"),
        ("１，２００．５万", "12005000"),
        ("5千元", "5000"),
        ("1百万", "1000000"),
        ("3千万", "30000000"),
        ("1万亿", "1000000000000"),
        ("0.01元", "0.01"),
        ("1.234567万", "12345.67"),
        ("100k", "100000"),  # was refused; k is now a supported unit
    ],
)
def test_parse_amount_accepts(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_parse_amount_result_has_no_exponent():
    assert str(parse_amount("333.33万")) == "3333300"
    assert str(parse_amount("2.5亿")) == "250000000"
    assert str(parse_amount("4,999,999.8元")) == "4999999.80"


def test_parse_amount_allow_zero():
    assert parse_amount("0元", allow_zero=True) == 0
    assert parse_amount("零元", allow_zero=True) == 0


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "为空"),
        ("   ", "为空"),
        ("-100万", "负数"),
        ("负100万", "负数"),
        ("¥-100", "负数"),
        ("0", "零"),
        ("0元", "零"),
        ("1.5万亿", "超过"),
        ("1000000000001元", "超过"),
        ("100美元", "单位"),
        ("100吨", "单位"),
        ("100 dollars", "单位"),
        ("abc", "无法识别"),
        ("很多钱", "无法识别"),
        ("1.2.3万", "无法完整识别"),
        ("万元", "无法识别"),
        ("千万", "无法识别"),
        ("三三万", "无法完整识别"),
        ("1,2000万", "无法完整识别"),
        ("30%", "比例"),
        ("百分之三十", "比例"),
        ("0.001元", "分"),
        ("1.2345678万", "分"),
        ("1" * 60, "太长"),
    ],
)
def test_parse_amount_rejects(text, hint):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    message = str(info.value)
    assert CJK.search(message)
    assert "\n" not in message
    assert hint in message
    assert "如“" in message  # always shows a valid example


def test_amount_error_is_value_error():
    with pytest.raises(ValueError):
        parse_amount("abc")


def test_parse_amount_message_quotes_input():
    with pytest.raises(AmountError, match="无法识别金额“abc”"):
        parse_amount("abc")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30%", "0.3"),
        ("30％", "0.3"),
        ("３０％", "0.3"),
        ("百分之三十", "0.3"),
        ("百分之三十五", "0.35"),
        ("百分之零点五", "0.005"),
        ("百分之30", "0.3"),
        ("2%", "0.02"),
        ("0.5%", "0.005"),
        ("50 %", "0.5"),
        ("100%", "1"),
        ("百分之一百", "1"),
        ("0%", "0"),
    ],
)
def test_parse_rate_accepts(text, expected):
    assert parse_rate(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", " ", "150%", "百分之一百五十", "-5%", "负5%", "abc", "30", "0.3", "百分之", "30%%"]
)
def test_parse_rate_rejects(text):
    with pytest.raises(AmountError) as info:
        parse_rate(text)
    assert CJK.search(str(info.value))
    assert "30%" in str(info.value)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("3600000", "360万元"),
        ("12000000", "1,200万元"),
        ("30000000", "3,000万元"),
        ("200000000", "2亿元"),
        ("600000000", "6亿元"),
        ("120000000", "12,000万元"),
        ("150000000", "15,000万元"),
        ("5000000", "500万元"),
        ("5E+6", "500万元"),
        ("10000", "1万元"),
        ("3333301", "3,333,301元"),
        ("3333300", "3,333,300元"),
        ("4999999.8", "4,999,999.80元"),
        ("4999999.80", "4,999,999.80元"),
        ("0.5", "0.50元"),
        ("1.234", "1.234元"),
        ("12000000.00", "1,200万元"),
        ("0", "0元"),
        ("-5000000", "-500万元"),
    ],
)
def test_format_yuan(amount, expected):
    assert format_yuan(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("0.3", "30%"), ("0.02", "2%"), ("0.005", "0.5%"), ("1", "100%"), ("0.30", "30%"), ("0.125", "12.5%")],
)
def test_format_rate(rate, expected):
    assert format_rate(Decimal(rate)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("5E+6", "5000000"),
        ("4999999.80", "4999999.80"),
        ("4999999.8", "4999999.80"),
        ("3333300.00", "3333300"),
        ("0", "0"),
        ("1.234", "1.234"),
    ],
)
def test_format_plain_yuan(amount, expected):
    assert format_plain_yuan(Decimal(amount)) == expected


def test_formatters_refuse_float():
    with pytest.raises(TypeError):
        format_yuan(1.5)


def test_normalize_digits_keeps_length():
    text = "１２００万元，３０％，１．５"
    assert normalize_digits(text) == "1200万元,30%,1.5"
    assert len(normalize_digits(text)) == len(text)


def _kinds(text):
    return [(m.kind, m.value) for m in find_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平台建设投资1200万元，能补多少？", [("amount", 12000000)]),
        (
            "按照不超过项目投资额的30%给予补贴，单个项目补贴最高不超过1000万元",
            [("rate", Decimal("0.3")), ("amount", 10000000)],
        ),
        ("总投资达到1000万元（含）以上", [("amount", 10000000)]),
        ("在2022-2024年内有效", [("year", 2022), ("year", 2024)]),
        ("2024年", [("year", 2024)]),
        ("京政发〔2022〕23号", [("year", 2022), ("number", 23)]),
        ("包括5G网络", [("number", 5)]),
        ("（四）支持新基建项目", []),
        ("一、加大新基建项目谋划", []),
        ("4、 拓展投融资渠道\n（4）条款", []),
        ("投资三千万元，另有五百万", [("amount", 30000000), ("amount", 5000000)]),
        ("按不超过相关保费的50％给予补贴", [("rate", Decimal("0.5"))]),
        ("百分之三十的补贴", [("rate", Decimal("0.3"))]),
        ("投资¥18,000,000建设", [("amount", 18000000)]),
        ("投资１２００万元", [("amount", 12000000)]),
        ("总投资2亿元以上", [("amount", 200000000)]),
        ("3000万像素", [("number", 30000000)]),
        ("投资5万亿元", [("amount", 5000000000000)]),  # out of range: reported, not raised
        ("应用两清单内十四五规划", []),
        ("补贴333.33万元", [("amount", Decimal("3333300"))]),
        ("补贴100，200家企业", [("number", 100), ("number", 200)]),
    ],
)
def test_find_mentions(text, expected):
    assert _kinds(text) == [(kind, Decimal(value)) for kind, value in expected]


def test_find_mentions_offsets_point_into_original():
    text = "单个项目补贴最高不超过１０００万元，按照30％补贴"
    mentions = find_mentions(text)
    assert mentions == [
        Mention("amount", Decimal("10000000"), "１０００万元", 11, 17),
        Mention("rate", Decimal("0.3"), "30％", 20, 23),
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_find_mentions_never_raises_on_huge_numbers():
    # Too long to be exact at any sane precision: skipped rather than rounded or raised.
    assert find_mentions("9" * 500 + "元，补贴30%") == [Mention("rate", Decimal("0.3"), "30%", 504, 507)]


fen_amounts = st.integers(min_value=1, max_value=10**14 - 1).map(lambda c: Decimal(c).scaleb(-2))


@given(fen_amounts)
def test_amount_round_trip(amount):
    assert parse_amount(format_yuan(amount)) == amount


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_wan_round_trip(wan):
    amount = Decimal(wan) * 10000
    assert parse_amount(format_yuan(amount)) == amount


@given(fen_amounts)
def test_plain_yuan_round_trip(amount):
    assert Decimal(format_plain_yuan(amount)) == amount
    assert "E" not in format_plain_yuan(amount)


@given(st.integers(min_value=1, max_value=1000))
def test_rate_round_trip(per_mille):
    rate = Decimal(per_mille) / 1000
    assert parse_rate(format_rate(rate)) == rate


def test_max_yuan_is_one_wan_yi():
    assert MAX_YUAN == parse_amount("1万亿")
