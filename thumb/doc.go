// Package thumb makes thumbnails: it decodes an image file once, by its
// content rather than its name, and writes one thumbnail per box size.
//
// The sizes equal those of Pillow's Image.thumbnail for the same box (the
// aspect kept, never enlarged, the same rounding; see Fit), computed after
// the EXIF orientation is applied. Resampling is Catmull-Rom (Pillow's
// BICUBIC) scaled to the reduction, after an integer box pre-shrink that
// leaves at least a 2× step for the filter, as Pillow's reducing_gap does.
// JPEGs are shrunk while decoding (DCT scaling) when libjpeg-turbo is
// present at run time; otherwise the pure-Go decoders
// of the standard library and golang.org/x/image serve.
//
// Before any pixel is decoded the header is read and an image above
// Options.MaxPixels is refused, so a decompression bomb costs nothing.
// Colours are managed in pure Go (colour.go, icc.go): a source with a
// matrix/TRC RGB or grey ICC profile (Adobe RGB, Display P3, ProPhoto,
// camera and phone profiles) is converted to sRGB and its thumbnails carry
// no profile; one tagged sRGB, or untagged, is left as it is at no cost.
// Options.KeepProfile keeps the pixels and the profile instead. CMYK
// profiles of CMYK JPEGs and LUT-based RGB and grey profiles are applied
// by Little CMS when liblcms2.so.2 is present at run time
// (colour_lcms.go, internal/lcms), and left unapplied otherwise; a
// profile is written only where its colour space fits the output
// (Set.ICC, Set.Warning).
// Outputs are written to a temporary file in the output folder and renamed,
// so no thumbnail is ever half-written.
//
// Job is the thumbs job fanout runs, locally or on cluster workers, and
// Prepare its planning step: it turns paths (files, folders, glob
// patterns) into Items with their output names, finds collisions before
// any work, and orders the items largest first; Plan.Finish writes the
// contact sheet afterwards. Make is the building block underneath: one
// encoded image in, its thumbnails out.
//
// Memory is bounded per process: the function Job builds estimates each
// file's decode memory from its header (Go's decoder keeps every
// coefficient of a progressive JPEG, 4 bytes each) and makes it wait until
// its estimate fits beside the decodes in flight.
package thumb
