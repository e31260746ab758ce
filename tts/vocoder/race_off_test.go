//go:build !race

package vocoder

const raceEnabled = false
