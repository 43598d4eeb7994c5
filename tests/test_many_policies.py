"""Several policies: adding .docx/.pdf documents, drafting rules, cross-document answers, profile matching."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from assistant.answering.match import match_profile
from assistant.errors import CorpusError, RuleError
from assistant.knowledge.base import Knowledge
from assistant.knowledge.calculator import calculate
from assistant.knowledge.ingest import add_document
from assistant.knowledge.rules_draft import draft_rule_file
from assistant.service import Assistant
from assistant.settings import Settings

from .policy_fixtures import DOCX_STEM, PDF_STEM, write_docx_policy, write_pdf_policy
from .test_cli import run

D = Decimal
IN_2023 = dt.date(2023, 6, 1)


@pytest.fixture
def corpus3(corpus_copy, tmp_path):
    """The real corpus plus the two test policies, added the way a help desk would."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash", index_dir=tmp_path / "idx")
    for path in (write_docx_policy(inbox), write_pdf_policy(inbox)):
        add_document(settings, path)
    return corpus_copy


def _review(corpus, stem):
    path = corpus / f"{stem}.rules.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false", "reviewed: true"), encoding="utf-8")


def test_added_documents_are_parsed_with_their_own_numbering(corpus3):
    kb = Knowledge.load(corpus3)
    docx_doc, pdf_doc = kb.docs[DOCX_STEM], kb.docs[PDF_STEM]
    assert docx_doc.meta.doc_number == "京经信发〔2023〕12号"
    assert docx_doc.meta.issuers == ("北京市经济和信息化局",)
    assert (docx_doc.meta.valid_from, docx_doc.meta.valid_to) == (dt.date(2023, 3, 1), dt.date(2025, 12, 31))
    assert [u.label for u in docx_doc.measures] == ["（一）", "（二）", "（三）", "（四）"]
    assert [u.label for u in pdf_doc.measures] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert pdf_doc.unit("第三条").section == "第二章 支持内容"
    assert pdf_doc.meta.valid_to is None  # not stated: asked for, not guessed
    meta = (corpus3 / f"{PDF_STEM}.meta.yaml").read_text(encoding="utf-8")
    assert "valid_to: ''" in meta


def test_add_reports_what_it_cannot_find(corpus_copy, tmp_path):
    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash", index_dir=tmp_path / "idx")
    report = add_document(settings, write_pdf_policy(tmp_path))
    assert any("valid_to" in line and "不做猜测" in line for line in report)


def test_a_corrupt_or_unsupported_file_changes_nothing(corpus_copy, tmp_path):
    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash", index_dir=tmp_path / "idx")
    before = sorted(p.name for p in corpus_copy.iterdir())
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorpusError, match="broken.docx"):
        add_document(settings, broken)
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(b"%PDF-1.4\n%%EOF")
    with pytest.raises(CorpusError, match="scan.pdf"):
        add_document(settings, scanned)
    sheet = tmp_path / "policy.xlsx"
    sheet.write_bytes(b"x")
    with pytest.raises(CorpusError, match="不支持的文件类型"):
        add_document(settings, sheet)
    assert sorted(p.name for p in corpus_copy.iterdir()) == before


def test_drafting_finds_the_numeric_provisions(corpus3):
    kb = Knowledge.load(corpus3)
    _, drafts = draft_rule_file(kb.docs[DOCX_STEM])
    got = {(d.clause, d.kind, d.rate, d.cap, d.threshold) for d in drafts}
    assert got == {("（一）", "subsidy", "20%", "300万元", None), ("（二）", "cap_only", None, "50万元", None),
                   ("（三）", "subsidy", "1.5%", "500万元", None), ("（四）", "threshold", None, None, "500万元")}
    _, drafts = draft_rule_file(kb.docs[PDF_STEM])
    assert {(d.clause, d.rate, d.cap, d.base_key) for d in drafts} == {
        ("第三条", "25%", "200万元", "project_investment"), ("第四条", "40%", "20万元", "insurance_premium")}
    kb = Knowledge.load(corpus3)  # the drafted files load: every quote is verbatim in its clause
    drafted = [r for r in kb.rules if r.doc_id in (DOCX_STEM, PDF_STEM)]
    assert len(drafted) == 6 and not any(r.reviewed for r in drafted)


