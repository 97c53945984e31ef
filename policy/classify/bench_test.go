package classify

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

// repeatedFile serves a header followed by body repeated up to size bytes,
// without holding it: a gigabyte export for the benchmark, no disk needed.
type repeatedFile struct {
	head, body []byte
	size       int64
}

func (f *repeatedFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < f.size {
		var b byte
		if off < int64(len(f.head)) {
			b = f.head[off]
		} else {
			b = f.body[(off-int64(len(f.head)))%int64(len(f.body))]
		}
		p[n] = b
		n++
		off++
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func benchClassify(b *testing.B, r interface {
	ReadAt([]byte, int64) (int, error)
}, size int64) {
	b.Helper()
	b.SetBytes(size)
	b.ReportAllocs()
	opt := testOptions()
	var res Result
	for b.Loop() {
		res = Classify(b.Context(), r, size, opt)
	}
	if res.Verdict != Personal {
		b.Fatalf("verdict %+v", res)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
}

// BenchmarkClassifyCSV1MB is a typical export: about 1 MB, read whole.
func BenchmarkClassifyCSV1MB(b *testing.B) {
	data := []byte(members(1, ",", true))
	for len(data) < 1<<20 {
		data = append(data, members(200, ",", false)...)
	}
	benchClassify(b, bytes.NewReader(data), int64(len(data)))
}

// BenchmarkClassifyCSV1GB is a 1 GB export, judged from samples.
func BenchmarkClassifyCSV1GB(b *testing.B) {
	all := members(400, ",", true)
	cut := bytes.IndexByte([]byte(all), '\n') + 1
	f := &repeatedFile{head: []byte(all[:cut]), body: []byte(all[cut:]), size: 1 << 30}
	benchClassify(b, f, f.size)
}

// BenchmarkClassifyXLSX1MB is a typical workbook export of about 1 MB.
func BenchmarkClassifyXLSX1MB(b *testing.B) {
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	rows := [][]string{}
	for _, line := range bytes.Split([]byte(members(12000, ",", true)), []byte("\r\n")) {
		if len(line) > 0 {
			rows = append(rows, splitSimple(string(line)))
		}
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("workbook of %d rows, %.2f MB", len(rows), float64(buf.Len())/(1<<20))
	data := buf.Bytes()
	benchClassify(b, bytes.NewReader(data), int64(len(data)))
}

// splitSimple splits a generated members line (quotes hold the address).
func splitSimple(s string) []string {
	var out []string
	var cur []byte
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	return append(out, string(cur))
}
