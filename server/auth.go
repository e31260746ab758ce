package server

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// keyring checks bearer tokens against the configured API keys.
//
// Keys are stored as SHA-256 digests and a presented token is hashed before
// the comparison, so every comparison is of 32 bytes: neither the length of
// a key nor the position of the first differing byte shows in the time a
// check takes (crypto/subtle.ConstantTimeCompare). Every key is compared,
// so which key matched does not show either.
type keyring struct {
	digests [][sha256.Size]byte
}

func newKeyring(keys []string) *keyring {
	k := &keyring{}
	for _, key := range keys {
		k.digests = append(k.digests, sha256.Sum256([]byte(key)))
	}
	return k
}

// enabled reports whether any key is configured.
func (k *keyring) enabled() bool { return len(k.digests) > 0 }

// check reports whether token is one of the keys.
func (k *keyring) check(token string) bool {
	sum := sha256.Sum256([]byte(token))
	match := 0
	for i := range k.digests {
		match |= subtle.ConstantTimeCompare(sum[:], k.digests[i][:])
	}
	return match == 1
}

// authorize checks the request's "Authorization: Bearer <key>" header.
func (k *keyring) authorize(r *http.Request) *apiError {
	if !k.enabled() {
		return nil
	}
	header := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(header, " ")
	if header == "" {
		return newError(http.StatusUnauthorized, typeAuthentication, "missing_api_key",
			"", "this server needs an API key: send it as 'Authorization: Bearer <key>'")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || !k.check(strings.TrimSpace(token)) {
		return newError(http.StatusUnauthorized, typeAuthentication, "invalid_api_key", "", "invalid API key")
	}
	return nil
}

// ReadAPIKeys reads API keys, one per line; blank lines and lines starting
// with # are skipped. It is the format of mynahd's --api-key-file.
func ReadAPIKeys(r io.Reader) ([]string, error) {
	var keys []string
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		key := strings.TrimSpace(sc.Text())
		if key == "" || strings.HasPrefix(key, "#") {
			continue
		}
		if strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("line %d: an API key cannot contain spaces", line)
		}
		if len(key) < 16 {
			return nil, fmt.Errorf("line %d: API key shorter than 16 characters is too easy to guess", line)
		}
		keys = append(keys, key)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no API key in the file")
	}
	return keys, nil
}
