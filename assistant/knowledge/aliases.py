"""Names a question may use for a drafted rule, taken from the rule's own words (proposals to review).

The clause's heading (【落户奖】, 资质奖励, 支持企业上市 without its leading verb) and the award's
subject: the words the sentence gives to whom or what it pays, after 对/被/认定为/评定为…, without
qualifiers (新, 首次, 经认定的), figures and brackets, and without a generic head (企业, 单位, 项目):
中药材种植基地, 国家4A级旅游景区, 中华老字号, 主板上市. A long subject is cut to its last words; a
list (重点实验室、工程中心…等创新平台) gives each item. Never a clause fragment with figures or commas.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.knowledge.numbering import LEAD_NUMBER

HEADING_MARK = re.compile(r"【([^】]{2,16})】")
LEAD_VERB = re.compile(r"^(?:大力|积极|进一步|全面|着力)?(?:支持|鼓励|加大|加强|推动|促进|推进|提高|提升|加快|做好|实施|开展|完善|引导|对)")
# The subject sits between a cue (对, 认定为…) and the award (给予, 奖励…).
CUE = re.compile(r"(?:对于?|被|获得|获评|认定为|评定为|评为|列入|通过|成为|入选|新建|新设立|引进|设立|创建为|获批为?|批准为|命名为|授予)")
AWARD = re.compile(r"给予|奖励|补贴|补助|资助|扶持|支持|配套|分别|按照?|每|一次性")

# What is taken off the subject: qualifiers, a generic head, figures with their units, brackets.
QUALIFIER = re.compile(r"^(?:新|首次|初次|当年|本区|本市|我市|我区|区内|市内|依法|经认定|经|符合条件|上一年度|年度|在)+的?")
GENERIC = re.compile(r"(?:企业|单位|机构|项目|主体|公司|人员)$")
HOLDER = re.compile(r"[\u4e00-\u9fff]{0,4}(?:权人|权利人|持有人|所有人|申请人|获得者)")  # who holds what is paid for
# 购置节能设备的工业企业 · 建设数字车间的制造业企业: what the applicant does names the award, not the sort of
# applicant after it
ACTION = re.compile(r"(?:投资)?(?:购置|购买|采购|投资|建设|实施|开展|引进|新建|改造|租用|承租|举办|开发|研发|建成)")
SORT_OF_APPLICANT = re.compile(r"[\u4e00-\u9fff]{1,4}(?:企业|单位|机构|公司)")
# what was granted, not its name: 获得“中国驰名商标”认定的 → 中国驰名商标
GRANTED = re.compile(r"(?<=.{4})(?:认定|称号|资格)$")
UNIT = r"(?:万|亿|千)?(?:美元|元|亩|平方米|人次|件|家|个|人|名|年|月|[%％])"
FIGURE = re.compile(rf"\d[\d,.]*\s*(?:[—\-－~至到]\s*\d[\d,.]*\s*)?{UNIT}(?:（含）|\(含\))?(?:及?以上|以下|以内|内)?")
BRACKETS = re.compile(r"（[^）]*）|\([^)]*\)|“|”|《[^》]*》")
LEVELS = re.compile(r"^(?:(?:(?:国家|省|市|区|县|镇|街道)级?|(?:国家)?[1-5１-５][AＡ]级?|[一二三四五六七]星级?)[、和及/]?)+")

# A condition is no name; nor is anything with punctuation, figures or a verb left at its start.
CONDITION = re.compile(r"达到|超过|不低于|不少于|以上|以下|突破|增长|达$")
APPLICANT_FIRST = re.compile(r"(?P<who>[^，,、的\d]{2,10}?(?:机构|企业|单位|协会|组织|公司))(?=同一|年度|当年|每年|在|的)")
BAD = re.compile(r"[，,。；;：:\n]|\d[^AＡ级]|\d$|^(?:对|在|按|以|其|该|上述|由|给予)|最高|不超过|单个|每|[在第的为于按]$|第[类条款项]")


@lru_cache(maxsize=1)
def _tokenizer():
    from assistant.text.segmenter import new_tokenizer

    return new_tokenizer()


# An item of a materials list or a step of the procedure (其他材料, 营业执照副本, 申请表, 审核时间) names no support.
PROCEDURE = re.compile(r"材料|复印件|副本|原件|凭证|执照|证明|申请表|申报表|登记表|审批表|委托书|回执|截止|工作日|"
                       r"办理|受理|填报|填写|提交|报送|审核|程序|流程|界面|系统")


def edges(text: str) -> set[int]:
    """The offsets where jieba's words of ``text`` start and end."""
    out, at = {0}, 0
    for w in _tokenizer().lcut(text):
        at += len(w)
        out.add(at)
    return out


