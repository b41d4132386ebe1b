#!/bin/sh
# Makes the colour corpus of thumb/testdata/colour: small images tagged with
# real ICC profiles, and Little CMS's sRGB conversion of each (the
# reference the Go tests hold fanout's own conversion to). The outputs are
# committed, so that the tests need none of the packages below; rerun this
# only to change them:
#
#   sudo apt-get install icc-profiles-free colord-data python3-pil python3-numpy
#   sh thumb/testdata/colour/make.sh
#
# See README.md beside it for what each file is and where its profile
# comes from.
set -eu
cd "$(dirname "$0")"
for p in icc-profiles-free colord-data python3-pil python3-numpy liblcms2-2; do
	dpkg-query -W -f '${Package} ${Version}\n' "$p" >/dev/null 2>&1 || {
		echo "make.sh: needs the Debian package $p" >&2
		exit 1
	}
done
dpkg-query -W -f '${Package} ${Version}\n' icc-profiles-free colord-data python3-pil liblcms2-2 > versions.txt

exec /usr/bin/python3 - <<'EOF'
import hashlib
import struct

import numpy as np
from PIL import Image, ImageCms

ICC = "/usr/share/color/icc/"
PHOTO = "../../../testdata/images/yellow-flower.jpg"
SRGB = ImageCms.createProfile("sRGB")  # Little CMS's own sRGB profile
RELATIVE = ImageCms.Intent.RELATIVE_COLORIMETRIC
EXACT = ImageCms.FLAGS["NOTPRECALC"]  # no optimised 8-bit shortcut: the exact result


# --- Writing ICC profiles, for those no free package ships -----------------

def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def xyz_tag(v):
    return b"XYZ " + bytes(4) + b"".join(s15(c) for c in v)


def para_tag(kind, params):
    return b"para" + bytes(4) + struct.pack(">HH", kind, 0) + b"".join(s15(p) for p in params)


def curv_tag(table):
    return b"curv" + bytes(4) + struct.pack(">I", len(table)) + struct.pack(">%dH" % len(table), *table)


def mluc_tag(text):
    s = text.encode("utf-16-be")
    return b"mluc" + bytes(4) + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(s), 28) + s


def sf32_tag(m):
    return b"sf32" + bytes(4) + b"".join(s15(v) for row in m for v in row)


def lut16_tag(clut, grid):
    """A lut16Type of 4 inputs and 3 outputs, identity matrix and curves."""
    out = b"mft2" + bytes(4) + struct.pack(">BBBB", 4, 3, grid, 0)
    out += b"".join(s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    out += struct.pack(">HH", 2, 2)
    out += struct.pack(">8H", *([0, 65535] * 4))
    out += struct.pack(">%dH" % len(clut), *clut)
    out += struct.pack(">6H", *([0, 65535] * 3))
    return out


def profile(cls, space, pcs, tags):
    """An ICC v4.3 profile with the given tags, its ID computed."""
    table, data, offsets = b"", b"", {}
    base = 128 + 4 + 12 * len(tags)
    for sig, body in tags:
        key = id(body)
        if key not in offsets:  # a body given twice is stored once, as v4 allows
            offsets[key] = base + len(data)
            data += body + bytes(-len(body) % 4)
        table += struct.pack(">4sII", sig, offsets[key], len(body))
    size = base + len(data)
    hdr = struct.pack(">I4s4s4s4s4s", size, b"", bytes([4, 0x30, 0, 0]), cls, space, pcs)
    hdr += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + bytes(4) + bytes(8) + bytes(8) + bytes(4)
    hdr += s15(0.9642) + s15(1.0) + s15(0.8249) + b"fnot" + bytes(16) + bytes(28)
    assert len(hdr) == 128
    prof = bytearray(hdr + struct.pack(">I", len(tags)) + table + data)
    md5 = hashlib.md5(bytes(prof[:44]) + bytes(4) + bytes(prof[48:64]) + bytes(4) + bytes(prof[68:84]) + bytes(16) + bytes(prof[100:])).digest()
    prof[84:100] = md5
    return bytes(prof)


BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
D50 = np.array([0.9642, 1.0, 0.8249])


def xyz(x, y):
    return np.array([x / y, 1.0, (1 - x - y) / y])


def adaptation(src, dst):
    return np.linalg.inv(BRADFORD) @ np.diag((BRADFORD @ dst) / (BRADFORD @ src)) @ BRADFORD


def matrix_profile(name, primaries, white, curves):
    """A v4 display profile from CIE xy primaries and white, as ICC.1
    wants it: colorants and white point adapted to D50, chad saying how."""
    w = xyz(*white)
    m = np.column_stack([xyz(*p) for p in primaries])
    m = m * np.linalg.solve(m, w)
    chad = adaptation(w, D50)
    m = chad @ m
    tags = [(b"desc", mluc_tag(name)), (b"cprt", mluc_tag("No copyright: CC0, use freely")),
            (b"wtpt", xyz_tag(D50)), (b"chad", sf32_tag(chad))]
    tags += [(s + b"XYZ", xyz_tag(m[:, i])) for i, s in enumerate((b"r", b"g", b"b"))]
    tags += [(s + b"TRC", c) for s, c in zip((b"r", b"g", b"b"), curves)]
    return profile(b"mntr", b"RGB ", b"XYZ ", tags)


def cmyk_profile():
    """A small CMYK output profile whose A2B0 is the naive CMYK to sRGB
    mapping, through XYZ: enough to be a real profile of another colour
    space, never one to convert with."""
    srgb = np.column_stack([xyz(0.64, 0.33), xyz(0.30, 0.60), xyz(0.15, 0.06)])
    srgb = adaptation(xyz(0.3127, 0.3290), D50) @ (srgb * np.linalg.solve(srgb, xyz(0.3127, 0.3290)))
    clut = []
    for c in (0, 1):
        for m in (0, 1):
            for y in (0, 1):
                for k in (0, 1):
                    rgb = np.array([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)])
                    v = srgb @ rgb / (1 + 32767 / 32768)  # the XYZ encoding of lut16Type
                    clut += [int(round(min(max(x, 0), 1) * 65535)) for x in v]
    tags = [(b"desc", mluc_tag("Naive CMYK (fanout test profile)")), (b"cprt", mluc_tag("No copyright: CC0, use freely")),
            (b"wtpt", xyz_tag(D50)), (b"A2B0", lut16_tag(clut, 2))]
    return profile(b"prtr", b"CMYK", b"XYZ ", tags)


