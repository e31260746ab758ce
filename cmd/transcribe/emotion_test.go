package main

import (
	"bufio"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestEmotionJSON is issue 12's Done-when: `transcribe --emotion --format
// json` carries "emotion": {"label", "confidence", "scores", "arousal"} in
// each file's object and in each segment, and text output stays as it was.
func TestEmotionJSON(t *testing.T) {
	labels := []string{"neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"}
	checkEmotion := func(where string, v any) {
		t.Helper()
		e, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: emotion %v is not an object", where, v)
			return
		}
		for _, key := range []string{"label", "confidence", "scores", "arousal"} {
			if _, ok := e[key]; !ok {
				t.Errorf("%s: emotion lacks %q: %v", where, key, e)
			}
		}
		scores, _ := e["scores"].(map[string]any)
		var sum float64
		for _, l := range labels {
			p, ok := scores[l].(float64)
			if !ok {
				t.Errorf("%s: no score for %s", where, l)
			}
			sum += p
		}
		if math.Abs(sum-1) > 0.01 {
			t.Errorf("%s: scores sum to %v", where, sum)
		}
		if a := e["arousal"]; a != "high" && a != "low" {
			t.Errorf("%s: arousal %v", where, a)
		}
		if c, _ := e["confidence"].(float64); c <= 0 || c > 1 {
			t.Errorf("%s: confidence %v for speech", where, e["confidence"])
		}
	}
	inputs := samples[:2]
	code, out, stderr := runCmd(t, nil, append([]string{"--emotion", "--format", "json"}, inputs...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	n := 0
	for ; sc.Scan(); n++ {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v", n, err)
		}
		checkEmotion(inputs[n], obj["emotion"])
		segs, _ := obj["segments"].([]any)
		for i, s := range segs {
			checkEmotion(inputs[n]+" segment "+string(rune('0'+i)), s.(map[string]any)["emotion"])
		}
	}
	if n != len(inputs) {
		t.Fatalf("%d JSON lines for %d inputs", n, len(inputs))
	}
	// Text says nothing new: the same line with and without --emotion.
	_, plain, _ := runCmd(t, nil, inputs[0])
	_, tagged, _ := runCmd(t, nil, "--emotion", inputs[0])
	if plain != tagged {
		t.Errorf("--emotion changed the text output: %q, want %q", tagged, plain)
	}
	// Without the flag there is no emotion object.
	_, out, _ = runCmd(t, nil, "--format", "json", inputs[0])
	if strings.Contains(out, `"emotion"`) {
		t.Errorf("emotion without --emotion: %s", out)
	}
}
