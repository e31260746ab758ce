package server

import (
	"container/list"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// transcriber is what the handlers need of a mynah.Recognizer; tests and
// fuzz targets substitute a fast fake.
type transcriber interface {
	Transcribe(ctx context.Context, src audio.Source) (mynah.Transcript, error)
}

// maxPromptRecognizers bounds the recognizers kept for distinct prompt
// hotword sets. Each holds its own copy of the model (mynah.NewRecognizer
// loads one: about 40 MB for the embedded model, plus its runners' buffers
// while in use), so the bound is also a memory bound.
const maxPromptRecognizers = 4

// maxPromptHotwords bounds the hotwords one prompt may add.
const maxPromptHotwords = 100

// recognizers holds the base recognizer and a small LRU cache of
// recognizers with a request's prompt hotwords added.
type recognizers struct {
	cfg       mynah.Config
	base      transcriber
	modelName string

	mu    sync.Mutex
	order *list.List // of *promptRecognizer, most recent first
	byKey map[string]*list.Element
}

type promptRecognizer struct {
	key  string
	once sync.Once
	rec  *mynah.Recognizer
	err  error
}

func newRecognizers(cfg mynah.Config) (*recognizers, error) {
	base, err := mynah.NewRecognizer(cfg)
	if err != nil {
		return nil, err
	}
	return &recognizers{cfg: cfg, base: base, modelName: base.ModelName(), order: list.New(), byKey: map[string]*list.Element{}}, nil
}

// parsePrompt turns an OpenAI "prompt" into hotwords: the prompt is split at
// commas and line breaks, and each part is a "phrase[:weight]" as
// `transcribe --hotword` takes it.
func parsePrompt(prompt string) ([]mynah.Hotword, error) {
	var out []mynah.Hotword
	for _, part := range strings.FieldsFunc(prompt, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		hw, err := mynah.ParseHotword(part)
		if err != nil {
			return nil, err
		}
		out = append(out, hw)
		if len(out) > maxPromptHotwords {
			return nil, fmt.Errorf("more than %d hotwords", maxPromptHotwords)
		}
	}
	return out, nil
}

// forRequest returns a recognizer with extra hotwords added to the base
// config's and, with withEmotion, emotion tagging on (mynah.Config.Emotion,
// as `transcribe --emotion`), building it (once) when it is not cached.
func (rs *recognizers) forRequest(extra []mynah.Hotword, withEmotion bool) (transcriber, error) {
	withEmotion = withEmotion && !rs.cfg.Emotion
	if len(extra) == 0 && !withEmotion {
		return rs.base, nil
	}
	all := append(append([]mynah.Hotword(nil), rs.cfg.Hotwords...), extra...)
	keys := make([]string, len(all))
	for i, h := range all {
		keys[i] = strconv.Quote(h.Phrase) + ":" + strconv.FormatFloat(h.Weight, 'g', -1, 64)
	}
	sort.Strings(keys)
	key := strings.Join(keys, ",")
	if withEmotion {
		key = "emotion;" + key
	}

	rs.mu.Lock()
	var pr *promptRecognizer
	if el, ok := rs.byKey[key]; ok {
		rs.order.MoveToFront(el)
		pr = el.Value.(*promptRecognizer)
	} else {
		pr = &promptRecognizer{key: key}
		rs.byKey[key] = rs.order.PushFront(pr)
		for rs.order.Len() > maxPromptRecognizers {
			last := rs.order.Back()
			rs.order.Remove(last)
			delete(rs.byKey, last.Value.(*promptRecognizer).key)
		}
	}
	rs.mu.Unlock()

	pr.once.Do(func() {
		cfg := rs.cfg
		cfg.Hotwords = all
		cfg.Emotion = cfg.Emotion || withEmotion
		pr.rec, pr.err = mynah.NewRecognizer(cfg)
	})
	return pr.rec, pr.err
}
