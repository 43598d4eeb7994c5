"""The language every wing reads: amounts and rates (``amounts`` reads them, ``formats`` writes them),
tokens (``segmenter``, jieba), cleaning of untrusted text (``inputs``) and the general lexicon (places,
industry sections, subjects no policy covers; its data is ``corpus/lexicon.yaml``).

May import: ``assistant.settings`` and ``assistant.errors`` only.
"""
