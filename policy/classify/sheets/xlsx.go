package sheets

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxNameBytes caps sheet names; Excel allows 31 characters.
const maxNameBytes = 255

// ReadXLSX samples the worksheets of an XLSX workbook, in workbook order
// and at most lim.MaxSheets of them. Each sheet's XML is streamed from the
// zip entry and only its first lim.MaxRows rows are decoded; the rest is
// sized from the sheet's <dimension> or by counting row tags as raw bytes.
// Shared strings are read once, after all the samples, and only the ones
// the samples use are kept, so memory does not grow with the strings table.
//
// A part that is not well-formed XML makes the whole read fail with an
// error wrapping ErrMalformed. A part over lim.MaxXMLBytes (or the strings
// table over lim.MaxSSTBytes) is read up to the limit and what was sampled
// is returned, with inexact totals; the error wraps ErrLimit only when
// nothing usable came out.
func ReadXLSX(ctx context.Context, zr *zip.Reader, lim Limits) ([]Sheet, error) {
	x := &xlsxReader{ctx: ctx, lim: lim, parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		// OPC part names are case-insensitive (ECMA-376 Part 2, §9.1.1.1),
		// and not every writer spells them as Excel does.
		if k := strings.ToLower(f.Name); x.parts[k] == nil {
			x.parts[k] = f
		}
	}
	wb, err := x.workbook()
	if err != nil {
		return nil, fmt.Errorf("reading workbook: %w", err)
	}
	if len(wb) == 0 {
		return nil, fmt.Errorf("%w: no worksheets", ErrMalformed)
	}
	wb = wb[:min(len(wb), max(lim.MaxSheets, 0))]
	sheets := make([]Sheet, 0, len(wb))
	for _, ws := range wb {
		s, err := x.sheet(len(sheets), ws)
		if err != nil {
			return nil, fmt.Errorf("reading sheet %q: %w", ws.name, err)
		}
		sheets = append(sheets, s)
	}
	if err := x.resolveStrings(sheets); err != nil {
		return nil, fmt.Errorf("reading shared strings: %w", err)
	}
	if err := x.resolveDates(sheets); err != nil {
		return nil, fmt.Errorf("reading styles: %w", err)
	}
	for i := range sheets {
		sheets[i].Rows = trimRows(sheets[i].Rows)
	}
	if x.limit != nil && !usable(sheets) {
		return nil, fmt.Errorf("sampling workbook: %w", x.limit)
	}
	return sheets, nil
}

// xlsxReader holds what one ReadXLSX call learns across parts.
type xlsxReader struct {
	ctx   context.Context
	lim   Limits
	parts map[string]*zip.File // by lower-case name

	sstPart, stylesPart *zip.File
	date1904            bool

	// Cells waiting for the strings table and for the styles, resolved
	// once all sheets are sampled.
	sstRefs, numRefs []cellRef

	buf   []byte // cell text, reused
	limit error  // the first ErrLimit met
}

// cellRef points at a sampled cell: n is a shared-string index for
// sstRefs, a style (cellXfs) index for numRefs.
type cellRef struct{ sheet, row, col, n int }

type sheetPart struct {
	name string
	f    *zip.File
}

func (x *xlsxReader) hitLimit(err error) {
	if x.limit == nil {
		x.limit = err
	}
}

