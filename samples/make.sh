#!/bin/sh
# Regenerates the sample clips (see NOTICE.md). Debian bookworm packages:
# flite 2.2-5, espeak-ng 1.51+dfsg-10+deb12u2, sox 14.4.2, flac 1.4.2,
# lame 3.100. Run from samples/.
set -eu
# flite's CMU ARCTIC voices speak 16 kHz mono 16-bit WAV directly.
flite -voice slt -t "Hello. This is mynah, a speech toolkit written in Go." -o hello.wav
flite -voice rms -t "My phone number is five five five, zero one nine two." -o /tmp/mynah-numbers.wav
flac --silent --force --no-padding -o numbers.flac /tmp/mynah-numbers.wav
# MPEG-2 Layer III, 16 kHz mono, 40 kbps: the corpora's format.
flite -voice awb -t "The quick brown fox jumps over the lazy dog." -o /tmp/mynah-fox.wav
lame --quiet -m m -b 40 /tmp/mynah-fox.wav fox.mp3
# espeak-ng speaks 22,050 Hz; sox resamples to 16 kHz.
espeak-ng -v en-us -s 150 -w /tmp/mynah-window.wav "Open the window and let the fresh air in."
sox /tmp/mynah-window.wav -r 16000 -b 16 -c 1 window.wav
rm -f /tmp/mynah-numbers.wav /tmp/mynah-fox.wav /tmp/mynah-window.wav
