"""Request dependencies: the database session and the settings."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from geo.settings import Settings


def get_session(request: Request) -> Iterator[Session]:
    """A session per request, committed when the handler returns."""
    with request.app.state.db.session() as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
