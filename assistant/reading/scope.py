"""Whether a question is about the corpus at all: by its subject (an individual's affairs, chit-chat, another
region's policies, nothing of the corpus in it), not by subsidy words alone.
"""

from __future__ import annotations

import re

from assistant.knowledge.base import Knowledge
from assistant.reading.reader import Reading
from assistant.reading.targets import ALIAS, Target
from assistant.search.retrieval import keyword_tokens

# Words every policy text shares with everyday questions: no sign that a question is about the corpus.
GENERIC = frozenset("企业 公司 项目 支持 补贴 申请 政策 单位 本市 北京 北京市 建设 投资 可以 给予 按照 不超过 最高 单个 "
                    "进行 开展 相关 方面 方式 有关 规定 实施 工作 市级 国家 部门 推动 加快 推进 鼓励 提供".split())
POLICY_WORDS = re.compile(r"补贴|补助|资助|扶持|奖励|政策|措施|文件|支持|申请|申报|贴息|条款|第.{1,3}条|"
                          r"subsid|polic|support|grant|measure|clause|apply|eligib", re.I)
POLICY_AFTER = re.compile(r"^(?:市|省|区|这边|那边|地区|当地)?[^，,。；;？?]{0,16}?(政策|补贴|补助|措施|办法|资助|奖励|扶持|方案|规定|"
                          r"通知|意见|细则|计划|文件|subsid|polic)", re.I)
FIRM_WORDS = re.compile(r"我们公司|我司|本公司|企业|单位|我们厂|our company|our firm|enterprise", re.I)
FIRM_BEFORE = re.compile(r"(我们是|我司是|我们|我司|注册在|注册地|公司在|企业在|registered in)\s*$", re.I)


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

    def out_of_scope(self, r: Reading, scores: dict[str, float], chosen: list[Target], plan) -> bool:
        """Out of scope by what the question is about: a subject no policy here covers, another
        region's policy, or nothing of the corpus in it at all."""
        named = any(scores.get(f"lex:{t.key}", 0) >= ALIAS for t in self.targets)
        if "individual" in r.subjects and not FIRM_WORDS.search(r.text):
            plan.out_reason = "individual"  # an individual's own affairs, whatever measure they name
            return True
        if "chit_chat" in r.subjects and not named and (self.about_policy(r.text) or any(w in r.text.lower() for w in self.domain)):
            r.subjects.discard("chit_chat")  # "你好，我想咨询新基建的补贴": a greeting before a real question
        if r.subjects & {"procedure", "chit_chat"} and not named:
            plan.out_reason = sorted(r.subjects & {"procedure", "chit_chat"})[0]
            return True
        other = self.other_region(r)
        if other:
            plan.out_reason = f"region:{other}"
            return True
        if chosen or r.clause_refs or r.amounts or r.bad_amounts or r.evidence:
            return False
        if r.forms & {"issuer", "doc_number", "published", "title", "basis", "wording", "validity", "overview", "scope",
                      "match", "procedure"}:
            return False  # questions about the document itself or its measures as a whole
        if r.forms & {"issuer", "doc_number", "published", "title", "validity", "overview", "scope", "match", "wording",
                      "draft"} and self.about_policy(r.text):
            return False
        low = r.text.lower()
        if any(w in low for w in self.domain) or self.about_policy(r.text) or self.corpus_words(r.text) >= 2:
            return False
        plan.out_reason = "unrelated"
        return True

    def corpus_words(self, text: str) -> float:
        """How many distinct content words of the question occur in the corpus text itself."""
        if self._vocabulary is None:
            self._vocabulary = {w for d in self.kb.docs.values() for w in keyword_tokens(d.text) if len(w) >= 2}
            # words of a document's own title name the whole document, not something specific in it
            titles = " ".join(f"{d.meta.title} {getattr(d.meta, 'short_title', '') or ''}" for d in self.kb.docs.values())
            self._vocabulary -= set(keyword_tokens(titles))
        words = {w for w in keyword_tokens(text) if len(w) >= 2 and w in self._vocabulary
                 and not w.startswith(("amt", "pct", "y2", "y1")) and w not in GENERIC}
        # 高新 inside 高新技术 counts once; two-character words (技术, 条件) are too common to count fully
        return sum(1.0 if len(w) >= 3 else 0.5 for w in words if not any(w != o and w in o for o in words))

    def about_policy(self, text: str) -> bool:
        return bool(POLICY_WORDS.search(text))

    def other_region(self, r: Reading) -> str | None:
        """A place the question asks about the policies of, outside every document's region."""
        own = r.facts.registered_in
        for name, region in self.kb.lexicon.place_names():
            at = r.text.find(name)
            if at < 0 or region in self.regions or region in ("外地", "境外") or (own and own == name):
                continue
            after = re.split(r"[，,。；;！!？?\n]", r.text[at + len(name) : at + len(name) + 24])[0]
            before = r.text[max(0, at - 6) : at]
            if POLICY_AFTER.search(after) and not FIRM_BEFORE.search(before):
                return region
        return None
