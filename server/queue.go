package server

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// pool bounds the work the server takes on: at most workers jobs run at
// once and at most queue more wait for a worker. A request that finds all
// workers busy and the queue full is refused at once (429 with Retry-After)
// instead of piling up: memory, temporary files and latency stay bounded
// under any load.
//
// A request holds an admission ticket from before it reads its body until
// it has answered, so uploads in flight count against the bound too.
type pool struct {
	tickets chan struct{} // admission: capacity workers + queue
	workers chan struct{} // running jobs: capacity workers
	waiting atomic.Int64  // admitted, not yet running

	mu      sync.Mutex
	meanJob float64 // exponentially weighted mean job time in seconds

	// reportMu serialises report: each call reads the counts and sets the
	// gauges as one step, so the last report of a change always leaves the
	// gauges at the counts after it (unlocked, a report that read the
	// counts earlier could overwrite a later one).
	reportMu sync.Mutex
	onDepth  func(waiting, running int)
}

func newPool(workers, queue int, onDepth func(waiting, running int)) *pool {
	return &pool{
		tickets: make(chan struct{}, workers+queue),
		workers: make(chan struct{}, workers),
		meanJob: 1,
		onDepth: onDepth,
	}
}

// admit takes an admission ticket without waiting; ok is false when the
// server is full. release returns the ticket.
func (p *pool) admit() (release func(), ok bool) {
	select {
	case p.tickets <- struct{}{}:
		return func() { <-p.tickets }, true
	default:
		return nil, false
	}
}

// run waits for a worker (or ctx) and runs job on it.
func (p *pool) run(ctx context.Context, job func()) error {
	p.waiting.Add(1)
	p.report()
	select {
	case p.workers <- struct{}{}:
		p.waiting.Add(-1)
	case <-ctx.Done():
		p.waiting.Add(-1)
		p.report()
		return ctx.Err()
	}
	p.report()
	start := time.Now()
	defer func() {
		<-p.workers
		p.observe(time.Since(start).Seconds())
		p.report()
	}()
	job()
	return nil
}

// tryRun runs job now if a worker is free, and reports whether it did.
// Work that is only worth doing at once (a live partial result) uses it.
func (p *pool) tryRun(job func()) bool {
	select {
	case p.workers <- struct{}{}:
	default:
		return false
	}
	p.report()
	defer func() {
		<-p.workers
		p.report()
	}()
	job()
	return true
}

func (p *pool) observe(seconds float64) {
	p.mu.Lock()
	p.meanJob = 0.8*p.meanJob + 0.2*seconds
	p.mu.Unlock()
}

// retryAfter estimates, in whole seconds, when a refused client should try
// again: the time for the queue ahead of it to drain, at least 1 s.
func (p *pool) retryAfter() int {
	p.mu.Lock()
	mean := p.meanJob
	p.mu.Unlock()
	ahead := float64(p.waiting.Load()+int64(cap(p.workers))) / float64(cap(p.workers))
	return int(min(60, max(1, math.Ceil(ahead*mean))))
}

func (p *pool) report() {
	if p.onDepth == nil {
		return
	}
	p.reportMu.Lock()
	defer p.reportMu.Unlock()
	p.onDepth(int(p.waiting.Load()), len(p.workers))
}
