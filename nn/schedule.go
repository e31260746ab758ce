package nn

import (
	"fmt"
	"math"
)

// A Schedule gives the learning rate of each update. step counts the
// updates already made, so the first update uses LR(0). Schedules are
// plain structs that round-trip through JSON, so a checkpoint or model
// card can record them.
type Schedule interface {
	LR(step int64) float64
}

// WarmupCosine rises linearly from Peak/WarmupSteps to Peak over the first
// WarmupSteps updates, then follows half a cosine from Peak down to Final
// at TotalSteps (Loshchilov and Hutter, "SGDR", ICLR 2017, without
// restarts; the linear warm-up of Goyal et al. 2017), and stays at Final.
type WarmupCosine struct {
	Peak        float64 `json:"peak"`
	Final       float64 `json:"final"`
	WarmupSteps int64   `json:"warmup_steps"`
	TotalSteps  int64   `json:"total_steps"`
}

// Validate reports a schedule that cannot be followed.
func (s WarmupCosine) Validate() error {
	if !(s.Peak > 0) || !(s.Final >= 0) || s.Final > s.Peak || math.IsInf(s.Peak, 0) {
		return fmt.Errorf("warmup-cosine: need 0 <= final (%v) <= peak (%v), peak > 0", s.Final, s.Peak)
	}
	if s.WarmupSteps < 0 || s.TotalSteps < s.WarmupSteps {
		return fmt.Errorf("warmup-cosine: need 0 <= warmup steps (%d) <= total steps (%d)", s.WarmupSteps, s.TotalSteps)
	}
	return nil
}

// LR returns the learning rate of update step (0-based).
func (s WarmupCosine) LR(step int64) float64 {
	if step < s.WarmupSteps {
		return s.Peak * float64(step+1) / float64(s.WarmupSteps)
	}
	if step >= s.TotalSteps {
		return s.Final
	}
	progress := float64(step-s.WarmupSteps) / float64(s.TotalSteps-s.WarmupSteps)
	return s.Final + (s.Peak-s.Final)*0.5*(1+math.Cos(math.Pi*progress))
}

// Noam is the schedule of "Attention Is All You Need" (Vaswani et al.
// 2017, equation 3): Scale · ModelDim^-0.5 · min(n^-0.5, n · WarmupSteps^-1.5)
// with n = step+1, a linear rise to a peak at WarmupSteps then inverse
// square-root decay. ESPnet and WeNet use it for conformer CTC models.
type Noam struct {
	ModelDim    int     `json:"model_dim"`
	WarmupSteps int64   `json:"warmup_steps"`
	Scale       float64 `json:"scale"`
}

// Validate reports a schedule that cannot be followed.
func (s Noam) Validate() error {
	if s.ModelDim <= 0 || s.WarmupSteps <= 0 || !(s.Scale > 0) || math.IsInf(s.Scale, 0) {
		return fmt.Errorf("noam: model dim %d, warm-up steps %d and scale %v must be positive", s.ModelDim, s.WarmupSteps, s.Scale)
	}
	return nil
}

// LR returns the learning rate of update step (0-based).
func (s Noam) LR(step int64) float64 {
	n := float64(step + 1)
	w := float64(s.WarmupSteps)
	return s.Scale / math.Sqrt(float64(s.ModelDim)) * math.Min(1/math.Sqrt(n), n/(w*math.Sqrt(w)))
}

// PeakLR returns the largest rate, reached at the last warm-up step.
func (s Noam) PeakLR() float64 { return s.LR(s.WarmupSteps - 1) }
