package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// fuzzLimits are small so that the fuzzer meets every limit often.
var fuzzLimits = Limits{MaxSheets: 3, MaxRows: 20, MaxCols: 8, MaxCellBytes: 64, MaxXMLBytes: 1 << 20, MaxSSTBytes: 1 << 20}

// restored repacks the workbook parts of a zip as stored, CRC-less
// entries, so that mutated bytes reach the XML readers instead of failing
// decompression. Themes and properties are left out: smaller inputs
// minimise faster.
func restored(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var parts []part
	for _, f := range openZip(tb, b).File {
		if !strings.HasPrefix(f.Name, "xl/") || strings.HasPrefix(f.Name, "xl/theme/") {
			continue
		}
		rc, err := f.Open()
		require.NoError(tb, err)
		body, err := io.ReadAll(rc)
		require.NoError(tb, err)
		require.NoError(tb, rc.Close())
		parts = append(parts, part{f.Name, string(body)})
	}
	return zipBytes(tb, true, parts...)
}

// checkErr asserts that a failed read failed for a documented reason.
func checkErr(t *testing.T, sheets []Sheet, err error) {
	t.Helper()
	require.Nil(t, sheets)
	require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrLimit), "unexpected error: %v", err)
}

// FuzzReadXLSX reads its input as an XLSX package. Run it with
// -fuzzminimizetime=100x: fuzzing instruments every package in the binary,
// excelize included, and the default minute spent minimising each new
// input then stalls the run.
func FuzzReadXLSX(f *testing.F) {
	x := excelize.NewFile()
	require.NoError(f, x.SetSheetRow("Sheet1", "A1", &[]any{"Name", "Email", "DOB", "Member"}))
	require.NoError(f, x.SetSheetRow("Sheet1", "A2", &[]any{"Ann", "ann@example.org", time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC), true}))
	require.NoError(f, x.SetCellRichText("Sheet1", "B4", []excelize.RichTextRun{{Text: "rich"}, {Text: " text"}}))
	f.Add(restored(f, saveExcelize(f, x)))
	f.Add(zipBytes(f, true, workbookParts(`<workbookPr date1904="1"/>`, []string{
		worksheet(`<dimension ref="A1:C3"/>`, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="1"><v>45000</v></c></row>`+
			`<row r="3"><c r="A3" t="inlineStr"><is><r><t>in</t></r><rPh><t>x</t></rPh></is></c><c t="b"><v>1</v></c><c t="d"><v>2024-01-02</v></c></row>`),
		`<x:worksheet xmlns:x="x"><x:sheetData>` + rowsXML("x:", 1, 30) + `</x:sheetData></x:worksheet>`,
	}, sst(`<t>one</t>`, `<r><t>two</t></r>`), styles(map[int]string{164: "dd/mm/yy"}, 0, 164))...))
	f.Add(zipBytes(f, true, part{"xl/worksheets/sheet1.xml", worksheet("", rowsXML("", 1, 25))}))

	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		sheets, err := ReadXLSX(t.Context(), zr, fuzzLimits)
		if err != nil {
			checkErr(t, sheets, err)
			return
		}
		checkBounds(t, sheets, fuzzLimits)
	})
}

// FuzzReadODS reads its input as an ODS package or, when it is not a zip,
// as a flat ODS document.
func FuzzReadODS(f *testing.F) {
	rows := append(dataRows(25), odsPadding)
	tables := []string{
		odsTable("People", odsRow(
			`<table:table-cell office:value-type="string" table:number-columns-repeated="3"><text:p>a<text:s text:c="2"/><text:span>b</text:span></text:p><text:p>c</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="date" office:date-value="1980-05-17"><text:p>x</text:p></table:table-cell>`,
			`<table:covered-table-cell table:number-columns-repeated="16384"/>`),
			`<table:table-row table:number-rows-repeated="4">`+odsStr("rep")+`</table:table-row>`, odsPadding),
		odsTable("Long", rows...),
	}
	f.Add(zipBytes(f, true, odsPackage(odsContent(tables...))...))
	f.Add(zipBytes(f, true, part{"encrypted-package", "x"}, part{"META-INF/manifest.xml", manifest(encryptionData)}))
	f.Add([]byte(flatODS(tables...)))

	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			sheets []Sheet
			err    error
		)
		if zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data))); zerr == nil {
			_, _ = ODSEncrypted(zr)
			_ = ODFMimetype(zr)
			sheets, err = ReadODS(t.Context(), zr, fuzzLimits)
		} else {
			sheets, err = ReadFODS(t.Context(), bytes.NewReader(data), fuzzLimits)
		}
		if err != nil {
			checkErr(t, sheets, err)
			return
		}
		checkBounds(t, sheets, fuzzLimits)
	})
}
