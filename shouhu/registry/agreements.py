"""The care agreement (委托照护协议; docs/domain.md, "The care agreement"): parents who work away
entrust the child to a carer in writing (未成年人保护法 Art. 22–23; 国发〔2016〕13号). The village
prints the agreement filled from the record, the parties sign it, and the signed paper — scanned or
photographed — is recorded here with its date, as a change of the record like any other
(`services.child_update`: history, derived flags, and the "no agreement" alert resolving after it)."""
import uuid
from datetime import date

from django.db import transaction
from django.utils import timezone

from shouhu.core.errors import ErrorCode, ServiceError

from . import services
from .models import Child

# What a signed paper becomes: a PDF from a scanner or a phone's photo. Known by its first bytes,
# never by the name or the content type the browser sends.
AGREEMENT_TYPES: dict[bytes, str] = {b"%PDF-": ".pdf", b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
MAX_AGREEMENT_BYTES = 10 * 1024 * 1024
REASON = "上传已签订的委托照护协议"


def agreement_file_type(f) -> str:
    """The file's extension by its content (".pdf", ".jpg", ".png"), or "" for anything else."""
    head = f.read(8)
    f.seek(0)
    return next((ext for sig, ext in AGREEMENT_TYPES.items() if head.startswith(sig)), "")


def agreement_file_problem(f) -> str:
    """"" when `f` (an uploaded file) is a PDF, JPG or PNG of acceptable size, else why not."""
    if f is None:
        return "请选择已签字的协议文件"
    if f.size > MAX_AGREEMENT_BYTES:
        return f"文件不能超过{MAX_AGREEMENT_BYTES // (1024 * 1024)}MB，请压缩后再上传"
    if not agreement_file_type(f):
        return "只能上传PDF、JPG或PNG格式的文件"
    return ""


def agreement_date_problem(child: Child, signed_on: date | None) -> str:
    if signed_on is None:
        return "请填写协议签订日期"
    if signed_on > timezone.localdate():
        return "签订日期不能晚于今天"
    if child.birth_date and signed_on < child.birth_date:
        return "签订日期不能早于儿童出生日期"
    return ""


@transaction.atomic
def agreement_record(*, actor, child: Child, signed_on: date | None, file, expected_version: int | None = None) -> Child:
    """Record the signed agreement: its date and file, through `child_update` (the actor must edit
    the child's village). The stored name is random with the type's extension: the name the user's
    device gave it may carry the child's name."""
    problem = agreement_date_problem(child, signed_on)
    if problem:
        raise ServiceError(problem, code=ErrorCode.REQUIRED if signed_on is None else ErrorCode.INVALID, field="agreement_date")
    problem = agreement_file_problem(file)
    if problem:
        raise ServiceError(problem, code=ErrorCode.REQUIRED if file is None else ErrorCode.INVALID, field="agreement_file")
    child.agreement_date = signed_on
    child.agreement_file.save(uuid.uuid4().hex + agreement_file_type(file), file, save=False)
    stored = child.agreement_file.name
    try:
        return services.child_update(actor=actor, child=child, reason=REASON, expected_version=expected_version)
    except Exception:
        child.agreement_file.storage.delete(stored)  # the record was not changed: no file without its row
        raise
