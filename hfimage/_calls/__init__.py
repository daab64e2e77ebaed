"""One call, from its arguments to its image: checks, the plan, the fallback loop, quota rests."""
