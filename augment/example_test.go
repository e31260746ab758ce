package augment_test

import (
	"fmt"
	"math"

	"github.com/mynah-speech/mynah/augment"
)

// Noise is mixed at a target SNR measured on the speech's active frames,
// whatever the noise clip's own loudness.
func ExampleMixAtSNR() {
	speech := make([]float32, 16000)
	for i := range speech {
		speech[i] = 0.3 * float32(math.Sin(2*math.Pi*220*float64(i)/16000))
	}
	noise := augment.Coloured(len(speech), augment.Pink, augment.NewRNG(1, "example", 0))
	clean := append([]float32(nil), speech...)
	augment.MixAtSNR(speech, noise, 10)
	added := make([]float32, len(speech))
	for i := range added {
		added[i] = speech[i] - clean[i]
	}
	fmt.Printf("SNR %.1f dB\n", 10*math.Log10(augment.ActivePower(clean)/augment.Power(added)))
	// Output: SNR 10.0 dB
}

// SpecAugment masks bands of a frames x bins feature matrix in place.
func ExampleSpecAugment() {
	const frames, bins = 100, 80
	feat := make([]float32, frames*bins)
	for i := range feat {
		feat[i] = 1
	}
	cfg := augment.SpecAugmentConfig{FreqMasks: 1, MaxFreqWidth: 10, TimeMasks: 1, MaxTimeWidth: 10}
	if err := augment.SpecAugment(feat, frames, bins, cfg, augment.NewRNG(7, "utt1", 0)); err != nil {
		fmt.Println(err)
	}
	masked := 0
	for _, v := range feat {
		if v == 0 {
			masked++
		}
	}
	fmt.Println(masked > 0)
	// Output: true
}
