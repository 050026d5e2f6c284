"""The fonts of every generated document, shipped with napiter so that a PDF never depends on the fonts a
machine happens to have: Noto Sans Regular, Bold and Italic (the faces the templates use), version 2.004,
unmodified from Debian's fonts-noto-core 20201225-1, under the SIL Open Font License 1.1 (OFL.txt).

The print stylesheet names them as `napiterfont:<file>` URLs, which only the rendering's URL fetcher
serves (and collectstatic leaves alone); the signature stamp reads NotoSans-Regular.ttf by path.
"""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent
URL_SCHEME = "napiterfont"  # letters only: collectstatic leaves such URLs alone, not "a-b:" ones


class FontNotBundled(LookupError):
    pass


def bundled_font(name: str) -> Path:
    """The font file `name` of this folder. Only a bare file name of a font shipped here is accepted: no
    other folder, no path, nothing that is not a font."""
    for path in FONTS_DIR.glob("*.ttf"):
        if path.name == name:
            return path
    raise FontNotBundled(f"no bundled font named {name!r} in {FONTS_DIR}")
