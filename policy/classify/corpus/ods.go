package corpus

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

const odsMime = "application/vnd.oasis.opendocument.spreadsheet"

// odsWidth is how many columns LibreOffice describes per row: it closes
// each row with one empty cell repeated out to this width, and the table
// with one empty row repeated to the sheet's end.
const (
	odsWidth  = 1024
	odsHeight = 1048576
)

const odsContentHead = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:automatic-styles><number:date-style style:name="N37"><number:day number:style="long"/><number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style><number:currency-style style:name="N108"><number:currency-symbol number:language="en" number:country="GB">£</number:currency-symbol><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:currency-style><style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N37"/><style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N108"/></office:automatic-styles><office:body><office:spreadsheet>`

const odsManifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="` + odsMime + `"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`

const odsStyles = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3"><office:styles><style:style style:name="Default" style:family="table-cell"/></office:styles></office:document-styles>
`

const odsMeta = `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"><office:meta><meta:generator>LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</meta:generator><meta:creation-date>2026-03-12T10:42:00</meta:creation-date></office:meta></office:document-meta>
`

// encodeODS writes an OpenDocument spreadsheet: a zip whose first entry is
// the uncompressed mimetype (ODF 1.3 part 2, 3.3), then content.xml with
// one table per sheet, styles, meta and the manifest.
func encodeODS(r *rand.Rand, sheets []sheet) ([]byte, error) {
	var b strings.Builder
	b.WriteString(odsContentHead)
	for _, s := range sheets {
		fmt.Fprintf(&b, `<table:table table:name="%s"><table:table-column table:number-columns-repeated="%d"/>`, xmlEscape(s.name), odsWidth)
		var rows [][]any
		for _, row := range s.t.title {
			rows = append(rows, anySlice(row))
		}
		if len(s.t.title) > 0 {
			rows = append(rows, nil)
		}
		if s.t.header != nil {
			rows = append(rows, anySlice(s.t.header))
		}
		for _, row := range append(rows, s.t.rows...) {
			odsRow(&b, s.t, row)
		}
		fmt.Fprintf(&b, `<table:table-row table:number-rows-repeated="%d"><table:table-cell table:number-columns-repeated="%d"/></table:table-row></table:table>`, odsHeight-len(rows)-len(s.t.rows), odsWidth)
	}
	b.WriteString(`</office:spreadsheet></office:body></office:document-content>`)
	return encodeZip(r, []entry{
		{name: "mimetype", data: []byte(odsMime), seal: stored},
		{name: "content.xml", data: []byte(b.String())},
		{name: "styles.xml", data: []byte(odsStyles)},
		{name: "meta.xml", data: []byte(odsMeta)},
		{name: "META-INF/manifest.xml", data: []byte(odsManifest)},
	})
}

func odsRow(b *strings.Builder, t table, cells []any) {
	b.WriteString("<table:table-row>")
	empty := 0
	flush := func() {
		switch {
		case empty == 1:
			b.WriteString("<table:table-cell/>")
		case empty > 1:
			fmt.Fprintf(b, `<table:table-cell table:number-columns-repeated="%d"/>`, empty)
		}
		empty = 0
	}
	for _, v := range cells {
		text := t.cellText(v)
		if text == "" {
			empty++
			continue
		}
		flush()
		switch v := v.(type) {
		case int, int64, float64:
			fmt.Fprintf(b, `<table:table-cell office:value-type="float" office:value="%s" calcext:value-type="float">`, text)
		case money:
			fmt.Fprintf(b, `<table:table-cell table:style-name="ce2" office:value-type="currency" office:currency="GBP" office:value="%s" calcext:value-type="currency">`, strconv.FormatFloat(float64(v), 'f', -1, 64))
			text = "£" + text
		case time.Time:
			fmt.Fprintf(b, `<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="%s" calcext:value-type="date">`, v.Format("2006-01-02"))
		default:
			b.WriteString(`<table:table-cell office:value-type="string" calcext:value-type="string">`)
		}
		// A multi-line cell is one paragraph per line.
		for _, line := range strings.Split(text, "\n") {
			b.WriteString("<text:p>" + xmlEscape(line) + "</text:p>")
		}
		b.WriteString("</table:table-cell>")
	}
	empty += odsWidth - len(cells)
	flush()
	b.WriteString("</table:table-row>")
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a Builder never fail
	return b.String()
}

// encryptedODS is a spreadsheet saved with a password by LibreOffice: the
// zip layer shows nothing, but the manifest gives content.xml, styles.xml
// and meta.xml encryption-data, and their bytes are ciphertext (random
// here), stored uncompressed.
func encryptedODS(r *rand.Rand, plainSize int) ([]byte, error) {
	b64 := func(n int) string { return base64.StdEncoding.EncodeToString(randBytes(r, n)) }
	var m strings.Builder
	m.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3" xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="` + odsMime + `"/>
`)
	entries := []entry{{name: "mimetype", data: []byte(odsMime), seal: stored}}
	for _, p := range []struct {
		name string
		size int
	}{{"content.xml", plainSize}, {"styles.xml", len(odsStyles)}, {"meta.xml", len(odsMeta)}} {
		fmt.Fprintf(&m, ` <manifest:file-entry manifest:full-path="%s" manifest:media-type="text/xml" manifest:size="%d">
  <manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="%s">
   <manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="%s"/>
   <manifest:start-key-generation manifest:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>
   <manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="%s"/>
  </manifest:encryption-data>
 </manifest:file-entry>
`, p.name, p.size, b64(32), b64(16), b64(16))
		// Deflated then encrypted: roughly a quarter of the XML's size.
		entries = append(entries, entry{name: p.name, data: randBytes(r, p.size/4+16), seal: stored})
	}
	m.WriteString("</manifest:manifest>\n")
	entries = append(entries, entry{name: "META-INF/manifest.xml", data: []byte(m.String())})
	return encodeZip(r, entries)
}
