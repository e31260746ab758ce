package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

// benchTexts are the speed case, 4–5 s of speech per process
// with the built-in voice: Harvard list 3 (which the issue leaves for
// development) two sentences at a time, since one of them lasts only
// 2–3 s in this voice (4.3–5.6 s a pair).
var benchTexts = []string{
	"The small pup gnawed a hole in the sock. The fish twisted and turned on the bent hook.",
	"Press the pants and sew a button on the vest. The swan dive was far short of perfect.",
	"The beauty of the view stunned the young boy. Two blue fish swam in the tank.",
	"Her purse was full of useless trash. The colt reared and threw the tall rider.",
	"It snowed, rained, and hailed the same morning. Read verse out loud for pleasure.",
}

// BenchmarkProcess measures what the speed target counts: a whole
// `speak -o out.wav TEXT` process with the built-in voice, start-up
// included, in CPU time (x-realtime-cpu: seconds of audio per CPU second
// of the process; cpu-ms/op), beside flite run the same way. Each op is
// one process. Pin it to one core to match the issue ("one core"):
//
//	taskset -c 1 go test ./cmd/speak -run '^$' -bench Process -benchtime 20x
//
// The binary is built once, without cgo, before the timer starts.
func BenchmarkProcess(b *testing.B) {
	peers := []struct{ name, bin string }{{"impl=mynah", ""}, {"impl=flite", "flite"}}
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			dir := b.TempDir()
			out := filepath.Join(dir, "x.wav")
			bin, args := p.bin, func(text string) []string { return []string{"-t", text, "-o", out} }
			if bin == "" {
				bin = filepath.Join(dir, "speak")
				build := exec.Command("go", "build", "-o", bin, ".")
				build.Env = append(os.Environ(), "CGO_ENABLED=0")
				if msg, err := build.CombinedOutput(); err != nil {
					b.Fatalf("go build: %v\n%s", err, msg)
				}
				args = func(text string) []string { return []string{"-o", out, text} }
			} else if _, err := exec.LookPath(bin); err != nil {
				b.Skipf("%s not installed (bash ../shared/bench/install-peers.sh)", bin)
			}
			var cpu time.Duration
			var audioSec float64
			b.ResetTimer()
			for i := range b.N {
				cmd := exec.Command(bin, args(benchTexts[i%len(benchTexts)])...)
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s: %v\n%s", bin, err, msg)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				f, err := audio.Open(out, audio.DecodeOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if d, ok := f.Duration(); ok {
					audioSec += d.Seconds()
				}
				f.Close()
			}
			b.StopTimer()
			if cpu > 0 {
				b.ReportMetric(audioSec/cpu.Seconds(), "x-realtime-cpu")
			}
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(audioSec/b.Elapsed().Seconds(), "x-realtime")
			b.ReportMetric(audioSec/float64(b.N), "audio-s/op")
		})
	}
}
