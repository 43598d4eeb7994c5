"""A page crawled without its paragraph breaks (addressee, signature, title and every numbered clause run
on in one line) is read as the document it was: each numbered clause on its own, cited by its number,
quoted verbatim, and mapped back to the raw file; a text written with its own line breaks is unchanged."""

from __future__ import annotations

from pathlib import Path

from assistant.knowledge.documents import clean, load_document
from assistant.knowledge.unflatten import breaks

BATCH5 = Path(__file__).parent / "fixtures" / "real_policies_batch5"
FIRST_POLICY = Path(__file__).resolve().parents[1] / "corpus" / "beijing-new-infra-2022.txt"

RUN_ON = ("某县人民政府关于印发《某县支持企业发展若干措施》的通知\n"
          "各乡镇人民政府，县级各部门：《某县支持企业发展若干措施》已经县政府常务会议审议通过，现印发给你们，"
          "请认真贯彻执行。某县人民政府2023年3月1日某县支持企业发展若干措施一、加大创新支持1.对首次认定为高新技术企业的，"
          "给予20万元奖励，已享受同类奖励的企业按差额补足，奖励资金由县财政统筹安排。2.对新建中试平台的，按总投资额的10%、最高给予300万元支持，其中设备投资须达到1.5亿元。"
          "二、加大人才支持3.对新引进的博士研究生，每人给予5万元安家补贴。4.对入选省级以上人才计划的，"
          "按省级标准的50%给予配套奖励；补贴标准为：一、二类人才分别给予10万元、5万元。5.本措施自2023年4月1日起施行，有效期3年。")


def _loaded(tmp_path: Path, text: str):
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    return load_document(path)


def test_a_run_on_page_is_read_clause_by_clause_and_quotes_stay_verbatim(tmp_path: Path):
    doc = _loaded(tmp_path, RUN_ON)
    labels = [u.label for u in doc.measures]
    assert labels == ["1.", "2.", "3.", "4.", "5."]
    clause = doc.unit("2.")
    assert clause.text == "2.对新建中试平台的，按总投资额的10%、最高给予300万元支持，其中设备投资须达到1.5亿元。"
    assert clause.section.startswith("一、加大创新支持")
    assert doc.unit("4.").text.endswith("一、二类人才分别给予10万元、5万元。")  # 一、 inside a sentence is no heading
    start = doc.raw_offset(clause.start)
    assert doc.raw_text[start : start + len(clause.text)] == clause.text
    assert doc.meta.title == "某县人民政府关于印发《某县支持企业发展若干措施》的通知"
    assert doc.meta.valid_from.isoformat() == "2023-04-01"
    assert doc.text.replace("\n", "") == RUN_ON.replace("\n", "")


def test_addressee_and_signature_are_lines_of_their_own():
    text, _ = clean(RUN_ON)
    lines = text.split("\n")
    assert "各乡镇人民政府，县级各部门：" in lines
    assert "某县人民政府" in lines and "2023年3月1日" in lines


def test_real_run_on_pages_are_split_at_every_numbered_clause():
    tech = load_document(BATCH5 / "sichuan-guangan-tech-innovation-2021.txt")
    assert [u.label for u in tech.measures] == [f"{n}." for n in range(1, 25)]
    assert tech.unit("12.").text == "12.对首次创建为高新技术企业的，给予20万元支持。"
    commerce = load_document(BATCH5 / "sichuan-guangan-commerce-services-2015.txt")
    labels = [u.label for u in commerce.measures]
    assert labels[0] == "（一）" and labels[-1] == "（二十）" and len(labels) == 20
    assert commerce.meta.title == "关于印发广安市促进商贸服务业发展二十条措施的通知"


def test_a_text_with_its_own_paragraphs_is_left_as_written():
    text = FIRST_POLICY.read_text(encoding="utf-8")
    assert breaks(text) == []
    short = "一、总则。二、支持。三、附则。"  # short lines are paragraphs as written
    assert breaks(short) == []


HANGING_TEXT = ("某区软件产业园扶持政策\n"
                "人才政策\n"
                "在本区注册并纳税的软件企业引进的高层次人才，经认定后给予一次性安家补贴，对取得省级重大成果的团队，给予30\n"
                "                万元一次性奖励，对取得国家级重大成果的团队，给予50万元一次性奖励。\n"
                "场地政策\n"
                "        入园企业前两年办公场所租金全额补贴。\n")


def test_a_sentence_broken_over_an_indented_line_is_read_whole(tmp_path: Path):
    doc = _loaded(tmp_path, HANGING_TEXT)
    clause = next(u for u in doc.measures if "30万元一次性奖励" in u.text)  # the figure is whole again
    assert "给予30万元一次性奖励，对取得国家级" in clause.text
    start = doc.raw_offset(clause.text.index("30万元") + clause.start)
    assert doc.raw_text[start : start + 2] == "30"
    # a short heading before an indented paragraph stays a line of its own
    assert any(u.text.strip() == "入园企业前两年办公场所租金全额补贴。" for u in doc.units)


