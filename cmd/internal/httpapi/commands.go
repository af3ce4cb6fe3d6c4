package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/eventstore"
)

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 200

// commandRequest reads a command's body into req and derives its metadata.
func commandRequest(w http.ResponseWriter, r *http.Request, p access.Principal, req any) (eventstore.Metadata, error) {
	body, err := readBody(w, r)
	if err != nil {
		return eventstore.Metadata{}, err
	}
	if err := decodeStrict(body, req); err != nil {
		return eventstore.Metadata{}, err
	}
	return commandMeta(r, p, body)
}

// commandMeta derives a command's metadata from the request: its id comes
// from the Idempotency-Key (scoped to the caller), so the same key sent
// twice is one command.
func commandMeta(r *http.Request, p access.Principal, body []byte) (eventstore.Metadata, error) {
	meta := eventstore.Metadata{Actor: p.TokenID, ActorRole: string(p.Role), CorrelationID: requestID(r)}
	sum := sha256.New()
	sum.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	sum.Write(body)
	meta.RequestHash = hex.EncodeToString(sum.Sum(nil))[:32]
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return meta, err
		}
		meta.CommandID = id.String()
		return meta, nil
	}
	if len(key) > maxIdempotencyKey {
		return meta, badRequest("Idempotency-Key: at most %d characters", maxIdempotencyKey)
	}
	for i := range len(key) {
		if key[i] < 0x21 || key[i] > 0x7e {
			return meta, badRequest("Idempotency-Key: only printable ASCII without spaces")
		}
	}
	k := sha256.Sum256([]byte(p.TokenID + "\x00" + key))
	meta.CommandID = "k" + hex.EncodeToString(k[:16])
	return meta, nil
}

// requestID is the caller's X-Request-Id when it is sane, else a new one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && eventstore.ValidToken(id) {
		return id
	}
	id, err := uuid.NewV7()
	if err != nil {
		return ""
	}
	return id.String()
}

// storedMeaning is what a 202 answer guarantees.
const storedMeaning = "Accepted: the command's events are in the log on disk (the log confirmed them), but the answer cannot show the result " +
	"(the read models did not catch up in time, or PostgreSQL failed after the append). The command is not lost and takes effect when the " +
	"archive catches up; read again shortly. Sending it again with the same Idempotency-Key is harmless."

// storedView answers a command whose events are stored but not yet
// visible to queries.
type storedView struct {
	ID           string `json:"id"`
	Position     uint64 `json:"position"`
	TrackingCode string `json:"trackingCode,omitempty"`
	Message      string `json:"message"`
}
