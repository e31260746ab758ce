//go:build portaudio

package device

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestPortAudioDevice records and plays on a real PortAudio device named by
// MYNAH_TEST_DEVICE (a substring of its name). Without a sound card, ALSA's
// null plugin serves: put
//
//	pcm.mynahnull { type null hint { show on description "null" } }
//
// in ~/.asoundrc and run
//
//	MYNAH_TEST_DEVICE=mynahnull go test -tags portaudio ./audio/device/
//
// (the null device delivers silence as fast as it is read, so overruns are
// expected there).
func TestPortAudioDevice(t *testing.T) {
	name := os.Getenv("MYNAH_TEST_DEVICE")
	if name == "" {
		t.Skip("set MYNAH_TEST_DEVICE to a device name to test capture and playback")
	}
	devs, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		t.Logf("%+v", d)
	}
	c, err := OpenCapture(CaptureOptions{Device: name})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float32, 4096)
	total := 0
	for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if total == 0 || c.SampleRate() <= 0 {
		t.Fatalf("captured %d samples at %v", total, c.SampleRate())
	}
	t.Logf("captured %d samples at %v, %d overruns", total, c.SampleRate(), c.Overruns())
	if err := Play(context.Background(), make([]float32, 1600), 16000); err != nil {
		t.Fatal(err)
	}
}
