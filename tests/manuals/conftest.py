"""The manual tests use the accounts' clients with other settings (anonymous reading on or off)."""

from tests.accounts.conftest import client_with  # noqa: F401
