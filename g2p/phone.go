package g2p

import (
	"fmt"
	"math/bits"
	"strings"
)

// Phone is one ARPAbet phone, optionally carrying a stress mark: AH0, AH1,
// AH2 are the unstressed, primary and secondary AH, and AH (Unmarked) is the
// vowel with its stress stripped. Consonants are always Unmarked.
//
// The encoding is (base index + 1) << 2 | stress, so the zero Phone is
// invalid, Base is a mask and every phone fits a byte (the compiled table
// stores them as such).
type Phone uint8

// Stress is the lexical stress of a vowel, CMUdict's digit plus one.
type Stress uint8

// The stress marks. CMUdict writes them as the digits 0, 1 and 2 after a
// vowel; Unmarked is a consonant or a vowel whose stress was stripped.
const (
	Unmarked   Stress = iota // consonant, or stress stripped
	Unstressed               // digit 0
	Primary                  // digit 1
	Secondary                // digit 2
)

// The 39 ARPAbet phones of CMUdict (cmudict.phones), Unmarked. Their order
// is CMUdict's and that of the CTC vocabularies of PhoneSet.
const (
	AA Phone = (iota + 1) << 2
	AE
	AH
	AO
	AW
	AY
	B
	CH
	D
	DH
	EH
	ER
	EY
	F
	G
	HH
	IH
	IY
	JH
	K
	L
	M
	N
	NG
	OW
	OY
	P
	R
	S
	SH
	T
	TH
	UH
	UW
	V
	W
	Y
	Z
	ZH
)

// NumPhones is the size of the ARPAbet phone set without stress.
const NumPhones = 39

// phoneNames are the ARPAbet spellings, in base-index order.
var phoneNames = [NumPhones]string{
	"AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY",
	"F", "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P",
	"R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
}

// vowelMask has bit i set when base phone i is a vowel (cmudict.phones).
const vowelMask = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<4 | 1<<5 | 1<<10 | 1<<11 |
	1<<12 | 1<<16 | 1<<17 | 1<<24 | 1<<25 | 1<<32 | 1<<33

// BasePhones returns the 39 ARPAbet phones without stress, in CMUdict's
// order (a fresh slice each call).
func BasePhones() []Phone {
	out := make([]Phone, NumPhones)
	for i := range out {
		out[i] = Phone((i + 1) << 2)
	}
	return out
}

// index returns the base index 0..38, or -1 for an invalid phone.
func (p Phone) index() int {
	i := int(p>>2) - 1
	if i < 0 || i >= NumPhones {
		return -1
	}
	return i
}

// Valid reports whether p is one of the 39 phones with a stress mark that
// fits it (consonants only Unmarked).
func (p Phone) Valid() bool {
	i := p.index()
	if i < 0 {
		return false
	}
	return p.Stress() == Unmarked || vowelMask&(1<<i) != 0
}

// IsVowel reports whether p is one of the 15 vowels (ER included).
func (p Phone) IsVowel() bool {
	i := p.index()
	return i >= 0 && vowelMask&(1<<i) != 0
}

// Base returns p without its stress mark.
func (p Phone) Base() Phone { return p &^ 3 }

// Stress returns p's stress mark.
func (p Phone) Stress() Stress { return Stress(p & 3) }

// WithStress returns p with stress s; on a consonant it returns p unchanged.
func (p Phone) WithStress(s Stress) Phone {
	if !p.IsVowel() {
		return p
	}
	return p.Base() | Phone(s&3)
}

// String returns the ARPAbet spelling with CMUdict's stress digit, as
// "AH0", "L" or "AH" (Unmarked); an invalid phone prints as "Phone(n)".
func (p Phone) String() string {
	if !p.Valid() {
		return fmt.Sprintf("Phone(%d)", uint8(p))
	}
	name := phoneNames[p.index()]
	if s := p.Stress(); s != Unmarked {
		return name + string(rune('0'+s-1))
	}
	return name
}

// ParsePhone reads one ARPAbet phone such as "AH0", "hh" or "ER": case is
// ignored, and a stress digit 0–2 is allowed only after a vowel.
func ParsePhone(s string) (Phone, error) {
	name, stress := s, Unmarked
	if n := len(s); n > 1 && s[n-1] >= '0' && s[n-1] <= '9' {
		if s[n-1] > '2' {
			return 0, fmt.Errorf("g2p: phone %q: stress digit must be 0, 1 or 2", s)
		}
		name, stress = s[:n-1], Stress(s[n-1]-'0'+1)
	}
	for i, pn := range phoneNames {
		if strings.EqualFold(pn, name) {
			p := Phone((i+1)<<2) | Phone(stress)
			if !p.Valid() {
				return 0, fmt.Errorf("g2p: phone %q: consonant with a stress digit", s)
			}
			return p, nil
		}
	}
	return 0, fmt.Errorf("g2p: %q is not an ARPAbet phone", s)
}

