//go:build portaudio

package main

// playBuilt reports whether --play can work: this build has PortAudio.
const playBuilt = true