// workbook lists the worksheets in workbook order. Without a usable
// workbook.xml it falls back on the sheet parts in number order, which is
// how Excel names them.
func (x *xlsxReader) workbook() ([]sheetPart, error) {
	x.sstPart, x.stylesPart = x.parts["xl/sharedstrings.xml"], x.parts["xl/styles.xml"]
	rels := map[string]*zip.File{}
	err := x.walk(x.parts["xl/_rels/workbook.xml.rels"], func(t xml.StartElement) {
		f := x.parts[relTarget(attr(t, "Target"))]
		if t.Name.Local != "Relationship" || f == nil || attr(t, "TargetMode") == "External" {
			return
		}
		// Strict OOXML has other namespace URIs, but the same last segments.
		switch typ := attr(t, "Type"); {
		case strings.HasSuffix(typ, "/worksheet"):
			rels[attr(t, "Id")] = f
		case strings.HasSuffix(typ, "/sharedStrings"):
			x.sstPart = f
		case strings.HasSuffix(typ, "/styles"):
			x.stylesPart = f
		}
	})
	if err != nil {
		return nil, err
	}
	var sheets []sheetPart
	err = x.walk(x.parts["xl/workbook.xml"], func(t xml.StartElement) {
		switch t.Name.Local {
		case "workbookPr":
			v := attr(t, "date1904")
			x.date1904 = v == "1" || v == "true"
		case "sheet":
			// Chart sheets have no worksheet relationship and drop out here.
			if f := rels[attr(t, "id")]; f != nil {
				sheets = append(sheets, sheetPart{name: attr(t, "name"), f: f})
			}
		}
	})
	if err != nil || len(sheets) > 0 {
		return sheets, err
	}
	for k, f := range x.parts {
		if strings.HasPrefix(k, "xl/worksheets/sheet") && strings.HasSuffix(k, ".xml") {
			name := path.Base(f.Name)
			sheets = append(sheets, sheetPart{name: name[:len(name)-len(".xml")], f: f})
		}
	}
	num := func(s sheetPart) int { return parseCount(strings.TrimPrefix(strings.ToLower(s.name), "sheet"), 0) }
	slices.SortFunc(sheets, func(a, b sheetPart) int {
		return cmp.Or(cmp.Compare(num(a), num(b)), strings.Compare(a.name, b.name))
	})
	return sheets, nil
}

// relTarget turns a workbook relationship's target into a part key.
func relTarget(target string) string {
	if t, ok := strings.CutPrefix(target, "/"); ok {
		return strings.ToLower(path.Clean(t))
	}
	return strings.ToLower(path.Join("xl", target))
}

// walk passes each start tag of a small part to fn. An absent part is
// empty; one over the limit is read up to it, since half a styles table
// still dates most cells.
func (x *xlsxReader) walk(f *zip.File, fn func(xml.StartElement)) error {
	if f == nil {
		return nil
	}
	p, c, err := openPart(x.ctx, f, x.lim.MaxXMLBytes)
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		tok, err := p.token()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, ErrLimit):
			x.hitLimit(err)
			return nil
		case err != nil:
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			fn(t)
		}
	}
}

// sheetReader samples one worksheet.
type sheetReader struct {
	*xlsxReader
	p      *partReader
	idx    int // of the sheet in the result
	s      Sheet
	pfx    string // element prefix with its colon: "" or, from some SDKs, "x:"
	filled int    // non-empty rows sampled
	width  int    // cells in the widest row so far, to size the next
	// declared is the part's uncompressed size from the zip directory,
	// which archive/zip holds it to.
	declared int64
}

// countBudget is how much of a sheet past the sample is counted row by
// row; beyond it the rest is extrapolated from the bytes per row of what
// was read, so a large workbook costs no more than a small one.
const countBudget = 2 << 20

func (x *xlsxReader) sheet(idx int, ws sheetPart) (Sheet, error) {
	p, c, err := openPart(x.ctx, ws.f, x.lim.MaxXMLBytes)
	if err != nil {
		return Sheet{}, err
	}
	defer c.Close()
	sr := &sheetReader{xlsxReader: x, p: p, idx: idx, s: Sheet{Name: clip(ws.name, maxNameBytes)},
		declared: int64(ws.f.UncompressedSize64)}
	switch err := sr.read(); {
	case err == io.EOF:
		// The part ended inside <sheetData>: keep the rows it had, as
		// Excel's repair would.
		sr.s.setTotal(sr.filled, true)
	case errors.Is(err, ErrLimit):
		x.hitLimit(err)
		sr.s.setTotal(sr.filled, false)
	case err != nil:
		return Sheet{}, err
	}
	return sr.s, nil
}

