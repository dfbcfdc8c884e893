"""Password hashing (argon2id) and the random secrets behind passwords, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geo.errors import InvalidInput

# argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane): 34 ms a check on the 2-core server, against 360 ms
# for argon2-cffi's defaults (64 MiB, 3 passes, 4 lanes) — sign-in must not become a way to exhaust the CPU.
# Hashes record their parameters, so older ones still verify and are re-hashed at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "wr_"


def hash_password(password: str) -> str:
    """An argon2id hash of a password long enough to be one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 / a password needs at least {MIN_PASSWORD_LENGTH} characters",
            errors=[{"field": "password", "message": f"at least {MIN_PASSWORD_LENGTH} characters"}],
        )
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether the password matches the hash (always spends one verification, even without a hash)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


def random_password() -> str:
    """A 16-character password to be shown once."""
    return secrets.token_urlsafe(12)


def new_token(prefix: str = "") -> str:
    """A random bearer secret (256 bits)."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 of a random token: enough for 256-bit secrets, and lookups by it stay indexable."""
    return hashlib.sha256(token.encode()).hexdigest()
