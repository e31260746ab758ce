package acoustic

import (
	"fmt"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
)

// Stream runs a Model on live audio in chunks, with cached state: the
// convolution front recomputes only a few frames of left context, each
// block keeps its attention keys and values (up to LeftChunks chunks) and
// the last K−1 frames of its causal convolution. The CPU cost per chunk is
// therefore constant. Its output equals an offline Forward with the same
// ChunkSize and LeftChunks (up to float rounding).
//
// Look-ahead: a frame waits for the end of its chunk (ChunkFrames output
// frames), plus two feature frames for the convolution front and half an
// analysis window.
//
// A Stream is not safe for concurrent use; make one per audio stream.
type Stream struct {
	m          *Model
	chunk      int
	leftFrames int // attention cache limit in output frames; <0: unlimited
	tape       *nn.Tape
	feat       *feature.Stream
	featDim    int

	feats     []float32 // normalised features from frame featStart on
	featStart int
	featTotal int
	flushed   bool
	next      int // next output frame to compute

	keys, values [][]float32 // per block, [cached frames, Dim]
	conv         [][]float32 // per block, [K−1, Dim]
	out          []float32
	pop          []float32
}

// NewStream returns a streaming runner that emits output frames in chunks
// of chunkFrames (e.g. 8: 240 ms) and lets attention see leftChunks earlier
// chunks (0: all).
func (m *Model) NewStream(chunkFrames, leftChunks int) (*Stream, error) {
	if chunkFrames < 1 || chunkFrames > 1000 || leftChunks < 0 {
		return nil, fmt.Errorf("acoustic: stream chunk %d frames, %d left chunks", chunkFrames, leftChunks)
	}
	ext, err := feature.New(m.front.Features)
	if err != nil {
		return nil, fmt.Errorf("acoustic: %w", err)
	}
	t := nn.NewTape(0)
	t.SetTraining(false)
	s := &Stream{
		m: m, chunk: chunkFrames, leftFrames: -1, tape: t, feat: ext.NewStream(), featDim: m.cfg.Mels,
		keys: make([][]float32, len(m.blocks)), values: make([][]float32, len(m.blocks)), conv: make([][]float32, len(m.blocks)),
	}
	if leftChunks > 0 {
		s.leftFrames = leftChunks * chunkFrames
	}
	for i := range s.conv {
		s.conv[i] = make([]float32, (m.cfg.ConvKernel-1)*m.cfg.Dim)
	}
	return s, nil
}

// Reset forgets all audio so the stream can start a new utterance.
func (s *Stream) Reset() {
	s.feat.Reset()
	s.feats, s.featStart, s.featTotal, s.flushed, s.next = s.feats[:0], 0, 0, false, 0
	for i := range s.keys {
		s.keys[i], s.values[i] = s.keys[i][:0], s.values[i][:0]
		clear(s.conv[i])
	}
	s.out = s.out[:0]
}

// Accept feeds samples at the front-end's rate and returns the
// log-probabilities (frames × len(Vocab), row-major) of the output frames
// completed so far, and their count. The slice is valid until the next call.
func (s *Stream) Accept(samples []float32) ([]float32, int, error) {
	if s.flushed {
		return nil, 0, fmt.Errorf("acoustic: Accept after Flush (call Reset first)")
	}
	s.feat.Push(samples)
	return s.run()
}

// Flush ends the utterance and returns the remaining output frames.
func (s *Stream) Flush() ([]float32, int, error) {
	if !s.flushed {
		s.feat.Flush()
		s.flushed = true
	}
	return s.run()
}

// Frames is the number of output frames emitted so far.
func (s *Stream) Frames() int { return s.next }

func (s *Stream) run() ([]float32, int, error) {
	s.drainFeatures()
	s.out = s.out[:0]
	emitted := 0
	stride := s.m.cfg.TimeStride
	for {
		var end int
		if s.flushed {
			end = s.m.cfg.OutputFrames(s.featTotal)
		} else {
			// Frame u needs input frames up to stride·u+2.
			if s.featTotal < 3 {
				break
			}
			end = (s.featTotal-3)/stride + 1
		}
		if end <= s.next || (!s.flushed && end-s.next < s.chunk) {
			break
		}
		b := min(end, s.next+s.chunk)
		if err := s.chunkForward(s.next, b); err != nil {
			return nil, 0, err
		}
		emitted += b - s.next
		s.next = b
	}
	return s.out, emitted, nil
}

func (s *Stream) drainFeatures() {
	for s.feat.Pending() > 0 {
		n := len(s.feats)
		s.feats = append(s.feats, make([]float32, s.featDim)...)
		if s.feat.Pop(s.feats[n:]) == 0 {
			s.feats = s.feats[:n]
			break
		}
		s.m.front.Norm.Apply(s.feats[n:])
		s.featTotal++
	}
}

