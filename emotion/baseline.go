package emotion

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// BaselineOptions tune FitBaseline.
type BaselineOptions struct {
	// L2 is the ridge penalty λ/2·‖W‖² on the standardised weights (the
	// biases are not penalised). 0 means 0.01.
	L2 float64
	// ClassWeights scale each label's share of the loss; nil weighs every
	// label equally in total (inverse frequency), the class balancing the
	// issue asks for, since neutral has half the clips of the others.
	ClassWeights []float64
	// MaxIterations bounds L-BFGS; 0 means 500.
	MaxIterations int
}

// FitBaseline fits the baseline model: the descriptors x (one row of
// NumDescriptors or NumDescriptorsExtended values per clip, as a baseline
// Featurizer makes them; the row length picks the model's set) are
// standardised by their mean and standard deviation, then multinomial
// logistic regression is fitted by L-BFGS (gonum/optimize) on the
// class-weighted cross-entropy plus a ridge penalty.
func FitBaseline(x [][]float32, y []Label, opt BaselineOptions) (*Model, error) {
	if len(x) == 0 || len(x) != len(y) {
		return nil, fmt.Errorf("emotion: baseline fit on %d rows and %d labels", len(x), len(y))
	}
	const K = NumLabels
	F := len(x[0])
	if F != NumDescriptors && F != NumDescriptorsExtended {
		return nil, fmt.Errorf("emotion: baseline rows of %d values, want %d or %d", F, NumDescriptors, NumDescriptorsExtended)
	}
	for i, r := range x {
		if len(r) != F {
			return nil, fmt.Errorf("emotion: baseline row %d has %d values, want %d", i, len(r), F)
		}
		if y[i] < 0 || int(y[i]) >= K {
			return nil, fmt.Errorf("emotion: baseline label %d out of range", y[i])
		}
	}
	l2 := opt.L2
	if l2 == 0 {
		l2 = 0.01
	}
	iters := opt.MaxIterations
	if iters == 0 {
		iters = 500
	}
	cw := opt.ClassWeights
	if cw == nil {
		cw = BalancedWeights(y)
	}
	if len(cw) != K {
		return nil, fmt.Errorf("emotion: %d class weights, want %d", len(cw), K)
	}

	cfg := DefaultBaseline()
	if F == NumDescriptorsExtended {
		cfg = ExtendedBaseline()
	}
	m, err := New(cfg, nil, 0)
	if err != nil {
		return nil, err
	}
	// Standardise.
	n := float64(len(x))
	mean, std := make([]float64, F), make([]float64, F)
	for _, r := range x {
		for j, v := range r {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= n
	}
	for _, r := range x {
		for j, v := range r {
			d := float64(v) - mean[j]
			std[j] += d * d
		}
	}
	z := make([]float64, len(x)*F)
	for j := range std {
		std[j] = math.Sqrt(std[j] / n)
		if std[j] < 1e-6 {
			std[j] = 1
		}
		m.mean.Value[j] = float32(mean[j])
		m.scale.Value[j] = float32(1 / std[j])
	}
	for i, r := range x {
		for j, v := range r {
			z[i*F+j] = (float64(v) - mean[j]) / std[j]
		}
	}
	var wsum float64
	for _, l := range y {
		wsum += cw[l]
	}
	if wsum <= 0 {
		return nil, errors.New("emotion: baseline class weights sum to zero")
	}

	// Parameters: W (K×F) then b (K).
	logits := make([]float64, K)
	eval := func(theta, grad []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		var loss float64
		for i := range y {
			zi := z[i*F : (i+1)*F]
			mx := math.Inf(-1)
			for k := range K {
				s := theta[K*F+k]
				wk := theta[k*F : (k+1)*F]
				for j, v := range zi {
					s += wk[j] * v
				}
				logits[k] = s
				mx = max(mx, s)
			}
			var se float64
			for k := range K {
				se += math.Exp(logits[k] - mx)
			}
			lse := mx + math.Log(se)
			w := cw[y[i]] / wsum
			loss += w * (lse - logits[y[i]])
			if grad != nil {
				for k := range K {
					g := math.Exp(logits[k] - lse)
					if Label(k) == y[i] {
						g--
					}
					g *= w
					gk := grad[k*F : (k+1)*F]
					for j, v := range zi {
						gk[j] += g * v
					}
					grad[K*F+k] += g
				}
			}
		}
		for j := range K * F {
			loss += 0.5 * l2 * theta[j] * theta[j]
			if grad != nil {
				grad[j] += l2 * theta[j]
			}
		}
		return loss
	}
	p := optimize.Problem{
		Func: func(theta []float64) float64 { return eval(theta, nil) },
		Grad: func(grad, theta []float64) { eval(theta, grad) },
	}
	res, err := optimize.Minimize(p, make([]float64, K*F+K), &optimize.Settings{MajorIterations: iters, GradientThreshold: 1e-6}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("emotion: baseline fit: %w", err)
	}
	for i, v := range res.X[:K*F] {
		m.outW.Value[i] = float32(v)
	}
	for k, v := range res.X[K*F:] {
		m.outB.Value[k] = float32(v)
	}
	return m, nil
}

// BalancedWeights returns inverse-frequency class weights for labels y,
// scaled so that a label of average frequency weighs 1; labels absent
// from y weigh 0.
func BalancedWeights(y []Label) []float64 {
	counts := make([]float64, NumLabels)
	for _, l := range y {
		if l >= 0 && int(l) < NumLabels {
			counts[l]++
		}
	}
	present := 0
	for _, c := range counts {
		if c > 0 {
			present++
		}
	}
	w := make([]float64, NumLabels)
	for k, c := range counts {
		if c > 0 {
			w[k] = float64(len(y)) / (float64(present) * c)
		}
	}
	return w
}
