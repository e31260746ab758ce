package mynah

import (
	"strings"
	"testing"
)

func TestParseHotword(t *testing.T) {
	tests := []struct {
		in      string
		want    Hotword
		wantErr bool
	}{
		{in: "mynah", want: Hotword{"mynah", DefaultHotwordWeight}},
		{in: "new york:3.5", want: Hotword{"new york", 3.5}},
		{in: " spaced : 1 ", want: Hotword{"spaced", 1}},
		{in: "", wantErr: true},
		{in: ":2", wantErr: true},
		{in: "word:abc", wantErr: true},
		{in: "word:-1", wantErr: true},
		{in: "word:1e9", wantErr: true},
		{in: "word:21", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseHotword(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseHotword(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && got != tc.want {
			t.Errorf("ParseHotword(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestReadHotwords(t *testing.T) {
	got, err := ReadHotwords(strings.NewReader("# comment\nalpha\n\nbeta gamma:4\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].Phrase != "beta gamma" || got[1].Weight != 4 {
		t.Fatalf("got %+v", got)
	}
	if _, err := ReadHotwords(strings.NewReader("ok\nbad:x\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("error %v does not name line 2", err)
	}
}

func TestHotwordList(t *testing.T) {
	var l HotwordList
	for _, v := range []string{"alpha", "new york:3"} {
		if err := l.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Set("bad:x"); err == nil {
		t.Error("bad weight accepted")
	}
	if got := l.String(); got != "alpha,new york" || l[1].Weight != 3 {
		t.Errorf("list %q %+v", got, l)
	}
}
