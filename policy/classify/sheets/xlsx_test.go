package sheets

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func TestReadXLSXExcelize(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	must := func(err error) { require.NoError(t, err) }
	dob := time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC)
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"First", "Last", "Email", "DOB", "Votes", "Member"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"Ann", "Smith", "ann@example.org", dob, 3, true}))
	must(f.SetSheetRow("Sheet1", "A3", &[]any{"Bob", "Jones", "bob@example.org", dob.AddDate(1, 0, 0), 0.5, false}))
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellStyle("Sheet1", "D2", "D3", date))
	must(f.SetCellValue("Sheet1", "C5", "gap above"))
	must(f.SetCellRichText("Sheet1", "A6", []excelize.RichTextRun{
		{Text: "Bold", Font: &excelize.Font{Bold: true}}, {Text: " and plain"},
	}))
	// A streamed sheet is written with inline strings, not shared ones.
	_, err = f.NewSheet("Streamed")
	must(err)
	sw, err := f.NewStreamWriter("Streamed")
	must(err)
	must(sw.SetRow("A1", []any{"Name", "Postcode"}))
	must(sw.SetRow("A2", []any{"Cat", "SW1A 1AA"}))
	must(sw.SetRow("B4", []any{"B4 only"}))
	must(sw.Flush())
	_, err = f.NewSheet("Empty")
	must(err)

	got, err := ReadXLSX(t.Context(), openZip(t, saveExcelize(t, f)), testLimits)
	require.NoError(t, err)
	require.Equal(t, []Sheet{
		{Name: "Sheet1", Rows: [][]string{
			{"First", "Last", "Email", "DOB", "Votes", "Member"},
			{"Ann", "Smith", "ann@example.org", "1980-05-17", "3", "TRUE"},
			{"Bob", "Jones", "bob@example.org", "1981-05-17", "0.5", "FALSE"},
			nil,
			{"", "", "gap above"},
			{"Bold and plain"},
		}, TotalRows: 5, Exact: true},
		{Name: "Streamed", Rows: [][]string{{"Name", "Postcode"}, {"Cat", "SW1A 1AA"}, nil, {"", "B4 only"}}, TotalRows: 3, Exact: true},
		{Name: "Empty", Exact: true},
	}, got)
}

// rowsXML writes rows from..to, each with an inline string cell; every
// other row leaves out its r attribute, as some writers do.
func rowsXML(pfx string, from, to int) string {
	var b strings.Builder
	for r := from; r <= to; r++ {
		if r%2 == 0 {
			fmt.Fprintf(&b, `<%srow r="%d" spans="1:1">`, pfx, r)
		} else {
			fmt.Fprintf(&b, `<%srow>`, pfx)
		}
		fmt.Fprintf(&b, `<%sc t="inlineStr"><%sis><%st>row %d</%st></%sis></%sc></%srow>`, pfx, pfx, pfx, r, pfx, pfx, pfx, pfx)
	}
	return b.String()
}

func sampleRows(from, to int) [][]string {
	var rows [][]string
	for r := from; r <= to; r++ {
		rows = append(rows, []string{fmt.Sprintf("row %d", r)})
	}
	return rows
}

