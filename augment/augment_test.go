package augment

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/dsp/fft"
)

const rate = 16000

func tone(freq float64, n int, amp float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = amp * float32(math.Sin(2*math.Pi*freq*float64(i)/rate))
	}
	return x
}

// peakFreq finds the strongest frequency of x by FFT (Hz).
func peakFreq(t *testing.T, x []float32, r float64) float64 {
	n := 1
	for n < len(x) {
		n *= 2
	}
	n /= 2
	p, err := fft.NewReal(n)
	if err != nil {
		t.Fatal(err)
	}
	pow := make([]float32, p.Bins())
	p.Power(pow, x[:n])
	best := 1
	for k := 1; k < len(pow); k++ {
		if pow[k] > pow[best] {
			best = k
		}
	}
	return float64(best) * r / float64(n)
}

func TestSpeed(t *testing.T) {
	x := tone(440, rate*2, 0.5)
	for _, f := range []float64{0.9, 1, 1.1} {
		y, err := Speed(x, rate, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(len(x)) / f; math.Abs(float64(len(y))-want) > 0.01*want {
			t.Errorf("factor %v: %d samples, want about %.0f", f, len(y), want)
		}
		if got, want := peakFreq(t, y, rate), 440*f; math.Abs(got-want) > 5 {
			t.Errorf("factor %v: tone at %.1f Hz, want %.1f", f, got, want)
		}
	}
	for _, bad := range []float64{0.2, 3, math.NaN()} {
		if _, err := Speed(x, rate, bad); err == nil {
			t.Errorf("factor %v accepted", bad)
		}
	}
}

func TestGainAndPower(t *testing.T) {
	x := tone(300, rate, 0.1)
	p := Power(x)
	Gain(x, 6.0206)
	if r := Power(x) / p; math.Abs(r-4) > 1e-3 {
		t.Errorf("+6 dB scaled power by %v, want 4", r)
	}
	// Half silence: the active power is the tone's, not half of it.
	y := append(make([]float32, rate), tone(300, rate, 0.1)...)
	if r := ActivePower(y) / Power(tone(300, rate, 0.1)); math.Abs(r-1) > 0.01 {
		t.Errorf("active power over tone power = %v, want 1", r)
	}
	if Power(nil) != 0 || ActivePower(make([]float32, 1000)) != 0 {
		t.Error("silence has power")
	}
}

func TestMixAtSNR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, snr := range []float64{0, 5, 10, 20} {
		speech := append(make([]float32, 8000), tone(250, 3*rate, 0.3)...)
		clean := slices.Clone(speech)
		noise := Coloured(len(speech), Pink, rng)
		Gain(noise, -37) // loudness of the clip must not matter
		MixAtSNR(speech, noise, snr)
		added := make([]float32, len(speech))
		for i := range added {
			added[i] = speech[i] - clean[i]
		}
		got := 10 * math.Log10(ActivePower(clean)/Power(added))
		if math.Abs(got-snr) > 0.05 {
			t.Errorf("SNR %v dB: measured %.3f dB", snr, got)
		}
	}
	if g := MixAtSNR(make([]float32, 100), make([]float32, 100), 10); g != 0 {
		t.Errorf("silent mix gain %v", g)
	}
}

func TestColouredSlope(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 1 << 17
	p, _ := fft.NewReal(1024)
	for _, tt := range []struct {
		name string
		beta float64
	}{{"white", White}, {"pink", Pink}, {"brown", Brown}, {"blue", Blue}} {
		x := Coloured(n, tt.beta, rng)
		if pw := Power(x); math.Abs(pw-1) > 1e-3 {
			t.Errorf("%s power %v", tt.name, pw)
		}
		// Welch average, then the slope of log power against log frequency
		// between 250 Hz and 4 kHz.
		avg := make([]float64, p.Bins())
		frame := make([]float32, p.Bins())
		for off := 0; off+1024 <= n; off += 1024 {
			p.Power(frame, x[off:off+1024])
			for k, v := range frame {
				avg[k] += float64(v)
			}
		}
		var sx, sy, sxx, sxy, m float64
		for k := 16; k <= 256; k++ {
			lx, ly := math.Log(float64(k)), math.Log(avg[k])
			sx, sy, sxx, sxy, m = sx+lx, sy+ly, sxx+lx*lx, sxy+lx*ly, m+1
		}
		slope := (m*sxy - sx*sy) / (m*sxx - sx*sx)
		if math.Abs(slope+tt.beta) > 0.15 {
			t.Errorf("%s: spectral slope %.2f, want %.2f", tt.name, slope, -tt.beta)
		}
	}
}

