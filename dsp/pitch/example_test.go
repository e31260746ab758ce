package pitch_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/dsp/pitch"
)

func Example() {
	cfg := pitch.Default(16000)
	tr, err := pitch.New(cfg)
	if err != nil {
		panic(err)
	}
	// Half a second of a 220 Hz tone with two harmonics, then half a second of silence.
	x := make([]float32, 16000)
	for i := 0; i < 8000; i++ {
		t := float64(i) / 16000
		x[i] = float32(0.4*math.Sin(2*math.Pi*220*t) + 0.2*math.Sin(2*math.Pi*440*t))
	}
	track := tr.Track(x)
	fmt.Printf("%.0f frames/s, %d frames\n", cfg.FrameRate(), len(track.F0))
	fmt.Printf("frame 25: %.1f Hz, frame 75: %.0f Hz (unvoiced)\n", track.F0[25], track.F0[75])
	// Output:
	// 100 frames/s, 101 frames
	// frame 25: 220.0 Hz, frame 75: 0 Hz (unvoiced)
}
