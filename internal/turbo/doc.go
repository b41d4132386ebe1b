// Package turbo decodes JPEG images with libjpeg-turbo's TurboJPEG API,
// loaded at run time with purego: no C toolchain is needed to build, and
// when libturbojpeg.so.0 is absent Available reports false and the caller
// uses a pure-Go decoder instead.
//
// Its value is scaled decoding: libjpeg-turbo can shrink a JPEG by 1/2,
// 1/4 or 1/8 while decoding, in the DCT domain, which is several times
// faster than decoding every pixel and shrinking afterwards.
package turbo