func (sr *sheetReader) read() error {
	first, last, prev := 0, 0, 0 // the rows of <dimension>, the last row read
	for {
		tok, err := sr.p.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "dimension":
				first, last = dimension(attr(t, "ref"))
			case "sheetData":
				if t.Name.Space != "" {
					sr.pfx = t.Name.Space + ":"
				}
			case "row":
				r := max(parseCount(attr(t, "r"), 0), prev+1)
				if r > sr.lim.MaxRows {
					return sr.estimate(r, first, last)
				}
				prev = r
				if err := sr.row(r); err != nil {
					return err
				}
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				sr.s.setTotal(sr.filled, true)
				return nil
			}
		}
	}
}

// estimate sizes the sheet once the sample has stopped at row r. The
// dimension is free but only trusted when it reaches r: some writers leave
// it at A1. Otherwise the remaining row tags are counted as bytes.
func (sr *sheetReader) estimate(r, first, last int) error {
	if last >= r {
		sr.s.setTotal(max(last-first+1, sr.filled+1), false)
		return nil
	}
	if read := sr.p.consumed(); read > 0 && sr.declared-read > countBudget {
		rest := int64(float64(sr.declared-read) * float64(r) / float64(read))
		sr.s.setTotal(sr.filled+1+int(min(rest, math.MaxInt32)), false)
		return nil
	}
	n, err := sr.p.skipTags([]byte("<"+sr.pfx+"row"), math.MaxInt)
	sr.s.setTotal(sr.filled+1+n, err == io.EOF)
	switch {
	case err == io.EOF:
		return nil
	case errors.Is(err, ErrLimit):
		sr.hitLimit(err)
		return nil
	}
	return err
}

// dimension reads the first and last rows of a ref like "A1:Q5000"; zeros
// when it makes no sense.
func dimension(ref string) (first, last int) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		b = a
	}
	rowOf := func(s string) int { return parseCount(strings.TrimLeft(s, "$ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 0) }
	first, last = rowOf(a), rowOf(b)
	if first < 1 || last < first {
		return 0, 0
	}
	return first, last
}

// row samples row number r, whose start tag was just read. A row cut
// short by an error is kept: its cells may be waiting for shared strings.
func (sr *sheetReader) row(r int) error {
	cells, filled, err := sr.cells(r)
	sr.addRow(r, cells, filled)
	return err
}

// cells reads the cells of row r up to its end tag; filled reports a
// non-empty one.
func (sr *sheetReader) cells(r int) (cells []string, filled bool, err error) {
	cells = make([]string, 0, sr.width)
	for col := 0; ; {
		tok, err := sr.p.token()
		if err != nil {
			return cells, filled, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			c := cellColumn(attr(t, "r"), col)
			if c >= sr.lim.MaxCols {
				// Columns only go forward, so the rest of the row is out of
				// reach too: skip it as bytes rather than as a million cells.
				err := sr.p.skipPast([]byte("</" + sr.pfx + "row>"))
				sr.p.resync()
				return cells, filled, err
			}
			v, pending, err := sr.cell(t, r-1, c)
			if err != nil {
				return cells, filled, err
			}
			filled = filled || pending || v != ""
			for len(cells) < c {
				cells = append(cells, "")
			}
			cells, col = append(cells, v), c+1
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, filled, nil
			}
		}
	}
}

// addRow stores row number r, keeping skipped rows as empty ones so that
// positions stay honest.
func (sr *sheetReader) addRow(r int, cells []string, filled bool) {
	for len(sr.s.Rows) < r-1 {
		sr.s.Rows = append(sr.s.Rows, nil)
	}
	sr.s.Rows = append(sr.s.Rows, cells)
	sr.width = max(sr.width, len(cells))
	if filled {
		sr.filled++
	}
}

// cellColumn reads the column of a cell reference ("BC12" is 54, from 0).
// A cell without one, or one pointing backwards, follows the previous cell.
func cellColumn(ref string, next int) int {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = min(col*26+int(c-'a')+1, maxSheetRows)
	}
	if i == 0 {
		return next
	}
	return max(col-1, next)
}

