package device

import (
	"math/bits"
	"sync/atomic"
)

// Ring is a lock-free single-producer single-consumer ring buffer of
// samples (Lamport, "Proving the correctness of multiprocess programs",
// 1977: one writer advances head, one reader advances tail, each reads the
// other's index with acquire semantics). Exactly one goroutine may call
// Write and exactly one other may call Read; Len, Overruns and Dropped are
// safe from anywhere.
//
// Write never blocks: samples that do not fit are dropped (the newest
// ones, so what the consumer reads stays contiguous) and counted.
type Ring struct {
	buf  []float32
	mask uint64
	// head and tail count samples written and read since the start; they
	// never wrap in practice (2^64 samples is 12 million years at 48 kHz).
	head     atomic.Uint64
	_        [56]byte // keep head and tail on separate cache lines
	tail     atomic.Uint64
	_        [56]byte
	overruns atomic.Uint64
	dropped  atomic.Uint64
}

// NewRing returns a ring holding at least capacity samples (rounded up to
// a power of two; at least 2).
func NewRing(capacity int) *Ring {
	if capacity < 2 {
		capacity = 2
	}
	size := uint64(1) << bits.Len64(uint64(capacity-1))
	return &Ring{buf: make([]float32, size), mask: size - 1}
}

// Cap returns how many samples the ring holds.
func (r *Ring) Cap() int { return len(r.buf) }

// Len returns how many samples are waiting to be read.
func (r *Ring) Len() int { return int(r.head.Load() - r.tail.Load()) }

// Write copies as many samples of p as fit and returns how many; the rest
// are dropped and counted. Only the producer may call it.
func (r *Ring) Write(p []float32) int {
	head := r.head.Load()
	free := uint64(len(r.buf)) - (head - r.tail.Load())
	n := uint64(len(p))
	if n > free {
		r.overruns.Add(1)
		r.dropped.Add(n - free)
		n = free
	}
	start := head & r.mask
	first := min(n, uint64(len(r.buf))-start)
	copy(r.buf[start:start+first], p[:first])
	copy(r.buf[:n-first], p[first:n])
	r.head.Store(head + n) // publishes the copied samples to the reader
	return int(n)
}

// Read copies up to len(p) waiting samples into p and returns how many,
// 0 when none wait. Only the consumer may call it.
func (r *Ring) Read(p []float32) int {
	tail := r.tail.Load()
	n := min(uint64(len(p)), r.head.Load()-tail)
	start := tail & r.mask
	first := min(n, uint64(len(r.buf))-start)
	copy(p[:first], r.buf[start:start+first])
	copy(p[first:n], r.buf[:n-first])
	r.tail.Store(tail + n) // frees the slots for the writer
	return int(n)
}

// Overruns returns how many Writes found the ring too full to take all
// their samples.
func (r *Ring) Overruns() uint64 { return r.overruns.Load() }

// Dropped returns how many samples were dropped in all.
func (r *Ring) Dropped() uint64 { return r.dropped.Load() }
