package acoustic

import (
	"fmt"

	"github.com/mynah-speech/mynah/nn"
)

// BlockOutputs runs the encoder on b like Forward (full context) but
// returns the hidden states a downstream task reads instead of the CTC
// logits: the input projection of the convolution front followed by the
// output of every block, each [Size, OutFrames, Dim], and the valid output
// frames of each utterance. A learned weighted sum of these layers is how
// SUPERB probes speech encoders (Yang et al., "SUPERB", Interspeech 2021);
// package emotion's transfer variant reads them.
func (m *Model) BlockOutputs(t *nn.Tape, b Batch) ([]*nn.Var, []int, error) {
	cfg := m.cfg
	if b.Size <= 0 || b.Frames <= 0 || len(b.Lengths) != b.Size || len(b.Features) != b.Size*b.Frames*cfg.Mels {
		return nil, nil, fmt.Errorf("acoustic: batch of %d×%d frames with %d values and %d lengths does not match %d mels", b.Size, b.Frames, len(b.Features), len(b.Lengths), cfg.Mels)
	}
	lengths := make([]int, b.Size)
	for i, n := range b.Lengths {
		if n < 0 || n > b.Frames {
			return nil, nil, fmt.Errorf("acoustic: utterance %d has length %d outside 0..%d", i, n, b.Frames)
		}
		lengths[i] = cfg.OutputFrames(n)
	}
	x, err := m.frontForward(t, t.Input([]int{b.Size, b.Frames, cfg.Mels}, b.Features))
	if err != nil {
		return nil, nil, err
	}
	outs := make([]*nn.Var, 0, len(m.blocks)+1)
	outs = append(outs, x)
	mask := nn.AttnMask{KeyLens: lengths, LeftChunks: -1}
	for _, blk := range m.blocks {
		x = blk.forward(t, x, cfg, mask)
		outs = append(outs, x)
	}
	return outs, lengths, nil
}

// Layers is the number of hidden states BlockOutputs returns: the front's
// projection and one per block.
func (m *Model) Layers() int { return len(m.blocks) + 1 }
