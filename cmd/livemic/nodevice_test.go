//go:build !portaudio

package main

import (
	"context"
	"strings"
	"testing"
)

// Without the portaudio tag, asking for a device says how to build with it.
func TestDeviceNeedsBuildTag(t *testing.T) {
	for _, args := range [][]string{nil, {"--list-devices"}, {"--device", "2"}, {"--device", "USB"}} {
		code, out, stderr := runCmd(t, context.Background(), nil, args...)
		if code != 1 || out != "" {
			t.Errorf("%q: exit %d, stdout %q", args, code, out)
		}
		if !strings.Contains(stderr, "-tags portaudio") {
			t.Errorf("%q: stderr %q does not say how to build with PortAudio", args, stderr)
		}
	}
}
