package device

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFindInput(t *testing.T) {
	devs := []Info{
		{Index: 0, Name: "HDA Intel PCH: ALC892 Analog (hw:0,0)", InputChannels: 2, OutputChannels: 2},
		{Index: 1, Name: "HDA Intel PCH: HDMI 0 (hw:0,3)", OutputChannels: 8},
		{Index: 2, Name: "USB Audio Device: - (hw:1,0)", InputChannels: 1},
		{Index: 3, Name: "pulse", InputChannels: 32, OutputChannels: 32},
		{Index: 4, Name: "pulse monitor", InputChannels: 2},
		{Index: 5, Name: "default", InputChannels: 32, OutputChannels: 32, DefaultInput: true, DefaultOutput: true},
	}
	tests := []struct {
		spec    string
		want    int    // Index, -1 for an error
		wantErr string // part of the error
	}{
		{"", 5, ""},
		{"2", 2, ""},
		{"0", 0, ""},
		{"usb", 2, ""},
		{"ALC892", 0, ""},
		{"pulse", 3, ""}, // the exact name wins over "pulse monitor"
		{"monitor", 4, ""},
		{"1", -1, "no input channels"},
		{"9", -1, "no device 9"},
		{"hw:", -1, "matches 2 input devices"},
		{"nothing", -1, `no input device matches "nothing"`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			d, err := FindInput(devs, tc.spec)
			if tc.want < 0 {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FindInput(%q) = %+v, %v; want an error with %q", tc.spec, d, err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), `2 "USB Audio Device`) && !strings.Contains(err.Error(), "hw:1,0") {
					t.Errorf("error %q does not list the inputs", err)
				}
				return
			}
			if err != nil || d.Index != tc.want {
				t.Fatalf("FindInput(%q) = %d, %v; want %d", tc.spec, d.Index, err, tc.want)
			}
		})
	}
	if _, err := FindInput([]Info{{Index: 0, Name: "out", OutputChannels: 2}}, ""); err == nil || !strings.Contains(err.Error(), "inputs: none") {
		t.Errorf("no inputs: %v", err)
	}
}

// TestCloseBounded checks that Close returns within StopTimeout however
// long the backend's stop takes, that the reader gets io.EOF at once, and
// that the stop still completes in the background.
func TestCloseBounded(t *testing.T) {
	c := newCapture(16000, CaptureOptions{StopTimeout: 50 * time.Millisecond})
	release, finished := make(chan struct{}), make(chan struct{})
	c.stop = func() error {
		<-release // a wedged PortAudio stop
		close(finished)
		return nil
	}
	c.push(make([]float32, 100))
	begin := time.Now()
	err := c.Close()
	if took := time.Since(begin); took > 5*time.Second {
		t.Fatalf("Close took %v", took)
	}
	if !errors.Is(err, ErrStopTimeout) {
		t.Fatalf("Close = %v, want ErrStopTimeout", err)
	}
	if again := c.Close(); !errors.Is(again, ErrStopTimeout) {
		t.Errorf("second Close = %v", again)
	}
	buf := make([]float32, 200)
	if n, err := c.Read(buf); n != 100 || err != nil {
		t.Errorf("Read after Close = %d, %v; want the 100 buffered samples", n, err)
	}
	if n, err := c.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("Read = %d, %v; want io.EOF", n, err)
	}
	close(release)
	<-finished
}

func TestCloseStopError(t *testing.T) {
	c := newCapture(16000, CaptureOptions{})
	boom := errors.New("boom")
	c.stop = func() error { return boom }
	if err := c.Close(); !errors.Is(err, boom) || errors.Is(err, ErrStopTimeout) {
		t.Errorf("Close = %v", err)
	}
	c = newCapture(16000, CaptureOptions{})
	c.stop = func() error { return nil }
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}