def whole(text: str, start: int, end: int, cut: set[int] | None = None) -> bool:
    """``text[start:end]`` is whole words: it neither starts nor ends inside a word (新型 → 型研发机构 is not)."""
    cut = edges(text) if cut is None else cut
    return start in cut and end in cut


def aligned(word: str, text: str) -> bool:
    """``word``, where it occurs in ``text``, occurs there as whole words at least once."""
    at, cut = text.find(word), None
    if at < 0:
        return True  # composed from pieces, each cut at a word's edge
    while at >= 0:
        cut = edges(text) if cut is None else cut
        if whole(text, at, at + len(word), cut):
            return True
        at = text.find(word, at + 1)
    return False


def heading_of(body: str) -> str | None:
    """The clause's own short heading: 【落户奖】, or a first phrase short enough to be one (never an item of a
    materials list: 人社部门要求的其他材料)."""
    m = HEADING_MARK.search(body[:24])
    if m:
        return m[1]
    first = re.split(r"[。：:\n]", body.strip(), maxsplit=1)[0].strip()
    core = LEAD_VERB.sub("", first)
    if 2 <= len(first) <= 16 and not BAD.search(first) and len(core) >= 2 and not PROCEDURE.search(first):
        return first
    return None


# a clause's first sentence granting an award it names, its figures in the next sentences:
# "对列入风险补贴计划的项目，给予推广资金风险补贴。补贴标准原则上不超过…的10%"
LEAD_AWARD = re.compile(r"给予[^，。；:：\d]{0,8}?(?P<obj>[\u4e00-\u9fa5]{2,6}(?:补贴|奖励|资助|补助|补偿|救助))$")


def lead_award(body: str) -> str | None:
    """The award a clause's figure-less first sentence grants (风险补贴), which names the awards stated after it."""
    first = re.split(r"[。；;\n]", body.strip(), maxsplit=1)[0].strip()
    if re.search(r"\d", first):
        return None
    m = LEAD_AWARD.search(first)
    return m["obj"] if m else None


def _short(phrase: str) -> str:
    """A long subject cut to its last words (深圳证券交易所主板上市 → 主板上市)."""
    if len(phrase) <= 9:
        return phrase
    words = [w for w in _tokenizer().lcut(phrase) if w.strip()]
    out = ""
    for w in reversed(words):
        if len(out) >= 4:
            break
        out = w + out
    return out


