package safetensors

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse and Open. Neither may panic; they
// must agree; whatever they accept must also satisfy the independent
// reader and survive a Write/Parse round trip unchanged.
//
// The seed corpus in testdata/fuzz/FuzzParse is written by
// MYNAH_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./nn/safetensors.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		parsed, err := Parse(file)
		opened, err2 := Open(bytes.NewReader(file), int64(len(file)))
		if (err == nil) != (err2 == nil) {
			t.Fatalf("Parse err %v, Open err %v", err, err2)
		}
		if err != nil {
			return
		}
		if _, _, err := miniRead(file); err != nil {
			t.Fatalf("accepted, but the independent reader says: %v", err)
		}
		var tensors []Tensor
		for _, info := range parsed.Tensors() {
			b, err := parsed.Bytes(info.Name)
			if err != nil {
				t.Fatal(err)
			}
			b2, err := opened.Bytes(info.Name)
			if err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("%s: Parse and Open disagree: %v", info.Name, err)
			}
			if info.DType.IsFloat() {
				a := make([]float32, info.NumElements())
				c := make([]float32, info.NumElements())
				if err := parsed.Float32s(info.Name, a); err != nil {
					t.Fatal(err)
				}
				if err := opened.Float32s(info.Name, c); err != nil {
					t.Fatal(err)
				}
			}
			tensors = append(tensors, Tensor{Name: info.Name, DType: info.DType, Shape: info.Shape, Data: b})
		}
		var buf bytes.Buffer
		if err := Write(&buf, tensors, parsed.Metadata); err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		again, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if fmt.Sprint(again.Metadata) != fmt.Sprint(parsed.Metadata) || fmt.Sprint(again.Tensors()) != fmt.Sprint(parsed.Tensors()) {
			t.Fatalf("round trip changed the file:\n%v\n%v", parsed.Tensors(), again.Tensors())
		}
	})
}

func fuzzSeeds() [][]byte {
	var seeds [][]byte
	var buf bytes.Buffer
	_ = Write(&buf, sampleTensors(), map[string]string{"format": "mynah", "config": `{"x":1}`})
	seeds = append(seeds, bytes.Clone(buf.Bytes()))
	buf.Reset()
	_ = Write(&buf, nil, nil)
	seeds = append(seeds, bytes.Clone(buf.Bytes()))
	seeds = append(seeds,
		build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 8),
		build(`{"a":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[],"data_offsets":[4,6]},"__metadata__":{"k":"v"}}`, 6),
		build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8),
		build(`{"__metadata__":{"k":"1","k":"2"}}`, 0),
		[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	)
	return seeds
}

// TestWriteFuzzSeeds regenerates the committed seed corpus.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set MYNAH_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz/FuzzParse")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range fuzzSeeds() {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
