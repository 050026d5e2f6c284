"""Turn documents' HTML into PDFs (and sign them) in a process of its own, through the project's rendering
and signing code, for tests that must control the fonts the machine offers: fontconfig reads its
configuration once per process, so hiding the system's fonts (FONTCONFIG_FILE) takes a new process.

    python -m tests.documents.isolated_render < request.json

The request: {"out": directory, "documents": [{"name", "html", "signature_fields", "sign": null or the
keyword arguments of sign_pdf other than data}]}. Writes <out>/<name>.pdf for each document and prints, as
JSON, {"opened_fonts": [...]}: every font file this Python process opened (fontconfig's own reads, in C,
are not seen; with an empty configuration it has nothing to read).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2", ".pfa", ".pfb")


def main() -> int:
    opened: set[str] = set()

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            path = os.fsdecode(args[0])
            if path.lower().endswith(FONT_SUFFIXES):
                opened.add(os.path.realpath(path))

    sys.addaudithook(audit)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "napiter.settings")
    import django

    django.setup()
    from napiter.documents.rendering import pdf_from_html
    from napiter.documents.signing import sign_pdf

    request = json.load(sys.stdin)
    for document in request["documents"]:
        data = pdf_from_html(
            document["html"], signature_fields=document["signature_fields"], template=document["name"]
        ).data
        if document["sign"]:
            data = sign_pdf(data=data, **document["sign"]).data
        Path(request["out"], f"{document['name']}.pdf").write_bytes(data)
    json.dump({"opened_fonts": sorted(opened)}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
