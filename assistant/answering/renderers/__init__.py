"""One renderer per kind of answer a ``Plan`` can ask for: each writes into a ``composer.Composer``,
answer first, and adds the calculations and verdicts it computed. ``respond.compose`` dispatches.

May import: ``assistant.answering.composer``, ``assistant.answering.kind_answers``, ``assistant.answering.answer``
and the wings below ``answering``.
"""
