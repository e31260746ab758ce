package vad_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/vad"
)

// A detector turns pushed audio into speech-start and speech-end events.
// Here: 0.5 s of near-silence, a 0.4 s tone, 1 s of near-silence, pushed
// in 20 ms chunks as a microphone would deliver them.
func ExampleEnergyDetector() {
	const rate = 16000
	var audio []float32
	for i := 0; i < rate*19/10; i++ {
		t := float64(i) / rate
		v := 1e-4 * math.Sin(2*math.Pi*50*t)
		if t >= 0.5 && t < 0.9 {
			v += 0.3 * math.Sin(2*math.Pi*220*t)
		}
		audio = append(audio, float32(v))
	}
	det, err := vad.NewEnergyDetector(vad.DefaultEnergyConfig())
	if err != nil {
		panic(err)
	}
	var events []vad.Event
	for i := 0; i < len(audio); i += 320 {
		events = det.Push(audio[i:min(i+320, len(audio))], events)
	}
	for _, ev := range det.Flush(events) {
		fmt.Println(ev.Kind, ev.Time(det.SampleRate()))
	}
	// Output:
	// speech-start 500ms
	// speech-end 900ms
}
