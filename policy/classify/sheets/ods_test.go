package sheets

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	odsNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
		`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
		`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
		`xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink"`
	// LibreOffice pads every table to the sheet's full size.
	odsPadding = `<table:table-row table:style-name="ro1" table:number-rows-repeated="1048000">` +
		`<table:table-cell table:number-columns-repeated="16384"/></table:table-row>`
	odsMimetype = "application/vnd.oasis.opendocument.spreadsheet"
)

// odsContent is a content.xml holding the given tables.
func odsContent(tables ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document-content ` + odsNS + ` office:version="1.3">` +
		`<office:automatic-styles/><office:body><office:spreadsheet>` + strings.Join(tables, "") +
		`<table:named-expressions/></office:spreadsheet></office:body></office:document-content>`
}

// flatODS is the same tables as a .fods document.
func flatODS(tables ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document ` + odsNS + ` office:version="1.3" ` +
		`office:mimetype="` + odsMimetype + `"><office:styles/><office:body><office:spreadsheet>` +
		strings.Join(tables, "") + `</office:spreadsheet></office:body></office:document>`
}

func odsTable(name string, rows ...string) string {
	return `<table:table table:name="` + name + `" table:style-name="ta1">` +
		`<table:table-column table:number-columns-repeated="1024"/>` + strings.Join(rows, "") + `</table:table>`
}

func odsRow(cells ...string) string {
	return `<table:table-row table:style-name="ro1">` + strings.Join(cells, "") + `</table:table-row>`
}

func odsStr(s string) string {
	return `<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>` + s + `</text:p></table:table-cell>`
}

func odsPackage(content string, extra ...part) []part {
	return append([]part{
		{"mimetype", odsMimetype},
		{"content.xml", content},
		{"META-INF/manifest.xml", manifest("")},
	}, extra...)
}

// manifest is an ODF manifest; entry goes inside content.xml's file entry.
func manifest(entry string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
		`<manifest:file-entry manifest:full-path="/" manifest:media-type="` + odsMimetype + `"/>` +
		`<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">` + entry + `</manifest:file-entry>` +
		`</manifest:manifest>`
}

// dataRows are n rows of two string cells.
func dataRows(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = odsRow(odsStr(fmt.Sprintf("name %d", i+1)), odsStr(fmt.Sprintf("n%d@example.org", i+1)))
	}
	return rows
}

func dataSample(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("name %d", i+1), fmt.Sprintf("n%d@example.org", i+1)}
	}
	return rows
}

