"""Reading a question (with its history) into a ``Plan``: its amounts each with its role, the
enterprise's facts with their evidence (``facts``), the inputs a rule needs (``quantities``), the form,
language and subject of the message (``reader``), and routing over every rule and topic of every
document (``targets`` scores, ``topic`` follows the conversation, ``plan`` and ``router`` decide).

May import: ``assistant.search``, ``assistant.knowledge``, ``assistant.text``, ``assistant.settings``,
``assistant.errors``.
"""
