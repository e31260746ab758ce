package augment

import (
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
)

// NewRNG returns the random source for one utterance in one epoch: a PCG
// (math/rand/v2) seeded from SHA-256 of seed, key and epoch, so draws do not
// depend on the order utterances are visited in or on how many workers
// visit them.
func NewRNG(seed uint64, key string, epoch int) *rand.Rand {
	sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + "\x00" + key + "\x00" + strconv.Itoa(epoch)))
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])))
}

// uniform draws from [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
