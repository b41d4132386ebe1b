#!/bin/sh
# Makes the part of the colour corpus that only Little CMS applies (see
# README.md, "Little CMS corpus"): a CMYK photo tagged with a LUT-based
# CMYK profile, as Adobe-inverted and as unmarked JPEGs, and an RGB photo
# tagged with a LUT-based RGB profile, each with Little CMS's sRGB
# conversion as the reference. The outputs are committed; rerun this only
# to change them:
#
#   sudo apt-get install python3-pil python3-numpy liblcms2-2
#   sh thumb/testdata/colour/make_lcms.sh
set -eu
cd "$(dirname "$0")"
exec /usr/bin/python3 - <<'PY'
import hashlib
import io
import struct

import numpy as np
from PIL import Image, ImageCms

PHOTO = "../../../testdata/images/yellow-flower.jpg"
SRGB = ImageCms.createProfile("sRGB")
RELATIVE = ImageCms.Intent.RELATIVE_COLORIMETRIC
EXACT = ImageCms.FLAGS["NOTPRECALC"]
D50 = np.array([0.9642, 1.0, 0.8249])
BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])


def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def xyz_tag(v):
    return b"XYZ " + bytes(4) + b"".join(s15(c) for c in v)


def mluc_tag(text):
    s = text.encode("utf-16-be")
    return b"mluc" + bytes(4) + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(s), 28) + s


