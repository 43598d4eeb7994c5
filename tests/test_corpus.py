from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.knowledge.documents import clean, load_document, parse_structure

from .conftest import CORPUS, DOC_ID

MEASURES = ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）", "（十）"]


def test_structure_of_the_policy(doc):
    kinds = [u.kind for u in doc.units]
    assert kinds[:4] == ["issuers", "title", "preamble", "scope"]
    assert kinds[-1] == "validity"
    assert [u.label for u in doc.measures] == MEASURES
    assert [u.label for u in doc.units if u.kind == "part"] == ["一、", "二、", "三、", "四、"]


def test_title_issuers_and_meta(doc):
    title = doc.unit("标题")
    assert title.text == "关于促进本市新型基础设施投资中\n新技术新产品推广应用的若干措施"
    assert doc.unit("发文机关").text == "北京市经济和信息化局 北京市财政局"
    assert doc.meta.title == "关于促进本市新型基础设施投资中新技术新产品推广应用的若干措施"
    assert str(doc.meta.valid_from) == "2022-01-01" and str(doc.meta.valid_to) == "2024-12-31"


def test_misnumbered_part_four_is_part_four(doc):
    part = doc.unit("四、")
    assert doc.text[part.start : part.start + 2] == "4、"  # the published text keeps its typo
    assert part.section == "四、拓展投融资渠道支持新基建项目"
    for label in ("（九）", "（十）"):
        assert doc.unit(label).section == "四、拓展投融资渠道支持新基建项目"
    assert doc.unit("（八）").section == "三、加强新基建全生命周期关键节点的差异化支持"


def test_every_unit_offset_is_exact(doc):
    for u in doc.units:
        assert doc.text[u.start : u.end] == u.text or u.kind == "part"
        assert u.end > u.start


def test_bookmark_artifact_removed_and_offsets_map_back(doc):
    assert "[bookmark" not in doc.text
    assert "[bookmark: _GoBack]" in doc.raw_text
    measure = doc.unit("（八）")
    assert measure.text.startswith("（八）支持新技术新产品规模化推广应用。")
    raw_at = doc.raw_offset(measure.start)
    assert doc.raw_text[raw_at : raw_at + 3] == "（八）"
    assert doc.raw_text[raw_at - len("[bookmark: _GoBack]") : raw_at] == "[bookmark: _GoBack]"


def test_clean_keeps_per_character_offsets():
    text, offsets = clean("ab[bookmark: x]cd")
    assert text == "abcd" and list(offsets) == [0, 1, 15, 16]


def test_citation_is_verbatim_and_labelled(doc):
    cit = doc.cite("单个平台建设补贴最高不超过500万元")
    assert cit.clause == "（四）" and cit.section == "二、支持新基建创新攻关和新主体新平台培育"
    assert doc.text[cit.start : cit.end] == cit.quote
    scope = doc.cite("本措施支持的对象为在本市注册经营的工业和软件信息服务业企业")
    assert scope.clause == "适用范围"
    assert doc.cite("在2022-2024年内有效").clause == "施行期限"


def test_measure_heading(doc):
    assert doc.unit("（十）").heading == "提高金融信贷服务水平"


def test_an_empty_document_names_the_file():
    with pytest.raises(CorpusError) as err:
        parse_structure("  \n\n", "坏文件.txt")
    assert "坏文件.txt" in str(err.value) and "是空的" in str(err.value)


@pytest.mark.parametrize(
    "text, warning, labels",
    [
        ("只有一个标题\n另一个标题", "已按段落切分为1段", ["第1段"]),
        ("标题\n\n正文一句。\n又一句。", "已按段落切分为2段", ["第1段", "第2段"]),
        ("标题\n\n正文。\n一、第一部分\n（一）条款。\n（三）条款。", "条款编号不连续：1→3", ["（一）", "（三）"]),
        ("标题\n\n第一条 总则。\n第三条 条款。", "条款编号不连续：1→3", ["第一条", "第三条"]),
    ],
)
def test_irregular_documents_are_kept_with_a_warning(text, warning, labels):
    from assistant.knowledge.structure import read_structure

    found = read_structure(text, "文件.txt")
    assert any(warning in w for w in found.warnings), found.warnings
    assert [u.label for u in found.units if u.kind == "measure"] == labels


def test_unsupported_and_broken_files(tmp_path):
    bad = tmp_path / "policy.xls"
    bad.write_text("x")
    with pytest.raises(CorpusError, match="不支持的文件类型 policy.xls"):
        load_document(bad)
    broken = tmp_path / "policy.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CorpusError, match="无法读取文件 policy.docx"):
        load_document(broken)
    latin = tmp_path / "gbk.txt"
    latin.write_bytes("（一）条款。".encode("gbk"))
    with pytest.raises(CorpusError, match="UTF-8"):
        load_document(latin)


def test_corpus_file_is_the_seed():
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_b6e2d3e652f3a21e.txt"
    if not seed.exists():
        pytest.skip("shared/ seed not beside this checkout")
    assert (CORPUS / f"{DOC_ID}.txt").read_bytes() == seed.read_bytes()
