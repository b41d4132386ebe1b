package libdeflate

import (
	"errors"
	"sync"
	"unsafe"
)

// Library is the file name of libdeflate's shared library looked up by
// the system's dynamic loader (Debian's package libdeflate0).
const Library = "libdeflate.so.0"

// DisableEnv names an environment variable that, when set to a non-empty
// value, keeps the library from being loaded, so that the pure-Go path can
// be used and tested on a machine that has the library.
const DisableEnv = "FANOUT_NO_LIBDEFLATE"

// Errors of ZlibDecompress, after libdeflate's enum libdeflate_result.
var (
	// ErrBadData: the stream is damaged or truncated, or its checksum is wrong.
	ErrBadData = errors.New("libdeflate: invalid or truncated zlib data")
	// ErrShortOutput: the stream inflates to less than the buffer given.
	ErrShortOutput = errors.New("libdeflate: less data than expected")
	// ErrTooMuch: the stream inflates to more than the buffer given.
	ErrTooMuch = errors.New("libdeflate: more data than expected")
	errAlloc   = errors.New("libdeflate: libdeflate_alloc_decompressor failed")
)

var lib struct {
	once sync.Once
	err  error

	alloc      func() uintptr
	free       func(d uintptr)
	decompress func(d uintptr, in *byte, inN uint64, out *byte, outN uint64, actualIn, actualOut *uint64) int32
}

// Available reports whether libdeflate was found and loaded; err says why
// not.
func Available() (ok bool, err error) {
	err = load()
	return err == nil, err
}

// ZlibDecompress inflates the zlib stream at the start of src (bytes
// after its end are ignored) into dst, which it must fill exactly. It
// checks the stream's header and Adler-32 checksum. The inflater's
// tables (C memory) are made for the call and freed after it.
func ZlibDecompress(dst, src []byte) error {
	if err := load(); err != nil {
		return err
	}
	if len(src) == 0 {
		return ErrBadData
	}
	d := lib.alloc()
	if d == 0 {
		return errAlloc
	}
	defer lib.free(d)
	var in uint64
	var out *byte
	if len(dst) > 0 {
		out = unsafe.SliceData(dst)
	} else {
		var empty [1]byte // libdeflate wants an address even for no output
		out = &empty[0]
	}
	switch r := lib.decompress(d, unsafe.SliceData(src), uint64(len(src)), out, uint64(len(dst)), &in, nil); r {
	case 0:
		return nil
	case 2:
		return ErrShortOutput
	case 3:
		return ErrTooMuch
	default:
		return ErrBadData
	}
}
