package sheets

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// testLimits are the defaults of the research notes (§4.4), with fewer
// columns so that tests can reach the cap.
var testLimits = Limits{
	MaxSheets:    10,
	MaxRows:      500,
	MaxCols:      50,
	MaxCellBytes: 4096,
	MaxXMLBytes:  16 << 20,
	MaxSSTBytes:  64 << 20,
}

func limits(f func(*Limits)) Limits {
	l := testLimits
	f(&l)
	return l
}

type part struct{ name, body string }

// zipBytes builds a zip package. Stored entries get no CRC, which Go's zip
// reader then does not check: fuzzers can change their bytes freely.
func zipBytes(tb testing.TB, stored bool, parts ...part) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		var (
			fw  io.Writer
			err error
		)
		if stored {
			fw, err = zw.CreateRaw(&zip.FileHeader{
				Name: p.name, Method: zip.Store,
				CompressedSize64: uint64(len(p.body)), UncompressedSize64: uint64(len(p.body)),
			})
		} else {
			fw, err = zw.Create(p.name)
		}
		require.NoError(tb, err)
		_, err = io.WriteString(fw, p.body)
		require.NoError(tb, err)
	}
	require.NoError(tb, zw.Close())
	return buf.Bytes()
}

func openZip(tb testing.TB, b []byte) *zip.Reader {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(tb, err)
	return zr
}

// saveExcelize writes an excelize workbook to a temporary file and returns
// its bytes.
func saveExcelize(tb testing.TB, f *excelize.File) []byte {
	tb.Helper()
	name := filepath.Join(tb.TempDir(), "book.xlsx")
	require.NoError(tb, f.SaveAs(name))
	require.NoError(tb, f.Close())
	b, err := os.ReadFile(name)
	require.NoError(tb, err)
	return b
}

const nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// worksheet wraps rows in a worksheet part; head goes before <sheetData>.
func worksheet(head, rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + nsMain + `>` +
		head + `<sheetData>` + rows + `</sheetData></worksheet>`
}

// workbookParts is a minimal XLSX package: one worksheet part per sheet,
// named Sheet1, Sheet2…, plus extra parts such as strings and styles.
func workbookParts(wbPr string, sheets []string, extra ...part) []part {
	var wb, rels strings.Builder
	wb.WriteString(`<workbook ` + nsMain + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + wbPr + `<sheets>`)
	rels.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	parts := []part{}
	for i, s := range sheets {
		fmt.Fprintf(&wb, `<sheet name="Sheet%d" sheetId="%d" r:id="rId%d"/>`, i+1, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		parts = append(parts, part{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s})
	}
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
		`<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)
	return append(append([]part{{"xl/workbook.xml", wb.String()}, {"xl/_rels/workbook.xml.rels", rels.String()}}, parts...), extra...)
}

// sst is a shared-strings part holding the given <si> bodies.
func sst(items ...string) part {
	return part{"xl/sharedStrings.xml", `<sst ` + nsMain + `><si>` + strings.Join(items, `</si><si>`) + `</si></sst>`}
}

// styles is a styles part: custom formats (id→code) and the number format
// of each cell style.
func styles(custom map[int]string, xfs ...int) part {
	var b strings.Builder
	b.WriteString(`<styleSheet ` + nsMain + `><numFmts>`)
	for id, code := range custom {
		fmt.Fprintf(&b, `<numFmt numFmtId="%d" formatCode="%s"/>`, id, code)
	}
	b.WriteString(`</numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>`)
	for _, id := range xfs {
		fmt.Fprintf(&b, `<xf numFmtId="%d" xfId="0"/>`, id)
	}
	b.WriteString(`</cellXfs></styleSheet>`)
	return part{"xl/styles.xml", b.String()}
}

// heapAfterGC returns the live heap and the bytes allocated so far.
func heapAfterGC() (live, total uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.TotalAlloc
}

// checkBounds asserts what the limits promise, whatever the input.
func checkBounds(t *testing.T, sheets []Sheet, lim Limits) {
	t.Helper()
	require.LessOrEqual(t, len(sheets), max(lim.MaxSheets, 0))
	for _, s := range sheets {
		require.LessOrEqual(t, len(s.Rows), max(lim.MaxRows, 0))
		require.LessOrEqual(t, s.TotalRows, maxSheetRows)
		filled := 0
		for _, r := range s.Rows {
			require.LessOrEqual(t, len(r), max(lim.MaxCols, 0))
			if len(r) > 0 {
				filled++
			}
			for _, c := range r {
				require.LessOrEqual(t, len(c), max(lim.MaxCellBytes, 0))
				require.True(t, utf8.ValidString(c))
			}
		}
		require.GreaterOrEqual(t, s.TotalRows, filled)
	}
}
