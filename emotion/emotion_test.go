package emotion

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/nn"
)

func TestLabels(t *testing.T) {
	tests := []struct {
		name string
		l    Label
		high bool
	}{
		{"neutral", Neutral, false}, {"calm", Calm, false}, {"happy", Happy, true}, {"sad", Sad, false},
		{"angry", Angry, true}, {"fearful", Fearful, true}, {"disgust", Disgust, true}, {"surprised", Surprised, true},
	}
	if len(tests) != NumLabels || len(Labels()) != NumLabels {
		t.Fatal("label count")
	}
	for _, tc := range tests {
		l, err := ParseLabel(tc.name)
		if err != nil || l != tc.l || l.String() != tc.name || l.HighArousal() != tc.high {
			t.Errorf("%s: got %v %v high=%v", tc.name, l, err, l.HighArousal())
		}
	}
	if _, err := ParseLabel("bored"); err == nil {
		t.Error("unknown label parsed")
	}
	if Label(9).String() != "Label(9)" {
		t.Error(Label(9).String())
	}
	if _, err := Label(-1).MarshalText(); err == nil {
		t.Error("out of range label marshalled")
	}
}

func TestScoresJSON(t *testing.T) {
	s := Scores{0.5, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"neutral":0.5,"calm":0.1,"happy":0.1,"sad":0.1,"angry":0.05,"fearful":0.05,"disgust":0.05,"surprised":0.05}`
	if string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
	var back Scores
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Fatalf("round trip: %v %v", back, err)
	}
	if _, err := json.Marshal(Scores{float32(math.NaN())}); err == nil {
		t.Error("NaN score marshalled")
	}
	if err := json.Unmarshal([]byte(`{"bored":1}`), &back); err == nil {
		t.Error("unknown label accepted")
	}
	top, p := s.Top()
	if top != Neutral || p != 0.5 {
		t.Errorf("top %v %v", top, p)
	}
	if h := s.HighArousal(); math.Abs(float64(h)-0.3) > 1e-6 {
		t.Errorf("high arousal %v", h)
	}
}

func TestResultJSONFields(t *testing.T) {
	r := fromScores(Scores{0.05, 0.05, 0.6, 0.05, 0.1, 0.05, 0.05, 0.05}, 2*time.Second)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"label", "confidence", "scores", "arousal"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["label"] != "happy" || m["arousal"] != "high" {
		t.Errorf("got %s", b)
	}
}

func TestTrim(t *testing.T) {
	v := voice(1, SampleRate, 150, 0.5, 1)
	x := withSilence(v, SampleRate, 1)
	got, ok := Trim(x)
	if !ok {
		t.Fatal("no speech found")
	}
	// About 1 s of voice plus up to 2×100 ms of padding.
	if sec := float64(len(got)) / float64(SampleRate); sec < 0.9 || sec > 1.25 {
		t.Errorf("trimmed to %.2f s", sec)
	}
	if _, ok := Trim(make([]float32, 16000)); ok {
		t.Error("digital silence has speech")
	}
	if got, ok := Trim(make([]float32, 10)); ok || len(got) != 0 {
		t.Error("tiny input")
	}
}

func TestResample(t *testing.T) {
	x := voice(1, 48000, 200, 0.5, 2)
	y, err := Resample(x, 48000)
	if err != nil {
		t.Fatal(err)
	}
	if d := len(y) - 16000; d < -200 || d > 200 {
		t.Errorf("48 kHz second became %d samples", len(y))
	}
	if _, err := Resample(x, 0); err == nil {
		t.Error("rate 0 accepted")
	}
}

func TestExtendedDescriptors(t *testing.T) {
	d, err := newDescriber()
	if err != nil {
		t.Fatal(err)
	}
	if len(ExtendedDescriptorNames) != NumDescriptorsExtended {
		t.Fatalf("%d names for %d extended descriptors", len(ExtendedDescriptorNames), NumDescriptorsExtended)
	}
	x := voice(2, SampleRate, 180, 0.5, 3)
	a := slices.Clone(d.describe(nil, x, NumDescriptorsExtended))
	short := slices.Clone(d.describe(nil, x, NumDescriptors))
	if !slices.Equal(a[:NumDescriptors], short) {
		t.Error("the extended set does not start with the first set")
	}
	quiet := make([]float32, len(x))
	for i, v := range x {
		quiet[i] = v * 0.1
	}
	b := d.describe(nil, quiet, NumDescriptorsExtended)
	for i := NumDescriptors; i < NumDescriptorsExtended; i++ {
		name := ExtendedDescriptorNames[i]
		if math.IsNaN(a[i]) || math.IsInf(a[i], 0) {
			t.Errorf("%s = %v", name, a[i])
		}
		// Everything but the cepstra and the formants (whose LPC floor
		// moves) ignores gain.
		if strings.Contains(name, "mfcc") || strings.HasPrefix(name, "f1") || strings.HasPrefix(name, "f2") || strings.HasPrefix(name, "f3") {
			continue
		}
		if math.Abs(a[i]-b[i]) > 0.05*math.Max(1, math.Abs(a[i])) {
			t.Errorf("%s: %.3f at full level, %.3f at -20 dB", name, a[i], b[i])
		}
	}
	for i, v := range d.describe(nil, make([]float32, 100), NumDescriptorsExtended) {
		if v != 0 {
			t.Errorf("short input: %s = %v", ExtendedDescriptorNames[i], v)
		}
	}
}

// TestFormantsOfResonator checks the LPC formant proxy on a pulse train
// through two resonators at 700 and 1200 Hz (an /a/-like vowel).
func TestFormantsOfResonator(t *testing.T) {
	const n = 4000
	x := make([]float32, n)
	for i := 0; i < n; i += 160 { // 100 Hz pulses
		x[i] = 1
	}
	for _, fc := range []float64{700, 1200} {
		r := math.Exp(-math.Pi * 80 / float64(SampleRate))
		th := 2 * math.Pi * fc / float64(SampleRate)
		a1, a2 := 2*r*math.Cos(th), -r*r
		var y1, y2 float64
		for i := range x {
			y := float64(x[i]) + a1*y1 + a2*y2
			y2, y1 = y1, y
			x[i] = float32(y)
		}
	}
	s, err := newLPCScratch()
	if err != nil {
		t.Fatal(err)
	}
	f, found := s.formants(x, 2000)
	if found < 2 || math.Abs(f[0]-700) > 80 || math.Abs(f[1]-1200) > 100 {
		t.Errorf("formants %v (%d found), want about 700 and 1200 Hz", f, found)
	}
}

func TestDescriptorsFiniteAndGainInvariant(t *testing.T) {
	d, err := newDescriber()
	if err != nil {
		t.Fatal(err)
	}
	x := voice(2, SampleRate, 180, 0.5, 3)
	a := d.describe(nil, x, NumDescriptors)
	if len(a) != NumDescriptors || len(DescriptorNames) != NumDescriptors {
		t.Fatalf("%d descriptors, %d names", len(a), len(DescriptorNames))
	}
	a = append([]float64(nil), a...)
	quiet := make([]float32, len(x))
	for i, v := range x {
		quiet[i] = v * 0.1
	}
	b := d.describe(nil, quiet, NumDescriptors)
	for i := range a {
		if math.IsNaN(a[i]) || math.IsInf(a[i], 0) {
			t.Errorf("%s = %v", DescriptorNames[i], a[i])
		}
		// Level statistics are relative; pitch and shape ignore gain.
		// MFCC 0 is not among them, and the absolute spectrum shifts
		// only the first cepstral means slightly through the log floor.
		if strings.HasPrefix(DescriptorNames[i], "mfcc") {
			continue
		}
		if math.Abs(a[i]-b[i]) > 0.05*math.Max(1, math.Abs(a[i])) {
			t.Errorf("%s: %.3f at full level, %.3f at -20 dB", DescriptorNames[i], a[i], b[i])
		}
	}
	// The F0 median of a 180 Hz voice with vibrato: 12·log2(180/27.5).
	if want := 12 * math.Log2(180/27.5); math.Abs(a[3]-want) > 1 {
		t.Errorf("f0 median %.2f st, want %.2f", a[3], want)
	}
	for i, v := range d.describe(nil, make([]float32, 100), NumDescriptors) {
		if v != 0 {
			t.Errorf("short input: %s = %v", DescriptorNames[i], v)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	enc := tinyEncoder(t)
	good := []Config{DefaultBaseline(), ExtendedBaseline(), {Kind: KindBaseline, Descriptors: NumDescriptors}, DefaultCNN(), TransferConfig(enc)}
	for _, c := range good {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Kind, err)
		}
	}
	bad := []Config{
		{},
		{Kind: "svm"},
		{Kind: KindCNN, Mels: 4, Channels: []int{1, 1, 1}, Hidden: 4},
		{Kind: KindCNN, Mels: 40, Channels: []int{1, 1}, Hidden: 4},
		{Kind: KindCNN, Mels: 40, Channels: []int{1, 1, 1}, Hidden: 0},
		{Kind: KindCNN, Mels: 40, Channels: []int{1, 1, 1}, Hidden: 4, Dropout: 1},
		{Kind: KindTransfer, Hidden: 4, EncoderLayers: 3, EncoderDim: 16},
		{Kind: KindBaseline, Descriptors: 57},
		{Kind: KindBaseline, Descriptors: -1},
		{Kind: KindCNN, Mels: 40, Channels: []int{1, 1, 1}, Hidden: 4, Descriptors: NumDescriptors},
	}
	for _, c := range bad {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, err := New(TransferConfig(enc), nil, 1); !errors.Is(err, ErrEncoder) {
		t.Errorf("transfer without encoder: %v", err)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	enc := tinyEncoder(t)
	x := voice(1.5, SampleRate, 220, 0.4, 4)
	for kind, m := range allKinds(t) {
		path := filepath.Join(dir, string(kind)+".safetensors")
		if err := m.Save(path, map[string]string{"note": "test"}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load(data, enc)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if back.Config().Kind != kind || !strings.Contains(string(back.Card()), "test") {
			t.Errorf("%s: config %+v card %s", kind, back.Config(), back.Card())
		}
		a, b := probs(t, m, x), probs(t, back, x)
		for i := range a {
			// fp16 storage of the networks' weights.
			if math.Abs(float64(a[i]-b[i])) > 0.01 {
				t.Errorf("%s: score %d %.4f before save, %.4f after", kind, i, a[i], b[i])
			}
		}
		if kind == KindTransfer {
			if _, err := Load(data, nil); !errors.Is(err, ErrEncoder) {
				t.Errorf("transfer loaded without encoder: %v", err)
			}
		}
	}
	if _, err := Load([]byte("not a model"), nil); err == nil {
		t.Error("garbage loaded")
	}
}

func probs(t *testing.T, m *Model, x []float32) Scores {
	t.Helper()
	f, err := m.NewFeaturizer()
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(0)
	tape.SetTraining(false)
	s, err := m.Probabilities(f, tape, x)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFitBaselineSeparates(t *testing.T) {
	// Two clusters per label along distinct descriptor axes.
	rng := rand.New(rand.NewPCG(5, 5))
	var x [][]float32
	var y []Label
	for i := range 400 {
		l := Label(i % NumLabels)
		if l == Neutral && i%16 == 0 {
			continue // neutral rarer, as in RAVDESS
		}
		row := make([]float32, NumDescriptors)
		for j := range row {
			row[j] = float32(rng.NormFloat64())
		}
		row[int(l)] += 4
		x, y = append(x, row), append(y, l)
	}
	m, err := FitBaseline(x, y, BaselineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(0)
	tape.SetTraining(false)
	hits := 0
	for i, row := range x {
		tape.Reset()
		lg, err := m.Logits(tape, Batch{Inputs: row, Size: 1, Frames: 1, Lengths: []int{1}})
		if err != nil {
			t.Fatal(err)
		}
		if top, _ := softmaxScores(lg.Data).Top(); top == y[i] {
			hits++
		}
	}
	if acc := float64(hits) / float64(len(x)); acc < 0.9 {
		t.Errorf("training accuracy %.2f", acc)
	}
	if _, err := FitBaseline(x[:3], y[:2], BaselineOptions{}); err == nil {
		t.Error("mismatched rows and labels accepted")
	}
	if _, err := FitBaseline([][]float32{{1}}, []Label{0}, BaselineOptions{}); err == nil {
		t.Error("short row accepted")
	}
}

func TestBalancedWeights(t *testing.T) {
	y := []Label{Neutral, Calm, Calm, Happy, Happy}
	w := BalancedWeights(y)
	// 5 clips over 3 present labels: neutral 5/3, calm and happy 5/6.
	want := []float64{5.0 / 3, 5.0 / 6, 5.0 / 6, 0, 0, 0, 0, 0}
	for i := range want {
		if math.Abs(w[i]-want[i]) > 1e-12 {
			t.Errorf("weight %d = %v, want %v", i, w[i], want[i])
		}
	}
}

func TestLogitsRejectsBadBatches(t *testing.T) {
	for kind, m := range allKinds(t) {
		tape := nn.NewTape(0)
		w := m.Config().InputWidth()
		for _, b := range []Batch{
			{},
			{Inputs: make([]float32, w), Size: 1, Frames: 1, Lengths: []int{2}},
			{Inputs: make([]float32, w+1), Size: 1, Frames: 1, Lengths: []int{1}},
			{Inputs: make([]float32, 2*w), Size: 1, Frames: 2, Lengths: []int{-1}},
		} {
			if _, err := m.Logits(tape, b); err == nil {
				t.Errorf("%s: batch %+v accepted", kind, b)
			}
		}
	}
}

// TestCNNLearns checks that gradients flow end to end: a few AdamW steps
// on two synthetic "emotions" (low steady voice vs high loud voice) fit
// them.
func TestCNNLearns(t *testing.T) {
	m, err := New(DefaultCNN(), nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := m.NewFeaturizer()
	var rows [][]float32
	var lens []int
	var labels []Label
	for i := range 8 {
		l, f0 := Sad, 110.0
		if i%2 == 1 {
			l, f0 = Angry, 280
		}
		in, n, err := f.Inputs(voice(0.8, SampleRate, f0+float64(i), 0.5, uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		rows, lens, labels = append(rows, append([]float32(nil), in...)), append(lens, n), append(labels, l)
	}
	w := m.Config().InputWidth()
	maxT := 0
	for _, n := range lens {
		maxT = max(maxT, n)
	}
	inputs := make([]float32, len(rows)*maxT*w)
	for i, r := range rows {
		copy(inputs[i*maxT*w:], r)
	}
	targets := make([]float32, len(rows)*NumLabels)
	for i, l := range labels {
		targets[i*NumLabels+int(l)] = 1.0 / float32(len(rows))
	}
	opt, err := nn.NewAdamW(m.Params(), nn.DefaultAdamWConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tape := nn.NewTape(1)
	var first, last float32
	for step := range 40 {
		tape.Reset()
		lg, err := m.Logits(tape, Batch{Inputs: inputs, Size: len(rows), Frames: maxT, Lengths: lens})
		if err != nil {
			t.Fatal(err)
		}
		loss := tape.Scale(tape.Sum(tape.Mul(tape.LogSoftmax(lg), tape.Input([]int{len(rows), NumLabels}, targets))), -1)
		if step == 0 {
			first = loss.Item()
		}
		last = loss.Item()
		nn.ZeroGrads(m.Params())
		tape.Backward(loss)
		tape.AddParamGradsTo()
		opt.Step(3e-3)
	}
	if !(last < 0.3*first) {
		t.Errorf("loss %.3f -> %.3f", first, last)
	}
}

func TestTagger(t *testing.T) {
	ctx := context.Background()
	speech := withSilence(voice(2, SampleRate, 200, 0.5, 9), SampleRate, 0.5)
	for kind, m := range allKinds(t) {
		tg, err := NewTagger(m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name     string
			x        []float32
			rate     audio.Rate
			silent   bool
			segments bool
		}{
			{"speech 16k", speech, 16000, false, false},
			{"speech 48k", resampleTo(t, speech, 48000), 48000, false, false},
			{"speech 44.1k", resampleTo(t, speech, 44100), 44100, false, false},
			{"speech 8k", resampleTo(t, speech, 8000), 8000, false, false},
			{"digital silence", make([]float32, 32000), 16000, true, false},
			{"empty", nil, 16000, true, false},
			{"quiet hiss", hiss(3*16000, 1e-4), 16000, true, false},
			{"long", long(t), 16000, false, true},
		}
		for _, tc := range tests {
			r, err := tg.Tag(ctx, tc.x, tc.rate)
			if err != nil {
				t.Fatalf("%s %s: %v", kind, tc.name, err)
			}
			checkResult(t, string(kind)+" "+tc.name, r)
			if tc.silent != (r.Speech == 0) {
				t.Errorf("%s %s: speech %v", kind, tc.name, r.Speech)
			}
			if tc.silent && (r.Label != Neutral || r.Confidence != 0 || r.Arousal != ArousalLow) {
				t.Errorf("%s %s: silence tagged %+v", kind, tc.name, r)
			}
			if tc.segments != (len(r.Segments) > 1) {
				t.Errorf("%s %s: %d segments", kind, tc.name, len(r.Segments))
			}
			for _, s := range r.Segments {
				checkResult(t, string(kind)+" "+tc.name+" segment", s.Result)
				if s.End <= s.Start {
					t.Errorf("segment %v-%v", s.Start, s.End)
				}
			}
		}
	}
}

func resampleTo(t *testing.T, x []float32, rate audio.Rate) []float32 {
	t.Helper()
	y, err := audio.ReadAll(audio.Resample(&sliceSource{x: x, rate: SampleRate}, rate))
	if err != nil && !errors.Is(err, errEOF) {
		t.Fatal(err)
	}
	return y
}

func hiss(n int, level float64) []float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(level * rng.NormFloat64())
	}
	return x
}

// long is 40 s: five 5 s voices at different pitches between 3 s pauses.
func long(t *testing.T) []float32 {
	var x []float32
	for i := range 5 {
		x = append(x, make([]float32, 3*16000)...)
		x = append(x, voice(5, SampleRate, 120+40*float64(i), 0.4, uint64(i))...)
	}
	return x
}

func checkResult(t *testing.T, name string, r Result) {
	t.Helper()
	var sum float64
	for _, v := range r.Scores {
		if v < 0 || v > 1 || math.IsNaN(float64(v)) {
			t.Errorf("%s: score %v", name, v)
		}
		sum += float64(v)
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Errorf("%s: scores sum to %v", name, sum)
	}
	top, p := r.Scores.Top()
	if r.Speech > 0 && (top != r.Label || p != r.Confidence) {
		t.Errorf("%s: label %v %.3f but top %v %.3f", name, r.Label, r.Confidence, top, p)
	}
	if (r.HighArousal >= 0.5) != (r.Arousal == ArousalHigh) && r.Speech > 0 {
		t.Errorf("%s: arousal %s with P(high) %.3f", name, r.Arousal, r.HighArousal)
	}
}

func TestTagErrors(t *testing.T) {
	m := allKinds(t)[KindCNN]
	tg, err := NewTagger(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := voice(1, SampleRate, 150, 0.5, 1)
	if _, err := tg.Tag(context.Background(), x, 0); err == nil {
		t.Error("rate 0 accepted")
	}
	bad := append([]float32(nil), x...)
	bad[100] = float32(math.NaN())
	if _, err := tg.Tag(context.Background(), bad, 16000); err == nil {
		t.Error("NaN accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tg.Tag(ctx, x, 16000); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestTaggerConcurrent(t *testing.T) {
	m := allKinds(t)[KindCNN]
	tg, err := NewTagger(m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := voice(1.5, SampleRate, 170, 0.5, 1)
	want, err := tg.Tag(context.Background(), x, 16000)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			r, err := tg.Tag(context.Background(), x, 16000)
			if err == nil && r.Scores != want.Scores {
				err = errors.New("different scores from concurrent calls")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestSummaryJSON(t *testing.T) {
	r := fromScores(Scores{0.05, 0.05, 0.6, 0.05, 0.1, 0.05, 0.05, 0.05}, time.Second)
	r.Segments = []Segment{{Start: 0, End: time.Second, Result: r}}
	b, err := json.Marshal(r.Summary())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 4 || string(m["label"]) != `"happy"` || string(m["arousal"]) != `"high"` || string(m["confidence"]) != "0.6" {
		t.Errorf("summary JSON %s", b)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil || back != r.Summary() {
		t.Errorf("round trip %+v %v", back, err)
	}
}
