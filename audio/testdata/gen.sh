#!/bin/sh
# Regenerates the FLAC and MP3 fixtures of the audio tests (Debian bookworm:
# sox 14.4.2, flac 1.4.2, lame 3.100). Every fixture is a synthetic tone
# made here; nothing comes from a corpus. Run from audio/testdata.
set -eu
# 0.25 s of a 440 Hz sine at half scale, stereo with the right channel
# inverted (so averaging and channel picking give different results).
sox -n -r 16000 -b 16 -c 2 /tmp/tone16k.wav synth 0.25 sine 440 vol 0.5 remix 1 1i
sox -n -r 16000 -b 16 -c 1 /tmp/tone16k-mono.wav synth 0.25 sine 440 vol 0.5
sox -n -r 8000 -b 16 -c 1 /tmp/tone8k.wav synth 0.25 sine 440 vol 0.5
sox -n -r 22050 -b 16 -c 1 /tmp/tone22k.wav synth 0.25 sine 440 vol 0.5
sox -n -r 44100 -b 16 -c 2 /tmp/tone44k.wav synth 0.25 sine 440 vol 0.5
sox -n -r 48000 -b 24 -c 1 /tmp/tone48k24.wav synth 0.1 sine 440 vol 0.5

flac --silent --force --no-padding -o tone-16k-stereo.flac /tmp/tone16k.wav
flac --silent --force --no-padding -o tone-48k-24bit.flac /tmp/tone48k24.wav
# A valid FLAC stream with no samples.
flac --silent --force --no-padding --force-raw-format --endian=little --sign=signed \
	--channels=1 --bps=16 --sample-rate=16000 -o empty.flac - </dev/null

# MPEG-2 Layer III at 16 and 22.05 kHz as in the corpora, MPEG-1 at
# 44.1 kHz, and MPEG-2.5 at 8 kHz, which the decoder must reject.
# LAME writes its Info frame (gapless delay and padding) only when it fits
# in one frame: at 40 kbps and up for 16 kHz, not at 32 kbps.
lame --quiet -m m -b 40 /tmp/tone16k-mono.wav tone-16k-mpeg2.mp3
lame --quiet -m m -b 40 --resample 22.05 /tmp/tone22k.wav tone-22k-mpeg2.mp3
lame --quiet -m j -b 128 /tmp/tone44k.wav tone-44k-mpeg1-stereo.mp3
lame --quiet -m m -b 32 /tmp/tone16k-mono.wav tone-16k-notag.mp3
lame --quiet -m m -b 8 /tmp/tone8k.wav tone-8k-mpeg25.mp3
rm -f /tmp/tone16k.wav /tmp/tone16k-mono.wav /tmp/tone8k.wav /tmp/tone22k.wav /tmp/tone44k.wav /tmp/tone48k24.wav