// Pronunciation is one way to say a word: ARPAbet phones with stress, as
// CMUdict writes them ("HH AH0 L OW1").
type Pronunciation []Phone

// String returns the phones separated by single spaces.
func (p Pronunciation) String() string {
	var b strings.Builder
	for i, ph := range p {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ph.String())
	}
	return b.String()
}

// ParsePronunciation reads space-separated ARPAbet phones ("HH AH0 L OW1").
func ParsePronunciation(s string) (Pronunciation, error) {
	fields := strings.Fields(s)
	out := make(Pronunciation, 0, len(fields))
	for _, f := range fields {
		p, err := ParsePhone(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// StripStress returns a copy of pron with every stress mark removed: the
// 39-phone form of the acoustic model's phone head and the phone-lexicon
// decoder.
func StripStress(pron []Phone) []Phone {
	out := make([]Phone, len(pron))
	for i, p := range pron {
		out[i] = p.Base()
	}
	return out
}

// Vocab is a CTC vocabulary of phones: index 0 is the blank, then the
// phones in CMUdict's order. Without stress it has 40 labels (blank + 39);
// with stress 70 (blank + 24 consonants + 15 vowels × 3 stress marks, each
// vowel's three marks adjacent in the order 0, 1, 2). A Vocab is a small
// value, safe to copy and to use concurrently.
type Vocab struct {
	stress bool
}

// PhoneSet returns the CTC phone vocabulary with or without stress.
func PhoneSet(withStress bool) Vocab { return Vocab{stress: withStress} }

// Blank is the CTC blank's index in every Vocab.
const Blank = 0

// WithStress reports whether the vocabulary distinguishes stress marks.
func (v Vocab) WithStress() bool { return v.stress }

// Size returns the number of labels, the blank included.
func (v Vocab) Size() int {
	if v.stress {
		return 1 + NumPhones + 2*15
	}
	return 1 + NumPhones
}

// Index returns p's label (1 ≤ label < Size). Without stress the mark is
// ignored; with stress an Unmarked vowel is not in the vocabulary, and
// neither is an invalid phone: ok is false.
func (v Vocab) Index(p Phone) (label int, ok bool) {
	if !p.Valid() {
		return 0, false
	}
	i := p.index()
	if !v.stress {
		return 1 + i, true
	}
	// Each earlier vowel takes three labels, each earlier consonant one.
	vowelsBefore := bits.OnesCount64(vowelMask & (1<<i - 1))
	label = 1 + i + 2*vowelsBefore
	if vowelMask&(1<<i) != 0 {
		if p.Stress() == Unmarked {
			return 0, false
		}
		label += int(p.Stress()) - 1
	}
	return label, true
}

// Phone returns the phone of label (false for the blank and out of range).
func (v Vocab) Phone(label int) (Phone, bool) {
	if label < 1 || label >= v.Size() {
		return 0, false
	}
	if !v.stress {
		return Phone(label << 2), true
	}
	rest := label - 1
	for i := range NumPhones {
		width := 1
		if vowelMask&(1<<i) != 0 {
			width = 3
		}
		if rest < width {
			p := Phone((i + 1) << 2)
			if width == 3 {
				p |= Phone(rest + 1)
			}
			return p, true
		}
		rest -= width
	}
	return 0, false
}

// Labels returns the label names, "<blank>" first (a fresh slice).
func (v Vocab) Labels() []string {
	out := make([]string, v.Size())
	out[0] = "<blank>"
	for i := 1; i < len(out); i++ {
		p, _ := v.Phone(i)
		out[i] = p.String()
	}
	return out
}

// Encode maps a pronunciation to labels, appending to dst. A phone the
// vocabulary lacks (an Unmarked vowel in a stressed vocabulary) is an error.
func (v Vocab) Encode(dst []int, pron []Phone) ([]int, error) {
	for _, p := range pron {
		l, ok := v.Index(p)
		if !ok {
			return dst, fmt.Errorf("g2p: phone %v is not in the %d-label vocabulary", p, v.Size())
		}
		dst = append(dst, l)
	}
	return dst, nil
}
