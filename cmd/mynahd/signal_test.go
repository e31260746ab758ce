package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary as mynahd itself: with
// MYNAHD_TEST_MAIN=1 the test binary is the command (main, with its real
// signal handling), so TestSIGTERM needs no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("MYNAHD_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSIGTERM sends a real SIGTERM to a mynahd process while a
// transcription is in flight: the request still gets its answer, /healthz
// and new connections stop, and the process exits 0 — what an orchestrator
// (Kubernetes, systemd) does on every rolling update.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a mynahd process (loads the model)")
	}
	cmd := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--drain-timeout", "60s")
	cmd.Env = append(os.Environ(), "MYNAHD_TEST_MAIN=1")
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var stderr syncBuffer
	addr := make(chan string, 1)
	stderrDone := make(chan struct{})
	go func() {
		defer close(stderrDone)
		lines := bufio.NewScanner(stderrPipe)
		for lines.Scan() {
			stderr.Write(append(lines.Bytes(), '\n'))
			if m := servingLine.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1] + "://" + m[2]
			}
		}
	}()
	var base string
	select {
	case base = <-addr:
	case <-time.After(2 * time.Minute):
		t.Fatalf("mynahd did not start: %s", stderr.String())
	}

	clip, err := os.ReadFile("../../samples/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "hello.wav")
	fw.Write(clip)
	mw.WriteField("response_format", "text")
	mw.Close()
	// The body arrives slowly, so the request is surely in flight when
	// the signal comes.
	pr, pw := io.Pipe()
	go func() {
		half := body.Len() / 2
		pw.Write(body.Bytes()[:half])
		time.Sleep(500 * time.Millisecond)
		pw.Write(body.Bytes()[half:])
		pw.Close()
	}()
	type answer struct {
		status int
		text   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Post(base+"/v1/audio/transcriptions", mw.FormDataContentType(), pr)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answered <- answer{status: resp.StatusCode, text: string(text)}
	}()
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	a := <-answered
	if a.err != nil || a.status != 200 {
		t.Errorf("the request in flight at SIGTERM: %d %q %v", a.status, a.text, a.err)
	}
	// The process closes its stderr when it exits; Wait comes after the
	// last read, as os/exec requires.
	select {
	case <-stderrDone:
	case <-time.After(90 * time.Second):
		t.Fatalf("mynahd did not exit after SIGTERM: %s", stderr.String())
	}
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Errorf("mynahd exited %d after SIGTERM, want 0:\n%s", exit.ExitCode(), stderr.String())
		} else {
			t.Error(err)
		}
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("mynahd still answers after its drain")
	}
	if s := stderr.String(); !strings.Contains(s, "draining") || !strings.Contains(s, "drained") {
		t.Errorf("stderr does not report the drain:\n%s", s)
	}
}