def subjects(sentence: str) -> list[str]:
    """What the sentence pays for, in its own words (see the module docstring)."""
    from assistant.knowledge.numbering import LEAD_NUMBER

    text = re.sub(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[、.．])", "", LEAD_NUMBER.sub("", sentence.strip()))
    award = AWARD.search(text)
    head = text[: award.start()] if award and award.start() > 2 else text
    cut = edges(head)
    cues = [c for c in CUE.finditer(head) if c.end() in cut]  # the subject starts at a word: not after 对 of 对象
    phrase = head[cues[-1].end():] if cues else re.split(r"[，,]", head)[0]
    phrase = re.split(r"[，,；;]", phrase)[0]
    phrase = FIGURE.sub("", BRACKETS.sub("", phrase)).strip().rstrip("的 ")
    if CONDITION.search(phrase):  # a condition (年交易额达到…以上), not a name; but who meets it may open it
        who = APPLICANT_FIRST.match(phrase)  # 专利代理机构同一年度代理…授权量达: the agency
        return [who["who"]] if who and not CONDITION.search(who["who"]) and is_name(who["who"]) else []
    parts = [_strip(QUALIFIER, p).strip() for p in phrase.split("的") if p]
    while len(parts) > 1 and (not parts[-1] or GENERIC.fullmatch(parts[-1]) or HOLDER.fullmatch(parts[-1])
                              or (ACTION.match(parts[-2]) and SORT_OF_APPLICANT.fullmatch(parts[-1]))):
        parts.pop()  # 在北京证券交易所上市的企业 · 购置节能设备的工业企业: the words before 的企业
    if not parts or not parts[-1]:
        return []
    last = _strip(LEVELS, parts[-1]) or parts[-1]
    last = GRANTED.sub("", last)
    out = []
    if "、" in last or "等" in last:
        items, _, tail = last.partition("等")
        items = [_strip(QUALIFIER, x) for x in items.split("、")]
        out += items + [_short(items[-1])]
        if tail:
            out.append(tail)
    else:
        out.append(_short(last))
        if last != out[-1] and len(last) <= 12:
            out.insert(0, last)
    out += [GENERIC.sub("", x) for x in out if len(GENERIC.sub("", x)) >= 4]
    return [x for x in dict.fromkeys(x.strip() for x in out) if 2 <= len(x) <= 12 and not BAD.search(x) and is_name(x)
            and aligned(x, text)]


def _strip(prefix: re.Pattern, phrase: str) -> str:
    """``phrase`` without the words ``prefix`` matches at its start, only where they end at a word's edge
    (在职 keeps its 在, 新型 its 新, 区域 its 区)."""
    m = prefix.match(phrase)
    if not m or not m.end():
        return phrase
    cut = edges(phrase)
    end = max((e for e in cut if e <= m.end()), default=0)
    return phrase[end:]


# A name is a noun phrase: never a bare verb or function word, nor one that starts or ends with one (符合, 申报界面中,
# 一线服务人员可以, 各部门及), nor a clause with a preposition inside (财政在当地财政).
NOT_NAME_WORDS = {"符合", "其中", "有关", "相关", "方面", "申报", "申请", "提交", "办理", "认定", "标准", "数量", "规定",
                  "政府", "企业", "单位", "项目", "机构", "认证", "以上", "以下", "其他", "上述", "除上述", "为准"}
NAME_EDGE = re.compile(r"^(?:和|及|与|或|并|其(?!他)|除|须|由|予以|符合|按|以|在|对|向|从|将|把|被|可|应)|"
                       r"(?:和|及|与|或|并|各|予以|可以|应当|为准|中|内|里|时|等|的|了|给予|进行|在|超过|突破|达到)$|^每")
MODIFIERS = {"证明", "凭证", "执照", "材料"}  # procedure words that may qualify a noun after them
INSIDE = {"在", "对", "向", "由", "从", "将", "把", "被", "按", "按照"}


def is_name(word: str) -> bool:
    if word in NOT_NAME_WORDS or NAME_EDGE.search(word):
        return False
    if any(m.end() == len(word) or m[0] not in MODIFIERS for m in PROCEDURE.finditer(word)):
        return False  # 营业执照复印件 is a paper; 地理标志证明商标 a name
    words = _tokenizer().lcut(word)
    return not any(w in INSIDE for w in words[1:-1])


# The award's own name where the sentence gives one: 核拨经费补贴, 给予生活费补贴, 给予用人单位留用补贴.
AWARD_NAME = re.compile(r"(?:给予|核拨|发放|拨付|享受|获得|给|予以)(?:用人单位|企业|单位|机构|基地|个人|其|每人|一次性|"
                        r"[\u4e00-\u9fa5]{2,6}(?:机构|企业|单位|园区|平台))?"
                        r"([\u4e00-\u9fa5]{2,6}?(?:补贴|补助|资助|奖励|贴息|奖))")
NOT_NAME = re.compile(r"^(?:一次性|一定|相应|适当|资金|财政|专项|最高|不超过|分别|奖励|补贴|资助|补助|的|和|或|及|并)")


