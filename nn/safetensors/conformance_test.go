package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"testing"
)

// miniTensor and miniRead are an independent minimal reader of the
// safetensors layout, written from the format description alone and
// sharing no code with the package: it checks the header length (at most
// 100 MB and inside the file), that dtypes are known, and that offsets are
// contiguous, non-overlapping and cover the data section.
type miniTensor struct {
	dtype string
	shape []int
	data  []byte
}

func miniRead(file []byte) (map[string]string, map[string]miniTensor, error) {
	if len(file) < 8 {
		return nil, nil, fmt.Errorf("short file")
	}
	n := binary.LittleEndian.Uint64(file)
	if n > 100_000_000 || n > uint64(len(file)-8) {
		return nil, nil, fmt.Errorf("header length %d", n)
	}
	var header map[string]any
	if err := json.Unmarshal(file[8:8+n], &header); err != nil {
		return nil, nil, err
	}
	data := file[8+n:]
	sizes := map[string]int{"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1}
	meta := map[string]string{}
	type span struct {
		name       string
		begin, end int
	}
	var spans []span
	tensors := map[string]miniTensor{}
	for name, v := range header {
		if name == "__metadata__" {
			for k, val := range v.(map[string]any) {
				meta[k] = val.(string)
			}
			continue
		}
		entry := v.(map[string]any)
		dtype := entry["dtype"].(string)
		size, ok := sizes[dtype]
		if !ok {
			return nil, nil, fmt.Errorf("%s: unknown dtype %s", name, dtype)
		}
		count := size
		var shape []int
		for _, d := range entry["shape"].([]any) {
			shape = append(shape, int(d.(float64)))
			count *= int(d.(float64))
		}
		off := entry["data_offsets"].([]any)
		b, e := int(off[0].(float64)), int(off[1].(float64))
		if e-b != count {
			return nil, nil, fmt.Errorf("%s: %d bytes for %d", name, e-b, count)
		}
		spans = append(spans, span{name, b, e})
		tensors[name] = miniTensor{dtype, shape, data[b:e]}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].end < spans[j].end // zero-size tensors first
	})
	pos := 0
	for _, s := range spans {
		if s.begin != pos {
			return nil, nil, fmt.Errorf("%s: begins at %d, expected %d", s.name, s.begin, pos)
		}
		pos = s.end
	}
	if pos != len(data) {
		return nil, nil, fmt.Errorf("tensors cover %d of %d bytes", pos, len(data))
	}
	return meta, tensors, nil
}

func le32(vals ...float32) []byte {
	out := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
	}
	return out
}

