// The period loops of crossPeriods, one per residue of p modulo 30.

package prime

import "unsafe"

// The eight copies of the period loop, one per residue of p modulo 30, so
// that the bit masks are constants and the offsets stay in registers.

func crossPeriods1(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 1
		*(*byte)(unsafe.Add(w, o1)) |= 2
		*(*byte)(unsafe.Add(w, o2)) |= 4
		*(*byte)(unsafe.Add(w, o3)) |= 8
		*(*byte)(unsafe.Add(w, o4)) |= 16
		*(*byte)(unsafe.Add(w, o5)) |= 32
		*(*byte)(unsafe.Add(w, o6)) |= 64
		*(*byte)(unsafe.Add(w, o7)) |= 128
	}
	return rel
}

func crossPeriods7(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 2
		*(*byte)(unsafe.Add(w, o1)) |= 32
		*(*byte)(unsafe.Add(w, o2)) |= 16
		*(*byte)(unsafe.Add(w, o3)) |= 1
		*(*byte)(unsafe.Add(w, o4)) |= 128
		*(*byte)(unsafe.Add(w, o5)) |= 8
		*(*byte)(unsafe.Add(w, o6)) |= 4
		*(*byte)(unsafe.Add(w, o7)) |= 64
	}
	return rel
}

func crossPeriods11(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 4
		*(*byte)(unsafe.Add(w, o1)) |= 16
		*(*byte)(unsafe.Add(w, o2)) |= 1
		*(*byte)(unsafe.Add(w, o3)) |= 64
		*(*byte)(unsafe.Add(w, o4)) |= 2
		*(*byte)(unsafe.Add(w, o5)) |= 128
		*(*byte)(unsafe.Add(w, o6)) |= 8
		*(*byte)(unsafe.Add(w, o7)) |= 32
	}
	return rel
}

func crossPeriods13(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 8
		*(*byte)(unsafe.Add(w, o1)) |= 1
		*(*byte)(unsafe.Add(w, o2)) |= 64
		*(*byte)(unsafe.Add(w, o3)) |= 32
		*(*byte)(unsafe.Add(w, o4)) |= 4
		*(*byte)(unsafe.Add(w, o5)) |= 2
		*(*byte)(unsafe.Add(w, o6)) |= 128
		*(*byte)(unsafe.Add(w, o7)) |= 16
	}
	return rel
}

func crossPeriods17(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 16
		*(*byte)(unsafe.Add(w, o1)) |= 128
		*(*byte)(unsafe.Add(w, o2)) |= 2
		*(*byte)(unsafe.Add(w, o3)) |= 4
		*(*byte)(unsafe.Add(w, o4)) |= 32
		*(*byte)(unsafe.Add(w, o5)) |= 64
		*(*byte)(unsafe.Add(w, o6)) |= 1
		*(*byte)(unsafe.Add(w, o7)) |= 8
	}
	return rel
}

func crossPeriods19(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 32
		*(*byte)(unsafe.Add(w, o1)) |= 8
		*(*byte)(unsafe.Add(w, o2)) |= 128
		*(*byte)(unsafe.Add(w, o3)) |= 2
		*(*byte)(unsafe.Add(w, o4)) |= 64
		*(*byte)(unsafe.Add(w, o5)) |= 1
		*(*byte)(unsafe.Add(w, o6)) |= 16
		*(*byte)(unsafe.Add(w, o7)) |= 4
	}
	return rel
}

func crossPeriods23(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 64
		*(*byte)(unsafe.Add(w, o1)) |= 4
		*(*byte)(unsafe.Add(w, o2)) |= 8
		*(*byte)(unsafe.Add(w, o3)) |= 128
		*(*byte)(unsafe.Add(w, o4)) |= 1
		*(*byte)(unsafe.Add(w, o5)) |= 16
		*(*byte)(unsafe.Add(w, o6)) |= 32
		*(*byte)(unsafe.Add(w, o7)) |= 2
	}
	return rel
}

func crossPeriods29(base unsafe.Pointer, rel, last uintptr, p uintptr, c *crossPlan) uintptr {
	o0, o1, o2, o3 := uintptr(c.off[0]), uintptr(c.off[1]), uintptr(c.off[2]), uintptr(c.off[3])
	o4, o5, o6, o7 := uintptr(c.off[4]), uintptr(c.off[5]), uintptr(c.off[6]), uintptr(c.off[7])
	for ; rel <= last; rel += p {
		w := unsafe.Add(base, rel)
		*(*byte)(unsafe.Add(w, o0)) |= 128
		*(*byte)(unsafe.Add(w, o1)) |= 64
		*(*byte)(unsafe.Add(w, o2)) |= 32
		*(*byte)(unsafe.Add(w, o3)) |= 16
		*(*byte)(unsafe.Add(w, o4)) |= 8
		*(*byte)(unsafe.Add(w, o5)) |= 4
		*(*byte)(unsafe.Add(w, o6)) |= 2
		*(*byte)(unsafe.Add(w, o7)) |= 1
	}
	return rel
}
