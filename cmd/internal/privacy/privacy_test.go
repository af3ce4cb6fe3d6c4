package privacy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func keys(t *testing.T, master []byte) (*Keys, *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := eventstore.Migrate(ctx, pool, Migrations()); err != nil {
		t.Fatal(err)
	}
	k, err := NewKeys(pool, master)
	if err != nil {
		t.Fatal(err)
	}
	return k, pool
}

func TestSealOpenShred(t *testing.T) {
	t.Parallel()
	master := make([]byte, 32)
	master[0] = 1
	k, pool := keys(t, master)
	ctx := context.Background()
	type person struct{ Name, Phone string }
	in := person{"诸葛孔明", "13912345678"}
	sealed, err := k.Seal(ctx, "case-1", in)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`诸葛|1391`).MatchString(sealed) {
		t.Fatalf("sealed form shows the data: %s", sealed)
	}
	var out person
	if err := k.Open(ctx, "case-1", sealed, &out); err != nil || out != in {
		t.Fatalf("open: %+v %v", out, err)
	}
	// Sealed for one case, it does not open as another's.
	if _, err := k.Seal(ctx, "case-2", in); err != nil {
		t.Fatal(err)
	}
	if err := k.Open(ctx, "case-2", sealed, &out); err == nil {
		t.Fatal("case-1's data opened with case-2's key")
	}
	// Another master key cannot unwrap the case keys.
	other, err := NewKeys(pool, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Open(ctx, "case-1", sealed, &out); err == nil {
		t.Fatal("opened with the wrong master key")
	}
	// Shredded: gone for good, and nothing new can be sealed for the case.
	if err := k.Shred(ctx, "case-1"); err != nil {
		t.Fatal(err)
	}
	if err := k.Shred(ctx, "case-1"); err != nil {
		t.Fatal(err)
	}
	if err := k.Open(ctx, "case-1", sealed, &out); !errors.Is(err, ErrShredded) {
		t.Fatalf("after shredding: %v", err)
	}
	if _, err := k.Seal(ctx, "case-1", in); !errors.Is(err, ErrShredded) {
		t.Fatalf("sealing after shredding: %v", err)
	}
	if _, err := NewKeys(pool, []byte("short")); err == nil {
		t.Fatal("a short master key was accepted")
	}
}

func TestTrackingCodes(t *testing.T) {
	t.Parallel()
	master := make([]byte, 32)
	master[5] = 9
	k, _ := keys(t, master)
	seen := map[string]bool{}
	for i := range 1000 {
		code, digest := k.TrackingCode(fmt.Sprint("case-", i))
		if again, _ := k.TrackingCode(fmt.Sprint("case-", i)); again != code {
			t.Fatalf("case-%d got two codes", i)
		}
		if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`).MatchString(code) {
			t.Fatalf("code %q", code)
		}
		if seen[code] {
			t.Fatalf("code %q twice", code)
		}
		seen[code] = true
		// Typed back sloppily, it still finds its case.
		typed := regexp.MustCompile(`-`).ReplaceAllString(code, " ")
		if d, ok := TrackingDigest(typed); !ok || d != digest {
			t.Fatalf("%q typed as %q: %v", code, typed, ok)
		}
	}
	if d1, _ := TrackingDigest("0000-1111-2222-3333"); d1 == "" {
		t.Fatal("a valid code was refused")
	}
	if d1, _ := TrackingDigest("0000-1111-2222-3333"); d1 != mustDigest(t, "OOOO-iiii-2222-3333") {
		t.Fatal("O and I are not read as 0 and 1")
	}
	for _, bad := range []string{"", "ABC", "UUUU-UUUU-UUUU-UUUU", "0000-1111-2222-33334", "０000-1111-2222-3333", "'; DROP TABLE"} {
		if _, ok := TrackingDigest(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func mustDigest(t *testing.T, s string) string {
	t.Helper()
	d, ok := TrackingDigest(s)
	if !ok {
		t.Fatalf("%q refused", s)
	}
	return d
}
