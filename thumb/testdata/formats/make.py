#!/usr/bin/python3
"""Make the files of thumb/testdata/formats: one small image of each kind
that Go's decoders refuse but Pillow or libjpeg-turbo read, and Pillow's
decode of each (NAME.ref.png; ImageMagick's for rle4.bmp) and Pillow's
thumbnail of that in a 48 px box (NAME.thumb48.png), which the tests hold
fanout's to.

usage: /usr/bin/python3 thumb/testdata/formats/make.py

Needs Debian's python3-pil, imagemagick (/usr/bin/convert),
libjpeg-turbo-progs (cjpeg) and libtiff-tools (tiffcp). The outputs are
committed; rerun only to change them. versions.txt records the versions of
the last run.
"""
import os
import struct
import subprocess
import tempfile

import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
PHOTO = os.path.join(ROOT, "testdata", "images", "yellow-flower.jpg")
TMP = tempfile.mkdtemp()


def out(name):
    return os.path.join(HERE, name)


def tmp(name):
    return os.path.join(TMP, name)


def run(*args):
    subprocess.run(args, check=True)


def strip_adobe(data):
    """Drop the Adobe APP14 segment of a JPEG."""
    i, keep = 2, [data[:2]]
    while data[i] == 0xFF and data[i + 1] != 0xDA:
        n = struct.unpack(">H", data[i + 2:i + 4])[0]
        seg = data[i:i + 2 + n]
        if not (data[i + 1] == 0xEE and seg[4:9] == b"Adobe"):
            keep.append(seg)
        i += 2 + n
    keep.append(data[i:])
    return b"".join(keep)


def bmp(name, width, height, bpp, compression, pixels, palette=b"", masks=b""):
    """Write a BMP with a 40-byte info header."""
    offset = 14 + 40 + len(masks) + len(palette)
    colours = len(palette) // 4
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bpp, compression, len(pixels), 2835, 2835, colours, 0)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    with open(out(name), "wb") as f:
        f.write(head + info + masks + palette + pixels)


def rle4(im):
    """RLE4-encode a 16-colour image: runs of one index in encoded mode,
    other stretches in absolute mode; bottom row first."""
    w, h = im.size
    px = im.load()
    data = bytearray()
    for y in range(h - 1, -1, -1):
        row = [px[x, y] for x in range(w)]
        x = 0
        while x < w:
            run_len = 1
            while x + run_len < w and run_len < 255 and row[x + run_len] == row[x]:
                run_len += 1
            if run_len >= 3 or w - x < 3:
                data += bytes([run_len, row[x] << 4 | row[x]])
                x += run_len
                continue
            lit = []
            while x < w and len(lit) < 254 and not (x + 2 < w and row[x] == row[x + 1] == row[x + 2]):
                lit.append(row[x])
                x += 1
            if len(lit) < 3:
                for v in lit:
                    data += bytes([1, v << 4])
                continue
            packed = bytes((lit[i] << 4) | (lit[i + 1] if i + 1 < len(lit) else 0) for i in range(0, len(lit), 2))
            data += bytes([0, len(lit)]) + packed + (b"\0" if len(packed) % 2 else b"")
        data += b"\0\0"
    return bytes(data) + b"\0\1"


def ojpeg_tiff(name, jpeg):
    """An old-style JPEG TIFF (compression 6) whose JPEGInterchangeFormat
    holds the whole stream jpeg, as cameras and scanners once wrote."""
    im = Image.open(jpeg)
    w, h = im.size
    with open(jpeg, "rb") as f:
        stream = f.read()
    tags = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 1, 8), (259, 3, 1, 6), (262, 3, 1, 6), (273, 4, 1, 0),
            (277, 3, 1, 3), (278, 3, 1, h), (279, 4, 1, len(stream)), (513, 4, 1, 0), (514, 4, 1, len(stream)),
            (530, 3, 2, 0x00020002)]
    ifd_size = 2 + 12 * len(tags) + 4
    data_at = 8 + ifd_size
    ifd = struct.pack("<H", len(tags))
    for tag, typ, count, value in tags:
        if tag in (273, 513):
            value = data_at
        if typ == 3 and count == 1:
            ifd += struct.pack("<HHIHH", tag, typ, count, value, 0)
        elif tag == 530:
            ifd += struct.pack("<HHIHH", tag, typ, count, 2, 2)
        else:
            ifd += struct.pack("<HHII", tag, typ, count, value)
    ifd += b"\0\0\0\0"
    with open(out(name), "wb") as f:
        f.write(b"II*\0" + struct.pack("<I", 8) + ifd + stream)


def reference(name, decoded_by=None, magick=False):
    """Pillow's decode of NAME (or ImageMagick's, with magick), as RGB or
    RGBA, and Pillow's thumbnail of it."""
    if magick:
        run("/usr/bin/convert", out(name), "PNG24:" + tmp("magick.png"))
        decoded_by = tmp("magick.png")
    im = Image.open(out(decoded_by or name))
    im.load()
    im = im.convert("RGBA" if "A" in im.getbands() else "RGB") if im.mode != "L" else im
    stem = os.path.splitext(name)[0]
    im.save(out(stem + ".ref.png"))
    im.thumbnail((48, 48), Image.Resampling.BICUBIC)
    im.save(out(stem + ".thumb48.png"))


