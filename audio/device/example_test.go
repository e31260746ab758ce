package device_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/audio/device"
)

// Record from the default microphone at 16 kHz. Without the portaudio
// build tag this prints how to build with it. (Not run by go test: it
// needs a sound card.)
func ExampleOpenCapture() {
	mic, err := device.OpenCapture(device.CaptureOptions{Buffer: 5 * time.Second})
	if errors.Is(err, device.ErrNotBuilt) {
		fmt.Println(err)
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mic.Close()
	src := audio.Resample(mic, 16000) // from the device's native rate
	buf := make([]float32, 1600)
	for range 50 { // about 5 s
		n, err := src.Read(buf)
		if err != nil {
			break
		}
		_ = buf[:n] // feed a recogniser here
	}
	if mic.Overruns() > 0 {
		fmt.Println("dropped", mic.Dropped(), "samples: the reader was too slow")
	}
}
