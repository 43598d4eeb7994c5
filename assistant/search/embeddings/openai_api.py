"""An OpenAI-compatible ``/v1/embeddings`` endpoint, with its errors said in Chinese."""

from __future__ import annotations

from assistant.errors import ModelError, SettingsError
from assistant.search.embeddings.base import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_EMBEDDING,
    OPENAI_PREFIX,
    Embedder,
    normalise,
)


class OpenAIEmbedder(Embedder):
    """An OpenAI-compatible ``/v1/embeddings`` endpoint (vLLM, Xinference, Ollama, OpenAI …).

    The dimension is learned from the first response; reading ``dim`` or ``fingerprint``
    before any embedding sends one small probe request. The fingerprint names the model but
    not the address, so moving the same server to another host does not force a rebuild.
    """

    timeout = 30.0
    max_retries = 1

    def __init__(self, model: str, base_url: str, api_key: str = "") -> None:
        base_url = (base_url or "").strip()
        if not base_url:
            raise SettingsError(
                f"使用向量模型 {OPENAI_PREFIX}{model} 时必须设置 {ENV_BASE_URL}"
                "（OpenAI 兼容接口地址，如 http://127.0.0.1:8000/v1）"
            )
        self.name = OPENAI_PREFIX + model
        self.model_name = model
        self.base_url = base_url.rstrip("/")
        from openai import OpenAI

        # Local servers usually ignore the key, but the client refuses to start without one.
        self._client = OpenAI(
            base_url=self.base_url,
            api_key=api_key or "EMPTY",
            timeout=self.timeout,
            max_retries=self.max_retries,
        )
        self._dim: int | None = None

    @property
    def dim(self) -> int:  # type: ignore[override]
        if self._dim is None:
            self._embed(["维度探测"], is_query=True)
        assert self._dim is not None
        return self._dim

    @property
    def fingerprint(self) -> str:  # type: ignore[override]
        return f"openai:{self.model_name}:{self.dim}"

    def _embed(self, texts: list[str], is_query: bool) -> list[list[float]]:
        if not texts:
            return []
        import openai

        # The OpenAI API rejects empty strings; a single space embeds as "nothing".
        inputs = [t if t.strip() else " " for t in texts]
        where = f"向量模型服务 {self.base_url}（{ENV_EMBEDDING}={self.name}）"
        try:
            resp = self._client.embeddings.create(model=self.model_name, input=inputs, encoding_format="float")
        except openai.APITimeoutError as exc:
            raise ModelError(f"{where}在 {self.timeout:g} 秒内没有响应，请检查服务状态或 {ENV_BASE_URL}") from exc
        except openai.APIConnectionError as exc:
            raise ModelError(
                f"无法连接向量模型服务 {self.base_url}：{_root_cause(exc)}，请检查 {ENV_BASE_URL}"
            ) from exc
        except openai.AuthenticationError as exc:
            raise ModelError(f"{where}拒绝了密钥（HTTP 401），请检查 {ENV_API_KEY}") from exc
        except openai.NotFoundError as exc:
            raise ModelError(
                f"{where}返回 404：{_api_message(exc)}；请检查模型名，以及 {ENV_BASE_URL} 是否以 /v1 结尾"
            ) from exc
        except openai.APIStatusError as exc:
            raise ModelError(f"{where}返回错误 HTTP {exc.status_code}：{_api_message(exc)}") from exc
        except openai.OpenAIError as exc:  # malformed response and the like
            raise ModelError(f"{where}返回了无法解析的结果：{exc}") from exc
        data = sorted(resp.data, key=lambda d: d.index)
        if len(data) != len(inputs):
            raise ModelError(f"{where}返回了 {len(data)} 个向量，应为 {len(inputs)} 个")
        vectors = [normalise(list(map(float, d.embedding))) for d in data]
        dims = {len(v) for v in vectors}
        if len(dims) != 1 or 0 in dims:
            raise ModelError(f"{where}返回的向量长度不一致：{sorted(dims)}")
        dim = dims.pop()
        if self._dim is None:
            self._dim = dim
        elif dim != self._dim:
            raise ModelError(f"{where}返回的向量长度从 {self._dim} 变成了 {dim}，请确认模型未被更换")
        return vectors


def _root_cause(exc: BaseException) -> str:
    """The innermost error text ("Connection refused"), not the client's generic one."""
    inner = exc
    while inner.__cause__ is not None or inner.__context__ is not None:
        inner = inner.__cause__ or inner.__context__  # type: ignore[assignment]
    return str(inner).strip() or str(exc).strip() or type(exc).__name__


def _api_message(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return str(getattr(exc, "message", "") or exc)
