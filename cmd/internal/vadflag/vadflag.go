// Package vadflag is the --vad flag that transcribe and mynahd share, so
// that the server segments a file exactly as transcribe does with the same
// flag.
package vadflag

import (
	"fmt"

	"github.com/mynah-speech/mynah"
)

// Usage is the flag's help text.
const Usage = "cut long recordings in pauses with voice activity detection: on (the learned detector), learned, energy (the energy baseline) or off"

// Parse maps a --vad value to the recognizer's settings: whether to
// segment by voice activity (Config.VAD) and with which detector
// (Config.VADKind); "on" is the default, learned, detector.
func Parse(value string) (on bool, kind mynah.VADKind, err error) {
	switch value {
	case "on", "learned":
		return true, mynah.VADLearned, nil
	case "energy":
		return true, mynah.VADEnergy, nil
	case "off":
		return false, mynah.VADLearned, nil
	}
	return false, "", fmt.Errorf("--vad %q: want on, learned, energy or off", value)
}
