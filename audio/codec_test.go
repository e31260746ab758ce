package audio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sineFit returns the RMS of x[from:to] and its normalised correlation
// with a sine of freq Hz at rate whose phase starts at 0 at sample 0.
func sineFit(x []float32, rate Rate, freq float64, from, to int) (rms, corr float64) {
	var xx, ss, xs float64
	for i := from; i < to; i++ {
		s := math.Sin(2 * math.Pi * freq * float64(i) / float64(rate))
		xx += float64(x[i]) * float64(x[i])
		ss += s * s
		xs += float64(x[i]) * s
	}
	return math.Sqrt(xx / float64(to-from)), xs / math.Sqrt(xx*ss)
}

// TestCodecFixtures decodes the FLAC and MP3 files of testdata (made by
// testdata/gen.sh from a 440 Hz sine at half scale) through Open.
func TestCodecFixtures(t *testing.T) {
	const amp = 0.5 / math.Sqrt2 // RMS of the sine
	tests := []struct {
		file     string
		opt      DecodeOptions
		format   Format
		rate     Rate
		channels int
		n        int // exact length, or -1 to check minN only
		minN     int
		dur      time.Duration // 0: unknown
		rms      float64
		inPhase  bool // the sine starts at sample 0 (lossless or gapless)
	}{
		{"tone-16k-stereo.flac", DecodeOptions{Channel: 1}, FormatFLAC, 16000, 2, 4000, 0, 250 * time.Millisecond, amp, true},
		// The right channel is the left inverted: their average is silence.
		{"tone-16k-stereo.flac", DecodeOptions{}, FormatFLAC, 16000, 2, 4000, 0, 250 * time.Millisecond, 0, false},
		{"tone-48k-24bit.flac", DecodeOptions{}, FormatFLAC, 48000, 1, 4800, 0, 100 * time.Millisecond, amp, true},
		{"empty.flac", DecodeOptions{}, FormatFLAC, 16000, 1, 0, 0, 0, 0, false},
		// Gapless: the LAME Info frame gives delay and padding.
		{"tone-16k-mpeg2.mp3", DecodeOptions{}, FormatMP3, 16000, 1, 4000, 0, 250 * time.Millisecond, amp, true},
		{"tone-44k-mpeg1-stereo.mp3", DecodeOptions{}, FormatMP3, 44100, 2, 11025, 0, 250 * time.Millisecond, amp, true},
		{"tone-44k-mpeg1-stereo.mp3", DecodeOptions{Channel: 2}, FormatMP3, 44100, 2, 11025, 0, 250 * time.Millisecond, amp, true},
		// No Info frame (it does not fit a 32 or 40 kbps MPEG-2 frame): the
		// encoder delay and padding stay in, as in the corpora.
		{"tone-16k-notag.mp3", DecodeOptions{}, FormatMP3, 16000, 1, -1, 4000 + 1105, 0, amp, false},
		{"tone-22k-mpeg2.mp3", DecodeOptions{}, FormatMP3, 22050, 1, -1, 5512 + 1105, 0, amp, false},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := Open(filepath.Join("testdata", tc.file), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format() != tc.format || f.SampleRate() != tc.rate || f.Channels() != tc.channels {
				t.Errorf("got %v %v %d channels, want %v %v %d", f.Format(), f.SampleRate(), f.Channels(), tc.format, tc.rate, tc.channels)
			}
			d, ok := f.Duration()
			if tc.dur > 0 && (!ok || d != tc.dur) || tc.dur == 0 && tc.n != 0 && ok {
				t.Errorf("Duration() = %v, %v; want %v", d, ok, tc.dur)
			}
			x, err := ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if tc.n >= 0 && len(x) != tc.n || tc.n < 0 && len(x) < tc.minN {
				t.Fatalf("%d samples, want %d (min %d)", len(x), tc.n, tc.minN)
			}
			if len(x) == 0 {
				return
			}
			mid := len(x) / 2
			rms, corr := sineFit(x, tc.rate, 440, mid-len(x)/4, mid+len(x)/4)
			if math.Abs(rms-tc.rms) > 0.02 {
				t.Errorf("RMS %.4f, want %.4f", rms, tc.rms)
			}
			if tc.inPhase && corr < 0.99 {
				t.Errorf("correlation with the source sine %.4f, want ≥ 0.99 (misaligned?)", corr)
			}
		})
	}
}

