"""Photo tests that touch storage run on both stores: `@both_stores` runs a test with the local directory and with a
bucket on a real SeaweedFS (started on first use)."""

import pytest

from tests.conftest import s3_settings

both_stores = pytest.mark.parametrize("settings", ["local", "s3"], indirect=True)


@pytest.fixture
def settings(request, settings):
    """The session's settings (local photo directory), or the same with photos in the SeaweedFS bucket."""
    if getattr(request, "param", "local") == "local":
        return settings
    return s3_settings(settings, request.getfixturevalue("seaweedfs"), "photos")
