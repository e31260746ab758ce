package g2p

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
)

// The compiled dictionary is one byte slice, read in place:
//
//	offset  size  field
//	0       8     magic "MYNAHG2P"
//	8       1     format version (1)
//	9       1     entries per block (front-coding restarts at each block)
//	10      2     banner length L, little-endian
//	12      4     number of words
//	16      4     number of blocks N
//	20      L     banner: free text saying what generated the table
//	20+L    4N+4  block offsets into the entry area, little-endian, the
//	              last one its length
//	...           entry area
//
// Words are sorted bytewise. An entry is: bytes shared with the previous
// word (0 at a block start), length of the rest, the rest, the number of
// pronunciations, then each pronunciation as a phone count and one byte per
// Phone. Lookup binary-searches the blocks' first words and scans one
// block: nothing is parsed or allocated at start-up, and the table is 1.75 MB
// where the text dictionary is 3.6 MB. Front coding of sorted keys with
// periodic restarts is the layout of LevelDB's blocks and of Witten, Moffat
// & Bell, "Managing Gigabytes" §4.1.
const (
	dictMagic      = "MYNAHG2P"
	dictVersion    = 1
	dictHeaderSize = 20
	defaultBlock   = 16
	maxWordBytes   = 255
	maxPronPhones  = 255
	maxVariants    = 255
)

// ErrBadDict is returned for a compiled dictionary that is truncated,
// corrupt or of an unknown format.
var ErrBadDict = errors.New("g2p: bad compiled dictionary")

// Dict is a compiled pronouncing dictionary. It aliases the bytes it was
// opened from, is immutable and safe for concurrent use.
type Dict struct {
	data    []byte // entry area
	offsets []byte // N+1 little-endian uint32
	words   int
	blocks  int
	block   int
	banner  []byte
}

// OpenDict opens a table written by CompileDict. It checks only the header
// and the size of the block index (constant time); a corrupt entry is found
// when a lookup reaches it, and reads as a missing word.
func OpenDict(b []byte) (*Dict, error) {
	if len(b) < dictHeaderSize || string(b[:8]) != dictMagic {
		return nil, fmt.Errorf("%w: no magic", ErrBadDict)
	}
	if b[8] != dictVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadDict, b[8], dictVersion)
	}
	block := int(b[9])
	bannerLen := int(binary.LittleEndian.Uint16(b[10:]))
	words := int(binary.LittleEndian.Uint32(b[12:]))
	blocks := int(binary.LittleEndian.Uint32(b[16:]))
	if block == 0 {
		return nil, fmt.Errorf("%w: zero block size", ErrBadDict)
	}
	rest := b[dictHeaderSize:]
	if bannerLen > len(rest) {
		return nil, fmt.Errorf("%w: banner of %d bytes in %d", ErrBadDict, bannerLen, len(rest))
	}
	banner := rest[:bannerLen:bannerLen]
	rest = rest[bannerLen:]
	// The index must fit the bytes we have: never trust the counts alone.
	if blocks > (len(rest)-4)/4 || len(rest) < 4 {
		return nil, fmt.Errorf("%w: %d blocks do not fit %d bytes", ErrBadDict, blocks, len(rest))
	}
	if words > blocks*block || (blocks > 0 && words <= (blocks-1)*block) {
		return nil, fmt.Errorf("%w: %d words in %d blocks of %d", ErrBadDict, words, blocks, block)
	}
	offsets := rest[:4*blocks+4]
	data := rest[4*blocks+4:]
	if int(binary.LittleEndian.Uint32(offsets[4*blocks:])) != len(data) {
		return nil, fmt.Errorf("%w: entry area is %d bytes, index says %d", ErrBadDict,
			len(data), binary.LittleEndian.Uint32(offsets[4*blocks:]))
	}
	return &Dict{data: data, offsets: offsets, words: words, blocks: blocks, block: block, banner: banner}, nil
}