srgb_curve = para_tag(3, [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045])
profiles = {
    "adobe-rgb": open(ICC + "compatibleWithAdobeRGB1998.icc", "rb").read(),
    "display-p3": matrix_profile("Display P3 (fanout test profile)",
                                 [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060)], (0.3127, 0.3290),
                                 [srgb_curve] * 3),
    "prophoto": open(ICC + "colord/ProPhotoRGB.icc", "rb").read(),
    "rec709": open(ICC + "colord/Rec709.icc", "rb").read(),
    "lstar-rgb": open(ICC + "LStar-RGB.icc", "rb").read(),
    # Every parametric type but the gamma of type 0, on Rec. 2020 primaries.
    "para-types": matrix_profile("Parametric curves 1, 2, 4 (fanout test profile)",
                                 [(0.708, 0.292), (0.170, 0.797), (0.131, 0.046)], (0.3127, 0.3290),
                                 [para_tag(1, [2.2, 0.95, 0.05]),
                                  para_tag(2, [2.0, 0.88, 0.1, 0.002]),
                                  para_tag(4, [2.4, 0.95, 0.05, 0.08, 0.05, -0.001, 0.0003])]),
    "srgb": open(ICC + "sRGB.icc", "rb").read(),
}


def tagged(img, prof):
    img.info["icc_profile"] = prof
    return img


def to_srgb(img, prof, mode="RGB"):
    src = ImageCms.ImageCmsProfile(__import__("io").BytesIO(prof))
    t = ImageCms.buildTransform(src, SRGB, img.mode, mode, renderingIntent=RELATIVE, flags=EXACT)
    out = ImageCms.applyTransform(img, t)
    out.info.pop("icc_profile", None)  # untagged: sRGB by convention, and no creation date
    return out


def from_srgb(img, prof):
    dst = ImageCms.ImageCmsProfile(__import__("io").BytesIO(prof))
    t = ImageCms.buildTransform(SRGB, dst, "RGB", "RGB", renderingIntent=RELATIVE, flags=EXACT)
    return ImageCms.applyTransform(img, t)


# Every colour of a 16-level RGB cube, once: 64×64 pixels.
cube = Image.new("RGB", (64, 64))
for b in range(16):
    for g in range(16):
        for r in range(16):
            cube.putpixel((r + 16 * (b % 4), g + 16 * (b // 4)), (17 * r, 17 * g, 17 * b))
photo = Image.open(PHOTO).convert("RGB")
photo = photo.resize((160, 100), Image.Resampling.LANCZOS)

for name, prof in profiles.items():
    cube.save(name + "-cube.png", icc_profile=prof)
    to_srgb(cube, prof).save(name + "-cube.ref.png")
for name in ("adobe-rgb", "display-p3", "prophoto"):
    prof = profiles[name]
    wide = from_srgb(photo, prof)  # the photo as a camera would have written it in that space
    wide.save(name + "-photo.png", icc_profile=prof)
    to_srgb(wide, prof).save(name + "-photo.ref.png")
# A JPEG, for the libjpeg-turbo path: its reference is made from the
# pixels Pillow decodes, and it has no chroma subsampling, whose
# upsampling differs between decoders.
wide = from_srgb(photo, profiles["adobe-rgb"])
wide.save("adobe-rgb-jpeg.jpg", quality=95, subsampling=0, icc_profile=profiles["adobe-rgb"])
to_srgb(Image.open("adobe-rgb-jpeg.jpg"), profiles["adobe-rgb"]).save("adobe-rgb-jpeg.ref.png")

# Grey: a ramp with some noise, with a grey profile of the XYZ and of the
# Lab connection space; and grey with alpha.
rng = np.random.default_rng(12)
ramp = np.clip(np.tile(np.arange(64) * 4, (64, 1)) + rng.integers(-3, 4, (64, 64)), 0, 255).astype(np.uint8)
ramp = Image.fromarray(ramp, "L")
for name, path in (("gray", "Gray.icc"), ("gray-lab", "Gray-CIE_L.icc")):
    prof = open(ICC + path, "rb").read()
    ramp.save(name + "-ramp.png", icc_profile=prof)
    to_srgb(ramp, prof).save(name + "-ramp.ref.png")
gray = open(ICC + "Gray.icc", "rb").read()
alpha = Image.fromarray(np.tile(np.arange(64, dtype=np.uint8)[:, None] * 4 + 3, (1, 64)), "L")
Image.merge("LA", (ramp, alpha)).save("gray-alpha.png", icc_profile=gray)

# CMYK: a JPEG with a CMYK profile.
cmyk = cmyk_profile()
photo.convert("CMYK").save("cmyk.jpg", quality=90, icc_profile=cmyk)
EOF
