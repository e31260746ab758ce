package acoustic

import (
	"errors"
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/nn"
)

// Example is one training utterance.
type Example struct {
	// IDs are the symbols' embedding rows (Model.Encode).
	IDs []int
	// Frames is the number of frames; Mels (Frames×Mels raw log-mels) and
	// F0 (Hz, 0 unvoiced) are the targets of Analyze.
	Frames int
	Mels   []float32
	F0     []float32
}

// LossWeights weigh the terms of the training loss.
type LossWeights struct {
	Mel, F0, Voicing         float32
	Duration, Pitch, Energy  float32
	ForwardSum, Binarization float32
}

// DefaultLossWeights are FastPitch's and RAD-TTS's weights (mel 1,
// predictors 0.1, forward-sum 1) with the frame F0 and voicing terms at
// 0.1, binarisation off (the recipe turns it on once the alignment has
// formed).
func DefaultLossWeights() LossWeights {
	return LossWeights{Mel: 1, F0: 0.1, Voicing: 0.1, Duration: 0.1, Pitch: 0.1, Energy: 0.1, ForwardSum: 1}
}

// Losses are the unweighted terms of one batch's loss, and their
// weighted sum.
type Losses struct {
	Total        float64 `json:"total"`
	Mel          float64 `json:"mel"`
	F0           float64 `json:"f0"`
	Voicing      float64 `json:"voicing"`
	Duration     float64 `json:"duration"`
	Pitch        float64 `json:"pitch"`
	Energy       float64 `json:"energy"`
	ForwardSum   float64 `json:"forward_sum"`
	Binarization float64 `json:"binarization"`
}

// Add returns the termwise sum.
func (l Losses) Add(o Losses) Losses {
	return Losses{l.Total + o.Total, l.Mel + o.Mel, l.F0 + o.F0, l.Voicing + o.Voicing, l.Duration + o.Duration,
		l.Pitch + o.Pitch, l.Energy + o.Energy, l.ForwardSum + o.ForwardSum, l.Binarization + o.Binarization}
}

// Scale returns every term times s.
func (l Losses) Scale(s float64) Losses {
	return Losses{l.Total * s, l.Mel * s, l.F0 * s, l.Voicing * s, l.Duration * s, l.Pitch * s, l.Energy * s, l.ForwardSum * s, l.Binarization * s}
}

// ErrExample reports a training example the model cannot use: fewer
// frames than symbols (no monotonic alignment), or inconsistent lengths.
var ErrExample = errors.New("tts acoustic: bad example")

// blankLogit is the fixed score of the CTC blank in the forward-sum loss
// (Badlani et al.'s implementation pads the attention with −1).
const blankLogit = -1

// masked is the score of symbol positions beyond an utterance's end.
const masked = -1e4

