package audio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mynah-speech/mynah/audio"
)

// Load is the one-call way to get a clip as 16 kHz mono samples.
func ExampleLoad() {
	samples, err := audio.Load("testdata/tone-48k-24bit.flac", 16000)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(samples), "samples at 16 kHz")
	// Output: 1600 samples at 16 kHz
}

// Streaming: decode and resample chunk by chunk, as for a long recording.
func ExampleOpen() {
	f, err := audio.Open("testdata/tone-44k-mpeg1-stereo.mp3", audio.DecodeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	d, _ := f.Duration()
	fmt.Println(f.Format(), f.SampleRate(), f.Channels(), "channels,", d)

	src := audio.Resample(f, 16000)
	buf := make([]float32, 1024)
	total := 0
	for {
		n, err := src.Read(buf)
		total += n // process buf[:n] here
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(total, "samples at", src.SampleRate())
	// Output:
	// MP3 44100 Hz 2 channels, 250ms
	// 4000 samples at 16000 Hz
}

func ExampleWriteWAV() {
	var buf bytes.Buffer
	if err := audio.WriteWAV(&buf, []float32{0, 0.5, -0.25}, 16000, audio.PCM16); err != nil {
		fmt.Println(err)
		return
	}
	src, err := audio.Decode(&buf, audio.DecodeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	samples, err := audio.ReadAll(src)
	fmt.Println(src.SampleRate(), samples, err)
	// Output: 16000 Hz [0 0.5 -0.25] <nil>
}

// Formats that are recognised but not decoded say how to convert them.
func ExampleDecode_unsupported() {
	_, err := audio.Decode(strings.NewReader("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00OpusHead"), audio.DecodeOptions{})
	fmt.Println(errors.Is(err, audio.ErrUnsupportedFormat))
	fmt.Println(err)
	// Output:
	// true
	// unsupported audio format: Ogg Opus is not supported; convert it with `ffmpeg -i IN -f s16le -ac 1 -ar 16000 -` and pass the raw PCM with a 16000 Hz sample rate
}

// Raw 16-bit PCM, as piped from ffmpeg, needs its rate.
func ExampleDecodeRaw() {
	pcm := []byte{0x00, 0x40, 0x00, 0xC0} // 16384, -16384 little-endian
	src, err := audio.DecodeRaw(bytes.NewReader(pcm), 16000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	samples, _ := audio.ReadAll(src)
	fmt.Println(samples)
	// Output: [0.5 -0.5]
}
