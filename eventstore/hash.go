package eventstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// archiveTime is the precision PostgreSQL keeps: the hash covers what the
// archive can give back.
func archiveTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// metadataJSON is the archived form of an event's metadata.
func metadataJSON(m Metadata) []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("eventstore: metadata is always encodable: %v", err))
	}
	return b
}

// ChainHash is the tamper-evidence hash of an event: SHA-256 over the
// previous event's hash and every archived field of this one, each length-
// prefixed so no two different events hash alike.
func ChainHash(prev []byte, ev Event, metadata []byte) []byte {
	h := sha256.New()
	var buf [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	num := func(n int64) {
		binary.BigEndian.PutUint64(buf[:], uint64(n))
		h.Write(buf[:])
	}
	field(prev)
	num(int64(ev.Seq))
	field([]byte(ev.AggregateType))
	field([]byte(ev.AggregateID))
	num(int64(ev.Version))
	field([]byte(ev.Type))
	num(int64(ev.SchemaVersion))
	field([]byte(ev.ID))
	field([]byte(ev.Meta.CommandID))
	field(ev.Data)
	field(metadata)
	num(archiveTime(ev.OccurredAt).UnixMicro())
	num(archiveTime(ev.RecordedAt).UnixMicro())
	return h.Sum(nil)
}
