package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
	"unsafe"
)

// littleEndian reports whether the machine stores numbers as the format
// does, in which case F32 data is moved with one copy rather than decoded.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// f16Table maps every binary16 code to its float32 value: 256 KiB, built
// on first use and never written again, and several times faster than
// converting each weight of a large F16 model.
var f16Table = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = F16ToFloat32(uint16(h))
	}
	return &t
})

// float32Bytes views a float32 slice as its bytes.
func float32Bytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

// DType is a tensor element type, spelled as in the header.
type DType string

// The element types this package knows. Unknown dtypes are rejected.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"  // IEEE 754 binary16
	BF16 DType = "BF16" // bfloat16: the top half of a float32
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U64  DType = "U64"
	U32  DType = "U32"
	U16  DType = "U16"
	U8   DType = "U8"
	Bool DType = "BOOL"
)

// Size returns the bytes per element, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool:
		return 1
	}
	return 0
}

// IsFloat reports whether DecodeFloat32 and EncodeFloat32 accept d.
func (d DType) IsFloat() bool {
	return d == F32 || d == F16 || d == BF16 || d == F64
}

// F16FromFloat32 rounds f to the nearest binary16 value, ties to even;
// values beyond the largest finite half (65504) become ±Inf and NaNs stay
// NaN (quiet, keeping the top of the payload).
func F16FromFloat32(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		// Subnormal half (or zero): value = m · 2^-24.
		if e < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - e)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		halfway := uint32(1) << (shift - 1)
		if rem > halfway || rem == halfway && h&1 == 1 {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && h&1 == 1 {
		h++ // a carry into the exponent is the correct rounding, up to Inf
	}
	return sign | uint16(h)
}

// F16ToFloat32 widens a binary16 value exactly.
func F16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: normalise.
	e := uint32(127 - 15 + 1)
	for mant&0x400 == 0 {
		mant <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
}

// BF16FromFloat32 rounds f to bfloat16, to nearest with ties to even; NaNs
// stay quiet NaNs.
func BF16FromFloat32(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}

// BF16ToFloat32 widens a bfloat16 value exactly.
func BF16ToFloat32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// EncodeFloat32 appends src to dst in dtype d (F32, F16, BF16 or F64),
// little-endian, rounding to nearest even where d is narrower.
func EncodeFloat32(dst []byte, d DType, src []float32) ([]byte, error) {
	return encodeFloat32(dst, d, src, littleEndian)
}

// encodeFloat32 is EncodeFloat32; native allows the single-copy F32 path
// (tests turn it off to check the portable loop).
func encodeFloat32(dst []byte, d DType, src []float32, native bool) ([]byte, error) {
	if !d.IsFloat() {
		return dst, fmt.Errorf("safetensors: cannot encode float32 as %s", d)
	}
	n := len(dst)
	dst = slices.Grow(dst, len(src)*d.Size())[:n+len(src)*d.Size()]
	out := dst[n:]
	switch d {
	case F32:
		if native {
			copy(out, float32Bytes(src))
			break
		}
		for i, v := range src {
			binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(out[2*i:], F16FromFloat32(v))
		}
	case BF16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(out[2*i:], BF16FromFloat32(v))
		}
	case F64:
		for i, v := range src {
			binary.LittleEndian.PutUint64(out[8*i:], math.Float64bits(float64(v)))
		}
	}
	return dst, nil
}

// DecodeFloat32 converts little-endian src of dtype d (F32, F16, BF16 or
// F64) into dst, which must hold exactly len(src)/d.Size() elements. F64
// values are rounded to float32.
func DecodeFloat32(dst []float32, d DType, src []byte) error {
	return decodeFloat32(dst, d, src, littleEndian)
}

// decodeFloat32 is DecodeFloat32; native allows the single-copy F32 path.
func decodeFloat32(dst []float32, d DType, src []byte, native bool) error {
	if !d.IsFloat() {
		return fmt.Errorf("safetensors: cannot decode %s as float32", d)
	}
	if len(src) != len(dst)*d.Size() {
		return fmt.Errorf("safetensors: %d bytes of %s for %d values", len(src), d, len(dst))
	}
	switch d {
	case F32:
		if native {
			copy(float32Bytes(dst), src)
			break
		}
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case F16:
		table := f16Table()
		if native && uintptr(unsafe.Pointer(unsafe.SliceData(src)))%2 == 0 {
			// Read the codes in place: the loop is a load, a lookup and a
			// store, against 19 instructions a value for the slicing and
			// bounds checks of the portable loop below. Weights are most
			// of what a process that loads a voice does before speaking.
			codes := unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(src))), len(dst))
			dst := dst[:len(codes)]
			for i, h := range codes {
				dst[i] = table[h]
			}
			break
		}
		for i := range dst {
			dst[i] = table[binary.LittleEndian.Uint16(src[2*i:])]
		}
	case BF16:
		for i := range dst {
			dst[i] = BF16ToFloat32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case F64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
		}
	}
	return nil
}
