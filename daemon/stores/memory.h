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

// Gives the heap's free pages back to the kernel. Loading a model and its first round of
// probes are the daemon's peaks (the TOML tree, every probe in flight at once); what they
// freed in the middle of the heap stays resident otherwise (100,000 signals: 473 MiB after
// the first round, 348 MiB after this; BENCHMARKS.md, issue 16). The runtime calls it after
// a load and once the first round is done, never on a hot path. A no-op without glibc.
void return_free_memory();

}  // namespace greenlight::daemon
