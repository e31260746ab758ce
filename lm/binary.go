package lm

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"unsafe"
)

// The binary form is the Model's memory laid out flat, little-endian, each
// section 8-byte aligned, so Load can alias a byte slice (an embedded
// file, an mmap) instead of parsing it:
//
//	magic "MYNAHLM1" or "MYNAHLM2"
//	u32 order, vocabulary size V, spelling bytes B, word-hash slots H
//	(MaxOrder-1) × (u64 slots, u64 n-gram count)   for orders 2..MaxOrder
//	MYNAHLM2 only: u32 trie nodes N, trie words W, alphabet size A, 0,
//	               [32]byte alphabet
//	u32 offsets[V+1], bytes spelling[B], u32 wordHash[H]
//	f32 unigram ln-prob[V], f32 unigram ln-backoff[V]
//	per order 2..order: u64 keys[slots], f32 ln-prob[slots],
//	                    f32 ln-backoff[slots] (all but the highest order)
//	MYNAHLM2 only: the Spelling trie: u32 mask[N], u32 childBase[⌈N/8⌉],
//	               u32 wordBase[⌈N/8⌉], u32 words[W]
//
// MYNAHLM2 adds the vocabulary's spelling trie and nothing else: the
// n-gram sections of the two forms of one model are byte-identical.
const (
	binaryMagic   = "MYNAHLM1"
	spellingMagic = "MYNAHLM2"
)

const (
	headerSize         = 8 + 4*4 + (MaxOrder-1)*16
	spellingHeaderSize = 16 + 32
)

func align8(n uint64) uint64 { return (n + 7) &^ 7 }

// MarshalBinary returns the model's binary form: MYNAHLM2, with the
// vocabulary's Spelling trie, when the vocabulary uses at most
// MaxSpellingAlphabet distinct bytes, else MYNAHLM1.
func (m *Model) MarshalBinary() ([]byte, error) {
	if m.mix != nil {
		return m.mix.marshal()
	}
	spell := m.spell
	if spell == nil {
		spell = m.buildSpelling()
	}
	return m.marshal(spell), nil
}

// marshal writes the binary form, with spell's trie when it is not nil.
func (m *Model) marshal(spell *Spelling) []byte {
	le := binary.LittleEndian
	out := make([]byte, 0, m.binarySize(spell))
	if spell != nil {
		out = append(out, spellingMagic...)
	} else {
		out = append(out, binaryMagic...)
	}
	out = le.AppendUint32(out, uint32(m.order))
	out = le.AppendUint32(out, uint32(len(m.uniProb)))
	out = le.AppendUint32(out, uint32(len(m.blob)))
	out = le.AppendUint32(out, uint32(len(m.wordHash)))
	for o := range MaxOrder - 1 {
		out = le.AppendUint64(out, uint64(len(m.tables[o].keys)))
		out = le.AppendUint64(out, m.tables[o].count)
	}
	if spell != nil {
		out = le.AppendUint32(out, uint32(len(spell.mask)))
		out = le.AppendUint32(out, uint32(len(spell.words)))
		out = le.AppendUint32(out, uint32(len(spell.alphabet)))
		out = le.AppendUint32(out, 0)
		var alphabet [32]byte
		copy(alphabet[:], spell.alphabet)
		out = append(out, alphabet[:]...)
	}
	pad := func() {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
	}
	u32s := func(v []uint32) {
		pad()
		for _, x := range v {
			out = le.AppendUint32(out, x)
		}
	}
	f32s := func(v []float32) {
		pad()
		for _, x := range v {
			out = le.AppendUint32(out, math.Float32bits(x))
		}
	}
	u32s(m.offsets)
	pad()
	out = append(out, m.blob...)
	u32s(m.wordHash)
	f32s(m.uniProb)
	f32s(m.uniBackoff)
	for o := 0; o < m.order-1; o++ {
		t := &m.tables[o]
		pad()
		for _, k := range t.keys {
			out = le.AppendUint64(out, k)
		}
		f32s(t.prob)
		if o+2 < m.order {
			f32s(t.backoff)
		}
	}
	if spell != nil {
		u32s(spell.mask)
		u32s(spell.childBase)
		u32s(spell.wordBase)
		u32s(spell.words)
	}
	pad()
	return out
}