def lut16_tag(nin, grid, clut, curves_in=None):
    """A lut16Type of nin inputs and 3 outputs, identity matrix; input
    curves of 256 entries (identity unless given), identity output curves."""
    out = b"mft2" + bytes(4) + struct.pack(">BBBB", nin, 3, grid, 0)
    out += b"".join(s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    out += struct.pack(">HH", 256, 2)
    for i in range(nin):
        c = curves_in[i] if curves_in else [round(65535 * v / 255) for v in range(256)]
        out += struct.pack(">256H", *c)
    out += struct.pack(">%dH" % len(clut), *clut)
    out += struct.pack(">6H", *([0, 65535] * 3))
    return out


def profile(cls, space, pcs, tags):
    """An ICC v4.3 profile with the given tags, its ID computed."""
    table, data, offsets = b"", b"", {}
    base = 128 + 4 + 12 * len(tags)
    for sig, body in tags:
        key = id(body)
        if key not in offsets:
            offsets[key] = base + len(data)
            data += body + bytes(-len(body) % 4)
        table += struct.pack(">4sII", sig, offsets[key], len(body))
    size = base + len(data)
    hdr = struct.pack(">I4s4s4s4s4s", size, b"", bytes([4, 0x30, 0, 0]), cls, space, pcs)
    hdr += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + bytes(4) + bytes(8) + bytes(8) + bytes(4)
    hdr += s15(0.9642) + s15(1.0) + s15(0.8249) + b"fnot" + bytes(16) + bytes(28)
    prof = bytearray(hdr + struct.pack(">I", len(tags)) + table + data)
    md5 = hashlib.md5(bytes(prof[:44]) + bytes(4) + bytes(prof[48:64]) + bytes(4) + bytes(prof[68:84]) + bytes(16) + bytes(prof[100:])).digest()
    prof[84:100] = md5
    return bytes(prof)


def xyz(x, y):
    return np.array([x / y, 1.0, (1 - x - y) / y])


def to_d50(primaries, white):
    m = np.column_stack([xyz(*p) for p in primaries])
    w = xyz(*white)
    m = m * np.linalg.solve(m, w)
    return np.linalg.inv(BRADFORD) @ np.diag((BRADFORD @ D50) / (BRADFORD @ w)) @ BRADFORD @ m


def lab16(v):
    """XYZ (D50) to lut16Type's legacy Lab encoding."""
    f = lambda t: np.cbrt(t) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
    fx, fy, fz = (f(c / w) for c, w in zip(v, D50))
    L, a, b = 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
    return [int(round(min(max(L, 0), 100) * 0xff00 / 100)),
            int(round(min(max(a + 128, 0), 255.99) * 256)), int(round(min(max(b + 128, 0), 255.99) * 256))]


SRGB_D50 = to_d50([(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)], (0.3127, 0.3290))


def ink(c, m, y, k):
    """A print-like CMYK model: 15% dot gain, inks that absorb in three
    bands with side absorptions, black not quite black; paper is white."""
    gain = lambda a: a + 0.6 * a * (1 - a)
    c, m, y, k = gain(c), gain(m), gain(y), gain(k)
    absorb = {"c": (0.92, 0.22, 0.06), "m": (0.08, 0.90, 0.30), "y": (0.02, 0.10, 0.93), "k": (0.93, 0.93, 0.92)}
    bands = np.ones(3)
    for a, cov in (("c", c), ("m", m), ("y", y), ("k", k)):
        bands *= 1 - np.array(absorb[a]) * cov
    return SRGB_D50 @ bands  # linear band reflectances as linear sRGB


def cmyk_profile():
    g = 9
    clut = []
    for c in range(g):
        for m in range(g):
            for y in range(g):
                for k in range(g):
                    clut += lab16(ink(c / (g - 1), m / (g - 1), y / (g - 1), k / (g - 1)))
    a2b = lut16_tag(4, g, clut)
    tags = [(b"desc", mluc_tag("Print-like CMYK, lut16 (fanout test profile)")), (b"cprt", mluc_tag("No copyright: CC0, use freely")),
            (b"wtpt", xyz_tag(D50)), (b"A2B0", a2b), (b"A2B1", a2b)]
    return profile(b"prtr", b"CMYK", b"Lab ", tags)


def rgb_lut_profile():
    """A wide-gamut RGB display profile as a lut16 A2B0 (Adobe RGB
    primaries, gamma 2.2 in the input curves): LUT-based, XYZ PCS."""
    g = 17
    m = to_d50([(0.64, 0.33), (0.21, 0.71), (0.15, 0.06)], (0.3127, 0.3290))
    clut = []
    for r in range(g):
        for gg in range(g):
            for b in range(g):
                v = m @ np.array([r, gg, b]) / (g - 1)
                clut += [int(round(min(max(x / (1 + 32767 / 32768), 0), 1) * 65535)) for x in v]
    curve = [round(65535 * (v / 255) ** 2.2) for v in range(256)]
    a2b = lut16_tag(3, g, clut, [curve] * 3)
    tags = [(b"desc", mluc_tag("Wide RGB, lut16 (fanout test profile)")), (b"cprt", mluc_tag("No copyright: CC0, use freely")),
            (b"wtpt", xyz_tag(D50)), (b"A2B0", a2b)]
    return profile(b"mntr", b"RGB ", b"XYZ ", tags)


def to_srgb(img, prof):
    src = ImageCms.ImageCmsProfile(io.BytesIO(prof))
    t = ImageCms.buildTransform(src, SRGB, img.mode, "RGB", renderingIntent=RELATIVE, flags=EXACT)
    out = ImageCms.applyTransform(img, t)
    out.info.pop("icc_profile", None)
    return out


def strip_adobe(data):
    """The JPEG without its Adobe APP14 segment."""
    i = 2
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        if data[i + 1] == 0xEE and data[i + 4:i + 9] == b"Adobe":
            return data[:i] + data[i + 2 + n:]
        i += 2 + n
    raise ValueError("no Adobe segment")


photo = Image.open(PHOTO).convert("RGB").resize((160, 100), Image.Resampling.LANCZOS)
px = np.asarray(photo).astype(float) / 255
cmy = 1 - px
k = 0.7 * cmy.min(axis=2, keepdims=True)
sep = np.concatenate([(cmy - k) / np.maximum(1 - k, 1e-6), k], axis=2)
cmyk_img = Image.fromarray(np.round(sep * 255).astype(np.uint8), "CMYK")
prof = cmyk_profile()
buf = io.BytesIO()
cmyk_img.save(buf, "JPEG", quality=95, subsampling=0, icc_profile=prof)
open("cmyk-lut.jpg", "wb").write(buf.getvalue())
open("cmyk-lut-no-adobe.jpg", "wb").write(strip_adobe(buf.getvalue()))
to_srgb(Image.open("cmyk-lut.jpg"), prof).save("cmyk-lut.ref.png")

rgb = rgb_lut_profile()
photo.save("rgb-lut-photo.png", icc_profile=rgb)
to_srgb(photo, rgb).save("rgb-lut-photo.ref.png")
print("cmyk profile", len(prof), "bytes; rgb profile", len(rgb), "bytes")
PY
