package corpora

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// devList is the project's dev split, fixed once and committed. It was made
// by SelectDev(entries, DefaultDevRule) over the corpora of ../shared (see
// TestDevListMatchesRule; regenerate with `go test ./corpora -run
// TestDevListMatchesRule -update` only if the rule itself changes, which
// invalidates every dev figure measured before).
//
//go:embed dev.txt
var devList string

// DevSplit is a set of held-out utterances, named by whole speakers, whole
// prompts (every reading of a prompt), single utterances or whole corpora.
// Keys are corpus families (Family), so the list also applies to a fuller
// copy of the same corpus fetched elsewhere.
type DevSplit struct {
	corpora  map[string]bool // family
	speakers map[string]bool // family/speaker
	prompts  map[string]bool // family/prompt_id
	utts     map[string]bool // family/id
	header   []string        // comment lines, kept when writing
}

// Family is the corpus name without its part suffix: the text before the
// first '-' ("speechocean762-train" -> "speechocean762", "ljspeech-part1" ->
// "ljspeech", "librispeech-dev" -> "librispeech"), lower case.
func Family(corpus string) string {
	f, _, _ := strings.Cut(strings.ToLower(corpus), "-")
	return f
}

// ParseDevList reads a dev list: "family<TAB>kind<TAB>key" lines, kind one
// of corpus, speaker, prompt, utt; '#' starts a comment line.
func ParseDevList(r io.Reader) (*DevSplit, error) {
	d := newDevSplit()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "#") {
			d.header = append(d.header, s)
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != 3 || f[0] == "" || f[2] == "" {
			return nil, fmt.Errorf("dev list line %d: want family<TAB>kind<TAB>key", line)
		}
		if err := d.add(f[0], f[1], f[2]); err != nil {
			return nil, fmt.Errorf("dev list line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("dev list: %w", err)
	}
	return d, nil
}

func newDevSplit() *DevSplit {
	return &DevSplit{corpora: map[string]bool{}, speakers: map[string]bool{}, prompts: map[string]bool{}, utts: map[string]bool{}}
}

func (d *DevSplit) add(family, kind, key string) error {
	family = Family(family)
	switch kind {
	case "corpus":
		d.corpora[family] = true
	case "speaker":
		d.speakers[family+"/"+key] = true
	case "prompt":
		d.prompts[family+"/"+key] = true
	case "utt":
		d.utts[family+"/"+key] = true
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return nil
}

// Contains reports whether e is held out by d.
func (d *DevSplit) Contains(e Entry) bool {
	f := Family(e.Corpus)
	return d.corpora[f] || d.speakers[f+"/"+e.Speaker] ||
		(e.PromptID != "" && d.prompts[f+"/"+e.PromptID]) || d.utts[f+"/"+e.ID]
}

// WriteTo writes d in the format ParseDevList reads, sorted, header first.
func (d *DevSplit) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	for _, h := range d.header {
		b.WriteString(h + "\n")
	}
	emit := func(kind string, m map[string]bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fam, key, _ := strings.Cut(k, "/")
			if kind == "corpus" {
				fam, key = k, "*"
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\n", fam, kind, key)
		}
	}
	emit("corpus", d.corpora)
	emit("speaker", d.speakers)
	emit("prompt", d.prompts)
	emit("utt", d.utts)
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

var defaultDev = sync.OnceValue(func() *DevSplit {
	d, err := ParseDevList(strings.NewReader(devList))
	if err != nil {
		panic("corpora: committed dev.txt does not parse: " + err.Error()) // caught by tests; the file is ours
	}
	return d
})

// Dev returns the project's committed dev split (dev.txt).
func Dev() *DevSplit { return defaultDev() }

// IsDev reports whether e is in the project's committed dev split.
func IsDev(e Entry) bool { return defaultDev().Contains(e) }

// SplitDev separates entries into training and dev data by the committed
// dev split, dropping reserved ones from both.
func SplitDev(entries []Entry) (train, dev []Entry) {
	for _, e := range entries {
		switch {
		case Reserved(e):
		case IsDev(e):
			dev = append(dev, e)
		default:
			train = append(train, e)
		}
	}
	return train, dev
}

// WriteSplit writes dir/train.jsonl and dir/dev.jsonl from entries, split
// by SplitDev, and returns their paths. It fails, writing nothing, if a
// reserved entry is among them: that is a recipe bug worth stopping for.
func WriteSplit(dir string, entries []Entry) (trainPath, devPath string, err error) {
	for _, e := range entries {
		if Reserved(e) {
			return "", "", fmt.Errorf("write split: %s/%s is reserved (speaker %s) and may not be used", e.Corpus, e.ID, e.Speaker)
		}
	}
	train, dev := SplitDev(entries)
	trainPath, devPath = filepath.Join(dir, "train.jsonl"), filepath.Join(dir, "dev.jsonl")
	if err := WriteManifestFile(trainPath, train); err != nil {
		return "", "", err
	}
	if err := WriteManifestFile(devPath, dev); err != nil {
		return "", "", err
	}
	return trainPath, devPath, nil
}

// DevRule is how SelectDev chooses the dev split.
type DevRule struct {
	// Seed orders candidates: each is ranked by the first 8 bytes of
	// SHA-256("seed:key"), stable across Go versions and machines. (FNV-1a
	// was tried first: its high bits barely move with a key's last
	// character, so it picked runs of consecutive prompt ids.)
	Seed uint64
	// SpeechoceanPerGroup speakers are taken from each of the four groups
	// child (age < 18) / adult x female / male.
	SpeechoceanPerGroup int
	// FSDDSpeakers is how many FSDD speakers (never jackson) to hold out.
	FSDDSpeakers int
	// KathleenPromptShare and LJShare are the held-out shares of Kathleen's
	// prompt ids (all readings of each) and of LJSpeech clips.
	KathleenPromptShare, LJShare float64
	// WholeCorpora are families held out entirely (the 4 LibriSpeech
	// utterances: a native-speech sanity check, never trained on).
	WholeCorpora []string
}

// DefaultDevRule is the rule that made dev.txt.
var DefaultDevRule = DevRule{
	Seed:                16,
	SpeechoceanPerGroup: 3,
	FSDDSpeakers:        1,
	KathleenPromptShare: 0.05,
	LJShare:             0.05,
	WholeCorpora:        []string{"librispeech"},
}

func rank(seed uint64, key string) uint64 {
	sum := sha256.Sum256([]byte(strconv.FormatUint(seed, 10) + ":" + key))
	return binary.BigEndian.Uint64(sum[:8])
}

// takeRanked returns the n keys with the smallest rank, sorted by rank.
func takeRanked(seed uint64, keys []string, n int) []string {
	keys = append([]string(nil), keys...)
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := rank(seed, keys[i]), rank(seed, keys[j])
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	if n > len(keys) {
		n = len(keys)
	}
	return keys[:n]
}

// SelectDev chooses a dev split from entries by rule: whole speechocean762
// speakers stratified by age group and gender, whole FSDD speakers, a share
// of Kathleen's prompts and of LJSpeech's clips, and whole corpora.
// Reserved entries are never candidates.
func SelectDev(entries []Entry, rule DevRule) *DevSplit {
	d := newDevSplit()
	d.header = []string{
		"# mynah dev split: fixed once, never tuned against anything else. Made by corpora.SelectDev with",
		fmt.Sprintf("# DevRule{Seed: %d, SpeechoceanPerGroup: %d, FSDDSpeakers: %d, KathleenPromptShare: %g, LJShare: %g, WholeCorpora: %v}",
			rule.Seed, rule.SpeechoceanPerGroup, rule.FSDDSpeakers, rule.KathleenPromptShare, rule.LJShare, rule.WholeCorpora),
		"# over the manifests of ../shared/corpora; candidates ranked by SHA-256 of \"seed:key\".",
		"# family<TAB>kind<TAB>key; kind: corpus (all of it), speaker, prompt (every reading), utt.",
	}
	for _, c := range rule.WholeCorpora {
		d.corpora[Family(c)] = true
	}
	soGroups := map[string]map[string]bool{}
	fsdd := map[string]bool{}
	kathleen := map[string]bool{}
	lj := map[string]bool{}
	for _, e := range entries {
		if Reserved(e) {
			continue
		}
		switch Family(e.Corpus) {
		case "speechocean762":
			g := "adult-" + e.Gender
			if e.Age < 18 {
				g = "child-" + e.Gender
			}
			if soGroups[g] == nil {
				soGroups[g] = map[string]bool{}
			}
			soGroups[g][e.Speaker] = true
		case "fsdd":
			fsdd[e.Speaker] = true
		case "kathleen":
			if e.PromptID != "" {
				kathleen[e.PromptID] = true
			}
		case "ljspeech":
			lj[e.ID] = true
		}
	}
	for _, g := range sortedKeys(soGroups) {
		for _, s := range takeRanked(rule.Seed, keysOf(soGroups[g]), rule.SpeechoceanPerGroup) {
			d.speakers["speechocean762/"+s] = true
		}
	}
	for _, s := range takeRanked(rule.Seed, keysOf(fsdd), rule.FSDDSpeakers) {
		d.speakers["fsdd/"+s] = true
	}
	for _, p := range takeRanked(rule.Seed, keysOf(kathleen), share(len(kathleen), rule.KathleenPromptShare)) {
		d.prompts["kathleen/"+p] = true
	}
	for _, id := range takeRanked(rule.Seed, keysOf(lj), share(len(lj), rule.LJShare)) {
		d.utts["ljspeech/"+id] = true
	}
	return d
}

func share(n int, s float64) int { return int(math.Round(float64(n) * s)) }

func keysOf(m map[string]bool) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
