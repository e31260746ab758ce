package punct

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/punct"
)

// linearChunk is the unit of shuffling: consecutive training words kept
// together so that their features see their real neighbours.
const linearChunk = 2000

// linearProgress is the linear trainer's state in checkpoints.
type linearProgress struct {
	Epoch int `json:"epoch"`
	Chunk int `json:"chunk"` // chunks done in this epoch
}

// trainLinear fits the linear tagger by AdaGrad (Duchi, Hazan and Singer,
// JMLR 2011) on the summed cross-entropy of its two softmax heads, one
// position at a time, chunks of the training text in a shuffled order
// each epoch. The state (weights, squared-gradient sums, position) is
// checkpointed every few chunks, so a stopped run resumes where it was.
func trainLinear(ctx context.Context, o options, data *corpus) (result, error) {
	began := time.Now()
	cfg := punct.DefaultLinearConfig()
	if err := loadOrWriteConfig(filepath.Join(o.WorkDir, configFile), &cfg); err != nil {
		return result{}, err
	}
	if cfg.Arch != punct.ArchLinear {
		return result{}, fmt.Errorf("train punct: work folder %s holds a %q model, not linear", o.WorkDir, cfg.Arch)
	}
	model, err := punct.NewModel(cfg, o.Seed)
	if err != nil {
		return result{}, err
	}
	weights := model.Params()[0]
	acc := nn.NewParam("adagrad.sum/"+weights.Name, weights.Shape...)
	var prog linearProgress
	ckptPath := filepath.Join(o.WorkDir, checkpointFile)
	if _, err := os.Stat(ckptPath); err == nil {
		ck := nn.Checkpoint{Params: []*nn.Param{weights, acc}}
		if err := nn.LoadCheckpoint(ckptPath, &ck); err != nil {
			return result{}, fmt.Errorf("train punct: resume: %w", err)
		}
		if err := json.Unmarshal(ck.Trainer, &prog); err != nil {
			return result{}, fmt.Errorf("train punct: resume: %w", err)
		}
		fmt.Fprintf(o.Log, "train punct: resumed at epoch %d, chunk %d\n", prog.Epoch, prog.Chunk)
	}
	save := func() error {
		blob, _ := json.Marshal(prog)
		return nn.SaveCheckpoint(ckptPath, nn.Checkpoint{Step: int64(prog.Epoch), Params: []*nn.Param{weights, acc}, Trainer: blob})
	}
	fmt.Fprintf(o.Log, "train punct: linear tagger, %d buckets; words: train %d (%d books), dev %d, test %d\n",
		cfg.Buckets, len(data.Train), len(data.TrainBooks), len(data.Dev), len(data.Test))
	words := make([]string, len(data.Train))
	for i, t := range data.Train {
		words[i] = t.Word
	}
	dev := data.Dev
	if o.DevWords > 0 && len(dev) > o.DevWords {
		dev = dev[:o.DevWords]
	}
	chunks := (len(words) + linearChunk - 1) / linearChunk
	const n = punct.NumMarks + punct.NumCases
	W, G := weights.Value, acc.Value
	lr := float32(o.LinearLR)
	var lossSum float64
	var lossN int
	lastLog := time.Now()
	stopped := false
	for prog.Epoch < o.Epochs && !stopped {
		order := nn.NewRand(o.Seed*7919 + uint64(prog.Epoch)).Perm(chunks)
		for ; prog.Chunk < chunks; prog.Chunk++ {
			if ctx.Err() != nil || (o.MaxDuration > 0 && time.Since(began) > o.MaxDuration) {
				stopped = true
				break
			}
			c := order[prog.Chunk]
			lo, hi := c*linearChunk, min((c+1)*linearChunk, len(words))
			feats, offsets := model.LinearFeatures(words[lo:hi])
			var scores, grad [n]float32
			for i := range hi - lo {
				fs := feats[offsets[i]:offsets[i+1]]
				scores = [n]float32{}
				for _, f := range fs {
					row := W[int(f)*n : int(f)*n+n]
					for k := range scores {
						scores[k] += row[k]
					}
				}
				tok := data.Train[lo+i]
				lossSum += softmaxGrad(scores[:punct.NumMarks], grad[:punct.NumMarks], int(tok.Mark))
				lossSum += softmaxGrad(scores[punct.NumMarks:], grad[punct.NumMarks:], int(tok.Case))
				lossN++
				for _, f := range fs {
					row, sum := W[int(f)*n:int(f)*n+n], G[int(f)*n:int(f)*n+n]
					for k, g := range grad {
						if g == 0 {
							continue
						}
						sum[k] += g * g
						row[k] -= lr * g / float32(math.Sqrt(float64(sum[k])))
					}
				}
			}
			if (prog.Chunk+1)%200 == 0 {
				if err := save(); err != nil {
					return result{}, fmt.Errorf("train punct: checkpoint: %w", err)
				}
			}
			if time.Since(lastLog) > 30*time.Second {
				fmt.Fprintf(o.Log, "train punct: epoch %d chunk %d/%d loss %.4f\n", prog.Epoch+1, prog.Chunk+1, chunks, lossSum/float64(max(lossN, 1)))
				lossSum, lossN, lastLog = 0, 0, time.Now()
			}
		}
		if stopped {
			break
		}
		prog.Epoch++
		prog.Chunk = 0
		if err := save(); err != nil {
			return result{}, fmt.Errorf("train punct: checkpoint: %w", err)
		}
		s := evaluate(model, punct.Full, dev)
		fmt.Fprintf(o.Log, "train punct: epoch %d dev F1 comma %.3f period %.3f question %.3f exclamation %.3f casing %.4f (%.0fs)\n", prog.Epoch,
			s.Marks[punct.Comma].F1(), s.Marks[punct.Period].F1(), s.Marks[punct.Question].F1(), s.Marks[punct.Exclamation].F1(), s.CaseAccuracy(), time.Since(began).Seconds())
	}
	if err := save(); err != nil {
		return result{}, fmt.Errorf("train punct: checkpoint: %w", err)
	}
	if prog.Epoch < o.Epochs {
		return result{Step: int64(prog.Epoch)}, nil
	}
	report, err := finish(model, nil, data, o)
	if err != nil {
		return result{}, err
	}
	return result{Step: int64(prog.Epoch), Finished: true, Report: report}, nil
}

// softmaxGrad writes softmax(scores) − onehot(target) into grad and
// returns the cross-entropy −log softmax(scores)[target].
func softmaxGrad(scores, grad []float32, target int) float64 {
	mx := scores[0]
	for _, s := range scores[1:] {
		mx = max(mx, s)
	}
	var z float64
	for k, s := range scores {
		e := math.Exp(float64(s - mx))
		grad[k] = float32(e)
		z += e
	}
	for k := range grad {
		grad[k] = float32(float64(grad[k]) / z)
	}
	loss := -math.Log(max(float64(grad[target]), 1e-30))
	grad[target]--
	return loss
}

// loadOrWriteConfig reads the work folder's config, or writes cfg there
// for a new run: a run's shape is fixed by its first start.
func loadOrWriteConfig(path string, cfg *punct.Config) error {
	if blob, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(blob, cfg); err != nil {
			return fmt.Errorf("train punct: %s: %w", path, err)
		}
		return nil
	}
	blob, _ := json.Marshal(cfg)
	if err := os.WriteFile(path, blob, 0o644); err != nil {
		return fmt.Errorf("train punct: %w", err)
	}
	return nil
}
