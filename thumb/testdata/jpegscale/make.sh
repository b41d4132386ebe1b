#!/bin/sh
# Remakes the JPEGs of the scaled decoder's tests from testdata/images,
# with libjpeg-turbo's tools (Debian: libjpeg-turbo-progs).
set -e
cd "$(dirname "$0")"
I=../../../testdata/images
jpegtran -progressive $I/wood.jpg > prog-420.jpg
jpegtran -progressive -restart 3B $I/ladybird.jpg > prog-420-restart.jpg
jpegtran -restart 2 $I/yellow-flower.jpg > base-420-restart.jpg
jpegtran -progressive $I/two-wings-grey-jpeg.jpg > prog-grey.jpg
djpeg -ppm $I/wood.jpg | cjpeg -sample 2x1 -quality 90 -optimize > base-422.jpg
djpeg -ppm $I/ladybird.jpg | cjpeg -sample 1x1 -progressive -restart 1 -quality 85 > prog-444-restart.jpg
djpeg -ppm $I/yellow-flower.jpg | cjpeg -sample 1x2 -quality 80 > base-440.jpg
djpeg -ppm $I/wood.jpg | cjpeg -rgb -quality 90 > base-rgb.jpg
jpegtran -crop 301x199+16+16 $I/ladybird.jpg > base-odd.jpg
jpegtran -crop 301x199+16+16 -progressive $I/ladybird.jpg > prog-odd.jpg
jpegtran -arithmetic $I/wood.jpg > arith.jpg