# 分别给予2000元、5000元进修资助: the name of an award listed by case, right after its amounts
NAME_AFTER = re.compile(r"给予[^，。；\d]{0,6}?\d[\d.,]*\s*(?:万|亿)?元(?:\s*[、和]\s*\d[\d.,]*\s*(?:万|亿)?元)+的?"
                        r"([\u4e00-\u9fa5]{2,6}?(?:补贴|补助|资助|奖励|贴息|奖))")


def award_names(sentence: str) -> list[str]:
    """The names the sentence itself gives what it pays (留用补贴, 生活费补贴), not a qualifier (一次性奖励)."""
    out = []
    for m in (*AWARD_NAME.finditer(sentence), *NAME_AFTER.finditer(sentence)):
        name = m.group(1)
        if not NOT_NAME.match(name) and not BAD.search(name) and not FIGURE.search(name):
            out.append(name)
    return out


AWARD_WORDS = ("资助", "补贴", "奖励", "补助", "贴息", "扶持")
NOT_BEFORE = re.compile(r"^(?:列入|给予|享受|获得|申请|申报|按|的|和|及|或|予以|一次性|专项|财政|资金|相应|一定)$")


def inner_awards(phrase: str) -> list[str]:
    """The award named inside a longer phrase: 列入生产资助计划的项目 → 生产资助, 风险补贴计划 → 风险补贴."""
    words = [w for w in _tokenizer().lcut(phrase) if w.strip()]
    out = []
    for i, w in enumerate(words):
        if w in AWARD_WORDS and i > 0 and len(words[i - 1]) >= 2 and not NOT_BEFORE.match(words[i - 1]):
            out.append(words[i - 1] + w)
        elif len(w) >= 4 and w.endswith(AWARD_WORDS) and w != phrase:
            out.append(w)
    return out


def propose(heading: str | None, sentence: str) -> list[str]:
    """The heading (and its core without the leading verb), the award's own name and the subjects of ``sentence``."""
    out = []
    if heading:
        out.append(heading)
        core = LEAD_VERB.sub("", heading)
        if core != heading and len(core) >= 2:
            out.append(core)
    out += award_names(sentence)
    out += subjects(sentence)
    out += [w for a in out if len(a) > 6 for w in inner_awards(a)]
    return [x for x in dict.fromkeys(out) if x and not BAD.search(x)]


def name_aliases(name: str) -> list[str]:
    """When the sentence proposes nothing: the rule's name (when short enough to be typed) and the award inside it."""
    out = ([name] if len(name) <= 12 else []) + (inner_awards(name) if len(name) > 6 else [])
    return [x for x in dict.fromkeys(out) if is_name(x) and len(x) >= 2]


def rule_name(heading: str | None, subject: str | None, body: str, quote: str = "") -> str:
    """A rule's short name: its clause's heading and, where the clause has several rules, the subject."""
    if heading and subject and subject != heading:
        return f"{heading}：{subject}"
    first = re.sub(r"^(?:对于?|被|在)", "", re.split(r"[。，；,;\n]", LEAD_NUMBER.sub("", body).strip())[0])
    if PROCEDURE.search(first) and quote:  # an item of a materials list glued before the provision: its own words
        return rule_name(heading, subject, quote)
    return heading or subject or _words_upto(first, 20)


def _words_upto(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word's edge (never 新增床位50张以)."""
    if len(text) <= limit:
        return text
    out = ""
    for w in _tokenizer().lcut(text):
        if len(out + w) > limit:
            break
        out += w
    return out or text[:limit]


def propose_examples(name: str, aliases: list[str], base: str | None) -> list[str]:
    """Ten questions written the way users ask, for the reviewer to correct and extend."""
    topic = aliases[-1] if aliases else name
    figure = base or "投资"
    return [f"{topic}能补贴多少？", f"{topic}有什么支持政策", f"{name}的标准是什么", f"我们在做{topic}，能申请吗",
            f"{topic}最多能拿多少钱", f"{figure}1000万元，{topic}能补多少", f"{topic}的补贴上限是多少",
            f"申请{topic}需要什么条件", f"{topic}是怎么支持的", f"我们企业{topic}投了500万，能拿多少"]
