"""Uploaded evidence (scanned documents, photos): what a file is, by its first bytes whatever its
name says, and whether it may be kept. A file is stored under the name its type decides and served
as that type only."""
from django.http import FileResponse

from .errors import NotFound

# first bytes -> (the stored file's extension, the type it is served as)
DOCUMENT_TYPES = {b"%PDF": (".pdf", "application/pdf"), b"\xff\xd8\xff": (".jpg", "image/jpeg"), b"\x89PNG": (".png", "image/png")}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def document_kind(f) -> tuple[str, str] | None:
    """(extension, content type) of a PDF, JPEG or PNG by its first bytes; None otherwise."""
    head = f.read(8)
    f.seek(0)
    return next((kind for sig, kind in DOCUMENT_TYPES.items() if head.startswith(sig)), None)


def document_problem(f, *, what: str = "文件") -> str:
    """"" when `f` (an uploaded file) is a PDF, JPEG or PNG of acceptable size; else why not."""
    if f.size > MAX_DOCUMENT_BYTES:
        return f"{what}不能超过10MB"
    if document_kind(f) is None:
        return f"{what}只能上传PDF、JPG或PNG文件"
    return ""


def document_response(stored) -> FileResponse:
    """A stored document (a FieldFile) served inline as the type its first bytes say — never the
    uploader's name or type; a file that is not a PDF, JPEG or PNG is the 404 of a missing one.
    The caller has checked the reader's scope and writes the access log."""
    fh = stored.open("rb")
    kind = document_kind(fh)
    if kind is None:
        fh.close()
        raise NotFound("未找到该文件")
    return FileResponse(fh, as_attachment=False, content_type=kind[1])
