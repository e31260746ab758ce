package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// input is one thing to transcribe.
type input struct {
	// path is the file as given or as walked; "-" is standard input.
	path string
	// id passes through from --input-list.
	id string
	// rel names the input's output file inside a directory --output.
	rel string
}

// audioExtensions are the file names a directory walk picks up. Formats
// mynah cannot decode (Ogg, Opus, M4A, ...) are included on purpose: each
// then gets an error that says how to convert it, instead of vanishing.
var audioExtensions = map[string]bool{
	".wav": true, ".wave": true, ".flac": true, ".mp3": true,
	".ogg": true, ".oga": true, ".opus": true, ".m4a": true, ".aac": true, ".webm": true, ".wma": true,
}

// expandInputs turns arguments and --input-list into the ordered input
// list, then keeps this shard's part.
func expandInputs(o options) ([]input, error) {
	var inputs []input
	for _, arg := range o.inputs {
		if arg == "-" {
			inputs = append(inputs, input{path: "-", rel: "stdin"})
			continue
		}
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			// A missing or unreadable file is an input that fails later,
			// with its own error line, without stopping the batch.
			inputs = append(inputs, input{path: arg, rel: relativeName(arg)})
			continue
		}
		walked, err := walkDir(arg, o.recursive)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, walked...)
	}
	if o.inputList != "" {
		listed, err := readInputList(o.inputList)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, listed...)
	}
	if o.shardCount > 0 {
		inputs = shardFilter(inputs, o.shardIndex, o.shardCount)
	}
	return inputs, nil
}

// walkDir lists the audio files in dir, in lexical order; subdirectories
// only when recursive.
func walkDir(dir string, recursive bool) ([]input, error) {
	var out []input
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", path, err)
		}
		if d.IsDir() {
			if path != dir && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		if !audioExtensions[strings.ToLower(filepath.Ext(path))] {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			rel = filepath.Base(path)
		}
		out = append(out, input{path: path, rel: rel})
		return nil
	})
	return out, err
}

// listEntry is one line of an --input-list file.
type listEntry struct {
	ID    string `json:"id"`
	Audio string `json:"audio"`
}

// readInputList reads JSON Lines {"id", "audio"}; relative audio paths are
// resolved against the list file's directory.
func readInputList(path string) ([]input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--input-list: %w", err)
	}
	defer f.Close()
	var out []input
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var e listEntry
		if err := json.Unmarshal([]byte(text), &e); err != nil {
			return nil, fmt.Errorf("--input-list %s:%d: %v", path, line, err)
		}
		if e.Audio == "" {
			return nil, fmt.Errorf("--input-list %s:%d: no \"audio\" field", path, line)
		}
		if e.ID != "" {
			if first, dup := seen[e.ID]; dup {
				return nil, fmt.Errorf("--input-list %s:%d: id %q already on line %d", path, line, e.ID, first)
			}
			seen[e.ID] = line
		}
		audioPath := e.Audio
		if !filepath.IsAbs(audioPath) {
			audioPath = filepath.Join(filepath.Dir(path), audioPath)
		}
		rel := relativeName(e.Audio)
		if e.ID != "" {
			rel = e.ID
		}
		out = append(out, input{path: audioPath, id: e.ID, rel: rel})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--input-list %s:%d: %w", path, line+1, err)
	}
	return out, nil
}

// relativeName makes a safe relative name for a path given on the command
// line: no leading separators or volume, no "..".
func relativeName(path string) string {
	p := filepath.ToSlash(filepath.Clean(path))
	p = strings.TrimPrefix(p, filepath.ToSlash(filepath.VolumeName(path)))
	p = strings.TrimLeft(p, "/")
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if part == ".." {
			parts[i] = "__"
		}
	}
	return filepath.FromSlash(strings.Join(parts, "/"))
}

// shardOf returns the shard of a path: FNV-1a-64 of the path as given or
// walked, modulo count.
func shardOf(path string, count int) int {
	h := fnv.New64a()
	h.Write([]byte(path))
	return int(h.Sum64() % uint64(count))
}

func shardFilter(inputs []input, index, count int) []input {
	var out []input
	for _, in := range inputs {
		if shardOf(in.path, count) == index {
			out = append(out, in)
		}
	}
	return out
}

// outputExtension is the file extension for a format's outputs.
func outputExtension(format string) string {
	if format == "text" {
		return ".txt"
	}
	return "." + format
}

// outputNames maps each input to its file inside a directory --output,
// failing on collisions.
func outputNames(inputs []input, dir, format string) ([]string, error) {
	names := make([]string, len(inputs))
	owner := map[string]string{}
	for i, in := range inputs {
		base := strings.TrimSuffix(in.rel, filepath.Ext(in.rel))
		if in.id != "" {
			base = in.rel
		}
		name := filepath.Join(dir, base+outputExtension(format))
		if prev, ok := owner[name]; ok {
			return nil, fmt.Errorf("inputs %s and %s would both write %s", prev, in.path, name)
		}
		owner[name] = in.path
		names[i] = name
	}
	return names, nil
}
