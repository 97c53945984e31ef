package sheets

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// ReadODS samples the tables (sheets) of an ODS spreadsheet, in document
// order and at most lim.MaxSheets of them, from its content.xml. Only the
// first lim.MaxRows rows of each table are decoded; the rest are counted
// as raw bytes. Repeated rows and cells (table:number-rows-repeated,
// table:number-columns-repeated) are expanded only as far as the limits
// reach, so the 1048576 empty rows that pad a table cost nothing.
//
// Errors are as for ReadXLSX. An encrypted package reads as malformed:
// check ODSEncrypted first.
func ReadODS(ctx context.Context, zr *zip.Reader, lim Limits) ([]Sheet, error) {
	f := zipFile(zr, "content.xml")
	if f == nil {
		return nil, fmt.Errorf("%w: no content.xml", ErrMalformed)
	}
	p, c, err := openPart(ctx, f, lim.MaxXMLBytes)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return readODF(p, lim)
}

// ReadFODS samples a flat ODS document (.fods): the same XML as an ODS
// package's content.xml, unzipped, with its styles and any embedded images
// in the same stream (they count towards lim.MaxXMLBytes).
func ReadFODS(ctx context.Context, r io.Reader, lim Limits) ([]Sheet, error) {
	return readODF(newPartReader(ctx, r, "flat ODS", lim.MaxXMLBytes), lim)
}

// odsReader samples the tables of an OpenDocument spreadsheet.
type odsReader struct {
	p   *partReader
	lim Limits
	buf []byte // cell text, reused
}

func readODF(p *partReader, lim Limits) ([]Sheet, error) {
	o := &odsReader{p: p, lim: lim}
	var sheets []Sheet
	for len(sheets) < lim.MaxSheets {
		tok, err := p.token()
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "table" {
			var s Sheet
			if s, err = o.table(t); err == nil || err == io.EOF || errors.Is(err, ErrLimit) {
				s.Rows = trimRows(s.Rows)
				sheets = append(sheets, s)
			} else {
				err = fmt.Errorf("reading sheet %q: %w", s.Name, err)
			}
		}
		switch {
		case err == io.EOF:
			return sheets, nil
		case errors.Is(err, ErrLimit):
			if !usable(sheets) {
				return nil, fmt.Errorf("sampling spreadsheet: %w", err)
			}
			return sheets, nil
		case err != nil:
			return nil, err
		}
	}
	return sheets, nil
}

// table samples a table whose start tag was just read, up to its end tag.
// The sheet comes back with its totals set even with io.EOF or ErrLimit.
func (o *odsReader) table(t xml.StartElement) (Sheet, error) {
	s := Sheet{Name: clip(attr(t, "name"), maxNameBytes)}
	pfx := ""
	if t.Name.Space != "" {
		pfx = t.Name.Space + ":"
	}
	pos, filled := 0, 0 // position of the next row; non-empty rows, repeats included
	for {
		tok, err := o.p.token()
		if err != nil {
			s.setTotal(filled, false)
			return s, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "table-row" {
				continue
			}
			rep := max(parseCount(attr(t, "number-rows-repeated"), 1), 1)
			if pos >= o.lim.MaxRows {
				n, err := o.p.countRows(pfx, rep)
				s.setTotal(filled+n, err == nil)
				o.p.resync()
				return s, err
			}
			cells, err := o.row(pfx)
			if err != nil {
				s.setTotal(filled, false)
				return s, err
			}
			if len(cells) > 0 {
				for len(s.Rows) < pos {
					s.Rows = append(s.Rows, nil)
				}
				// Repeated rows share their cells; the capacity cap keeps
				// an append to one from writing into another.
				for k := 0; k < rep && len(s.Rows) < o.lim.MaxRows; k++ {
					s.Rows = append(s.Rows, cells[:len(cells):len(cells)])
				}
				filled = min(filled+rep, maxSheetRows)
			}
			pos = min(pos+rep, maxSheetRows)
		case xml.EndElement:
			if t.Name.Local == "table" {
				s.setTotal(filled, true)
				return s, nil
			}
		}
	}
}

// row reads a row whose start tag was just read, up to its end tag. Empty
// cells only move the column on, so the result ends with its last
// non-empty cell within the limit.
func (o *odsReader) row(pfx string) ([]string, error) {
	var cells []string
	col := 0
	for {
		tok, err := o.p.token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				continue
			}
			if col >= o.lim.MaxCols {
				if err := o.p.skipPast([]byte("</" + pfx + "table-row>")); err != nil {
					return nil, err
				}
				o.p.resync()
				return cells, nil
			}
			rep := max(parseCount(attr(t, "number-columns-repeated"), 1), 1)
			v, err := o.cell(t)
			if err != nil {
				return nil, err
			}
			if v != "" {
				for len(cells) < col {
					cells = append(cells, "")
				}
				for k := 0; k < rep && len(cells) < o.lim.MaxCols; k++ {
					cells = append(cells, v)
				}
			}
			col = min(col+rep, maxSheetRows)
		case xml.EndElement:
			if t.Name.Local == "table-row" {
				return cells, nil
			}
		}
	}
}

