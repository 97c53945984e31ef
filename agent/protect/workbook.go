package protect

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Spreadsheet limits of Excel (Microsoft, "Excel specifications and
// limits"); LibreOffice Calc holds as many rows and columns since 7.4.
const (
	maxSheetRows  = 1 << 20 // 1,048,576 rows
	maxSheetCols  = 1 << 14 // 16,384 columns, A to XFD
	maxCellChars  = 32767   // characters (UTF-16 code units) in a cell
	maxSheetName  = 31      // characters in a sheet name
	ssmlNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	relNamespace  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// workbookWriter writes a minimal SpreadsheetML package (ECMA-376 Part 1,
// §18) into memory, one sheet after another and one row at a time. Every
// cell is an inline string (§18.3.1.53) with the Text number format
// (built-in format 49, "@"), so a phone number keeps its leading zero and
// nothing becomes a number or a date, neither on opening nor when the
// recipient edits the cell.
//
// It is written here rather than with excelize because excelize keeps
// every cell of a workbook in memory (some 70 times the size of the CSV)
// and its stream writer moves sheets over 16 MiB into unencrypted temporary
// files (stream.go, StreamChunkSize), where personal data has no business.
type workbookWriter struct {
	buf    bytes.Buffer
	zw     *zip.Writer
	lim    Limits
	names  []string  // of the sheets written so far
	sheet  io.Writer // the open sheet's part, or nil
	next   int       // the row index the next row may have, in the open sheet
	cells  int64     // non-empty cells in the workbook
	rows   int64     // non-empty rows in the workbook
	rowBuf []byte
}

func newWorkbookWriter(lim Limits) *workbookWriter {
	w := &workbookWriter{lim: lim}
	w.zw = zip.NewWriter(&w.buf)
	return w
}

// startSheet begins a sheet named after name, made valid and unique.
func (w *workbookWriter) startSheet(name string) error {
	if err := w.endSheet(); err != nil {
		return err
	}
	w.names = append(w.names, sheetName(name, w.names))
	part, err := w.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(w.names)))
	if err != nil {
		return err
	}
	w.sheet, w.next = part, 0
	_, err = io.WriteString(part, xmlHeader+`<worksheet xmlns="`+ssmlNamespace+`"><sheetData>`)
	return err
}

// writeRow writes the cells of row index r (0-based) of the open sheet.
// Rows come in increasing order; gaps are empty rows. Empty cells are left
// out, so a row of them writes nothing.
func (w *workbookWriter) writeRow(r int, cells []string) error {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) == 0 {
		w.next = max(w.next, r+1)
		return nil
	}
	switch {
	case r < w.next:
		return fmt.Errorf("row %d written after row %d", r+1, w.next)
	case r >= maxSheetRows:
		return fmt.Errorf("sheet %q has more than %d rows: %w", w.names[len(w.names)-1], maxSheetRows, ErrTooLarge)
	case len(cells) > maxSheetCols:
		return fmt.Errorf("row %d of sheet %q has more than %d columns: %w", r+1, w.names[len(w.names)-1], maxSheetCols, ErrTooLarge)
	}
	w.next = r + 1
	w.rows++
	b := append(w.rowBuf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(r+1), 10)
	b = append(b, `">`...)
	for c, v := range cells {
		if v == "" {
			continue
		}
		if w.cells++; w.cells > w.lim.MaxCells {
			return fmt.Errorf("more than %d cells: %w", w.lim.MaxCells, ErrTooLarge)
		}
		if n := utf16Len(v); n > maxCellChars {
			return fmt.Errorf("cell %s%d of sheet %q has %d characters, more than a spreadsheet cell holds (%d): %w",
				columnName(c), r+1, w.names[len(w.names)-1], n, maxCellChars, ErrTooLarge)
		}
		b = append(b, `<c r="`...)
		b = append(b, columnName(c)...)
		b = strconv.AppendInt(b, int64(r+1), 10)
		// Style 1 is the Text format of stylesXML.
		b = append(b, `" s="1" t="inlineStr"><is><t xml:space="preserve">`...)
		b = appendXString(b, v)
		b = append(b, `</t></is></c>`...)
	}
	b = append(b, `</row>`...)
	w.rowBuf = b
	_, err := w.sheet.Write(b)
	return err
}

