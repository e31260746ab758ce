#!/usr/bin/python3
"""Generate the mel-feature goldens for dsp/feature from torchaudio.

Run from this folder with Debian's Python (it sees python3-torchaudio):

    /usr/bin/python3 gen_goldens.py

Inputs (written here as 16-bit PCM, 16 kHz, so Go reads the same samples):
  chirp.s16   1 s linear chirp 50 Hz -> 7 kHz at 0.5 amplitude plus seeded
              Gaussian noise (numpy default_rng(4), sigma 0.01).
  speech.s16  3 s of espeak-ng speech, made by
              espeak-ng -v en-us -s 150 -w speech22k.wav "<SENTENCE>"
              sox speech22k.wav -r 16000 -b 16 -c 1 speech16k.wav
              then padded/cut to exactly 48000 samples.
Silence (0.5 s of zeros) and a full-scale square wave (0.5 s, period 80
samples: 40 samples of +1.0 then 40 of -1.0) are generated in the test.

Outputs: goldens.json (metadata, provenance) and <config>_<signal>.f32,
log-mel frames as float32 little-endian, row-major frames x mels, every
STRIDE-th frame only (frame 0, STRIDE, 2*STRIDE, ...) to keep them small.
The reference runs in float64 (torch.set_default_dtype(torch.float64),
so that torchaudio's filterbanks, built with torch.linspace/arange, are
float64 too; in float32 they carry weight errors up to 1.5e-4 relative)
so the goldens carry no float32 error of their own.
"""
import json
import os
import platform
import subprocess

import numpy as np
import torch
import torchaudio

SENTENCE = "A quiet breeze moved over the hills, and the old mill turned slowly at dusk."
STRIDE = 3
RATE = 16000


def write_s16(name, x):
    np.clip(np.round(x * 32768), -32768, 32767).astype("<i2").tofile(name)


def read_s16(name):
    return np.fromfile(name, dtype="<i2").astype(np.float64) / 32768


def make_inputs():
    t = np.arange(RATE) / RATE
    f0, f1 = 50.0, 7000.0
    chirp = 0.5 * np.sin(2 * np.pi * (f0 * t + (f1 - f0) / 2 * t * t))
    chirp += np.random.default_rng(4).normal(0, 0.01, RATE)
    write_s16("chirp.s16", chirp)
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", "/tmp/speech22k.wav", SENTENCE], check=True)
    subprocess.run(["sox", "/tmp/speech22k.wav", "-r", "16000", "-b", "16", "-c", "1", "/tmp/speech16k.wav"], check=True)
    wav, rate = torchaudio.load("/tmp/speech16k.wav")
    assert rate == RATE
    x = wav[0].double().numpy()
    x = np.concatenate([x, np.zeros(max(0, 3 * RATE - len(x)))])[: 3 * RATE]
    write_s16("speech.s16", x)


def signals():
    sq = np.where((np.arange(RATE // 2) % 80) < 40, 1.0, -1.0)
    return {
        "chirp": read_s16("chirp.s16"),
        "silence": np.zeros(RATE // 2),
        "square": sq,
        "speech": read_s16("speech.s16"),
    }


FLOOR = 1e-10

CONFIGS = {
    # dsp/feature.DefaultASR().
    "slaney": dict(kind="mel", n_fft=512, win=400, hop=160, n_mels=80, f_min=20.0, f_max=7600.0,
                   norm="slaney", mel_scale="slaney"),
    # HTK scale, no norm, FFT size 400 (radix 5), full band.
    "htk": dict(kind="mel", n_fft=400, win=400, hop=160, n_mels=64, f_min=0.0, f_max=8000.0,
                norm=None, mel_scale="htk"),
    # dsp/feature.KaldiFbank(16000, 80).
    "kaldi": dict(kind="kaldi", n_mels=80),
}


def compute(cfg, x):
    wav = torch.from_numpy(x).double().unsqueeze(0)
    if cfg["kind"] == "kaldi":
        return torchaudio.compliance.kaldi.fbank(
            wav, num_mel_bins=cfg["n_mels"], sample_frequency=RATE, dither=0.0,
            energy_floor=0.0).numpy()
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=RATE, n_fft=cfg["n_fft"], win_length=cfg["win"], hop_length=cfg["hop"],
        f_min=cfg["f_min"], f_max=cfg["f_max"], n_mels=cfg["n_mels"], power=2.0, center=True,
        pad_mode="reflect", norm=cfg["norm"], mel_scale=cfg["mel_scale"],
        window_fn=torch.hann_window).double()
    p = mel(wav)[0].T.numpy()  # frames x mels
    return np.log(np.maximum(p, FLOOR))


def main():
    torch.set_default_dtype(torch.float64)
    if not os.path.exists("speech.s16"):
        make_inputs()
    meta = {
        "generator": "gen_goldens.py",
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "espeak_ng": subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip(),
        "sentence": SENTENCE,
        "stride": STRIDE,
        "default_dtype": "float64",
        "log_floor_mel": FLOOR,
        "configs": {k: {kk: vv for kk, vv in v.items()} for k, v in CONFIGS.items()},
        "files": {},
    }
    for cname, cfg in CONFIGS.items():
        for sname, x in signals().items():
            out = compute(cfg, x)
            sub = out[::STRIDE].astype("<f4")
            fname = f"{cname}_{sname}.f32"
            sub.tofile(fname)
            meta["files"][fname] = {"frames": int(out.shape[0]), "stored": int(sub.shape[0]), "mels": int(out.shape[1])}
    with open("goldens.json", "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
