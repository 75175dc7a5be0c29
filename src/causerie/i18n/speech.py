"""Catalogue entries of speech: synthesis (TTS), transcription (STT), their HTTP errors and CLI commands."""

SPEECH: dict[str, dict[str, str]] = {
    # --- synthesis errors ---
    "speech.empty_input": {
        "fr": "Le texte à lire est vide : donnez au moins un mot dans « input ».",
        "en": "The text to read is empty: give at least one word in 'input'.",
    },
    "speech.nothing_to_say": {
        "fr": "Ce texte ne contient rien à prononcer (seulement des symboles, des émojis ou du code).",
        "en": "This text has nothing to say aloud (only symbols, emojis or code).",
    },
    "speech.input_too_long": {
        "fr": "Texte trop long pour la synthèse vocale : {size} caractères, la limite est de {limit} "
        "(réglage tts_max_chars, CAUSERIE_TTS_MAX_CHARS). Découpez-le en plusieurs parties.",
        "en": "Text too long for speech synthesis: {size} characters, the limit is {limit} "
        "(setting tts_max_chars, CAUSERIE_TTS_MAX_CHARS). Split it into several parts.",
    },
    "speech.unknown_voice": {
        "fr": "Voix inconnue : « {name} ». Voix disponibles : {available}.",
        "en": "Unknown voice: '{name}'. Available voices: {available}.",
    },
    "speech.unknown_format": {
        "fr": "Format audio non pris en charge : « {given} ». Formats acceptés : {supported}.",
        "en": "Unsupported audio format: '{given}'. Accepted formats: {supported}.",
    },
    "speech.bad_speed": {
        "fr": "Vitesse {speed} hors limites : choisissez entre {low} et {high} (1.0 = normale).",
        "en": "Speed {speed} is out of range: choose between {low} and {high} (1.0 = normal).",
    },
    "speech.no_voice": {
        "fr": "Aucune voix n'est disponible : installez espeakng-loader (pip install espeakng-loader) "
        "ou le paquet système espeak-ng.",
        "en": "No voice is available: install espeakng-loader (pip install espeakng-loader) or the "
        "espeak-ng system package.",
    },
    "speech.backend_missing": {
        "fr": "Le moteur de voix « {backend} » est introuvable : installez {package}.",
        "en": "Voice engine '{backend}' not found: install {package}.",
    },
    "speech.backend_failed": {
        "fr": "Le moteur de voix « {backend} » a échoué : {detail}.",
        "en": "Voice engine '{backend}' failed: {detail}.",
    },
    # --- transcription errors ---
    "speech.not_audio": {
        "fr": "Ce fichier n'est pas un fichier audio lisible. Envoyez un wav, mp3, ogg/opus, flac, m4a ou webm.",
        "en": "This file is not readable audio. Send a wav, mp3, ogg/opus, flac, m4a or webm file.",
    },
    "speech.empty_file": {
        "fr": "Le fichier audio est vide (0 octet).",
        "en": "The audio file is empty (0 bytes).",
    },
    "speech.missing_file": {
        "fr": "Il manque le fichier audio : envoyez-le dans le champ multipart « file ».",
        "en": "The audio file is missing: send it in the multipart field 'file'.",
    },
    "speech.file_too_large": {
        "fr": "Fichier audio trop volumineux : {size} octets, la limite est de {limit} (réglage max_audio_bytes).",
        "en": "Audio file too large: {size} bytes, the limit is {limit} (setting max_audio_bytes).",
    },
    "speech.audio_too_long": {
        "fr": "Audio trop long : plus de {limit} secondes (réglage max_audio_seconds). Découpez-le.",
        "en": "Audio too long: more than {limit} seconds (setting max_audio_seconds). Split it.",
    },
    "speech.unknown_language": {
        "fr": "Langue inconnue pour la transcription : « {given} ». Donnez un code ISO 639-1 comme fr ou en.",
        "en": "Unknown transcription language: '{given}'. Give an ISO 639-1 code such as fr or en.",
    },
    "speech.unknown_transcript_format": {
        "fr": "Format de réponse non pris en charge : « {given} ». Formats acceptés : {supported}.",
        "en": "Unsupported response format: '{given}'. Accepted formats: {supported}.",
    },
    "speech.bad_temperature": {
        "fr": "Température {value} hors limites : choisissez entre 0 et 1.",
        "en": "Temperature {value} is out of range: choose between 0 and 1.",
    },
    "speech.stt_missing": {
        "fr": "La transcription a besoin de faster-whisper : pip install faster-whisper.",
        "en": "Transcription needs faster-whisper: pip install faster-whisper.",
    },
    # --- CLI ---
    "cli.help.speak": {
        "fr": "Lire un texte à voix haute dans un fichier audio (argument, --file ou entrée standard).",
        "en": "Read a text aloud into an audio file (argument, --file or stdin).",
    },
    "cli.help.voices": {"fr": "Lister les voix disponibles.", "en": "List the available voices."},
    "cli.help.transcribe": {
        "fr": "Transcrire un fichier audio en texte (Whisper, hors ligne).",
        "en": "Transcribe an audio file to text (Whisper, offline).",
    },
    "cli.speak.saved": {
        "fr": "Audio écrit : {path} ({seconds} s, voix {voice}).",
        "en": "Audio written: {path} ({seconds} s, voice {voice}).",
    },
    "cli.speak.no_output": {
        "fr": "Donnez un fichier de sortie avec -o (par exemple -o histoire.wav), ou redirigez la sortie.",
        "en": "Give an output file with -o (for example -o story.wav), or redirect the output.",
    },
    "cli.story.saved": {
        "fr": "Histoire écrite : {text} ; lue à voix haute : {audio}",
        "en": "Story written: {text}; read aloud: {audio}",
    },
    "cli.voices.title": {"fr": "Voix", "en": "Voices"},
    "cli.voices.name": {"fr": "Nom", "en": "Name"},
    "cli.voices.language": {"fr": "Langue", "en": "Language"},
    "cli.voices.gender": {"fr": "Genre", "en": "Gender"},
    "cli.voices.default": {"fr": "Par défaut", "en": "Default"},
    "cli.voices.description": {"fr": "Description", "en": "Description"},
    "cli.voices.female": {"fr": "féminine", "en": "female"},
    "cli.voices.male": {"fr": "masculine", "en": "male"},
    "cli.voices.neutral": {"fr": "neutre", "en": "neutral"},
    "cli.voices.aliases": {
        "fr": "Noms OpenAI acceptés aussi : {names} (la langue du texte choisit la voix).",
        "en": "OpenAI names accepted too: {names} (the text's language picks the voice).",
    },
    "cli.transcribe.loading": {"fr": "Chargement de {name}…", "en": "Loading {name}…"},
}
