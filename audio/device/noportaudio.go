//go:build !portaudio

package device

import (
	"context"
	"fmt"

	"github.com/mynah-speech/mynah/audio"
)

// built reports whether PortAudio support is compiled in.
const built = false

func devices() ([]Info, error) {
	return nil, fmt.Errorf("list devices: %w", ErrNotBuilt)
}

func openCapture(CaptureOptions) (*Capture, error) {
	return nil, fmt.Errorf("open capture: %w", ErrNotBuilt)
}

func play(context.Context, []float32, audio.Rate) error {
	return fmt.Errorf("play: %w", ErrNotBuilt)
}
