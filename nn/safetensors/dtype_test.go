package safetensors

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var s runtime.MemStats
	runtime.ReadMemStats(&s)
	m.total = s.TotalAlloc
}

func TestF16RoundTripAllValues(t *testing.T) {
	for h := range 1 << 16 {
		f := F16ToFloat32(uint16(h))
		back := F16FromFloat32(f)
		if math.IsNaN(float64(f)) {
			if back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("NaN %#04x came back as %#04x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("%#04x -> %v -> %#04x", h, f, back)
		}
	}
}

// nearestF16 finds the correctly rounded half by brute force over the
// neighbours of a candidate, in float64: nearest, ties to the even code.
func nearestF16(f float32) uint16 {
	best := uint16(0)
	bestErr := math.Inf(1)
	x := float64(f)
	for h := range 1 << 16 {
		v := float64(F16ToFloat32(uint16(h)))
		if math.IsNaN(v) || math.Signbit(v) != math.Signbit(x) {
			continue
		}
		if math.IsInf(v, 0) {
			// Inf is the rounding of everything at or beyond 65520.
			if math.Abs(x) >= 65520 {
				return uint16(h)
			}
			continue
		}
		e := math.Abs(v - x)
		if e < bestErr || e == bestErr && h&1 == 0 {
			best, bestErr = uint16(h), e
		}
	}
	return best
}

func TestF16Rounding(t *testing.T) {
	cases := []float32{
		0, 1, 65504, 65519, 65520, 1e6, 2048 + 1, 2048 + 3, // ties to even
		5.960464477539063e-08,  // smallest subnormal
		2.9802322387695312e-08, // half of it: a tie, rounds to 0
		2.98023259e-08,         // just above half: rounds up
		6.097555160522461e-05,  // largest subnormal
		6.103515625e-05,        // smallest normal
		6.1e-05, 1.0009765625,  // exact
		1.00048828125, // tie between 1 and 1+2^-10: to even (1)
		1.00146484375, // tie: to even (1+2^-9)
		float32(math.Inf(1)), -3.5,
	}
	r := rand.New(rand.NewPCG(1, 1))
	n := 100
	if testing.Short() {
		n = 10
	}
	for range n {
		cases = append(cases, math.Float32frombits(r.Uint32()&0x7fffffff|uint32(r.IntN(2))<<31))
		cases = append(cases, float32(r.NormFloat64()*float64(r.IntN(5000))))
	}
	for _, f := range cases {
		if math.IsNaN(float64(f)) {
			continue
		}
		if got, want := F16FromFloat32(f), nearestF16(f); got != want {
			t.Errorf("F16FromFloat32(%g) = %#04x (%g), want %#04x (%g)", f, got, F16ToFloat32(got), want, F16ToFloat32(want))
		}
	}
}

func TestBF16(t *testing.T) {
	cases := []struct {
		in   float32
		want uint16
	}{
		{1, 0x3f80},
		{-2, 0xc000},
		{math.Float32frombits(0x3f808000), 0x3f80}, // tie: to even
		{math.Float32frombits(0x3f818000), 0x3f82}, // tie: to even (up)
		{math.Float32frombits(0x3f808001), 0x3f81}, // above tie
		{math.Float32frombits(0x7f7fffff), 0x7f80}, // max float rounds to Inf
		{float32(math.Inf(-1)), 0xff80},
	}
	for _, c := range cases {
		if got := BF16FromFloat32(c.in); got != c.want {
			t.Errorf("BF16FromFloat32(%g) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
	if h := BF16FromFloat32(float32(math.NaN())); !math.IsNaN(float64(BF16ToFloat32(h))) {
		t.Errorf("NaN became %#04x", h)
	}
	for h := range 1 << 16 {
		f := BF16ToFloat32(uint16(h))
		if !math.IsNaN(float64(f)) && BF16FromFloat32(f) != uint16(h) {
			t.Fatalf("%#04x does not round-trip", h)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	src := []float32{0, 1, -1.5, 3.25e-3, 1e4}
	for _, d := range []DType{F32, F16, BF16, F64} {
		b, err := EncodeFloat32([]byte{0xaa}, d, src)
		if err != nil || len(b) != 1+len(src)*d.Size() || b[0] != 0xaa {
			t.Fatalf("%s: %d bytes, %v", d, len(b), err)
		}
		back := make([]float32, len(src))
		if err := DecodeFloat32(back, d, b[1:]); err != nil {
			t.Fatal(err)
		}
		for i := range src {
			tol := map[DType]float64{F32: 0, F64: 0, F16: 1.0 / 2048, BF16: 1.0 / 256}[d]
			if math.Abs(float64(back[i]-src[i])) > tol*math.Abs(float64(src[i])) {
				t.Errorf("%s: %v -> %v", d, src[i], back[i])
			}
		}
	}
	if _, err := EncodeFloat32(nil, I8, src); err == nil {
		t.Error("encoded I8")
	}
	if err := DecodeFloat32(make([]float32, 2), F32, make([]byte, 7)); err == nil {
		t.Error("decoded a ragged buffer")
	}
}

// TestPortablePathsMatchNative checks the byte-by-byte loops used on
// big-endian machines against the single-copy path (and vice versa).
func TestPortablePathsMatchNative(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	src := make([]float32, 1001)
	for i := range src {
		src[i] = math.Float32frombits(r.Uint32())
	}
	a, _ := encodeFloat32(nil, F32, src, true)
	b, _ := encodeFloat32(nil, F32, src, false)
	if string(a) != string(b) {
		t.Fatal("F32 encodings differ")
	}
	x := make([]float32, len(src))
	y := make([]float32, len(src))
	_ = decodeFloat32(x, F32, a, true)
	_ = decodeFloat32(y, F32, a, false)
	for i := range src {
		if math.Float32bits(x[i]) != math.Float32bits(src[i]) || math.Float32bits(y[i]) != math.Float32bits(src[i]) {
			t.Fatalf("value %d: %x %x, want %x", i, math.Float32bits(x[i]), math.Float32bits(y[i]), math.Float32bits(src[i]))
		}
	}
}

// TestDecodeF16Paths decodes every binary16 code through the in-place
// path (native order, even address), and through the portable one (odd
// address, or the other byte order), against F16ToFloat32.
func TestDecodeF16Paths(t *testing.T) {
	buf := make([]byte, 2<<16+1)
	for _, c := range []struct {
		name   string
		offset int
		native bool
	}{{"aligned", 0, true}, {"odd address", 1, true}, {"portable", 0, false}} {
		src := buf[c.offset : c.offset+2<<16]
		for h := range 1 << 16 {
			src[2*h], src[2*h+1] = byte(h), byte(h>>8)
		}
		dst := make([]float32, 1<<16)
		if err := decodeFloat32(dst, F16, src, c.native); err != nil {
			t.Fatal(err)
		}
		for h, got := range dst {
			if want := F16ToFloat32(uint16(h)); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("%s: %#04x decoded as %#08x, want %#08x", c.name, h, math.Float32bits(got), math.Float32bits(want))
			}
		}
	}
}
