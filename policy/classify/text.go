package classify

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// textEncoding is how a delimited file's bytes turn into text.
type textEncoding struct {
	name  string
	bom   int               // bytes of byte-order mark at the start
	unit  int64             // code unit size: windows are aligned to it
	codec encoding.Encoding // nil for UTF-8
}

// sniffEncoding tells UTF-8 (with or without BOM), UTF-16 (with a BOM, or
// by the zero bytes ASCII text leaves in every other byte) and
// Windows-1252, the encoding of council register exports (notes/pii.md §4.2).
func sniffEncoding(head []byte) textEncoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return textEncoding{name: "utf-8", bom: 3, unit: 1}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return textEncoding{name: "utf-16le", bom: 2, unit: 2, codec: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return textEncoding{name: "utf-16be", bom: 2, unit: 2, codec: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}
	}
	n := min(len(head), 4096) &^ 1
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	switch {
	case n >= 8 && zeroOdd > n/4 && zeroEven < n/40:
		return textEncoding{name: "utf-16le", unit: 2, codec: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)}
	case n >= 8 && zeroEven > n/4 && zeroOdd < n/40:
		return textEncoding{name: "utf-16be", unit: 2, codec: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)}
	}
	// A window may cut a character in two at its end; that is still UTF-8.
	valid := head
	for k := 0; k < utf8.UTFMax && len(valid) > 0 && !utf8.Valid(valid); k++ {
		valid = valid[:len(valid)-1]
	}
	if utf8.Valid(valid) {
		return textEncoding{name: "utf-8", unit: 1}
	}
	return textEncoding{name: "windows-1252", unit: 1, codec: charmap.Windows1252}
}

func (e textEncoding) decode(b []byte) string {
	if e.codec == nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	s, err := e.codec.NewDecoder().Bytes(b)
	if err != nil {
		return ""
	}
	return string(s)
}

// binaryText reports whether decoded text holds control characters that
// no export has: the file is not text.
func binaryText(s string) bool {
	ctl, n := 0, 0
	for _, r := range s {
		n++
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7f {
			ctl++
		}
		if n == 64<<10 {
			break
		}
	}
	return n == 0 || ctl*100 > n
}

// readWindow reads up to n bytes at off; a file that shrank or ends early
// gives what there is.
func readWindow(r io.ReaderAt, off, n int64) ([]byte, error) {
	b := make([]byte, n)
	got, err := r.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b[:got], nil
}

// delimiters are the separators exports use, in order of preference.
const delimiters = ",\t;|"

// sniffDelimiter picks the separator under which the first records of text
// have the most consistent number of fields (at least two). It returns 0
// when no separator makes a table: prose, a letter, an e-mail.
func sniffDelimiter(text string) rune {
	text = text[:min(len(text), 64<<10)]
	var best rune
	bestScore := 0.0
	for _, d := range delimiters {
		cr := newCSV(text, d)
		counts := map[int]int{}
		n := 0
		for n < 60 {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if len(rec) == 1 && rec[0] == "" {
				continue
			}
			counts[len(rec)]++
			n++
		}
		mode, modeN := 0, 0
		for w, c := range counts {
			if c > modeN || c == modeN && w > mode {
				mode, modeN = w, c
			}
		}
		// A table has two or more columns over two or more rows, or is a
		// lone header row.
		if mode < 2 || modeN < 2 && n > 1 {
			continue
		}
		share := float64(modeN) / float64(n)
		// Prefer consistency; between equally consistent separators, the one
		// that makes more columns (commas inside tab-separated values).
		score := share + float64(min(mode, 50))/1000
		if share >= 0.6 && score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

func newCSV(text string, d rune) *csv.Reader {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = d
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	return cr
}

// readRows parses up to maxRows records of text, truncating cells and
// dropping columns past the limits, and counts the records it read in all.
// With skipFirst the first (probably partial) line is dropped, for a window
// that starts in the middle of a file; a last line cut by the window's end
// is dropped by the caller trimming text to its last newline.
func readRows(ctx context.Context, text string, d rune, lim Limits, maxRows int, countAll bool) (rows [][]string, records int) {
	cr := newCSV(text, d)
	cr.ReuseRecord = true
	for {
		if records%1024 == 0 && ctx.Err() != nil {
			return rows, records
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, records
		}
		if err != nil {
			continue
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		records++
		if len(rows) < maxRows {
			row := make([]string, min(len(rec), lim.MaxCols))
			for i := range row {
				row[i] = truncate(rec[i], lim.MaxCellBytes)
			}
			rows = append(rows, row)
		} else if !countAll {
			return rows, records
		}
	}
}

// truncate cuts s to at most n bytes on a character boundary and copies it,
// so a sampled cell never pins the whole window in memory.
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.Clone(s)
}

// wholeLines trims text to whole lines: after the first newline when it
// starts mid-file, before the last when it ends mid-file.
func wholeLines(text string, cutStart, cutEnd bool) string {
	if cutStart {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[i+1:]
		} else {
			return ""
		}
	}
	if cutEnd {
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			text = text[:i+1]
		}
	}
	return text
}

// classifyText classifies delimited text. A file up to four sample windows
// long is read whole; a longer one is sampled at its head, middle and tail,
// so a verdict on a gigabyte file reads under a megabyte.
func (c *classifier) classifyText(ctx context.Context, r io.ReaderAt, size int64) Result {
	lim := c.opt.Limits
	whole := size <= 4*lim.SampleBytes
	headLen := lim.SampleBytes
	if whole {
		headLen = size
	}
	head, err := readWindow(r, 0, headLen)
	if err != nil {
		return unreadable("text", "reading: "+err.Error())
	}
	enc := sniffEncoding(head)
	format := "text"
	text := enc.decode(head[enc.bom:])
	if binaryText(text) {
		return Result{Verdict: Clean, Format: "binary", Reason: "not a spreadsheet, delimited text or archive"}
	}
	truncated := int64(len(head)) < size
	text = wholeLines(text, false, truncated)
	d := sniffDelimiter(text)
	if d == 0 {
		return Result{Verdict: Clean, Format: format, Reason: "text, not a table"}
	}
	format = "csv"
	if d == '\t' {
		format = "tsv"
	}
	rows, records := readRows(ctx, text, d, lim, lim.MaxRows, true)
	t := table{rows: rows, total: records, exact: !truncated && records == len(rows)}
	if truncated && len(head) > 0 {
		// Records in the rest of the file, at the head's bytes per record.
		t.total = int(int64(records) * size / int64(len(head)))
		for _, off := range []int64{size/2 - lim.SampleBytes/2, size - lim.SampleBytes} {
			off &^= enc.unit - 1
			if off <= int64(len(head)) {
				continue
			}
			b, err := readWindow(r, off, lim.SampleBytes)
			if err != nil {
				break
			}
			w := wholeLines(enc.decode(b), true, off+int64(len(b)) < size)
			more, _ := readRows(ctx, w, d, lim, lim.MaxRows/2, false)
			width := len(rows[len(rows)-1])
			for _, row := range more {
				// A window can start inside a quoted cell; rows of another
				// width are such fragments.
				if len(row) == width {
					t.extra = append(t.extra, row)
				}
			}
		}
	}
	if ctx.Err() != nil {
		return unreadable(format, "took too long to read")
	}
	return c.verdictOf(format, []table{t})
}
