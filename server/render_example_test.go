package server_test

import (
	"os"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/server"
)

func ExampleRender() {
	tr := mynah.Transcript{
		File:     "hello.wav",
		Duration: 1.2,
		Text:     "hello world",
		Words: []mynah.Word{
			{Word: "hello", Start: 0.1, End: 0.5, Confidence: 0.9},
			{Word: "world", Start: 0.6, End: 1.1, Confidence: 0.8},
		},
		Segments: []mynah.Segment{{Start: 0.1, End: 1.1, Text: "hello world"}},
	}
	server.Render(os.Stdout, "text", tr, false)
	server.Render(os.Stdout, "text", tr, true)
	server.Render(os.Stdout, "srt", tr, false)
	server.Render(os.Stdout, "json", mynah.Transcript{File: "bad.wav", Error: "corrupt audio"}, false)
	// Output:
	// hello world
	// hello.wav: hello world
	// 1
	// 00:00:00,100 --> 00:00:01,100
	// hello world
	//
	// {"file":"bad.wav","error":"corrupt audio"}
}
