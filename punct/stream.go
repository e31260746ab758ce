package punct

import (
	"github.com/mynah-speech/mynah/internal/vec"
	"github.com/mynah-speech/mynah/nn"
)

// Stream punctuates words as they arrive, for live dictation, with the
// Streaming encoder: a word is labelled once LookAhead more words have
// come (or the stream is flushed), and its label never changes after.
// A Stream holds one dictation's state and is not safe for concurrent use;
// the Model behind it is.
type Stream struct {
	m       *Model
	words   []string // left context, then words not yet labelled
	pending int      // index in words of the first unlabelled word
	state   decodeState
	scores  []float32
	enc     *streamEncoder // nil for the linear tagger
}

// streamEncoder runs the Streaming encoder one layer at a time, keeping
// what each layer has computed: a layer's output at a word is final once
// its input is final LookAhead words further on, so each word passes
// through each layer once, where re-reading the whole window for every
// word (Context + LookAhead + 1 words) cost ~30 times as much. The rows
// are those Forward computes for the whole text, up to the order of
// floating-point sums in the matrix products.
type streamEncoder struct {
	// acts[0] holds each word's embedding (Dim wide); acts[l+1] layer l's
	// outputs (Channels wide); final[l] counts rows of acts[l], from the
	// first word of Stream.words. scores has final[len(acts)-1] rows.
	acts   [][]float32
	normed [][]float32 // normed[l], l > 0: acts[l]'s rows through layer l's LayerNorm
	widths []int
	final  []int
	tape   *nn.Tape
	ids    []int
	col    []float32 // one output row's taps, ordered (channel, tap) like a weight row
	scores []float32
}

// NewStream starts a live text.
func (m *Model) NewStream() *Stream {
	s := &Stream{m: m, state: decodeState{atStart: true}}
	if m.linear == nil {
		n := len(m.cfg.StreamLayers) + 1
		t := nn.NewTape(0)
		t.SetTraining(false)
		widths := make([]int, n)
		widths[0] = m.cfg.Dim
		for l := 1; l < n; l++ {
			widths[l] = m.cfg.Channels
		}
		s.enc = &streamEncoder{acts: make([][]float32, n), normed: make([][]float32, n), widths: widths, final: make([]int, n), tape: t}
	}
	return s
}

// LookAhead returns how many words a Stream waits for before labelling a
// word.
func (s *Stream) LookAhead() int { return s.m.cfg.LookAhead(Streaming) }

// Accept adds spoken-form words and returns the display form (as Apply
// writes it) of every word that is now final, in order.
func (s *Stream) Accept(words ...string) []string {
	s.words = append(s.words, words...)
	upto := len(s.words) - s.LookAhead()
	if s.enc == nil || upto <= s.pending {
		return display(s.label(upto))
	}
	s.enc.advance(s.m, s.words)
	toks := s.state.decode(s.words[s.pending:upto], s.enc.scores[s.pending*numOutputs:], s.m.cfg.StreamDecision)
	s.pending = upto
	s.dropContext()
	return display(toks)
}

// Flush labels every word still waiting and ends the text with a sentence
// mark; the next word accepted starts a new sentence. Use it at the end of
// an utterance.
func (s *Stream) Flush() []string {
	toks := s.label(len(s.words))
	if n := len(toks); n > 0 {
		endText(toks)
	}
	s.words, s.pending = s.words[:0], 0
	s.state = decodeState{atStart: true}
	if s.enc != nil {
		for l := range s.enc.acts {
			s.enc.acts[l], s.enc.normed[l], s.enc.final[l] = s.enc.acts[l][:0], s.enc.normed[l][:0], 0
		}
		s.enc.scores = s.enc.scores[:0]
	}
	return display(toks)
}

func display(toks []Token) []string {
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Display()
	}
	return out
}

// label decides words [pending, upto) and drops context no longer needed.
func (s *Stream) label(upto int) []Token {
	if upto <= s.pending {
		return nil
	}
	s.scores = s.m.scores(s.scores, Streaming, s.words)
	toks := s.state.decode(s.words[s.pending:upto], s.scores[s.pending*numOutputs:], s.m.cfg.StreamDecision)
	s.pending = upto
	s.dropContext()
	return toks
}

