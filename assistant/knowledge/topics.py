"""Support a text gives without a figure (一事一议, 另行制定, 给予一定资助, 按…规定给予支持, 视其贡献给予奖励):
one topic per sentence, with its quote, so a question about it is answered from the text (for ``rules_draft``)."""

from __future__ import annotations

import re

from assistant.knowledge.aliases import (
    PROCEDURE,
    heading_of,
    is_name,
    name_aliases,
    propose,
    propose_examples,
    rule_name,
    subjects,
)
from assistant.knowledge.provisions import figures
from assistant.knowledge.wording import SENTENCE

TOPIC_SUPPORT = re.compile(r"奖励|补贴|补助|资助|扶持|支持|配套|优惠|贴息|经费|免收|减免|政策|激励|鼓励奖|救助|奖补")
# Support whose figures the text leaves to someone or something else: a decision case by case, a standard to be
# set, a general amount (一定/相应/适当), another document (《…》, 按规定), more support later (加大…力度).
TOPIC_STRONG = re.compile(r"一事一议|另行制定|另行研究|研究确定|具体情况|[由另][^，。；]{0,16}制定|根据[^，。；]{0,8}需要制定|"
                          r"由[^，。；]{0,20}(?:自定|自行确定|(?:实际|水平|情况)确定)|分别给予[^，。；]{0,10}(?:奖励|补贴|补助|资助|奖补)$|"
                          r"一定(?:额度|比例|数额|的)?(?:奖励|补贴|补助|资助|扶持|支持)|"
                          r"相应(?:的)?(?:奖励|补贴|补助|资助|扶持|支持|政策)|适当(?:奖励|补贴|补助|资助|支持)|更大(?:扶持|支持)|更加优惠|"
                          r"其他资金(?:补贴|支持)|"
                          r"(?:按(?:照)?|参照|根据|依照|依据)[^，。；]{0,40}(?:规定|办法|标准|通知|目录|政策|》)[^，。；]{0,20}(?:给予|予以|享受|申请[^，。；]{0,10}(?:补贴|资助|奖励))|"
                          # a decision case by case (视其贡献给予奖励), more funds (加大…资金投入), the ways of support
                          # named without amounts (采取无偿补助、股权投资的方式支持), another policy's standard (以…规定为准)
                          r"视[^，。；]{1,16}(?:情况[，,])?(?:给予|予以|设置)|加大[^，。；]{0,20}资金投入|"
                          r"采取[^，。；]{2,40}(?:方式|形式)[^，。；]{0,6}(?:支持|扶持)|(?:支持|投入)方式|以[^，。；]{0,20}(?:规定|政策)为准|"
                          r"享受[^。；]{0,40}扶持政策|"
                          r"纳入《[^》]{2,40}》|享受(?:相关|有关)[^，。；]{0,10}政策|"
                          r"可享受[^，。；\d]{0,6}(?:奖励|补贴|补助|资助)$|"
                          r"予以(?:支持|配套)|优先安排|免收|惠民补贴|增加运营经费|"
                          # funds named as the source of support, with no amount (统筹…资金，对…给予支持 · 用好…引导基金…支持…)
                          r"(?:统筹|利用|用好)[^，。；]{0,20}(?:资金|基金)[^。；]{0,40}?(?:给予支持|支持|扶持)|"
                          r"基金[^，。；]{0,20}给予(?:支持|扶持)")
