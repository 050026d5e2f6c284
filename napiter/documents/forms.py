from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from napiter.documents.kinds import KINDS, RECOMMENDATION_MAX_LENGTH

PDF_MAGIC = b"%PDF-"


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Jenis dokumen")
    subject_id = forms.IntegerField(label="Subjek", min_value=1)
    recommendation = forms.CharField(
        label="Rekomendasi",
        required=False,
        max_length=RECOMMENDATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kosongkan untuk memakai rekomendasi baku sesuai tahap kasus.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(code, spec.label) for code, spec in sorted(KINDS.items())]


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label="Saya telah membaca dokumen ini dan menandatanganinya atas nama saya sendiri.",
        error_messages={"required": "Centang pernyataan bahwa Anda telah membaca dokumen sebelum menandatangani."},
    )


class SignBatchForm(forms.Form):
    """The documents listed on the confirmation page (ids, comma-separated: one field however many there are)
    and the signer's statement."""

    documents = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "Tidak ada dokumen yang dipilih."}
    )
    confirm = forms.BooleanField(
        label="Saya telah membaca dokumen-dokumen ini dan menandatanganinya atas nama saya sendiri.",
        error_messages={"required": "Centang pernyataan bahwa Anda telah membaca dokumen sebelum menandatangani."},
    )

    def clean_documents(self) -> list[str]:
        return [part for part in re.split(r"[\s,]+", self.cleaned_data["documents"]) if part]


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label="Berkas PDF")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.DOCUMENTS_VERIFY_MAX_UPLOAD_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(f"Berkas terlalu besar; paling besar {limit // (1024 * 1024)} MB.")
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError("Berkas ini bukan PDF.")
        return upload
