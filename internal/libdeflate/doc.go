// Package libdeflate inflates zlib streams with libdeflate
// (libdeflate.so.0, Debian's libdeflate0), loaded at run time with
// purego as internal/turbo loads libjpeg-turbo: no C toolchain is needed
// to build, and when the library is absent, or the build is static
// (-tags static), Available reports false and the caller inflates in
// pure Go instead.
//
// libdeflate inflates a whole buffer in one call, into a buffer of the
// size the caller knows in advance; it has no streaming interface. It is
// worth that memory where the inflated size is known and modest: the
// rows of a PNG.
package libdeflate