CHAPTERS = ("某市参加运动会奖励办法第一章　总则第一条　为激励运动员刻苦训练，制定本办法。"
            "为全面落实党中央、国务院和省委、省政府决策部署，进一步激发市场活力，推动全市经济持续回升和提质增效，结合本市实际，经市政府同意，现就有关事项通知如下，请各地各部门认真贯彻落实，确保各项政策落地见效。"
            "各地要细化工作方案，明确责任分工，加强统筹调度，及时研究解决政策执行中的困难和问题，重大情况及时报告。"
            "第二条　对有功人员予以奖励。"
            "第三条　本办法适用于参赛的运动员、教练员、工作人员等有功人员，以及承担训练任务的单位和集体。第二章　运动员的奖励第四条　对获得金牌的运动员，每枚奖励4万元。"
            "第五条　对打破纪录的，奖励4万元。第三章　附则第六条　本办法自印发之日起施行。")
NOTES = ("某市若干政策措施""为全面落实党中央、国务院和省委、省政府决策部署，进一步激发市场活力，推动全市经济持续回升和提质增效，结合本市实际，经市政府同意，现就有关事项通知如下，请各地各部门认真贯彻落实，确保各项政策落地见效。"
            "各地要细化工作方案，明确责任分工，加强统筹调度，及时研究解决政策执行中的困难和问题，重大情况及时报告。""一、足额落实市县投入。对新引进项目每个奖励10万元。（牵头单位：市财政局）二、落实税收优惠政策。"
         "按规定减免税费。（牵头单位：市税务局）三、支持企业稳生产。对稳产企业奖励5万元。〔责任单位：各县区政府〕"
         "四、支持开展促消费活动。对促消费活动给予补助，最高20万元。（牵头单位：市商务局）五、本措施自印发之日起施行。")


def test_articles_after_a_chapter_heading_on_one_line_are_each_a_clause(tmp_path: Path):
    labels = [u.label for u in _loaded(tmp_path, CHAPTERS).measures]
    assert labels == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]


def test_items_after_a_bracketed_note_that_ends_the_item_before_are_each_a_clause(tmp_path: Path):
    doc = _loaded(tmp_path, NOTES)
    assert [u.label for u in doc.measures] == ["一、", "二、", "三、", "四、", "五、"]
    assert "最高20万元" in doc.text[doc.unit("四、").start : doc.unit("四、").end]
CHAPTERED = ("某市人民政府办公室关于印发某市比赛奖励办法的通知各县人民政府：《某市比赛奖励办法》已经市政府常务会议审议通过，"
             "现印发给你们，请认真贯彻执行。某市人民政府办公室2022年6月1日某市比赛奖励办法第一章　总则第一条　为激励运动员刻苦训练，"
             "奋勇争先，积极备战省运动会，推动体育强市建设，根据有关文件精神，参照上届运动会奖励办法的标准，结合本市实际，制定本办法。第二条　本办法适用于参赛人员。第二章　运动员的奖励第三条　对获得金牌的运动员，奖励4万元。"
             "第四条　对获得银牌的运动员，奖励2万元；获得铜牌的运动员，奖励1万元；获得第四名至第八名的运动员，奖励5000元。第三章　附则第五条　本办法自2022年7月1日起施行。")


def test_an_article_after_a_chapter_heading_run_on_is_a_clause_of_its_own(tmp_path: Path):
    doc = _loaded(tmp_path, CHAPTERED)
    assert doc.unit("第三条").text == "第三条　对获得金牌的运动员，奖励4万元。"
    assert doc.unit("第四条").text == "第四条　对获得银牌的运动员，奖励2万元；获得铜牌的运动员，奖励1万元；获得第四名至第八名的运动员，奖励5000元。"
    assert doc.unit("第五条").text.startswith("第五条　本办法自")


NOTED = ("某县人民政府办公室关于印发某县促进创业实施方案的通知各乡镇人民政府：《某县促进创业实施方案》已经县政府常务会议审议通过，"
         "现印发给你们，请结合实际，抓好贯彻落实。某县人民政府办公室2019年2月1日某县促进创业实施方案一、目标任务到2022年，"
         "全县新增创业主体1000户，带动就业5000人，建成创业孵化基地5个，培育创业示范项目20个。二、工作举措（一）拓宽覆盖面。对新认定的创业孵化基地，给予10万元奖励。（责任单位：县人社局、"
         "县财政局，各乡镇人民政府。列首位的为牵头单位，下同）（二）加快载体建设。对新建的创业园区，给予20万元补助。"
         "（责任单位：县人社局，各乡镇人民政府〕（三）强化贷款支持。对符合条件的创业者，按贷款利息的50%给予贴息。（责任单位：县财政局）")


def test_an_item_after_a_bracketed_note_of_responsible_units_is_a_clause_of_its_own(tmp_path: Path):
    doc = _loaded(tmp_path, NOTED)
    assert [u.label for u in doc.measures][-3:] == ["（一）", "（二）", "（三）"]
    assert doc.unit("（二）").text.startswith("（二）加快载体建设。对新建的创业园区，给予20万元补助。")
    assert doc.unit("（三）").text.startswith("（三）强化贷款支持。")  # a note closed by a mistyped 〕
