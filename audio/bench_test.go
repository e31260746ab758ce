package audio

import (
	"bytes"
	"io"
	"os"
	"testing"

	goaudio "github.com/go-audio/audio"
	"github.com/go-audio/wav"
	"github.com/hajimehoshi/go-mp3"
	"github.com/mewkiz/flac"
)

// BenchmarkDecode measures decoding to mono float32 in x-realtime (seconds
// of audio per second), each format beside a peer in the same run: for WAV
// github.com/go-audio/wav reading the same file into ints, for FLAC and MP3
// the underlying decoders (mewkiz/flac, go-mp3) alone, so the ratio is the
// cost of this package's streaming, mixing and scaling. FLAC and MP3 use
// files of ../shared when present (never committed) and are skipped
// otherwise.
func BenchmarkDecode(b *testing.B) {
	const seconds = 60
	var wavBuf bytes.Buffer
	WriteWAV(&wavBuf, sine(16000*seconds, 16000, 440, 0.5), 16000, PCM16)
	wavData := wavBuf.Bytes()
	drainAll := func(b *testing.B, src Source) {
		buf := make([]float32, 4096)
		for {
			if _, err := src.Read(buf); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				return
			}
		}
	}
	rt := func(b *testing.B, sec float64) {
		b.ReportMetric(sec*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	}
	b.Run("format=wav/impl=mynah", func(b *testing.B) {
		for b.Loop() {
			src, err := Decode(bytes.NewReader(wavData), DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			drainAll(b, src)
		}
		rt(b, seconds)
	})
	b.Run("format=wav/impl=go-audio-wav", func(b *testing.B) {
		for b.Loop() {
			d := wav.NewDecoder(bytes.NewReader(wavData))
			buf := &goaudio.IntBuffer{Data: make([]int, 4096)}
			out := make([]float32, 4096)
			for {
				n, err := d.PCMBuffer(buf)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
				for i, v := range buf.Data[:n] {
					out[i] = float32(v) / 32768
				}
			}
		}
		rt(b, seconds)
	})

	flacPath := "../../shared/noise/audio/car_engine.flac" // 13.7 s, 16 kHz
	flacData, flacErr := os.ReadFile(flacPath)
	b.Run("format=flac/impl=mynah", func(b *testing.B) {
		if flacErr != nil {
			b.Skip(flacErr)
		}
		for b.Loop() {
			src, err := Decode(bytes.NewReader(flacData), DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			drainAll(b, src)
		}
		rt(b, 13.71825)
	})
	b.Run("format=flac/impl=mewkiz-flac", func(b *testing.B) {
		if flacErr != nil {
			b.Skip(flacErr)
		}
		for b.Loop() {
			s, err := flac.New(bytes.NewReader(flacData))
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := s.ParseNext(); err != nil {
					break
				}
			}
		}
		rt(b, 13.71825)
	})

	mp3Path := "../../shared/corpora/ljspeech-part1/audio/LJ001-0001.mp3" // 9.7 s, 16 kHz
	mp3Data, mp3Err := os.ReadFile(mp3Path)
	b.Run("format=mp3/impl=mynah", func(b *testing.B) {
		if mp3Err != nil {
			b.Skip(mp3Err)
		}
		for b.Loop() {
			src, err := Decode(bytes.NewReader(mp3Data), DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			drainAll(b, src)
		}
		rt(b, 9.655)
	})
	b.Run("format=mp3/impl=go-mp3", func(b *testing.B) {
		if mp3Err != nil {
			b.Skip(mp3Err)
		}
		buf := make([]byte, 16384)
		for b.Loop() {
			d, err := mp3.NewDecoder(onlyReader{bytes.NewReader(mp3Data)})
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := d.Read(buf); err != nil {
					break
				}
			}
		}
		rt(b, 9.655)
	})
}
