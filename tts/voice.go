package tts

// VoiceCard describes a voice: who it is, what it was trained on and how
// well it does. A voice file carries it as JSON in its metadata ("card"),
// the model card of the voice.
type VoiceCard struct {
	// Name is the voice's short name ("kathleen").
	Name string `json:"name"`
	// Language is a BCP 47 tag ("en-US").
	Language string `json:"language"`
	// SampleRate is the rate of the voice's audio in Hz.
	SampleRate int `json:"sample_rate"`
	// Description says what the voice sounds like.
	Description string `json:"description,omitempty"`
	// Data names the recordings the voice was trained on and their licence.
	Data string `json:"data,omitempty"`
	// License is the licence of the voice file itself.
	License string `json:"license,omitempty"`
	// Command is what made the voice file (training and export).
	Command string `json:"command,omitempty"`
	// Figures are measured results ("dev_mcd_db": "6.1", ...).
	Figures map[string]string `json:"figures,omitempty"`
}