func TestBabble(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	talkers := [][]float32{tone(200, 5000, 0.01), tone(320, 9000, 0.5), make([]float32, 100)}
	b := Babble(rate, talkers, rng)
	if len(b) != rate || math.Abs(Power(b)-1) > 1e-3 {
		t.Errorf("babble: %d samples, power %v", len(b), Power(b))
	}
	if s := Babble(10, nil, rng); Power(s) != 0 {
		t.Error("babble with no talkers is not silent")
	}
}

func TestSegmentLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := Segment([]float32{1, 2, 3}, 8, rng)
	for i := 1; i < len(s); i++ {
		if d := s[i] - s[i-1]; d != 1 && d != -2 {
			t.Fatalf("not a loop of the clip: %v", s)
		}
	}
	if z := Segment(nil, 4, rng); len(z) != 4 {
		t.Error(z)
	}
}

func TestConvolveMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, 300)
	h := make([]float32, 57)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for i := range h {
		h[i] = float32(rng.NormFloat64())
	}
	for _, shift := range []int{0, 10} {
		y := Convolve(x, h, shift)
		for i := range y {
			var want float64
			for k := range h {
				if j := i + shift - k; j >= 0 && j < len(x) {
					want += float64(h[k]) * float64(x[j])
				}
			}
			if math.Abs(float64(y[i])-want) > 1e-3 {
				t.Fatalf("shift %d sample %d: %v, want %v", shift, i, y[i], want)
			}
		}
	}
}

