#pragma once

namespace greenlight::daemon {

// Keeps large temporary buffers out of malloc's heap, so that RSS stays flat.
//
// glibc serves an allocation of at least M_MMAP_THRESHOLD (128 KiB) with its own mmap and
// unmaps it when it is freed. But by default that threshold is dynamic: freeing such a
// buffer raises the threshold to the buffer's size (up to 32 MiB), and the trim threshold
// to twice that. From then on the same large temporaries (the image of events.jsonl or
// outbox.jsonl that a compaction writes, a /metrics exposition, a large API answer) come
// from the heap, which then keeps up to the trim threshold of free memory resident. In
// the soak (BENCHMARKS.md, issue 18) this was a lasting +0.9 MiB step at the second
// compaction of events.jsonl. Pinning the threshold keeps glibc's default and turns the
// dynamic adjustment off. Call once at start; a no-op without glibc.
void keep_large_allocations_out_of_the_heap();

// Gives the free memory inside malloc's arenas back to the system (glibc's malloc_trim).
// Called after the daemon's peaks, never on a hot path; a no-op without glibc:
//   - a compaction of outbox.jsonl parses every line of it: thousands of small blocks,
//     freed after, but left resident in the arena between live ones (the soak: +10 MiB for
//     good after one compaction of a 2 MB outbox; BENCHMARKS.md, issue 18);
//   - loading a model and its first round of probes (the TOML tree, every probe in flight
//     at once): 100,000 signals were 473 MiB resident after the first round, 348 MiB after
//     this (BENCHMARKS.md, issue 16).
void give_back_free_memory();

}  // namespace greenlight::daemon
