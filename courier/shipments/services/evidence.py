"""Evidence files (photos, signatures): private storage, SHA-256, never a public URL."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from courier.shipments.models import EvidencePhoto

MAX_EVIDENCE_BYTES = 15 * 1024 * 1024


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    if hasattr(upload, "seek"):
        upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return digest.hexdigest()


def evidence_check(uploads, field: str) -> None:
    for upload in uploads:
        if upload.size > MAX_EVIDENCE_BYTES:
            raise ValidationError({field: _("A file is larger than 15 MB.")})
        if upload.size == 0:
            raise ValidationError({field: _("A file is empty.")})


def evidence_photo_store(shipment, upload, *, user, caption: str = "", **links) -> EvidencePhoto:
    """Store one photo privately with its hash; ``links``: attempt / exception / return_request.

    The caller runs inside its transaction; the file is written first, so a rolled-back
    transaction can leave an orphan file (never a row without its file)."""
    photo = EvidencePhoto(
        shipment=shipment,
        sha256=file_sha256(upload),
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size,
        caption=caption[:200],
        taken_at=timezone.now(),
        uploaded_by=user,
        **links,
    )
    photo.file.save(upload.name or "photo.jpg", upload, save=False)
    photo.save()
    return photo


def signature_store(instance, upload) -> None:
    """Put a signature file on ``instance.signature`` with its hash (not saved)."""
    instance.signature_sha256 = file_sha256(upload)
    instance.signature.save(upload.name or "signature.png", upload, save=False)


def file_erase(field_file) -> None:
    if field_file and field_file.name:
        field_file.storage.delete(field_file.name)