func TestReadXLSX(t *testing.T) {
	t.Parallel()
	one := func(s Sheet) []Sheet { return []Sheet{s} }
	book := func(sheet string, extra ...part) []part { return workbookParts("", []string{sheet}, extra...) }
	long := worksheet("", rowsXML("", 1, 5000))
	fullRows := strings.Count(long[:2<<10], "</row>") // rows wholly within 2 KiB
	single := func(text string) string {
		return worksheet("", `<row r="1"><c r="A1" t="inlineStr"><is><t>`+text+`</t></is></c></row>`)
	}
	tests := []struct {
		name    string
		parts   []part
		lim     Limits
		want    []Sheet
		wantErr error
	}{{
		name: "cell types",
		parts: book(worksheet("", `<row r="1">`+
			`<c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#N/A</v></c>`+
			`<c r="D1" t="str"><f>A1&amp;B1</f><v>TRUEFALSE</v></c><c r="E1" t="d"><v>2024-02-29T10:00:00Z</v></c>`+
			`<c r="F1" t="n"><v>1.5</v></c><c r="G1" t="inlineStr"><is><t xml:space="preserve">  padded </t></is></c>`+
			`<c r="H1" t="inlineStr"><is><r><t>in</t></r><r><rPr><b/></rPr><t>line</t></r></is></c></row>`)),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{
			{"TRUE", "FALSE", "#N/A", "TRUEFALSE", "2024-02-29", "1.5", "  padded ", "inline"},
		}, TotalRows: 1, Exact: true}),
	}, {
		name: "shared strings: rich text, phonetic runs, missing and bad indices",
		parts: book(worksheet("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>99</v></c>`+
			`<c r="C1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c><c r="E1" t="s"><v>3</v></c><c r="F1" t="s"><v>x</v></c></row>`+
			`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`),
			sst(`<t>plain</t>`,
				`<r><rPr><b/></rPr><t>Rich</t></r><r><t xml:space="preserve"> text</t></r>`,
				`<t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1"/>`,
				`<t>a &amp; b</t>`)),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{
			{"plain", "", "Rich text", "漢字", "a & b"},
			{"plain"},
		}, TotalRows: 2, Exact: true}),
	}, {
		name: "gaps and missing references keep positions",
		parts: book(worksheet("", `<row r="2"><c r="C2" t="inlineStr"><is><t>c2</t></is></c></row>`+
			`<row r="4"><c r="A4"><v>1</v></c><c><v>2</v></c><c r="A4"><v>3</v></c></row>`+
			`<row><c r="B5" s="0"/><c r="C5"><v>5</v></c></row><row r="6" s="1" customFormat="1"/>`)),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{
			nil, {"", "", "c2"}, nil, {"1", "2", "3"}, {"", "", "5"},
		}, TotalRows: 3, Exact: true}),
	}, {
		name: "dates in the 1900 system",
		parts: book(worksheet("", `<row r="1">`+
			`<c r="A1" s="1"><v>59</v></c><c r="B1" s="1"><v>61</v></c><c r="C1" s="2"><v>45000</v></c>`+
			`<c r="D1" s="3"><v>45000</v></c><c r="E1" s="4"><v>0.5</v></c><c r="F1" s="5"><v>3</v></c>`+
			`<c r="G1" s="6"><v>45000.75</v></c><c r="H1"><v>45000</v></c><c r="I1" s="7"><v>1</v></c>`+
			`<c r="J1" s="99"><v>5</v></c><c r="K1" s="1"><v>-1</v></c><c r="L1" s="1"><v>1e300</v></c></row>`),
			styles(map[int]string{164: "dd/mm/yyyy", 165: "[Red]0.00", 166: "h:mm", 167: `&quot;day &quot;0`, 168: `yyyy\-mm`},
				0, 14, 164, 165, 166, 167, 168, 22)),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{{
			"1900-02-28", "1900-03-01", "2023-03-15", "45000", "0.5", "3",
			"2023-03-15", "45000", "1900-01-01", "5", "-1", "1e300",
		}}, TotalRows: 1, Exact: true}),
	}, {
		name: "dates in the 1904 system",
		parts: workbookParts(`<workbookPr date1904="1"/>`, []string{worksheet("",
			`<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>45000</v></c></row>`)},
			styles(nil, 0, 14)),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{{"1904-01-01", "2027-03-16"}}, TotalRows: 1, Exact: true}),
	}, {
		name:  "dimension sizes the rest",
		parts: book(worksheet(`<dimension ref="A1:C5000"/>`, rowsXML("", 1, 10))),
		lim:   limits(func(l *Limits) { l.MaxRows = 2 }),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 2), TotalRows: 5000}),
	}, {
		name:  "dimension left at A1 is not trusted",
		parts: book(worksheet(`<dimension ref="A1"/>`, rowsXML("", 1, 10))),
		lim:   limits(func(l *Limits) { l.MaxRows = 3 }),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 3), TotalRows: 10, Exact: true}),
	}, {
		name:  "no dimension: rows counted across windows, rowBreaks not rows",
		parts: book(strings.TrimSuffix(long, `</worksheet>`) + `<rowBreaks count="1"><brk id="5"/></rowBreaks></worksheet>`),
		lim:   limits(func(l *Limits) { l.MaxRows = 10 }),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 10), TotalRows: 5000, Exact: true}),
	}, {
		name: "prefixed elements",
		parts: book(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			rowsXML("x:", 1, 3000) + `</x:sheetData></x:worksheet>`),
		lim:  limits(func(l *Limits) { l.MaxRows = 2 }),
		want: one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 2), TotalRows: 3000, Exact: true}),
	}, {
		name:  "counting stops at the byte limit",
		parts: book(long),
		lim:   limits(func(l *Limits) { l.MaxRows = 2; l.MaxXMLBytes = 64 << 10 }),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 2), TotalRows: strings.Count(long[:64<<10], "<row")}),
	}, {
		name:  "sampling stops at the byte limit",
		parts: book(long),
		lim:   limits(func(l *Limits) { l.MaxXMLBytes = 2 << 10 }),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, fullRows), TotalRows: fullRows}),
	}, {
		name:    "limit before any row",
		parts:   book(worksheet(strings.Repeat(`<sheetView/>`, 1000), rowsXML("", 1, 10))),
		lim:     limits(func(l *Limits) { l.MaxXMLBytes = 1 << 10 }),
		wantErr: ErrLimit,
	}, {
		name: "no workbook: sheet parts in number order",
		parts: []part{
			{"xl/worksheets/sheet10.xml", single("ten")},
			{"xl/worksheets/sheet2.xml", single("two")},
			{"xl/worksheets/Sheet1.xml", single("one")},
		},
		want: []Sheet{
			{Name: "Sheet1", Rows: [][]string{{"one"}}, TotalRows: 1, Exact: true},
			{Name: "sheet2", Rows: [][]string{{"two"}}, TotalRows: 1, Exact: true},
			{Name: "sheet10", Rows: [][]string{{"ten"}}, TotalRows: 1, Exact: true},
		},
	}, {
		name: "workbook order, absolute and odd-case targets",
		parts: []part{
			{"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="Members" r:id="b"/><sheet name="Chart" r:id="c"/><sheet name="Notes" r:id="a"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<Relationships>` +
				`<Relationship Id="a" Type="x/worksheet" Target="worksheets/sheet1.xml"/>` +
				`<Relationship Id="b" Type="x/worksheet" Target="/xl/worksheets/Sheet2.xml"/>` +
				`<Relationship Id="c" Type="x/chartsheet" Target="chartsheets/sheet1.xml"/></Relationships>`},
			{"xl/worksheets/sheet1.xml", single("notes")},
			{"XL/Worksheets/sheet2.xml", single("members")},
			{"xl/chartsheets/sheet1.xml", `<chartsheet/>`},
		},
		want: []Sheet{
			{Name: "Members", Rows: [][]string{{"members"}}, TotalRows: 1, Exact: true},
			{Name: "Notes", Rows: [][]string{{"notes"}}, TotalRows: 1, Exact: true},
		},
	}, {
		name:  "sheets beyond MaxSheets are not read",
		parts: workbookParts("", []string{single("one"), single("two"), "not even XML <"}),
		lim:   limits(func(l *Limits) { l.MaxSheets = 2 }),
		want: []Sheet{
			{Name: "Sheet1", Rows: [][]string{{"one"}}, TotalRows: 1, Exact: true},
			{Name: "Sheet2", Rows: [][]string{{"two"}}, TotalRows: 1, Exact: true},
		},
	}, {
		name: "cells cut on a rune boundary, columns capped",
		parts: book(worksheet("", `<row r="1"><c t="inlineStr"><is><t>ééé</t></is></c><c t="inlineStr"><is><t>héllo</t></is></c>`+
			`<c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row><row r="2"><c r="B2"><v>1234567</v></c></row>`)),
		lim: limits(func(l *Limits) { l.MaxCellBytes = 5; l.MaxCols = 3 }),
		want: one(Sheet{Name: "Sheet1", Rows: [][]string{
			{"éé", "héll", "1"}, {"", "12345"},
		}, TotalRows: 2, Exact: true}),
	}, {
		name:  "part ending inside sheetData keeps its rows",
		parts: book(strings.TrimSuffix(worksheet("", rowsXML("", 1, 3)), `</sheetData></worksheet>`)),
		want:  one(Sheet{Name: "Sheet1", Rows: sampleRows(1, 3), TotalRows: 3, Exact: true}),
	}, {
		name:  "row cut short keeps its shared strings",
		parts: book(`<worksheet><sheetData><row><c t="s"><v>1</v></c><c t="s"><v>0</v></c>`, sst(`<t>a</t>`, `<t>b</t>`)),
		want:  one(Sheet{Name: "Sheet1", Rows: [][]string{{"b", "a"}}, TotalRows: 1, Exact: true}),
	}, {
		name:  "strings table with a root and nothing else",
		parts: book(worksheet("", `<row><c t="s"><v>0</v></c><c><v>1</v></c></row>`), part{"xl/sharedStrings.xml", `<sst>`}),
		want:  one(Sheet{Name: "Sheet1", Rows: [][]string{{"", "1"}}, TotalRows: 1, Exact: true}),
	}, {
		name:    "no worksheets",
		parts:   []part{{"xl/workbook.xml", `<workbook/>`}, {"docProps/app.xml", `<Properties/>`}},
		wantErr: ErrMalformed,
	}, {
		name:    "malformed workbook",
		parts:   []part{{"xl/workbook.xml", `<workbook><sheets>&nope;</sheets></workbook>`}},
		wantErr: ErrMalformed,
	}, {
		name:    "malformed strings table",
		parts:   book(worksheet("", `<row><c t="s"><v>1</v></c></row>`), sst(`<t>a</t></si><si x=>`)),
		wantErr: ErrMalformed,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lim := tt.lim
			if lim == (Limits{}) {
				lim = testLimits
			}
			got, err := ReadXLSX(t.Context(), openZip(t, zipBytes(t, false, tt.parts...)), lim)
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

func TestReadXLSXMalformed(t *testing.T) {
	t.Parallel()
	const secret = "Jane Citizen"
	parts := workbookParts("", []string{worksheet("", rowsXML("", 1, 3)+`<row><c t="inlineStr"><is><t>&`+secret+`;</t></is></c></row>`)})
	_, err := ReadXLSX(t.Context(), openZip(t, zipBytes(t, false, parts...)), testLimits)
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "xl/worksheets/sheet1.xml")
	require.ErrorContains(t, err, `sheet "Sheet1"`)
	// Errors end up in logs, which must not hold cell contents.
	require.NotContains(t, err.Error(), "Jane")
}

func TestReadXLSXCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	zr := openZip(t, zipBytes(t, false, workbookParts("", []string{worksheet("", rowsXML("", 1, 3000))})...))
	_, err := ReadXLSX(ctx, zr, testLimits)
	require.ErrorIs(t, err, context.Canceled)
}

// The tests below measure the heap, which other tests running at the same
// time would disturb: they are not parallel.

func TestReadXLSXHugeSharedStrings(t *testing.T) {
	const n = 300_000 // strings of about 100 bytes: a 30 MB table
	var b strings.Builder
	b.WriteString(`<sst ` + nsMain + `>`)
	for i := range n {
		fmt.Fprintf(&b, `<si><t>%06d %s</t></si>`, i, strings.Repeat("x", 80))
	}
	b.WriteString(`</sst>`)
	table := part{"xl/sharedStrings.xml", b.String()}
	b.Reset()
	sstSize := uint64(len(table.body))

	for _, tt := range []struct {
		name string
		refs []int
		// What the read may allocate in all, and keep: far below the
		// table's size either way, since unneeded entries are skipped as
		// bytes.
		maxTotal, maxLive uint64
	}{
		{"needed strings near the start", []int{0, 1, 2, 5000}, sstSize / 20, sstSize / 100},
		{"needed string at the very end", []int{3, n - 1}, sstSize / 20, sstSize / 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rows strings.Builder
			for _, r := range tt.refs {
				fmt.Fprintf(&rows, `<row><c t="s"><v>%d</v></c></row>`, r)
			}
			zr := openZip(t, zipBytes(t, false, workbookParts("", []string{worksheet("", rows.String())}, table)...))
			live0, total0 := heapAfterGC()
			got, err := ReadXLSX(t.Context(), zr, testLimits)
			live1, total1 := heapAfterGC()
			runtime.KeepAlive(zr)
			require.NoError(t, err)
			for i, r := range tt.refs {
				require.Equal(t, fmt.Sprintf("%06d %s", r, strings.Repeat("x", 80)), got[0].Rows[i][0])
			}
			t.Logf("strings table %d bytes: allocated %d, kept %d", sstSize, total1-total0, int64(live1)-int64(live0))
			require.Less(t, total1-total0, tt.maxTotal)
			require.Less(t, int64(live1)-int64(live0), int64(tt.maxLive))
		})
	}
}

