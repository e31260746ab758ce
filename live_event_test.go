package mynah

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestLiveEventWire holds LiveEvent's JSON to the wire format that
// livemic's and the server's own event types wrote before they became this
// one: testdata/live_events.jsonl was produced by encoding/json from
// cmd/livemic's event and server.Event at commit 1efcb2e (Go 1.26). Every
// line must decode strictly (no unknown field) and encode back to the
// same bytes.
func TestLiveEventWire(t *testing.T) {
	data, err := os.ReadFile("testdata/live_events.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var ev LiveEvent
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		got, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, line) {
			t.Errorf("line %d:\n got %s\nwant %s", n+1, got, line)
		}
		n++
	}
	if n < 5 {
		t.Fatalf("golden has %d lines", n)
	}
}

func TestNewLiveEvent(t *testing.T) {
	tests := []struct {
		name       string
		words      []Word
		start, end float64
	}{
		{"none", nil, 0, 0},
		{"one", []Word{{Word: "hi", Start: 0.5, End: 0.75}}, 0.5, 0.75},
		{"two", []Word{{Word: "hi", Start: 0.5, End: 0.75}, {Word: "there", Start: 0.8, End: 1.2}}, 0.5, 1.2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := NewLiveEvent(LiveFinal, tc.words, 1.5)
			if ev.Type != LiveFinal || ev.EmittedAt != 1.5 || ev.Start != tc.start || ev.End != tc.end || ev.Words == nil {
				t.Errorf("%+v", ev)
			}
			b, _ := json.Marshal(ev)
			if !bytes.Contains(b, []byte(`"words":[`)) {
				t.Errorf("words not a list: %s", b)
			}
		})
	}
}
