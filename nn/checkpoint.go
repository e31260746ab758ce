package nn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// A checkpoint is a safetensors file, always float32 so that resuming is
// exact, holding
//
//	param/<name>                 the weights
//	adamw.m/<name>, adamw.v/<name>  the optimiser's moments (if any)
//	ema/<name>                   the weight average (if any)
//
// and in its metadata format "mynah-checkpoint", format_version, step, the
// optimiser's and the EMA's counters and settings, and the trainer's own
// opaque JSON (data position, RNG state, ...).

// CheckpointFormat is the "format" metadata value of a checkpoint.
const CheckpointFormat = "mynah-checkpoint"

// CheckpointFormatVersion is the checkpoint layout version.
const CheckpointFormatVersion = "1"

// ErrCheckpoint reports a file that is valid safetensors but not a
// checkpoint that fits the model, optimiser and EMA it is loaded into.
var ErrCheckpoint = errors.New("nn: bad checkpoint")

// Checkpoint is the training state SaveCheckpoint writes and
// LoadCheckpoint restores. For loading, Params, Optimizer and EMA must be
// built as for training (same config, same names and shapes): they are
// filled in place.
type Checkpoint struct {
	// Step is the trainer's step count.
	Step int64
	// Params are the model weights.
	Params []*Param
	// Optimizer, when not nil, is saved and restored with its moments
	// and update count.
	Optimizer *AdamW
	// EMA, when not nil, is saved and restored with its shadow weights.
	EMA *EMA
	// Trainer is opaque JSON for the trainer (data order and position,
	// RNG state, best validation loss...). It must be valid JSON or nil.
	Trainer json.RawMessage
}

type adamWMeta struct {
	Steps  int64       `json:"steps"`
	Config AdamWConfig `json:"config"`
}

type emaMeta struct {
	Updates int64   `json:"updates"`
	Decay   float64 `json:"decay"`
}

// SaveCheckpoint writes c to path atomically (a synced temporary file
// renamed over path), so an interrupted save leaves the previous
// checkpoint intact.
func SaveCheckpoint(path string, c Checkpoint) error {
	err := writeFileAtomic(path, func(w io.Writer) error { return WriteCheckpoint(w, c) })
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", path, err)
	}
	return nil
}

// WriteCheckpoint writes the checkpoint of SaveCheckpoint to w.
func WriteCheckpoint(w io.Writer, c Checkpoint) error {
	meta := map[string]string{
		"format":         CheckpointFormat,
		"format_version": CheckpointFormatVersion,
		"step":           strconv.FormatInt(c.Step, 10),
	}
	if c.Trainer != nil {
		if !json.Valid(c.Trainer) {
			return fmt.Errorf("checkpoint: trainer state is not valid JSON")
		}
		meta["trainer"] = string(c.Trainer)
	}
	tensors, err := paramTensors(c.Params, "param/", safetensors.F32)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if o := c.Optimizer; o != nil {
		b, _ := json.Marshal(adamWMeta{Steps: o.steps, Config: o.cfg})
		meta["adamw"] = string(b)
		t, err := paramTensors(o.State(), "", safetensors.F32)
		if err != nil {
			return fmt.Errorf("checkpoint: optimiser: %w", err)
		}
		tensors = append(tensors, t...)
	}
	if e := c.EMA; e != nil {
		b, _ := json.Marshal(emaMeta{Updates: e.updates, Decay: e.decay})
		meta["ema"] = string(b)
		t, err := paramTensors(e.Shadow(), "", safetensors.F32)
		if err != nil {
			return fmt.Errorf("checkpoint: ema: %w", err)
		}
		tensors = append(tensors, t...)
	}
	return safetensors.Write(w, tensors, meta)
}

// LoadCheckpoint restores c from the checkpoint at path: it fills
// c.Params, and c.Optimizer and c.EMA when they are not nil, and sets
// c.Step and c.Trainer. Each part asked for must be in the file and match
// exactly (ErrTensorMismatch names what does not); parts not asked for
// (an optimiser state when c.Optimizer is nil) are ignored, so weights can
// be taken from a checkpoint alone. A truncated or corrupt file is
// reported before anything is changed.
func LoadCheckpoint(path string, c *Checkpoint) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("load checkpoint: %w", err)
	}
	if err := ReadCheckpoint(data, c); err != nil {
		return fmt.Errorf("load checkpoint %s: %w", path, err)
	}
	return nil
}

// ReadCheckpoint is LoadCheckpoint on a checkpoint held in memory.
func ReadCheckpoint(data []byte, c *Checkpoint) error {
	f, err := safetensors.Parse(data)
	if err != nil {
		return err
	}
	if got := f.Metadata["format"]; got != CheckpointFormat {
		return fmt.Errorf("%w: format %q, want %q", ErrCheckpoint, got, CheckpointFormat)
	}
	if got := f.Metadata["format_version"]; got != CheckpointFormatVersion {
		return fmt.Errorf("%w: format_version %q, this reader knows %q", ErrCheckpoint, got, CheckpointFormatVersion)
	}
	step, err := strconv.ParseInt(f.Metadata["step"], 10, 64)
	if err != nil {
		return fmt.Errorf("%w: step: %v", ErrCheckpoint, err)
	}
	var trainer json.RawMessage
	if s, ok := f.Metadata["trainer"]; ok {
		if !json.Valid([]byte(s)) {
			return fmt.Errorf("%w: trainer state is not JSON", ErrCheckpoint)
		}
		trainer = json.RawMessage(s)
	}

	// Gather every tensor the caller asked for, keyed by stored name, and
	// the prefixes of the parts asked for; tensors of other parts are
	// dropped before the strict match.
	want := map[string]*Param{}
	add := func(prefix string, params []*Param) error {
		for _, p := range params {
			if _, dup := want[prefix+p.Name]; dup {
				return fmt.Errorf("%w: duplicate name %q", ErrCheckpoint, prefix+p.Name)
			}
			want[prefix+p.Name] = p
		}
		return nil
	}
	prefixes := []string{"param/"}
	if err := add("param/", c.Params); err != nil {
		return err
	}
	var am adamWMeta
	if c.Optimizer != nil {
		s, ok := f.Metadata["adamw"]
		if !ok {
			return fmt.Errorf("%w: no optimiser state in the file", ErrCheckpoint)
		}
		if err := json.Unmarshal([]byte(s), &am); err != nil || am.Steps < 0 {
			return fmt.Errorf("%w: optimiser state: %q", ErrCheckpoint, s)
		}
		prefixes = append(prefixes, "adamw.m/", "adamw.v/")
		if err := add("", c.Optimizer.State()); err != nil {
			return err
		}
	}
	var em emaMeta
	if c.EMA != nil {
		s, ok := f.Metadata["ema"]
		if !ok {
			return fmt.Errorf("%w: no EMA state in the file", ErrCheckpoint)
		}
		if err := json.Unmarshal([]byte(s), &em); err != nil || em.Updates < 0 {
			return fmt.Errorf("%w: EMA state: %q", ErrCheckpoint, s)
		}
		prefixes = append(prefixes, "ema/")
		if err := add("", c.EMA.Shadow()); err != nil {
			return err
		}
	}
	asked := func(name string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
	if err := fillParams(f, want, asked); err != nil {
		return err
	}
	c.Step = step
	c.Trainer = trainer
	if c.Optimizer != nil {
		c.Optimizer.steps = am.Steps
	}
	if c.EMA != nil {
		c.EMA.updates = em.Updates
	}
	return nil
}
