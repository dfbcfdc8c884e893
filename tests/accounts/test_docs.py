"""/docs and /openapi.json: public when anonymous reading is on, for accounts only when it is off."""

from tests.accounts.conftest import make_user, token_for


def test_docs_are_public_with_anonymous_read(client):
    assert client.get("/openapi.json").json()["paths"]["/api/projects"]
    assert client.get("/docs").status_code == 200


def test_docs_need_an_account_without_anonymous_read(client_with, session):
    closed = client_with(anonymous_read=False)
    for path in ("/openapi.json", "/docs"):
        r = closed.get(path)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json", path
        assert "sign in" in r.json()["detail"]
    headers = token_for(session, make_user(session, role="viewer"))
    assert closed.get("/openapi.json", headers=headers).json()["paths"]["/api/projects"]
    assert "swagger-ui" in closed.get("/docs", headers=headers).text
