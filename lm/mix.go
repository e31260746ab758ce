package lm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// mixture makes a Model the linear interpolation of other models:
//
//	P(w | h) = Σ_c λ_c·P_c(w | h)
//
// each P_c being that component's full backoff distribution. This is
// "dynamic" interpolation (Jelinek and Mercer, 1980; SRILM's -mix-lm
// without -write-lm): the exact mixture, not a backoff model approximating
// it, so no n-gram of any component is lost, which matters when one
// component is only available in the hashed binary form that cannot list
// its n-grams. A word outside a component's vocabulary gets probability 0
// from it (its <unk> mass stays on <unk>), so the mixture sums to one over
// the union vocabulary.
type mixture struct {
	components []*Model
	weights    []float64
	// ids[c][w] is the union word w's ID in component c, absent when the
	// component lacks it.
	ids [][]WordID
}

const absent = WordID(math.MaxUint32)

// mixMagic starts the binary form of a mixture:
//
//	magic "MYNAHMIX", u32 components, u32 0,
//	components × (f64 weight, u64 bytes), then each component's binary
//	form (magic MYNAHLM1: no spelling trie), 8-byte aligned.
const mixMagic = "MYNAHMIX"

// Interpolate returns the mixture of models with the given weights, which
// must be positive and sum to one. A mixture among the models is
// flattened into its components. The result is a Model like any other:
// Score, Perplexity, MarshalBinary and the decoder work on it. Its order
// is the largest component order and its vocabulary the union, in the
// first model's ID order followed by the others' new words.
func Interpolate(models []*Model, weights []float64) (*Model, error) {
	if len(models) == 0 || len(models) != len(weights) {
		return nil, fmt.Errorf("%w: %d models with %d weights", ErrInvalid, len(models), len(weights))
	}
	var flat []*Model
	var flatW []float64
	sum := 0.0
	for i, m := range models {
		w := weights[i]
		if m == nil || !(w > 0 && w <= 1) {
			return nil, fmt.Errorf("%w: interpolation weight %v (or nil model) at %d", ErrInvalid, w, i)
		}
		sum += w
		if m.mix != nil {
			for c, cm := range m.mix.components {
				flat = append(flat, cm)
				flatW = append(flatW, w*m.mix.weights[c])
			}
			continue
		}
		flat = append(flat, m)
		flatW = append(flatW, w)
	}
	if math.Abs(sum-1) > 1e-6 {
		return nil, fmt.Errorf("%w: interpolation weights sum to %v, not 1", ErrInvalid, sum)
	}
	return newMixture(flat, flatW)
}

func newMixture(components []*Model, weights []float64) (*Model, error) {
	mx := &mixture{components: components, weights: weights}
	m := &Model{mix: mx}
	var vocab []string
	index := map[string]WordID{}
	for _, c := range components {
		m.order = max(m.order, c.order)
		for id := range WordID(c.VocabSize()) {
			w := c.Word(id)
			if _, ok := index[w]; !ok {
				index[w] = WordID(len(vocab))
				vocab = append(vocab, w)
			}
		}
	}
	if uint64(len(vocab)) >= uint64(absent) {
		return nil, fmt.Errorf("%w: union vocabulary of %d words is too large", ErrInvalid, len(vocab))
	}
	mx.ids = make([][]WordID, len(components))
	for ci, c := range components {
		ids := make([]WordID, len(vocab))
		for u, w := range vocab {
			if id, ok := c.Lookup(w); ok {
				ids[u] = id
			} else {
				ids[u] = absent
			}
		}
		mx.ids[ci] = ids
	}
	m.setVocabulary(vocab)
	m.uniProb = make([]float32, len(vocab))
	m.uniBackoff = make([]float32, len(vocab))
	for id := range WordID(len(vocab)) {
		m.uniProb[id], _ = m.scoreMix(State{}, id)
	}
	return m, nil
}

// setVocabulary fills in the spelling blob, offsets and word hash.
func (m *Model) setVocabulary(vocab []string) {
	size := 0
	for _, w := range vocab {
		size += len(w)
	}
	m.blob = make([]byte, 0, size)
	m.offsets = make([]uint32, 0, len(vocab)+1)
	for _, w := range vocab {
		m.offsets = append(m.offsets, uint32(len(m.blob)))
		m.blob = append(m.blob, w...)
	}
	m.offsets = append(m.offsets, uint32(len(m.blob)))
	m.wordHash = make([]uint32, tableSize(len(vocab)))
	n := uint64(len(m.wordHash))
	for id, w := range vocab {
		i := reduce(hashString(w), n)
		for m.wordHash[i] != 0 {
			if i++; i == n {
				i = 0
			}
		}
		m.wordHash[i] = uint32(id) + 1
	}
}

// scoreMix is Score for a mixture. Its state keeps the last Order-1 words
// (union IDs) unminimised, since what each component can still use
// differs.
func (m *Model) scoreMix(state State, word WordID) (float32, State) {
	mx := m.mix
	if int(word) >= len(mx.ids[0]) {
		word = UnknownID
	}
	history := int(state.length)
	var hist [MaxOrder - 1]WordID
	total := 0.0
	for c, comp := range mx.components {
		cw := mx.ids[c][word]
		if cw == absent {
			continue
		}
		n := min(history, comp.order-1)
		for i := range n {
			if hist[i] = mx.ids[c][state.words[i]]; hist[i] == absent {
				hist[i] = UnknownID
			}
		}
		total += mx.weights[c] * math.Exp(float64(comp.scoreHistory(hist[:n], cw)))
	}
	var next State
	if m.order > 1 {
		next.words[0] = word
		keep := min(history, m.order-2)
		copy(next.words[1:1+keep], state.words[:keep])
		next.length = uint8(1 + keep)
	}
	// A fuzzed component can underflow every term; keep scores finite.
	return float32(math.Log(max(total, 1e-300))), next
}