func TestRIR(t *testing.T) {
	r := Room{Size: [3]float64{6, 5, 3}, RT60: 0.5, Source: [3]float64{2, 3, 1.6}, Mic: [3]float64{4, 2, 1.2}}
	h, direct, err := RIR(r, rate)
	if err != nil {
		t.Fatal(err)
	}
	d := dist(r.Source, r.Mic)
	if want := int(math.Round(d/SpeedOfSound*rate)) + sincHalf; direct != want {
		t.Errorf("direct tap %d, want %d", direct, want)
	}
	if math.Abs(float64(h[direct])-1) > 0.02 {
		t.Errorf("direct path gain %v, want 1", h[direct])
	}
	// Schroeder backward integration: the energy decay's -5 to -25 dB slope
	// extrapolated to 60 dB (T20) should be near the Sabine RT60 the room
	// was built for (the image method follows Sabine only roughly).
	edc := make([]float64, len(h)+1)
	for i := len(h) - 1; i >= 0; i-- {
		edc[i] = edc[i+1] + float64(h[i])*float64(h[i])
	}
	at := func(db float64) int {
		for i := direct; i < len(h); i++ {
			if 10*math.Log10(edc[i]/edc[direct]) <= db {
				return i
			}
		}
		return len(h)
	}
	t20 := 3 * float64(at(-25)-at(-5)) / rate
	if t20 < 0.5*r.RT60 || t20 > 1.5*r.RT60 {
		t.Errorf("measured T20 %.3f s for RT60 %.2f s", t20, r.RT60)
	}
	t.Logf("RT60 %.2f s: T20 %.3f s, %d taps", r.RT60, t20, len(h))
	bad := r
	bad.Mic[0] = 7
	if _, _, err := RIR(bad, rate); err == nil {
		t.Error("microphone outside the room accepted")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		if err := RandomRoom(rng).Validate(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTelephone(t *testing.T) {
	for _, tt := range []struct {
		freq     float64
		pass     bool
		muLaw    bool
		minDropB float64
	}{{1000, true, false, 0}, {1000, true, true, 0}, {100, false, false, 12}, {5000, false, false, 40}} {
		x := tone(tt.freq, rate, 0.5)
		y, err := Telephone(x, rate, tt.muLaw)
		if err != nil {
			t.Fatal(err)
		}
		if len(y) != len(x) {
			t.Fatalf("length %d, want %d", len(y), len(x))
		}
		// Skip the filters' start-up transient.
		drop := 10 * math.Log10(Power(x[4000:])/math.Max(Power(y[4000:]), 1e-30))
		if tt.pass && math.Abs(drop) > 1 {
			t.Errorf("%v Hz (mu-law %v): %.1f dB lost in the pass band", tt.freq, tt.muLaw, drop)
		}
		if !tt.pass && drop < tt.minDropB {
			t.Errorf("%v Hz: only %.1f dB down, want >= %v", tt.freq, drop, tt.minDropB)
		}
	}
}

func TestSpecAugment(t *testing.T) {
	const frames, bins = 300, 80
	feat := make([]float32, frames*bins)
	for i := range feat {
		feat[i] = 1
	}
	cfg := SpecAugmentConfig{FreqMasks: 2, MaxFreqWidth: 27, TimeMasks: 2, MaxTimeWidth: 40, MaxTimeShare: 0.2, Value: -5}
	a, b := slices.Clone(feat), slices.Clone(feat)
	if err := SpecAugment(a, frames, bins, cfg, NewRNG(1, "u", 0)); err != nil {
		t.Fatal(err)
	}
	SpecAugment(b, frames, bins, cfg, NewRNG(1, "u", 0))
	if !slices.Equal(a, b) {
		t.Error("same seed, different masks")
	}
	masked := 0
	for _, v := range a {
		if v == -5 {
			masked++
		}
	}
	if max := 2*27*frames + 2*40*bins; masked == 0 || masked > max {
		t.Errorf("%d masked values (max %d)", masked, max)
	}
	// Masks are whole columns (frequency) or whole rows (time).
	for f := range bins {
		col := 0
		for tt := range frames {
			if a[tt*bins+f] == -5 {
				col++
			}
		}
		rows := 0
		for tt := range frames {
			allMasked := true
			for g := range bins {
				if a[tt*bins+g] != -5 {
					allMasked = false
				}
			}
			if allMasked {
				rows++
			}
		}
		if col != frames && col != rows {
			t.Fatalf("bin %d: %d masked frames, neither whole column nor the %d masked rows", f, col, rows)
		}
	}
	if err := SpecAugment(make([]float32, 10), 3, 4, cfg, NewRNG(1, "", 0)); err == nil {
		t.Error("wrong size accepted")
	}
	if err := SpecAugment(nil, 0, 80, DefaultSpecAugment, NewRNG(1, "", 0)); err != nil {
		t.Error(err)
	}
	short := make([]float32, 3*bins)
	SpecAugment(short, 3, bins, DefaultSpecAugment, NewRNG(1, "", 0)) // must not panic
}

func testAugmenter(t testing.TB, cfg Config) *Augmenter {
	bank := &NoiseBank{Clips: []NoiseClip{{"hum", "machine_hum", tone(120, rate/2, 0.05)}, {"hiss", "rain", Coloured(rate, White, rand.New(rand.NewPCG(1, 1)))}}}
	talk := [][]float32{tone(180, rate, 0.2), tone(240, 2*rate, 0.1), tone(300, rate, 0.3), tone(150, rate, 0.2)}
	a, err := New(cfg, Sources{Noise: bank, Talkers: func(rng *rand.Rand, k int) [][]float32 {
		out := make([][]float32, k)
		for i := range out {
			out[i] = talk[rng.IntN(len(talk))]
		}
		return out
	}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAugmenterDeterministic(t *testing.T) {
	cfg := DefaultConfig
	cfg.Seed = 42
	cfg.Rooms = 8
	a := testAugmenter(t, cfg)
	x := tone(200, rate, 0.3)
	orig := slices.Clone(x)
	kinds := map[string]bool{}
	for i := range 24 {
		key := "utt" + string(rune('a'+i%26))
		y1, d1, err := a.Apply(x, key, i)
		if err != nil {
			t.Fatal(err)
		}
		y2, d2, _ := a.Apply(x, key, i)
		if d1 != d2 || !slices.Equal(y1, y2) {
			t.Fatalf("%s epoch %d: not reproducible (%q vs %q)", key, i, d1, d2)
		}
		if n := float64(len(y1)) / float64(len(x)); n < 0.85 || n > 1.15 {
			t.Errorf("%q: length ratio %v", d1, n)
		}
		for _, v := range y1 {
			if v > 1 || v < -1 || v != v {
				t.Fatalf("%q: sample %v out of range", d1, v)
			}
		}
		for _, w := range strings.Fields(d1) {
			kinds[strings.FieldsFunc(w, func(r rune) bool { return r == '=' || r == '(' || r == '@' || r == ':' })[0]] = true
		}
	}
	if !slices.Equal(x, orig) {
		t.Error("Apply changed its input")
	}
	for _, k := range []string{"speed", "room", "noise", "gain"} {
		if !kinds[k] {
			t.Errorf("24 utterances never got %s (got %v)", k, kinds)
		}
	}
	if _, err := New(Config{Rate: 16000, SpeedFactors: []float64{5}}, Sources{}); err == nil {
		t.Error("speed factor 5 accepted")
	}
	if _, err := New(Config{Rate: 16000, SNR: [2]float64{20, 0}}, Sources{}); err == nil {
		t.Error("backwards SNR range accepted")
	}
}

func TestSharedNoise(t *testing.T) {
	dir := "/work/shared/noise"
	if d := os.Getenv("MYNAH_SHARED"); d != "" {
		dir = filepath.Join(d, "noise")
	}
	f, err := os.Open(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		t.Skip("../shared/noise not here")
	}
	rows, err := ReadNoiseManifest(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, r := range rows {
		types[r.Type] = true
	}
	for _, h := range HeldOutNoiseTypes {
		if !types[h] {
			t.Errorf("held-out type %s is not in ../shared/noise", h)
		}
	}
	if len(types)-len(HeldOutNoiseTypes) < 6 {
		t.Errorf("only %d noise types left for training", len(types)-len(HeldOutNoiseTypes))
	}
	if testing.Short() {
		t.Skip("decodes the held-out clips")
	}
	dev, err := DevNoise(dir, rate) // 107 s of FLAC; TrainNoise is the same code with the other types
	if err != nil {
		t.Fatal(err)
	}
	if len(dev.Clips) != 6 {
		t.Errorf("%d held-out clips, want 6", len(dev.Clips))
	}
	for _, c := range dev.Clips {
		if !slices.Contains(HeldOutNoiseTypes, c.Type) || len(c.Samples) < rate {
			t.Errorf("dev clip %s (%s, %d samples)", c.ID, c.Type, len(c.Samples))
		}
	}
}

func TestReadNoiseManifest(t *testing.T) {
	rows, err := ReadNoiseManifest(strings.NewReader("id\taudio\tduration\ttype\na\taudio/a.flac\t1\train\n\nb\tb.flac\t2\tmusic\n"))
	if err != nil || len(rows) != 2 || rows[1] != (NoiseRow{"b", "b.flac", "music"}) {
		t.Fatalf("%v %v", rows, err)
	}
	for _, bad := range []string{"id\taudio\n", "id\taudio\ttype\na\tb\n", "id\taudio\ttype\n\tb\tc\n"} {
		if _, err := ReadNoiseManifest(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzReadNoiseManifest(f *testing.F) {
	f.Add([]byte("id\taudio\tduration\ttype\tlicence\tsource\nrain\taudio/rain.flac\t12.320\train\tCC BY\tx\n"))
	f.Add([]byte("type\tid\taudio\n\n\t\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadNoiseManifest(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.ID == "" || r.Audio == "" {
				t.Fatalf("empty id or audio accepted: %+v", r)
			}
		}
	})
}

func TestNoisyDev(t *testing.T) {
	bank := &NoiseBank{Clips: []NoiseClip{{"a", "music", tone(500, rate, 0.2)}, {"b", "water_tap", Coloured(rate, White, rand.New(rand.NewPCG(2, 2)))}}}
	x := tone(200, rate, 0.3)
	y10, id10 := NoisyDev(x, "utt1", 10, bank)
	y5, id5 := NoisyDev(x, "utt1", 5, bank)
	again, _ := NoisyDev(x, "utt1", 10, bank)
	if id10 != id5 || id10 == "" || !slices.Equal(y10, again) {
		t.Fatalf("noisy dev not fixed per key: %q %q", id10, id5)
	}
	n10 := make([]float32, len(x))
	n5 := make([]float32, len(x))
	for i := range x {
		n10[i], n5[i] = y10[i]-x[i], y5[i]-x[i]
	}
	if r := 10 * math.Log10(Power(n5)/Power(n10)); math.Abs(r-5) > 0.01 {
		t.Errorf("5 dB version has %.2f dB more noise, want 5", r)
	}
	if z, id := NoisyDev(x, "u", 5, &NoiseBank{}); id != "" || !slices.Equal(z, x) {
		t.Error("empty bank should return a copy")
	}
}

func TestPad(t *testing.T) {
	x := []float32{0.5, -0.5, 0.25}
	rng := NewRNG(1, "pad", 0)
	y, secs := Pad(x, 16000, [2]float64{0.1, 0.2}, [2]float64{-60, -60}, rng)
	before, after := int(secs[0]*16000), int(secs[1]*16000)
	if secs[0] < 0.1 || secs[0] > 0.2 || secs[1] < 0.1 || secs[1] > 0.2 || len(y) != before+len(x)+after {
		t.Fatalf("padding %v s gave %d samples around %d", secs, len(y), len(x))
	}
	for i, v := range x {
		if y[before+i] != v {
			t.Fatalf("the utterance moved or changed: %v", y[before:before+len(x)])
		}
	}
	var sum float64
	for _, v := range y[:before] {
		sum += float64(v) * float64(v)
	}
	if rms := math.Sqrt(sum / float64(before)); math.Abs(20*math.Log10(rms)+60) > 1 {
		t.Errorf("room tone at %.1f dB, want -60", 20*math.Log10(rms))
	}
	// Turning padding on leaves the other draws alone.
	cfg := DefaultConfig
	cfg.Seed, cfg.ReverbProb, cfg.NoiseProb, cfg.TelephoneProb = 3, 0, 0, 0
	plain, _ := New(cfg, Sources{})
	cfg.PadProb, cfg.PadSeconds, cfg.PadLevelDB = 1, [2]float64{0.5, 0.5}, [2]float64{-70, -50}
	padded, _ := New(cfg, Sources{})
	long := make([]float32, 16000)
	for i := range long {
		long[i] = float32(math.Sin(float64(i) / 10))
	}
	_, d1, err := plain.Apply(long, "u1", 0)
	if err != nil {
		t.Fatal(err)
	}
	y2, d2, err := padded.Apply(long, "u1", 0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Replace(d2, " pad=0.50+0.50s", "", 1) != d1 {
		t.Errorf("with padding %q, without %q", d2, d1)
	}
	if len(y2) < 16000+15000 {
		t.Errorf("padded utterance has %d samples", len(y2))
	}
	if _, err := New(Config{Rate: 16000, PadProb: 1, PadSeconds: [2]float64{1, 0}}, Sources{}); err == nil {
		t.Error("a backwards pad range was accepted")
	}
}
