package mynah_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// Transcribe a file with the embedded English model.
func Example() {
	rec, err := mynah.NewRecognizer(mynah.Config{VAD: true})
	if err != nil {
		log.Fatal(err)
	}
	f, err := audio.Open("samples/hello.wav", audio.DecodeOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	tr, err := rec.Transcribe(context.Background(), f)
	if err != nil {
		log.Fatal(err)
	}
	// tr.Text holds the words; tr.Words their times and confidences.
	fmt.Printf("%.2f s of audio, %d segment(s)\n", tr.Duration, len(tr.Segments))
	// Output:
	// 3.48 s of audio, 1 segment(s)
}

// Errors name the problem; a bad file never panics.
func ExampleRecognizer_Transcribe_error() {
	_, err := audio.Open("samples/NOTICE.md", audio.DecodeOptions{})
	fmt.Println(err != nil)
	// Output:
	// true
}
