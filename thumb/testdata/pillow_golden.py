#!/usr/bin/python3
"""Write the golden files that pin fanout's thumbnail sizes to Pillow's.

usage: /usr/bin/python3 thumb/testdata/pillow_golden.py

pillow_fit.json: for a fixed pseudo-random set of image and box sizes,
the size Image.thumbnail gives. pillow_sizes.json: for every sample in
testdata/images, the size after ImageOps.exif_transpose and thumbnail for
the boxes the tests use. Needs python3-pil (Debian's).
"""
import json
import os
import random

from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "testdata", "images"))
BOXES = [(32, 32), (64, 64), (128, 128), (200, 50), (7, 300)]


def thumb_size(w, h, box):
    im = Image.new("L", (w, h))
    im.thumbnail(box)
    return im.size


def main():
    rnd = random.Random(20261124)
    cases = []
    edge = [(1, 1), (1, 5000), (5000, 1), (128, 128), (129, 128), (128, 129), (256, 255), (1000, 3), (3, 1000), (5640, 3172), (1440, 900), (1600, 1203)]
    sizes = edge + [(rnd.randint(1, 4000), rnd.randint(1, 4000)) for _ in range(300)]
    sizes += [(rnd.randint(1, 300), rnd.randint(1, 300)) for _ in range(200)]
    for w, h in sizes:
        box = rnd.choice(BOXES + [(rnd.randint(1, 400), rnd.randint(1, 400))])
        tw, th = thumb_size(w, h, box)
        cases.append({"w": w, "h": h, "box": list(box), "want": [tw, th]})
    with open(os.path.join(HERE, "pillow_fit.json"), "w") as f:
        json.dump(cases, f, indent=0)
        f.write("\n")

    samples = {}
    for name in sorted(os.listdir(IMAGES)):
        got = {}
        for box in BOXES:
            with Image.open(os.path.join(IMAGES, name)) as im:
                im = ImageOps.exif_transpose(im)
                im.thumbnail(box)
                got["%dx%d" % box] = list(im.size)
        samples[name] = got
    with open(os.path.join(HERE, "pillow_sizes.json"), "w") as f:
        json.dump(samples, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
