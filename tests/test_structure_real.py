"""Real documents as they come: numbering that restarts in attachments or jumps (第六章 → 第八章), mixed
levels, headings without numbers, full-width digits, tables in .docx, running heads and broken lines in
PDFs. Each is kept whole, warned about in Chinese where its numbering cannot be followed, and every
clause label stays unique and citable."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge.documents import load_document
from assistant.knowledge.extract import pdf_text
from assistant.knowledge.structure import read_structure

WITH_ATTACHMENTS = """关于印发《某区促进产业高质量发展若干措施》的通知
某府办发〔2023〕12号
各街道办事处，区政府各部门：
现将《某区促进产业高质量发展若干措施》印发给你们，请认真贯彻执行。
附件：1.某区企业上市挂牌扶持办法
2.某区中药材种植基地奖励细则
某区人民政府办公室
2023年5月8日
附件1
某区企业上市挂牌扶持办法
一、对在上海证券交易所、深圳证券交易所主板上市的企业，给予企业300万元奖励。
二、对在北京证券交易所上市的企业，给予企业200万元奖励。
三、本办法自2023年6月1日起施行。
附件2
某区中药材种植基地奖励细则
一、对新发展的100—500亩（含500亩）的中药材种植基地，一次性奖励企业200元/亩。
二、对新发展的500亩以上的中药材种植基地，一次性奖励企业300元/亩。
"""

CHAPTER_GAP = """某县招商引资优惠办法
第六章 财政扶持
第十二条 对固定资产投资达到1亿元以上的项目，给予企业50万元奖励。
第十三条 对新认定的国家级、省级企业技术中心，分别给予企业100万元、30万元奖励。
第八章 附则
第十五条 本办法由县商务局负责解释。
"""

MIXED = """某市支持总部经济发展办法
为加快总部经济发展，制定本办法。
第一条 【落户奖】
（一）对新落户的跨国公司地区总部，给予一次性落户奖励500万元。
（二）对新落户的综合型总部：
1.实缴注册资本5亿元以上的，奖励1000万元；
2.实缴注册资本1亿元以上不足5亿元的，奖励300万元。
(1)分三年支付，每年支付三分之一。
第二条 【办公用房补贴】对租用自用办公用房的，按租金的30%给予补贴。
申报程序
第三条 企业向区商务局提出申请。
第四条 本办法自2020年1月1日起施行，有效期3年。
"""

FULL_WIDTH = """某县文化旅游奖励措施
１．对新评定为国家５Ａ级旅游景区的，奖励１００万元。
２．对新评定为国家４Ａ级旅游景区的，奖励５０万元。
３．本措施自２０２４年１月１日起施行。
"""

RESTART_UNDER_PARTS = """某市科技创新若干措施
一、支持企业研发
（一）对研发投入超过500万元的企业，给予企业20万元奖励。
（二）对新认定的高新技术企业，给予企业30万元奖励。
二、支持平台建设
（一）对新认定的国家级重点实验室，给予500万元奖励。
（二）对新认定的省级重点实验室，给予100万元奖励。
"""


def labels(structure) -> list[str]:
    return [u.label for u in structure.units if u.kind == "measure"]


def test_attachments_restart_their_numbering_and_are_cited_by_their_number(tmp_path: Path):
    found = read_structure(WITH_ATTACHMENTS, "通知.txt")
    assert labels(found) == ["附件1·一、", "附件1·二、", "附件1·三、", "附件2·一、", "附件2·二、"]
    assert not [w for w in found.warnings if "不连续" in w]
    path = tmp_path / "notice.txt"
    path.write_text(WITH_ATTACHMENTS, encoding="utf-8")
    doc = load_document(path)
    cite = doc.cite("一次性奖励企业300元/亩")
    assert cite.clause == "附件2·二、" and cite.section == "附件2·某区中药材种植基地奖励细则"
    assert doc.cite("给予企业200万元奖励").clause == "附件1·二、"
    assert doc.meta.title.startswith("关于印发《某区促进产业高质量发展若干措施》的通知")
    assert doc.meta.doc_number == "某府办发〔2023〕12号"
    assert doc.unit("附件1·一、").heading.startswith("对在上海证券交易所")


def test_a_chapter_gap_is_warned_about_and_the_text_kept():
    found = read_structure(CHAPTER_GAP, "办法.txt")
    assert any(w == "正文的章编号不连续：6→8，已按原文保留" for w in found.warnings), found.warnings
    assert any("条款编号不连续：13→15" in w for w in found.warnings)
    assert labels(found) == ["第十二条", "第十三条", "第十五条"]
    unit = next(u for u in found.units if u.label == "第十五条")
    assert unit.section == "第八章 附则"


def test_mixed_levels_keep_their_sub_items_inside_the_article_and_a_bare_heading_groups():
    found = read_structure(MIXED, "办法.txt")
    assert labels(found) == ["第一条", "第二条", "第三条", "第四条"]
    first = next(u for u in found.units if u.label == "第一条")
    assert "奖励300万元" in first.text and "分三年支付" in first.text
    third = next(u for u in found.units if u.label == "第三条")
    assert third.section == "申报程序"


def test_full_width_digits_number_clauses(tmp_path: Path):
    found = read_structure(FULL_WIDTH, "措施.txt")
    assert labels(found) == ["1.", "2.", "3."]
    path = tmp_path / "fw.txt"
    path.write_text(FULL_WIDTH, encoding="utf-8")
    doc = load_document(path)
    assert doc.cite("奖励５０万元").clause == "2."
    assert doc.unit("1.").heading == "对新评定为国家５Ａ级旅游景区的，奖励１００万元"


def test_clauses_numbered_again_under_each_part_are_labelled_with_the_part():
    found = read_structure(RESTART_UNDER_PARTS, "措施.txt")
    assert labels(found) == ["一、（一）", "一、（二）", "二、（一）", "二、（二）"]
    assert len(set(labels(found))) == 4
    assert any("部分编号+条款编号" in w for w in found.warnings)


def test_a_document_without_numbers_is_split_into_paragraphs():
    text = "某镇关于扶持家庭农场的通知\n对新认定的省级示范家庭农场，给予5万元奖励。\n对新认定的市级示范家庭农场，给予2万元奖励。\n"
    found = read_structure(text, "通知.txt")
    assert labels(found) == ["第1段", "第2段"]
    assert any("已按段落切分为2段" in w for w in found.warnings)


def test_docx_tables_are_kept_in_order(tmp_path: Path):
    import docx

    d = docx.Document()
    d.add_paragraph("某市旅游景区奖励办法")
    d.add_paragraph("第一条 对新评定的A级旅游景区按下表给予一次性奖励。")
    table = d.add_table(rows=3, cols=2)
    for row, (level, award) in zip(table.rows, [("等级", "奖励"), ("5A级", "200万元"), ("4A级", "50万元")], strict=True):
        row.cells[0].text, row.cells[1].text = level, award
    d.add_paragraph("第二条 本办法自发布之日起施行。")
    path = tmp_path / "table.docx"
    d.save(str(path))
    doc = load_document(path)
    assert "5A级 | 200万元" in doc.text
    assert doc.cite("4A级 | 50万元").clause == "第一条"
    assert [u.label for u in doc.measures] == ["第一条", "第二条"]


def test_pdf_running_heads_page_numbers_and_broken_lines():
    head = "某市促进制造业高质量发展的若干政策措施"
    page1 = (f"{head}\n第一条 对首次认定为国家级制造业单项冠军示范企业的，给予企\n业100万元奖励；对首次认定为省级制造业单项冠军示范企业的，给\n"
             "予企业50万元奖励。\n第二条 对企业年度技术改造设备投资额达到1000万元以上的项\n- 1 -")
    page2 = (f"{head}\n目，按设备投资额的10%给予补助，单个项目最高不超过500万元。\n第三条 本措施自2024年1月1日起施行。\n"
             "- 2 -")
    text = pdf_text([page1, page2])
    assert "- 1 -" not in text and text.count(head) == 0
    assert "给予企业100万元奖励；对首次认定为省级制造业单项冠军示范企业的，给予企业50万元奖励。\n第二条" in text
    assert "达到1000万元以上的项目，按设备投资额的10%给予补助" in text  # across the page break
    found = read_structure(text, "措施.pdf")
    assert labels(found) == ["第一条", "第二条", "第三条"]


def test_a_pdf_file_is_read_whole(tmp_path: Path):
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "policy.pdf"
    c = canvas.Canvas(str(path))
    lines = [["某县农业产业化奖励办法", "第一条 对新发展的100—500亩（含500亩）的中药材种植基地，一次性奖", "励企业200元/亩。"],
             ["某县农业产业化奖励办法", "第二条 对新认定的国家级、省级农业产业化龙头企业，分别给予", "企业50万元、20万元奖励。"]]
    for n, page in enumerate(lines, 1):
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(page):
            c.drawString(72, 800 - 20 * i, line)
        c.drawString(290, 40, f"- {n} -")
        c.showPage()
    c.save()
    doc = load_document(path)
    assert doc.cite("一次性奖励企业200元/亩").clause == "第一条"
    assert doc.cite("分别给予企业50万元、20万元奖励").clause == "第二条"


def test_add_takes_irregular_documents_and_reports_what_it_could_not_structure(corpus_copy, tmp_path: Path):
    from assistant.knowledge.ingest import add_document
    from assistant.settings import Settings

    settings = Settings.from_env(corpus_dir=corpus_copy, embedding="hash", index_dir=tmp_path / "idx")
    gap = tmp_path / "county-investment.txt"
    gap.write_text(CHAPTER_GAP, encoding="utf-8")
    report = add_document(settings, gap)
    assert report[0].startswith("已添加《某县招商引资优惠办法》") and "3 个条款" in report[0]
    assert "注意：正文的章编号不连续：6→8，已按原文保留" in report
    assert (corpus_copy / "county-investment.txt").read_text(encoding="utf-8") == CHAPTER_GAP
    attached = tmp_path / "district-notice.txt"
    attached.write_text(WITH_ATTACHMENTS, encoding="utf-8")
    assert "5 个条款" in add_document(settings, attached)[0]


def test_digit_items_under_a_part_are_not_parts_and_a_named_attachment_list_opens_nothing():
    text = """关于受理专利申请资助项目申报的通知
