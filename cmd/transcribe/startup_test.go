package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkProcess is issue 9's start-up target as a user meets it: the
// whole transcribe process (runtime start, page faults on the embedded
// models, model load, decoding, punctuation) on the 3.5 s
// samples/hello.wav, the binary built beforehand. Three processes run
// interleaved, so they share the machine's load alike:
//
//   - impl=mynah: transcribe samples/hello.wav
//   - impl=baseline: transcribe -h, the same binary doing no work, so
//     mynah's wall time over it is the start-up cost net of what the
//     machine's queue adds to any process (a peer-free ratio);
//   - impl=pocketsphinx: ../shared/bench/peers/asr_pocketsphinx.sh on the
//     same file (sox conversion and pocketsphinx_batch), when installed
//     ($MYNAH_SHARED overrides ../shared).
//
// Each reports the median wall and CPU (user+system) milliseconds per run.
// On a loaded machine read cpu-ms: wall time there is mostly waiting.
func BenchmarkProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "transcribe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	sample, err := filepath.Abs("../../samples/hello.wav")
	if err != nil {
		b.Fatal(err)
	}
	shared := os.Getenv("MYNAH_SHARED") // default: ../shared beside the repository
	if shared == "" {
		shared = "../../../shared"
	}
	peer, _ := filepath.Abs(filepath.Join(shared, "bench/peers/asr_pocketsphinx.sh"))
	commands := []struct {
		name string
		argv []string
	}{
		{"impl=mynah", []string{bin, sample}},
		{"impl=baseline", []string{bin, "-h"}},
	}
	if _, err := os.Stat(peer); err == nil {
		if _, err := exec.LookPath("pocketsphinx_batch"); err == nil {
			commands = append(commands, struct {
				name string
				argv []string
			}{"impl=pocketsphinx", []string{peer, sample}})
		}
	}
	// One warm-up round fills the page cache.
	for _, c := range commands {
		exec.Command(c.argv[0], c.argv[1:]...).Run()
	}
	const rounds = 5
	wall := make([][]float64, len(commands))
	cpu := make([][]float64, len(commands))
	for range rounds {
		for i, c := range commands {
			cmd := exec.Command(c.argv[0], c.argv[1:]...)
			start := time.Now()
			err := cmd.Run()
			elapsed := time.Since(start)
			if _, exited := err.(*exec.ExitError); err != nil && !exited {
				b.Fatalf("%s: %v", c.name, err)
			}
			wall[i] = append(wall[i], elapsed.Seconds()*1000)
			cpu[i] = append(cpu[i], (cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()).Seconds()*1000)
		}
	}
	median := func(v []float64) float64 {
		v = slices.Clone(v)
		slices.Sort(v)
		return v[len(v)/2]
	}
	for i, c := range commands {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(median(wall[i]), "wall-ms")
			b.ReportMetric(median(cpu[i]), "cpu-ms")
			if i == 0 {
				b.ReportMetric(median(wall[0])/median(wall[1]), "wall-over-baseline")
				b.ReportMetric(median(wall[0])-median(wall[1]), "net-wall-ms")
			}
		})
	}
}
