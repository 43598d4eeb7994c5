"""Login attempts counted before the password is checked: per client address, and per user name.

An attempt is *reserved* under a lock before its password is looked at (``reserve``), and settled
when the answer is known (``failed`` / ``succeeded``). An attempt that could be one failure too many,
counting those still being checked, is not checked yet: it waits (``BUSY``) until they are settled.
So a burst of parallel guesses never has more than ``max_failures`` of its guesses checked, while
parallel logins with the right password (an office behind one address) all get in: the first ones
succeed and clear the count for the rest.

Two levels, so a shared staff account cannot be locked by a stranger:

* **the address** is locked: after ``max_failures`` failures within ``window`` seconds it waits
  ``window`` seconds, doubling with each further failure (at most MAX_WAIT);
* **the user name** is only slowed down: after ``account_failures`` failures within ``window`` (from
  any number of addresses; more than one address can make alone) it takes one attempt per
  ``account_delay`` seconds, for as long as failures keep coming. Staff are delayed by seconds, never
  locked out for an hour, and guessing from many addresses gets one guess per ``account_delay``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_WAIT = 3600.0  # seconds; an address's growing wait stops doubling here
MAX_KEYS = 10_000  # addresses and user names remembered before quiet ones are forgotten


@dataclass
class _Key:
    recent: deque = field(default_factory=deque)  # times of failures within the window
    pending: int = 0  # attempts reserved and still being checked
    strikes: int = 0  # address: lockouts so far (each doubles the wait)
    until: float = 0.0  # no attempt before this time
    slowed: bool = False  # user name: taking one attempt per account_delay
    last: float = float("-inf")  # the latest failure


@dataclass(frozen=True)
class Refusal:
    wait: float  # seconds until the next attempt may be made
    scope: str  # "address" or "account"


BUSY = Refusal(0.0, "busy")  # wait for the attempts being checked, then ask again


class Throttle:
    def __init__(self, max_failures: int = 5, window: float = 60.0, *, account_failures: int = 10,
                 account_delay: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max(1, int(max_failures))
        self.window = max(0.1, float(window))
        self.account_failures = max(self.max_failures + 1, int(account_failures))  # the address locks first
        self.account_delay = max(0.1, float(account_delay))
        self.clock = clock
        self._addresses: dict[str, _Key] = {}
        self._accounts: dict[str, _Key] = {}
        self._lock = threading.Lock()

    def reserve(self, address: str, user: str) -> Refusal | None:
        """Reserve one login attempt before its password is checked (None: go ahead, then call
        ``failed`` or ``succeeded``); a Refusal when the address is locked or the user name must wait,
        BUSY when attempts being checked could use up what is left."""
        now = self.clock()
        with self._lock:
            self._prune(now)
            addr = self._addresses.setdefault(address, _Key())
            account = self._accounts.setdefault(user.lower(), _Key())
            if addr.until > now:
                return Refusal(addr.until - now, "address")
            if account.until > now:
                return Refusal(account.until - now, "account")
            for key in (addr, account):
                while key.recent and now - key.recent[0] > self.window:
                    key.recent.popleft()
            if now - addr.last > MAX_WAIT:
                addr.strikes = 0  # an hour of quiet forgives earlier lockouts
            if now - account.last > self.window:
                account.slowed = False  # the guessing stopped
            if addr.pending and len(addr.recent) + addr.pending >= self.max_failures:
                return BUSY
            if account.slowed:
                if account.pending:
                    return BUSY
                account.until = now + self.account_delay  # one attempt per account_delay
            elif account.pending and len(account.recent) + account.pending >= self.account_failures:
                return BUSY
            addr.pending += 1
            account.pending += 1
            return None

    def failed(self, address: str, user: str) -> float:
        """The reserved attempt failed; returns the wait it imposes on the address (0: none)."""
        now = self.clock()
        with self._lock:
            addr = self._addresses.setdefault(address, _Key())
            account = self._accounts.setdefault(user.lower(), _Key())
            for key in (addr, account):
                key.pending = max(0, key.pending - 1)
                key.recent.append(now)
                key.last = now
            if len(addr.recent) >= self.max_failures or addr.strikes:
                addr.strikes += 1
                addr.until = now + min(self.window * 2 ** (addr.strikes - 1), MAX_WAIT)
            if len(account.recent) >= self.account_failures or account.slowed:
                account.slowed = True
                account.until = max(account.until, now + self.account_delay)
            return max(addr.until - now, 0.0)

    def succeeded(self, address: str, user: str) -> None:
        """The reserved attempt logged in: the address and the user name start afresh (attempts
        still being checked stay reserved)."""
        with self._lock:
            for table, name in ((self._addresses, address), (self._accounts, user.lower())):
                old = table.pop(name, None)
                if old is not None and old.pending > 1:
                    table[name] = _Key(pending=old.pending - 1)

    def wait(self, address: str, user: str) -> float:
        """Seconds until ``address`` may try ``user`` again (0: now); counts nothing."""
        now = self.clock()
        with self._lock:
            keys = [self._addresses.get(address), self._accounts.get(user.lower())]
            return max([k.until - now for k in keys if k is not None] + [0.0])

    def _prune(self, now: float) -> None:
        for table in (self._addresses, self._accounts):
            if len(table) < MAX_KEYS:
                continue
            for name in [n for n, k in table.items() if not k.pending and k.until <= now and now - k.last > MAX_WAIT]:
                del table[name]
            if len(table) >= MAX_KEYS:  # all busy: forget the quietest half rather than grow without end
                for name in sorted(table, key=lambda n: table[n].last)[:MAX_KEYS // 2]:
                    del table[name]
