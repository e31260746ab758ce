package safetensors_test

import (
	"bytes"
	"fmt"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

func Example() {
	// Store a 2×2 weight as float16, with metadata.
	data, _ := safetensors.EncodeFloat32(nil, safetensors.F16, []float32{1, 0.5, -2, 0.333333})
	var buf bytes.Buffer
	err := safetensors.Write(&buf, []safetensors.Tensor{
		{Name: "w", DType: safetensors.F16, Shape: []int{2, 2}, Data: data},
	}, map[string]string{"format": "example"})
	if err != nil {
		panic(err)
	}

	// Parse works in place on the bytes (for example from //go:embed).
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		panic(err)
	}
	info, _ := f.Info("w")
	w := make([]float32, info.NumElements())
	_ = f.Float32s("w", w)
	fmt.Println(f.Metadata["format"], info.DType, info.Shape, w)
	// Output:
	// example F16 [2 2] [1 0.5 -2 0.33325195]
}
