"""The OpenAPI document tells the truth: schemathesis, signed in as a planner, finds no answer it does not declare."""

import os
import subprocess
import sys

from sqlalchemy.orm import Session

from api.app import create_app
from geo.db import migrations
from geo.db.engine import Database, make_engine
from geo.demo.seed import seed_all
from geo.settings import Settings
from tests.conftest import fresh_database, served
from tests.factories import make_user, token_for

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# These would sign the fuzzer out (or revoke its token) half-way through.
SIGN_OUT = ("/api/auth/logout", "/api/auth/password", "/api/auth/tokens/{token_id}")


def test_schemathesis_finds_no_undocumented_answer(cluster, tmp_path):
    # Its own database: the fuzzer files reports and imports that other tests must not see.
    engine = make_engine(fresh_database(cluster, "warroom_fuzz"))
    try:
        migrations.upgrade(engine)
        with Session(engine) as session:
            seed_all(session)
            headers = token_for(session, make_user(session, role="planner"))
            session.commit()
        app = create_app(Settings(database_url=None, basemap="none", var_dir=tmp_path), Database(engine))
        with served(app) as url:
            excluded = [arg for path in SIGN_OUT for arg in ("--exclude-path", path)]
            run = subprocess.run(
                [
                    os.path.join(os.path.dirname(sys.executable), "schemathesis"),
                    "run",
                    f"{url}/openapi.json",
                    "-H",
                    f"Authorization: {headers['Authorization']}",
                    "--checks",
                    CHECKS,
                    *excluded,
                    "--max-examples",
                    os.environ.get("WARROOM_FUZZ_EXAMPLES", "30"),
                    # One worker: CPython 3.11's ast.parse is not thread-safe, and hypothesis calls it while
                    # describing filters ("AST constructor recursion depth mismatch" under --workers 2).
                    "--workers",
                    "1",
                    "--no-color",
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
    finally:
        engine.dispose()
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "passed" in summary and "failures" not in summary, summary
