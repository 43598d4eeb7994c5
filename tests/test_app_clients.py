"""The named API endpoints through ``gradio_client``, with staff login on: many concurrent sessions,
each multi-turn, each getting its own answers (no history crosses sessions)."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import docx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from tests.test_browser import AppServer

pytestmark = pytest.mark.slow  # a real app server in a subprocess

USER = "helpdesk"
PASSWORD = "pw-" + secrets.token_hex(8)

# (first turn naming the measure, second turn giving the base, rate, cap); the base differs per session.
MEASURES = [
    ("我想申请平台建设补贴", "建设投资是{}万元", "0.3", 5_000_000),
    ("我们想建一个场景实验室", "项目投资额{}万元", "0.3", 10_000_000),
    ("小批量验证有补贴吗", "小批量测试投资额是{}万元", "0.3", 10_000_000),
    ("采购新产品投保能补贴保费吗", "保费是{}万元", "0.5", 10_000_000),
    ("固定资产贷款能贴息吗", "贷款本金{}万元", "0.02", 10_000_000),
]


def expected(base_wan: int, rate: str, cap: int) -> Decimal:
    return min(Decimal(base_wan) * 10_000 * Decimal(rate), Decimal(cap))


def conversation(i: int) -> list[tuple[str, Decimal | None]]:
    first, second, rate, cap = MEASURES[i % len(MEASURES)]
    base1, base2 = 100 + 37 * i, 1000 + 211 * i
    return [(first, None), (second.format(base1), expected(base1, rate, cap)),
            (f"那如果是{base2}万元呢？", expected(base2, rate, cap))]


def run_session(url: str, i: int) -> list[tuple[Decimal | None, Decimal | None]]:
    client = Client(url, auth=(USER, PASSWORD), verbose=False)
    out = []
    for question, want in conversation(i):
        answer = client.predict(question, api_name="/ask")
        got = Decimal(answer["calculations"][0]["amount_yuan"]) if answer["calculations"] else None
        out.append((want, got))
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(tmp_path_factory.mktemp("client-app"), POLICY_APP_USERNAME=USER, POLICY_APP_PASSWORD=PASSWORD,
                   POLICY_TODAY="2023-06-01", POLICY_CONCURRENCY="8") as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    return Client(server.url, auth=(USER, PASSWORD), verbose=False)


def test_login_is_required(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.url + "config", timeout=10)
    assert err.value.code == 401
    with pytest.raises(ValueError):
        Client(server.url, auth=(USER, "wrong-password"), verbose=False)


def test_concurrent_sessions_get_their_own_multi_turn_answers(server):
    sessions = 20
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        results = list(pool.map(lambda i: run_session(server.url, i), range(sessions)))
    for i, turns in enumerate(results):
        assert turns[0][1] is None, f"session {i}: the first turn gives no amount yet"
        for want, got in turns[1:]:
            assert got == want, f"session {i}: expected {want}, got {got}"
    records = [json.loads(line) for line in server.log_path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == sessions * 3
    assert len({r["session"] for r in records}) == sessions
    assert all(r["channel"] == "api" for r in records)
    # the password never reaches the log or the server's output
    assert PASSWORD not in server.log_path.read_text(encoding="utf-8")
    assert PASSWORD not in server.output()


def test_ask_endpoint_returns_the_contract(client):
    answer = client.predict("平台建设投资1200万元，能补多少？", api_name="/ask")
    assert {"answer", "mode", "in_scope", "citations", "calculations", "eligibility", "follow_up"} <= set(answer)
    assert answer["calculations"][0]["amount_yuan"] == "3600000"
    assert answer["citations"][0]["clause"] == "（四）"
    assert answer["asked_on"] == "2023-06-01"
    with pytest.raises(AppError, match="问题为空"):
        client.predict("  ", api_name="/ask")


def test_calculate_endpoint(client):
    result = client.predict("platform_construction", "2000万", api_name="/calculate")
    assert result["calculation"]["amount_yuan"] == "5000000" and result["amount_text"] == "500万元"
    assert result["calculation"]["capped"] is True and result["citation"]["clause"] == "（四）"
    result = client.predict("loan_interest", "6亿", "2023-06-01", "北京市海淀区", "软件和信息服务业", "是", "",
                            api_name="/calculate")
    assert result["calculation"]["amount_yuan"] == "10000000"
    assert all(v["met"] is True for v in result["eligibility"][:3])
    threshold = client.predict("library_threshold", "1000万", api_name="/calculate")
    assert threshold["threshold"]["met"] is True and threshold["calculation"] is None
    with pytest.raises(AppError, match="金额不能为负数"):
        client.predict("platform_construction", "-5万", api_name="/calculate")
    with pytest.raises(AppError, match="没有编号"):
        client.predict("no_such_measure", "100万", api_name="/calculate")


def test_draft_endpoint_returns_markdown_and_files(client):
    markdown, docx_path, md_path = client.predict("平台建设投资2000万元，能补多少？", "北京某科技有限公司", api_name="/draft")
    assert "500万元" in markdown and "北京某科技有限公司" in markdown
    text = "\n".join(p.text for p in docx.Document(docx_path).paragraphs)
    assert "500万元" in text and "第（四）条" in text
    with open(md_path, encoding="utf-8") as fh:
        assert fh.read() == markdown
    # the enterprise is optional
    markdown, _, _ = client.predict("保费30万元能补多少？", api_name="/draft")
    assert "15万元" in markdown and "贵单位" in markdown


def test_wrong_types_and_control_characters_get_chinese_messages(client):
    """Issue 11: through the real API, a wrong JSON type names its field, a number is yuan, and
    control characters never crash a handler (they used to give "内部错误" or an empty AppError)."""
    with pytest.raises(AppError, match="企业画像字段 registered_in：应为文字，实际收到数字"):
        client.predict('{"registered_in": 123}', api_name="/match")
    with pytest.raises(AppError, match="industry：应为文字，实际收到列表"):
        client.predict('{"industry": ["软件和信息服务业"]}', api_name="/match")
    assert client.predict("platform_construction", 12000000, api_name="/calculate")["calculation"]["amount_yuan"] == "3600000"
    with pytest.raises(AppError, match="金额为空"):
        client.predict("platform_construction", None, api_name="/calculate")
    markdown, docx_path, _ = client.predict("平台建设投资2000万元\x0b能补多少？\x1b", "北京\x00某公司", api_name="/draft")
    assert "500万元" in markdown and "北京某公司" in markdown
    docx.Document(docx_path)
