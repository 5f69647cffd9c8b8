"""Draw 守护's app icons (a white heart on the navbar blue) as PNG with zlib only — no image library.
Run once: `python deploy/make_icons.py shouhu/static/icons` (the PNGs are committed)."""
import struct
import sys
import zlib

BLUE, WHITE = (13, 110, 253), (255, 255, 255)


def png(size: int, inset: float) -> bytes:
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            hits = 0
            for sj in (0.25, 0.75):          # 2x2 supersampling for smooth edges
                for si in (0.25, 0.75):
                    x = ((i + si) / size - 0.5) * 2 / inset * 1.3
                    y = -((j + sj) / size - 0.5) * 2 / inset * 1.3 + 0.15
                    if (x * x + y * y - 1) ** 3 - x * x * y ** 3 <= 0:
                        hits += 1
            a = hits / 4
            row += bytes(round(BLUE[k] * (1 - a) + WHITE[k] * a) for k in range(3))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


out = sys.argv[1]
for size in (192, 512):
    open(f"{out}/icon-{size}.png", "wb").write(png(size, 0.8))
    open(f"{out}/maskable-{size}.png", "wb").write(png(size, 0.55))  # inside the maskable safe zone
open(f"{out}/apple-touch-icon.png", "wb").write(png(180, 0.7))
