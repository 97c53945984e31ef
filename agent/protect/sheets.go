package protect

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/transform"

	"dataward/policy/classify"
)

// writeDelimited writes every record of a delimited text file as a row of
// one sheet, each field as text exactly as it is in the file: the same
// CSV rules Classify reads with (RFC 4180 quoting, lenient about stray
// quotes), in the encoding it found. A blank line stays a blank row. Line
// breaks inside a quoted field come out as line feeds (encoding/csv turns
// CRLF into LF there), which is what Excel uses inside a cell.
func writeDelimited(ctx context.Context, w *workbookWriter, data []byte, l classify.TextLayout, delim rune, sheet string) error {
	var r io.Reader = bytes.NewReader(data[l.BOM:])
	if l.Codec != nil {
		r = transform.NewReader(r, l.Codec.NewDecoder())
	}
	cr := csv.NewReader(r)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	if err := w.startSheet(sheet); err != nil {
		return err
	}
	row, end := -1, 0 // the last record's row index, and the line it ended on
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the %s file: %w", l.Encoding, err)
		}
		// encoding/csv skips blank lines; the line a record starts on says
		// how many there were.
		start, _ := cr.FieldPos(0)
		row += 1 + max(0, start-end-1)
		last, _ := cr.FieldPos(len(rec) - 1)
		end = last + strings.Count(rec[len(rec)-1], "\n")
		if err := w.writeRow(row, rec); err != nil {
			return err
		}
	}
}

// ODF namespaces (OpenDocument 1.2 Part 1, §1.5).
const (
	nsOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsTable  = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsText   = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
)

// errOverLimit stops reading past a limit.
var errOverLimit = errors.New("over the limit")

// limitedReader fails with errOverLimit once more than n bytes are read.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errOverLimit
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	if l.n < 0 {
		return k, errOverLimit
	}
	return k, err
}

// writeODF writes every table of an OpenDocument spreadsheet's body (the
// content.xml of an .ods, or a whole .fods) as a sheet. A cell's value is
// its text as the spreadsheet shows it, the paragraphs of the cell
// (OpenDocument 1.2 Part 1, §9.1.4): "07700 900123" for a number
// formatted with a leading zero, "01/03/2024" for a date formatted so,
// "12.5%" for a percentage. A typed cell without text, which some writers
// leave out, falls back to its value. Repeated rows and cells
// (table:number-rows-repeated, table:number-columns-repeated) are
// expanded when they hold something and skipped when empty, so the empty
// rows that pad a table to a million cost nothing.
func writeODF(ctx context.Context, w *workbookWriter, r io.Reader, lim Limits) error {
	o := &odfReader{d: xml.NewDecoder(&limitedReader{r: r, n: lim.MaxXMLBytes}), w: w}
	for {
		tok, err := o.d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return o.wrap(err, lim)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Space == nsTable && t.Name.Local == "table" {
			if err := o.table(ctx, t); err != nil {
				return o.wrap(err, lim)
			}
		}
	}
}

type odfReader struct {
	d *xml.Decoder
	w *workbookWriter
}

func (o *odfReader) wrap(err error, lim Limits) error {
	switch {
	case errors.Is(err, errOverLimit):
		return fmt.Errorf("spreadsheet content over %d MiB: %w", lim.MaxXMLBytes>>20, ErrTooLarge)
	case errors.Is(err, ErrTooLarge), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("reading the spreadsheet: %w", err)
}

func attr(t xml.StartElement, space, local string) string {
	for _, a := range t.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// repeat reads a number-*-repeated attribute: at least 1, and capped so
// that a hostile count cannot overflow a position.
func repeat(t xml.StartElement, local string) int {
	n, err := strconv.Atoi(attr(t, nsTable, local))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxSheetRows*2)
}

// table reads one table:table, whose start tag was just read, up to its end.
func (o *odfReader) table(ctx context.Context, start xml.StartElement) error {
	if err := o.w.startSheet(attr(start, nsTable, "name")); err != nil {
		return err
	}
	row := 0 // index of the next row
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := o.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// Rows may sit inside header-rows, row-groups and the like: any
			// table-row below the table is one of its rows.
			if t.Name.Space != nsTable || t.Name.Local != "table-row" {
				continue
			}
			rep := repeat(t, "number-rows-repeated")
			cells, err := o.row()
			if err != nil {
				return err
			}
			if len(cells) > 0 {
				if row+rep > maxSheetRows {
					return fmt.Errorf("sheet %q has more than %d rows: %w", o.w.names[len(o.w.names)-1], maxSheetRows, ErrTooLarge)
				}
				for k := range rep {
					if err := o.w.writeRow(row+k, cells); err != nil {
						return err
					}
				}
			}
			row += rep
		case xml.EndElement:
			if t.Name.Space == nsTable && t.Name.Local == "table" {
				return nil
			}
		}
	}
}

