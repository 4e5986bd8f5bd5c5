"""The Teams app icons, drawn in code (no imaging library needed): `python -m adapters.teams.icons`.

Teams wants a 192x192 full-colour icon and a 32x32 outline icon (white on transparent).
The picture: three centred bars of different lengths, i.e. things lined up.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

MANIFEST_DIR = Path(__file__).parent / "manifest"
ACCENT = (79, 70, 229, 255)  # indigo, the manifest's accentColor #4F46E5
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
# Bars as (top, bottom, half-width) in fractions of the icon size.
BARS = ((0.22, 0.34, 0.30), (0.44, 0.56, 0.18), (0.66, 0.78, 0.30))

Pixel = tuple[int, int, int, int]


def png(size: int, pixel: Callable[[float, float], Pixel]) -> bytes:
    """An RGBA PNG of `size`x`size`; `pixel` gets the centre of each pixel in 0..1 coordinates."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            rows.extend(pixel((x + 0.5) / size, (y + 0.5) / size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def _on_bar(x: float, y: float) -> bool:
    return any(top <= y <= bottom and abs(x - 0.5) <= half for top, bottom, half in BARS)


def color_icon() -> bytes:
    return png(192, lambda x, y: WHITE if _on_bar(x, y) else ACCENT)


def outline_icon() -> bytes:
    return png(32, lambda x, y: WHITE if _on_bar(x, y) else CLEAR)


def write(directory: Path = MANIFEST_DIR) -> None:
    (directory / "color.png").write_bytes(color_icon())
    (directory / "outline.png").write_bytes(outline_icon())


if __name__ == "__main__":
    write()
    print(MANIFEST_DIR / "color.png", MANIFEST_DIR / "outline.png")
