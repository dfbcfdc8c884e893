"""The data's version: a counter that every committed write to the published tables moves (migration 0020_ogc)."""

from sqlalchemy import text
from sqlalchemy.orm import Session


def data_version(session: Session) -> int:
    """The current version; read it before the data, so an answer is never labelled newer than what it shows."""
    return session.execute(text("SELECT version FROM data_version")).scalar_one()
