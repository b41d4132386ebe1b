package turbo

import (
	"bytes"
	"slices"
)

// JPEG markers read by dcScans.
const (
	markSOI  = 0xd8
	markEOI  = 0xd9
	markSOS  = 0xda
	markSOF2 = 0xc2 // progressive, Huffman-coded
)

// dcScans returns a progressive JPEG cut down to the scans that a decode
// at 1/8 scale uses, or data itself when it cannot cut or need not.
//
// At 1/8 scale libjpeg-turbo's inverse DCT of each 8×8 block keeps only
// the DC coefficient, except for chroma subsampled in both directions,
// which it scales up with a larger inverse DCT instead of upsampling. So
// the AC scans of the other components, usually most of a progressive
// file's bytes, are entropy-decoded for nothing. dcScans keeps every DC
// scan, every scan of a component decoded by a larger inverse DCT, and,
// for each other component, the first AC scan that starts at coefficient
// 1: with that one present, libjpeg-turbo's block smoothing of incomplete
// progressive images estimates only AC coefficients and leaves the DC
// values alone, so the pixels are exactly those of the whole file. All
// other segments (tables, restart intervals) are kept in order. Baseline
// files, files of unexpected structure, and files where a component lacks
// such an AC scan are returned unchanged.
func dcScans(data []byte) []byte {
	if len(data) < 4 || data[0] != 0xff || data[1] != markSOI {
		return data
	}
	out := make([]byte, 0, len(data)/4)
	out = append(out, 0xff, markSOI)
	var comps []byte          // component ids of the frame
	acSeen := map[byte]bool{} // components with a kept first AC scan
	dropped := false
	i := 2
	for {
		// The next marker, after any fill bytes.
		if i >= len(data) || data[i] != 0xff {
			return data
		}
		for i < len(data) && data[i] == 0xff {
			i++
		}
		if i >= len(data) {
			return data
		}
		m := data[i]
		i++
		switch {
		case m == markEOI:
			if !dropped || comps == nil {
				return data
			}
			for _, c := range comps {
				if !acSeen[c] {
					return data
				}
			}
			return append(out, 0xff, markEOI)
		case m == markSOI || m == 0x01 || (m >= 0xd0 && m <= 0xd7) || m == 0x00:
			return data // a stray marker outside entropy-coded data
		}
		if i+2 > len(data) {
			return data
		}
		n := int(data[i])<<8 | int(data[i+1])
		if n < 2 || i+n > len(data) {
			return data
		}
		seg := data[i : i+n]
		end := i + n
		switch {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // a frame header
			if m != markSOF2 || comps != nil || n < 8 {
				return data
			}
			nc := int(seg[7])
			if nc < 1 || n < 8+3*nc {
				return data
			}
			var maxH, maxV byte
			for c := range nc {
				maxH, maxV = max(maxH, seg[9+3*c]>>4), max(maxV, seg[9+3*c]&15)
			}
			comps = []byte{}
			for c := range nc {
				h, v := seg[9+3*c]>>4, seg[9+3*c]&15
				if h == 0 || v == 0 {
					return data
				}
				// libjpeg-turbo scales a component up by a larger inverse
				// DCT when both its factors divide the largest ones twice.
				if maxH%(2*h) != 0 || maxV%(2*v) != 0 {
					comps = append(comps, seg[8+3*c])
				}
			}
		case m == markSOS:
			if comps == nil || n < 3 {
				return data
			}
			ns := int(seg[2])
			if ns < 1 || n != 6+2*ns {
				return data
			}
			ss, ah := seg[3+2*ns], seg[5+2*ns]>>4
			// The entropy-coded data runs to the next marker that is not
			// a stuffed zero or a restart marker.
			for {
				k := bytes.IndexByte(data[end:], 0xff)
				if k < 0 || end+k+1 >= len(data) {
					return data
				}
				end += k
				if nx := data[end+1]; nx == 0x00 || (nx >= 0xd0 && nx <= 0xd7) || nx == 0xff {
					end++
					if nx != 0xff {
						end++
					}
					continue
				}
				break
			}
			keep := ss == 0 || !slices.Contains(comps, seg[3])
			if ss == 1 && ah == 0 && ns == 1 && !acSeen[seg[3]] {
				acSeen[seg[3]] = true
				keep = true
			}
			if !keep {
				dropped = true
				i = end
				continue
			}
		}
		out = append(out, data[i-2:end]...)
		i = end
	}
}
