// Package vad is the training recipe of the learned voice activity
// detector (package vad's Model) and the evaluation set both detectors are
// scored on.
//
// # Labels from construction
//
// No corpus marks where speech is, so the recipe builds recordings whose
// answer it knows: utterances placed one after another with gaps between
// them. Each utterance's leading and trailing silence is measured by energy
// on its clean audio (10 ms frames within 35 dB of its loudest and above
// −55 dBFS), so the reference speech span is exact however noisy the mix
// later becomes. Training scenes (8 s crops) take utterances of the training
// speakers with gaps of 0.05–2 s, one in ten has no speech at all, and they
// are mixed at −5 to 20 dB SNR with the training noise types of ../shared/
// noise (all but DefaultEvalNoiseTypes, music included), coloured noise (1/f^β, β from −1 to 2) or generated music
// (harmonic notes, vibrato, percussion), then set to a random level.
//
// # The evaluation set
//
// BuildEvalScenes concatenates every dev-split utterance (FSDD digits of the
// dev speaker, speechocean762, Kathleen, LJSpeech and LibriSpeech dev
// utterances) into one-minute scenes, in an order and with gaps (uniform
// 0.2–2 s) fixed by EvalSeed; Scene.Noisy adds noise of the held-out types
// (DefaultEvalNoiseTypes: water_tap, market_bells, car_engine,
// office_keyboard, which the VAD never trains on) at 20, 10 and 5 dB, the
// clip and offset fixed per scene. The flag -eval-noise changes the split:
// -eval-noise music,water_tap,market_bells is the project-wide one
// (augment.HeldOutNoiseTypes), which keeps real music out of training. Frame F1 is scored on
// 10 ms frames; a boundary's error is the distance from each reference
// start (end) to the nearest detected start (end). CutsInsideWords checks
// segmentation: a cut inside a reference span is inside a word unless it
// falls in a pause of at least 80 ms of the clean audio.
//
// # Tuning
//
// After training (or with -retune on a trained file), the detector's
// decision rule (threshold 0.7–0.9, minimum speech 20–60 ms, hangover
// 60–300 ms) is picked on the even evaluation scenes at 20, 10 and 5 dB by
// the mean of frame F1 minus the median boundary error in seconds (10 ms
// of median weighs one point of F1), and stored in the model's config
// (ModelConfig.Detector). The network runs once per scene and level; each
// rule replays its decisions on those probabilities (vad.Model.Replay).
// The odd scenes never steer it: -retune reports them apart. A study of
// other rules (two thresholds, refinement at the probability's 0.5
// crossing or on 5 ms energy) is TestPostStudy (MYNAH_VAD_STUDY=1).
//
// # Running it
//
//	go run ./cmd/train vad -out models/vad.safetensors     # the shipped model: 3,000 steps, noise-floor inputs
//	go run ./cmd/train vad -eval models/vad.safetensors    # its tables again (about 15 s of CPU)
//	go run ./cmd/train vad -retune models/vad.safetensors -out models/vad.safetensors  # tune the rule again
//
// The run uses one thread, checkpoints every 200 steps into
// CACHE/train/vad/checkpoint.safetensors and continues from there when
// started again (delete the folder to start over).
package vad
