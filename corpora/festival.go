package corpora

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// festivalProc is one long-lived `festival --pipe` process fed Scheme
// commands on stdin. text2wave starts festival and loads a voice for every
// sentence, which costs about a second; reusing one process makes festival
// voices several times faster.
//
// Festival buffers its stdout when it is a pipe, so completion cannot be
// read from there: each job saves to a temporary name, renames it into
// place and then touches a marker file, all from Scheme; the Go side polls
// for the marker (every 10 ms) and then checks the WAV.
type festivalProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	exit  chan struct{}
}

// festivalTimeout bounds one sentence; a process that misses it is killed
// and the sentence fails (the next job starts a fresh process).
const festivalTimeout = 60 * time.Second

func startFestival() (*festivalProc, error) {
	cmd := exec.Command("festival", "--pipe")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start festival: %w", err)
	}
	p := &festivalProc{cmd: cmd, stdin: stdin, exit: make(chan struct{})}
	go func() { cmd.Wait(); close(p.exit) }()
	return p, nil
}

// schemeString quotes s as a Scheme string literal.
func schemeString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// synth makes out from text with the voice and settings of j and returns
// the settings' description.
func (p *festivalProc) synth(ctx context.Context, j synthJob, out string) (string, error) {
	v := j.voice
	desc := v.String()
	if strings.ContainsAny(out, "'\"\\\n") {
		return desc, fmt.Errorf("festival: output path %q has quotes or a newline", out)
	}
	tmp, marker := out+".tmp", out+".done"
	os.Remove(marker)
	var b strings.Builder
	fmt.Fprintf(&b, "(voice_%s)\n", v.Name)
	stretch := 1.0
	if v.Stretch {
		stretch = j.stretch
		desc += fmt.Sprintf(":stretch=%.2f", j.stretch)
	}
	fmt.Fprintf(&b, "(Parameter.set 'Duration_Stretch %.3f)\n", stretch)
	if v.Pitch {
		f0 := 105 * j.pitch
		fmt.Fprintf(&b, "(set! int_lr_params '((target_f0_mean %.0f) (target_f0_std 14) (model_f0_mean 170) (model_f0_std 34)))\n", f0)
		desc += fmt.Sprintf(":f0=%.0f", f0)
	}
	fmt.Fprintf(&b, "(utt.save.wave (utt.synth (Utterance Text %s)) %s 'riff)\n", schemeString(j.raw), schemeString(tmp))
	fmt.Fprintf(&b, "(system %s)\n", schemeString("mv '"+tmp+"' '"+out+"'"))
	fmt.Fprintf(&b, "(system %s)\n", schemeString("touch '"+marker+"'"))
	if _, err := io.WriteString(p.stdin, b.String()); err != nil {
		return desc, fmt.Errorf("festival: %w", err)
	}
	defer os.Remove(marker)
	deadline := time.Now().Add(festivalTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if _, err := os.Stat(marker); err == nil {
				if _, err := os.Stat(out); err != nil {
					os.Remove(tmp)
					return desc, errors.New("festival made no audio for this sentence")
				}
				return desc, nil
			}
			if time.Now().After(deadline) {
				return desc, fmt.Errorf("festival: no answer in %s", festivalTimeout)
			}
		case <-p.exit:
			return desc, errors.New("festival exited")
		case <-ctx.Done():
			return desc, ctx.Err()
		}
	}
}

// close ends the process and returns the CPU seconds it used.
func (p *festivalProc) close() float64 {
	if p == nil {
		return 0
	}
	p.stdin.Close()
	select {
	case <-p.exit:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exit
	}
	if ps := p.cmd.ProcessState; ps != nil {
		return (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	return 0
}