// scoreHistory is Score for a plain model from an explicit history, most
// recent word first, finding the backoff weights by probing rather than
// from a cached State.
func (m *Model) scoreHistory(hist []WordID, word WordID) float32 {
	if int(word) >= len(m.uniProb) {
		word = UnknownID
	}
	logProb := m.uniProb[word]
	matched := 0 // history words the longest n-gram found uses
	hash := ngramStart(word)
	for i, h := range hist {
		hash = ngramExtend(hash, h)
		slot, ok := m.tables[i].find(hash)
		if !ok {
			break
		}
		logProb = m.tables[i].prob[slot]
		matched = i + 1
	}
	if len(hist) == 0 || int(hist[0]) >= len(m.uniBackoff) {
		return logProb
	}
	// The backoff weights of the contexts longer than the one used: the
	// most recent j+1 words, for j ≥ matched.
	ctx := ngramStart(hist[0])
	for j := range hist {
		var bo float32
		if j == 0 {
			bo = m.uniBackoff[hist[0]]
		} else {
			ctx = ngramExtend(ctx, hist[j])
			t := &m.tables[j-1]
			slot, ok := t.find(ctx)
			if !ok {
				break // no longer context exists either
			}
			bo = t.backoff[slot]
		}
		if j >= matched {
			logProb += bo
		}
	}
	return logProb
}

// Components returns the interpolation weights of a mixture's components,
// or nil for a plain model.
func (m *Model) Components() []float64 {
	if m.mix == nil {
		return nil
	}
	return append([]float64(nil), m.mix.weights...)
}

func (mx *mixture) marshal() ([]byte, error) {
	le := binary.LittleEndian
	parts := make([][]byte, len(mx.components))
	for i, c := range mx.components {
		// Components go without their spelling tries: a decoder checks
		// words against the mixture's union vocabulary, not theirs.
		parts[i] = c.marshal(nil)
	}
	out := []byte(mixMagic)
	out = le.AppendUint32(out, uint32(len(parts)))
	out = le.AppendUint32(out, 0)
	for i, p := range parts {
		out = le.AppendUint64(out, math.Float64bits(mx.weights[i]))
		out = le.AppendUint64(out, uint64(len(p)))
	}
	for _, p := range parts {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
		out = append(out, p...)
	}
	return out, nil
}

// maxComponents bounds what a mixture header may claim.
const maxComponents = 16

func loadMixture(data []byte) (*Model, error) {
	fail := func(format string, args ...any) (*Model, error) {
		return nil, fmt.Errorf("%w: binary mixture: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	le := binary.LittleEndian
	if len(data) < 16 {
		return fail("no header")
	}
	count := uint64(le.Uint32(data[8:]))
	if count == 0 || count > maxComponents {
		return fail("%d components outside 1..%d", count, maxComponents)
	}
	at := uint64(16 + 16*count)
	if at > uint64(len(data)) {
		return fail("file too short for %d components", count)
	}
	// Components alias data, so data must be 8-byte aligned for their
	// sections to be.
	if uintptr(unsafe.Pointer(unsafe.SliceData(data)))%8 != 0 {
		aligned := make([]uint64, (len(data)+7)/8)
		buf := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(aligned))), len(data))
		copy(buf, data)
		data = buf
	}
	components := make([]*Model, count)
	weights := make([]float64, count)
	sum := 0.0
	for i := range count {
		w := math.Float64frombits(le.Uint64(data[16+16*i:]))
		size := le.Uint64(data[24+16*i:])
		at = align8(at)
		if !(w > 0 && w <= 1) {
			return fail("component %d has weight %v", i, w)
		}
		if size > uint64(len(data)) || at+size > uint64(len(data)) {
			return fail("component %d of %d bytes overruns the file", i, size)
		}
		part := data[at : at+size : at+size]
		if bytes.HasPrefix(part, []byte(mixMagic)) {
			return fail("component %d is itself a mixture", i)
		}
		c, err := Load(part)
		if err != nil {
			return nil, fmt.Errorf("binary mixture component %d: %w", i, err)
		}
		components[i], weights[i] = c, w
		sum += w
		at += size
	}
	if math.Abs(sum-1) > 1e-6 {
		return fail("weights sum to %v", sum)
	}
	if align8(at) != uint64(len(data)) && at != uint64(len(data)) {
		return fail("%d trailing bytes", uint64(len(data))-at)
	}
	return newMixture(components, weights)
}

// Parse reads a model in any form mynah knows: the binary form (Load), a
// binary mixture (Interpolate's MarshalBinary), or ARPA text, told apart
// by their first bytes.
func Parse(data []byte) (*Model, error) {
	switch {
	case bytes.HasPrefix(data, []byte(binaryMagic)), bytes.HasPrefix(data, []byte(spellingMagic)):
		return Load(data)
	case bytes.HasPrefix(data, []byte(mixMagic)):
		return loadMixture(data)
	}
	head := data[:min(len(data), 4096)]
	if bytes.IndexByte(head, 0) >= 0 || !bytes.Contains(data[:min(len(data), 1<<20)], []byte(`\data\`)) {
		return nil, fmt.Errorf("%w: neither a mynah binary model (%s, %s) nor ARPA text (\\data\\)", ErrInvalid, binaryMagic, mixMagic)
	}
	g, err := ReadARPA(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return g.Compile()
}