func (w *workbookWriter) endSheet() error {
	if w.sheet == nil {
		return nil
	}
	_, err := io.WriteString(w.sheet, `</sheetData></worksheet>`)
	w.sheet = nil
	return err
}

// finish writes the workbook, its relationships, styles and content types
// and returns the package. A workbook needs at least one sheet.
func (w *workbookWriter) finish() ([]byte, error) {
	if len(w.names) == 0 {
		if err := w.startSheet(""); err != nil {
			return nil, err
		}
	}
	if err := w.endSheet(); err != nil {
		return nil, err
	}
	var wb, rels, types strings.Builder
	wb.WriteString(xmlHeader + `<workbook xmlns="` + ssmlNamespace + `" xmlns:r="` + relNamespace + `"><sheets>`)
	rels.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	types.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i, name := range w.names {
		n := i + 1
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, appendXString(nil, name), n, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>`, n, relNamespace, n)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
	}
	wb.WriteString(`</sheets></workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s/styles" Target="styles.xml"/></Relationships>`, len(w.names)+1, relNamespace)
	types.WriteString(`</Types>`)
	parts := []struct{ name, body string }{
		{"xl/workbook.xml", wb.String()},
		{"xl/_rels/workbook.xml.rels", rels.String()},
		{"xl/styles.xml", stylesXML},
		{"_rels/.rels", rootRels},
		{"[Content_Types].xml", types.String()},
	}
	for _, p := range parts {
		f, err := w.zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return nil, err
		}
	}
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="` + relNamespace + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// stylesXML is the least stylesheet Excel accepts (one font, the two
// fills it reserves, one border, the Normal style), with a second cell
// format: Text.
const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="` + ssmlNamespace + `">` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// columnName returns the letters of 0-based column c: A, ..., Z, AA, ...
func columnName(c int) string {
	var b [4]byte
	i := len(b)
	for c++; c > 0; c = (c - 1) / 26 {
		i--
		b[i] = byte('A' + (c-1)%26)
	}
	return string(b[i:])
}

// appendXString appends s as the text of an element, escaped for XML and
// for SpreadsheetML: characters XML 1.0 cannot carry are written as
// _xHHHH_, and an underscore that could read as the start of such an
// escape is escaped itself as _x005F_ (ECMA-376 Part 1, §22.9.2.19
// ST_Xstring). A
// carriage return is a character reference so that XML parsing does not
// turn it into a line feed.
func appendXString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"':
			b = append(b, "&quot;"...)
		case r == '\r':
			b = append(b, "&#13;"...)
		case r == '\t' || r == '\n':
			b = append(b, byte(r))
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			b = fmt.Appendf(b, "_x%04X_", r)
		case r == '_' && startsEscape(s[i:]):
			b = append(b, "_x005F_"...)
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// startsEscape reports whether s starts with _xHHHH, which a reader could
// take for an escape: whether the closing underscore comes from s or from
// the escape of the character after it.
func startsEscape(s string) bool {
	if len(s) < 6 || s[0] != '_' || s[1] != 'x' && s[1] != 'X' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// sheetName makes name a valid sheet name that none of taken has (case
// aside): no : \ / ? * [ ], no apostrophe at either end, at most 31
// characters, not empty and not "History", which Excel reserves.
func sheetName(name string, taken []string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "' ")
	if strings.EqualFold(name, "History") {
		name += "_"
	}
	if name == "" {
		name = fmt.Sprintf("Sheet%d", len(taken)+1)
	}
	base := truncateUTF16(name, maxSheetName)
	name = base
	for k := 2; ; k++ {
		free := true
		for _, t := range taken {
			if strings.EqualFold(t, name) {
				free = false
				break
			}
		}
		if free {
			return name
		}
		suffix := fmt.Sprintf(" (%d)", k)
		name = truncateUTF16(base, maxSheetName-len(suffix)) + suffix
	}
}

func truncateUTF16(s string, n int) string {
	used := 0
	for i, r := range s {
		if used += utf16.RuneLen(r); used > n {
			return s[:i]
		}
	}
	return s
}
