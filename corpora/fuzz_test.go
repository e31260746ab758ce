package corpora

import (
	"bytes"
	"strings"
	"testing"
)

// Fuzz targets for every parser of bytes from outside: TSV manifests, the
// user's audio<TAB>text lists, dev lists and cache shard indexes.

func FuzzReadTSV(f *testing.F) {
	f.Add([]byte("id\taudio\tduration\tspeaker\ttext\n0_george_0\taudio/0_george_0.flac\t0.298\tgeorge\tzero\n"))
	f.Add([]byte("id\taudio\n\r\n\ta\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := readTSV(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		for _, row := range tab.rows {
			if len(row) != len(tab.header) {
				t.Fatalf("row of %d fields under a header of %d", len(row), len(tab.header))
			}
			_ = tab.get(row, "id", "text", "nope")
		}
	})
}

func FuzzUserTSV(f *testing.F) {
	f.Add([]byte("audio\ttext\nclips/a.wav\tHello, World!\tme\n"))
	f.Add([]byte("# c\n/abs/b.mp3\tx\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{Normalize: normalizeForTest, Duration: func(string) (float64, error) { return 1, nil }}
		es, err := readUserTSV(bytes.NewReader(data), "/base", "fuzz", "c", opts)
		if err != nil {
			return
		}
		for _, e := range es {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid entry accepted: %v", err)
			}
		}
	})
}

func FuzzParseDevList(f *testing.F) {
	f.Add([]byte("# c\nspeechocean762\tspeaker\t0001\nkathleen\tprompt\tarctic_a0001\nlibrispeech\tcorpus\t*\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDevList(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		d.WriteTo(&buf)
		if _, err := ParseDevList(&buf); err != nil {
			t.Fatalf("written dev list does not parse: %v", err)
		}
	})
}

func FuzzShardIndex(f *testing.F) {
	f.Add([]byte(cacheHeader + "\na\t0\t10\t/x.mp3\nb\t10\t5\t/y.mp3\n"))
	f.Add([]byte(cacheHeader + "\na\t0\t10\t/x.mp3\nb\t11\t5\t/y"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := readShardIndex(bytes.NewReader(data))
		if err != nil {
			return
		}
		if ix.good > int64(len(data)) {
			t.Fatalf("good prefix %d past the %d bytes read", ix.good, len(data))
		}
		var end int64
		for _, sp := range ix.spans {
			if sp.off < 0 || sp.n < 0 || sp.off+sp.n > ix.end {
				t.Fatalf("span %+v outside end %d", sp, ix.end)
			}
			end = max(end, sp.off+sp.n)
		}
		if end != ix.end && len(ix.spans) > 0 && !strings.Contains(string(data), "\t0\t0\t") {
			t.Fatalf("end %d, spans reach %d", ix.end, end)
		}
	})
}
