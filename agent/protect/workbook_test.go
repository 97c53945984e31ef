package protect

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func TestColumnName(t *testing.T) {
	t.Parallel()
	for c, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", maxSheetCols - 1: "XFD"} {
		require.Equal(t, want, columnName(c), "column %d", c)
	}
}

func TestAppendXString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"<a & b>", "&lt;a &amp; b&gt;"},
		{`say "hi"`, "say &quot;hi&quot;"},
		{"tab\tnew\nline", "tab\tnew\nline"},
		{"cr\r\nlf", "cr&#13;\nlf"},
		{"bell\x07", "bell_x0007_"},
		{"_x0041_", "_x005F_x0041_"},
		{"_x004_ _xZZZZ_ a_b", "_x004_ _xZZZZ_ a_b"},
		{"_xABCD\x0e", "_x005F_xABCD_x000E_"},
		{"_X0041_", "_x005F_X0041_"},
		{"Siân, Llŷr, Ffion 🙂", "Siân, Llŷr, Ffion 🙂"},
		{"\uFFFE", "_xFFFE_"},
	} {
		require.Equal(t, tc.want, string(appendXString(nil, tc.in)), "%q", tc.in)
	}
}

func TestSheetName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		taken []string
		want  string
	}{
		{"Members", nil, "Members"},
		{"a/b:c*d?e[f]g\\h", nil, "a_b_c_d_e_f_g_h"},
		{"'quoted'", nil, "quoted"},
		{"", []string{"x"}, "Sheet2"},
		{"history", nil, "history_"},
		{strings.Repeat("ŷ", 40), nil, strings.Repeat("ŷ", 31)},
		{"Members", []string{"members"}, "Members (2)"},
		{strings.Repeat("a", 31), []string{strings.Repeat("a", 31)}, strings.Repeat("a", 27) + " (2)"},
	} {
		require.Equal(t, tc.want, sheetName(tc.in, tc.taken), "%q", tc.in)
	}
}

// The package is a workbook excelize reads: sheets, cell places, text
// kept as text with the Text format.
func TestWorkbookWriter(t *testing.T) {
	t.Parallel()
	w := newWorkbookWriter(DefaultLimits())
	require.NoError(t, w.startSheet("Members"))
	require.NoError(t, w.writeRow(0, []string{"id", "phone", "", "note"}))
	require.NoError(t, w.writeRow(2, []string{"007", "07700 900123", "", "=1+1", "", ""}))
	require.NoError(t, w.writeRow(3, []string{"", ""}))
	require.Error(t, w.writeRow(1, []string{"late"}), "rows go forwards")
	require.NoError(t, w.startSheet("Members"))
	require.NoError(t, w.writeRow(0, []string{"1e5", "TRUE", "01/02/2024"}))
	pkg, err := w.finish()
	require.NoError(t, err)
	require.Equal(t, int64(3), w.rows)
	require.Equal(t, int64(9), w.cells)

	f, err := excelize.OpenReader(bytes.NewReader(pkg))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, []string{"Members", "Members (2)"}, f.GetSheetList())
	rows, err := f.GetRows("Members")
	require.NoError(t, err)
	require.Equal(t, [][]string{{"id", "phone", "", "note"}, nil, {"007", "07700 900123", "", "=1+1"}}, rows)
	typ, err := f.GetCellType("Members (2)", "A1")
	require.NoError(t, err)
	require.Equal(t, excelize.CellTypeInlineString, typ)
	formula, err := f.GetCellFormula("Members", "D3")
	require.NoError(t, err)
	require.Empty(t, formula, "text that looks like a formula stays text")
	style, err := f.GetCellStyle("Members", "A3")
	require.NoError(t, err)
	s, err := f.GetStyle(style)
	require.NoError(t, err)
	require.Equal(t, 49, s.NumFmt, "Text format")

	// The first part is a sheet; content types come last and name them all.
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	require.NoError(t, err)
	rc, err := zr.Open("[Content_Types].xml")
	require.NoError(t, err)
	types, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Contains(t, string(types), `/xl/worksheets/sheet2.xml`)
}

func TestWorkbookWriterLimits(t *testing.T) {
	t.Parallel()
	lim := DefaultLimits()
	lim.MaxCells = 3
	for _, tc := range []struct {
		name string
		row  int
		cell []string
	}{
		{"rows", maxSheetRows, []string{"x"}},
		{"columns", 0, make([]string, maxSheetCols+1)},
		{"cell", 0, []string{strings.Repeat("ŷ", maxCellChars+1)}},
		{"cells", 0, []string{"a", "b", "c", "d"}},
	} {
		w := newWorkbookWriter(lim)
		require.NoError(t, w.startSheet("s"))
		if tc.name == "columns" {
			tc.cell[maxSheetCols] = "x"
		}
		require.ErrorIs(t, w.writeRow(tc.row, tc.cell), ErrTooLarge, tc.name)
	}
	// The largest cell there may be is fine; an emoji counts twice.
	w := newWorkbookWriter(DefaultLimits())
	require.NoError(t, w.startSheet("s"))
	require.NoError(t, w.writeRow(0, []string{strings.Repeat("ŷ", maxCellChars)}))
	require.ErrorIs(t, w.writeRow(1, []string{strings.Repeat("🙂", maxCellChars/2+1)}), ErrTooLarge)
}
