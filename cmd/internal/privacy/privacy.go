// Package privacy protects the complainant: personal data is sealed with a
// key of its own case (AES-256-GCM), the keys are kept wrapped by a master
// key, and destroying a case's key makes its personal data unreadable
// everywhere without touching the immutable log. It also makes the tracking
// codes complainants use to follow their case.
package privacy

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/eventstore"
)

// ErrShredded: the case's key was destroyed; its personal data is gone.
var ErrShredded = errors.New("privacy: the personal data was destroyed")

// MasterKeySize is the size of the master key in bytes.
const MasterKeySize = 32

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the key table.
func Migrations() eventstore.MigrationSet {
	return eventstore.EmbeddedMigrations("privacy", migrations)
}

// Keys seals and opens personal data with per-case keys.
type Keys struct {
	pool        *pgxpool.Pool
	master      cipher.AEAD
	trackingKey []byte // derived from the master key, for tracking codes
}

// NewKeys returns the key store, with a 32-byte master key.
func NewKeys(pool *pgxpool.Pool, master []byte) (*Keys, error) {
	if len(master) != MasterKeySize {
		return nil, fmt.Errorf("privacy: the master key must be %d bytes, not %d", MasterKeySize, len(master))
	}
	aead, err := newAEAD(master)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, master)
	mac.Write([]byte("watchpost tracking-code key"))
	return &Keys{pool: pool, master: aead, trackingKey: mac.Sum(nil)}, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sealedPrefix marks the format of sealed data.
const sealedPrefix = "v1."

// Seal encrypts v (as JSON) with the case's key, creating the key if the
// case has none yet.
func (k *Keys) Seal(ctx context.Context, caseID string, v any) (string, error) {
	key, err := k.caseKey(ctx, caseID, true)
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(seal(aead, plain, []byte(caseID))), nil
}

// Open decrypts what Seal sealed for the case into v.
func (k *Keys) Open(ctx context.Context, caseID, sealed string, v any) error {
	if !strings.HasPrefix(sealed, sealedPrefix) {
		return fmt.Errorf("privacy: case %s: unknown sealed format", caseID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, sealedPrefix))
	if err != nil {
		return fmt.Errorf("privacy: case %s: %w", caseID, err)
	}
	key, err := k.caseKey(ctx, caseID, false)
	if err != nil {
		return err
	}
	aead, err := newAEAD(key)
	if err != nil {
		return err
	}
	plain, err := open(aead, raw, []byte(caseID))
	if err != nil {
		return fmt.Errorf("privacy: case %s: %w", caseID, err)
	}
	return json.Unmarshal(plain, v)
}

// Shred destroys the case's key. It is idempotent; a case without a key
// gets a destroyed one, so nothing can be sealed for it afterwards.
func (k *Keys) Shred(ctx context.Context, caseID string) error {
	_, err := k.pool.Exec(ctx, `INSERT INTO case_keys (case_id, wrapped, shredded_at) VALUES ($1, NULL, now())
		ON CONFLICT (case_id) DO UPDATE SET wrapped = NULL, shredded_at = coalesce(case_keys.shredded_at, now())`, caseID)
	if err != nil {
		return fmt.Errorf("%w: privacy: shred: %w", eventstore.ErrUnavailable, err)
	}
	return nil
}

// caseKey returns the case's data key, creating it when create is set.
func (k *Keys) caseKey(ctx context.Context, caseID string, create bool) ([]byte, error) {
	if create {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		wrapped := seal(k.master, key, []byte(caseID))
		if _, err := k.pool.Exec(ctx, `INSERT INTO case_keys (case_id, wrapped) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`,
			caseID, wrapped); err != nil {
			return nil, fmt.Errorf("%w: privacy: store key: %w", eventstore.ErrUnavailable, err)
		}
	}
	var wrapped []byte
	err := k.pool.QueryRow(ctx, `SELECT wrapped FROM case_keys WHERE case_id = $1`, caseID).Scan(&wrapped)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && wrapped == nil {
		return nil, ErrShredded
	}
	if err != nil {
		return nil, fmt.Errorf("%w: privacy: read key: %w", eventstore.ErrUnavailable, err)
	}
	key, err := open(k.master, wrapped, []byte(caseID))
	if err != nil {
		return nil, fmt.Errorf("privacy: case %s: the key does not open with this master key: %w", caseID, err)
	}
	return key, nil
}

// seal encrypts with a fresh nonce, which it puts in front.
func seal(aead cipher.AEAD, plain, aad []byte) []byte {
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return aead.Seal(nonce, nonce, plain, aad)
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed data too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
}
