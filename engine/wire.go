package engine

import (
	"encoding"
	"encoding/json"
)

// Encode returns the wire form of a job's input or output, as a remote
// worker receives it and returns it: the value's own binary form when its
// type implements encoding.BinaryAppender or encoding.BinaryMarshaler,
// JSON otherwise. A type with a binary form must also implement
// encoding.BinaryUnmarshaler on its pointer, for Decode.
func Encode[T any](v T) ([]byte, error) { return AppendEncode(nil, v) }

// AppendEncode appends the wire form of v (see Encode) to b, so that a
// caller can reuse its buffers.
func AppendEncode[T any](b []byte, v T) ([]byte, error) {
	switch m := any(v).(type) {
	case encoding.BinaryAppender:
		return m.AppendBinary(b)
	case encoding.BinaryMarshaler:
		p, err := m.MarshalBinary()
		return append(b, p...), err
	}
	p, err := json.Marshal(v)
	return append(b, p...), err
}

// Decode reads the wire form Encode wrote into *v.
func Decode[T any](b []byte, v *T) error {
	if u, ok := any(v).(encoding.BinaryUnmarshaler); ok {
		return u.UnmarshalBinary(b)
	}
	return json.Unmarshal(b, v)
}
