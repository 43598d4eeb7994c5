"""One settings object, read once from the environment (``POLICY_*`` variables).

Every field is listed in ``.env.example`` and in the README's settings table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from assistant.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(kw_only=True)
class Settings:
    corpus_dir: Path = field(
        default=ROOT / "corpus",
        metadata={"env": "POLICY_CORPUS_DIR", "help": "政策文件与规则文件所在目录"},
    )
    index_dir: Path = field(
        default=ROOT / "index",
        metadata={"env": "POLICY_INDEX_DIR", "help": "Chroma 索引的持久化目录（自动构建）"},
    )
    embedding: str = field(
        default="e5-small",
        metadata={
            "env": "POLICY_EMBEDDING",
            "help": "向量模型：e5-small | sentence-transformers:<名称或路径> | openai:<模型名> | hash（仅测试）",
        },
    )
    embedding_base_url: str = field(
        default="",
        metadata={"env": "POLICY_EMBEDDING_BASE_URL", "help": "openai 向量接口地址（OpenAI 兼容）"},
    )
    embedding_api_key: str = field(
        default="",
        metadata={"env": "POLICY_EMBEDDING_API_KEY", "help": "openai 向量接口密钥", "secret": True},
    )
    chroma_url: str = field(
        default="",
        metadata={"env": "POLICY_CHROMA_URL", "help": "Chroma 服务器地址（如 http://127.0.0.1:8000）；空则用本地持久化目录"},
    )
    llm_base_url: str = field(
        default="",
        metadata={"env": "POLICY_LLM_BASE_URL", "help": "OpenAI 兼容对话模型地址；空则使用离线（grounded）模式"},
    )
    llm_model: str = field(
        default="",
        metadata={"env": "POLICY_LLM_MODEL", "help": "对话模型名称，如 qwen2.5-7b-instruct"},
    )
    llm_api_key: str = field(
        default="",
        metadata={"env": "POLICY_LLM_API_KEY", "help": "对话模型密钥", "secret": True},
    )
    llm_timeout: float = field(
        default=30.0,
        metadata={"env": "POLICY_LLM_TIMEOUT", "help": "对话模型超时（秒）"},
    )
    today: str = field(
        default="",
        metadata={"env": "POLICY_TODAY", "help": "视为“今天”的日期 YYYY-MM-DD；空则取系统日期"},
    )
    host: str = field(
        default="127.0.0.1",
        metadata={"env": "POLICY_HOST", "also": "GRADIO_SERVER_NAME",
                  "help": "网页应用监听地址（未设置时读取 GRADIO_SERVER_NAME）"},
    )
    port: int = field(
        default=7860,
        metadata={"env": "POLICY_PORT", "also": "GRADIO_SERVER_PORT", "help": "网页应用端口（未设置时读取 GRADIO_SERVER_PORT）"},
    )
    app_username: str = field(
        default="", metadata={"env": "POLICY_APP_USERNAME", "help": "工作人员登录用户名（可选）"}
    )
    app_password: str = field(
        default="",
        metadata={"env": "POLICY_APP_PASSWORD", "help": "工作人员登录密码（可选）", "secret": True},
    )
    concurrency: int = field(
        default=8, metadata={"env": "POLICY_CONCURRENCY", "help": "网页应用并发处理上限"}
    )
    answer_log: Path = field(
        default=ROOT / "logs" / "answers.jsonl",
        metadata={"env": "POLICY_ANSWER_LOG", "help": "问答日志（JSON Lines）路径（文件权限 0600）"},
    )
    file_max_age: int = field(
        default=3600,
        metadata={"env": "POLICY_FILE_MAX_AGE", "help": "网页应用生成的下载文件（答复草稿）保留时间（秒），到期删除"},
    )
    login_max_failures: int = field(
        default=5,
        metadata={"env": "POLICY_LOGIN_MAX_FAILURES", "help": "同一地址在计数窗口内允许的登录失败次数，超过后该地址须等待（每多失败一次等待加倍）"},
    )
    login_lockout: float = field(
        default=60.0,
        metadata={"env": "POLICY_LOGIN_LOCKOUT",
                  "help": "登录失败的计数窗口和同一地址的首次等待时间（秒）；该地址之后每多失败一次等待加倍，最长1小时"},
    )
    login_account_failures: int = field(
        default=10,
        metadata={"env": "POLICY_LOGIN_ACCOUNT_FAILURES",
                  "help": "同一用户名（不论来自哪些地址）在计数窗口内允许的登录失败次数，超过后该用户名每隔几秒才能试一次（不锁定）"},
    )
    login_account_delay: float = field(
        default=5.0,
        metadata={"env": "POLICY_LOGIN_ACCOUNT_DELAY",
                  "help": "用户名登录失败过多时，两次尝试之间的间隔（秒）"},
    )
    max_body: int = field(
        default=1_000_000,
        metadata={"env": "POLICY_MAX_BODY", "help": "网页应用接受的请求体上限（字节），超过则答复 413"},
    )
    allowed_hosts: str = field(
        default="",
        metadata={"env": "POLICY_ALLOWED_HOSTS",
                  "help": "除 localhost、127.0.0.1 外允许访问的主机名，逗号分隔（如 policy.example.gov.cn）；其他 Host 一律拒绝"},
    )

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *, dotenv: Path | None = None, **overrides) -> Settings:
        """Settings from ``.env`` (if present at the project root), then the environment, then overrides."""
        if env is None:
            env = {**read_dotenv(dotenv or ROOT / ".env"), **os.environ}
        env = dict(env)
        values: dict = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if (raw is None or raw == "") and f.metadata.get("also"):
                # the variable every Gradio deployment sets (containers, Spaces); POLICY_* wins when both are set
                raw = env.get(f.metadata["also"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f, raw)
        values.update(overrides)
        return cls(**values)

    def is_secret(self, name: str) -> bool:
        return any(f.name == name and f.metadata.get("secret") for f in fields(self))


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments skipped, surrounding quotes removed."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        out[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return out


def _convert(f, raw: str):
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "Path":
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(
            f"设置 {f.metadata['env']} 的值“{raw}”无效，应为{'整数' if kind == 'int' else '数字'}"
        ) from None
    return raw
