package protect

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// unescapeXString undoes the _xHHHH_ escapes of ECMA-376 Part 1,
// §22.9.2.19, as a spreadsheet reading the cell does.
func unescapeXString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if len(s) >= i+7 && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if n, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(n))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// Any text survives the cell escaping: an XML parser and the _xHHHH_
// unescaping give back exactly the text that went in.
func FuzzXString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>\"'", "_x0041_", "_x005F_", "a\r\nb\rc", "\x00\x01\x1f", "\uFFFE\uFFFF", "Siân Llŷr 🙂", "__x0041__", "_xABCD\x0e", "_X0041_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		doc := "<t>" + string(appendXString(nil, s)) + "</t>"
		d := xml.NewDecoder(strings.NewReader(doc))
		var text strings.Builder
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "%q", doc)
			if c, ok := tok.(xml.CharData); ok {
				text.Write(c)
			}
		}
		require.Equal(t, s, unescapeXString(text.String()))
	})
}

// No content.xml makes the ODS reader panic, loop or write more than the
// limits allow; whatever it writes is a package.
func FuzzWriteODF(f *testing.F) {
	f.Add([]byte(fodsText))
	f.Add([]byte(`<table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table-row table:number-rows-repeated="99999999"><table:table-cell table:number-columns-repeated="99999999"><p>x</p></table:table-cell></table:table-row></table:table>`))
	f.Add([]byte(`<a><table:table xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := DefaultLimits()
		lim.MaxCells = 10000
		lim.MaxXMLBytes = 1 << 20
		w := newWorkbookWriter(lim)
		if err := writeODF(t.Context(), w, bytes.NewReader(data), lim); err != nil {
			return
		}
		require.LessOrEqual(t, w.cells, lim.MaxCells)
		_, err := w.finish()
		require.NoError(t, err)
	})
}
