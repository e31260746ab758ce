package feature

import (
	"errors"
	"fmt"
	"math"
)

// Stats accumulates per-dimension sums over a corpus of feature frames,
// in float64 so that hours of audio do not lose precision. It serialises
// to JSON so that accumulation can be split across jobs and merged.
type Stats struct {
	Count int64     `json:"count"`
	Sum   []float64 `json:"sum"`
	SumSq []float64 `json:"sum_sq"`
}

// NewStats returns empty statistics for dim-dimensional frames.
func NewStats(dim int) *Stats {
	return &Stats{Sum: make([]float64, dim), SumSq: make([]float64, dim)}
}

// Add accumulates row-major frames of len(s.Sum) values each; a trailing
// partial frame is an error.
func (s *Stats) Add(frames []float32) error {
	dim := len(s.Sum)
	if dim == 0 || len(frames)%dim != 0 {
		return fmt.Errorf("stats add: %d values is not a whole number of %d-dimensional frames", len(frames), dim)
	}
	for t := 0; t < len(frames); t += dim {
		row := frames[t : t+dim]
		for i, v := range row {
			x := float64(v)
			s.Sum[i] += x
			s.SumSq[i] += x * x
		}
		s.Count++
	}
	return nil
}

// Merge adds o's statistics into s.
func (s *Stats) Merge(o *Stats) error {
	if len(o.Sum) != len(s.Sum) || len(o.SumSq) != len(s.SumSq) {
		return fmt.Errorf("stats merge: dimensions %d and %d differ", len(s.Sum), len(o.Sum))
	}
	for i := range s.Sum {
		s.Sum[i] += o.Sum[i]
		s.SumSq[i] += o.SumSq[i]
	}
	s.Count += o.Count
	return nil
}

// ErrNoFrames is returned by Stats.Norm when nothing was accumulated.
var ErrNoFrames = errors.New("no frames accumulated")

// Norm returns the global mean and standard deviation; deviations below
// minStd (e.g. a mel band that is always at the log floor) are raised to
// it so that normalising never divides by zero.
func (s *Stats) Norm(minStd float64) (Norm, error) {
	if s.Count == 0 {
		return Norm{}, fmt.Errorf("stats norm: %w", ErrNoFrames)
	}
	n := Norm{Mean: make([]float32, len(s.Sum)), Std: make([]float32, len(s.Sum))}
	for i := range s.Sum {
		mean := s.Sum[i] / float64(s.Count)
		variance := s.SumSq[i]/float64(s.Count) - mean*mean
		n.Mean[i] = float32(mean)
		n.Std[i] = float32(math.Max(math.Sqrt(math.Max(variance, 0)), minStd))
	}
	return n, nil
}

// Norm is a global mean/variance normalisation, stored with a model
// (streaming models use it: it needs no look-ahead).
type Norm struct {
	Mean []float32 `json:"mean"`
	Std  []float32 `json:"std"`
}

// Validate checks that Mean and Std agree and every Std is positive.
func (n Norm) Validate() error {
	if len(n.Mean) == 0 || len(n.Mean) != len(n.Std) {
		return fmt.Errorf("feature norm: %d means and %d deviations", len(n.Mean), len(n.Std))
	}
	for i, v := range n.Std {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("feature norm: std[%d] = %g is not positive and finite", i, v)
		}
	}
	return nil
}

// Apply normalises row-major frames in place: x ← (x − mean)/std per
// dimension. Values beyond the last whole frame are left alone.
func (n Norm) Apply(frames []float32) {
	dim := len(n.Mean)
	if dim == 0 {
		return
	}
	std := n.Std[:dim]
	for t := 0; t+dim <= len(frames); t += dim {
		row := frames[t : t+dim]
		for i := range row {
			row[i] = (row[i] - n.Mean[i]) / std[i]
		}
	}
}

// CMVN normalises one utterance's row-major frames of dim values in place
// by its own per-dimension mean and, if variance is set, its own standard
// deviation (floored at 1e-5). It needs the whole utterance, so it is for
// offline use only.
func CMVN(frames []float32, dim int, variance bool) {
	if dim <= 0 {
		return
	}
	numFrames := len(frames) / dim
	if numFrames == 0 {
		return
	}
	for i := 0; i < dim; i++ {
		var sum, sumSq float64
		for t := 0; t < numFrames; t++ {
			x := float64(frames[t*dim+i])
			sum += x
			sumSq += x * x
		}
		mean := sum / float64(numFrames)
		scale := 1.0
		if variance {
			sd := math.Sqrt(math.Max(sumSq/float64(numFrames)-mean*mean, 0))
			scale = 1 / math.Max(sd, 1e-5)
		}
		for t := 0; t < numFrames; t++ {
			frames[t*dim+i] = float32((float64(frames[t*dim+i]) - mean) * scale)
		}
	}
}