// row reads one table:table-row, whose start tag was just read, and
// returns its cells up to the last non-empty one.
func (o *odfReader) row() ([]string, error) {
	var cells []string
	col := 0
	for {
		tok, err := o.d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != nsTable || t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell" {
				if err := o.d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			rep := repeat(t, "number-columns-repeated")
			v, err := o.cell(t)
			if err != nil {
				return nil, err
			}
			if v != "" {
				if col+rep > maxSheetCols {
					return nil, fmt.Errorf("a row of sheet %q has more than %d columns: %w", o.w.names[len(o.w.names)-1], maxSheetCols, ErrTooLarge)
				}
				for len(cells) < col {
					cells = append(cells, "")
				}
				for range rep {
					cells = append(cells, v)
				}
			}
			col += rep
		case xml.EndElement:
			return cells, nil
		}
	}
}

// cell reads one cell, whose start tag was just read, up to its end tag
// and returns its text.
func (o *odfReader) cell(c xml.StartElement) (string, error) {
	var b strings.Builder
	paras := 0
	var text func() error
	// text collects the character data of a paragraph and its spans,
	// links and fields, turning text:s, text:tab and text:line-break into
	// what they stand for.
	text = func() error {
		for {
			tok, err := o.d.Token()
			if err != nil {
				return err
			}
			switch t := tok.(type) {
			case xml.CharData:
				b.Write(t)
			case xml.StartElement:
				switch {
				case t.Name.Space == nsText && t.Name.Local == "s":
					n, err := strconv.Atoi(attr(t, nsText, "c"))
					if err != nil || n < 1 {
						n = 1
					}
					b.WriteString(strings.Repeat(" ", min(n, maxCellChars+1)))
				case t.Name.Space == nsText && t.Name.Local == "tab":
					b.WriteByte('\t')
				case t.Name.Space == nsText && t.Name.Local == "line-break":
					b.WriteByte('\n')
				case t.Name.Space == nsOffice && t.Name.Local == "annotation":
					if err := o.d.Skip(); err != nil {
						return err
					}
					continue
				default:
					if err := text(); err != nil {
						return err
					}
					continue
				}
				if err := o.d.Skip(); err != nil {
					return err
				}
			case xml.EndElement:
				return nil
			}
			if b.Len() > 4*maxCellChars {
				return fmt.Errorf("a cell of sheet %q has more than %d characters: %w", o.w.names[len(o.w.names)-1], maxCellChars, ErrTooLarge)
			}
		}
	}
	for {
		tok, err := o.d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsText && (t.Name.Local == "p" || t.Name.Local == "h") {
				if paras++; paras > 1 {
					b.WriteByte('\n')
				}
				if err := text(); err != nil {
					return "", err
				}
				continue
			}
			// Annotations, drawings and anything else in a cell are not
			// its value.
			if err := o.d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			if paras > 0 {
				return b.String(), nil
			}
			return typedValue(c), nil
		}
	}
}

// typedValue is a cell's value from its attributes, for a cell without
// text (OpenDocument 1.2 Part 1, §19.385 to §19.391).
func typedValue(c xml.StartElement) string {
	switch attr(c, nsOffice, "value-type") {
	case "float", "percentage", "currency":
		return attr(c, nsOffice, "value")
	case "date":
		return attr(c, nsOffice, "date-value")
	case "time":
		return attr(c, nsOffice, "time-value")
	case "boolean":
		return strings.ToUpper(attr(c, nsOffice, "boolean-value"))
	case "string":
		return attr(c, nsOffice, "string-value")
	}
	return ""
}
