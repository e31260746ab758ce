package pitch

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mewkiz/flac"
)

// Praat goldens (testdata/gen_goldens.py, To Pitch (ac) of Praat 6.3.07;
// provenance.json). The bars: voiced-frame F0 within 2% of Praat
// on ≥ 95% of frames both call voiced, and voicing decisions agreeing on
// ≥ 90% of frames, here over all signals pooled and over the 20 espeak-ng
// sentences alone.

type praatTrack struct {
	t1, dt float64
	f0     []float64
}

func readPraat(t *testing.T, name string) praatTrack {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var p praatTrack
	first := true
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if first {
			p.t1, _ = strconv.ParseFloat(fields[0], 64)
			p.dt, _ = strconv.ParseFloat(fields[1], 64)
			first = false
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			t.Fatal(err)
		}
		p.f0 = append(p.f0, v)
	}
	return p
}

func readS16(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return x
}

func readFLAC(t *testing.T, path string) ([]float32, int) {
	t.Helper()
	stream, err := flac.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	scale := float32(math.Ldexp(1, -int(stream.Info.BitsPerSample-1)))
	var x []float32
	for {
		frame, err := stream.ParseNext()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range frame.Subframes[0].Samples {
			x = append(x, float32(s)*scale)
		}
	}
	return x, int(stream.Info.SampleRate)
}

// agreement accumulates the two statistics the issue names.
type agreement struct {
	frames, sameVoicing, bothVoiced, within2 int
}

func (a *agreement) add(o agreement) {
	a.frames += o.frames
	a.sameVoicing += o.sameVoicing
	a.bothVoiced += o.bothVoiced
	a.within2 += o.within2
}

func (a agreement) String() string {
	return fmt.Sprintf("%d frames: voicing agrees on %.1f%%; F0 within 2%% on %.1f%% of %d both-voiced frames",
		a.frames, 100*float64(a.sameVoicing)/float64(max(a.frames, 1)),
		100*float64(a.within2)/float64(max(a.bothVoiced, 1)), a.bothVoiced)
}

func compare(tk Track, c Config, p praatTrack) agreement {
	var a agreement
	for i, want := range p.f0 {
		tm := p.t1 + float64(i)*p.dt
		f := int(math.Round(tm * c.FrameRate()))
		if f < 0 || f >= len(tk.F0) {
			continue
		}
		got := float64(tk.F0[f])
		a.frames++
		if (got > 0) == (want > 0) {
			a.sameVoicing++
		}
		if got > 0 && want > 0 {
			a.bothVoiced++
			if math.Abs(got-want) <= 0.02*want {
				a.within2++
			}
		}
	}
	return a
}

func TestPraatGoldens(t *testing.T) {
	square := make([]float32, 8000)
	for i := range square {
		square[i] = 1
		if i%80 >= 40 {
			square[i] = -1
		}
	}
	sentences, rate := readFLAC(t, "testdata/sentences.flac")
	signals := []struct {
		name string
		x    []float32
		rate int
	}{
		{"chirp", readS16(t, "../feature/testdata/chirp.s16"), 16000},
		{"speech", readS16(t, "../feature/testdata/speech.s16"), 16000},
		{"square", square, 16000},
		{"silence", make([]float32, 8000), 16000},
		{"sentences", sentences, rate},
	}
	var all agreement
	for _, s := range signals {
		c := Default(s.rate)
		tr, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		a := compare(tr.Track(s.x), c, readPraat(t, s.name+".praat.txt"))
		t.Logf("%-9s %v", s.name, a)
		all.add(a)
		if s.name == "sentences" {
			checkAgreement(t, s.name, a)
		}
	}
	t.Logf("%-9s %v", "all", all)
	checkAgreement(t, "all signals", all)
}

func checkAgreement(t *testing.T, what string, a agreement) {
	t.Helper()
	if v := float64(a.sameVoicing) / float64(a.frames); v < 0.90 {
		t.Errorf("%s: voicing agrees with Praat on %.1f%% of frames, want ≥ 90%%", what, 100*v)
	}
	if v := float64(a.within2) / float64(a.bothVoiced); v < 0.95 {
		t.Errorf("%s: F0 within 2%% of Praat on %.1f%% of both-voiced frames, want ≥ 95%%", what, 100*v)
	}
}
