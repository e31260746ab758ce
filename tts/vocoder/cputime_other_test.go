//go:build !unix

package vocoder

import "time"

// processCPU is unavailable here; CPU-time metrics read zero.
func processCPU() time.Duration { return 0 }
