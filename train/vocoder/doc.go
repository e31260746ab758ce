// Package vocoder is the training recipe of the TTS vocoder
// (tts/vocoder) on the Kathleen corpus (../shared/corpora/kathleen, CC0).
//
// The recipe, `train vocoder` (cmd/train):
//
//  1. reads the manifest, splits it by prompt with train/tts.KathleenSplit
//     (the project's dev prompts, the same the acoustic model holds out),
//     decodes every recording and computes its ground-truth vocoder
//     inputs, TTS log-mels and YIN F0, once, into the work folder's data
//     cache (data.gob, with the audio as 16-bit PCM);
//  2. fixes the log-mel normalisation of the training split into the model
//     config (config.json);
//  3. trains the correction network with AdamW under a warm-up cosine
//     schedule on random segments (--frames frames, with context frames
//     for the convolutions) by the multi-resolution STFT loss of the
//     synthesised segment against the recording: the loss's gradient
//     reaches the samples through the STFTs' adjoints
//     (tts/vocoder.MRSTFT), the envelopes through the synthesiser's
//     (Synthesizer.Backward), and enters the network's tape as the
//     gradient of its log-gain corrections. There is no adversary;
//  4. every --eval-every steps resynthesises the dev utterances from their
//     mels and F0, appends MR-STFT and mel-cepstral distortion to
//     ledger.jsonl (the first line also carries the pure-DSP vocoder's
//     figures), checkpoints (checkpoint.safetensors) and keeps the model
//     of the best dev MR-STFT (vocoder.safetensors, "vocoder." prefix).
//
// Started again on the same work folder a run resumes from its checkpoint;
// the batches depend only on (seed, step), so it sees what an
// uninterrupted run would. --until HH:MM (UTC) or SIGINT stops it with a
// checkpoint.
//
// `train vocoder --resynth ID,... -o DIR` (or --resynth-dev N) writes the
// decoded recording and its pure-DSP and learned resynthesis as WAV, for
// listening and for the PocketSphinx check in ../shared/bench/peers.
package vocoder
