"""Evidence documents: PDF and Office files recognised by their content, stored once, refused otherwise."""

import io
import zipfile

from sqlalchemy import text

from tests.factories import make_user, token_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _task(session) -> int:
    return session.execute(
        text("""SELECT t.id FROM tasks t JOIN departments d ON d.id = t.lead_department_id
                WHERE d.name = '市商务局' ORDER BY t.code LIMIT 1""")
    ).scalar_one()


def test_a_reporter_uploads_a_pdf_and_a_docx_and_reads_them_back(client, session):
    task = _task(session)
    headers = token_for(session, make_user(session, role="dept_reporter", department="市商务局"))
    for name, data, fmt in (("纪要.pdf", PDF, "pdf"), ("方案.docx", _docx(), "docx")):
        r = client.post(f"/api/tasks/{task}/evidence?month=2026-11", files={"file": (name, data)}, headers=headers)
        assert r.status_code == 201, r.text
        assert (r.json()["format"], r.json()["name"], r.json()["size_bytes"]) == (fmt, name, len(data))
    listed = client.get(f"/api/tasks/{task}/evidence").json()
    assert {e["format"] for e in listed} == {"pdf", "docx"}
    got = client.get(listed[-1]["url"], headers=headers)
    assert got.status_code == 200 and got.content in (PDF, _docx())
    again = client.post(f"/api/tasks/{task}/evidence", files={"file": ("copy.pdf", PDF)}, headers=headers)
    assert again.status_code == 409


def test_a_renamed_image_or_a_bare_zip_is_refused_by_content(client, session):
    task = _task(session)
    headers = token_for(session, make_user(session, role="planner"))
    r = client.post(
        f"/api/tasks/{task}/evidence", files={"file": ("报告.pdf", b"\xff\xd8\xff\xe0JFIF")}, headers=headers
    )
    assert r.status_code == 415 and "PDF" in r.json()["detail"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    r = client.post(f"/api/tasks/{task}/evidence", files={"file": ("x.docx", buf.getvalue())}, headers=headers)
    assert r.status_code == 415
    r = client.post(f"/api/tasks/{task}/evidence", files={"file": ("cut.pdf", PDF[:20])}, headers=headers)
    assert r.status_code == 422
    assert session.execute(text("SELECT count(*) FROM task_evidence WHERE task_id = :t"), {"t": task}).scalar() == 0
