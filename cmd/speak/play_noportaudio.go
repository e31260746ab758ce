//go:build !portaudio

package main

// playBuilt reports whether --play can work: this build has no PortAudio.
const playBuilt = false