// Loss records the training loss of a batch on t (in training mode) and
// returns it with its terms and the hard durations MAS found for each
// example. The aligner, the predictors and the decoder all train from this
// one loss; the durations, phone pitch and energy used inside come from
// the current alignment (teacher forcing).
func (m *Model) Loss(t *nn.Tape, batch []Example, w LossWeights) (*nn.Var, Losses, [][]int, error) {
	cfg := m.cfg
	B, N, T := len(batch), 0, 0
	if B == 0 {
		return nil, Losses{}, nil, fmt.Errorf("%w: empty batch", ErrExample)
	}
	nlens, tlens := make([]int, B), make([]int, B)
	for b, e := range batch {
		if len(e.IDs) == 0 || e.Frames < len(e.IDs) || len(e.Mels) != e.Frames*cfg.Mels || len(e.F0) != e.Frames {
			return nil, Losses{}, nil, fmt.Errorf("%w: example %d has %d symbols, %d frames, %d mel values, %d F0 values", ErrExample, b, len(e.IDs), e.Frames, len(e.Mels), len(e.F0))
		}
		nlens[b], tlens[b] = len(e.IDs), e.Frames
		N, T = max(N, len(e.IDs)), max(T, e.Frames)
	}
	M := cfg.Mels
	drop := cfg.Dropout
	if !t.Training() {
		drop = 0
	}

	// Inputs: symbols, normalised mels, log F0, voicing and energy.
	ids := make([]int, B*N)
	melsN := make([]float32, B*T*M)
	lf0N := make([]float32, B*T)
	voiced := make([]float32, B*T)
	frameMask := make([]float32, B*T)
	energyN := make([]float32, B*T)
	for b, e := range batch {
		copy(ids[b*N:], e.IDs)
		for f := 0; f < e.Frames; f++ {
			row := e.Mels[f*M : (f+1)*M]
			dst := melsN[(b*T+f)*M : (b*T+f+1)*M]
			for i, v := range row {
				dst[i] = (v - cfg.MelMean[i]) / cfg.MelStd[i]
			}
			frameMask[b*T+f] = 1
			energyN[b*T+f] = (FrameEnergy(row) - cfg.EnergyMean) / cfg.EnergyStd
			if f0 := e.F0[f]; f0 > 0 {
				voiced[b*T+f] = 1
				lf0N[b*T+f] = (logf(f0) - cfg.LogF0Mean) / cfg.LogF0Std
			}
		}
	}

	emb, enc, err := m.encode(t, ids, B, N, nlens, drop)
	if err != nil {
		return nil, Losses{}, nil, err
	}

	// Aligner (Badlani et al. 2022, section 3.1): L2 distance between
	// mel queries and symbol keys, log-softmax over symbols, static prior.
	A := cfg.AlignDim
	keys := t.ReLU(conv(t, emb, m.keyW1, m.keyB1, 1))
	keys = t.MaskLengths(conv(t, keys, m.keyW2, m.keyB2, 1), nlens)
	melIn := t.Input([]int{B, T, M}, melsN)
	q := t.ReLU(conv(t, melIn, m.qW1, m.qB1, 1))
	q = t.MaskLengths(conv(t, q, m.qW2, m.qB2, 1), tlens)
	qk := t.MatMulT(q, keys, false, true) // [B,T,N]
	q2 := t.SumAxis(t.Mul(q, q), 2, true) // [B,T,1]
	k2 := t.Reshape(t.SumAxis(t.Mul(keys, keys), 2, true), B, 1, N)
	dist := t.Sub(t.Add(q2, k2), t.Scale(qk, 2))
	maskNeg := make([]float32, B*T*N)
	prior := make([]float32, B*T*N)
	var pbuf []float32
	for b := range batch {
		pbuf = BetaBinomialPrior(pbuf, tlens[b], nlens[b], 1)
		for f := 0; f < T; f++ {
			for n := nlens[b]; n < N; n++ {
				maskNeg[(b*T+f)*N+n] = masked
				prior[(b*T+f)*N+n] = masked
			}
			if f < tlens[b] {
				copy(prior[(b*T+f)*N:(b*T+f)*N+nlens[b]], pbuf[f*nlens[b]:(f+1)*nlens[b]])
			}
		}
	}
	scores := t.Add(t.Scale(dist, -1/float32(A)), t.Input([]int{B, T, N}, maskNeg))
	logAttn := t.Add(t.LogSoftmax(scores), t.Input([]int{B, T, N}, prior))
	blank := make([]float32, B*T)
	for i := range blank {
		blank[i] = blankLogit
	}
	ctcLogits := t.Concat(2, t.Input([]int{B, T, 1}, blank), logAttn)
	labels := make([][]int, B)
	for b := range batch {
		labels[b] = make([]int, nlens[b])
		for n := range labels[b] {
			labels[b][n] = n + 1
		}
	}
	fsLoss, err := t.CTCLoss(ctcLogits, tlens, labels, nn.CTCOptions{Blank: 0, ZeroInfinity: true})
	if err != nil {
		return nil, Losses{}, nil, fmt.Errorf("tts acoustic forward-sum: %w", err)
	}

	// Hard alignment: MAS over the soft one (data only, no gradient).
	durations := make([][]int, B)
	hard := make([]float32, B*T*N)
	one := make([]float32, T*N)
	for b := range batch {
		Tb, Nb := tlens[b], nlens[b]
		for f := 0; f < Tb; f++ {
			copy(one[f*Nb:(f+1)*Nb], logAttn.Data[(b*T+f)*N:(b*T+f)*N+Nb])
		}
		d, err := MAS(nil, one[:Tb*Nb], Tb, Nb)
		if err != nil {
			return nil, Losses{}, nil, err
		}
		durations[b] = d
		f := 0
		for n, k := range d {
			for range k {
				hard[(b*T+f)*N+n] = 1
				f++
			}
		}
	}
	frames := float32(0)
	for _, n := range tlens {
		frames += float32(n)
	}
	binLoss := t.Scale(t.Sum(t.Mul(logAttn, t.Input([]int{B, T, N}, hard))), -1/frames)

	// Phone-level targets (FastPitch): mean normalised log F0 over the
	// voiced frames of each symbol (0 when none), mean energy, ln(1+d).
	pitchT := make([]float32, B*N)
	energyT := make([]float32, B*N)
	durT := make([]float32, B*N)
	symMask := make([]float32, B*N)
	for b := range batch {
		f := 0
		for n, k := range durations[b] {
			var ps, es float32
			var pv int
			for range k {
				if voiced[b*T+f] > 0 {
					ps += lf0N[b*T+f]
					pv++
				}
				es += energyN[b*T+f]
				f++
			}
			if pv > 0 {
				pitchT[b*N+n] = ps / float32(pv)
			}
			energyT[b*N+n] = es / float32(k)
			durT[b*N+n] = logf(1 + float32(k))
			symMask[b*N+n] = 1
		}
	}
	symbols := float32(0)
	for _, n := range nlens {
		symbols += float32(n)
	}
	mse := func(pred *nn.Var, target []float32) *nn.Var {
		d := t.Sub(pred, t.Input([]int{B, N}, target))
		return t.Scale(t.Sum(t.Mul(t.Mul(d, d), t.Input([]int{B, N}, symMask))), 1/symbols)
	}
	durLoss := mse(m.duration.forward(t, enc, nlens, drop), durT)
	pitchLoss := mse(m.pitch.forward(t, enc, nlens, drop), pitchT)
	energyLoss := mse(m.energy.forward(t, enc, nlens, drop), energyT)

	x := m.variance(t, enc, t.Input([]int{B, N}, pitchT), t.Input([]int{B, N}, energyT), nlens)
	reg, _, err := m.regulate(t, x, durations, T)
	if err != nil {
		return nil, Losses{}, nil, err
	}
	out := m.decode(t, reg, tlens, drop)
	melPred := t.Slice(out, 2, 0, M)
	lf0Pred := t.Slice(out, 2, M, M+1)
	vPred := t.LogSoftmax(t.Slice(out, 2, M+1, M+3))

	fm := t.Input([]int{B, T, 1}, frameMask)
	d := t.Sub(melPred, melIn)
	melLoss := t.Scale(t.Sum(t.Mul(t.Add(t.ReLU(d), t.ReLU(t.Scale(d, -1))), fm)), 1/(frames*float32(M)))
	nv := float32(0)
	for _, v := range voiced {
		nv += v
	}
	df := t.Sub(lf0Pred, t.Input([]int{B, T, 1}, lf0N))
	f0Loss := t.Scale(t.Sum(t.Mul(t.Add(t.ReLU(df), t.ReLU(t.Scale(df, -1))), t.Input([]int{B, T, 1}, voiced))), 1/max(nv, 1))
	onehot := make([]float32, B*T*2)
	for i := range voiced {
		if frameMask[i] > 0 {
			if voiced[i] > 0 {
				onehot[2*i+1] = 1
			} else {
				onehot[2*i] = 1
			}
		}
	}
	vLoss := t.Scale(t.Sum(t.Mul(vPred, t.Input([]int{B, T, 2}, onehot))), -1/frames)

	total := t.Scale(melLoss, w.Mel)
	add := func(v *nn.Var, s float32) {
		if s != 0 {
			total = t.AddScaled(total, v, s)
		}
	}
	add(f0Loss, w.F0)
	add(vLoss, w.Voicing)
	add(durLoss, w.Duration)
	add(pitchLoss, w.Pitch)
	add(energyLoss, w.Energy)
	add(fsLoss, w.ForwardSum)
	add(binLoss, w.Binarization)
	l := Losses{
		Total: float64(total.Item()), Mel: float64(melLoss.Item()), F0: float64(f0Loss.Item()), Voicing: float64(vLoss.Item()),
		Duration: float64(durLoss.Item()), Pitch: float64(pitchLoss.Item()), Energy: float64(energyLoss.Item()),
		ForwardSum: float64(fsLoss.Item()), Binarization: float64(binLoss.Item()),
	}
	if math.IsNaN(l.Total) || math.IsInf(l.Total, 0) {
		return nil, l, durations, fmt.Errorf("tts acoustic: loss is %v (%+v)", l.Total, l)
	}
	return total, l, durations, nil
}
