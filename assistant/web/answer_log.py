"""The answer log: every question and answer appended as one JSON line, for help-desk review.

A failing write is logged as a warning and reported to the caller (``append`` returns False);
it never raises, so a full disk or a read-only folder cannot break a conversation. Sessions are
recorded by a hash of their id, never the id itself; a 👍/👎 is a line of its own that names the
answer's ``id`` (the log is only ever appended to), accepted only for an id this process logged for
the same session (the page holds the ids, so a forged or foreign id, or one of any other shape or
size, is refused and logs nothing), and any configured secret (passwords, API
keys) is masked should it ever appear in a record. The file holds enterprises' questions: it is
created 0600 in a folder created 0700, and an existing file is narrowed to 0600. Text is cleaned of
control characters and unpaired surrogates first, so an odd question is still logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from dataclasses import fields
from pathlib import Path

from assistant.answering.answer import Answer
from assistant.settings import Settings
from assistant.text.inputs import clean_value

log = logging.getLogger(__name__)

MASK = "***"
MIN_SECRET = 4  # shorter values would mask ordinary characters of the answer text
ANSWER_ID = re.compile(r"[0-9a-f]{16}")  # uuid4().hex[:16], as the chat makes them
FEEDBACK = ("up", "down")
MAX_IDS = 20_000  # answer ids remembered (with their session tag) for feedback; the oldest are forgotten


def session_tag(session_id: str | None) -> str:
    """A stable, non-reversible tag for a session id (the raw id could be replayed)."""
    if not session_id:
        return "anonymous"
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:16]


class AnswerLog:
    def __init__(self, path: Path, secrets: tuple[str, ...] = ()):
        self.path = Path(path)
        # Longest first, so a secret containing another is masked whole.
        self._secrets = tuple(sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True))
        self._lock = threading.Lock()
        self._produced: OrderedDict[str, str] = OrderedDict()  # answer id -> session tag

    @classmethod
    def from_settings(cls, settings: Settings) -> AnswerLog:
        secrets = tuple(str(getattr(settings, f.name) or "") for f in fields(settings) if settings.is_secret(f.name))
        return cls(settings.answer_log, secrets)

    def record(self, answer: Answer, *, session: str | None = None, channel: str = "chat",
               answer_id: str | None = None) -> dict:
        """The JSON-ready record for one answer: the review fields plus time, session tag and channel
        (and the answer's id, which a later 👍/👎 line refers to)."""
        return {
            "time": _now(),
            "session": session_tag(session),
            "channel": channel,
            **({"id": answer_id} if answer_id else {}),
            **clean_value(answer.to_log()),
        }

    def append(self, answer: Answer, *, session: str | None = None, channel: str = "chat",
               answer_id: str | None = None) -> bool:
        """Append one line; False (and a warning) when it could not be written."""
        if answer_id:
            with self._lock:
                self._produced[answer_id] = session_tag(session)
                while len(self._produced) > MAX_IDS:
                    self._produced.popitem(last=False)
        return self._write(self.record(answer, session=session, channel=channel, answer_id=answer_id))

    def feedback(self, answer_id: str, value: str, *, session: str | None = None) -> bool:
        """A user's 👍 ("up") or 👎 ("down") on an answer this session was given, as a line naming
        the answer's ``id``; False (nothing written) for any other id or value."""
        if not (isinstance(answer_id, str) and ANSWER_ID.fullmatch(answer_id) and value in FEEDBACK):
            return False
        with self._lock:
            if self._produced.get(answer_id) != session_tag(session):
                return False
        return self._write({"time": _now(), "session": session_tag(session), "channel": "feedback",
                            "answer_id": answer_id, "feedback": value})

    def feedback_of(self, answer_id: str) -> str | None:
        """The latest feedback given on an answer (None: none)."""
        found = None
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return None
        for line in lines:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("channel") == "feedback" and rec.get("answer_id") == answer_id:
                found = rec.get("feedback")
        return found

    def _write(self, record: dict) -> bool:
        try:
            line = json.dumps(record, ensure_ascii=False, default=str)
            for secret in self._secrets:
                line = line.replace(json.dumps(secret, ensure_ascii=False)[1:-1], MASK)
            with self._lock:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as fh:
                    if os.fstat(fd).st_mode & 0o077:
                        os.fchmod(fd, 0o600)  # a log created by an older version (0644)
                    fh.write(line + "\n")
            return True
        except Exception as exc:  # the log is for review; losing a line must not lose the answer
            log.warning("问答日志写入失败（%s）：%s", self.path, type(exc).__name__)
            return False


def _now() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
