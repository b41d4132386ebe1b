#!/usr/bin/python3
"""Writes the progressive JPEGs of this folder from the repository's
testdata/images/ladybird.jpg with Pillow: colour with 4:4:4, 4:2:2 and
4:2:0 chroma, and greyscale. Run from this folder: ./make_progressive.py"""
from PIL import Image

src = Image.open("../../../../testdata/images/ladybird.jpg").convert("RGB")
for name, sub in (("444", 0), ("422", 1), ("420", 2)):
    src.save(f"progressive-{name}.jpg", quality=90, progressive=True, subsampling=sub)
src.convert("L").save("progressive-grey.jpg", quality=90, progressive=True)