// Len returns the number of distinct words.
func (d *Dict) Len() int { return d.words }

// Banner returns the text the generator stored in the table (its source
// and licence).
func (d *Dict) Banner() string { return string(d.banner) }

func (d *Dict) blockStart(i int) int { return int(binary.LittleEndian.Uint32(d.offsets[4*i:])) }

// entryReader walks the entries of one block.
type entryReader struct {
	data []byte
	pos  int
	end  int
	word [maxWordBytes]byte
	n    int // length of word
	bad  bool
}

// next decodes the next entry's word into r.word and returns the slice of
// its pronunciation bytes (count, then per variant length+phones), or false
// at the end of the block or on corruption.
func (r *entryReader) next() (prons []byte, ok bool) {
	if r.bad || r.pos >= r.end {
		return nil, false
	}
	if r.end-r.pos < 2 {
		r.bad = true
		return nil, false
	}
	shared, suffix := int(r.data[r.pos]), int(r.data[r.pos+1])
	r.pos += 2
	if shared > r.n || shared+suffix > maxWordBytes || shared+suffix == 0 || suffix > r.end-r.pos {
		r.bad = true
		return nil, false
	}
	copy(r.word[shared:], r.data[r.pos:r.pos+suffix])
	r.n = shared + suffix
	r.pos += suffix
	start := r.pos
	if r.pos >= r.end {
		r.bad = true
		return nil, false
	}
	variants := int(r.data[r.pos])
	r.pos++
	for range variants {
		if r.pos >= r.end {
			r.bad = true
			return nil, false
		}
		n := int(r.data[r.pos])
		if n > r.end-r.pos-1 {
			r.bad = true
			return nil, false
		}
		r.pos += 1 + n
	}
	return r.data[start:r.pos], true
}

// block returns a reader over block i, or false when its bounds are corrupt.
func (d *Dict) blockReader(i int, r *entryReader) bool {
	start, end := d.blockStart(i), d.blockStart(i+1)
	if start > end || end > len(d.data) {
		return false
	}
	r.data, r.pos, r.end, r.n, r.bad = d.data, start, end, 0, false
	return true
}

// firstWord returns block i's first word, stored whole.
func (d *Dict) firstWord(i int) ([]byte, bool) {
	start, end := d.blockStart(i), d.blockStart(i+1)
	if start > end || end > len(d.data) || end-start < 2 || d.data[start] != 0 {
		return nil, false
	}
	n := int(d.data[start+1])
	if n > end-start-2 {
		return nil, false
	}
	return d.data[start+2 : start+2+n], true
}

// Lookup returns every pronunciation of word the dictionary holds, in the
// dictionary's order (CMUdict's "word", "word(2)", ...). The word is
// matched after folding ASCII letters to lower case and typographic
// apostrophes (’ ‘ ʼ) to "'"; nothing else is changed.
func (d *Dict) Lookup(word string) ([]Pronunciation, bool) {
	var buf [maxWordBytes]byte
	key, ok := foldWord(buf[:0], word)
	if !ok {
		return nil, false
	}
	raw, ok := d.find(key)
	if !ok {
		return nil, false
	}
	return decodeProns(raw), true
}

// Contains reports whether the dictionary holds word (folded as Lookup
// does), without allocating.
func (d *Dict) Contains(word string) bool {
	var buf [maxWordBytes]byte
	key, ok := foldWord(buf[:0], word)
	if !ok {
		return false
	}
	_, ok = d.find(key)
	return ok
}

func (d *Dict) find(key []byte) ([]byte, bool) {
	// Last block whose first word is ≤ key.
	lo, hi := 0, d.blocks
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		first, ok := d.firstWord(mid)
		if !ok {
			return nil, false
		}
		if bytes.Compare(first, key) <= 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return nil, false
	}
	var r entryReader
	if !d.blockReader(lo-1, &r) {
		return nil, false
	}
	for {
		raw, ok := r.next()
		if !ok {
			return nil, false
		}
		switch bytes.Compare(r.word[:r.n], key) {
		case 0:
			return raw, true
		case 1:
			return nil, false
		}
	}
}