// chunkForward computes output frames [a, b) and appends their
// log-probabilities to s.out.
func (s *Stream) chunkForward(a, b int) error {
	cfg := s.m.cfg
	stride := cfg.TimeStride
	// The convolution front is recomputed on a window starting `skip`
	// outputs early (at a multiple of the stride), so its left padding
	// never reaches the frames kept.
	skip := (2 + stride - 1) / stride
	lo := max(0, stride*(a-skip))
	hi := min(s.featTotal, stride*(b-1)+3)
	t := s.tape
	t.Reset()
	window := s.feats[(lo-s.featStart)*s.featDim : (hi-s.featStart)*s.featDim]
	x, err := s.m.frontForward(t, t.Input([]int{1, hi - lo, cfg.Mels}, window))
	if err != nil {
		return err
	}
	first := a - lo/stride
	x = t.Slice(x, 1, first, first+b-a)
	for i, blk := range s.m.blocks {
		x = s.blockChunk(t, i, blk, x, a)
	}
	logits := t.Linear(x, t.Param(s.m.outW), t.Param(s.m.outB))
	s.out = append(s.out, t.LogSoftmax(logits).Data...)
	// Keep the features the next chunk's window needs.
	keepFrom := max(0, stride*(b-skip))
	if drop := keepFrom - s.featStart; drop > 0 {
		s.feats = append(s.feats[:0], s.feats[drop*s.featDim:]...)
		s.featStart = keepFrom
	}
	return nil
}

// blockChunk is block.forward on one chunk with the block's caches.
func (s *Stream) blockChunk(t *nn.Tape, i int, b *block, x *nn.Var, pos int) *nn.Var {
	cfg := s.m.cfg
	x = t.AddScaled(x, b.ff1.forward(t, x, 0), 0.5)
	if a := b.attn; a != nil {
		h := t.LayerNorm(x, t.Param(a.lnG), t.Param(a.lnB), layerNormEps)
		q := t.RoPE(t.Linear(h, t.Param(a.wq), t.Param(a.bq)), cfg.Heads, pos)
		k := t.RoPE(t.Linear(h, t.Param(a.wk), t.Param(a.bk)), cfg.Heads, pos)
		v := t.Linear(h, t.Param(a.wv), t.Param(a.bv))
		cached := len(s.keys[i]) / cfg.Dim
		kAll, vAll := k, v
		if cached > 0 {
			kAll = t.Concat(1, t.Input([]int{1, cached, cfg.Dim}, s.keys[i]), k)
			vAll = t.Concat(1, t.Input([]int{1, cached, cfg.Dim}, s.values[i]), v)
		}
		o := t.Attention(q, kAll, vAll, cfg.Heads, nn.AttnMask{QueryOffset: cached})
		x = t.Add(x, t.Linear(o, t.Param(a.wo), t.Param(a.bo)))
		s.keys[i] = s.trimCache(append(s.keys[i], k.Data...))
		s.values[i] = s.trimCache(append(s.values[i], v.Data...))
	}
	c := &b.conv
	h := t.LayerNorm(x, t.Param(c.lnG), t.Param(c.lnB), layerNormEps)
	h = t.GLU(t.Linear(h, t.Param(c.pw1W), t.Param(c.pw1B)))
	ctx := t.Input([]int{1, cfg.ConvKernel - 1, cfg.Dim}, s.conv[i])
	h2 := t.DepthwiseConv1DContext(h, ctx, t.Param(c.dwW), t.Param(c.dwB))
	// The next chunk's context: the last K−1 frames of (context, h).
	n := h.Dim(1)
	kctx := cfg.ConvKernel - 1
	if n >= kctx {
		copy(s.conv[i], h.Data[(n-kctx)*cfg.Dim:])
	} else {
		copy(s.conv[i], s.conv[i][n*cfg.Dim:])
		copy(s.conv[i][(kctx-n)*cfg.Dim:], h.Data)
	}
	h2 = t.SiLU(t.LayerNorm(h2, t.Param(c.ln2G), t.Param(c.ln2B), layerNormEps))
	x = t.Add(x, t.Linear(h2, t.Param(c.pw2W), t.Param(c.pw2B)))
	x = t.AddScaled(x, b.ff2.forward(t, x, 0), 0.5)
	return t.LayerNorm(x, t.Param(b.lnG), t.Param(b.lnB), layerNormEps)
}

// trimCache keeps the attention cache within the left-context limit.
func (s *Stream) trimCache(c []float32) []float32 {
	if s.leftFrames < 0 {
		return c
	}
	dim := s.m.cfg.Dim
	if extra := len(c)/dim - s.leftFrames; extra > 0 {
		return append(c[:0], c[extra*dim:]...)
	}
	return c
}
