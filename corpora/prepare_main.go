//go:build ignore

// prepare_main builds the real-speech manifests and PCM cache from
// ../shared, as cmd/train will: go run ./corpora/prepare_main.go [-shared DIR] [-cache DIR]
// It is a development tool kept out of the package (build tag ignore).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/mynah-speech/mynah/corpora"
)

func main() {
	shared := flag.String("shared", "../shared/corpora", "the corpora folder of ../shared")
	cache := flag.String("cache", "", "cache folder (default corpora.CacheDir())")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	train, dev, err := corpora.PrepareShared(ctx, *shared, *cache, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(train)
	fmt.Println(dev)
}