func sampleTensors() []Tensor {
	f16, _ := EncodeFloat32(nil, F16, []float32{1, -2, 0.5, 65504, 6e-8, 0})
	bf16, _ := EncodeFloat32(nil, BF16, []float32{1, -2, 3.140625, 1e30})
	return []Tensor{
		{Name: "enc.w", DType: F32, Shape: []int{2, 3}, Data: le32(1, 2, 3, 4, 5, 6)},
		{Name: "enc.b", DType: F32, Shape: []int{3}, Data: le32(-1, 0, 1)},
		{Name: "half", DType: F16, Shape: []int{3, 2}, Data: f16},
		{Name: "brain", DType: BF16, Shape: []int{4}, Data: bf16},
		{Name: "q", DType: I8, Shape: []int{5}, Data: []byte{0x80, 0xff, 0, 1, 0x7f}},
		{Name: "scalar", DType: F64, Shape: []int{}, Data: []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
		{Name: "empty", DType: F32, Shape: []int{0, 7}, Data: nil},
		{Name: "flags", DType: U8, Shape: []int{1, 1, 1}, Data: []byte{9}},
		{Name: "ünïcode/名前", DType: I32, Shape: []int{1}, Data: []byte{1, 2, 3, 4}},
	}
}

func TestConformanceIndependentReader(t *testing.T) {
	tensors := sampleTensors()
	meta := map[string]string{"format": "mynah", "config": `{"a":[1,2],"b":"<&>"}`, "empty": ""}
	var buf bytes.Buffer
	if err := Write(&buf, tensors, meta); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	n := binary.LittleEndian.Uint64(file)
	if (8+n)%8 != 0 {
		t.Errorf("data section starts at %d, not 8-aligned", 8+n)
	}
	gotMeta, got, err := miniRead(file)
	if err != nil {
		t.Fatalf("independent reader: %v", err)
	}
	for k, v := range meta {
		if gotMeta[k] != v {
			t.Errorf("metadata %q = %q, want %q", k, gotMeta[k], v)
		}
	}
	if len(got) != len(tensors) {
		t.Fatalf("%d tensors, want %d", len(got), len(tensors))
	}
	for _, want := range tensors {
		g := got[want.Name]
		if g.dtype != string(want.DType) || fmt.Sprint(g.shape) != fmt.Sprint(want.Shape) && len(want.Shape) > 0 || !bytes.Equal(g.data, want.Data) {
			t.Errorf("%s: got %s %v %x, want %s %v %x", want.Name, g.dtype, g.shape, g.data, want.DType, want.Shape, want.Data)
		}
	}

	// Our own reader, both from bytes and through an io.ReaderAt.
	parsed, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	opened, err := Open(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*File{parsed, opened} {
		if fmt.Sprint(f.Metadata) != fmt.Sprint(meta) {
			t.Errorf("metadata %v, want %v", f.Metadata, meta)
		}
		for i, want := range tensors {
			info := f.Tensors()[i] // written in order, so data order = input order
			if info.Name != want.Name || info.DType != want.DType || fmt.Sprint(info.Shape) != fmt.Sprint(want.Shape) {
				t.Errorf("tensor %d: %+v, want %s %s %v", i, info, want.Name, want.DType, want.Shape)
			}
			b, err := f.Bytes(want.Name)
			if err != nil || !bytes.Equal(b, want.Data) {
				t.Errorf("Bytes(%s) = %x, %v", want.Name, b, err)
			}
		}
		vals := make([]float32, 6)
		if err := f.Float32s("half", vals); err != nil || fmt.Sprint(vals) != fmt.Sprint([]float32{1, -2, 0.5, 65504, F16ToFloat32(1), 0}) {
			t.Errorf("Float32s(half) = %v, %v", vals, err)
		}
		if err := f.Float32s("enc.w", vals); err != nil || fmt.Sprint(vals) != "[1 2 3 4 5 6]" {
			t.Errorf("Float32s(enc.w) = %v, %v", vals, err)
		}
		if err := f.Float32s("enc.w", vals[:5]); err == nil {
			t.Error("Float32s accepted a short destination")
		}
		if err := f.Float32s("q", make([]float32, 5)); err == nil {
			t.Error("Float32s decoded I8")
		}
		if _, err := f.Bytes("nope"); err == nil {
			t.Error("Bytes of a missing tensor")
		}
	}
}

// TestParseReferenceBytes parses a file laid out by hand from the format
// description (the example of the reference README), not by Write.
func TestParseReferenceBytes(t *testing.T) {
	header := `{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"k":"v"}}`
	file := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	file = append(file, header...)
	for i := range 4 {
		file = binary.LittleEndian.AppendUint32(file, uint32(i))
	}
	f, err := Parse(file)
	if err != nil {
		t.Fatal(err)
	}
	info, ok := f.Info("test")
	if !ok || info.DType != I32 || fmt.Sprint(info.Shape) != "[2 2]" || info.NumElements() != 4 || f.Metadata["k"] != "v" {
		t.Errorf("info %+v, metadata %v", info, f.Metadata)
	}
}

// build makes a file from a raw header string and data length.
func build(header string, dataLen int) []byte {
	file := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	file = append(file, header...)
	return append(file, make([]byte, dataLen)...)
}

func TestParseRejects(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	if _, err := Parse(build(ok, 8)); err != nil {
		t.Fatalf("control case rejected: %v", err)
	}
	huge := binary.LittleEndian.AppendUint64(nil, 100_000_001)
	huge = append(huge, make([]byte, 64)...)
	beyond := binary.LittleEndian.AppendUint64(nil, 99_000_000)
	beyond = append(beyond, `{}`...)
	cases := []struct {
		name string
		file []byte
	}{
		{"empty file", nil},
		{"short length", []byte{1, 2, 3}},
		{"header above 100 MB", huge},
		{"header beyond file", beyond},
		{"header length 0", build("", 0)},
		{"not an object", build(`[1,2]   `, 0)},
		{"leading space", build(` {}`, 0)},
		{"invalid JSON", build(`{"a":`, 0)},
		{"trailing data", build(`{}{}`, 0)},
		{"trailing garbage", build(`{} x`, 0)},
		{"invalid UTF-8", build("{\"\xff\":{}}", 0)},
		{"duplicate tensor", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8)},
		{"duplicate field", build(`{"a":{"dtype":"F32","dtype":"I32","shape":[1],"data_offsets":[0,4]}}`, 4)},
		{"duplicate metadata key", build(`{"__metadata__":{"k":"1","k":"2"}}`, 0)},
		{"metadata not string", build(`{"__metadata__":{"k":1}}`, 0)},
		{"metadata not object", build(`{"__metadata__":"x"}`, 0)},
		{"unknown dtype", build(`{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, 1)},
		{"unknown field", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}`, 4)},
		{"field case differs", build(`{"a":{"dtYpe":"F32","shape":[1],"data_offsets":[0,4]}}`, 4)},
		{"dtype not string", build(`{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, 4)},
		{"missing dtype", build(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, 4)},
		{"missing shape", build(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, 4)},
		{"null shape", build(`{"a":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, 4)},
		{"missing offsets", build(`{"a":{"dtype":"F32","shape":[1]}}`, 4)},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, 4)},
		{"one offset", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4]}}`, 4)},
		{"negative offset", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, 4)},
		{"fractional offset", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}`, 4)},
		{"negative dim", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 4)},
		{"size mismatch", build(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, 8)},
		{"end before begin", build(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, 8)},
		{"gap at start", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8)},
		{"gap between", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, 12)},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8)},
		{"uncovered tail", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 8)},
		{"truncated data", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 4)},
		{"shape overflow", build(`{"a":{"dtype":"F64","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, 8)},
		{"dim too large", build(`{"a":{"dtype":"U8","shape":[99999999999],"data_offsets":[0,99999999999]}}`, 0)},
		{"rank too large", build(`{"a":{"dtype":"U8","shape":[1`+string(bytes.Repeat([]byte(",1"), 40))+`],"data_offsets":[0,1]}}`, 1)},
		{"huge claimed tensor", build(`{"a":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,4000000000000]}}`, 16)},
		{"tensor named like metadata value", build(`{"a":"x"}`, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.file); err == nil {
				t.Error("Parse accepted it")
			}
			if _, err := Open(bytes.NewReader(c.file), int64(len(c.file))); err == nil {
				t.Error("Open accepted it")
			}
		})
	}
}

// sizedReader is an io.ReaderAt that claims nothing about its size; it
// counts the bytes asked for, to show a lying header is not trusted.
type sizedReader struct {
	data      []byte
	requested int64
}

func (r *sizedReader) ReadAt(p []byte, off int64) (int, error) {
	r.requested += int64(len(p))
	return bytes.NewReader(r.data).ReadAt(p, off)
}

func TestLyingHeaderAllocatesNothingBig(t *testing.T) {
	// The header length says 99 MB, the file has 100 bytes: Open must fail
	// before reading or allocating the header.
	file := binary.LittleEndian.AppendUint64(nil, 99_000_000)
	file = append(file, make([]byte, 92)...)
	r := &sizedReader{data: file}
	allocs := testing.AllocsPerRun(1, func() {
		if _, err := Open(r, int64(len(file))); err == nil {
			t.Fatal("accepted")
		}
	})
	r.requested = 0
	if _, err := Open(r, int64(len(file))); err == nil {
		t.Fatal("accepted")
	}
	if r.requested > 8 {
		t.Errorf("read %d bytes for a lying header", r.requested)
	}
	if allocs > 8 {
		t.Errorf("%v allocations", allocs)
	}
	// A tensor that claims a terabyte fails on the real data size.
	lying := build(`{"a":{"dtype":"F32","shape":[250000000000],"data_offsets":[0,1000000000000]}}`, 16)
	var before, after runtimeMem
	before.read()
	_, err := Open(bytes.NewReader(lying), int64(len(lying)))
	after.read()
	if err == nil {
		t.Fatal("accepted a terabyte tensor in a 16-byte data section")
	}
	if d := after.total - before.total; d > 1<<20 {
		t.Errorf("allocated %d bytes checking a lying header", d)
	}
}

func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name    string
		tensors []Tensor
	}{
		{"empty name", []Tensor{{Name: "", DType: U8, Shape: []int{1}, Data: []byte{1}}}},
		{"metadata name", []Tensor{{Name: "__metadata__", DType: U8, Shape: []int{1}, Data: []byte{1}}}},
		{"duplicate", []Tensor{{Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}, {Name: "a", DType: U8, Shape: []int{1}, Data: []byte{1}}}},
		{"unknown dtype", []Tensor{{Name: "a", DType: "F8", Shape: []int{1}, Data: []byte{1}}}},
		{"size mismatch", []Tensor{{Name: "a", DType: F32, Shape: []int{2}, Data: []byte{1}}}},
		{"negative dim", []Tensor{{Name: "a", DType: F32, Shape: []int{-1}, Data: nil}}},
	}
	for _, c := range cases {
		if err := Write(&bytes.Buffer{}, c.tensors, nil); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if err := Write(&bytes.Buffer{}, nil, map[string]string{"\xff": "x"}); err == nil {
		t.Error("invalid UTF-8 metadata key accepted")
	}
}

func TestWriteDeterministic(t *testing.T) {
	meta := map[string]string{"z": "1", "a": "2", "m": "3"}
	var first []byte
	for range 5 {
		var buf bytes.Buffer
		if err := Write(&buf, sampleTensors(), meta); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatal("output differs between runs")
		}
	}
}
