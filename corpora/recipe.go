package corpora

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/text"
)

// Options tune a recipe. The zero value is what the shipped recipes use.
type Options struct {
	// Corpus names the corpus in the entries; empty means the recipe's
	// default (the folder's name for Shared).
	Corpus string
	// Normalize turns a transcript into its spoken form; nil means
	// text.Normalize.
	Normalize func(string) string
	// Duration measures an audio file, in seconds, for layouts that do not
	// record it (LibriSpeech, a bare FSDD folder, a user's TSV list); nil
	// decodes the file with audio.Open and counts its samples.
	Duration func(path string) (float64, error)
}

func (o Options) normalize(s string) string {
	if o.Normalize != nil {
		return o.Normalize(s)
	}
	return text.Normalize(s)
}

func (o Options) duration(path string) (float64, error) {
	if o.Duration != nil {
		return o.Duration(path)
	}
	return decodedDuration(path)
}

// decodedDuration decodes the whole file: MP3 and FLAC headers do not
// reliably say how long the audio is (VBR, gapless padding), and a
// header's claim is not to be trusted anyway.
func decodedDuration(path string) (float64, error) {
	src, err := audio.Open(path, audio.DecodeOptions{})
	if err != nil {
		return 0, err
	}
	defer src.Close()
	buf := make([]float32, 1<<14)
	var n int64
	for {
		k, err := src.Read(buf)
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("decode %s: %w", path, err)
		}
		if k == 0 {
			return 0, fmt.Errorf("decode %s: reader made no progress", path)
		}
	}
	rate := float64(src.SampleRate())
	if rate <= 0 {
		return 0, fmt.Errorf("decode %s: sample rate %v", path, rate)
	}
	return float64(n) / rate, nil
}

// tsvTable is a tab-separated file with a header line, as ../shared writes
// them: no quoting, no tabs inside fields.
type tsvTable struct {
	header []string
	col    map[string]int
	rows   [][]string
	lines  []int // source line number of each row, for error messages
}

func readTSV(r io.Reader, name string) (*tsvTable, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	t := &tsvTable{col: map[string]int{}}
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" {
			continue
		}
		fields := strings.Split(s, "\t")
		if t.header == nil {
			t.header = fields
			for i, h := range fields {
				t.col[strings.ToLower(strings.TrimSpace(h))] = i
			}
			continue
		}
		if len(fields) != len(t.header) {
			return nil, fmt.Errorf("%s line %d: %d fields, header has %d", name, line, len(fields), len(t.header))
		}
		t.rows = append(t.rows, fields)
		t.lines = append(t.lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if t.header == nil {
		return nil, fmt.Errorf("%s: no header line", name)
	}
	return t, nil
}

// get returns row's value of the first of names that is a column, or "".
func (t *tsvTable) get(row []string, names ...string) string {
	for _, n := range names {
		if i, ok := t.col[n]; ok {
			return strings.TrimSpace(row[i])
		}
	}
	return ""
}

func (t *tsvTable) has(name string) bool { _, ok := t.col[name]; return ok }

// normGender maps the corpora's spellings to "f" or "m", or "" when unknown.
func normGender(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "f", "female", "w", "woman":
		return "f"
	case "m", "male", "man":
		return "m"
	}
	return ""
}