// decodeProns turns an entry's pronunciation bytes (validated by next) into
// Pronunciations sharing one backing array.
func decodeProns(raw []byte) []Pronunciation {
	variants := int(raw[0])
	phones := make([]Phone, 0, len(raw)-1-variants)
	out := make([]Pronunciation, 0, variants)
	pos := 1
	for range variants {
		n := int(raw[pos])
		start := len(phones)
		for _, b := range raw[pos+1 : pos+1+n] {
			phones = append(phones, Phone(b))
		}
		out = append(out, Pronunciation(phones[start:len(phones):len(phones)]))
		pos += 1 + n
	}
	return out
}

// All iterates over the dictionary in byte order of its words. It stops
// early, silently, at a corrupt entry.
func (d *Dict) All() iter.Seq2[string, []Pronunciation] {
	return func(yield func(string, []Pronunciation) bool) {
		var r entryReader
		for i := range d.blocks {
			if !d.blockReader(i, &r) {
				return
			}
			for {
				raw, ok := r.next()
				if !ok {
					if r.bad {
						return
					}
					break
				}
				if !yield(string(r.word[:r.n]), decodeProns(raw)) {
					return
				}
			}
		}
	}
}

// foldWord appends word to dst in the dictionary's form: ASCII lower case,
// typographic apostrophes as "'". It fails for words too long to be stored.
func foldWord(dst []byte, word string) ([]byte, bool) {
	if len(word) > maxWordBytes {
		return dst, false
	}
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(word); i++ {
			c := word[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst, len(word) > 0
	}
	for _, c := range word {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '’' || c == '‘' || c == 'ʼ':
			c = '\''
		}
		dst = append(dst, string(c)...)
		if len(dst) > maxWordBytes {
			return dst, false
		}
	}
	return dst, len(dst) > 0
}

// DictEntry is one word of a dictionary source with its pronunciations in
// order.
type DictEntry struct {
	Word  string
	Prons []Pronunciation
}

// ParseCMUdict reads a dictionary in CMUdict's text format: one "word PH1
// PH2 ..." per line, alternates written "word(2)", "# ..." comments at the
// end of a line or alone, blank lines ignored. Words are folded as Lookup
// folds them; alternates keep their number's order. Errors name the line.
func ParseCMUdict(r io.Reader) ([]DictEntry, error) {
	type variant struct {
		n    int
		pron Pronunciation
	}
	byWord := map[string][]variant{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("g2p: cmudict line %d: word %q without phones", line, fields[0])
		}
		word, n := fields[0], 1
		if open := strings.IndexByte(word, '('); open > 0 && strings.HasSuffix(word, ")") {
			if _, err := fmt.Sscanf(word[open:], "(%d)", &n); err != nil || n < 1 {
				return nil, fmt.Errorf("g2p: cmudict line %d: bad variant in %q", line, word)
			}
			word = word[:open]
		}
		key, ok := foldWord(nil, word)
		if !ok {
			return nil, fmt.Errorf("g2p: cmudict line %d: word of %d bytes (at most %d)", line, len(word), maxWordBytes)
		}
		if len(fields)-1 > maxPronPhones {
			return nil, fmt.Errorf("g2p: cmudict line %d: %d phones (at most %d)", line, len(fields)-1, maxPronPhones)
		}
		pron, err := ParsePronunciation(strings.Join(fields[1:], " "))
		if err != nil {
			return nil, fmt.Errorf("cmudict line %d: %w", line, err)
		}
		byWord[string(key)] = append(byWord[string(key)], variant{n, pron})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("g2p: read cmudict: %w", err)
	}
	out := make([]DictEntry, 0, len(byWord))
	for w, vs := range byWord {
		if len(vs) > maxVariants {
			return nil, fmt.Errorf("g2p: cmudict: %q has %d variants (at most %d)", w, len(vs), maxVariants)
		}
		slices.SortStableFunc(vs, func(a, b variant) int { return cmp.Compare(a.n, b.n) })
		e := DictEntry{Word: w}
		for _, v := range vs {
			e.Prons = append(e.Prons, v.pron)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b DictEntry) int { return strings.Compare(a.Word, b.Word) })
	return out, nil
}

