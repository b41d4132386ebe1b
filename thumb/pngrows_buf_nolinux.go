//go:build unix && !linux

package thumb

func adviseHuge([]byte) {}
