// Command train trains mynah's models from corpora, in Go, on the CPU.
//
//	train asr     [flags]   the acoustic model (CTC, Conformer-like)
//	train lm      [flags]   the n-gram language model
//	train g2p     [flags]   the letter-to-sound model
//	train tts     [flags]   the TTS voice
//	train emotion [flags]   the emotion tagger
//	train punct   [flags]   the punctuation and casing tagger
//	train vad     [flags]   the learned voice activity detector
//	train vocoder [flags]   the TTS vocoder (harmonic plus noise)
//	train decode  [flags]   the decoder's dev evaluation and α/β tuning
//
// Long runs are resumable: they checkpoint into a work directory outside
// the repository and continue from it when started again. SIGINT or
// SIGTERM saves a checkpoint and exits.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	g2ptrain "github.com/mynah-speech/mynah/train/g2p"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// subcommands maps each subcommand to its runner.
var subcommands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"asr":     runASR,
	"lm":      runLM,
	"punct":   runPunct,
	"emotion": runEmotion,
	"g2p":     g2ptrain.Main,
	"tts":     runTTS,
	"vad":     runVAD,
	"vocoder": runVocoder,
	"decode":  runDecode,
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := subcommands[args[0]]
	if !ok {
		switch args[0] {
		case "tts":
			fmt.Fprintf(stderr, "train %s: not implemented yet\n", args[0])
			return 1
		}
		fmt.Fprintf(stderr, "train: unknown subcommand %q\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: train SUBCOMMAND [flags]

subcommands:
  asr       train the acoustic model
  lm        train the n-gram language model
  g2p       train the letter-to-sound model
  tts       train the TTS voice
  emotion   train the emotion tagger
  punct     train the punctuation and casing tagger
  vad       train the learned voice activity detector
  vocoder   train the TTS vocoder (harmonic plus noise)
  decode    evaluate and tune the decoder on dev (WER, α/β grid, hotwords)

Run "train SUBCOMMAND -h" for its flags.
`)
}
