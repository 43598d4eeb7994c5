from pathlib import Path

import pytest

from assistant.errors import SettingsError
from assistant.settings import Settings, read_dotenv


def test_defaults_are_offline_and_local(monkeypatch):
    for key in ("POLICY_EMBEDDING", "POLICY_LLM_BASE_URL", "POLICY_CHROMA_URL"):
        monkeypatch.delenv(key, raising=False)
    s = Settings.from_env(dotenv=Path("/nonexistent"))
    assert s.embedding == "e5-small" and s.llm_base_url == "" and s.chroma_url == "" and s.port == 7860


def test_dotenv_then_environment_then_overrides(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nPOLICY_PORT=8123\nexport POLICY_LLM_MODEL='qwen'\nPOLICY_HOST=0.0.0.0\n", encoding="utf-8")
    assert read_dotenv(env_file)["POLICY_LLM_MODEL"] == "qwen"
    monkeypatch.setenv("POLICY_HOST", "127.0.0.2")
    s = Settings.from_env(dotenv=env_file, concurrency=3)
    assert (s.port, s.llm_model, s.host, s.concurrency) == (8123, "qwen", "127.0.0.2", 3)


def test_a_bad_number_names_the_setting(monkeypatch):
    monkeypatch.setenv("POLICY_PORT", "八千")
    with pytest.raises(SettingsError, match="POLICY_PORT"):
        Settings.from_env(dotenv=Path("/nonexistent"))


def test_every_setting_is_documented():
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    from dataclasses import fields

    for f in fields(Settings):
        assert f"{f.metadata['env']}=" in example and f"`{f.metadata['env']}`" in readme
