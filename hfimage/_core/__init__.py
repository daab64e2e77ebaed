"""Small pieces every layer shares: deadlines, cancellation, text for messages, the request a caller
makes, the model catalog, quota memory. Nothing here talks to the network."""
