//go:build !unix

package g2p

import "time"

func processCPU() time.Duration { return 0 }
