"""Whether a question is about the corpus at all: by its subject (an individual's affairs, chit-chat, another
region's policies, nothing of the corpus in it), not by subsidy words alone.
"""

from __future__ import annotations

import re

from assistant.knowledge.base import Knowledge
from assistant.reading.reader import Reading
from assistant.reading.targets import ALIAS, Target
from assistant.search.retrieval import STOPWORDS, _tokenizer, keyword_tokens

# Words every policy text shares with everyday questions: no sign that a question is about the corpus.
GENERIC = frozenset("企业 公司 项目 支持 补贴 申请 政策 单位 本市 北京 北京市 建设 投资 可以 给予 按照 不超过 最高 单个 "
                    "进行 开展 相关 方面 方式 有关 规定 实施 工作 市级 国家 部门 推动 加快 推进 鼓励 提供".split())
POLICY_WORDS = re.compile(r"补贴|补助|资助|扶持|奖励|政策|措施|文件|支持|申请|申报|贴息|条款|第.{1,3}条|"
                          r"subsid|polic|support|grant|measure|clause|apply|eligib", re.I)
POLICY_AFTER = re.compile(r"^(?:市|省|区|这边|那边|地区|当地)?[^，,。；;？?]{0,16}?(政策|补贴|补助|贴息|措施|办法|资助|奖励|扶持|方案|规定|"
                          r"通知|意见|细则|计划|文件|subsid|polic)", re.I)
FIRM_ACTS = re.compile(r"申请|能|可以|可否|拿|享受|想|要|获得|领|做|建|投|买|采购")  # a firm doing, not a place's policy
HOW_MUCH = re.compile(r"(?:补|拿|奖|领|给)多少|多少(?:补贴|奖励|钱)|how much", re.I)
FIRM_OWN = re.compile(r"我们|我司|我公司|本公司|我单位|我厂|\b(?:we|our)\b", re.I)
FIRM_WORDS = re.compile(r"我们公司|我司|本公司|企业|单位|我们厂|our company|our firm|enterprise", re.I)
FIRM_BEFORE = re.compile(r"(我们是|我司是|我们|我司|注册在|注册地|公司在|企业在|registered in)\s*$", re.I)

# English words of any question about support: what is asked, not its subject.
ENGLISH_GENERIC = frozenset("""what which who whom how does do did is are was were be been there any some the a an for of to in on at
with by from can could would should will may might we our us i my me you your it its this that these those they their them
offer offers offered provide provides give gives given available city government measure measures apply applying
get receive much many money yuan million billion company companies enterprise enterprises firm firms business businesses
have has had about kind kinds type types type list all other else also and or not no yes please tell know want like
new help need any anything something there here currently now still today this year""".split())
SUPPORT_PHRASE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:补贴|奖励|资助|补助|奖补|津贴)")
# Nouns of asking itself (when, how much in all, what content), not of what is asked about.
ASKING_NOUNS = frozenset("时候 时间 一共 总共 全部 部分 方面 内容 情况 问题 东西 事情 地方 具体 详细 目前 现在 今年 明年 去年 "
                         "哪天 哪年 日期 多久 overall details detail".split())
# The question points at the corpus's own policy ("这个政策", "this policy"): about the corpus, whatever else it says.
THIS_POLICY = re.compile(r"(?:这个|这项|这份|这条|本|该|此|上述)(?:政策|措施|文件|办法|规定|通知)|"
                         r"\b(?:this|these|the above)\s+(?:polic|measure|document|subsid)", re.I)

COMMON_PIECE = re.compile(r"补贴|补助|奖励|奖补|资助|扶持|支持|政策|措施|申请|申报|多少|能拿|能补|可以|什么|怎么|如何|哪些|企业|公司|"
                          r"项目|我们|有关|相关|规定|文件|标准|条件")
OF_IT = re.compile(r"(?:政策|资金|机制|办法)?(?:(?:的|中的|里的|里)[\u4e00-\u9fff]{0,4}|，|,)?")  # "…专项资金的贷款贴息": that policy's measure


def _tagged(text: str) -> list[tuple[str, str]]:
    """The question's words with their parts of speech (jieba), cut with the corpus's own terms kept whole."""
    import jieba.posseg

    global _TAGGER
    if _TAGGER is None:
        _TAGGER = jieba.posseg.POSTokenizer(_tokenizer())
    return [(p.word, p.flag) for p in _TAGGER.cut(text)]


_TAGGER = None