// CompileDict writes entries (sorted or not; words must be distinct, folded
// and non-empty) as a compiled table that OpenDict reads. banner is stored
// as is: say there what generated the table and from which source.
func CompileDict(entries []DictEntry, banner string) ([]byte, error) {
	return compileBlock(entries, banner, defaultBlock)
}

func compileBlock(entries []DictEntry, banner string, defaultBlock int) ([]byte, error) {
	if len(banner) > 0xffff {
		return nil, fmt.Errorf("g2p: banner of %d bytes", len(banner))
	}
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b DictEntry) int { return strings.Compare(a.Word, b.Word) })
	var data []byte
	var offsets []uint32
	prev := ""
	for i, e := range sorted {
		if e.Word == "" || len(e.Word) > maxWordBytes {
			return nil, fmt.Errorf("g2p: compile: word %q: empty or over %d bytes", e.Word, maxWordBytes)
		}
		if key, _ := foldWord(nil, e.Word); string(key) != e.Word {
			return nil, fmt.Errorf("g2p: compile: word %q is not folded", e.Word)
		}
		if i > 0 && e.Word == prev {
			return nil, fmt.Errorf("g2p: compile: word %q twice", e.Word)
		}
		if len(e.Prons) == 0 || len(e.Prons) > maxVariants {
			return nil, fmt.Errorf("g2p: compile: word %q has %d pronunciations", e.Word, len(e.Prons))
		}
		shared := 0
		if i%defaultBlock == 0 {
			offsets = append(offsets, uint32(len(data)))
		} else {
			for shared < len(prev) && shared < len(e.Word) && prev[shared] == e.Word[shared] {
				shared++
			}
		}
		data = append(data, byte(shared), byte(len(e.Word)-shared))
		data = append(data, e.Word[shared:]...)
		data = append(data, byte(len(e.Prons)))
		for _, p := range e.Prons {
			if len(p) == 0 || len(p) > maxPronPhones {
				return nil, fmt.Errorf("g2p: compile: word %q: pronunciation of %d phones", e.Word, len(p))
			}
			data = append(data, byte(len(p)))
			for _, ph := range p {
				if !ph.Valid() {
					return nil, fmt.Errorf("g2p: compile: word %q: invalid phone %v", e.Word, ph)
				}
				data = append(data, byte(ph))
			}
		}
		prev = e.Word
	}
	offsets = append(offsets, uint32(len(data)))
	if uint64(len(data)) > 0xffffffff {
		return nil, fmt.Errorf("g2p: compile: %d bytes of entries", len(data))
	}
	out := make([]byte, 0, dictHeaderSize+len(banner)+4*len(offsets)+len(data))
	out = append(out, dictMagic...)
	out = append(out, dictVersion, byte(defaultBlock))
	out = binary.LittleEndian.AppendUint16(out, uint16(len(banner)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(sorted)))
	out = binary.LittleEndian.AppendUint32(out, uint32(len(offsets)-1))
	out = append(out, banner...)
	for _, o := range offsets {
		out = binary.LittleEndian.AppendUint32(out, o)
	}
	return append(out, data...), nil
}

// CMUdictBanner is the banner g2p/gen_cmudict.go stores in the embedded
// table: what made it, from which source, and CMUdict's licence, which
// binary redistributions must reproduce.
func CMUdictBanner(source, license string) string {
	return "Code generated by g2p/gen_cmudict.go from the CMU Pronouncing Dictionary, " +
		source + "; DO NOT EDIT.\n\n" + license
}
