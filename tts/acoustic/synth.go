package acoustic

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/nn"
)

// Controls adjust a synthesis. The zero value means "as trained" for every
// field (each 0 reads as 1).
type Controls struct {
	// Speed divides every duration: 2 speaks twice as fast.
	Speed float64
	// Pitch multiplies F0 (the phone pitch the decoder sees moves by the
	// same factor): 1.2 is about three semitones up.
	Pitch float64
	// Energy multiplies the amplitude: the log-mel power moves by
	// 2·ln(Energy), as a gain would move it.
	Energy float64
}

func orOne(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// Output is one phrase's synthesis.
type Output struct {
	// Frames is the number of frames.
	Frames int
	// Mels is Frames×80 log-mels, frame-major: the vocoder's input.
	Mels []float32
	// F0 is Hz per frame, 0 where unvoiced.
	F0 []float32
	// Durations are the frames of each input symbol (their sum is Frames).
	Durations []int
}

// MaxFrames bounds one phrase's output (about 95 s); a longer prediction
// is an error rather than an allocation the input merely implies.
const MaxFrames = 1 << 13

// Synthesize renders symbols (one phrase) into mels and F0. It resets t
// (nil: a tape from the model's pool, so concurrent callers need not keep
// their own) and runs it in inference mode, so the result depends only on the
// weights, the symbols and c: it is deterministic. An unknown symbol or a
// bad control is an error.
func (m *Model) Synthesize(t *nn.Tape, symbols []string, c Controls) (Output, error) {
	speed, pitchScale, energy := orOne(c.Speed), orOne(c.Pitch), orOne(c.Energy)
	for _, v := range []float64{speed, pitchScale, energy} {
		if !(v > 0) || math.IsInf(v, 0) || v > 100 || v < 0.01 {
			return Output{}, fmt.Errorf("tts acoustic: control %g outside 0.01..100", v)
		}
	}
	if len(symbols) == 0 {
		return Output{}, fmt.Errorf("tts acoustic: no symbols")
	}
	ids, err := m.Encode(symbols)
	if err != nil {
		return Output{}, err
	}
	if t == nil {
		// A pooled tape: its arena settles on the largest phrase, so steady
		// synthesis allocates only the returned slices.
		t = m.tapes.Get().(*nn.Tape)
		defer m.tapes.Put(t)
	}
	t.Reset()
	t.SetTraining(false)
	t.SetGradEnabled(false)
	cfg := m.cfg
	N := len(ids)
	lens := []int{N}
	_, enc, err := m.encode(t, ids, 1, N, lens, 0)
	if err != nil {
		return Output{}, fmt.Errorf("tts acoustic: %w", err)
	}
	logd := m.duration.forward(t, enc, lens, 0)
	dur := make([]int, N)
	total := 0
	for n, v := range logd.Data[:N] {
		d := (math.Exp(float64(v)) - 1) / speed
		dur[n] = max(1, int(math.Round(d)))
		total += dur[n]
	}
	if total > MaxFrames {
		return Output{}, fmt.Errorf("tts acoustic: %d symbols would last %d frames, more than %d", N, total, MaxFrames)
	}
	pitch := m.pitch.forward(t, enc, lens, 0)
	if pitchScale != 1 {
		pitch = t.Add(pitch, t.Input([]int{1}, []float32{float32(math.Log(pitchScale)) / cfg.LogF0Std}))
	}
	energyV := m.energy.forward(t, enc, lens, 0)
	x := m.variance(t, enc, pitch, energyV, lens)
	t.Release(enc, pitch, energyV, logd) // see convBlock.forward
	reg, _, err := m.regulate(t, x, [][]int{dur}, total)
	if err != nil {
		return Output{}, fmt.Errorf("tts acoustic: %w", err)
	}
	t.Release(x)
	out := m.decode(t, reg, []int{total}, 0)
	t.Release(reg)
	M, W := cfg.Mels, cfg.Mels+3
	o := Output{Frames: total, Mels: make([]float32, total*M), F0: make([]float32, total), Durations: dur}
	gain := float32(2 * math.Log(energy))
	for f := 0; f < total; f++ {
		row := out.Data[f*W : (f+1)*W]
		for i := 0; i < M; i++ {
			o.Mels[f*M+i] = row[i]*cfg.MelStd[i] + cfg.MelMean[i] + gain
		}
		if row[M+2] > row[M+1] {
			o.F0[f] = expf(row[M]*cfg.LogF0Std+cfg.LogF0Mean) * float32(pitchScale)
		}
	}
	return o, nil
}
