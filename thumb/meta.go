package thumb

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
)

// meta is what the pixels alone do not say: how to turn the image upright,
// its colour profile, and whether a JPEG is CMYK (Adobe APP14).
type meta struct {
	orientation int    // EXIF orientation, 1..8; 1 when absent or invalid
	icc         []byte // embedded ICC profile, uncompressed; nil when none
	iccTooBig   int    // the size of an embedded profile larger than maxICC, left out of icc; -1 when not known
	grayAlpha   bool   // a PNG of grey and alpha, which the decoder makes NRGBA
}

// maxICC bounds an embedded profile; real ones are a few kilobytes to a
// few hundred.
const maxICC = 4 << 20

// readMeta extracts orientation and ICC profile from an encoded image of
// the given format. It never fails: damaged metadata is ignored, like the
// browsers and Pillow do.
func readMeta(format string, b []byte) meta {
	m := meta{orientation: 1}
	switch format {
	case "jpeg":
		jpegMeta(b, &m)
	case "png":
		pngMeta(b, &m)
	case "webp":
		webpMeta(b, &m)
	case "tiff":
		m.orientation, m.icc, m.iccTooBig = tiffMeta(b)
	}
	if m.orientation < 1 || m.orientation > 8 {
		m.orientation = 1
	}
	return m
}

// jpegMeta walks the JPEG marker segments up to the first scan.
func jpegMeta(b []byte, m *meta) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return
	}
	var icc [256][]byte
	iccCount := 0
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return
		}
		marker := b[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			i += 2
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			break
		}
		seg := b[i+4 : i+2+n]
		switch {
		case marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) && m.orientation == 1:
			m.orientation, _, _ = tiffMeta(seg[6:])
		case marker == 0xE2 && len(seg) > 14 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")):
			seq, count := int(seg[12]), int(seg[13])
			if seq >= 1 && seq <= count && icc[seq-1] == nil {
				icc[seq-1] = seg[14:]
				iccCount = count
			}
		}
		i += 2 + n
	}
	var prof []byte
	for k := range iccCount {
		if icc[k] == nil {
			return // a chunk is missing: the profile is unusable
		}
		prof = append(prof, icc[k]...)
	}
	if len(prof) <= maxICC {
		m.icc = prof
	} else {
		m.iccTooBig = len(prof)
	}
}

// pngMeta reads the iCCP and eXIf chunks.
func pngMeta(b []byte, m *meta) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(b, []byte(sig)) {
		return
	}
	for i := len(sig); i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || n > len(b)-i-12 {
			return
		}
		data := b[i+8 : i+8+n]
		switch typ {
		case "IHDR":
			m.grayAlpha = n >= 13 && data[9] == 4
		case "iCCP":
			if k := bytes.IndexByte(data, 0); k >= 0 && k+2 <= len(data) && data[k+1] == 0 {
				m.icc, m.iccTooBig = inflate(data[k+2:])
			}
		case "eXIf":
			m.orientation, _, _ = tiffMeta(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
		case "IEND":
			return
		}
		i += 12 + n
	}
}

// webpMeta reads the ICCP and EXIF chunks of an extended WebP file.
func webpMeta(b []byte, m *meta) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return
	}
	for i := 12; i+8 <= len(b); {
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || n > len(b)-i-8 {
			return
		}
		data := b[i+8 : i+8+n]
		switch typ {
		case "ICCP":
			if n <= maxICC {
				m.icc = data
			} else {
				m.iccTooBig = n
			}
		case "EXIF":
			m.orientation, _, _ = tiffMeta(bytes.TrimPrefix(data, []byte("Exif\x00\x00")))
		}
		i += 8 + n + n&1
	}
}

// tiffMeta reads the orientation (tag 274) and ICC profile (tag 34675) of
// the first IFD of a TIFF structure, which is also the layout of EXIF data;
// tooBig is the size of a profile larger than maxICC, left out.
func tiffMeta(b []byte) (orientation int, icc []byte, tooBig int) {
	orientation = 1
	if len(b) < 8 {
		return
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return
	}
	if bo.Uint16(b[2:]) != 42 {
		return
	}
	off := int(bo.Uint32(b[4:]))
	if off < 8 || off > len(b)-2 {
		return
	}
	n := int(bo.Uint16(b[off:]))
	for k := range min(n, 1000) {
		e := off + 2 + 12*k
		if e+12 > len(b) {
			break
		}
		tag, typ := bo.Uint16(b[e:]), bo.Uint16(b[e+2:])
		count := bo.Uint32(b[e+4:])
		switch {
		case tag == 274 && typ == 3 && count >= 1:
			orientation = int(bo.Uint16(b[e+8:]))
		case tag == 34675 && (typ == 7 || typ == 1) && count > maxICC:
			tooBig = int(min(count, 1<<31-1))
		case tag == 34675 && (typ == 7 || typ == 1) && count > 4:
			p := int(bo.Uint32(b[e+8:]))
			if p >= 0 && p <= len(b)-int(count) {
				icc = b[p : p+int(count)]
			}
		}
	}
	return orientation, icc, tooBig
}

// inflate decompresses a zlib stream of at most maxICC bytes; nil if it is
// damaged or too large, and then tooBig is -1 (larger than maxICC).
func inflate(z []byte) (out []byte, tooBig int) {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, 0
	}
	defer r.Close()
	out, err = io.ReadAll(io.LimitReader(r, maxICC+1))
	switch {
	case len(out) > maxICC:
		return nil, -1 // of unknown size: not inflated further
	case err != nil:
		return nil, 0
	}
	return out, 0
}
