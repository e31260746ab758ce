package vadflag

import (
	"testing"

	"github.com/mynah-speech/mynah"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		on      bool
		kind    mynah.VADKind
		wantErr bool
	}{
		{in: "on", on: true, kind: mynah.VADLearned},
		{in: "learned", on: true, kind: mynah.VADLearned},
		{in: "energy", on: true, kind: mynah.VADEnergy},
		{in: "off", on: false, kind: mynah.VADLearned},
		{in: "yes", wantErr: true},
		{in: "", wantErr: true},
	} {
		on, kind, err := Parse(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("Parse(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && (on != tc.on || kind != tc.kind) {
			t.Errorf("Parse(%q) = %v, %q; want %v, %q", tc.in, on, kind, tc.on, tc.kind)
		}
	}
}
