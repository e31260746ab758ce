// Drives mynahd with the official `openai` npm package, as an application
// would. Run by TestOpenAIClient (server/openai_test.go), which installs the
// package with install.sh, copies this file beside its node_modules and
// passes the server and the expectations in the environment:
//
//   MYNAHD_URL        the server's base URL (http://127.0.0.1:PORT)
//   MYNAH_CLIP        an audio file to transcribe
//   MYNAH_EXPECT      the text `transcribe` prints for it (without newline)
//   MYNAH_SPEECH_RATE the sample rate the test synthesiser speaks at
//
// It prints one "ok ..." line per check and exits 1 at the first failure.
import fs from 'node:fs';
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.MYNAHD_URL + '/v1', apiKey: 'sk-mynah-test-key-0123456789', maxRetries: 0 });
const clip = process.env.MYNAH_CLIP;
const expect = process.env.MYNAH_EXPECT;

function check(cond, what) {
  if (!cond) {
    console.error('FAIL ' + what);
    process.exit(1);
  }
  console.log('ok ' + what);
}

const json = await client.audio.transcriptions.create({ file: fs.createReadStream(clip), model: 'whisper-1' });
check(json.text === expect, `transcriptions.create json: ${JSON.stringify(json.text)}`);

const text = await client.audio.transcriptions.create({ file: fs.createReadStream(clip), model: 'whisper-1', response_format: 'text' });
check(text === expect + '\n', `transcriptions.create text: ${JSON.stringify(text)}`);

const verbose = await client.audio.transcriptions.create({
  file: fs.createReadStream(clip),
  model: 'whisper-1',
  response_format: 'verbose_json',
  timestamp_granularities: ['word', 'segment'],
  language: 'en',
});
check((verbose.display_text ?? verbose.text) === expect && verbose.duration > 1 && Array.isArray(verbose.words) && Array.isArray(verbose.segments),
  `transcriptions.create verbose_json: duration ${verbose.duration}, ${verbose.words.length} words, ${verbose.segments.length} segments`);

try {
  await client.audio.transcriptions.create({ file: fs.createReadStream(clip), model: 'whisper-1', language: 'fr' });
  check(false, 'language fr is refused');
} catch (err) {
  check(err instanceof OpenAI.APIError && err.status === 400 && err.code === 'unsupported_language',
    `language fr is refused: ${err.status} ${err.code}: ${err.message}`);
}

const speech = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'One. Two. Three.', response_format: 'wav' });
const wav = Buffer.from(await speech.arrayBuffer());
const rate = wav.readUInt32LE(24);
check(wav.toString('ascii', 0, 4) === 'RIFF' && wav.toString('ascii', 8, 12) === 'WAVE' && rate === Number(process.env.MYNAH_SPEECH_RATE) && wav.length > 44 + 1000,
  `speech.create wav: ${wav.length} bytes at ${rate} Hz`);

const pcm = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'One.', response_format: 'pcm', speed: 2 });
const raw = Buffer.from(await pcm.arrayBuffer());
check(raw.length > 0 && raw.length % 2 === 0, `speech.create pcm at speed 2: ${raw.length} bytes`);