func (m *Model) binarySize(spell *Spelling) uint64 {
	size := align8(headerSize)
	if spell != nil {
		size = align8(headerSize + spellingHeaderSize)
	}
	v := uint64(len(m.uniProb))
	size = align8(size + 4*(v+1))
	size = align8(size + uint64(len(m.blob)))
	size = align8(size + 4*uint64(len(m.wordHash)))
	size = align8(size+4*v) + 4*v
	for o := 0; o < m.order-1; o++ {
		slots := uint64(len(m.tables[o].keys))
		size = align8(size) + 8*slots
		size = align8(size) + 4*slots
		if o+2 < m.order {
			size = align8(size) + 4*slots
		}
	}
	if spell != nil {
		for _, n := range []int{len(spell.mask), len(spell.childBase), len(spell.wordBase), len(spell.words)} {
			size = align8(size) + 4*uint64(n)
		}
	}
	return align8(size)
}

// WriteBinary writes the model's binary form to w.
func (m *Model) WriteBinary(w io.Writer) error {
	data, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("lm: write binary: %w", err)
	}
	return nil
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Load returns the Model whose binary form is data. When data is 8-byte
// aligned (as embedded files and mmaps are) on a little-endian machine the
// model aliases it, so data must not change afterwards; otherwise Load
// copies. Big-endian hosts get an error. Sizes are checked against len(data) before anything is read, and
// every table is checked so that a corrupt file gives an error, never a
// panic or an endless probe.
func Load(data []byte) (*Model, error) {
	fail := func(format string, args ...any) (*Model, error) {
		return nil, fmt.Errorf("%w: binary model: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if len(data) < headerSize || (string(data[:8]) != binaryMagic && string(data[:8]) != spellingMagic) {
		return fail("no %s or %s header", binaryMagic, spellingMagic)
	}
	withSpelling := string(data[:8]) == spellingMagic
	if withSpelling && len(data) < headerSize+spellingHeaderSize {
		return fail("no room for the %s header", spellingMagic)
	}
	le := binary.LittleEndian
	order := int(le.Uint32(data[8:]))
	vocab := uint64(le.Uint32(data[12:]))
	blobLen := uint64(le.Uint32(data[16:]))
	hashLen := uint64(le.Uint32(data[20:]))
	if err := checkOrder(order); err != nil {
		return fail("%v", err)
	}
	if vocab < 3 || hashLen <= vocab {
		return fail("vocabulary of %d words in %d hash slots", vocab, hashLen)
	}
	size := uint64(len(data))
	var slots, counts [MaxOrder - 1]uint64
	for o := range MaxOrder - 1 {
		slots[o] = le.Uint64(data[24+16*o:])
		counts[o] = le.Uint64(data[32+16*o:])
		if slots[o] > size || counts[o] > slots[o] || (o+2 <= order && slots[o] <= counts[o]) {
			return fail("order %d: %d n-grams in %d slots", o+2, counts[o], slots[o])
		}
	}
	// Lay out the sections; every length is bounded by len(data) first,
	// so the arithmetic cannot overflow.
	if vocab > size || blobLen > size || hashLen > size {
		return fail("sections larger than the %d-byte file", size)
	}
	at := align8(headerSize)
	var spellNodes, spellWords, alphabetLen uint64
	if withSpelling {
		at = align8(headerSize + spellingHeaderSize)
		spellNodes = uint64(le.Uint32(data[headerSize:]))
		spellWords = uint64(le.Uint32(data[headerSize+4:]))
		alphabetLen = uint64(le.Uint32(data[headerSize+8:]))
		if spellNodes == 0 || spellNodes > size || spellWords > spellNodes || alphabetLen == 0 || alphabetLen > MaxSpellingAlphabet {
			return fail("spelling trie of %d nodes, %d words and %d letters", spellNodes, spellWords, alphabetLen)
		}
	}
	section := func(n uint64) (uint64, bool) {
		at = align8(at)
		start := at
		at += n
		return start, at <= size
	}
	offOffsets, ok1 := section(4 * (vocab + 1))
	offBlob, ok2 := section(blobLen)
	offHash, ok3 := section(4 * hashLen)
	offUniProb, ok4 := section(4 * vocab)
	offUniBackoff, ok5 := section(4 * vocab)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return fail("file of %d bytes is too short for its vocabulary", size)
	}
	var offKeys, offProb, offBackoff [MaxOrder - 1]uint64
	for o := 0; o < order-1; o++ {
		var ok [3]bool
		offKeys[o], ok[0] = section(8 * slots[o])
		offProb[o], ok[1] = section(4 * slots[o])
		ok[2] = true
		if o+2 < order {
			offBackoff[o], ok[2] = section(4 * slots[o])
		}
		if !(ok[0] && ok[1] && ok[2]) {
			return fail("file of %d bytes is too short for its order-%d table", size, o+2)
		}
	}
	var offMask, offChildBase, offWordBase, offWords uint64
	spellBlocks := (spellNodes + 1<<spellBlockShift - 1) >> spellBlockShift
	if withSpelling {
		var ok [4]bool
		offMask, ok[0] = section(4 * spellNodes)
		offChildBase, ok[1] = section(4 * spellBlocks)
		offWordBase, ok[2] = section(4 * spellBlocks)
		offWords, ok[3] = section(4 * spellWords)
		if !(ok[0] && ok[1] && ok[2] && ok[3]) {
			return fail("file of %d bytes is too short for its spelling trie", size)
		}
	}
	if align8(at) != size {
		return fail("file is %d bytes, its header describes %d", size, align8(at))
	}
	if !littleEndian {
		return fail("big-endian hosts cannot load the binary form; read the ARPA file instead")
	}
	if uintptr(unsafe.Pointer(unsafe.SliceData(data)))%8 != 0 {
		aligned := make([]uint64, size/8)
		buf := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(aligned))), size)
		copy(buf, data)
		data = buf
	}
	u32 := func(off, n uint64) []uint32 {
		if n == 0 {
			return nil
		}
		return unsafe.Slice((*uint32)(unsafe.Pointer(&data[off])), n)
	}
	f32 := func(off, n uint64) []float32 {
		if n == 0 {
			return nil
		}
		return unsafe.Slice((*float32)(unsafe.Pointer(&data[off])), n)
	}
	m := &Model{
		order:      order,
		offsets:    u32(offOffsets, vocab+1),
		blob:       data[offBlob : offBlob+blobLen : offBlob+blobLen],
		wordHash:   u32(offHash, hashLen),
		uniProb:    f32(offUniProb, vocab),
		uniBackoff: f32(offUniBackoff, vocab),
	}
	for o := 0; o < order-1; o++ {
		t := &m.tables[o]
		t.keys = unsafe.Slice((*uint64)(unsafe.Pointer(&data[offKeys[o]])), slots[o])
		t.prob = f32(offProb[o], slots[o])
		if o+2 < order {
			t.backoff = f32(offBackoff[o], slots[o])
		}
		t.count = counts[o]
		empty := uint64(0)
		for _, k := range t.keys {
			if k == 0 {
				empty++
			}
		}
		if empty != slots[o]-counts[o] {
			return fail("order %d table holds %d n-grams, header says %d", o+2, slots[o]-empty, counts[o])
		}
		if !allFinite(t.prob) || !allFinite(t.backoff) {
			return fail("order %d table holds a non-finite score", o+2)
		}
	}
	if m.offsets[0] != 0 || uint64(m.offsets[vocab]) != blobLen {
		return fail("word offsets do not span the spelling")
	}
	for i := uint64(0); i < vocab; i++ {
		if m.offsets[i] > m.offsets[i+1] {
			return fail("word offsets decrease at word %d", i)
		}
	}
	for _, slot := range m.wordHash {
		if uint64(slot) > vocab {
			return fail("word hash points past the vocabulary")
		}
	}
	if m.Word(UnknownID) != Unknown || m.Word(BeginID) != Begin || m.Word(EndID) != End {
		return fail("vocabulary does not start with %s %s %s", Unknown, Begin, End)
	}
	if !allFinite(m.uniProb) || !allFinite(m.uniBackoff) {
		return fail("unigrams hold a non-finite score")
	}
	if withSpelling {
		s := &Spelling{
			alphabet:  data[headerSize+16 : headerSize+16+alphabetLen : headerSize+16+alphabetLen],
			mask:      u32(offMask, spellNodes),
			childBase: u32(offChildBase, spellBlocks),
			wordBase:  u32(offWordBase, spellBlocks),
			words:     u32(offWords, spellWords),
		}
		for i := range s.label {
			s.label[i] = -1
		}
		for i, b := range s.alphabet {
			if i > 0 && b <= s.alphabet[i-1] {
				return fail("spelling alphabet is not sorted")
			}
			s.label[b] = int8(i)
		}
		if msg := s.check(vocab); msg != "" {
			return fail("%s", msg)
		}
		m.spell = s
	}
	return m, nil
}

func allFinite(v []float32) bool {
	for _, x := range v {
		if x-x != 0 { // NaN or ±Inf
			return false
		}
	}
	return true
}
