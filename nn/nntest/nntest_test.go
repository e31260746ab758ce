package nntest

import (
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

func TestParamsHashSeesNamesShapesAndBits(t *testing.T) {
	mk := func(name string, shape []int, v float32) []*nn.Param {
		p := nn.NewParam(name, shape...)
		for i := range p.Value {
			p.Value[i] = v
		}
		return []*nn.Param{p}
	}
	base := ParamsHash(mk("w", []int{2, 3}, 1))
	for name, other := range map[string][]*nn.Param{
		"name":  mk("v", []int{2, 3}, 1),
		"shape": mk("w", []int{3, 2}, 1),
		"value": mk("w", []int{2, 3}, 1.0000001),
	} {
		if ParamsHash(other) == base {
			t.Errorf("a different %s hashes the same", name)
		}
	}
	if ParamsHash(mk("w", []int{2, 3}, 1)) != base {
		t.Error("equal params hash differently")
	}
}

func TestCheckLoadedRoundsAsStored(t *testing.T) {
	saved := nn.NewParam("w", 2)
	saved.Value[0], saved.Value[1] = 1.0001, -3
	loaded := nn.NewParam("w", 2)
	enc, _ := safetensors.EncodeFloat32(nil, safetensors.F16, saved.Value)
	if err := safetensors.DecodeFloat32(loaded.Value, safetensors.F16, enc); err != nil {
		t.Fatal(err)
	}
	CheckLoaded(t, "f16", []*nn.Param{loaded}, []*nn.Param{saved}, safetensors.F16)
	copy(loaded.Value, saved.Value)
	CheckLoaded(t, "f32", []*nn.Param{loaded}, []*nn.Param{saved}, safetensors.F32)
}
