package classify

import (
	"bytes"
	"testing"
)

// FuzzClassify feeds arbitrary bytes to the whole classifier: every input
// must end in a verdict, never a panic (which Classify would report as an
// internal error) or a hang.
func FuzzClassify(f *testing.F) {
	f.Add([]byte(members(12, ",", true)))
	f.Add([]byte(members(12, "\t", false)))
	f.Add([]byte("Name,Email\n\"Jane,jane@example.org\n"))
	f.Add([]byte("\xFF\xFEN\x00a\x00m\x00e\x00\t\x00"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("%PDF-1.7\ntrailer <</Encrypt 1 0 R>>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		res := Classify(t.Context(), bytes.NewReader(b), int64(len(b)), testOptions())
		switch res.Verdict {
		case Personal, Clean, Encrypted, Unreadable:
		default:
			t.Fatalf("verdict %q", res.Verdict)
		}
		if res.Verdict == Unreadable && bytes.Contains([]byte(res.Reason), []byte("internal error")) {
			t.Fatalf("reader panicked: %s", res.Reason)
		}
	})
}

// FuzzSniffDelimiter checks the CSV sniffer and row reader alone, whose
// bounds (cells per row, bytes per cell) must hold on any text.
func FuzzSniffDelimiter(f *testing.F) {
	f.Add(members(5, ";", true))
	f.Add("a,b\n\"c\nd\",e\n")
	f.Add("x|y|z\n1|2|3\n")
	f.Fuzz(func(t *testing.T, s string) {
		d := sniffDelimiter(s)
		if d == 0 {
			return
		}
		lim := DefaultOptions().Limits
		lim.MaxCols, lim.MaxCellBytes = 4, 8
		rows, n := readRows(t.Context(), s, d, lim, 10, true)
		if len(rows) > 10 || n < len(rows) {
			t.Fatalf("%d rows, %d records", len(rows), n)
		}
		for _, r := range rows {
			if len(r) > 4 {
				t.Fatalf("%d cells", len(r))
			}
			for _, c := range r {
				if len(c) > 8 {
					t.Fatalf("cell of %d bytes", len(c))
				}
			}
		}
	})
}