def test_unreviewed_rules_are_never_used_by_the_calculator(corpus3):
    draft_rule_file(Knowledge.load(corpus3).docs[DOCX_STEM])
    kb = Knowledge.load(corpus3)
    with pytest.raises(RuleError, match="尚未人工审核"):
        calculate(kb.rules.get(f"{DOCX_STEM}.r1"), D("10000000"))
    bot = Assistant(Settings.from_env(corpus_dir=corpus3, embedding="hash", index_dir=corpus3.parent / "i1"))
    a = bot.ask("平台建设投资1000万元能补多少")
    assert [c.rule_id for c in a.calculations] == ["platform_construction"]
    assert "尚未人工审核" in a.answer and "不超过平台建设投资的20%" in a.answer


def test_reviewed_rules_answer_side_by_side_naming_each_document(corpus3):
    draft_rule_file(Knowledge.load(corpus3).docs[DOCX_STEM])
    _review(corpus3, DOCX_STEM)
    bot = Assistant(Settings.from_env(corpus_dir=corpus3, embedding="hash", index_dir=corpus3.parent / "i2",
                                      today="2023-06-01"))
    a = bot.ask("平台建设投资1000万元能补多少")
    amounts = {c.rule_id: c.amount_yuan for c in a.calculations}
    assert amounts == {"platform_construction": D("3000000"), f"{DOCX_STEM}.r1": D("2000000")}
    assert "京经信发〔2023〕12号" in a.answer and "请勿合并计算" in a.answer
    assert {c.doc_id for c in a.citations} >= {"beijing-new-infra-2022", DOCX_STEM}


PROFILE = {"registered_in": "北京", "industry": "软件和信息服务业", "project_in_library": True,
           "platform_investment": "2000万元", "insurance_premium": "60万元", "loan_principal": "3亿元",
           "date": "2023-06-01"}


APPLICABLE = ("computed", "needs_confirm")  # a figure; 需确认 while a condition of the clause is not known


def test_the_issue_profile_matches_with_exact_amounts(kb):
    matches = match_profile(kb, PROFILE, dt.date.today())
    computed = {m.rule.id: m.amount for m in matches if m.status in APPLICABLE}
    assert computed == {"rd_first_use": D("30000000"), "loan_interest": D("6000000"),
                        "platform_construction": D("5000000"), "insurance_premium": D("300000")}
    for status in APPLICABLE:
        amounts = [m.amount for m in matches if m.status == status]
        assert amounts == sorted(amounts, reverse=True)
    status = {m.rule.id: (m.status, m.note) for m in matches}
    assert status["insurance_premium"][0] == "needs_confirm" and "攻关产品清单" in status["insurance_premium"][1]
    needs = {m.rule.id for m in matches if m.status == "needs_input"}
    assert needs == {"scenario_lab", "small_batch", "list_application"}


def test_matching_says_applicable_only_when_every_condition_of_the_clause_is_known(kb):
    """（三） is for 新基建重点项目牵头单位: an ordinary software firm is told what is unchecked, not 可申请."""
    matches = {m.rule.id: m for m in match_profile(kb, PROFILE, IN_2023)}
    first_use = matches["rd_first_use"]
    assert first_use.status == "needs_confirm" and "牵头单位" in first_use.note
    listed = {**PROFILE, "uses_listed_products": True}
    premium = next(m for m in match_profile(kb, listed, IN_2023) if m.rule.id == "insurance_premium")
    assert premium.status == "computed" and premium.amount == D("300000") and not premium.note
    # a yes/no fact the rule file defines is a profile field like the others
    lead = {m.rule.id: m for m in match_profile(kb, {**PROFILE, "lead_unit": True}, IN_2023)}["rd_first_use"]
    assert lead.status == "computed" and lead.amount == D("30000000")
    not_lead = {m.rule.id: m for m in match_profile(kb, {**PROFILE, "lead_unit": "否"}, IN_2023)}["rd_first_use"]
    assert not_lead.status == "not_eligible" and "牵头单位" in not_lead.note