// cell reads a cell whose start tag was just read, up to its end tag.
// Numbers, dates and booleans come from the typed value (what XLSX stores
// too) rather than the formatted text; everything else is the text of the
// cell's paragraphs, one line each.
func (o *odsReader) cell(c xml.StartElement) (string, error) {
	limit := o.lim.MaxCellBytes
	buf := o.buf[:0]
	para, skip := 0, 0 // depths of the paragraph being read, of the annotation being skipped
	for depth := 1; depth > 0; {
		tok, err := o.p.token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if skip > 0 {
				continue
			}
			switch t.Name.Local {
			case "annotation": // a comment on the cell, not its value
				skip = depth
			case "p", "h":
				if para == 0 {
					if len(buf) > 0 {
						buf = appendCapped(buf, []byte{'\n'}, limit)
					}
					para = depth
				}
			case "s": // a run of spaces, c of them
				for n := parseCount(attr(t, "c"), 1); n > 0 && len(buf) < limit; n-- {
					buf = append(buf, ' ')
				}
			case "tab":
				buf = appendCapped(buf, []byte{'\t'}, limit)
			case "line-break":
				buf = appendCapped(buf, []byte{'\n'}, limit)
			}
		case xml.EndElement:
			switch depth {
			case skip:
				skip = 0
			case para:
				para = 0
			}
			depth--
		case xml.CharData:
			if para > 0 && skip == 0 {
				buf = appendCapped(buf, t, limit)
			}
		}
	}
	o.buf = buf
	switch attr(c, "value-type") {
	case "float", "percentage", "currency":
		if v := attr(c, "value"); v != "" {
			return clip(v, limit), nil
		}
	case "date":
		if v := attr(c, "date-value"); isoDate(v) {
			return clip(v[:10], limit), nil
		}
	case "boolean":
		switch attr(c, "boolean-value") {
		case "true":
			return clip("TRUE", limit), nil
		case "false":
			return clip("FALSE", limit), nil
		}
	}
	return cellText(buf), nil
}

var (
	rowsRepeated = []byte(`number-rows-repeated="`)
	// Markers of a row with content: a typed cell or a paragraph. Cells
	// without either are empty.
	valueType = []byte("value-type=")
	paragraph = []byte("<text:")
)

// countRows counts the rest of a table's non-empty rows, repeats included,
// by scanning raw bytes up to the table's end tag; the row whose start tag
// was just read repeats rep times. A nil error means the end tag was
// found.
func (p *partReader) countRows(pfx string, rep int) (int, error) {
	open, end := []byte("<"+pfx+"table-row"), []byte("</"+pfx+"table>")
	// keep is the window tail left for the next window, so that a row's
	// start tag near the end is seen whole, number-rows-repeated and all.
	const keep = 512
	n, filled := 0, false
	flush := func() {
		if filled {
			n = min(n+rep, maxSheetRows)
		}
		filled = false
	}
	err := p.scan(func(buf []byte, last bool) (int, bool) {
		stop, done := len(buf), false
		if !last {
			stop -= keep
		}
		if i := bytes.Index(buf, end); i >= 0 && i < stop {
			stop, done = i, true
		}
		for i := 0; ; {
			// The current row runs from i to the next row tag, or past
			// the window.
			next, j := stop, bytes.Index(buf[i:], open)
			if j >= 0 && i+j < stop {
				next = i + j
			}
			body := buf[i:]
			if next < stop || done {
				body = buf[i:max(i, next)]
			}
			filled = filled || bytes.Contains(body, valueType) || bytes.Contains(body, paragraph)
			if next == stop {
				break
			}
			i = next + len(open)
			if i >= len(buf) || !nameEnds(buf[i]) {
				continue // <table:table-row-group> and the like hold rows, are none
			}
			flush()
			rep = 1
			if k := bytes.IndexByte(buf[i:], '>'); k >= 0 {
				if a := bytes.Index(buf[i:i+k], rowsRepeated); a >= 0 {
					v := buf[i+a+len(rowsRepeated) : i+k]
					if q := bytes.IndexByte(v, '"'); q >= 0 {
						rep = max(parseCount(string(v[:q]), 1), 1)
					}
				}
			}
		}
		if done {
			flush()
			return stop + len(end), true
		}
		if last {
			flush()
		}
		return stop, false
	})
	return n, err
}
