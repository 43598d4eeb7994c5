"""Shared fixtures: the real corpus loaded once; index and log paths pointed at tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.knowledge.base import Knowledge

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DOC_ID = "beijing-new-infra-2022"


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path, monkeypatch):
    # Nothing a test does may touch the developer's index/ or logs/.
    monkeypatch.setenv("POLICY_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("POLICY_ANSWER_LOG", str(tmp_path / "logs" / "answers.jsonl"))


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return Knowledge.load(CORPUS)


@pytest.fixture(scope="session")
def doc(kb):
    return kb.docs[DOC_ID]


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the corpus, for tests that break a file on purpose."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest
