"""Limits on password checks (sign-in and password change), counted in PostgreSQL before the password is checked.

Three counters, one row each in `sign_in_limits`:
- per account and address: a few failures a minute, so a guesser is slowed while the owner at another address is not;
- per address over all accounts: high, so a whole office behind one NAT still signs in;
- per account over all addresses: after many failures an exponential back-off, which an address the account has
  signed in from before (its owner's usual one) skips.
An attempt is counted (reserved) in its own committed transaction before the password is checked, with
INSERT … ON CONFLICT … WHERE count < limit, so parallel guesses queue on the row and no more than the limit get
through; a correct password gives the reservation back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import TooManyRequests
from geo.settings import Settings

_EXPIRED = "t.window_start <= now() - make_interval(secs => :window)"
_COUNT_IN_WINDOW = text(f"""
INSERT INTO sign_in_limits AS t (key, count, window_start, last_at) VALUES (:key, 1, now(), now())
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN {_EXPIRED} THEN 1 ELSE t.count + 1 END,
    window_start = CASE WHEN {_EXPIRED} THEN now() ELSE t.window_start END,
    last_at = now()
WHERE {_EXPIRED} OR t.count < :limit
RETURNING count""")
_WINDOW_WAIT = text("""
SELECT extract(epoch FROM window_start + make_interval(secs => :window) - now())
FROM sign_in_limits WHERE key = :key""")

# Seconds to wait after the last attempt once an account is past its free failures: first, twice that … up to max.
_BACKOFF = "make_interval(secs => LEAST(:max, :first * power(2, LEAST(t.count - :free, 30))))"
_STALE = "t.last_at <= now() - make_interval(secs => :reset)"
_COUNT_FOR_ACCOUNT = text(f"""
INSERT INTO sign_in_limits AS t (key, count, window_start, last_at) VALUES (:key, 1, now(), now())
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN {_STALE} THEN 1 ELSE t.count + 1 END,
    window_start = CASE WHEN {_STALE} THEN now() ELSE t.window_start END,
    last_at = now()
WHERE {_STALE} OR t.count < :free OR now() >= t.last_at + {_BACKOFF}
RETURNING count""")
_BACKOFF_WAIT = text(
    f"SELECT extract(epoch FROM t.last_at + {_BACKOFF} - now()) FROM sign_in_limits t WHERE key = :key"
)

_KNOWN_ADDRESS = text("""
SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'auth.sign_in' AND actor_id = :uid AND address = :address
               AND at > now() - make_interval(days => :days))""")


@dataclass(frozen=True)
class Attempt:
    """The counters one password check has reserved, to be given back if the password is right."""

    pair: str
    address: str
    account: str | None  # None when the address is the account's usual one (no back-off counted)


def _too_many(zh: str, en: str, seconds: float | None) -> TooManyRequests:
    wait = max(1, math.ceil(seconds or 1))
    return TooManyRequests(
        f"{zh}密码错误次数过多,请 {wait} 秒后再试 / too many wrong passwords {en}; try again in {wait} s",
        retry_after=wait,
    )


def admit(session: Session, *, username: str, user_id: int | None, address: str | None, settings: Settings) -> Attempt:
    """Reserve one password check for this account from this address, committed; TooManyRequests when over a limit."""
    name, where = username.lower(), address or "?"
    attempt = Attempt(pair=f"pair:{name}\x1f{where}", address=f"address:{where}", account=f"account:{name}")
    known = (
        user_id is not None
        and session.execute(
            _KNOWN_ADDRESS, {"uid": user_id, "address": address, "days": settings.sign_in_known_address_days}
        ).scalar()
    )
    if known:
        attempt = Attempt(pair=attempt.pair, address=attempt.address, account=None)
    window = {"window": 60}
    with session.begin_nested():  # a refused attempt counts nowhere: the savepoint is rolled back with the raise
        for key, limit, zh, en in (
            (attempt.pair, settings.sign_in_attempts_per_minute, "该账户在此地址", "for this account from here"),
            (attempt.address, settings.sign_in_address_failures_per_minute, "该地址", "from this address"),
        ):
            if session.execute(_COUNT_IN_WINDOW, {"key": key, "limit": limit, **window}).first() is None:
                raise _too_many(zh, en, session.execute(_WINDOW_WAIT, {"key": key, **window}).scalar())
        if attempt.account is not None:
            backoff = {
                "key": attempt.account,
                "free": settings.sign_in_account_free_failures,
                "first": settings.sign_in_backoff_first_seconds,
                "max": settings.sign_in_backoff_max_seconds,
                "reset": settings.sign_in_account_reset_hours * 3600,
            }
            if session.execute(_COUNT_FOR_ACCOUNT, backoff).first() is None:
                raise _too_many("该账户", "for this account", session.execute(_BACKOFF_WAIT, backoff).scalar())
    session.commit()  # visible to parallel attempts (and their row locks released) before the slow password check
    return attempt


def give_back(session: Session, attempt: Attempt, *, settings: Settings) -> None:
    """The password was right: forget this pair's failures and return the reservation to the other counters."""
    session.execute(text("DELETE FROM sign_in_limits WHERE key = :k"), {"k": attempt.pair})
    session.execute(
        text("UPDATE sign_in_limits SET count = GREATEST(count - 1, 0) WHERE key = ANY(:keys)"),
        {"keys": [k for k in (attempt.address, attempt.account) if k]},
    )
    # Counters this long past their last attempt limit nothing any more; sign-ins are a cheap moment to drop them.
    keep = max(2 * 86400, settings.sign_in_account_reset_hours * 3600)
    session.execute(text("DELETE FROM sign_in_limits WHERE last_at < now() - make_interval(secs => :k)"), {"k": keep})
