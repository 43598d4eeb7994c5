"""Issue 11: each defect found by the probe, reproduced and fixed (fast tests; the ones that start
``python app.py`` are in test_hardening_app.py, the index ones in test_hardening_index.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from assistant.answering.answer import Answer
from assistant.errors import CorpusError, PolicyError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.ingest import add_document
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.text.inputs import InputTypeError, clean_text
from assistant.web.answer_log import AnswerLog
from assistant.web.state import FieldError, WebApp

from .conftest import DOC_ID, ROOT

# Each makes python-docx refuse a paragraph ("All strings must be XML compatible"); the last two are
# a lone surrogate and half of an emoji.
NASTY = ["\x0b", "\x00", "\x0c", "\x1b", "\ud800", "\udc00"]
QUESTION = "平台建设投资1200万元，能补多少？"


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "POLICY_EMBEDDING": "hash", **env})


def one_chinese_line(out: subprocess.CompletedProcess) -> str:
    err = out.stderr.strip()
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("错误："), err
    return err


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    root = tmp_path_factory.mktemp("hardening")
    bot = Assistant(Settings.from_env(embedding="hash", index_dir=root / "index", today="2023-06-01"))
    bot.search("预热", k=1)
    return bot


@pytest.fixture
def web(bot, tmp_path) -> WebApp:
    return WebApp(bot.settings, bot=bot, answer_log=AnswerLog(tmp_path / "logs" / "answers.jsonl"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- 1. private files, private log
def test_draft_files_are_private_to_this_process(web):
    r = web.draft(QUESTION, "北京某科技有限公司")
    root = web.private_root
    assert mode(root) == 0o700 and root.name.startswith("policy-assistant-")
    assert r.docx.is_relative_to(root) and r.md.is_relative_to(root)  # not the shared /tmp/policy-assistant-drafts
    for path in (r.docx.parent, web.draft_dir):
        assert mode(path) == 0o700
    assert mode(r.docx) == 0o600 and mode(r.md) == 0o600
    docx_path, md_path = web.draft_files(r.markdown + "（已复核）", str(r.docx.parent))
    assert mode(docx_path) == 0o600 and mode(md_path) == 0o600
    assert web.served_dir.is_relative_to(root) and mode(web.served_dir) == 0o700


def test_old_draft_folders_expire(bot, tmp_path):
    web = WebApp(Settings.from_env(embedding="hash", file_max_age=0), bot=bot, answer_log=AnswerLog(tmp_path / "a.jsonl"))
    first = web.draft(QUESTION)
    os.utime(first.docx.parent, (1, 1))
    web.draft(QUESTION)
    assert not first.docx.parent.exists()


def test_the_answer_log_is_created_0600_and_an_old_one_is_narrowed(tmp_path):
    log = AnswerLog(tmp_path / "logs" / "answers.jsonl")
    assert log.append(Answer(answer="a", question="q"))
    assert mode(log.path) == 0o600 and mode(log.path.parent) == 0o700
    old = AnswerLog(tmp_path / "old.jsonl")
    old.path.write_text("")
    old.path.chmod(0o644)
    assert old.append(Answer(answer="a", question="q")) and mode(old.path) == 0o600


# ---------------------------------------------------------------- 4. control characters and lone surrogates
@pytest.mark.parametrize("bad", NASTY)
def test_control_characters_reach_no_docx_log_or_page(web, bad):
    inquiry, enterprise = f"平台建设投资2000万元{bad}能补多少？", f"北京{bad}某科技有限公司"
    r = web.draft(inquiry, enterprise)  # was: ValueError: All strings must be XML compatible
    text = "\n".join(p.text for p in docx.Document(str(r.docx)).paragraphs)
    assert "500万元" in text and "某科技有限公司" in text
    for shown in (r.markdown, r.basis, text, r.md.read_text(encoding="utf-8")):
        assert bad not in shown
    edited_docx, _ = web.draft_files(r.markdown + bad, str(r.docx.parent))
    docx.Document(str(edited_docx))
    turn = web.chat_turn(f"保费30万元{bad}能补多少？", [])
    assert "15万元" in turn.markdown and bad not in turn.markdown + turn.details
    records = [json.loads(line) for line in web.log.path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and turn.logged  # was: a lone surrogate was answered but not logged
    assert all(bad not in json.dumps(rec, ensure_ascii=False) for rec in records)


def test_clean_text_keeps_what_matters_visible():
    assert clean_text("a\x0bb\x00c\x1bd") == "a bcd"
    assert clean_text("企业\ud800名称") == "企业\ufffd名称"
    assert clean_text("\ud83d\ude00 ok\r\nnext\ttab") == "😀 ok\nnext\ttab"  # a real pair and whitespace stay


def test_calculator_and_match_accept_control_characters(web):
    result = web.calculate("platform_construction\x00", "1200万\x0b", "2023-06-01\x1b", "北京\ud800", "软件\x0c")
    assert result.calculation.amount_yuan == 3600000
    assert web.match_json('{"registered_in": "北京\\u0000", "industry": "软件\\ud800", "platform_investment": "2000万\\u000b"}').matches


@pytest.mark.slow
def test_draft_cli_writes_a_docx_despite_control_characters(tmp_path):
    out = tmp_path / "reply.docx"
    run = cli("draft", "平台建设投资2000万元\x0b能补多少？\x1b", "--out", str(out), POLICY_INDEX_DIR=str(tmp_path / "ix"))
    assert run.returncode == 0, run.stderr  # was: a traceback
    assert "500万元" in "\n".join(p.text for p in docx.Document(str(out)).paragraphs)


# ---------------------------------------------------------------- 5. types at the edges
@pytest.mark.parametrize("profile, needle", [
    ({"registered_in": 123}, "registered_in：应为文字，实际收到数字"),
    ({"industry": ["软件和信息服务业"]}, "industry：应为文字，实际收到列表"),
    ({"project_in_library": {"a": 1}}, "project_in_library：应为 是/否/不清楚"),
    ({"platform_investment": True}, "platform_investment：应为金额"),
    ({"platform_investment": [1]}, "platform_investment：应为金额"),
    ({"date": 20230601}, "date：应为文字"),
])
def test_match_names_the_field_of_a_wrong_json_type(web, profile, needle):
    with pytest.raises(InputTypeError, match=needle):  # was: "内部错误"
        web.match_json(json.dumps(profile))


def test_a_number_is_an_amount_in_yuan(web):
    assert web.calculate("platform_construction", 12_000_000).calculation.amount_yuan == 3600000
    assert web.calculate("platform_construction", 16666666.0).calculation.amount_yuan == Decimal("4999999.80")
    rows = web.match_json({"platform_investment": 20_000_000}).to_list()
    assert next(r for r in rows if r["rule_id"] == "platform_construction")["calculation"]["amount_yuan"] == "5000000"


@pytest.mark.parametrize("base, field, needle", [
    (None, "base", "金额为空"), (True, "base", "布尔值"), ([1], "base", "列表"), (float("nan"), "base", "有限"),
])
def test_calculate_refuses_wrong_types_with_its_field(web, base, field, needle):
    with pytest.raises(FieldError, match=needle) as err:  # was: an empty AppError
        web.calculate("platform_construction", base)
    assert err.value.field == field


def test_a_deeply_nested_profile_is_refused(web):
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(PolicyError, match="嵌套过深"):
        web.match_json(deep)
    with pytest.raises(PolicyError):
        web.match_json({"industry": json.loads("[" * 50 + "]" * 50)})


def test_every_api_handler_goes_through_one_wrapper(web):
    import gradio as gr

    import app
    from assistant.text.inputs import as_text
    from assistant.web.endpoints import endpoint

    @endpoint(app.UNEXPECTED, question=(as_text, "问题 question"))
    def handler(question, other=None):
        if question == "crash":
            raise ZeroDivisionError
        if question == "policy":
            raise PolicyError("一行中文")
        return question, other

    assert handler("a\x00b", "c\ud800") == ("ab", "c\ufffd")
    with pytest.raises(gr.Error, match="问题 question：应为文字，实际收到数字"):
        handler(5)
    with pytest.raises(gr.Error, match="一行中文"):
        handler("policy")
    with pytest.raises(gr.Error) as err:
        handler("crash")
    assert err.value.message == app.UNEXPECTED  # never an empty AppError
    demo = app.build_demo(web)
    wrapped = [fn.fn for fn in demo.fns.values() if fn.api_name in ("ask", "calculate", "match", "draft")]
    assert len(wrapped) == 4 and all(getattr(f, "__wrapped__", None) for f in wrapped)


@pytest.mark.parametrize("profile, needle", [
    ({"registered_in": 123}, "registered_in：应为文字"),
    ({"industry": ["软件"]}, "industry：应为文字"),
])
def test_match_cli_names_the_field_of_a_wrong_type(tmp_path, profile, needle):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    assert needle in one_chinese_line(cli("match", str(path)))  # was: a traceback


def test_match_cli_refuses_a_deeply_nested_file(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "嵌套过深" in one_chinese_line(cli("match", str(path)))


# ---------------------------------------------------------------- 6. add over a reviewed document
def _reviewed_text(corpus: Path) -> tuple[Path, str]:
    path = corpus / f"{DOC_ID}.txt"
    return path, path.read_text(encoding="utf-8")


def test_add_never_overwrites_a_reviewed_document_without_the_flag(corpus_copy, tmp_path):
    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash")
    target, original = _reviewed_text(corpus_copy)
    rules_before = (corpus_copy / f"{DOC_ID}.rules.yaml").read_text(encoding="utf-8")
    other = tmp_path / "incoming" / target.name
    other.parent.mkdir()
    other.write_text(original.replace("单个平台建设补贴最高不超过500万元", "单个平台建设补贴最高不超过800万元"), encoding="utf-8")
    for flags in ({}, {"force": True}):
        with pytest.raises(CorpusError, match="已有审核过的规则.*--replace-reviewed"):
            add_document(settings, other, **flags)  # was: --force succeeded
    with pytest.raises(CorpusError, match="不符，未做任何更改"):
        add_document(settings, other, replace_reviewed=True)
    assert target.read_text(encoding="utf-8") == original
    assert (corpus_copy / f"{DOC_ID}.rules.yaml").read_text(encoding="utf-8") == rules_before
    assert not (corpus_copy / ".backup").exists()
    Knowledge.load(corpus_copy).calculate("platform_construction", 20_000_000)  # still loads and computes


def test_replacing_a_reviewed_document_keeps_a_backup(corpus_copy, tmp_path):
    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash")
    target, original = _reviewed_text(corpus_copy)
    other = tmp_path / "incoming" / target.name
    other.parent.mkdir()
    other.write_text(original + "\n", encoding="utf-8")  # a text the reviewed rules still match
    report = add_document(settings, other, replace_reviewed=True)
    backups = list((corpus_copy / ".backup").iterdir())
    assert len(backups) == 1 and any("已备份" in line for line in report)
    assert (backups[0] / target.name).read_text(encoding="utf-8") == original
    assert (backups[0] / f"{DOC_ID}.rules.yaml").exists()
    assert Knowledge.load(corpus_copy).calculate("platform_construction", 20_000_000).amount_yuan == 5_000_000


def test_add_cli_refuses_with_one_line(corpus_copy, tmp_path):
    target, original = _reviewed_text(corpus_copy)
    other = tmp_path / target.name
    other.write_text(original.replace("500万元", "900万元"), encoding="utf-8")
    err = one_chinese_line(cli("add", str(other), "--force", POLICY_CORPUS_DIR=str(corpus_copy)))
    assert "--replace-reviewed" in err and target.read_text(encoding="utf-8") == original


# ---------------------------------------------------------------- 7. small ones
@pytest.mark.parametrize("question", ["", "   "])
def test_ask_with_an_empty_question_exits_2(question):
    assert "问题为空" in one_chinese_line(cli("ask", question))  # was: exit 0


def test_rules_draft_of_an_unknown_document_says_so():
    err = one_chinese_line(cli("rules", "draft", "no-such-doc"))
    assert "找不到文档“no-such-doc”" in err and DOC_ID in err and "不支持的文件类型" not in err


def test_the_app_says_it_is_preparing_until_ready(bot, tmp_path):
    web = WebApp(bot.settings, bot=bot, answer_log=AnswerLog(tmp_path / "a.jsonl"))
    assert not web.ready and "正在准备索引…" in web.status_html()
    web.warm_up()
    assert web.ready and web.status_html() == ""