func TestReadXLSXMillionColumns(t *testing.T) {
	const cols = 1_000_000
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for range cols {
		b.WriteString(`<c><v>1</v></c>`)
	}
	b.WriteString(`</row><row r="2"><c r="A2" t="inlineStr"><is><t>after</t></is></c><c r="XFD2"><v>9</v></c></row>`)
	zr := openZip(t, zipBytes(t, false, workbookParts("", []string{worksheet("", b.String())})...))
	lim := limits(func(l *Limits) { l.MaxXMLBytes = 64 << 20 })

	_, total0 := heapAfterGC()
	start := time.Now()
	got, err := ReadXLSX(t.Context(), zr, lim)
	took := time.Since(start)
	_, total1 := heapAfterGC()
	require.NoError(t, err)
	require.Len(t, got[0].Rows, 2)
	require.Len(t, got[0].Rows[0], lim.MaxCols)
	require.Equal(t, []string{"after"}, got[0].Rows[1])
	t.Logf("%d-column row: allocated %d bytes in %v", cols, total1-total0, took)
	// A million cells would take at least 16 MB of string headers alone.
	require.Less(t, total1-total0, uint64(2<<20))
}

func TestDateFormat(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "mmm-yy": true, "mmmm": true, "d-mmm": true, `[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`: true,
		"yyyy-mm-dd hh:mm:ss": true, "General": false, "0.00": false, "[Red]0.00": false, `"days "0`: false,
		"h:mm": false, "[h]:mm:ss": false, "mm:ss": false, `#,##0\d`: false, "_(* #,##0_)": false, `"unterminated`: false,
	} {
		require.Equal(t, want, dateFormat(code), code)
	}
}
