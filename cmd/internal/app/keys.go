package app

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/watchpost/watchpost/cmd/internal/privacy"
)

// masterKeyFile is where development keeps its master key.
const masterKeyFile = "master.key"

// loadMasterKey reads the master key from the configuration; in development
// (a private database under the data directory) it makes one there on first
// use.
func loadMasterKey(cfg Config, dev bool) ([]byte, error) {
	var encoded string
	switch {
	case cfg.MasterKey != "":
		encoded = cfg.MasterKey
	case cfg.MasterKeyFile != "":
		b, err := os.ReadFile(cfg.MasterKeyFile)
		if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		encoded = string(b)
	case dev:
		path := filepath.Join(cfg.DataDir, masterKeyFile)
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			key := make([]byte, privacy.MasterKeySize)
			if _, err := rand.Read(key); err != nil {
				return nil, err
			}
			encoded = base64.StdEncoding.EncodeToString(key)
			if err := os.WriteFile(path, []byte(encoded+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("master key: %w", err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		} else {
			encoded = string(b)
		}
	default:
		return nil, errors.New("a master key is required with an external database: set WATCHPOST_MASTER_KEY (base64 of 32 random bytes) or WATCHPOST_MASTER_KEY_FILE")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil || len(key) != privacy.MasterKeySize {
		return nil, fmt.Errorf("master key: base64 of %d bytes expected", privacy.MasterKeySize)
	}
	return key, nil
}

// Keys opens the key store of the environment's database.
func (e *Env) Keys() (*privacy.Keys, error) {
	master, err := loadMasterKey(e.cfg, e.DevDatabase)
	if err != nil {
		return nil, err
	}
	return privacy.NewKeys(e.Pool, master)
}
