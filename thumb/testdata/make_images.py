#!/usr/bin/python3
"""Make the sample images: testdata/images/ at the repository root (real
photos scaled down, plus one file of every supported kind) and the broken
files under thumb/testdata/bad/.

usage: /usr/bin/python3 thumb/testdata/make_images.py [PHOTO_DIR]

PHOTO_DIR defaults to /usr/share/backgrounds/mate (Debian's
mate-backgrounds). Needs python3-pil, webp (cwebp) and imagemagick. The
outputs are committed; rerun only to change them.
"""
import io
import os
import subprocess
import sys
import zlib
import struct

from PIL import Image, ImageCms, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
IMAGES = os.path.join(ROOT, "testdata", "images")
BAD = os.path.join(HERE, "bad")
PHOTOS = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/backgrounds/mate"


def out(name):
    return os.path.join(IMAGES, name)


def scaled(path, width):
    im = Image.open(path)
    im.load()
    h = round(im.height * width / im.width)
    return im.resize((width, h), Image.Resampling.LANCZOS)


def exif_with_orientation(o):
    ex = Image.Exif()
    ex[0x0112] = o
    return ex.tobytes()


def chart(w, h):
    """A test chart: coloured quadrants and a diagonal, so that any turn or
    mirror shows."""
    im = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, w // 2 - 1, h // 2 - 1], fill=(220, 30, 30))
    d.rectangle([w // 2, 0, w - 1, h // 2 - 1], fill=(30, 160, 30))
    d.rectangle([0, h // 2, w // 2 - 1, h - 1], fill=(30, 30, 220))
    d.line([0, 0, w - 1, h - 1], fill="black", width=3)
    return im


def png_chunk(typ, data):
    c = typ + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)


def main():
    os.makedirs(IMAGES, exist_ok=True)
    os.makedirs(BAD, exist_ok=True)
    p = lambda n: os.path.join(PHOTOS, n)

    # Real photos, scaled down.
    scaled(p("nature/LadyBird.jpg"), 640).save(out("ladybird.jpg"), quality=82)
    scaled(p("nature/Wood.jpg"), 480).save(out("wood.jpg"), quality=82)
    scaled(p("nature/YellowFlower.jpg"), 640).save(out("yellow-flower.jpg"), quality=82, progressive=True)
    scaled(p("abstract/Elephants.jpg"), 600).save(out("elephants.webp"), quality=80)
    scaled(p("desktop/Float-into-MATE.png"), 360).save(out("float-into-mate.png"), optimize=True)
    scaled(p("abstract/Arc-Colors-Transparent-Wallpaper.png"), 320).save(out("arc-transparent.png"), optimize=True)

    # One of every kind.
    photo = scaled(p("nature/TwoWings.jpg"), 300)
    photo.save(out("two-wings-cmyk.jpg"), quality=85)  # replaced below by CMYK
    photo.convert("CMYK").save(out("two-wings-cmyk.jpg"), quality=85)
    photo.convert("L").save(out("two-wings-grey-jpeg.jpg"), quality=85)
    photo.convert("L").save(out("two-wings-grey-png.png"))
    photo.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out("two-wings-palette.png"))
    photo.save(out("two-wings-bmp.bmp"))
    photo.save(out("two-wings-tiff.tiff"), compression="tiff_lzw")
    subprocess.run(["/usr/bin/convert", out("two-wings-bmp.bmp"), "-depth", "16", "PNG48:" + out("two-wings-16bit.png")], check=True)
    frames = [photo.convert("P", palette=Image.Palette.ADAPTIVE, colors=32), photo.rotate(180).convert("P", palette=Image.Palette.ADAPTIVE, colors=32)]
    frames[0].save(out("two-wings-anim.gif"), save_all=True, append_images=frames[1:], duration=500, loop=0)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photo.save(out("two-wings-icc.jpg"), quality=85, icc_profile=srgb)
    # A PNG named .jpg: decoded by content.
    photo.save(out("png-named-as.jpg"), format="PNG")
    # Stored turned a quarter; EXIF orientation 6 turns it upright (portrait).
    chart(160, 100).save(out("chart-exif6.jpg"), quality=90, exif=exif_with_orientation(6))
    # Lossless WebP with alpha.
    alpha = Image.new("RGBA", (200, 120), (0, 0, 0, 0))
    ImageDraw.Draw(alpha).ellipse([10, 10, 190, 110], fill=(240, 120, 0, 200))
    alpha.save(out("disc-alpha.png"))
    subprocess.run(["cwebp", "-quiet", "-lossless", out("disc-alpha.png"), "-o", out("disc-alpha.webp")], check=True)
    os.remove(out("disc-alpha.png"))

    # Broken files.
    open(os.path.join(BAD, "empty.jpg"), "wb").close()
    with open(out("ladybird.jpg"), "rb") as f:
        data = f.read()
    with open(os.path.join(BAD, "truncated-jpeg.jpg"), "wb") as f:
        f.write(data[: len(data) // 3])
    with open(out("float-into-mate.png"), "rb") as f:
        data = f.read()
    with open(os.path.join(BAD, "truncated-png.png"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(BAD, "notes.jpg"), "w") as f:
        f.write("these are my holiday notes, not a picture\n")
    # A decompression bomb: a valid header for 30000×30000 pixels.
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    with open(os.path.join(BAD, "bomb.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


if __name__ == "__main__":
    main()
