"""Speech endpoints: POST /v1/audio/speech, POST /v1/audio/transcriptions and GET /api/voices."""