// dropContext forgets the words (and their rows) that can no longer
// change a label.
func (s *Stream) dropContext() {
	keep := s.m.cfg.Context(Streaming)
	if s.pending <= keep {
		return
	}
	drop := s.pending - keep
	s.words = append(s.words[:0], s.words[drop:]...)
	s.pending -= drop
	if e := s.enc; e != nil {
		for l, a := range e.acts {
			n := min(drop, e.final[l])
			e.acts[l] = append(a[:0], a[n*e.widths[l]:]...)
			normedRows := min(drop, len(e.normed[l])/e.widths[l])
			e.normed[l] = append(e.normed[l][:0], e.normed[l][normedRows*e.widths[l]:]...)
			e.final[l] -= n
		}
		n := min(drop, len(e.scores)/numOutputs)
		e.scores = append(e.scores[:0], e.scores[n*numOutputs:]...)
	}
}

// advance computes every row that words make final: the new words'
// embeddings, then each layer's outputs as far as its input reaches, then
// the scores, by the operations of Model.Forward on just those rows.
func (e *streamEncoder) advance(m *Model, words []string) {
	t := e.tape
	t.Reset()
	if n := len(words) - e.final[0]; n > 0 {
		e.ids = m.Features(e.ids[:0], words[e.final[0]:]...)
		emb, err := t.Embedding(t.Param(m.embed), e.ids, 1, n, 2)
		if err != nil { // Features only makes valid ids
			panic(err)
		}
		e.acts[0] = append(e.acts[0], t.SumAxis(emb, 2, false).Data...)
		e.final[0] = len(words)
	}
	enc := &m.enc[Streaming]
	for l, cl := range enc.layers {
		width := e.widths[l]
		from, to := e.final[l+1], e.final[l]-cl.layer.right()
		if to <= from {
			return
		}
		x := e.acts[0]
		if l > 0 {
			// Each row is normalised once, when it becomes final.
			if done := len(e.normed[l]) / width; done < e.final[l] {
				in := t.Input([]int{1, e.final[l] - done, width}, e.acts[l][done*width:e.final[l]*width])
				e.normed[l] = append(e.normed[l], t.LayerNorm(in, t.Param(cl.lnG), t.Param(cl.lnB), 1e-5).Data...)
			}
			x = e.normed[l]
		}
		e.conv(l, cl, x, from, to)
		e.final[l+1] = to
	}
	top := len(enc.layers)
	from, to := len(e.scores)/numOutputs, e.final[top]
	if to <= from {
		return
	}
	width := e.widths[top]
	x := t.Input([]int{1, to - from, width}, e.acts[top][from*width:to*width])
	x = t.LayerNorm(x, t.Param(enc.lnG), t.Param(enc.lnB), 1e-5)
	e.scores = append(e.scores, t.Linear(x, t.Param(enc.oW), t.Param(enc.oB)).Data...)
}

// conv appends layer l's outputs at rows [from, to) to acts[l+1]:
// ReLU(bias + W·taps) as nn.Tape.Conv1D computes them, plus the input row
// after the first layer (the residual). x holds the layer's (normalised)
// input rows; taps before the first word read zeros, as
// Forward's padding does. A matrix product would pack the whole weight
// matrix for the one or two rows a word adds; a dot product per channel
// reads it once.
func (e *streamEncoder) conv(l int, cl convLayer, x []float32, from, to int) {
	lay, width := cl.layer, e.widths[l]
	k := lay.Kernel
	ck := width * k
	e.col = grow(e.col, ck)
	w, b := cl.w.Value, cl.b.Value
	in, out := e.acts[l], e.acts[l+1]
	x = x[:len(x):len(x)] // a row not yet computed must fail loudly, not read stale memory
	for p := from; p < to; p++ {
		for tap := 0; tap < k; tap++ {
			j := p - lay.left() + tap*lay.Dilation
			if j < 0 {
				for ch := 0; ch < width; ch++ {
					e.col[ch*k+tap] = 0
				}
				continue
			}
			for ch, v := range x[j*width : (j+1)*width] {
				e.col[ch*k+tap] = v
			}
		}
		for c := range b {
			y := max(b[c]+vec.Dot(w[c*ck:(c+1)*ck], e.col), 0)
			if l > 0 {
				y = in[p*width+c] + y
			}
			out = append(out, y)
		}
	}
	e.acts[l+1] = out
}
