"""Retrieval evaluation: hit@1/3/5 and MRR for dense-only, BM25-only and hybrid, side by side.

    python bench/retrieval_eval.py                 # e5-small, writes docs/RETRIEVAL_EVAL.md
    python bench/retrieval_eval.py --embedding hash --no-write
    python bench/retrieval_eval.py --sweep         # also the RRF k / weight sensitivity table

The index is built in a temporary folder, so the developer's index/ is never touched.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.knowledge.documents import load_corpus  # noqa: E402
from assistant.search.embeddings import make_embedder  # noqa: E402
from assistant.search.index import open_index  # noqa: E402
from assistant.search.retrieval import RRF_K, Retriever  # noqa: E402
from assistant.settings import Settings  # noqa: E402

METRICS = ("hit@1", "hit@3", "hit@5", "MRR")
WEIGHTS = ((1.0, 1.0), (1.0, 0.5), (0.5, 1.0), (1.0, 2.0), (2.0, 1.0))
EVAL_FILE = ROOT / "tests" / "retrieval_eval.yaml"
REPORT = ROOT / "docs" / "RETRIEVAL_EVAL.md"


@dataclass
class Question:
    q: str
    expect: list[str]
    doc_id: str
    tags: list[str] = field(default_factory=list)


@dataclass
class Metrics:
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of first hit, None = miss in top 5

    def hit(self, k: int) -> float:
        return sum(1 for r in self.ranks if r is not None and r <= k) / len(self.ranks)

    @property
    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks if r is not None) / len(self.ranks)

    def row(self) -> dict[str, float]:
        return {"hit@1": self.hit(1), "hit@3": self.hit(3), "hit@5": self.hit(5), "MRR": self.mrr}


def load_questions(path: Path = EVAL_FILE) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc_id = data["doc_id"]
    return [Question(d["q"], list(d["expect"]), d.get("doc_id", doc_id), list(d.get("tags", []))) for d in data["questions"]]


def first_hit(retriever: Retriever, question: Question, mode: str, k: int = 5) -> int | None:
    for rank, p in enumerate(retriever.search(question.q, k=k, mode=mode), start=1):
        if p.doc_id == question.doc_id and p.clause in question.expect:
            return rank
    return None


def evaluate(retriever: Retriever, questions: list[Question], modes=("dense", "bm25", "hybrid")) -> dict[str, Metrics]:
    return {mode: Metrics([first_hit(retriever, q, mode) for q in questions]) for mode in modes}


def build_retriever(embedding: str, index_dir: Path, **kwargs) -> Retriever:
    settings = Settings.from_env(index_dir=index_dir, chroma_url="")
    docs = load_corpus(settings.corpus_dir)
    embedder = make_embedder(embedding, settings)
    return Retriever(docs, embedder, open_index(settings, docs, embedder), **kwargs)


def table(results: dict[str, Metrics]) -> str:
    names = {"dense": "dense only", "bm25": "BM25 only", "hybrid": "hybrid"}
    lines = ["| metric | " + " | ".join(names[m] for m in results) + " |", "|---" * (len(results) + 1) + "|"]
    for metric in ("hit@1", "hit@3", "hit@5", "MRR"):
        lines.append(f"| {metric} | " + " | ".join(f"{r.row()[metric]:.3f}" for r in results.values()) + " |")
    return "\n".join(lines)


def no_overlap(retriever: Retriever, question: Question) -> bool:
    """True when the question's keywords share nothing with the text of its expected clauses."""
    from assistant.search.retrieval import keyword_tokens

    doc = retriever.docs[question.doc_id]
    clause_text = " ".join(u.text for u in doc.units if u.label in question.expect)
    return not set(keyword_tokens(question.q)) & set(keyword_tokens(clause_text))


def targets(results: dict[str, Metrics]) -> str:
    """The issue's targets, checked: hybrid hit@3 ≥ 0.95, hit@1 ≥ 0.85, ≥ the better single method."""
    h = results["hybrid"].row()
    n = len(results["hybrid"].ranks)
    best = {m: max(results["dense"].row()[m], results["bm25"].row()[m]) for m in METRICS}
    beats = all(h[m] >= best[m] for m in METRICS)
    mark = {True: "met", False: "**not met**"}
    hits1 = round(h["hit@1"] * n)
    return (f"Targets: hybrid hit@3 ≥ 0.95 {mark[h['hit@3'] >= 0.95]} ({h['hit@3']:.3f}); "
            f"hit@1 ≥ 0.85 {mark[h['hit@1'] >= 0.85]} ({h['hit@1']:.3f} = {hits1}/{n}); "
            f"hybrid ≥ the better of dense and BM25 on every metric {mark[beats]}.")


