package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// trackingAlphabet is Crockford's base 32: no I, L, O or U, so a code read
// over the telephone is not mistyped.
const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// trackingLength is the number of characters of a code: 16 × 5 = 80 bits.
const trackingLength = 16

// TrackingCode returns the tracking code of a case, written
// XXXX-XXXX-XXXX-XXXX, and the digest under which it is stored. The code is
// 80 bits of an HMAC of the case id under the master key: unguessable
// without the key, and the same each time, so a complainant whose filing was
// sent twice gets one code.
func (k *Keys) TrackingCode(caseID string) (code, digest string) {
	mac := hmac.New(sha256.New, k.trackingKey)
	mac.Write([]byte("tracking code\x00" + caseID))
	code = formatCode(mac.Sum(nil)[:10])
	digest, _ = TrackingDigest(code)
	return code, digest
}

// formatCode writes 80 bits as 16 characters of trackingAlphabet in groups
// of four.
func formatCode(raw []byte) string {
	var b strings.Builder
	var acc, bits uint
	n := 0
	for _, c := range raw {
		acc = acc<<8 | uint(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			if n > 0 && n%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(trackingAlphabet[(acc>>bits)&31])
			n++
		}
	}
	return b.String()
}

// TrackingDigest normalises a code as a person may type it (any case,
// spaces or dashes, O for 0, I or L for 1) and returns its digest; ok is
// false when it cannot be a code.
func TrackingDigest(input string) (digest string, ok bool) {
	if len(input) > 64 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(input) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(trackingAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != trackingLength {
		return "", false
	}
	sum := sha256.Sum256([]byte("watchpost tracking code\x00" + b.String()))
	return hex.EncodeToString(sum[:]), true
}
