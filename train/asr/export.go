package asr

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// Export writes a shippable model file from a run's work directory: the
// best dev weights (best.safetensors) when they exist and fromCheckpoint
// is false, else the checkpoint's EMA weights. dtype F16 halves the size.
// card is stored in the file's metadata.
func Export(workDir, out string, dtype safetensors.DType, fromCheckpoint bool, card any) error {
	var model *acoustic.Model
	best := filepath.Join(workDir, bestFile)
	if _, err := os.Stat(best); err == nil && !fromCheckpoint {
		raw, err := os.ReadFile(best)
		if err != nil {
			return err
		}
		if model, err = acoustic.Load(raw); err != nil {
			return fmt.Errorf("export: %s: %w", best, err)
		}
	} else {
		raw, err := os.ReadFile(filepath.Join(workDir, runFile))
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		var info runInfo
		if err := json.Unmarshal(raw, &info); err != nil {
			return fmt.Errorf("export: %s: %w", runFile, err)
		}
		if model, err = acoustic.New(info.Model, info.FrontEnd, 1); err != nil {
			return err
		}
		params := model.Params()
		ema, err := nn.NewEMA(params, 0.999)
		if err != nil {
			return err
		}
		opt, err := nn.NewAdamW(params, nn.DefaultAdamWConfig(), nn.DecayMatrices)
		if err != nil {
			return err
		}
		ck := nn.Checkpoint{Params: params, Optimizer: opt, EMA: ema}
		if err := nn.LoadCheckpoint(filepath.Join(workDir, checkpointFile), &ck); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := ema.CopyTo(params); err != nil {
			return err
		}
	}
	if err := model.Save(out, dtype, card); err != nil {
		return err
	}
	return nil
}
