"""What the services say, on top of the HTTP layer: Gradio's routes and ImageLabs' poll loop, each
turning a server's answers into progress events and image URLs, or typed errors."""
