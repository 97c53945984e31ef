// Package classify decides, from a file's bytes alone, whether it is an
// export of people's personal data. It never trusts a file name, never
// writes to disk, keeps its memory bounded whatever the input, and looks at
// columns (header vocabulary plus validated sample values), not loose
// pattern hits in text.
package classify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"
)

// Verdict is the outcome for one file.
type Verdict string

// The verdicts of INTERFACE.md.
const (
	Personal   Verdict = "personal"   // records about at least MinRecords people
	Clean      Verdict = "clean"      // no personal-data export found
	Encrypted  Verdict = "encrypted"  // password-encrypted: compliant
	Unreadable Verdict = "unreadable" // could not be inspected; Reason says why
)

// Result is the verdict with what it rests on. It never holds file contents.
type Result struct {
	Verdict Verdict  `json:"verdict"`
	Records int      `json:"records"`
	Signals []string `json:"signals"`
	Format  string   `json:"format"`
	Reason  string   `json:"reason"`
}

// Options tune a classification.
type Options struct {
	// MinRecords is the least number of people a file must hold records
	// about to be personal.
	MinRecords int
	// Now is the time dates of birth are judged against (an age between 14
	// and 110). The caller's clock: this package has none of its own.
	Now    time.Time
	Limits Limits
}

// Limits bound the work done on one file.
type Limits struct {
	SampleBytes  int64 // bytes of delimited text read at each sampled window
	MaxRows      int   // table rows sampled per sheet or window
	MaxSheets    int   // sheets read per workbook
	MaxDepth     int   // archive nesting followed
	MaxEntries   int   // entries in one archive
	MaxFiles     int   // inner files classified per archive
	MaxUnpacked  int64 // sum of declared uncompressed sizes in one archive
	MaxExtracted int64 // archive-member bytes read into memory for one file, all levels together
	MaxRatio     int64 // declared uncompressed:compressed ratio refused above
	MaxInMemory  int64 // largest archive member read into memory to inspect
	MaxXMLBytes  int64 // decompressed bytes read from one XML part
	MaxCellBytes int   // longer cells are truncated
	MaxCols      int   // cells kept per row
}

// DefaultOptions are the options used when nothing else is said.
func DefaultOptions() Options {
	return Options{
		MinRecords: 10,
		Limits: Limits{
			SampleBytes:  256 << 10,
			MaxRows:      500,
			MaxSheets:    16,
			MaxDepth:     3,
			MaxEntries:   20000,
			MaxFiles:     200,
			MaxUnpacked:  4 << 30,
			MaxExtracted: 256 << 20,
			MaxRatio:     1100, // DEFLATE cannot do better than ~1032:1
			MaxInMemory:  8 << 20,
			MaxXMLBytes:  64 << 20,
			MaxCellBytes: 1024,
			MaxCols:      256,
		},
	}
}

// classifier carries the options and the budget shared by every level of
// one file's nested archives.
type classifier struct {
	opt Options
	// unpacked counts archive-member bytes read into memory across the
	// whole file, so nesting cannot multiply the work.
	unpacked int64
}

// Classify reads the file behind r (size bytes long) and returns its
// verdict. It reads a bounded sample, so it is fast on huge files, and it
// ends in a verdict or Unreadable with a reason on any input.
func Classify(ctx context.Context, r io.ReaderAt, size int64, opt Options) (res Result) {
	defer func() {
		// Hostile input must end in a verdict. A panic here is a bug in a
		// reader, reported as such rather than taking the agent down.
		if p := recover(); p != nil {
			res = unreadable("", fmt.Sprintf("internal error while reading: %v", p))
		}
	}()
	c := &classifier{opt: opt}
	res = c.classify(ctx, r, size, 0)
	if res.Signals == nil {
		res.Signals = []string{}
	}
	return res
}

func unreadable(format, reason string) Result {
	return Result{Verdict: Unreadable, Format: format, Reason: reason}
}

// magic numbers, from the formats' specifications.
var (
	magicZip   = []byte("PK\x03\x04")
	magicZip0  = []byte("PK\x05\x06") // an empty archive
	magicCFB   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magic7z    = []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}
	magicPDF   = []byte("%PDF-")
	magicFODS  = []byte("office:document")
	otherMagic = [][]byte{
		[]byte("\x89PNG"), []byte("\xFF\xD8\xFF"), []byte("GIF8"), []byte("\x7FELF"),
		[]byte("MZ"), []byte("\x1F\x8B"), []byte("BZh"), []byte("\xFD7zXZ"), []byte("Rar!"),
	}
)

// classify sniffs the format from the first bytes and hands over to its
// reader. depth counts the archives around this file.
func (c *classifier) classify(ctx context.Context, r io.ReaderAt, size int64, depth int) Result {
	if size == 0 {
		return Result{Verdict: Clean, Format: "empty", Reason: "empty file"}
	}
	head, err := readWindow(r, 0, min(size, 1024))
	if err != nil {
		return unreadable("", "reading: "+err.Error())
	}
	if len(head) == 0 {
		return Result{Verdict: Clean, Format: "empty", Reason: "empty file"}
	}
	switch {
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicZip0):
		return c.classifyZip(ctx, r, size, depth)
	case bytes.HasPrefix(head, magicCFB):
		return c.classifyCFB(r, size)
	case bytes.HasPrefix(head, magic7z):
		return c.classify7z(ctx, r, size, depth)
	case bytes.Contains(head, magicPDF):
		return c.classifyPDF(r, size)
	case bytes.HasPrefix(bytes.TrimLeft(head, "\xEF\xBB\xBF \t\r\n"), []byte("<?xml")) && bytes.Contains(head, magicFODS):
		return c.classifyFODS(ctx, r, size)
	}
	for _, m := range otherMagic {
		if bytes.HasPrefix(head, m) {
			return Result{Verdict: Clean, Format: "binary", Reason: "not a spreadsheet, delimited text or archive"}
		}
	}
	return c.classifyText(ctx, r, size)
}

// verdictOf turns the tables of one file into its verdict: personal when
// the tables that hold records about people hold at least MinRecords.
func (c *classifier) verdictOf(format string, tables []table) Result {
	var kinds [numKinds]bool
	people, rows := 0, 0
	personal := false
	for _, t := range tables {
		v := analyse(t, c.opt.Now)
		rows += v.dataRows
		if !v.personal {
			continue
		}
		personal = true
		people += v.people
		for k, ok := range v.kinds {
			kinds[k] = kinds[k] || ok
		}
	}
	if !personal {
		reason := "no columns that identify people"
		if rows == 0 {
			reason = "no data rows"
		}
		return Result{Verdict: Clean, Format: format, Reason: reason}
	}
	signals, _ := describe(kinds)
	res := Result{Records: people, Signals: signals, Format: format, Reason: peopleReason(people, kinds)}
	if people < c.opt.MinRecords {
		res.Verdict = Clean
		res.Reason = fmt.Sprintf("%s; fewer than %d, not an export", res.Reason, c.opt.MinRecords)
		return res
	}
	res.Verdict = Personal
	return res
}
