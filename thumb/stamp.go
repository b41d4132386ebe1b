package thumb

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// A thumbnail carries a stamp of the settings that made it: a PNG tEXt
// chunk "fanout", a JPEG comment (COM), a WebP chunk "FNST", each before
// the pixel data. A re-run takes a thumbnail for up to date only when it
// is not older than its source and its stamp is the one its settings
// give now, so that another --quality, --format, size, --no-rotate or
// --keep-profile remakes it; one without a stamp (made by an older
// fanout) is remade too.

// stampVersion is part of every stamp: raising it remakes every
// thumbnail, for a change in how fanout makes them.
const stampVersion = 1

// stampPrefix starts every stamp.
const stampPrefix = "fanout-thumbs/"

// stamp returns the stamp of the thumbnail of box b made with settings s:
// a digest of what shapes its pixels and its file (format, quality where
// the format has one, box, orientation, colour handling, and for WebP
// whether it is lossy), not of where it goes or how memory is shared.
func (s Settings) stamp(b Box, webpLossy bool) string {
	f := cmp.Or(s.Format, PNG)
	key := fmt.Sprintf("format=%s box=%dx%d no-rotate=%t keep-profile=%t", f, b.W, b.H, s.NoRotate, s.KeepProfile)
	if f == JPEG || f == WebP && webpLossy {
		key += fmt.Sprintf(" quality=%d", cmp.Or(s.Quality, DefaultQuality))
	}
	if f == WebP {
		key += fmt.Sprintf(" lossy=%t", webpLossy)
	}
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("%s%d %s", stampPrefix, stampVersion, hex.EncodeToString(sum[:16]))
}

// maxStamp bounds the stamp readStamp reads.
const maxStamp = 256

// readStamp returns the stamp of the thumbnail at path, or "" when it has
// none. It reads only the headers of the segments or chunks before the
// pixel data, skipping over their contents, and the stamp itself.
func readStamp(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return stampIn(f)
}

// stampIn returns the stamp of the thumbnail file f, or "".
func stampIn(f io.ReaderAt) (string, error) {
	head := make([]byte, 12)
	if _, err := f.ReadAt(head, 0); err != nil {
		return "", nil // too short to be a thumbnail
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return walkStamp(f, 8, 8, func(h []byte) segment {
			n, typ := int64(binary.BigEndian.Uint32(h)), string(h[4:8])
			return segment{size: 12 + n, data: n, stamp: typ == "tEXt", lead: "fanout\x00", end: typ == "IDAT" || typ == "IEND"}
		})
	case bytes.HasPrefix(head, []byte{0xff, 0xd8}):
		return walkStamp(f, 2, 4, func(h []byte) segment {
			n := int64(binary.BigEndian.Uint16(h[2:]))
			return segment{size: 2 + n, data: n - 2, stamp: h[1] == 0xfe, end: h[0] != 0xff || h[1] == markSOS || h[1] == 0xd9 || n < 2}
		})
	case string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return walkStamp(f, 12, 8, func(h []byte) segment {
			n, id := int64(binary.LittleEndian.Uint32(h[4:])), string(h[:4])
			return segment{size: 8 + n + n&1, data: n, stamp: id == stampChunk, end: id == "VP8 " || id == "VP8L" || id == "ALPH"}
		})
	}
	return "", nil
}

// segment is what walkStamp needs of a PNG chunk, JPEG segment or WebP
// chunk, from its header.
type segment struct {
	size  int64  // of the whole segment, header included
	data  int64  // of its data, after the header
	stamp bool   // it may hold the stamp: its data is lead, then the stamp
	lead  string // PNG's tEXt keyword and NUL
	end   bool   // the pixel data starts here: no stamp follows
}

// walkStamp walks the segments of r from off, each with a header of hdr
// bytes that read reads, and returns the stamp it finds before the pixel
// data, or "".
func walkStamp(r io.ReaderAt, off int64, hdr int, read func(h []byte) segment) (string, error) {
	h := make([]byte, hdr)
	for range 64 {
		if _, err := r.ReadAt(h, off); err != nil {
			return "", nil
		}
		s := read(h)
		if s.end || s.size < int64(hdr) || s.data < 0 {
			return "", nil
		}
		if s.stamp {
			body := make([]byte, min(s.data, int64(len(s.lead)+maxStamp)))
			n, _ := r.ReadAt(body, off+int64(hdr))
			if t, ok := bytes.CutPrefix(body[:n], []byte(s.lead)); ok && bytes.HasPrefix(t, []byte(stampPrefix)) {
				return string(t), nil
			}
		}
		off += s.size
	}
	return "", nil
}

// pngStamp returns a tEXt chunk holding stamp, or nil.
func pngStamp(stamp string) []byte {
	if stamp == "" {
		return nil
	}
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len("fanout")+1+len(stamp)))
	chunk = append(chunk, "tEXtfanout\x00"...)
	chunk = append(chunk, stamp...)
	return binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
}

// jpegStamp returns a comment segment holding stamp, or nil.
func jpegStamp(stamp string) []byte {
	if stamp == "" {
		return nil
	}
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xfe}, uint16(2+len(stamp)))
	return append(seg, stamp...)
}