@pytest.mark.parametrize(
    "profile, rule_id, status",
    [
        ({**PROFILE, "registered_in": "上海"}, "platform_construction", "not_eligible"),
        ({**PROFILE, "industry": "餐饮"}, "insurance_premium", "not_eligible"),
        ({**PROFILE, "project_in_library": False}, "loan_interest", "not_eligible"),
        ({**PROFILE, "date": "2026-01-01"}, "platform_construction", "not_eligible"),
        ({"registered_in": "北京", "lab_investment": "4000万"}, "scenario_lab", "needs_confirm"),
        ({**PROFILE, "uses_listed_products": True}, "insurance_premium", "computed"),
    ],
)
def test_profiles(kb, profile, rule_id, status):
    m = next(m for m in match_profile(kb, profile, IN_2023) if m.rule.id == rule_id)
    assert m.status == status


def test_matching_covers_every_document_after_review(corpus3):
    for stem in (DOCX_STEM, PDF_STEM):
        draft_rule_file(Knowledge.load(corpus3).docs[stem])
        _review(corpus3, stem)
    kb = Knowledge.load(corpus3)
    profile = {**PROFILE, "project_investment": "400万元"}
    got = {m.rule.id: m.amount for m in match_profile(kb, profile, IN_2023) if m.status in APPLICABLE}
    assert got[f"{DOCX_STEM}.r1"] == D("3000000")  # 2000万 × 20% = 400万 → capped 300万
    assert got[f"{PDF_STEM}.r1"] == D("1000000")  # 400万 × 25%
    assert got[f"{PDF_STEM}.r2"] == D("200000")  # 60万 × 40% = 24万 → capped 20万
    assert got["list_application"] == D("1200000")


def test_match_cli_json(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    out = run("match", str(path), "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    by_id = {r["rule_id"]: r for r in rows}
    assert by_id["platform_construction"]["calculation"]["amount_yuan"] == "5000000"
    assert by_id["loan_interest"]["calculation"]["amount_yuan"] == "6000000"
    assert by_id["insurance_premium"]["calculation"]["amount_yuan"] == "300000"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROFILE, "loan_principal": "三亿美元"}, ensure_ascii=False), encoding="utf-8")
    err = run("match", str(bad))
    assert err.returncode == 2 and "loan_principal" in err.stderr


def test_incremental_indexing_reembeds_only_the_changed_document(corpus3, tmp_path):
    from assistant.knowledge.documents import load_corpus
    from assistant.search.chunking import chunk_document
    from assistant.search.index import open_index

    from .test_index import CountingEmbedder

    settings = Settings.from_env(corpus_dir=corpus3, embedding="hash", index_dir=tmp_path / "inc")
    first = CountingEmbedder()
    ix = open_index(settings, load_corpus(corpus3), first)
    assert ix.rebuilt and len(ix.updated) == 3
    ix.close()
    # edit the .docx policy's text: only it is re-embedded
    import docx

    path = corpus3 / f"{DOCX_STEM}.docx"
    d = docx.Document(str(path))
    for p in d.paragraphs:
        if "300万元" in p.text:
            p.text = p.text.replace("300万元", "350万元")
    d.save(str(path))
    docs = load_corpus(corpus3)
    second = CountingEmbedder()
    ix = open_index(settings, docs, second)
    assert not ix.rebuilt and ix.updated == [DOCX_STEM]
    # and of its chunks only those whose text changed (vectors are reused by content hash)
    changed = [c for c in chunk_document(docs[DOCX_STEM]) if "350万元" in c.embed_text]
    assert second.embedded == len(changed) > 0
    assert ix.collection.count() == len(ix.chunks)
    ix.close()
    # remove a document: nothing is embedded, its chunks are gone
    (corpus3 / f"{PDF_STEM}.pdf").unlink()
    third = CountingEmbedder()
    ix = open_index(settings, load_corpus(corpus3), third)
    assert third.embedded == 0 and ix.collection.count() == len(ix.chunks)
    assert not ix.collection.get(where={"doc_id": PDF_STEM})["ids"]
    ix.close()