// cell reads a cell whose start tag was just read, up to its end tag. A
// shared string or a number that a style may make a date is noted for
// later; pending reports a shared string, whose text comes later.
func (sr *sheetReader) cell(c xml.StartElement, row, col int) (v string, pending bool, err error) {
	buf, inV := sr.buf[:0], false
	for depth := 1; depth > 0; {
		tok, err := sr.p.token()
		if err != nil {
			return "", false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "is": // inline string; reads its own end tag
				if buf, err = sr.p.richText(buf, sr.lim.MaxCellBytes); err != nil {
					return "", false, err
				}
				continue
			case "v":
				inV = true
			}
			depth++
		case xml.EndElement:
			inV = false
			depth--
		case xml.CharData:
			if inV {
				buf = appendCapped(buf, t, sr.lim.MaxCellBytes)
			}
		}
	}
	sr.buf, v = buf, cellText(buf)
	ref := cellRef{sheet: sr.idx, row: row, col: col}
	switch attr(c, "t") {
	case "s":
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return "", false, nil
		}
		ref.n = n
		sr.sstRefs = append(sr.sstRefs, ref)
		return "", true, nil
	case "inlineStr", "str", "e":
	case "b":
		switch v {
		case "0":
			v = "FALSE"
		case "1":
			v = "TRUE"
		}
	case "d":
		if isoDate(v) {
			v = v[:10]
		}
	default: // "n"
		if v != "" {
			ref.n = parseCount(attr(c, "s"), 0)
			sr.numRefs = append(sr.numRefs, ref)
		}
	}
	return v, false, nil
}

// richText appends the text of an <si> or <is> element whose start tag was
// just read, up to its end tag: plain <t>, or the <t> of each rich-text
// run <r>. Phonetic runs <rPh> (furigana) are not part of what a cell
// shows and are left out.
func (p *partReader) richText(buf []byte, limit int) ([]byte, error) {
	inT, phonetic := false, 0
	for depth := 1; depth > 0; {
		tok, err := p.token()
		if err != nil {
			return buf, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch t.Name.Local {
			case "t":
				inT = true
			case "rPh":
				phonetic = cmp.Or(phonetic, depth)
			}
		case xml.EndElement:
			if depth == phonetic {
				phonetic = 0
			}
			inT = false
			depth--
		case xml.CharData:
			if inT && phonetic == 0 {
				buf = appendCapped(buf, t, limit)
			}
		}
	}
	return buf, nil
}

// resolveStrings reads the shared strings the samples point at, in one
// pass that stops after the last one needed and keeps no others.
func (x *xlsxReader) resolveStrings(sheets []Sheet) error {
	if len(x.sstRefs) == 0 || x.sstPart == nil {
		return nil
	}
	need := make([]int, len(x.sstRefs))
	for i, c := range x.sstRefs {
		need[i] = c.n
	}
	slices.Sort(need)
	need = slices.Compact(need)
	texts, err := x.sharedStrings(need)
	for _, c := range x.sstRefs {
		if i, ok := slices.BinarySearch(need, c.n); ok && i < len(texts) {
			sheets[c.sheet].Rows[c.row][c.col] = texts[i]
		}
	}
	return err
}

// sharedStrings returns the texts of the strings-table entries numbered in
// need (sorted, no repeats), in that order; fewer if the table ends or the
// limit is reached first. The entries in between are passed over as raw
// bytes, never decoded.
func (x *xlsxReader) sharedStrings(need []int) ([]string, error) {
	p, c, err := openPart(x.ctx, x.sstPart, x.lim.MaxSSTBytes)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	texts := make([]string, 0, len(need))
	err = func() error {
		// The root's prefix names the entries: "<si", or "<x:si".
		var root xml.StartElement
		for root.Name.Local == "" {
			tok, err := p.token()
			if err != nil {
				return err
			}
			root, _ = tok.(xml.StartElement)
		}
		open := []byte("<si")
		if root.Name.Space != "" {
			open = []byte("<" + root.Name.Space + ":si")
		}
		// From here the decoder only ever stops after an end tag, so it
		// can carry on wherever the bytes were skipped to.
		p.resync()
		var buf []byte
		next := 0 // number of the entry ahead
		for _, n := range need {
			skipped, err := p.skipTags(open, n-next)
			if next += skipped; err != nil {
				return err
			}
			if _, err := p.token(); err != nil { // the <si> start tag
				return err
			}
			if buf, err = p.richText(buf[:0], x.lim.MaxCellBytes); err != nil {
				return err
			}
			texts, next = append(texts, cellText(buf)), next+1
		}
		return nil
	}()
	switch {
	case err == io.EOF:
		err = nil
	case errors.Is(err, ErrLimit):
		x.hitLimit(err)
		err = nil
	}
	return texts, err
}

