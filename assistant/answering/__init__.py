"""Turning a ``Plan`` into an answer: the grounded composer (``respond`` dispatches, one renderer per
answer kind), the answer contract (``answer``), matching a profile against every measure (``match``),
reply drafts (``draft``), and the model path: the LangChain agent and its prompts (``agent``,
``prompts``), with the claims a model's text makes (``claims``, ``criteria``) checked by ``verify``.

May import: ``assistant.reading``, ``assistant.search``, ``assistant.knowledge``, ``assistant.text``,
``assistant.settings``, ``assistant.errors``.
"""
