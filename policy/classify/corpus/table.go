package corpus

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// table is what every export kind produces before it is written out in some
// format. Cells keep their type so a workbook stores dates as dates and
// numbers as numbers, as the original spreadsheet would.
type table struct {
	title   [][]string // rows above the header, e.g. "Ward 3 walk sheet – printed …"
	header  []string   // nil for a headerless table
	rows    [][]any    // string, int, int64, float64, money or time.Time
	people  int        // distinct people when a person spans rows; else rows
	dateFmt string     // how dates are printed in text; "" means dd/mm/yyyy
}

// money is an amount in pounds, written with two decimals.
type money float64

func (t table) records() int {
	if t.people > 0 {
		return t.people
	}
	return len(t.rows)
}

func (t table) cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case money:
		return strconv.FormatFloat(float64(v), 'f', 2, 64)
	case time.Time:
		if t.dateFmt != "" {
			return v.Format(t.dateFmt)
		}
		return v.Format("02/01/2006")
	default:
		return fmt.Sprint(v)
	}
}

// textEnc is the character encoding of a delimited text file.
type textEnc int

const (
	utf8Plain textEnc = iota
	utf8BOM           // Excel's "CSV UTF-8"
	utf16LE           // with BOM: Excel's "Unicode text"
	cp1252            // Excel's "CSV" on Windows, and the EMS exports
)

// textFmt is how a table becomes delimited text.
type textFmt struct {
	delim    byte
	enc      textEnc
	lf       bool // LF line ends (web apps) rather than Excel's CRLF
	quoteAll bool // quote every field, as Mailchimp does
}

// writeRecord appends one row. Fields holding the delimiter, a quote or a
// line break are quoted; a line break inside a cell stays a bare LF, as Excel
// writes multi-line cells.
func writeRecord(b *bytes.Buffer, cells []string, tf textFmt) {
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(tf.delim)
		}
		if tf.quoteAll || strings.ContainsAny(c, string(tf.delim)+"\"\r\n") {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(c, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(c)
		}
	}
	if tf.lf {
		b.WriteByte('\n')
	} else {
		b.WriteString("\r\n")
	}
}

// cp1252Fold maps the Welsh circumflexed w and y, which windows-1252 lacks,
// to plain letters, as EMS exports do; anything else unmappable becomes SUB.
var cp1252Fold = strings.NewReplacer("ŵ", "w", "Ŵ", "W", "ŷ", "y", "Ŷ", "Y", "ś", "s")

func encodeText(t table, tf textFmt) ([]byte, error) {
	var b bytes.Buffer
	width := len(t.header)
	for _, r := range t.title {
		// Excel pads title rows with delimiters out to the table's width.
		cells := make([]string, max(width, len(r)))
		copy(cells, r)
		writeRecord(&b, cells, tf)
	}
	if len(t.title) > 0 {
		writeRecord(&b, make([]string, max(width, 1)), tf)
	}
	if t.header != nil {
		writeRecord(&b, t.header, tf)
	}
	cells := make([]string, 0, width)
	for _, r := range t.rows {
		cells = cells[:0]
		for _, v := range r {
			cells = append(cells, t.cellText(v))
		}
		writeRecord(&b, cells, tf)
	}
	return encodeChars(b.Bytes(), tf.enc)
}

func encodeChars(p []byte, enc textEnc) ([]byte, error) {
	var e *encoding.Encoder
	switch enc {
	case utf8Plain:
		return p, nil
	case utf8BOM:
		return append([]byte("\ufeff"), p...), nil
	case utf16LE:
		e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	case cp1252:
		e = encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder())
		p = []byte(cp1252Fold.Replace(string(p)))
	}
	out, err := e.Bytes(p)
	if err != nil {
		return nil, fmt.Errorf("encoding text: %w", err)
	}
	return out, nil
}