func TestReadODS(t *testing.T) {
	t.Parallel()
	typed := odsRow(
		`<table:table-cell office:value-type="string"><text:p>Ann<text:s/>Marie<text:s text:c="3"/>Smith</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="string"><text:p><text:span text:style-name="T1">Bold</text:span> text</text:p>`+
			`<text:p>second<text:line-break/>third<text:tab/>x</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="float" office:value="447700900123" calcext:value-type="float"><text:p>4.48E+11</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="date" office:date-value="1980-05-17"><text:p>17/05/80</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="date" office:date-value="2024-01-02T10:00:00"><text:p>02/01/24 10:00</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="currency" office:currency="GBP" office:value="12.5"><text:p>£12.50</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="time" office:time-value="PT10H00M00S"><text:p>10:00</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="string"><office:annotation><dc:creator>Editor</dc:creator><text:p>a comment</text:p></office:annotation><text:p>visible</text:p></table:table-cell>`,
		`<table:table-cell office:value-type="string"><text:p><text:a xlink:href="mailto:x@example.org">x@example.org</text:a></text:p></table:table-cell>`,
		`<table:table-cell><text:p>untyped &amp; plain</text:p></table:table-cell>`,
	)
	repeats := []string{
		odsRow(`<table:table-cell table:number-columns-repeated="2"/>`, odsStr("c"),
			`<table:table-cell office:value-type="string" table:number-columns-repeated="3"><text:p>r</text:p></table:table-cell>`,
			`<table:covered-table-cell table:number-columns-repeated="16000"/>`, odsStr("far")),
		`<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`,
		`<table:table-row table:number-rows-repeated="3">` + odsStr("same") + `</table:table-row>`,
		odsPadding,
	}
	long := append(dataRows(3000),
		`<table:table-row table:number-rows-repeated="5">`+odsStr("five")+`</table:table-row>`,
		`<table:table-row-group><table:table-row>`+odsStr("g1")+`</table:table-row>`+
			`<table:table-row>`+odsStr("g2")+`</table:table-row></table:table-row-group>`,
		odsPadding)
	huge := `<table:table-row table:number-rows-repeated="1048576">` +
		`<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell></table:table-row>`
	oneRow := func(cells ...string) [][]string { return [][]string{cells} }
	cut := odsContent(odsTable("Long", dataRows(1000)...))
	fullRows := strings.Count(cut[:4<<10], "</table:table-row>") // rows wholly within 4 KiB
	tests := []struct {
		name    string
		content string
		lim     Limits
		want    []Sheet
		wantErr error
	}{{
		name:    "text runs and typed values",
		content: odsContent(odsTable("People", typed, odsPadding)),
		want: []Sheet{{Name: "People", Rows: oneRow(
			"Ann Marie   Smith", "Bold text\nsecond\nthird\tx", "447700900123", "1980-05-17", "2024-01-02",
			"TRUE", "12.5", "0.25", "10:00", "visible", "x@example.org", "untyped & plain",
		), TotalRows: 1, Exact: true}},
	}, {
		name:    "repeated cells and rows, gaps kept",
		content: odsContent(odsTable("Repeats", repeats...)),
		want: []Sheet{{Name: "Repeats", Rows: [][]string{
			{"", "", "c", "r", "r", "r"}, nil, nil, {"same"}, {"same"}, {"same"},
		}, TotalRows: 4, Exact: true}},
	}, {
		name:    "rest of a table counted as bytes, next table still read",
		content: odsContent(odsTable("Long", long...), odsTable("Short", dataRows(2)...)),
		lim:     limits(func(l *Limits) { l.MaxRows = 3 }),
		want: []Sheet{
			{Name: "Long", Rows: dataSample(3), TotalRows: 3007, Exact: true},
			{Name: "Short", Rows: dataSample(2), TotalRows: 2, Exact: true},
		},
	}, {
		name:    "a million repeated rows of 16384 repeated cells",
		content: odsContent(odsTable("Huge", huge)),
		lim:     limits(func(l *Limits) { l.MaxRows = 4; l.MaxCols = 3 }),
		want: []Sheet{{Name: "Huge", Rows: [][]string{
			{"1", "1", "1"}, {"1", "1", "1"}, {"1", "1", "1"}, {"1", "1", "1"},
		}, TotalRows: 1048576, Exact: true}},
	}, {
		name:    "columns capped, rest of the row skipped",
		content: odsContent(odsTable("Wide", odsRow(odsStr("a"), odsStr("b"), odsStr("c"), odsStr("d")), odsRow(odsStr("next")))),
		lim:     limits(func(l *Limits) { l.MaxCols = 2; l.MaxCellBytes = 3 }),
		want:    []Sheet{{Name: "Wide", Rows: [][]string{{"a", "b"}, {"nex"}}, TotalRows: 2, Exact: true}},
	}, {
		name:    "tables beyond MaxSheets are not read",
		content: odsContent(odsTable("One", dataRows(1)...), odsTable("Two", dataRows(1)...), "<broken"),
		lim:     limits(func(l *Limits) { l.MaxSheets = 2 }),
		want: []Sheet{
			{Name: "One", Rows: dataSample(1), TotalRows: 1, Exact: true},
			{Name: "Two", Rows: dataSample(1), TotalRows: 1, Exact: true},
		},
	}, {
		name:    "sampling stops at the byte limit",
		content: cut,
		lim:     limits(func(l *Limits) { l.MaxXMLBytes = 4 << 10 }),
		want:    []Sheet{{Name: "Long", Rows: dataSample(fullRows), TotalRows: fullRows}},
	}, {
		name:    "limit before any table",
		content: odsContent(strings.Repeat(`<table:named-range/>`, 1000), odsTable("Late", dataRows(1)...)),
		lim:     limits(func(l *Limits) { l.MaxXMLBytes = 4 << 10 }),
		wantErr: ErrLimit,
	}, {
		name:    "no tables",
		content: odsContent(),
	}, {
		name:    "malformed",
		content: odsContent(odsTable("Bad", odsRow(odsStr("a &bogus; b")))),
		wantErr: ErrMalformed,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lim := tt.lim
			if lim == (Limits{}) {
				lim = testLimits
			}
			got, err := ReadODS(t.Context(), openZip(t, zipBytes(t, false, odsPackage(tt.content)...)), lim)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
			checkBounds(t, got, lim)
		})
	}
}

func TestReadFODS(t *testing.T) {
	t.Parallel()
	tables := []string{odsTable("Members", append(dataRows(600), odsPadding)...), odsTable("Other", dataRows(1)...)}
	fromZip, err := ReadODS(t.Context(), openZip(t, zipBytes(t, false, odsPackage(odsContent(tables...))...)), testLimits)
	require.NoError(t, err)
	flat, err := ReadFODS(t.Context(), strings.NewReader(flatODS(tables...)), testLimits)
	require.NoError(t, err)
	require.Equal(t, fromZip, flat)
	require.Equal(t, []Sheet{
		{Name: "Members", Rows: dataSample(500), TotalRows: 600, Exact: true},
		{Name: "Other", Rows: dataSample(1), TotalRows: 1, Exact: true},
	}, flat)

	_, err = ReadFODS(t.Context(), bytes.NewReader([]byte("<office:document><table:table><")), testLimits)
	require.ErrorIs(t, err, ErrMalformed)
}

func TestReadODSNoContent(t *testing.T) {
	t.Parallel()
	_, err := ReadODS(t.Context(), openZip(t, zipBytes(t, false, part{"mimetype", odsMimetype})), testLimits)
	require.ErrorIs(t, err, ErrMalformed)
}
