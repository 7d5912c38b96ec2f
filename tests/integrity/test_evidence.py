"""Evidence uploads: the content decides, not the name; size capped; stored under a random name
outside the web root with its SHA-256."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
import sqlalchemy as sa

from hrapp.errors import DomainError
from hrapp.extensions import db
from hrapp.integrity import evidence
from hrapp.integrity.models import Evidence
from tests.integrity import helpers


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    return buffer.getvalue()


ACCEPTED = [
    (helpers.JPEG, "photo", "image/jpeg"),
    (helpers.PNG, "photo", "image/png"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 50, "photo", "image/heic"),
    (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 50, "audio", "audio/mpeg"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A isom" + b"\x00" * 50, "audio", "audio/mp4"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 50, "video", "video/mp4"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 50, "document", "application/pdf"),
]


@pytest.mark.parametrize(("data", "kind", "content_type"), ACCEPTED)
def test_accepted_types_are_recognised_by_their_content(world, data, kind, content_type):
    check = helpers.draft_check(world)
    item = helpers.upload(check, world, data=data, name="whatever.bin")
    assert (item.kind, item.content_type) == (kind, content_type)
    stored = helpers.evidence_dir() / item.stored_name
    assert stored.read_bytes() == data
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)


def test_a_docx_is_accepted_and_another_zip_is_not(world):
    check = helpers.draft_check(world)
    assert helpers.upload(check, world, data=_docx(), name="记录.docx").kind == "document"
    with pytest.raises(DomainError):
        helpers.upload(check, world, data=_zip(), name="记录.docx")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<!doctype html><script>alert(1)</script>", "photo.jpg"),
        (b"<html><body onload=alert(1)>", "evidence.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60, "audio.mp3"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "video.mp4"),
        (b"#!/bin/sh\nrm -rf /\n", "note.docx"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "picture.png"),
        (b"", "empty.jpg"),
    ],
)
def test_html_executables_scripts_and_empty_files_are_refused_whatever_the_name(world, data, name):
    check = helpers.draft_check(world)
    with pytest.raises(DomainError):
        helpers.upload(check, world, data=data, name=name)
    assert list(helpers.evidence_dir().glob(".upload-*")) == []


def test_an_oversized_file_is_refused_and_nothing_is_kept(app, world):
    check = helpers.draft_check(world)
    before = set(helpers.evidence_dir().glob("*")) if helpers.evidence_dir().exists() else set()
    with pytest.raises(DomainError, match="larger than"):
        from hrapp.integrity import services

        services.add_evidence(
            check, io.BytesIO(helpers.JPEG + b"\x00" * 2000), "big.jpg", world.inspector, helpers.evidence_dir(), 1024
        )
    assert set(helpers.evidence_dir().glob("*")) == before


def test_a_path_in_the_file_name_goes_nowhere(world):
    check = helpers.draft_check(world)
    item = helpers.upload(check, world, name="../../../etc/cron.d/现场照片.jpg")
    assert item.original_name == "现场照片.jpg"
    assert "/" not in item.stored_name and ".." not in item.stored_name
    assert (helpers.evidence_dir() / item.stored_name).is_file()
    windows = helpers.upload(check, world, name="..\\..\\boot.ini\x00.jpg")
    assert windows.original_name == "boot.ini.jpg"


def test_names_are_random_and_unique(world):
    check = helpers.draft_check(world)
    first = helpers.upload(check, world, name="a.jpg")
    second = helpers.upload(check, world, name="a.jpg")
    assert first.stored_name != second.stored_name and len(first.stored_name) >= 32


def test_the_upload_route_refuses_a_renamed_html_file_and_shows_why(app, world, as_role):
    check = helpers.draft_check(world)
    db.session.commit()
    inspector = as_role("inspector")
    response = inspector.post(
        f"/integrity/checks/{check.id}/evidence",
        data={"file": (io.BytesIO(b"<html><script>x</script></html>"), "photo.jpg")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "JPEG" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0
    ok = inspector.post(f"/integrity/checks/{check.id}/evidence", data={"file": (io.BytesIO(helpers.JPEG), "p.jpg")})
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 1


def test_the_upload_route_refuses_an_oversized_file(app, world, as_role):
    check = helpers.draft_check(world)
    db.session.commit()
    app.config["EVIDENCE_MAX_BYTES"] = 1000
    try:
        response = as_role("inspector").post(
            f"/integrity/checks/{check.id}/evidence",
            data={"file": (io.BytesIO(helpers.JPEG + b"\x00" * 5000), "p.jpg")},
            follow_redirects=True,
        )
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Evidence.id))) == 0


def test_detect_needs_the_signature_at_the_start():
    assert evidence.detect(b"xx" + helpers.JPEG) is None
    assert evidence.detect(b"\x00\x00\x00\x18ftypqt  ") is None  # QuickTime: not on the list