// resolveDates renders the sampled numbers whose cell style has a date
// format as dates. Excel stores a date as a plain number (days since its
// epoch); only the style's number format tells it apart.
func (x *xlsxReader) resolveDates(sheets []Sheet) error {
	if len(x.numRefs) == 0 || x.stylesPart == nil {
		return nil
	}
	custom := map[int]string{}
	var xfs []int // number format of each cell style
	inXfs := false
	err := x.walk(x.stylesPart, func(t xml.StartElement) {
		switch t.Name.Local {
		case "numFmt":
			custom[parseCount(attr(t, "numFmtId"), -1)] = attr(t, "formatCode")
		case "cellStyleXfs", "cellXfs":
			// Cells point into cellXfs; cellStyleXfs holds the named
			// styles those derive from.
			inXfs = t.Name.Local == "cellXfs"
		case "xf":
			if inXfs {
				xfs = append(xfs, parseCount(attr(t, "numFmtId"), 0))
			}
		}
	})
	if err != nil {
		return err
	}
	isDate := make([]bool, len(xfs))
	for i, id := range xfs {
		code, ok := custom[id]
		isDate[i] = ok && dateFormat(code) || !ok && builtinDate(id)
	}
	for _, c := range x.numRefs {
		if c.n >= len(isDate) || !isDate[c.n] {
			continue
		}
		cell := &sheets[c.sheet].Rows[c.row][c.col]
		if d, ok := serialDate(*cell, x.date1904); ok {
			*cell = d
		}
	}
	return nil
}

// builtinDate reports whether a built-in number format (ECMA-376 Part 1,
// §18.8.30, plus the East Asian ones Excel adds) shows a date or time.
func builtinDate(id int) bool {
	return 14 <= id && id <= 22 || 27 <= id && id <= 36 || 45 <= id && id <= 47 || 50 <= id && id <= 58
}

// dateFormat reports whether a custom number format shows a date: it has
// a day, month or year part. Quoted text, [colour], [$-locale] and
// escaped characters are not format parts ("[Red]" has no day in it), and
// an "m" next to hours or seconds is minutes.
func dateFormat(code string) bool {
	var date, month, clock bool
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return date || month && !clock
			}
			i += j + 1
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				return date || month && !clock
			}
			i += j
		case '\\', '_', '*': // the next character is literal, or padding
			i++
		default:
			switch c | 0x20 {
			case 'd', 'y':
				date = true
			case 'm':
				month = true
			case 'h', 's':
				clock = true
			}
		}
	}
	return date || month && !clock
}

// serialDate renders an Excel date serial as 2006-01-02.
func serialDate(v string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	// 2958465 is 9999-12-31, the last date Excel shows; the test also
	// rejects NaN.
	if err != nil || !(f >= 0 && f < 2958466) {
		return "", false
	}
	days := int(f)
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days < 61:
		// Excel counts a 29 February 1900 that never was (serial 60), as
		// Lotus 1-2-3 did, so earlier serials are one day off.
		epoch = epoch.AddDate(0, 0, 1)
	}
	return epoch.AddDate(0, 0, days).Format(time.DateOnly), true
}

// isoDate reports whether v starts with a yyyy-mm-dd date, as t="d" cells
// do (ISO 8601, possibly with a time).
func isoDate(v string) bool {
	if len(v) < 10 {
		return false
	}
	_, err := time.Parse(time.DateOnly, v[:10])
	return err == nil
}
