package g2p

import (
	"slices"
	"testing"
)

func TestParsePhoneRoundTrip(t *testing.T) {
	// The 84 symbols of cmudict.symbols: 24 consonants, 15 vowels bare and
	// with each stress digit.
	n := 0
	for _, base := range BasePhones() {
		marks := []Stress{Unmarked}
		if base.IsVowel() {
			marks = append(marks, Unstressed, Primary, Secondary)
		}
		for _, s := range marks {
			p := base.WithStress(s)
			got, err := ParsePhone(p.String())
			if err != nil || got != p {
				t.Errorf("ParsePhone(%q) = %v, %v; want %v", p.String(), got, err, p)
			}
			n++
		}
	}
	if n != 84 {
		t.Errorf("%d symbols, want 84", n)
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in   string
		want Phone
		ok   bool
	}{
		{"AH0", AH.WithStress(Unstressed), true},
		{"ah1", AH.WithStress(Primary), true},
		{"ER2", ER | Phone(Secondary), true},
		{"HH", HH, true},
		{"zh", ZH, true},
		{"AH", AH, true},
		{"HH1", 0, false},
		{"AH3", 0, false},
		{"XX", 0, false},
		{"", 0, false},
		{"0", 0, false},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePhone(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPhoneString(t *testing.T) {
	tests := []struct {
		p    Phone
		want string
	}{
		{AA, "AA"}, {ZH, "ZH"}, {AH | Phone(Unstressed), "AH0"}, {OW | Phone(Primary), "OW1"},
		{T | Phone(Primary), "Phone(126)"}, {0, "Phone(0)"}, {255, "Phone(255)"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%d.String() = %q, want %q", uint8(tt.p), got, tt.want)
		}
	}
	if T.WithStress(Primary) != T {
		t.Error("WithStress changed a consonant")
	}
}

func TestStripStress(t *testing.T) {
	pron, err := ParsePronunciation("HH AH0 L OW1")
	if err != nil {
		t.Fatal(err)
	}
	got := StripStress(pron)
	if want := []Phone{HH, AH, L, OW}; !slices.Equal(got, want) {
		t.Errorf("StripStress = %v, want %v", got, want)
	}
	if pron[1] != AH|Phone(Unstressed) {
		t.Error("StripStress modified its input")
	}
	if s := Pronunciation(got).String(); s != "HH AH L OW" {
		t.Errorf("String = %q", s)
	}
}

func TestVocab(t *testing.T) {
	tests := []struct {
		stress bool
		size   int
		first  []string
	}{
		{false, 40, []string{"<blank>", "AA", "AE", "AH"}},
		{true, 70, []string{"<blank>", "AA0", "AA1", "AA2", "AE0"}},
	}
	for _, tt := range tests {
		v := PhoneSet(tt.stress)
		if v.Size() != tt.size {
			t.Errorf("stress=%v: Size = %d, want %d", tt.stress, v.Size(), tt.size)
		}
		labels := v.Labels()
		if len(labels) != v.Size() || !slices.Equal(labels[:len(tt.first)], tt.first) {
			t.Errorf("stress=%v: Labels = %v", tt.stress, labels)
		}
		seen := map[string]bool{}
		for i := 1; i < v.Size(); i++ {
			p, ok := v.Phone(i)
			if !ok {
				t.Fatalf("stress=%v: Phone(%d) not ok", tt.stress, i)
			}
			if back, ok := v.Index(p); !ok || back != i {
				t.Errorf("stress=%v: Index(Phone(%d)=%v) = %d, %v", tt.stress, i, p, back, ok)
			}
			if seen[labels[i]] {
				t.Errorf("stress=%v: label %q twice", tt.stress, labels[i])
			}
			seen[labels[i]] = true
		}
		for _, bad := range []int{0, -1, v.Size()} {
			if _, ok := v.Phone(bad); ok {
				t.Errorf("stress=%v: Phone(%d) ok", tt.stress, bad)
			}
		}
	}
	if _, ok := PhoneSet(true).Index(AH); ok {
		t.Error("an Unmarked vowel is in the stressed vocabulary")
	}
	if l, ok := PhoneSet(false).Index(AH | Phone(Primary)); !ok || l != 3 {
		t.Errorf("unstressed Index(AH1) = %d, %v; want 3", l, ok)
	}
	if _, err := PhoneSet(true).Encode(nil, []Phone{HH, AH}); err == nil {
		t.Error("Encode of an Unmarked vowel in the stressed vocabulary: no error")
	}
}
