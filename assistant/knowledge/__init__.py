"""What the assistant knows: policy documents (load, clean, structure), rule files and rule kinds with
their pure calculators and the data types other wings share (``types``: Facts, Inputs, Calculation,
Verdict; ``documents.Citation``), eligibility verdicts, the loaded knowledge base (``base.Knowledge``),
and the work of bringing a new document in: ``ingest`` (add), ``provisions`` and ``rules_draft``
(drafting), ``review``. Everything specific to one policy is data under ``corpus/``, never code here.

May import: ``assistant.text``, ``assistant.settings``, ``assistant.errors``.
"""
