package vec

import (
	"errors"
	"fmt"
)

// BandMatrix8 is a matrix whose every row is zero outside one run of
// columns (a band), laid out for a fast matrix-vector product: a mel
// filterbank is one (each triangle weighs a few neighbouring FFT bins).
//
// Rows are taken eight at a time. A block of eight rows is stored densely
// over the union of its rows' runs, column by column, eight lanes per
// column, so that the product broadcasts one x[col] and multiplies it into
// all eight rows with one vector multiply and add. Neighbouring rows of a
// band overlap, so the union is little wider than the rows themselves
// (an 80-filter bank over 257 bins keeps about 300 columns of 8 lanes).
//
// The zeros padded into a block are multiplied too, so x must be finite:
// 0·Inf is NaN.
//
// A BandMatrix8 is immutable once built and safe for concurrent use.
type BandMatrix8 struct {
	rows, cols int
	spans      []int32   // per block: first column, number of columns
	w          []float32 // per block: its columns × 8 lanes
}

// NewBandMatrix8 builds the matrix of len(first) rows and cols columns
// whose row j holds weights[j] in columns first[j] .. first[j] +
// len(weights[j]) − 1 and zeros elsewhere. It fails if a run leaves the
// matrix.
func NewBandMatrix8(cols int, first []int, weights [][]float32) (*BandMatrix8, error) {
	if len(first) != len(weights) {
		return nil, fmt.Errorf("vec: band matrix: %d run starts for %d rows", len(first), len(weights))
	}
	if cols < 0 || cols > 1<<30 {
		return nil, errors.New("vec: band matrix: column count out of range")
	}
	rows := len(first)
	for j := range rows {
		if len(weights[j]) > 0 && (first[j] < 0 || first[j] > cols-len(weights[j])) {
			return nil, fmt.Errorf("vec: band matrix row %d: columns %d..%d outside 0..%d",
				j, first[j], first[j]+len(weights[j])-1, cols-1)
		}
	}
	m := &BandMatrix8{rows: rows, cols: cols}
	for b := 0; b < rows; b += 8 {
		lo, hi := cols, 0
		for j := b; j < min(b+8, rows); j++ {
			if len(weights[j]) > 0 {
				lo = min(lo, first[j])
				hi = max(hi, first[j]+len(weights[j]))
			}
		}
		if hi <= lo {
			lo, hi = 0, 0
		}
		base := len(m.w)
		m.w = append(m.w, make([]float32, 8*(hi-lo))...)
		for j := b; j < min(b+8, rows); j++ {
			for i, v := range weights[j] {
				m.w[base+8*(first[j]+i-lo)+j-b] = v
			}
		}
		m.spans = append(m.spans, int32(lo), int32(hi-lo))
	}
	return m, nil
}

// Rows returns the number of rows.
func (m *BandMatrix8) Rows() int { return m.rows }

// Cols returns the number of columns.
func (m *BandMatrix8) Cols() int { return m.cols }

// MulVec sets dst[j] = Σ_c M[j][c]·x[c] for j < Rows(). It panics if dst
// has fewer than Rows() values or x fewer than Cols().
//
// Column k of a block is added to accumulator k mod 4 of the block's
// lanes, as products rounded to float32 (no FMA), and the four are summed
// as (a0 + a1) + (a2 + a3); the AVX2 kernel and the pure-Go twin both do
// exactly that, so they agree bit for bit.
func (m *BandMatrix8) MulVec(dst, x []float32) {
	if len(dst) < m.rows || len(x) < m.cols {
		panic(fmt.Sprintf("vec: BandMatrix8.MulVec of %d×%d given dst %d, x %d", m.rows, m.cols, len(dst), len(x)))
	}
	full := m.rows &^ 7
	bandMatVec8(dst[:full], m.w, m.spans, x[:m.cols])
	if full < m.rows {
		m.lastBlockGo(dst[full:m.rows], x[:m.cols])
	}
}

// mulVecGo is MulVec on the pure-Go twin alone, for tests.
func (m *BandMatrix8) mulVecGo(dst, x []float32) {
	full := m.rows &^ 7
	bandMatVec8Go(dst[:full], m.w, m.spans, x[:m.cols])
	if full < m.rows {
		m.lastBlockGo(dst[full:m.rows], x[:m.cols])
	}
}

// lastBlockGo computes the final, partial block's rows into dst.
func (m *BandMatrix8) lastBlockGo(dst, x []float32) {
	g := len(m.spans)/2 - 1
	var woff int
	for b := 0; b < g; b++ {
		woff += 8 * int(m.spans[2*b+1])
	}
	var out [8]float32
	bandMatVec8Go(out[:], m.w[woff:], m.spans[2*g:], x)
	copy(dst, out[:])
}

// bandMatVec8Go is the twin of bandMatVec8AVX2: the len(dst)/8 blocks
// described by spans, their weights consecutive in w.
func bandMatVec8Go(dst, w []float32, spans []int32, x []float32) {
	for b := 0; b < len(dst)/8; b++ {
		first, count := int(spans[2*b]), int(spans[2*b+1])
		xs := x[first : first+count]
		ws := w[:8*count]
		w = w[8*count:]
		var acc [4][8]float32
		for k, v := range xs {
			a := &acc[k&3]
			col := ws[8*k : 8*k+8]
			for l := range a {
				a[l] += float32(col[l] * v)
			}
		}
		out := dst[8*b : 8*b+8]
		for l := range out {
			out[l] = (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l])
		}
	}
}
