// Package corpora turns speech corpora into training data: recipes that read
// a corpus in its own layout and write JSON Lines manifests, the fixed
// speaker-disjoint dev split, a 16 kHz PCM cache that training reads, and
// synthetic speech from Debian's TTS engines.
//
// The flow follows the staged recipes of Kaldi and icefall (lhotse's
// manifests are the model for the file format):
//
//  1. A recipe reads a corpus (Shared for the TSV folders of ../shared,
//     LibriSpeech for SPEAKER/CHAPTER/*.trans.txt trees, FSDD, TSV for a
//     user's own audio<TAB>text list) and returns Entries whose Text went
//     through text.Normalize, with the corpus's own words kept in RawText.
//  2. SplitDev separates the committed dev list (dev.txt) from training
//     data; reserved sets (FSDD speaker jackson, RAVDESS actors 19-24) are
//     dropped by every recipe and refused by WriteSplit.
//  3. BuildCache decodes every entry once into 16 kHz mono int16 shards
//     under CacheDir, resumably and in parallel; OpenCache gives an
//     utterance's samples by id with one ReadAt.
//  4. Synthesize makes extra speech with flite, festival and espeak-ng
//     voices reading sentences of public-domain books; its manifest goes
//     through BuildCache like any corpus.
//
// A manifest line looks like
//
//	{"id":"000010011","audio":"/data/so762/audio/000010011.mp3","duration":2.58,"text":"we call it bear","speaker":"0001","corpus":"speechocean762-train","raw_text":"WE CALL IT BEAR","age":6,"gender":"m"}
//
// # Files
//
// Everything lives under the cache folder (CacheDir: $MYNAH_CACHE, else
// $XDG_CACHE_HOME/mynah, else ~/.cache/mynah), never in the repository:
//
//	manifests/train.jsonl, dev.jsonl   PrepareShared: the real speech, split by dev.txt
//	pcm/CORPUS.s16                     raw int16 little-endian, 16 kHz mono, utterances back to back
//	pcm/CORPUS.idx                     header line, then id<TAB>offset<TAB>samples<TAB>source (offsets in samples)
//	synth/BATCH/manifest.jsonl, wav/   Synthesize: one batch of synthetic speech (corpus "synth")
//
// Cached MP3 audio keeps the encoder lead-in and padding that the MP3s of
// ../shared carry without a gapless header (about 70-100 ms more than the
// manifest's duration, which is of the source audio); Cache.NumSamples
// gives the cached length.
//
// # Commands
//
// Two development tools (build tag ignore) run the recipes outside
// cmd/train:
//
//	go run ./corpora/prepare_main.go -shared ../shared/corpora             # manifests + PCM cache
//	go run ./corpora/synth_main.go -shared ../shared -batch b1 -seed 1 -hours 3
//
// Recipes are imported by commands (cmd/train), never by library packages.
package corpora
