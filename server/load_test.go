package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoad is the bounded load test, run only with MYNAH_LOAD=1:
//
//	MYNAH_LOAD=1 go test -run TestLoad -v -timeout 10m ./server
//
// It builds mynahd and transcribe, starts mynahd on loopback with
// --max-upload 2MB, and runs MYNAH_LOAD_CLIENTS clients (16) for
// MYNAH_LOAD_SECONDS (60) sending a mix of valid clips (70%), corrupt files
// (15%) and uploads over the limit (15%, 3 MB). Clients honour 429's
// Retry-After. It reports requests/s, latency percentiles, counts by
// status, mynahd's peak RSS, and fails on any 5xx or on a valid clip whose
// text differs from what `transcribe` prints for it.
func TestLoad(t *testing.T) {
	if os.Getenv("MYNAH_LOAD") == "" {
		t.Skip("set MYNAH_LOAD=1 to run the load test (16 clients x 60 s)")
	}
	clients := envInt("MYNAH_LOAD_CLIENTS", 16)
	duration := time.Duration(envInt("MYNAH_LOAD_SECONDS", 60)) * time.Second

	dir := t.TempDir()
	mynahd := filepath.Join(dir, "mynahd")
	if out, err := exec.Command("go", "build", "-o", mynahd, "../cmd/mynahd").CombinedOutput(); err != nil {
		t.Fatalf("build mynahd: %v\n%s", err, out)
	}
	transcribe := buildTranscribe(t)
	type clip struct {
		name string
		data []byte
		want string
	}
	var clips []clip
	for _, name := range samples {
		want, err := exec.Command(transcribe, name).Output()
		if err != nil {
			t.Fatal(err)
		}
		clips = append(clips, clip{name, readFile(t, name), string(want)})
	}

	cmd := exec.Command(mynahd, "--addr", "127.0.0.1:0", "--max-upload", "2MB", "--quiet")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stderr)
	var base string
	for lines.Scan() {
		if m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatal("mynahd did not start")
	}
	go io.Copy(io.Discard, stderr)

	type result struct {
		kind    string
		status  int // 0: transport error
		latency time.Duration
		wrong   bool
	}
	var mu sync.Mutex
	var results []result
	var transportErrs []string
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: 5 * time.Minute}
	oversized := bytes.Repeat([]byte{1}, 3<<20)
	loadBefore := loadAverage()
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 1))
			for time.Now().Before(deadline) {
				kind, file, want := "valid", []byte(nil), ""
				switch p := rng.Float64(); {
				case p < 0.70:
					cl := clips[rng.IntN(len(clips))]
					file, want = cl.data, cl.want
				case p < 0.85:
					kind = "corrupt"
					cl := clips[rng.IntN(len(clips))]
					file = append([]byte(nil), cl.data[:len(cl.data)/3]...)
					for i := 0; i < 200; i++ {
						file[rng.IntN(len(file))] = byte(rng.Uint32())
					}
				default:
					kind, file = "oversized", oversized
				}
				body, ct := form(t, file, "model", "whisper-1", "response_format", "text")
				req, _ := http.NewRequest(http.MethodPost, base+"/v1/audio/transcriptions", body)
				req.Header.Set("Content-Type", ct)
				t0 := time.Now()
				resp, err := client.Do(req)
				r := result{kind: kind, latency: time.Since(t0)}
				if err != nil {
					mu.Lock()
					results = append(results, r)
					transportErrs = append(transportErrs, kind+": "+err.Error())
					mu.Unlock()
					continue
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				r.latency = time.Since(t0)
				r.status = resp.StatusCode
				if kind == "valid" && resp.StatusCode == 200 && string(out) != want {
					r.wrong = true
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if resp.StatusCode == http.StatusTooManyRequests {
					wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
					time.Sleep(time.Duration(wait) * time.Second)
				}
			}
		}(uint64(c))
	}
	wg.Wait()
	elapsed := time.Since(start)
	rss := peakRSS(cmd.Process.Pid)

	byStatus := map[string]int{}
	var latencies []time.Duration
	var byKind = map[string][]time.Duration{}
	wrong, fivexx := 0, 0
	for _, r := range results {
		byStatus[fmt.Sprintf("%s %d", r.kind, r.status)]++
		if r.status >= 500 {
			fivexx++
		}
		if r.wrong {
			wrong++
		}
		if r.status != 0 && r.status != 429 {
			latencies = append(latencies, r.latency)
			byKind[r.kind] = append(byKind[r.kind], r.latency)
		}
	}
	var report strings.Builder
	fmt.Fprintf(&report, "load: %d clients for %s against mynahd (%s, --max-upload 2MB) on %d CPUs; load average %s before, %s after\n",
		clients, elapsed.Round(time.Second), base, runtime.NumCPU(), loadBefore, loadAverage())
	fmt.Fprintf(&report, "| measure | value |\n|---|---|\n")
	fmt.Fprintf(&report, "| requests | %d (%.1f/s) |\n", len(results), float64(len(results))/elapsed.Seconds())
	fmt.Fprintf(&report, "| answered (not 429) | %d (%.1f/s) |\n", len(latencies), float64(len(latencies))/elapsed.Seconds())
	fmt.Fprintf(&report, "| latency p50 / p99, all answered | %s / %s |\n", pct(latencies, 50), pct(latencies, 99))
	for _, k := range []string{"valid", "corrupt", "oversized"} {
		fmt.Fprintf(&report, "| latency p50 / p99, %s | %s / %s |\n", k, pct(byKind[k], 50), pct(byKind[k], 99))
	}
	var keys []string
	for k := range byStatus {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := k
		if strings.HasSuffix(k, " 0") {
			label = strings.TrimSuffix(k, " 0") + " transport error"
		}
		fmt.Fprintf(&report, "| %s | %d |\n", label, byStatus[k])
	}
	fmt.Fprintf(&report, "| 5xx | %d |\n| valid answers differing from transcribe | %d |\n| mynahd peak RSS (VmHWM) | %s |\n", fivexx, wrong, rss)
	t.Log("\n" + report.String())
	if path := os.Getenv("MYNAH_LOAD_REPORT"); path != "" {
		os.WriteFile(path, []byte(report.String()), 0o644)
	}
	for i, e := range transportErrs {
		if i == 5 {
			t.Logf("... %d transport errors in all", len(transportErrs))
			break
		}
		t.Logf("transport error: %s", e)
	}
	if fivexx > 0 {
		t.Errorf("%d answers were 5xx", fivexx)
	}
	if wrong > 0 {
		t.Errorf("%d valid answers differ from transcribe's text", wrong)
	}
	if byStatus["valid 200"] == 0 {
		t.Error("no valid request succeeded")
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func pct(d []time.Duration, p int) string {
	if len(d) == 0 {
		return "-"
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return s[max(0, i)].Round(time.Millisecond).String()
}

// loadAverage reads the 1-minute load average, which the figures mean
// nothing without on a shared machine.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// peakRSS reads a process's peak resident set (VmHWM) from /proc.
func peakRSS(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}
