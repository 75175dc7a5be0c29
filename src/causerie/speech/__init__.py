"""Speech: reading text aloud (the `Voice` contract, espeak-ng, normalization, encoding) and transcription
(Whisper). Nothing here is loaded at import time: voices and Whisper load on first use."""