TOPIC_WEAK = re.compile(r"给予[^，。；\d]{0,6}(?:补贴|资助|奖励|扶持|支持|补助)$")  # 给予奖励: may only lead into figures
# a named allowance paid with no amount anywhere in the sentence: 为高龄老人发放高龄生活补贴，并… · 给予…一次性补贴，每年…
NAMED_ALLOWANCE = r"(?:发放|给予)[^，。；\d]{0,20}?(?:一次性|生活|运营|护理)(?:补贴|补助|津贴)(?=[，,])"
TOPIC_OPEN = re.compile(f"{TOPIC_STRONG.pattern}|{TOPIC_WEAK.pattern}|{NAMED_ALLOWANCE}")
# A list's lead-in, figures given elsewhere in the text (上述, 比照, a standard of its own), a rule about other
# support (不重复享受), a step of the procedure (公示, 申报指南, 操作细则, 办理程序), or a tax rule (no support paid by this text).
TOPIC_NOT = re.compile(r"[：:]$|(?<!除)上述(?!规定)(?![^，。；]{0,6}(?:毕业生|人员|人才))|以下标准|下列标准|比照|不重复|同时符合|同一项目|不予|取消|降级|只能|仅对|不再|"
                       r"资格(?!证)|公示|申报指南|操作|细则|解释|程序|执行(?!$)|"
                       # procedure, materials, deadlines and forms: how to apply, not support without figures
                       r"材料|复印件|申请表|申报表|登记表|填写|填报|截止|受理范围|审核时间|申报时间|界面|系统|提交|报送")
# a tax rule is no support this text pays, unless the sentence names money support beside it (财政补贴、税收优惠…)
TAX = re.compile(r"税收优惠|免征|免税|增值税|关税")
PAID = re.compile(r"补贴|补助|资助|奖励")
STANDARD_ELSEWHERE = re.compile(r"按(?:照)?[^，。；]{0,12}标准")
STANDARD_OPEN = re.compile(r"参照|《|另行|制定|目录|相关标准")


def draft_topics(doc, drafts: list) -> list[dict]:
    """Support the text gives without a figure (一事一议, 另行制定, 给予一定资助, 按…规定给予支持): one
    topic per sentence, with its quote, so a question about it is answered from the text."""
    out = []
    with_rules = {d.clause for d in drafts}
    for unit in doc.units:
        if unit.kind != "measure":
            continue
        for m in SENTENCE.finditer(unit.text):
            sent = m.group(0).strip().rstrip("。；;")
            if figures(sent) or not TOPIC_SUPPORT.search(sent) or not TOPIC_OPEN.search(sent) or (
                    TOPIC_NOT.search(sent) and "一事一议" not in sent) or (
                    TAX.search(sent) and not PAID.search(sent)):
                continue
            if STANDARD_ELSEWHERE.search(sent) and not STANDARD_OPEN.search(sent):
                continue  # 按较高标准享受补贴: a standard the text gives elsewhere, not support without figures
            if unit.label in with_rules and not TOPIC_STRONG.search(sent) and not re.search(NAMED_ALLOWANCE, sent) \
                    and m.end() < len(unit.text.rstrip()) - 1 and figures(unit.text[m.end():m.end() + 80]):
                continue  # the figures follow: this sentence leads into them
            heading = heading_of(unit.body)
            name = rule_name(heading, next(iter(subjects(sent)), None), sent)
            aliases = [a for a in propose(heading, sent) if is_name(a)] or name_aliases(name)  # never 符合, 申报界面中
            out.append({"clause": unit.label, "name": name, "quote": sent, "aliases": aliases,
                        "examples": propose_examples(name, aliases, None)})
    return out


def find_topics(doc, drafts: list) -> list[dict]:
    """Measures without figures, so questions about them still find them (proposed names)."""
    with_rules = {d.clause for d in drafts}
    out = []
    for unit in doc.units:
        if unit.kind != "measure" or unit.label in with_rules:
            continue
        body = unit.body.strip()
        if not (TOPIC_SUPPORT.search(body) or TOPIC_STRONG.search(body)) or PROCEDURE.search(re.split(r"[。；;\n]", body)[0]):
            continue  # procedure, materials, deadlines, forms: how to apply, no support of its own
        heading = heading_of(body)
        name = rule_name(heading, None, body)
        aliases = [a for a in propose(heading, body) if is_name(a)] or name_aliases(name)
        out.append({"clause": unit.label, "name": name, "aliases": aliases,
                    "examples": propose_examples(name, aliases, None)})
    return out
