"""Evidence files: the content decides what a file is, never its name.

Accepted: JPEG, PNG, HEIC photos; MP3, M4A audio; MP4 video; PDF and DOCX documents — recognised by
their signatures (magic bytes). Anything else (HTML, scripts, executables, whatever the name) is
refused. Files are stored outside the web root under a random name with their SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
import zipfile
from pathlib import Path

# ISO base media ("ftyp" box) brands: HEIF images, M4A audio, MP4 video.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"MSNV", b"dash"}


class RefusedFile(ValueError):
    """The upload is not an accepted evidence file."""


def detect(head: bytes, data_path: Path | None = None) -> tuple[str, str, str] | None:
    """(kind, content type, extension) of a file from its first bytes, or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "photo", "image/jpeg", "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "photo", "image/png", "png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIC_BRANDS:
            return "photo", "image/heic", "heic"
        if brand in _M4A_BRANDS:
            return "audio", "audio/mp4", "m4a"
        if brand in _MP4_BRANDS or brand.startswith(b"3gp"):
            return "video", "video/mp4", "mp4"
        return None
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio", "audio/mpeg", "mp3"
    if head.startswith(b"%PDF-"):
        return "document", "application/pdf", "pdf"
    if head.startswith(b"PK\x03\x04") and data_path is not None and _is_docx(data_path):
        return "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
    return None


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def safe_name(filename: str | None) -> str:
    """The name shown for download: no directories, no control characters, at most 120 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".")
    return name[-120:] or "evidence"


def store(stream: io.IOBase, directory: Path, max_bytes: int) -> dict:
    """Copy `stream` into `directory` under a random name, checking size and content as it goes.
    Returns kind, content_type, size, sha256 and stored_name; raises RefusedFile (nothing kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f".upload-{secrets.token_hex(16)}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with temporary.open("wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise RefusedFile("too_large")
                if len(head) < 64:
                    head = (head + chunk)[:64]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise RefusedFile("empty")
        detected = detect(head, temporary)
        if detected is None:
            raise RefusedFile("type")
        kind, content_type, extension = detected
        stored_name = f"{secrets.token_hex(16)}.{extension}"
        temporary.rename(directory / stored_name)
    finally:
        temporary.unlink(missing_ok=True)
    return {
        "kind": kind,
        "content_type": content_type,
        "size": size,
        "sha256": digest.hexdigest(),
        "stored_name": stored_name,
    }
