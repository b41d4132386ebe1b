package thumb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
)

// TIFFs that golang.org/x/image/tiff refuses although Pillow (libtiff)
// reads them: CMYK ones (PhotometricInterpretation 5) and JPEG-compressed
// ones (Compression 7, and the old style, 6, when it holds a whole JPEG
// stream). tiffSource finds them from the first IFD; tiffjpeg.go decodes
// the JPEG ones, cmykTIFF the CMYK ones.

// TIFF tags read here.
const (
	tagWidth        = 256
	tagHeight       = 257
	tagBits         = 258
	tagCompression  = 259
	tagPhotometric  = 262
	tagStripOffsets = 273
	tagSamples      = 277
	tagRowsPerStrip = 278
	tagStripCounts  = 279
	tagPlanar       = 284
	tagTileWidth    = 322
	tagTileLength   = 323
	tagTileOffsets  = 324
	tagTileCounts   = 325
	tagInkSet       = 332
	tagExtraSamples = 338
	tagJPEGTables   = 347
	tagOJPEGOffset  = 513
	tagOJPEGLength  = 514
)

// maxTIFFValues bounds the values read from one IFD entry.
const maxTIFFValues = 1 << 22

// tiffIFD is the first image file directory of a TIFF file.
type tiffIFD struct {
	data    []byte
	bo      byteOrder
	entries map[uint16][]byte // tag → its 12-byte entry
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// readIFD reads the first IFD of data, a classic (not BigTIFF) TIFF.
func readIFD(data []byte) (*tiffIFD, error) {
	if len(data) < 8 {
		return nil, errors.New("truncated header")
	}
	d := &tiffIFD{data: data, bo: binary.LittleEndian, entries: map[uint16][]byte{}}
	if data[0] == 'M' {
		d.bo = binary.BigEndian
	}
	off := int64(d.bo.Uint32(data[4:]))
	if off < 8 || off+2 > int64(len(data)) {
		return nil, errors.New("first IFD outside the file")
	}
	n := int64(d.bo.Uint16(data[off:]))
	if off+2+12*n > int64(len(data)) {
		return nil, errors.New("truncated IFD")
	}
	for k := range n {
		e := data[off+2+12*k : off+14+12*k]
		d.entries[d.bo.Uint16(e)] = e
	}
	return d, nil
}

// values returns the values of tag, of type BYTE, SHORT or LONG, and
// whether it is there and readable.
func (d *tiffIFD) values(tag uint16) ([]uint32, bool) {
	e, ok := d.entries[tag]
	if !ok {
		return nil, false
	}
	typ, count := d.bo.Uint16(e[2:]), d.bo.Uint32(e[4:])
	size := map[uint16]int{1: 1, 3: 2, 4: 4, 7: 1}[typ]
	if size == 0 || count == 0 || count > maxTIFFValues {
		return nil, false
	}
	raw := e[8:12]
	if n := int(count) * size; n > 4 {
		off := int64(d.bo.Uint32(e[8:]))
		if off+int64(n) > int64(len(d.data)) {
			return nil, false
		}
		raw = d.data[off : off+int64(n)]
	}
	out := make([]uint32, count)
	for i := range out {
		switch size {
		case 1:
			out[i] = uint32(raw[i])
		case 2:
			out[i] = uint32(d.bo.Uint16(raw[2*i:]))
		default:
			out[i] = d.bo.Uint32(raw[4*i:])
		}
	}
	return out, true
}

// value returns the first value of tag, or def when it is absent.
func (d *tiffIFD) value(tag uint16, def uint32) uint32 {
	if v, ok := d.values(tag); ok {
		return v[0]
	}
	return def
}

// raw returns the bytes of tag, of type BYTE or UNDEFINED (JPEGTables).
func (d *tiffIFD) raw(tag uint16) []byte {
	e, ok := d.entries[tag]
	if !ok || (d.bo.Uint16(e[2:]) != 1 && d.bo.Uint16(e[2:]) != 7) {
		return nil
	}
	n := int64(d.bo.Uint32(e[4:]))
	if n <= 4 {
		return e[8 : 8+n]
	}
	off := int64(d.bo.Uint32(e[8:]))
	if off+n > int64(len(d.data)) {
		return nil
	}
	return d.data[off : off+n]
}

// tiffSource classifies a TIFF that golang.org/x/image/tiff cannot read:
// ok is false for every other one, and for files whose first IFD cannot
// be read, which that package then names.
func tiffSource(data []byte) (s source, ok bool, err error) {
	d, err := readIFD(data)
	if err != nil {
		return s, false, nil
	}
	comp, photo := d.value(tagCompression, 1), d.value(tagPhotometric, 99)
	if comp != 6 && comp != 7 && photo != 5 {
		return s, false, nil
	}
	w, h := d.value(tagWidth, 0), d.value(tagHeight, 0)
	s = source{format: "tiff", cfg: image.Config{Width: int(w), Height: int(h), ColorModel: color.RGBAModel}}
	if w == 0 || h == 0 || w > 1<<24 || h > 1<<24 {
		return s, true, fmt.Errorf("image is %d×%d", w, h)
	}
	if comp == 6 || comp == 7 {
		err = jpegTIFF(d, &s, comp)
	} else {
		err = cmykTIFF(d, &s)
	}
	return s, true, err
}

// cmykTIFF sets s to decode d, a CMYK TIFF: golang.org/x/image/tiff
// decodes it as straight-alpha RGBA (its four samples read as they are)
// from a copy of the IFD that says so, added at the end of the file, and
// the samples are then converted to RGB as Pillow does.
func cmykTIFF(d *tiffIFD, s *source) error {
	bits, _ := d.values(tagBits)
	_, extra := d.entries[tagExtraSamples]
	switch comp := d.value(tagCompression, 1); {
	case d.value(tagSamples, 1) != 4 || extra:
		return fmt.Errorf("CMYK TIFF of %d samples per pixel: only 4 (no alpha) are supported", d.value(tagSamples, 1))
	case len(bits) != 4 || bits[0] != bits[3] || (bits[0] != 8 && bits[0] != 16):
		return fmt.Errorf("CMYK TIFF of %v bits per sample: only 8 or 16 are supported", bits)
	case d.value(tagInkSet, 1) != 1:
		return errors.New("TIFF of inks other than CMYK (InkSet 2): not supported")
	case d.value(tagPlanar, 1) != 1:
		return errors.New("CMYK TIFF in separate planes: not supported")
	case !slices.Contains([]uint32{1, 5, 8, 32946, 32773}, comp):
		return fmt.Errorf("CMYK TIFF of compression %d: not supported", comp)
	}
	s.cfg.ColorModel = color.CMYKModel
	s.decode = func([]byte, bool) (image.Image, string, error) {
		img, err := decodeCMYKTIFF(d)
		return img, "go", err
	}
	return nil
}

// asRGBA returns the file of d with a new first IFD, the same as d's but
// for PhotometricInterpretation RGB and ExtraSamples 2 (unassociated
// alpha), as a reader that copies nothing of the original.
func (d *tiffIFD) asRGBA() *joined {
	entries := make([][]byte, 0, len(d.entries)+1)
	for tag, e := range d.entries {
		if tag != tagPhotometric {
			entries = append(entries, e)
		}
	}
	short := func(tag, v uint16) []byte {
		e := make([]byte, 12)
		d.bo.PutUint16(e, tag)
		d.bo.PutUint16(e[2:], 3)
		d.bo.PutUint32(e[4:], 1)
		d.bo.PutUint16(e[8:], v)
		return e
	}
	entries = append(entries, short(tagPhotometric, 2), short(tagExtraSamples, 2))
	slices.SortFunc(entries, func(a, b []byte) int { return int(d.bo.Uint16(a)) - int(d.bo.Uint16(b)) })
	pad := len(d.data) & 1
	ifd := make([]byte, pad, pad+2+12*len(entries)+4)
	ifd = d.bo.AppendUint16(ifd, uint16(len(entries)))
	for _, e := range entries {
		ifd = append(ifd, e...)
	}
	ifd = d.bo.AppendUint32(ifd, 0)
	head := append([]byte(nil), d.data[:8]...)
	d.bo.PutUint32(head[4:], uint32(len(d.data)+pad))
	return &joined{parts: [][]byte{head, d.data[8:], ifd}}
}
