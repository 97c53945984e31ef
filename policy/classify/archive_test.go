package classify

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// zipOf builds a zip archive of the given entries, deflated.
func zipOf(t testing.TB, entries ...any) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(entries); i += 2 {
		w, err := zw.Create(entries[i].(string))
		require.NoError(t, err)
		switch b := entries[i+1].(type) {
		case []byte:
			_, err = w.Write(b)
		case func(io.Writer) error:
			err = b(w)
		}
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func zeros(n int64) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.CopyN(w, zeroReader{}, n)
		return err
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// rawEntry adds an entry whose declared sizes are whatever the attacker says.
func rawZip(t testing.TB, name string, declared uint64, payload []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	_, _ = fw.Write(payload)
	_ = fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	require.NoError(t, err)
	_, err = w.Write(comp.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestArchives(t *testing.T) {
	t.Parallel()
	export := []byte(members(40, ",", true))
	inner := zipOf(t, "Members.csv", export)
	for _, tc := range []struct {
		name    string
		data    []byte
		verdict Verdict
		reason  string
	}{
		{"zip of an export", inner, Personal, "in Members.csv"},
		{"zip in a zip", zipOf(t, "pack.zip", inner, "readme.txt", []byte("hello")), Personal, ""},
		{"zip of clean files", zipOf(t, "a.txt", []byte("hello"), "b.csv", []byte("x,y\n1,2\n")), Clean, ""},
		{"empty zip", zipOf(t), Clean, ""},
		{"too deep", zipOf(t, "1.zip", zipOf(t, "2.zip", zipOf(t, "3.zip", inner))), Unreadable, "nested too deep"},
		{"declared ratio of a bomb", rawZip(t, "big.csv", 10<<30, export), Unreadable, "zip bomb"},
		{"declared ratio within one entry", rawZip(t, "big.csv", 1<<30, bytes.Repeat([]byte("a"), 1000)), Unreadable, "zip bomb"},
		{"truncated archive", inner[:len(inner)/2], Unreadable, "damaged zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := classifyBytes(t, tc.data)
			require.Equal(t, tc.verdict, res.Verdict, "%+v", res)
			require.Contains(t, res.Reason, tc.reason)
		})
	}
}

// A flat bomb (one entry inflating 1000:1 to 64 MB) and a nested one (ten
// such archives inside an archive, 640 MB in all, more than the budget) end
// in a verdict quickly, reading a bounded amount. Not parallel: it measures
// the process's allocations.
func TestZipBombs(t *testing.T) {
	flat := zipOf(t, "zeros.csv", zeros(64<<20))
	var nested []any
	for i := range 10 {
		nested = append(nested, string(rune('a'+i))+".zip", flat)
	}
	for name, data := range map[string][]byte{"flat": flat, "nested": zipOf(t, nested...)} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			res := classifyBytes(t, data)
			runtime.ReadMemStats(&after)
			require.NotEqual(t, Personal, res.Verdict)
			require.Less(t, time.Since(start), 10*time.Second)
			// TotalAlloc counts every allocation, freed or not: the work is bounded.
			require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(300<<20), "allocated %d MiB", (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// A file that turns out shorter than its size (it shrank while being read)
// still ends in a verdict.
func TestShrinkingFile(t *testing.T) {
	t.Parallel()
	data := []byte(members(40, ",", true))
	for _, size := range []int64{int64(len(data)) * 2, 10 << 20, 1 << 40} {
		res := Classify(t.Context(), bytes.NewReader(data), size, testOptions())
		require.Contains(t, []Verdict{Personal, Clean, Unreadable}, res.Verdict)
	}
	x := zipOf(t, "Members.csv", data)
	res := Classify(t.Context(), bytes.NewReader(x[:len(x)-30]), int64(len(x)), testOptions())
	require.Equal(t, Unreadable, res.Verdict)
}