def main():
    photo = Image.open(PHOTO).resize((80, 50), Image.Resampling.LANCZOS)
    photo.save(tmp("photo.ppm"))
    photo.save(tmp("photo.tif"))
    photo.convert("L").save(tmp("grey.tif"))
    photo.save(tmp("photo.png"))

    # Arithmetic-coded JPEGs, sequential (SOF9) and progressive (SOF10).
    with open(out("arith.jpg"), "wb") as f:
        subprocess.run(["cjpeg", "-arithmetic", "-quality", "90", tmp("photo.ppm")], stdout=f, check=True)
    with open(out("arith-progressive.jpg"), "wb") as f:
        subprocess.run(["cjpeg", "-arithmetic", "-progressive", "-quality", "90", tmp("photo.ppm")], stdout=f, check=True)
    # A CMYK JPEG without its Adobe segment (Pillow's naive CMYK).
    photo.convert("CMYK").save(tmp("cmyk.jpg"), quality=90)
    with open(tmp("cmyk.jpg"), "rb") as f:
        data = strip_adobe(f.read())
    with open(out("cmyk-no-adobe.jpg"), "wb") as f:
        f.write(data)
    # CMYK TIFFs: Pillow's, 8-bit LZW; ImageMagick's, 16-bit Deflate.
    photo.convert("CMYK").save(out("cmyk-lzw.tif"), compression="tiff_lzw")
    run("/usr/bin/convert", tmp("photo.png"), "-colorspace", "CMYK", "-depth", "16", "-compress", "Zip", out("cmyk-16bit.tif"))
    # JPEG-compressed TIFFs (compression 7) by libtiff: YCbCr strips, RGB
    # strips, YCbCr tiles, greyscale strips.
    run("tiffcp", "-r", "16", "-c", "jpeg", tmp("photo.tif"), out("jpeg-ycbcr.tif"))
    run("tiffcp", "-r", "16", "-c", "jpeg:r", tmp("photo.tif"), out("jpeg-rgb.tif"))
    run("tiffcp", "-t", "-w", "32", "-l", "32", "-c", "jpeg", tmp("photo.tif"), out("jpeg-tiled.tif"))
    run("tiffcp", "-r", "16", "-c", "jpeg", tmp("grey.tif"), out("jpeg-grey.tif"))
    # An old-style JPEG TIFF (compression 6), around a baseline JPEG.
    photo.save(tmp("ojpeg.jpg"), quality=90)
    ojpeg_tiff("ojpeg.tif", tmp("ojpeg.jpg"))
    # BMPs: RLE8 by ImageMagick; RLE4 and 16-bit RGB555 (BI_RGB) written
    # here; RGB565 and RGB555 with BI_BITFIELDS by ImageMagick.
    run("/usr/bin/convert", tmp("photo.png"), "-colors", "200", "-compress", "RLE", "BMP3:" + out("rle8.bmp"))
    p16 = photo.quantize(16)
    pal = b"".join(bytes([b, g, r, 0]) for r, g, b in zip(*[iter(p16.getpalette()[:48])] * 3))
    bmp("rle4.bmp", 80, 50, 4, 2, rle4(p16), palette=pal)
    rows = []
    for y in range(49, -1, -1):
        row = b"".join(struct.pack("<H", (r >> 3) << 10 | (g >> 3) << 5 | b >> 3) for r, g, b in (photo.getpixel((x, y)) for x in range(80)))
        rows.append(row)
    bmp("rgb555.bmp", 80, 50, 16, 0, b"".join(rows))
    run("/usr/bin/convert", tmp("photo.png"), "-define", "bmp:subtype=RGB565", out("rgb565.bmp"))
    run("/usr/bin/convert", tmp("photo.png"), "-define", "bmp:subtype=RGB555", out("rgb555-bitfields.bmp"))

    for name in ["arith.jpg", "arith-progressive.jpg", "cmyk-no-adobe.jpg", "cmyk-lzw.tif", "cmyk-16bit.tif",
                 "jpeg-ycbcr.tif", "jpeg-rgb.tif", "jpeg-tiled.tif", "jpeg-grey.tif", "rle8.bmp",
                 "rgb555.bmp", "rgb565.bmp", "rgb555-bitfields.bmp"]:
        reference(name)
    # Pillow 9.4 misreads RLE4 runs of literal pixels of odd length (it
    # drops their last nibble): ImageMagick decodes this one.
    reference("rle4.bmp", magick=True)
    # The old-style TIFF's reference is Pillow's decode of the JPEG in it.
    os.replace(tmp("ojpeg.jpg"), out("ojpeg-stream.jpg"))
    reference("ojpeg.tif", decoded_by="ojpeg-stream.jpg")
    os.remove(out("ojpeg-stream.jpg"))

    versions = subprocess.run(["dpkg-query", "-W", "python3-pil", "imagemagick", "libjpeg-turbo-progs", "libtiff-tools"],
                              capture_output=True, text=True, check=True).stdout
    with open(out("versions.txt"), "w") as f:
        f.write("Pillow " + PIL.__version__ + "\n" + versions)


if __name__ == "__main__":
    main()