class ScopeJudge:
    """Judges a reading against the corpus: its documents' regions, the words of its targets and its text."""

    def __init__(self, kb: Knowledge, targets: list[Target]):
        self.kb = kb
        self.targets = targets
        self.regions = {kb.lexicon.region_of(d.meta.region) for d in kb.docs.values() if d.meta.region}
        words = {w for t in targets for w in (*t.aliases, *t.hints)}
        words |= {w for terms in kb.rules.terms.values() for w in terms}
        self.domain = sorted((w.lower() for w in words if len(w) > 1), key=len, reverse=True)
        self._vocabulary: set[str] | None = None
        self._others: list[tuple[str, tuple[str, ...]]] | None = None
        self._texts: list[str] | None = None

    def out_of_scope(self, r: Reading, scores: dict[str, float], chosen: list[Target], plan) -> bool:
        """Out of scope by what the question is about: a subject no policy here covers, another
        region's policy, or nothing of the corpus in it at all."""
        named = any(scores.get(f"lex:{t.key}", 0) >= ALIAS for t in self.targets)
        other = self.other_policy(r.text)
        if other:
            plan.out_reason = f"other:{other[0]}:{other[1]}"  # "稳岗返还": another policy's support, whatever it shares
            return True
        if not FIRM_WORDS.search(r.text) and ("individual" in r.subjects or ("person" in r.subjects and not named)) \
                and not self.support_named(r.text):
            plan.out_reason = "individual"  # a person's own affairs; a person naming a measure is checked as the applicant
            return True
        if "chit_chat" in r.subjects and not named and (self.about_policy(r.text) or any(w in r.text.lower() for w in self.domain)
                                                       or r.amounts or any(k.startswith("lex:") for k in scores)):  # its own words name a measure
            r.subjects.discard("chit_chat")  # "你好，我想咨询一下设备更新的补贴": a greeting before a real question
        if r.subjects & {"procedure", "chit_chat"} and not named and not self.shared_phrase(r.text):
            plan.out_reason = sorted(r.subjects & {"procedure", "chit_chat"})[0]
            return True
        region = self.other_region(r)
        if region:
            plan.out_reason = f"region:{region}"
            return True
        if chosen or r.clause_refs or r.amounts or r.bad_amounts or r.evidence:
            return False
        if r.forms <= {"overview", "match"} and not (r.claims or r.attributes or r.unbound or r.foreign) \
                and self.foreign_subject(r.text):
            plan.out_reason = "unrelated"  # "招聘残疾人有什么补贴": asked what support there is for a subject no text here names
            return True
        if r.forms & {"issuer", "doc_number", "published", "title", "basis", "wording", "validity", "overview", "scope",
                      "match", "procedure"}:
            return False  # questions about the document itself or its measures as a whole
        if r.forms & {"issuer", "doc_number", "published", "title", "validity", "overview", "scope", "match", "wording",
                      "draft"} and self.about_policy(r.text):
            return False
        low = r.text.lower()
        if any(w in low for w in self.domain) or self.about_policy(r.text) or self.corpus_words(r.text) >= 2 \
                or self.shared_phrase(r.text):
            return False
        if HOW_MUCH.search(r.text) and ((FIRM_OWN.search(r.text) and self.corpus_words(r.text, generic=True) > 0)
                                        or len(re.sub(r"[\W_]", "", r.text)) <= 6):
            return False  # "我们投资了一个项目，能补多少", "能补多少钱？": the award asked without naming which; asked back
        plan.out_reason = "unrelated"
        return True

    def corpus_words(self, text: str, generic: bool = False) -> float:
        """How many distinct content words of the question occur in the corpus text itself (with
        ``generic``, also the words every support policy uses: 项目, 投资)."""
        if self._vocabulary is None:
            self._vocabulary = {w for d in self.kb.docs.values() for w in keyword_tokens(d.text) if len(w) >= 2}
            # words of a document's own title name the whole document, not something specific in it
            titles = " ".join(f"{d.meta.title} {getattr(d.meta, 'short_title', '') or ''}" for d in self.kb.docs.values())
            self._vocabulary -= set(keyword_tokens(titles))
        words = {w for w in keyword_tokens(text) if len(w) >= 2 and w in self._vocabulary
                 and not w.startswith(("amt", "pct", "y2", "y1")) and (generic or w not in GENERIC)}
        # 高新 inside 高新技术 counts once; two-character words (技术, 条件) are too common to count fully
        return sum(1.0 if len(w) >= 3 else 0.5 for w in words if not any(w != o and w in o for o in words))

    def shared_phrase(self, text: str) -> str | None:
        """A run of five characters or more of the question found word for word in a document's body (省十四运会,
        贫困家庭劳动力): the question names something of that document, however its words are cut. Runs with a
        support or question word (补贴, 能拿多少) are the words of any question and name nothing."""
        if self._texts is None:
            self._texts = [d.text for d in self.kb.docs.values()]
        for run in re.findall(r"[\u4e00-\u9fff]{5,}", text):
            for i in range(len(run) - 4):  # a longer run found holds a five-character one found too
                piece = run[i : i + 5]
                if not COMMON_PIECE.search(piece) and any(piece in t for t in self._texts):
                    return piece
        return None

    def support_named(self, text: str) -> str | None:
        """A support the question names in a document's own words ("购房补贴" of a talent policy): asked by a person,
        it is about that document, not a person's own affairs."""
        if self._texts is None:
            self._texts = [d.text for d in self.kb.docs.values()]
        for m in SUPPORT_PHRASE.finditer(text):
            for i in range(0, len(m[0]) - 3):
                if any(m[0][i:] in t for t in self._texts):
                    return m[0][i:]
        return None

    def foreign_subject(self, text: str) -> bool:
        """The question's own subject words (not support words, question words or places) are all absent from
        the corpus and its measures' words, and there is at least one: support for something no text here covers."""
        self.corpus_words("")  # builds the vocabulary
        low = text.lower()
        if any(w in low for w in self.domain) or THIS_POLICY.search(text) \
                or any(w.lower() in low for w, _ in self.kb.lexicon.applicant_words()):
            return False  # words of a measure, "this policy", or who is asking (checked as the applicant)
        places = {n.lower() for n, _ in self.kb.lexicon.place_names()}
        nouns = {w.lower() for w, flag in _tagged(text) if flag.startswith(("n", "j", "vn", "eng")) or w.isascii()}
        subject = {w for w in nouns if len(w) >= 2 and w not in GENERIC and w not in places and w not in ENGLISH_GENERIC
                   and w not in STOPWORDS and w not in ASKING_NOUNS and not POLICY_WORDS.search(w)
                   and not FIRM_WORDS.search(w) and w.isalpha()}
        english = {w for w in subject if w.isascii()}
        return bool(subject) and not subject & self._vocabulary and (len(english) >= 2 or subject - english != set())

    def about_policy(self, text: str) -> bool:
        return bool(POLICY_WORDS.search(text))

    def other_region(self, r: Reading) -> str | None:
        """A place the question asks about the policies of, outside every document's region ("深圳的算力补贴"),
        not the place the firm is from ("深圳企业能申请北京的补贴吗")."""
        home = [n for n, region in self.kb.lexicon.place_names() if region in self.regions]
        for name, region in self.kb.lexicon.place_names():
            if region in self.regions or region in ("外地", "境外"):
                continue
            for m in re.finditer(re.escape(name), r.text):
                after = re.split(r"[，,。；;！!？?\n]", r.text[m.end() : m.end() + 24])[0]
                before = r.text[max(0, m.start() - 6) : m.start()]
                policy = POLICY_AFTER.search(after)
                if not policy or FIRM_BEFORE.search(before):
                    continue
                between = after[: policy.start(1)]
                if any(h in between for h in home) or re.search(r"注册", between) or (
                        re.search(r"企业|公司|单位|工厂", between) and FIRM_ACTS.search(between)):
                    continue  # the firm's place, then this corpus's policy ("深圳企业能申请…"), not "杭州企业的贴息"
                return region
        return None

    def other_policy(self, text: str) -> tuple[str, str] | None:
        """(where such questions go, the word) when the question is about another policy's support and no
        measure of the corpus is named outside that word ("失业保险" holds "保险")."""
        low = text.lower()
        spans, hit = [], None
        for where, words in self._other_policies():
            for w in words:
                for m in re.finditer(re.escape(w.lower()), low):
                    if re.search(r"(?:是|为|属于|系|作为)[^，,。；;？?！!]{0,8}$", low[: m.start()]) \
                            and re.match(r"(?:企业|公司|单位|称号)", low[m.end() :]):
                        continue  # "我司是北京市专精特新企业": what the firm is, not the support asked about
                    spans.append(m.span())
                    hit = hit or (where, w)
        if not hit:
            return None
        for t in self.targets:
            for alias in t.aliases:
                for m in re.finditer(re.escape(alias.lower()), low):
                    if not any(a <= m.start() and m.end() <= b for a, b in spans) \
                            and not any(OF_IT.fullmatch(low[b : m.start()]) for _, b in spans if b <= m.start()):
                        return None  # a measure of the corpus is named too, not as the other policy's: answer about it
        return hit

    def _other_policies(self) -> list[tuple[str, tuple[str, ...]]]:
        """The lexicon's other policies minus any word a document of the corpus itself uses: when the corpus
        has a policy on 专精特新, a question about 专精特新 is about the corpus."""
        if self._others is None:
            texts = [d.text.lower() for d in self.kb.docs.values()]
            names = {a.lower() for t in self.targets for a in (*t.aliases, t.name)}
            self._others = [(where, tuple(w for w in words if not any(w.lower() in x for x in texts)
                                          and not any(w.lower() in n for n in names)))
                            for where, words in self.kb.lexicon.other_policies]
        return self._others