def test_a_policy_of_another_city_checks_its_own_region(tmp_path):
    folder = tmp_path / "sh"
    folder.mkdir()
    (folder / "sh-ai-2024.txt").write_text(
        "上海市经济和信息化委员会\n上海市促进人工智能产业发展的若干措施\n\n为加快发展，制定本措施。\n"
        "本措施支持的对象为在本市注册经营的人工智能企业。\n一、支持算力\n"
        "（一）支持算力平台建设。按照不超过平台建设投资的10%给予补贴，单个平台最高不超过100万元。\n"
        "本措施自2024年1月1日起施行，有效期至2026年12月31日。\n", encoding="utf-8")
    kb = Knowledge.load(folder)
    assert kb.docs["sh-ai-2024"].meta.region == "上海市"
    draft_rule_file(kb.docs["sh-ai-2024"])
    _review(folder, "sh-ai-2024")
    kb = Knowledge.load(folder)
    profile = {"registered_in": "北京", "platform_investment": "500万元", "date": "2025-01-01"}
    m = match_profile(kb, profile, IN_2023)[0]
    assert m.status == "not_eligible" and "不在上海" in m.note
    m = match_profile(kb, {**profile, "registered_in": "上海市浦东新区"}, IN_2023)[0]
    assert m.status == "computed" and m.amount == D("500000")


@pytest.mark.slow
def test_add_and_draft_from_the_command_line(corpus_copy, tmp_path):
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {**os.environ, "POLICY_CORPUS_DIR": str(corpus_copy), "POLICY_EMBEDDING": "hash",
           "POLICY_INDEX_DIR": str(tmp_path / "cli-index"), "PYTHONIOENCODING": "utf-8"}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, encoding="utf-8", timeout=180)

    out = cli("add", str(write_docx_policy(tmp_path)))
    assert out.returncode == 0, out.stderr
    assert "已添加《关于支持工业互联网平台发展的若干措施》" in out.stdout and "索引已" in out.stdout
    assert (corpus_copy / f"{DOCX_STEM}.docx").exists()
    out = cli("rules", "draft", DOCX_STEM)
    assert out.returncode == 0 and "已起草 4 条规则" in out.stdout
    again = cli("rules", "draft", DOCX_STEM)
    assert again.returncode == 2 and "--force" in again.stderr
    out = cli("search", "工业互联网标识解析二级节点奖励", "--json")
    assert json.loads(out.stdout)[0]["doc_id"] == DOCX_STEM
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    out = cli("add", str(broken))
    assert out.returncode == 2 and "broken.pdf" in out.stderr and not (corpus_copy / "broken.pdf").exists()


def test_assistant_match_and_a_direct_question_about_a_new_document(corpus3):
    draft_rule_file(Knowledge.load(corpus3).docs[DOCX_STEM])
    _review(corpus3, DOCX_STEM)
    bot = Assistant(Settings.from_env(corpus_dir=corpus3, embedding="hash", index_dir=corpus3.parent / "i3",
                                      today="2024-06-01"))
    top = max((m for m in bot.match(PROFILE) if m.status in APPLICABLE), key=lambda m: m.amount)
    assert top.amount == D("30000000")
    a = bot.ask("建设工业互联网标识解析二级节点，奖励多少钱？")
    assert [(c.rule_id, c.amount_yuan) for c in a.calculations] == [(f"{DOCX_STEM}.r2", D("500000"))]
    assert a.citations[0].doc_id == DOCX_STEM and "京经信发〔2023〕12号" in a.answer
