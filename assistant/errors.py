"""The exceptions a user can see. Only the edges (CLI, app) turn them into messages.

Every message is Chinese, one line, and says what to do about it.
"""


class PolicyError(Exception):
    """Base class: something the user or operator can fix; the message is shown as is."""


class AmountError(PolicyError, ValueError):
    """An amount, rate or date typed by a user could not be read, or makes no sense."""


class CorpusError(PolicyError):
    """A corpus document or its metadata cannot be loaded or parsed."""


class RuleError(PolicyError):
    """A rule file is malformed or does not match its document."""


class SettingsError(PolicyError):
    """A setting has a value we do not accept."""


class SearchIndexError(PolicyError):
    """The search index is missing, corrupt or unreachable."""


class ModelError(PolicyError):
    """A configured model (embedding or chat) could not be loaded or reached."""


class SearchUnavailable(SearchIndexError):
    """Search cannot run right now (server down or unreachable, invalid address, collection gone and
    not reopenable, another build holding the lock too long): not the same as "no passage found"."""
