//go:build race

package vocoder

// raceEnabled: the race detector allocates, so allocation tests skip.
const raceEnabled = true
