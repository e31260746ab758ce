package term

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tests := []struct {
		name string
		w    io.Writer
	}{
		{"buffer", &bytes.Buffer{}},
		{"file", f},
		{"pipe", w},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if IsTerminal(tc.w) {
				t.Errorf("%s is a terminal", tc.name)
			}
		})
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !IsTerminal(tty) {
			t.Error("/dev/tty is not a terminal")
		}
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		env  string
		want int
	}{
		{"", 80}, {"120", 120}, {"0", 80}, {"-5", 80}, {"wide", 80},
	}
	for _, tc := range tests {
		if got := widthFrom(tc.env); got != tc.want {
			t.Errorf("widthFrom(%q) = %d, want %d", tc.env, got, tc.want)
		}
	}
	t.Setenv("COLUMNS", "97")
	if got := Width(&bytes.Buffer{}); got != 97 {
		t.Errorf("Width of a buffer with COLUMNS=97 = %d", got)
	}
}
