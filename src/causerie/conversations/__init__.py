"""One conversation, whoever drives it: the prompt it sends (history trimmed to the model's budget), its
title, and its answers stored as they stream, marked `interrupted` until they end. The HTTP service
(api/conversations) and `causerie chat` both use it, over the same store."""

LOCAL_USER = "local"  # the owner of single-user mode's conversations (the server without keys, the terminal)
