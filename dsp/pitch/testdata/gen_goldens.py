#!/usr/bin/python3
"""Generate the Praat pitch goldens for dsp/pitch.

Run from this folder: /usr/bin/python3 gen_goldens.py (needs praat, sox,
espeak-ng and numpy from Debian).

Signals:
  chirp, speech  dsp/feature/testdata/{chirp,speech}.s16 (16 kHz), the same
                 inputs as the mel goldens;
  square         0.5 s full-scale square wave, period 80 samples (200 Hz),
                 16 kHz, generated here and in the Go test;
  silence        0.5 s of zeros, 16 kHz;
  sentences.flac 20 sentences of espeak-ng speech (voice en-us, 150 wpm,
                 sentences below), each resampled with
                 sox in.wav -r 8000 -b 16 -c 1 out.wav, joined with 0.25 s
                 of silence, stored as 8 kHz 8-bit FLAC (sox; 8 bits keep the
                 file small and do not matter to pitch).
Each is analysed by praat_pitch.praat (To Pitch (ac), 10 ms step,
50-500 Hz, Praat's other defaults) and the result written to
<signal>.praat.txt: first line "t1 dt", then one F0 per frame in Hz,
0 where Praat says unvoiced. provenance.json records the versions.
"""
import json
import subprocess
import numpy as np

SENTENCES = [
    "The kettle sang while the bread cooled on the sill.",
    "Seven green boats drifted past the harbour wall.",
    "Please hand me the blue folder on the top shelf.",
    "Our neighbour plants tomatoes every spring.",
    "The train to the coast leaves at half past nine.",
    "A small dog barked at the falling leaves.",
    "She counted the coins twice before paying.",
    "Thunder rolled over the valley all night long.",
    "We painted the fence a pale shade of yellow.",
    "The library closes early on public holidays.",
    "He found an old map folded inside the book.",
    "Fresh snow covered the path to the cabin.",
    "Could you turn the music down a little?",
    "The baker wakes up long before sunrise.",
    "Two owls watched us from the tall pine tree.",
    "My brother fixed the bicycle with a spoon.",
    "Warm soup is best on a rainy evening.",
    "The children built a castle out of sand.",
    "Nobody noticed the clock had stopped at noon.",
    "Bright lanterns lined the road to the village.",
]


def run(*args):
    subprocess.run(list(args), check=True)


def praat(wav, out):
    run("praat", "--run", "praat_pitch.praat", wav, out)


def main():
    # 16 kHz signals shared with the mel goldens.
    for name in ["chirp", "speech"]:
        run("sox", "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1",
            f"../../feature/testdata/{name}.s16", f"/tmp/pitch_{name}.wav")
        praat(f"/tmp/pitch_{name}.wav", f"{name}.praat.txt")
    sq = np.where((np.arange(8000) % 80) < 40, 1.0, -1.0).astype("<f4")
    sq.tofile("/tmp/pitch_square.f32")
    np.zeros(8000, dtype="<f4").tofile("/tmp/pitch_silence.f32")
    for name in ["square", "silence"]:
        run("sox", "-t", "raw", "-r", "16000", "-e", "floating-point", "-b", "32", "-c", "1",
            f"/tmp/pitch_{name}.f32", f"/tmp/pitch_{name}.wav")
        praat(f"/tmp/pitch_{name}.wav", f"{name}.praat.txt")
    parts = []
    for i, s in enumerate(SENTENCES):
        run("espeak-ng", "-v", "en-us", "-s", "150", "-w", f"/tmp/pitch_s{i}.wav", s)
        run("sox", f"/tmp/pitch_s{i}.wav", "-r", "8000", "-b", "16", "-c", "1", f"/tmp/pitch_s{i}_8k.wav")
        parts += [f"/tmp/pitch_s{i}_8k.wav", "/tmp/pitch_gap.wav"]
    run("sox", "-n", "-r", "8000", "-b", "16", "-c", "1", "/tmp/pitch_gap.wav", "trim", "0", "0.25")
    run("sox", *parts, "-b", "8", "sentences.flac")
    praat("sentences.flac", "sentences.praat.txt")
    versions = {
        "praat": subprocess.run(["praat", "--version"], capture_output=True, text=True).stdout.strip(),
        "espeak_ng": subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip(),
        "sox": subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip(),
        "numpy": np.__version__,
        "praat_command": "To Pitch (ac): 0.01, 50, 15, no, 0.03, 0.45, 0.01, 0.35, 0.14, 500",
        "sentences": SENTENCES,
    }
    with open("provenance.json", "w") as f:
        json.dump(versions, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
