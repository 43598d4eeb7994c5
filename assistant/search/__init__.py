"""Finding the passages a question is about: chunking documents into verbatim quotes, embeddings (one
backend per module in ``embeddings/``), the Chroma index and where it lives (``index``, ``store``), the
persisted keyword (BM25) index (``keywords``), hybrid retrieval (``retrieval``) and the ``index`` /
``search`` commands (``cli``).

May import: ``assistant.knowledge``, ``assistant.text``, ``assistant.settings``, ``assistant.errors``.
"""
