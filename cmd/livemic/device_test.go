package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio/device"
)

// lockedBuffer is an io.Writer the test reads while run writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRealDevice is issue 10's real-device test: a private PulseAudio
// server with a null sink, a recording played into it with paplay, and
// livemic capturing the sink's monitor through PortAudio (ALSA's "pulse"
// device, from libasound2-plugins). scripts/livemic-device-test.sh
// installs what it needs (as root on Debian) and runs it.
func TestRealDevice(t *testing.T) {
	if testing.Short() {
		t.Skip("real-device test: runs at real time")
	}
	if _, err := device.Devices(); errors.Is(err, device.ErrNotBuilt) {
		t.Skip("real-device test: needs a PortAudio build: go test -tags portaudio ./cmd/livemic (or scripts/livemic-device-test.sh)")
	}
	var missing []string
	for _, tool := range []string{"pulseaudio", "pactl", "paplay"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if plugins, _ := filepath.Glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so"); len(plugins) == 0 {
		missing = append(missing, "ALSA's pulse plugin")
	}
	if len(missing) > 0 {
		t.Skipf("real-device test: missing %s (Debian: pulseaudio pulseaudio-utils libasound2-plugins; scripts/livemic-device-test.sh installs them as root)", strings.Join(missing, ", "))
	}

	// A private server: its socket in a fresh runtime directory, its
	// cookie in a fresh home, so that it touches nothing of the user's.
	dir, err := os.MkdirTemp("", "mynah-pulse-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	t.Setenv("XDG_RUNTIME_DIR", dir)
	t.Setenv("HOME", dir)
	t.Setenv("PULSE_SERVER", "unix:"+filepath.Join(dir, "pulse", "native"))
	server := exec.Command("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
		"-L", "module-native-protocol-unix",
		"-L", "module-null-sink sink_name=mynah_null rate=48000")
	var serverLog bytes.Buffer
	server.Stdout, server.Stderr = &serverLog, &serverLog
	if err := server.Start(); err != nil {
		t.Fatalf("start pulseaudio: %v", err)
	}
	t.Cleanup(func() {
		server.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { server.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			server.Process.Kill()
			<-done
		}
	})
	ready := false
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if exec.Command("pactl", "info").Run() == nil {
			ready = true
			break
		}
	}
	if !ready {
		t.Fatalf("pulseaudio did not come up: %s", serverLog.String())
	}
	if out, err := exec.Command("pactl", "set-default-source", "mynah_null.monitor").CombinedOutput(); err != nil {
		t.Fatalf("pactl set-default-source: %v: %s", err, out)
	}

	clip, spans := padded(t, 0.5, 2, helloWAV)
	_, fileOut, _ := runCmd(t, context.Background(), nil, "--input", clip, "--no-pace", "--format", "json")
	fromFile := finals(parseEvents(t, fileOut))

	// --list-devices shows ALSA's pulse device; capture from it by index
	// (--device N; TestRealDevice's other runs and users pass names).
	c, list, errs := runCmd(t, context.Background(), nil, "--list-devices")
	if c != 0 {
		t.Fatalf("--list-devices: exit %d: %s", c, errs)
	}
	index := ""
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == "pulse" {
			index = f[0]
		}
	}
	if index == "" {
		t.Fatalf("--list-devices has no pulse device:\n%s", list)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"--device", index, "--format", "json"}, nil, &stdout, &stderr) }()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "listening to"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("livemic did not start listening: %s", stderr.String())
		}
		select {
		case c := <-code:
			t.Fatalf("livemic exited %d: %s", c, stderr.String())
		default:
		}
	}
	play := exec.Command("paplay", "--device", "mynah_null", clip)
	if out, err := play.CombinedOutput(); err != nil {
		cancel()
		t.Fatalf("paplay: %v: %s", err, out)
	}
	// Wait for the endpoint the trailing silence brings, then press Ctrl-C.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(stdout.String(), `"reason":"endpoint"`) && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("livemic exited %d: %s", c, stderr.String())
	}
	evs := parseEvents(t, stdout.String())
	fromDevice := finals(evs)
	t.Logf("from the device: %+v", fromDevice)
	t.Logf("from the file:   %+v", fromFile)
	if len(evs) == len(fromDevice) {
		t.Error("no partials from the device")
	}
	var endpoint *mynah.LiveEvent
	for i := range fromDevice {
		if fromDevice[i].Reason == "endpoint" {
			endpoint = &fromDevice[i]
			break
		}
	}
	if endpoint == nil {
		t.Fatalf("no endpoint final from the device (audio did not flow?): %s", stdout.String())
	}
	// The device transcript is the file's, up to what PulseAudio's and
	// our resampling change. That is checked once the model transcribes
	// the clip from the file; before, its output is not words, and only
	// the audio's flow (partials, an endpoint after the speech) is.
	got, want := endpoint.Text, ""
	for _, f := range fromFile {
		if f.Reason == "endpoint" {
			want = f.Text
		}
	}
	const reference = "hello this is mynah a speech toolkit written in go"
	if fileWER := wordErrorRate(reference, strings.ToLower(want)); fileWER > 0.5 {
		t.Logf("not comparing transcripts: the acoustic model gets %.0f%% of hello.wav's words wrong from the file (%q)", 100*fileWER, want)
	} else if wer := wordErrorRate(strings.ToLower(want), strings.ToLower(got)); wer > 0.25 {
		t.Errorf("device transcript %q, file transcript %q: WER %.2f", got, want, wer)
	}
	t.Logf("endpoint final emitted %.3f s after the end of its words (speech in the clip ends %.3f s into it)", endpoint.EmittedAt-endpoint.End, spans[0][1])
}

// wordErrorRate is the Levenshtein distance between the words of the
// strings (lower-cased, punctuation removed) over the reference's word
// count.
func wordErrorRate(ref, hyp string) float64 {
	clean := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	}
	r, h := clean(ref), clean(hyp)
	if len(r) == 0 {
		if len(h) == 0 {
			return 0
		}
		return 1
	}
	prev := make([]int, len(h)+1)
	cur := make([]int, len(h)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(r); i++ {
		cur[0] = i
		for j := 1; j <= len(h); j++ {
			cost := 1
			if r[i-1] == h[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(h)]) / float64(len(r))
}
