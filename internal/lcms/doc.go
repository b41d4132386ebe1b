// Package lcms converts pixels to sRGB through Little CMS 2
// (liblcms2.so.2, Debian's liblcms2-2), loaded at run time with purego as
// internal/turbo loads libjpeg-turbo: no C toolchain or header is needed
// to build, and when the library is absent Available reports false and
// the caller keeps to its own, pure-Go, colour management.
//
// Its value is the profiles that a few lines of Go cannot apply: CMYK
// ones and LUT-based ones (lut8, lut16, mAB), whose conversion is an
// interpolation in multidimensional tables.
package lcms
