package feature

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestStatsNormApply(t *testing.T) {
	// Two dimensions: first constant 3 (std floored), second ±2 around 1.
	frames := []float32{3, -1, 3, 3, 3, -1, 3, 3}
	half1, half2 := NewStats(2), NewStats(2)
	if err := half1.Add(frames[:4]); err != nil {
		t.Fatal(err)
	}
	if err := half2.Add(frames[4:]); err != nil {
		t.Fatal(err)
	}
	// Merged through JSON, as split jobs would.
	b, _ := json.Marshal(half2)
	var decoded Stats
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if err := half1.Merge(&decoded); err != nil {
		t.Fatal(err)
	}
	norm, err := half1.Norm(0.01)
	if err != nil {
		t.Fatal(err)
	}
	if err := norm.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Norm{Mean: []float32{3, 1}, Std: []float32{0.01, 2}}
	for i := range want.Mean {
		if norm.Mean[i] != want.Mean[i] || norm.Std[i] != want.Std[i] {
			t.Fatalf("norm = %+v, want %+v", norm, want)
		}
	}
	out := append([]float32(nil), frames...)
	norm.Apply(out)
	for i, v := range []float32{0, -1, 0, 1, 0, -1, 0, 1} {
		if out[i] != v {
			t.Fatalf("applied = %v", out)
		}
	}
}

func TestStatsErrors(t *testing.T) {
	s := NewStats(3)
	if err := s.Add(make([]float32, 4)); err == nil {
		t.Error("Add of a partial frame succeeded")
	}
	if _, err := s.Norm(1e-3); !errors.Is(err, ErrNoFrames) {
		t.Errorf("Norm of nothing = %v", err)
	}
	if err := s.Merge(NewStats(2)); err == nil {
		t.Error("Merge of mismatched dims succeeded")
	}
	for _, n := range []Norm{{}, {Mean: []float32{0}, Std: []float32{0}}, {Mean: []float32{0}, Std: []float32{float32(math.Inf(1))}}, {Mean: []float32{0, 1}, Std: []float32{1}}} {
		if n.Validate() == nil {
			t.Errorf("Validate(%+v) = nil", n)
		}
	}
}

func TestCMVN(t *testing.T) {
	frames := []float32{1, 10, 3, 10, 5, 10}
	CMVN(frames, 2, true)
	s := float32(math.Sqrt(8.0 / 3))
	want := []float32{-2 / s, 0, 0, 0, 2 / s, 0}
	for i := range want {
		if math.Abs(float64(frames[i]-want[i])) > 1e-6 {
			t.Fatalf("CMVN = %v, want %v", frames, want)
		}
	}
	frames = []float32{1, 10, 3, 12}
	CMVN(frames, 2, false)
	for i, v := range []float32{-1, -1, 1, 1} {
		if frames[i] != v {
			t.Fatalf("CMN = %v", frames)
		}
	}
}
