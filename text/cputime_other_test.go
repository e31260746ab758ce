//go:build !unix

package text

import "time"

func processCPU() time.Duration { return 0 }