现将有关事项通知如下：
一、资助范围及额度
（一）国内专利申请资助：
1、受理范围：
授权公告日在2017年1月1日至6月30日期间的国内发明专利。
2、资助额度：
国内发明专利获得授权后每件资助12000元。
（二）专利代理机构资助
代理首件发明专利申请的，每件资助1000元。
二、申报程序
（一）系统填报时间：2017年8月7日至9月8日。
附件：专利申请资助申报表
东莞市知识产权局
附件
专利申请资助申报表
一、申请人基本情况。
"""
    found = read_structure(text, "通知.txt")
    assert labels(found) == ["一、（一）", "一、（二）", "二、（一）", "附件1·一、"]
    first = next(u for u in found.units if u.label == "一、（一）")
    assert "每件资助12000元" in first.text
    assert not [w for w in found.warnings if "不连续" in w]


def test_a_copied_web_page_keeps_its_title_apart_from_page_lines_and_names_its_place(tmp_path: Path):
    text = """关于受理2017年东莞市第二批专利申请资助项目申报的通知
发布时间：2017-09-25 03:08:15
分享到
松山湖知识产权局、各镇街科技办，有关单位及个人：
现将有关事项通知如下：
一、国内发明专利获得授权后每件资助12000元。
二、本通知由东莞市知识产权局负责解释。
"""
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path)
    assert doc.meta.title == "关于受理2017年东莞市第二批专利申请资助项目申报的通知"
    assert doc.meta.region == "东莞市"
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("第一条 为促进大连市跨境电子商务发展，制定本规定。\n第二条 对在大连市注册的企业，给予10万元奖励。\n", encoding="utf-8")
    assert load_document(untitled).meta.region == "大连市"  # named twice by the clauses


THREE_LEVELS = """某市招商引资若干政策
一、适用范围
本政策适用于新引进的外来投资企业。
二、支持政策
（一）财政支持。
1.项目投资补贴。按实际投资额的2%给予补贴，最高100万元。
2.物流补贴。按年物流费用的5%给予补贴，每年不超过50万元。
（二）用地支持。
3.标准厂房支持。从第二层起按建筑面积每平方米100元给予补助。
三、政策执行
（一）本政策由市商务局负责解释。
（二）本政策自2023年1月1日起施行，有效期2年。
"""


def test_items_under_short_headings_of_a_third_level_are_the_clauses():
    """一、 / （一）财政支持。 / 1.…: the （一） only heads the numbered items, which are cited by their own number;
    a clause （一） of another part, sharing the heading's label, is cited with its part's."""
    units = read_structure(THREE_LEVELS, "three.txt").units
    measures = {u.label: u for u in units if u.kind == "measure"}
    assert list(measures) == ["1.", "2.", "3.", "三、（一）", "三、（二）"]
    assert measures["2."].text == "2.物流补贴。按年物流费用的5%给予补贴，每年不超过50万元。"
    assert measures["2."].section == "二、支持政策·（一）财政支持"
    assert measures["3."].section == "二、支持政策·（二）用地支持"


def test_a_portals_labelled_lines_above_the_body_give_the_documents_title_issuer_number_and_dates(tmp_path):
    """A text copied from a government portal: its title, issuer, number and dates are the labelled lines above
    the body (the value may stand on the next line), not the first line of the page."""
    import datetime as dt

    from assistant.knowledge.documents import load_document

    path = tmp_path / "portal-copy.txt"
    path.write_text("产业类型：制造业\n政策名：某市某区工业和信息化局关于印发某区支持智能制造若干措施的通知\n"
                    "发布机构：某市某区工业和信息化局\n文　　号：某工信规字〔2025〕3号\n实施日期：2025年03月01日\n"
                    "失效日期：\n2028-02-28\n\n一、对新认定的智能工厂，给予20万元奖励。\n", encoding="utf-8")
    meta = load_document(path).meta
    assert meta.title == "某市某区工业和信息化局关于印发某区支持智能制造若干措施的通知"
    assert meta.issuers == ("某市某区工业和信息化局",) and meta.doc_number == "某工信规字〔2025〕3号"
    assert (meta.valid_from, meta.valid_to) == (dt.date(2025, 3, 1), dt.date(2028, 2, 28))


def test_a_portals_menus_before_the_documents_title_are_not_its_title(tmp_path):
    page = ("访问我的专属空间\n智能问答\n无障碍\n政策解读\n一图读懂\n某市经济和信息化委员会\n某市财政局\n"
            "关于印发《某市支持新能源商用车\n产业发展政策措施》的通知\n某经信规范〔2025〕13号\n各有关单位：\n"
            "现将《某市支持新能源商用车产业发展政策措施》印发给你们，请认真贯彻执行。\n"
            "一、支持研发。对企业研发投入给予10%的补助，最高100万元。\n二、本措施自印发之日起施行。\n")
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    doc = load_document(path)
    assert doc.meta.title == "关于印发《某市支持新能源商用车产业发展政策措施》的通知"
    batch8 = Path(__file__).parent / "fixtures" / "real_policies_batch8"
    assert load_document(batch8 / "beijing-city-new-energy-heating-2026.txt").meta.title == \
        "北京市发展和改革委员会关于公开征集市政府固定资产投资支持新能源供热项目的通知"
