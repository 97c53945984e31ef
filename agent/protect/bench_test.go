package protect

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchCSV is about 1 MB of member rows.
func benchCSV(b *testing.B) []byte {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("Elector number,First name,Last name,Address,Postcode,Phone,Email\r\n")
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "%07d,Siân,Llŷr-Evans %d,\"%d High Street, Cardiff\",CF10 %dEP,07700 %06d,member%d@example.org\r\n", i, i, i%200, i%10, i, i)
	}
	return []byte(sb.String())
}

// BenchmarkProtect measures protecting a 1 MB CSV, as a workbook (which
// includes the 100,000 SHA-512 rounds of the password key derivation)
// and as a zip.
func BenchmarkProtect(b *testing.B) {
	data := benchCSV(b)
	for _, kind := range []Kind{Workbook, Archive} {
		b.Run(string(kind), func(b *testing.B) {
			dir := b.TempDir()
			in := filepath.Join(dir, "members.csv")
			if err := os.WriteFile(in, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := Protect(b.Context(), in, Options{Kind: kind})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				os.Remove(res.Path)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkAgileKey is the password key derivation alone: what opening
// or writing any encrypted workbook costs at least.
func BenchmarkAgileKey(b *testing.B) {
	salt := make([]byte, agileSaltLen)
	for b.Loop() {
		agileIterated("tiny-wombat-raft-ember-quiver-mosaic", salt, agileSpinCount)
	}
}
