#!/usr/bin/python3
"""Check fanout's thumbnails against Pillow's Image.thumbnail.

usage: compare.py SRC_DIR OUT_DIR [SIZE ...]

For every file in SRC_DIR and every box size, Pillow makes the reference
thumbnail (after ImageOps.exif_transpose, as the issue asks) and the file
OUT_DIR/{stem}_{size}_{size}.png must exist, have exactly Pillow's
dimensions and not be blank. Prints the mean absolute pixel difference
(0-255, over RGB with transparency shown on white) per size and exits 1 on any mismatch.
"""
import os
import sys

from PIL import Image, ImageOps, ImageStat

Image.MAX_IMAGE_PIXELS = None


def rgba(im):
    """The image as a person sees it: RGB, transparency shown on white."""
    if im.mode in ("I;16", "I;16B", "I"):
        im = im.point(lambda v: v / 256).convert("L")
    im = im.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", im.size, "white"), im).convert("RGB")


def main():
    src, out = sys.argv[1], sys.argv[2]
    sizes = [int(s) for s in sys.argv[3:]] or [32, 64, 128]
    bad = 0
    diffs = {s: [] for s in sizes}
    count = 0
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if not os.path.isfile(path) or name.startswith("."):
            continue
        stem = os.path.splitext(name)[0]
        for s in sizes:
            with Image.open(path) as im:
                im = ImageOps.exif_transpose(im)
                im.thumbnail((s, s))
                ref = rgba(im)
            got_path = os.path.join(out, f"{stem}_{s}_{s}.png")
            if not os.path.exists(got_path):
                print(f"{got_path}: missing")
                bad += 1
                continue
            count += 1
            with Image.open(got_path) as g:
                got = rgba(g)
            if got.size != ref.size:
                print(f"{got_path}: {got.size[0]}x{got.size[1]}, Pillow {ref.size[0]}x{ref.size[1]}")
                bad += 1
                continue
            if max(hi - lo for lo, hi in got.getextrema()) == 0 and max(hi - lo for lo, hi in ref.getextrema()) > 0:
                print(f"{got_path}: blank")
                bad += 1
            d = ImageChops_mean(got, ref)
            diffs[s].append(d)
            if "-v" in os.environ.get("COMPARE_FLAGS", ""):
                print(f"{got_path}: mean abs diff {d:.2f}")
    for s in sizes:
        v = diffs[s]
        if v:
            print(f"size {s}: {len(v)} thumbnails, dimensions equal to Pillow's, mean abs diff {sum(v)/len(v):.2f} (max {max(v):.2f})")
    print(f"checked {count} thumbnails, {bad} problems")
    sys.exit(1 if bad else 0)


def ImageChops_mean(a, b):
    from PIL import ImageChops
    st = ImageStat.Stat(ImageChops.difference(a, b))
    return sum(st.mean) / len(st.mean)


if __name__ == "__main__":
    main()
