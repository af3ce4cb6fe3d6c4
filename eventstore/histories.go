package eventstore

import (
	"container/list"
	"sync"
)

// histories remembers the histories of the aggregates this process read or
// wrote last, so that a command on an aggregate it just worked on decides
// on what it knows instead of reading the log again. A remembered history
// may be stale (another replica appended since): the append's concurrency
// check (the expected last sequence) then refuses it, and the command reads
// the log and decides again.
type histories struct {
	max int

	mu      sync.Mutex
	entries map[string]*list.Element // of *remembered
	order   *list.List               // most recently used first
}

type remembered struct {
	key string
	h   History
}

// maxRemembered bounds the histories kept: the aggregates being worked on
// now, not every aggregate.
const maxRemembered = 4096

func newHistories(max int) *histories {
	return &histories{max: max, entries: map[string]*list.Element{}, order: list.New()}
}

func historyKey(aggType, id string) string { return aggType + "\x00" + id }

// get returns the remembered history of an aggregate. Its events are shared:
// the caller must not change them (appending makes a copy).
func (c *histories) get(key string) (History, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return History{}, false
	}
	c.order.MoveToFront(el)
	h := el.Value.(*remembered).h
	h.Events = h.Events[:len(h.Events):len(h.Events)]
	return h, true
}

// put remembers a history, forgetting the least recently used beyond max.
func (c *histories) put(key string, h History) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		el.Value.(*remembered).h = h
		c.order.MoveToFront(el)
		return
	}
	c.entries[key] = c.order.PushFront(&remembered{key: key, h: h})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.entries, oldest.Value.(*remembered).key)
	}
}

// drop forgets an aggregate's history.
func (c *histories) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.Remove(el)
		delete(c.entries, key)
	}
}