def by_tag(retriever: Retriever, questions: list[Question], results: dict[str, Metrics]) -> str:
    groups = {f"{tag}": [i for i, q in enumerate(questions) if tag in q.tags]
              for tag in sorted({t for q in questions for t in q.tags})}
    groups["written before tuning"] = [i for i, q in enumerate(questions) if "added-later" not in q.tags]
    groups["no shared keyword (computed)"] = [i for i, q in enumerate(questions) if no_overlap(retriever, q)]
    lines = ["| questions | " + " | ".join(f"{m} hit@1 / hit@3" for m in results) + " |", "|---" * (len(results) + 1) + "|"]
    for name, idx in groups.items():
        cells = []
        for r in results.values():
            sub = Metrics([r.ranks[i] for i in idx])
            cells.append(f"{sub.hit(1):.2f} / {sub.hit(3):.2f}")
        lines.append(f"| {name} ({len(idx)}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(retriever: Retriever, questions: list[Question], results: dict[str, Metrics]) -> str:
    lines = ["| question | expected | " + " | ".join(results) + " |", "|---" * (len(results) + 2) + "|"]
    for i, q in enumerate(questions):
        ranks = [r.ranks[i] for r in results.values()]
        if all(r == 1 for r in ranks):
            continue
        cells = []
        for mode, r in zip(results, ranks, strict=True):
            top = retriever.search(q.q, k=1, mode=mode)
            got = top[0].clause if top else "—"
            cells.append(f"{'rank ' + str(r) if r else 'miss'} (top: {got})")
        lines.append(f"| {q.q} | {'/'.join(q.expect)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sweep(retriever: Retriever, questions: list[Question]) -> str:
    """Hybrid metrics across fusion methods and parameters: how much the choice matters."""
    lines = ["| fusion | RRF k | dense weight | BM25 weight | hit@1 | hit@3 | hit@5 | MRR |", "|---" * 8 + "|"]
    saved = (retriever.fusion, retriever.rrf_k, dict(retriever.weights))
    grid = [("relative", RRF_K, wd, wb) for wd, wb in WEIGHTS]
    grid += [("rrf", k, wd, wb) for k in (1, 5, 20, 60) for wd, wb in WEIGHTS]
    for fusion, k, wd, wb in grid:
        retriever.fusion, retriever.rrf_k, retriever.weights = fusion, k, {"dense": wd, "bm25": wb}
        row = evaluate(retriever, questions, ("hybrid",))["hybrid"].row()
        k_cell = k if fusion == "rrf" else "—"
        lines.append(f"| {fusion} | {k_cell} | {wd} | {wb} | " + " | ".join(f"{row[m]:.3f}" for m in METRICS) + " |")
    retriever.fusion, retriever.rrf_k, retriever.weights = saved
    return "\n".join(lines)


def ablations(retriever: Retriever, questions: list[Question]) -> str:
    """The chunking choices, measured: which chunks each method sees, and what BM25 indexes."""
    from assistant.search.keywords import KeywordIndex
    from assistant.search.retrieval import keyword_tokens

    lines = ["| variant | method | hit@1 | hit@3 | hit@5 | MRR |", "|---" * 6 + "|"]

    def add(name: str, mode: str) -> None:
        row = evaluate(retriever, questions, (mode,))[mode].row()
        lines.append(f"| {name} | {mode} | " + " | ".join(f"{row[m]:.3f}" for m in METRICS) + " |")

    dense, bm25, chunks = retriever._dense, retriever._bm25, retriever.chunks  # ranking works on chunk positions
    for mode in ("dense", "hybrid"):
        add("whole units + sentences (default)", mode)
    retriever._dense = lambda text: [(i, s) for i, s in dense(text) if chunks[i].kind == "unit"]
    for mode in ("dense", "hybrid"):
        add("whole units only (dense)", mode)
    retriever._dense = lambda text: [(i, s) for i, s in dense(text)
                                     if chunks[i].kind == "sentence" or chunks[i].clause not in MEASURE_LABELS]
    for mode in ("dense", "hybrid"):
        add("measures as sentences only (dense)", mode)
    retriever._dense = dense
    retriever._bm25 = KeywordIndex.build([keyword_tokens(c.embed_text) for c in retriever.chunks])
    for mode in ("bm25", "hybrid"):
        add("BM25 over heading + sentence", mode)
    retriever._bm25 = bm25
    return "\n".join(lines)


MEASURE_LABELS = {f"（{n}）" for n in "一二三四五六七八九十"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedding", default="e5-small")
    ap.add_argument("--sweep", action="store_true", help="report RRF k / weight sensitivity")
    ap.add_argument("--no-write", action="store_true", help=f"do not write {REPORT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    questions = load_questions()
    with tempfile.TemporaryDirectory() as tmp:
        retriever = build_retriever(args.embedding, Path(tmp) / "index")
        results = evaluate(retriever, questions)
        zero = sum(no_overlap(retriever, q) for q in questions)
        report = [
            targets(results), "",
            f"{len(questions)} questions, embedding `{args.embedding}`, fusion `{retriever.fusion}`, "
            f"weights dense={retriever.weights['dense']} BM25={retriever.weights['bm25']}, "
            f"{len(retriever.chunks)} chunks.",
            "", table(results), "", "### By question type", "", by_tag(retriever, questions, results),
            "", "### Questions not ranked first by every method", "", misses(retriever, questions, results),
        ]
        if args.sweep:
            report += ["", "### Hybrid sensitivity to fusion method, RRF k and weights", "", sweep(retriever, questions),
                       "", "### Chunking and keyword-index variants", "", ablations(retriever, questions)]
        retriever.index.close()
    text = "\n".join(report)
    print(text)
    if not args.no_write:
        REPORT.write_text(_document(text, args, questions, zero), encoding="utf-8")
        print(f"\nwritten to {REPORT.relative_to(ROOT)}", file=sys.stderr)
    return 0


INTRO = """\
How well search finds the clause that answers an enterprise's question. The questions are in
`tests/retrieval_eval.yaml` ({n} questions covering all ten measures, the scope paragraph
适用范围, the validity sentence 施行期限, the preamble and the issuers; {p} of them use everyday
wording instead of the policy's terms, and {z} share no keyword at all with the clause that
answers them, computed with the BM25 tokenizer). A question is a hit at k when one of
its expected clauses is among the first k passages; results are one passage per clause, so
hit@5 means five distinct clauses. MRR counts ranks up to 5.

Methods: **dense** = e5-small vectors in Chroma (cosine); **BM25** = bm25s with rank_bm25's Okapi weights over jieba tokens
with the policy's terms in the dictionary and every amount/rate/year rewritten to one canonical
token (五百万 = 500万元 = 5,000,000); **hybrid** = both, fused per clause.

How the configuration was chosen (and what was *not* tuned):
* Chunks: each measure whole **and** each of its sentences. The variants table below shows that
  dense search over whole measures only is clearly worse (a sentence matches a specific
  question more sharply), while dropping the whole-measure chunks changes nothing measurable.
  They are kept anyway: a broad question ("规模化推广应用有什么政策") is then answered with the
  whole measure as its quote, which carries every condition and figure, and they cost one
  chunk per measure. Sentence chunks are embedded with their measure's heading in front;
  BM25 indexes the verbatim text only (the heading repeated in every sentence made BM25 worse).
  The units that are not clauses are embedded with their structural label in front
  ("施行期限：本措施自发布之日起实施…", "发文机关：…", "适用范围：…"), the same idea as the measure
  headings: the text of a validity sentence or an issuer line rarely names its own role. This
  change (chunker version 3) was made *after* reading the misses of version 2 (hybrid hit@1
  0.844 = 54/64, dense 0.781); it is a general rule, not aimed at single questions, but it was
  chosen on this set, so the figures below are optimistic for it too.
* Fusion: reciprocal rank fusion (RRF) was the plan, but with equal weights it misses the hit@1
  target for every k tried (table below): it only sees ranks, so a keyword list whose only
  match is a generic word ("政策") outvotes a clear dense winner; only BM25 weighted 2:1 with
  k = 1 comes close, a setting one would only pick by looking at this set. The default is
  therefore **relative score fusion** (min-max normalise each method's clause scores over
  what it returned, then add them with equal, untuned weights): it lets the more decisive
  method win, and it is as good as or better than every RRF setting in the table. RRF stays
  available (`Retriever(..., fusion="rrf")`). On the questions written before any tuning
  (row "written before tuning") it met the targets already with chunker version 2; on the full
  set version 2 was one question short of hit@1 0.85 and version 3 meets it.
* The jieba dictionary holds the policy's own terms (listed in `assistant/retrieval.py`), not
  words from the questions. No question was changed after seeing results; six everyday-wording
  questions were *added* after the first run (tag `added-later`) because too few questions
  shared no keyword at all with their answer. They are hard for BM25 by construction, and a
  stray keyword match ("规模" in 小规模试生产) can still pull a wrong clause above the dense
  winner; see the row `added-later` below. Further tries on the whole set (BM25L/BM25+, k1/b,
  character bigrams, precise-mode jieba, query-style e5 vectors for chunks, weighting BM25 by the
  share of the question it knows) moved hybrid hit@1 by at most ±1 question and were not adopted.
* There is no held-out set: the chunking and the fusion method were chosen on these same
  questions, so treat the hybrid figures as optimistic.

With {n} questions one question is {step:.3f} of hit@k: differences of one or two questions between
settings are noise, and a new policy should get its own questions before trusting these numbers.

"""


def _document(results: str, args, questions, zero: int) -> str:
    intro = INTRO.format(n=len(questions), p=sum("paraphrase" in q.tags for q in questions), z=zero,
                         step=1 / len(questions))
    cmd = "python bench/retrieval_eval.py" + (" --sweep" if args.sweep else "")
    if args.embedding != "e5-small":
        cmd += f" --embedding {args.embedding}"
    return f"# Retrieval evaluation\n\n{intro}Generated by `{cmd}`.\n\n## Results\n\n{results}\n"


if __name__ == "__main__":
    sys.exit(main())
