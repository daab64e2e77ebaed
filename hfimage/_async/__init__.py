"""The async client behind ``hfimage.aio`` and the seeds' drop-ins: the sync client's calls on worker threads."""
