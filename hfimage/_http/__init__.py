"""The only layer that talks HTTP: the transport and its deadline watch, token scoping, URL checks,
the translation of network failures into typed errors, event streams and image downloads."""
