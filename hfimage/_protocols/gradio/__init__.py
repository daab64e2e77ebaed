"""A Gradio app: its description (config, endpoints, limits), its two routes (call and queue),
output diffs, and the app's own error texts (quota among them)."""