// TestCodecStreams decodes the fixtures through Decode on a reader that is
// not seekable, as stdin is.
func TestCodecStreams(t *testing.T) {
	for _, name := range []string{"tone-16k-stereo.flac", "tone-16k-mpeg2.mp3", "tone-22k-mpeg2.mp3"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Open(filepath.Join("testdata", name), DecodeOptions{})
		want, _ := ReadAll(f)
		f.Close()
		src, err := Decode(slowReader{bytes.NewReader(data)}, DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := ReadAll(src)
		if err != nil || !near(got, want, 0) {
			t.Errorf("%s: stream decode differs (%d vs %d samples, %v)", name, len(got), len(want), err)
		}
	}
}

// TestID3 checks that an ID3v2 tag before MP3 or FLAC is skipped.
func TestID3(t *testing.T) {
	tag := append([]byte("ID3\x03\x00\x00\x00\x00\x01\x00"), make([]byte, 128)...) // 128-byte tag
	for _, name := range []string{"tone-16k-mpeg2.mp3", "tone-16k-stereo.flac"} {
		data, _ := os.ReadFile(filepath.Join("testdata", name))
		src, err := Decode(bytes.NewReader(append(tag, data...)), DecodeOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if x, err := ReadAll(src); err != nil || len(x) != 4000 {
			t.Errorf("%s: %d samples, %v", name, len(x), err)
		}
	}
}

func TestMP3Truncated(t *testing.T) {
	data, _ := os.ReadFile("testdata/tone-44k-mpeg1-stereo.mp3")
	src, err := Decode(bytes.NewReader(data[:len(data)/2]), DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := ReadAll(src)
	if err == nil || len(x) == 0 {
		t.Fatalf("truncated MP3: %d samples, err %v; want the samples and an error", len(x), err)
	}
}

func TestLoad(t *testing.T) {
	x, err := Load("testdata/tone-48k-24bit.flac", 16000)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 1600 {
		t.Fatalf("%d samples, want 1600", len(x))
	}
	rms, corr := sineFit(x, 16000, 440, 400, 1200)
	if math.Abs(rms-0.5/math.Sqrt2) > 0.01 || corr < 0.999 {
		t.Errorf("RMS %.4f corr %.5f", rms, corr)
	}
	if _, err := Load("testdata/gen.sh", 16000); err == nil {
		t.Error("Load of a shell script succeeded")
	}
}

// TestSharedCorpora decodes files of the corpora in ../shared when they
// are there (they are never committed): a few per corpus by default, all
// of them with MYNAH_AUDIO_ALL=1. Lengths are checked against the
// manifests' durations (of the source audio, to the millisecond): exact
// for FLAC and for MP3s with a LAME Info frame, and for MP3s without one
// longer by the encoder and decoder delay (1,105 samples) plus at most two
// frames of padding.
func TestSharedCorpora(t *testing.T) {
	root := "../../shared"
	if _, err := os.Stat(root); err != nil {
		t.Skip("no ../shared corpora here")
	}
	patterns := []string{
		"corpora/speechocean762-train/audio/*.mp3",
		"corpora/ljspeech-part1/audio/*.mp3",
		"corpora/kathleen/audio/*.mp3",
		"corpora/ravdess/audio/*.mp3",
		"corpora/fsdd/audio/*.flac",
		"noise/audio/*.flac",
		"corpora/librispeech/dev/*/*/*.mp3",
	}
	all := os.Getenv("MYNAH_AUDIO_ALL") != ""
	checked := 0
	for _, pat := range patterns {
		files, _ := filepath.Glob(filepath.Join(root, pat))
		sort.Strings(files)
		if len(files) == 0 {
			continue
		}
		durations := readManifestDurations(filepath.Dir(filepath.Dir(files[0])))
		if !all && len(files) > 3 {
			files = []string{files[0], files[len(files)/2], files[len(files)-1]}
		}
		for _, p := range files {
			f, err := Open(p, DecodeOptions{})
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			x, err := ReadAll(f)
			f.Close()
			checked++
			if err != nil || len(x) == 0 {
				t.Errorf("%s: %d samples, %v", p, len(x), err)
				continue
			}
			rate := f.SampleRate()
			switch rate {
			case 8000, 16000, 22050:
			default:
				t.Errorf("%s: rate %v", p, rate)
			}
			dur, ok := durations["audio/"+filepath.Base(p)]
			if !ok {
				continue
			}
			want := dur * float64(rate)
			slack := 0.0005*float64(rate) + 1 // manifest rounding
			got := float64(len(x))
			_, gapless := f.Duration()
			switch {
			case f.Format() == FormatFLAC || gapless:
				if math.Abs(got-want) > slack {
					t.Errorf("%s: %d samples, manifest %.3f s = %.0f", p, len(x), dur, want)
				}
			default:
				// LAME's end padding is not bounded by one frame: up to two
				// frames were measured on the corpora (+1,734 at most).
				spf := 576.0
				if rate > 24000 {
					spf = 1152
				}
				if extra := got - want; extra < 1105-slack || extra > 1105+2*spf+slack {
					t.Errorf("%s: %d samples, manifest %.3f s = %.0f (+%.0f)", p, len(x), dur, want, extra)
				}
			}
		}
	}
	t.Logf("%d files decoded", checked)
}

// readManifestDurations maps the audio column of dir/manifest.tsv to its
// duration column; it returns an empty map when there is no manifest.
func readManifestDurations(dir string) map[string]float64 {
	out := map[string]float64{}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.tsv"))
	if err != nil {
		return out
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) == 0 {
		return out
	}
	head := strings.Split(lines[0], "\t")
	ai, di := slices.Index(head, "audio"), slices.Index(head, "duration")
	if ai < 0 || di < 0 {
		return out
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) <= max(ai, di) {
			continue
		}
		if d, err := strconv.ParseFloat(f[di], 64); err == nil {
			out[f[ai]] = d
		}
	}
	return out
}

// TestSamples decodes the committed sample clips of ../samples (made by
// samples/make.sh): all are 16 kHz mono speech a few seconds long.
func TestSamples(t *testing.T) {
	files, _ := filepath.Glob("../samples/*.*")
	n := 0
	for _, p := range files {
		if ext := filepath.Ext(p); ext != ".wav" && ext != ".flac" && ext != ".mp3" {
			continue
		}
		n++
		x, err := Load(p, 16000)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if sec := float64(len(x)) / 16000; sec < 2 || sec > 6 {
			t.Errorf("%s: %.2f s", p, sec)
		}
		var peak float32
		for _, v := range x {
			peak = max(peak, v, -v)
		}
		if peak < 0.1 {
			t.Errorf("%s: peak %.3f, silent?", p, peak)
		}
	}
	if n == 0 {
		t.Skip("no samples/ directory")
	}
}
