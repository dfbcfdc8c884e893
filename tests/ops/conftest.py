"""A committed database of its own for the operations tests (backups and several app processes need data that other
connections and processes can see): migrated, seeded, with a planner, an API token and three photos."""

import pytest
from sqlalchemy.orm import Session

from geo.db import migrations
from geo.db.embedded import APP_ROLE
from geo.db.engine import make_engine
from geo.demo.seed import seed_all
from geo.files import Upload
from geo.photos.upload import add_photos
from tests.conftest import app_url, fresh_database
from tests.factories import interior_point, make_project, make_user, principal_of, token_for
from tests.photos.images import jpeg


@pytest.fixture(scope="session")
def ops_db(cluster, settings, tmp_path_factory):
    """{owner_url, app_url, owner (engine), settings (a local photo store of its own), project, headers}."""
    owner_url = fresh_database(cluster, "warroom_ops")
    owner = make_engine(owner_url)
    migrations.upgrade(owner, app_role=APP_ROLE)
    ops_settings = settings.model_copy(update={"var_dir": tmp_path_factory.mktemp("ops-var")})
    app = make_engine(app_url(cluster, "warroom_ops"))
    with Session(app) as session:
        seed_all(session)
        lon, lat = interior_point(session, "districts", "文登区")
        project = make_project(session, lon=lon, lat=lat)
        planner = make_user(session, role="planner")
        headers = token_for(session, planner)
        session.commit()
        add_photos(
            session,
            settings=ops_settings,
            project_id=project,
            uploads=[Upload(f"p{i}.jpg", jpeg(seed=400 + i, lon=lon, lat=lat)) for i in range(3)],
            caption="备份测试",
            month=None,
            actor=principal_of(planner),
        )
    app.dispose()
    yield {
        "owner_url": owner_url,
        "app_url": app_url(cluster, "warroom_ops"),
        "owner": owner,
        "settings": ops_settings,
        "project": {"id": project, "lon": lon, "lat": lat},
        "headers": headers,
        "planner": planner,
    }
    owner.dispose()
