package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mynah-speech/mynah"
)

// syncBuffer is a stderr the test can read while run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingLine = regexp.MustCompile(`serving \S+ on (https?)://(\S+)`)

// start runs mynahd with args until the returned cancel; wait gives the
// exit status.
func start(t *testing.T, args ...string) (base string, stderr *syncBuffer, cancel func(), wait func() int) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, io.Discard, stderr) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := servingLine.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1] + "://" + m[2]
			break
		}
		select {
		case code := <-done:
			stop()
			t.Fatalf("mynahd exited %d before serving: %s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("mynahd did not start: %s", stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	code := -1
	t.Cleanup(func() { stop() })
	return base, stderr, stop, func() int {
		once.Do(func() {
			select {
			case code = <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("mynahd did not exit")
			}
		})
		return code
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"extra"},
		{"--vad", "maybe"},
		{"--tls-cert", "x.pem"},
		{"--max-upload", "lots"},
		{"--workers", "-1"},
		{"--request-timeout", "0s"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, io.Discard, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "mynahd -h") && !strings.Contains(stderr.String(), "usage:") {
			t.Errorf("%q: no usage hint: %s", args, stderr.String())
		}
	}
}

// TestVADFlag checks that --vad takes transcribe's values and sets the
// recognizer as transcribe does, so both answer alike for one file.
func TestVADFlag(t *testing.T) {
	for _, c := range []struct {
		flag string
		on   bool
		kind mynah.VADKind
	}{
		{"on", true, mynah.VADLearned},
		{"learned", true, mynah.VADLearned},
		{"energy", true, mynah.VADEnergy},
		{"off", false, mynah.VADLearned},
	} {
		o, err := parseArgs([]string{"--vad", c.flag}, io.Discard)
		if err != nil {
			t.Errorf("--vad %s: %v", c.flag, err)
			continue
		}
		if cfg := o.recognizerConfig(); cfg.VAD != c.on || cfg.VADKind != c.kind {
			t.Errorf("--vad %s: VAD %v kind %q, want %v %q", c.flag, cfg.VAD, cfg.VADKind, c.on, c.kind)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"200MB": 200 << 20, "64k": 64 << 10, "1GiB": 1 << 30, "4096": 4096, "3 M": 3 << 20} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("%q: %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "-1", "0", "1T", "MB", "99999999999G"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.2:80": false, "[::]:80": false, "example.com:80": false,
	} {
		if isLoopback(addr) != want {
			t.Errorf("isLoopback(%q) = %v", addr, !want)
		}
	}
}

// TestRefusesOpenAddress: no keys on a public address is refused unless
// --insecure says it is meant.
func TestRefusesOpenAddress(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--addr", "0.0.0.0:0"}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "--insecure") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
	_, _, cancel, wait := start(t, "--addr", "0.0.0.0:0", "--insecure", "--quiet")
	cancel()
	if code := wait(); code != 0 {
		t.Errorf("--insecure: exit %d", code)
	}
}

func TestAPIKeyFile(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "keys")
	os.WriteFile(keyFile, []byte("# mynahd keys\nsk-mynah-test-0123456789\n"), 0o600)
	base, _, cancel, wait := start(t, "--addr", "127.0.0.1:0", "--api-key-file", keyFile, "--quiet")
	for header, want := range map[string]int{"": 401, "Bearer sk-mynah-test-0123456789": 200} {
		req, _ := http.NewRequest("GET", base+"/v1/models", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%q: %d, want %d", header, resp.StatusCode, want)
		}
	}
	cancel()
	if code := wait(); code != 0 {
		t.Errorf("exit %d", code)
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"--api-key-file", filepath.Join(t.TempDir(), "none")}, io.Discard, &stderr); code != 2 {
		t.Errorf("missing key file: exit %d", code)
	}
}

// TestDrain starts an upload, signals the server to stop half-way through
// it, and checks that the upload still completes, new connections are
// refused, and mynahd exits 0.
func TestDrain(t *testing.T) {
	base, stderr, cancel, wait := start(t, "--addr", "127.0.0.1:0", "--drain-timeout", "30s")
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
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", mw.FormDataContentType(), body.Len())
	half := body.Len() / 2
	conn.Write(body.Bytes()[:half])
	time.Sleep(100 * time.Millisecond)
	cancel() // what SIGTERM does
	for !strings.Contains(stderr.String(), "draining") {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted while draining")
	}
	conn.Write(body.Bytes()[half:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(text) == 0 {
		t.Errorf("in-flight request: %d %q", resp.StatusCode, text)
	}
	if code := wait(); code != 0 {
		t.Errorf("exit %d after the drain: %s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "drained") {
		t.Errorf("stderr does not report the drain: %s", stderr)
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	pool := selfSigned(t, certFile, keyFile)
	base, _, cancel, wait := start(t, "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile, "--quiet")
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serving on %s", base)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz over TLS: %d", resp.StatusCode)
	}
	client.CloseIdleConnections()
	cancel()
	if code := wait(); code != 0 {
		t.Errorf("exit %d", code)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns a pool that
// trusts it.
func selfSigned(t *testing.T, certFile, keyFile string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mynahd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// TestSlowClient checks the read timeouts: a client that trickles its
// headers, or stops sending its body, is cut off and the server serves on.
func TestSlowClient(t *testing.T) {
	base, _, cancel, wait := start(t, "--addr", "127.0.0.1:0", "--quiet", "--read-header-timeout", "300ms", "--read-timeout", "600ms")
	addr := strings.TrimPrefix(base, "http://")
	for _, partial := range []string{
		"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\n",
		"POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n--B\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte(partial))
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		t0 := time.Now()
		io.Copy(io.Discard, conn) // returns when the server closes the connection
		conn.Close()
		if d := time.Since(t0); d > 5*time.Second {
			t.Errorf("a stalled client held its connection %s", d)
		}
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if code := wait(); code != 0 {
		t.Errorf("exit %d", code)
	}
}
