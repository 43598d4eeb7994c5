"""What a drafted rule is called and what its answer shows, on short real-like wording: names and aliases
from the rule's own words (its subject carried over from the sentence, the qualifier that tells it from
its siblings, whole words only), topics only for support without figures (never procedure, materials or
forms), and a rate whose base the text does not name never shown as "None"."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.knowledge.base import Knowledge
from assistant.knowledge.kinds import describe
from assistant.knowledge.rules_draft import draft_rule_file

HEAD = "某区促进产业发展若干措施\n"


def drafted(tmp_path: Path, body: str):
    """The rules drafted from the clauses of ``body``, as drafts and as loaded (accepted) rules, and the topics."""
    (tmp_path / "p.txt").write_text(HEAD + body + "\n", encoding="utf-8")
    path, drafts = draft_rule_file(Knowledge.load(tmp_path).docs["p"])
    kb = Knowledge.load(tmp_path)
    rules = [replace(r, reviewed=True) for r in kb.rules if r.doc_id == "p"]
    import yaml

    topics = yaml.safe_load(path.read_text(encoding="utf-8")).get("topics") or []
    return drafts, rules, topics


def test_a_rate_without_a_lead_word_takes_the_words_before_it_as_base(tmp_path):
    drafts, rules, _ = drafted(tmp_path, "一、运营满一年的企业，对其入驻孵化载体期间实际发生的场地租金总额的50%予以租金补贴，每个企业每年不超过5万元。")
    assert [(d.kind, d.base) for d in drafts] == [("subsidy", "场地租金总额")]
    assert rules[0].base == "场地租金总额"


def test_a_matching_ratio_takes_its_base_from_the_words_before_it(tmp_path):
    drafts, rules, _ = drafted(tmp_path, "一、对新增床位50张以上的养老机构，根据市级建设补贴床位标准按1:0.5的比例给予区级配套建设补贴。")
    assert [d.base for d in drafts] == ["市级建设补贴床位"]
    assert "None" not in describe(rules[0])


def test_a_base_cut_from_a_longer_phrase_is_whole_words(tmp_path):
    drafts, _, _ = drafted(tmp_path, "一、属第一类的项目，资助标准原则上不高于产品订货合同的20%。")
    assert [d.base for d in drafts] == ["产品订货合同"]


def test_a_rate_whose_base_is_not_written_never_shows_none(tmp_path):
    drafts, rules, _ = drafted(tmp_path, "一、对认定的骨干企业，给予20%的事后奖励，单个企业最高不超过100万元。")
    assert drafts and all(d.base for d in drafts)
    assert all(r.base and "None" not in describe(r) for r in rules)


def test_names_and_aliases_are_whole_words(tmp_path):
    drafts, _, _ = drafted(tmp_path, "一、支持创新平台。首次认定为新型研发机构、重点实验室，按照国家级、市级分别给予100万元、50万元补助。")
    words = [drafts[0].name, *drafts[0].aliases]
    assert "新型研发机构" in drafts[0].aliases and not any(w.startswith("型研发") for w in words)


def test_a_materials_item_is_no_heading(tmp_path):
    drafts, _, _ = drafted(tmp_path, "1、营业执照副本；\n2、人社部门和财政部门要求的其他材料。\n省财政在当地财政给予贴息的基础上，"
                                     "按贷款基准利率的50%给予贴息，最高不超过50万元。")
    assert drafts and all("材料" not in d.name and all("材料" not in a for a in d.aliases) for d in drafts)


def test_a_procedure_clause_gives_no_topic(tmp_path):
    _, _, topics = drafted(tmp_path, "一、符合本次项目受理范围的资助申请须在本批办理，请在申报界面中填写相关信息，具体政策以相关规定为准。\n"
                                     "二、建档、查验材料、系统填报等时间截止后将不再接受相关的业务请求，相关资助按规定另行制定。\n"
                                     "三、对重大招商项目，按照一事一议原则给予支持。")
    assert [t["clause"] for t in topics] == ["三、"]
    assert all(a not in ("符合", "申报界面中") for t in topics for a in t["aliases"])


def test_an_items_own_heading_names_the_award_under_it_and_a_list_item_names_nothing(tmp_path):
    drafts, _, _ = drafted(tmp_path, "第十三条 支持平台建设升级：\n"
                                     "（一）创建补贴。新组建平台经认定后，按其设备投资额的一定比例给予一次性补贴，同一平台支持金额不超过500万元。\n"
                                     "（二）运营补贴。自授牌次年度起，按其年度服务性收入的一定比例给予补贴，年度最高支持金额不超过200万元。")
    by_cap = {d.cap: d for d in drafts}
    assert "创建补贴" in by_cap["500万元"].aliases and "运营补贴" not in by_cap["500万元"].aliases
    assert "运营补贴" in by_cap["200万元"].aliases and "创建补贴" not in by_cap["200万元"].aliases
    # an eligibility list item ("（2）本市户籍的居民；") is no heading of the awards that follow on other lines
    (tmp_path / "list").mkdir()
    drafts, _, _ = drafted(tmp_path / "list", "第二条 申请人须符合以下条件之一：\n（1）本市企业；\n（2）本市户籍的居民；\n"
                                     "资助额度：国内发明专利获得授权后每件资助12000元。")
    assert all("本市户籍的居民" not in d.aliases and "居民" not in d.name for d in drafts)


def test_a_clause_whose_first_sentence_grants_an_award_names_the_figures_after_it(tmp_path):
    drafts, _, _ = drafted(tmp_path, "第六条 对列入风险补贴计划的项目，给予推广资金风险补贴。补贴标准原则上不超过产品订货合同金额的10%，"
                                     "补贴金额最高不超过200万元。订货合同完成后，一次性拨付补助金额的80%，项目通过验收后，再拨付剩余的20%。")
    rated = [d for d in drafts if d.rate == "10%"]
    assert rated and "风险补贴" in rated[0].aliases and "风险补贴" in rated[0].name


def test_the_subject_of_a_title_granted_is_named_without_the_verb_of_granting():
    """创建为/获批/授予 open the subject like 认定为: a question says 认定为 or 评上, never the text's verb."""
    from assistant.knowledge.aliases import subjects

    assert subjects("3.对首次创建为省级专精特新企业的，给予10万元支持")[0] == "专精特新企业"
    assert subjects("（五）对新获批国家级技能大师工作室的，给予30万元奖励")[0] == "技能大师工作室"
    assert subjects("（七）本地企业首次被授予“浙江老字号”的，奖励5万元")[0] == "浙江老字号"


def test_the_applicant_named_before_its_threshold_is_the_subject():
    from assistant.knowledge.aliases import subjects

    assert subjects("对商标代理机构（含分支机构）同一年度代理商标注册量达20件的，奖励3万元") == ["商标代理机构"]
    assert subjects("对年交易额达到1000万元以上的企业，奖励5万元") == []  # a threshold alone names nothing
