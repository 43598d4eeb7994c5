"""The Gradio app (placeholder until the app issue): a minimal page that starts."""

from __future__ import annotations

import gradio as gr

from assistant.settings import Settings


def build_demo() -> gr.Blocks:
    with gr.Blocks(title="政策助手") as demo:
        gr.Markdown("# 政策助手\n北京市新基建新技术新产品推广应用若干措施：补贴计算与政策问答（建设中）。")
    return demo


demo = build_demo()

if __name__ == "__main__":
    settings = Settings.from_env()
    demo.launch(server_name=settings.host, server_port=settings.port)
