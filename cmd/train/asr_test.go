package main

import (
	"maps"
	"testing"
)

func TestParseMixCaps(t *testing.T) {
	tests := []struct {
		in      string
		want    map[string]float64
		wantErr bool
	}{
		{in: "none", want: map[string]float64{}},
		{in: "fsdd=0.05,ravdess=0.1", want: map[string]float64{"fsdd": 0.05, "ravdess": 0.1}},
		{in: " speechocean762-train=0.5 ", want: map[string]float64{"speechocean762": 0.5}},
		{in: "fsdd", wantErr: true},
		{in: "=0.1", wantErr: true},
		{in: "fsdd=1", wantErr: true},
		{in: "fsdd=0", wantErr: true},
		{in: "fsdd=x", wantErr: true},
		{in: "fsdd=NaN", wantErr: true},
	}
	for _, tc := range tests {
		got, err := parseMixCaps(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parseMixCaps(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && !maps.Equal(got, tc.want) {
			t.Errorf("parseMixCaps(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
