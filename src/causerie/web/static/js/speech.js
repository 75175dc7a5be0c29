// Reading aloud through POST /v1/audio/speech, and dictation through POST /v1/audio/transcriptions.
// Text is spoken in sentences, queued as it streams: a story starts being read while it is still written.
import { ApiError, call, getJSON } from "./api.js";
import { applyIcons } from "./icons.js";
import { currentLang, t } from "./i18n.js";
import { $, showError } from "./ui.js";

const SENTENCE_END = /[.!?…:;]["»”)\]]*\s+|\n{2,}/g;
const MAX_PIECE = 600; // characters per request: a first sound quickly, few requests for long answers
let current = null; // the queue being played

/** Cut the finished sentences off `text`; returns [finished, rest]. */
export function splitFinished(text) {
  let end = 0;
  for (const match of text.matchAll(SENTENCE_END)) end = match.index + match[0].length;
  return [text.slice(0, end), text.slice(end)];
}

export class SpeechQueue {
  constructor(voice) {
    this.voice = voice;
    this.pending = ""; // text not yet a full sentence
    this.pieces = []; // promises of audio blobs, in order
    this.finished = false;
    this.stopped = false;
    this.audio = $("#audio");
    this.playing = false;
  }

  /** More text (streamed or whole). Complete sentences are sent for synthesis at once. */
  push(text) {
    const [done, rest] = splitFinished(this.pending + text);
    this.pending = rest;
    if (done.trim()) this._enqueue(done);
  }

  /** No more text: speak what is left. */
  finish() {
    this.finished = true;
    if (this.pending.trim()) this._enqueue(this.pending);
    this.pending = "";
    this._next();
  }

  _enqueue(text) {
    for (const piece of pack(text)) {
      const controller = new AbortController();
      const body = { model: "tts-1", input: piece, response_format: "mp3", ...(this.voice ? { voice: this.voice } : {}) };
      const audio = call("POST", "/v1/audio/speech", { json: body, signal: controller.signal })
        .then((response) => response.blob());
      audio.catch(() => {}); // reported when its turn comes
      this.pieces.push({ audio, controller });
    }
    this._next();
  }

  async _next() {
    if (this.playing || this.stopped) return;
    const piece = this.pieces.shift();
    if (!piece) {
      if (this.finished) this._end();
      return;
    }
    this.playing = true;
    try {
      const blob = await piece.audio;
      if (this.stopped) return;
      URL.revokeObjectURL(this.audio.src);
      this.audio.src = URL.createObjectURL(blob);
      this.audio.dataset.bytes = String(blob.size);
      await this.audio.play();
      await new Promise((resolve) => this.audio.addEventListener("ended", resolve, { once: true }));
    } catch (error) {
      if (error.name !== "AbortError" && !(error instanceof DOMException && this.stopped)) showError(error);
      if (error instanceof ApiError) this.stop();
    } finally {
      this.playing = false;
    }
    this._next();
  }

  pause() { this.audio.pause(); }
  resume() { this.audio.play().catch(showError); }

  stop() {
    this.stopped = true;
    for (const piece of this.pieces) piece.controller.abort();
    this.pieces = [];
    this.audio.pause();
    this._end();
  }

  _end() {
    if (current === this) {
      current = null;
      showPlayer(false);
    }
    this.onend?.();
  }
}

/** Sentences grouped into pieces of at most MAX_PIECE characters. */
function pack(text) {
  const sentences = text.split(/(?<=[.!?…:;]["»”)\]]*)\s+|\n{2,}/).filter((s) => s.trim());
  const pieces = [];
  let piece = "";
  for (const sentence of sentences) {
    if (piece && piece.length + sentence.length > MAX_PIECE) pieces.push(piece), piece = "";
    piece += (piece ? " " : "") + sentence;
  }
  if (piece.trim()) pieces.push(piece);
  return pieces;
}

function showPlayer(visible) {
  $("#player").hidden = !visible;
  setToggle(true);
}

function setToggle(playing) {
  const toggle = $("#player-toggle");
  toggle.dataset.icon = playing ? "pause" : "play";
  toggle.dataset.i18nAttr = playing ? "aria-label:web.pause;title:web.pause" : "aria-label:web.resume;title:web.resume";
  toggle.setAttribute("aria-label", t(playing ? "web.pause" : "web.resume"));
  toggle.title = toggle.getAttribute("aria-label");
  applyIcons(toggle.parentElement);
}

/** Start reading: the queue replaces whatever was being read. */
export function startReading(voice) {
  current?.stop();
  current = new SpeechQueue(voice);
  showPlayer(true);
  return current;
}

export function wirePlayer() {
  const audio = $("#audio");
  audio.addEventListener("play", () => setToggle(true));
  audio.addEventListener("pause", () => { if (current && !audio.ended) setToggle(false); });
  $("#player-toggle").addEventListener("click", () => {
    if (!current) return;
    if (audio.paused) current.resume();
    else current.pause();
  });
  $("#player-stop").addEventListener("click", () => current?.stop());
}

/** GET /api/voices, for the settings' voice choice. */
export async function loadVoices(select, chosen) {
  const voices = (await getJSON("/api/voices")).data;
  select.replaceChildren(new Option(t("web.voice_auto"), ""));
  for (const voice of voices) {
    const label = `${voice.name} · ${voice.locale} · ${voice.description || voice.gender}`;
    select.append(new Option(label, voice.name, false, voice.name === chosen));
  }
}

// --- dictation ---------------------------------------------------------------------------------------
let recorder = null;

export const canDictate = () => Boolean(navigator.mediaDevices?.getUserMedia && window.MediaRecorder);

/** Toggle recording; on stop, the transcription is handed to `onText`. */
export async function toggleDictation(button, onText) {
  if (recorder) {
    recorder.stop();
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    showError(new Error(t("web.dictation_failed", { detail: error.message })));
    return;
  }
  const parts = [];
  recorder = new MediaRecorder(stream);
  recorder.addEventListener("dataavailable", (event) => parts.push(event.data));
  recorder.addEventListener("stop", async () => {
    stream.getTracks().forEach((track) => track.stop());
    recorder = null;
    button.classList.remove("recording");
    button.setAttribute("aria-label", t("web.dictate"));
    const form = new FormData();
    form.append("file", new Blob(parts, { type: parts[0]?.type || "audio/webm" }), "dictation.webm");
    form.append("model", "whisper-1");
    form.append("language", currentLang());
    try {
      onText((await (await call("POST", "/v1/audio/transcriptions", { body: form })).json()).text);
    } catch (error) {
      showError(error);
    }
  });
  recorder.start();
  button.classList.add("recording");
  button.setAttribute("aria-label", t("web.dictate_stop"));
}
