package protect

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"dataward/policy/classify"
)

// memberRows are the cells of the CSV cases: leading zeros, Welsh names,
// and text that a spreadsheet would happily turn into a number, a date, a
// boolean or a formula.
var memberRows = [][]string{
	{"Elector number", "Name", "Phone", "Joined", "Note"},
	{"00123", "Siân Jones", "07700 900123", "01/03/2024", "=SUM(A1:A3)"},
	{"00124", "Llŷr Evans", "+44 1632 960001", "2024-03-15", "1e5"},
	{"00125", "Dafydd ap Gruffydd", "0044 29 2018 0000", "1-2", "TRUE"},
	{"000000000000000000001", "  Ffion  ", "01632960002", "12:30", "-0"},
}

// cp1252Rows are cells that Windows-1252, the encoding of council
// register exports, can hold.
var cp1252Rows = [][]string{
	{"Elector number", "Name", "Dues", "Note"},
	{"00123", "Siân Jones", "£5", "café – “quoted”"},
	{"00124", "Zoë Ó Ceallaigh", "€7", "naïve"},
}

func csvText(rows [][]string, sep string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, sep))
		b.WriteString("\r\n")
	}
	return b.String()
}

func encodeWith(t *testing.T, enc interface{ Bytes([]byte) ([]byte, error) }, s string) []byte {
	t.Helper()
	b, err := enc.Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

// sheetRows is what excelize reads from the decrypted workbook, with empty
// rows as empty slices.
type sheetRows map[string][][]string

func readWorkbook(t *testing.T, path, password string) (sheetRows, []byte) {
	t.Helper()
	file, err := os.ReadFile(path)
	require.NoError(t, err)
	pkg, err := decryptAgile(t, file, password)
	require.NoError(t, err)
	f, err := excelize.OpenReader(bytes.NewReader(pkg))
	require.NoError(t, err)
	defer f.Close()
	out := sheetRows{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		require.NoError(t, err)
		out[name] = normRows(rows)
	}
	return out, pkg
}

func normRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string{}, r...)
	}
	return out
}

// checkOutput checks what every output must be: where Result says, with
// the size and hash it says, readable by its owner only, and encrypted in
// the classifier's eyes.
func checkOutput(t *testing.T, res Result) []byte {
	t.Helper()
	b, err := os.ReadFile(res.Path)
	require.NoError(t, err)
	require.Equal(t, int64(len(b)), res.Size)
	sum := sha256.Sum256(b)
	require.Equal(t, hex.EncodeToString(sum[:]), res.SHA256)
	if runtime.GOOS != "windows" {
		info, err := os.Stat(res.Path)
		require.NoError(t, err)
		require.Equal(t, fileMode, info.Mode().Perm())
	}
	opt := classify.DefaultOptions()
	opt.Now = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	verdict := classify.Classify(t.Context(), bytes.NewReader(b), int64(len(b)), opt)
	require.Equal(t, classify.Encrypted, verdict.Verdict, "classify: %+v", verdict)
	require.NotContains(t, string(b), res.Passphrase)
	return b
}

// onlyFiles asserts that dir holds exactly names: no temporary file, no
// partial output.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	require.ElementsMatch(t, names, got)
}

func writeXLSX(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", "Register"))
	require.NoError(t, f.SetSheetRow("Register", "A1", &[]any{"Elector number", "Name", "Age", "Registered"}))
	require.NoError(t, f.SetSheetRow("Register", "A2", &[]any{"00123", "Siân Jones", 42, "2024-03-01"}))
	require.NoError(t, f.SetSheetRow("Register", "A3", &[]any{"00124", "Llŷr Evans", 37.5, true}))
	_, err := f.NewSheet("Second")
	require.NoError(t, err)
	require.NoError(t, f.SetCellValue("Second", "B2", "0800 123 4567"))
	// excelize saves only under a spreadsheet's extension.
	require.NoError(t, f.SaveAs(path+".xlsx"))
	require.NoError(t, os.Rename(path+".xlsx", path))
}

const fodsText = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet><table:table table:name="List">
<table:table-column table:number-columns-repeated="1024"/>
<table:table-header-rows><table:table-row><table:table-cell office:value-type="string"><text:p>0123</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x<text:s text:c="2"/>y</text:p></table:table-cell></table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="5"/><table:table-cell/><table:table-cell office:value-type="string"><text:p>a</text:p><text:p><text:span>b</text:span><text:tab/>c</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document>
`

// Protect picks the form from the content and keeps every cell as the
// text it was; every output is encrypted to the classifier.
func TestProtect(t *testing.T) {
	t.Parallel()
	odsFixture, err := os.ReadFile(filepath.Join("testdata", "members.ods"))
	require.NoError(t, err)
	utf16 := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	members := csvText(memberRows, ",")
	docx := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, n := range []string{"[Content_Types].xml", "word/document.xml"} {
			w, err := zw.Create(n)
			require.NoError(t, err)
			w.Write([]byte("<x/>"))
		}
		require.NoError(t, zw.Close())
		return b.Bytes()
	}()

	for _, tc := range []struct {
		name   string
		file   string
		data   []byte // nil: made by make
		make   func(t *testing.T, path string)
		kind   Kind
		format string
		rows   sheetRows // expected cells of a workbook
	}{
		{name: "utf-8 csv", file: "members.csv", data: []byte(members), kind: Workbook, format: "csv", rows: sheetRows{"members": memberRows}},
		{name: "csv with a BOM", file: "members.csv", data: append([]byte("\xEF\xBB\xBF"), members...), kind: Workbook, format: "csv", rows: sheetRows{"members": memberRows}},
		{name: "windows-1252 csv", file: "members.csv", data: encodeWith(t, charmap.Windows1252.NewEncoder(), csvText(cp1252Rows, ",")),
			kind: Workbook, format: "csv", rows: sheetRows{"members": cp1252Rows}},
		{name: "utf-16 csv", file: "members.csv", data: encodeWith(t, utf16, members), kind: Workbook, format: "csv", rows: sheetRows{"members": memberRows}},
		{name: "tsv", file: "members.tsv", data: []byte(csvText(memberRows, "\t")), kind: Workbook, format: "tsv", rows: sheetRows{"members": memberRows}},
		{name: "semicolons", file: "members.csv", data: []byte(csvText(memberRows, ";")), kind: Workbook, format: "csv", rows: sheetRows{"members": memberRows}},
		{name: "tab-separated txt", file: "export.txt", data: []byte(csvText(memberRows, "\t")), kind: Workbook, format: "tsv", rows: sheetRows{"export": memberRows}},
		{name: "one column", file: "phones.csv", data: []byte("07700 900123\n07700 900124\n"), kind: Workbook, format: "csv",
			rows: sheetRows{"phones": {{"07700 900123"}, {"07700 900124"}}}},
		{name: "quotes and blank lines", file: "notes.csv", data: []byte("a,b\n\n\"line one\r\nline two\",\"say \"\"hi\"\"\"\n,\n\nz,\n"), kind: Workbook, format: "csv",
			rows: sheetRows{"notes": {{"a", "b"}, {}, {"line one\nline two", `say "hi"`}, {}, {}, {"z"}}}},
		{name: "xlsx", file: "register.xlsx", make: writeXLSX, kind: Workbook, format: "xlsx", rows: sheetRows{
			"Register": {{"Elector number", "Name", "Age", "Registered"}, {"00123", "Siân Jones", "42", "2024-03-01"}, {"00124", "Llŷr Evans", "37.5", "TRUE"}},
			"Second":   {{}, {"", "0800 123 4567"}},
		}},
		{name: "xlsx named csv", file: "register.csv", make: writeXLSX, kind: Workbook, format: "xlsx"},
		{name: "ods", file: "members.ods", data: odsFixture, kind: Workbook, format: "ods", rows: sheetRows{
			"Members": {
				{"Elector number", "Name", "Phone", "Joined", "Dues", "Share"},
				{"00123", "Siân Jones", "07700 900123", "01/03/2024", "£12.50", "12.5%", "", "  spaced  out  "},
				{"00124", "Llŷr Evans", "01632 960001", "15/03/2023", "£1,234.50", "100.0%"},
				{},
				{"00125", "Dafydd ap Gruffydd", "moved away"},
			},
			"Notes": {{"line one\nline two"}, {}, {"", "=not a formula"}, {}, {}, {"2"}},
		}},
		{name: "fods", file: "list.fods", data: []byte(fodsText), kind: Workbook, format: "fods", rows: sheetRows{
			"List": {{"0123", "x  y", "x  y"}, {"5", "", "a\nb\tc"}, {"5", "", "a\nb\tc"}},
		}},
		{name: "pdf", file: "letter.pdf", data: []byte("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"), kind: Archive, format: "file"},
		{name: "prose txt", file: "letter.txt", data: []byte("Dear Siân,\nThank you for your letter.\nYours, Llŷr\n"), kind: Archive, format: "file"},
		{name: "json with commas", file: "export.json", data: []byte(`[{"a":1,"b":2},` + "\n" + `{"a":3,"b":4}]` + "\n"), kind: Archive, format: "file"},
		{name: "docx", file: "minutes.docx", data: docx, kind: Archive, format: "file"},
		{name: "empty", file: "empty.csv", data: []byte{}, kind: Archive, format: "file"},
		{name: "binary csv", file: "odd.csv", data: []byte("\x00\x01\x02\x03\x04\x05\x06\x07"), kind: Archive, format: "file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := filepath.Join(dir, tc.file)
			if tc.make != nil {
				tc.make(t, in)
			} else {
				require.NoError(t, os.WriteFile(in, tc.data, 0o644))
			}
			src, err := os.ReadFile(in)
			require.NoError(t, err)

			res, err := Protect(t.Context(), in, Options{})
			require.NoError(t, err)
			require.Equal(t, tc.kind, res.Kind)
			require.Equal(t, tc.format, res.Format)
			require.Equal(t, in, res.Source)
			stem := strings.TrimSuffix(tc.file, filepath.Ext(tc.file))
			require.Equal(t, filepath.Join(dir, stem+".protected."+string(tc.kind)), res.Path)
			onlyFiles(t, dir, tc.file, filepath.Base(res.Path))
			checkOutput(t, res)

			if tc.kind == Archive {
				b, err := os.ReadFile(res.Path)
				require.NoError(t, err)
				f, got, err := openAE2(t, b, res.Passphrase)
				require.NoError(t, err)
				require.Equal(t, tc.file, f.Name)
				require.True(t, bytes.Equal(src, got), "the file travels unchanged")
				return
			}
			rows, pkg := readWorkbook(t, res.Path, res.Passphrase)
			if tc.format == "xlsx" {
				require.Equal(t, src, pkg, "an xlsx is encrypted as it is")
			} else {
				require.Equal(t, len(rows), res.Sheets)
			}
			if tc.rows != nil {
				want := sheetRows{}
				for k, v := range tc.rows {
					want[k] = normRows(v)
				}
				require.Equal(t, want, rows)
			}
		})
	}
}

// An existing file is never overwritten: an Out that exists is refused
// before any work, and the default name moves on to a numbered one.
func TestProtectNeverOverwrites(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "members.csv")
	require.NoError(t, os.WriteFile(in, []byte(csvText(memberRows, ",")), 0o644))
	taken := filepath.Join(dir, "taken.xlsx")
	require.NoError(t, os.WriteFile(taken, []byte("precious"), 0o644))

	_, err := Protect(t.Context(), in, Options{Out: taken})
	require.ErrorIs(t, err, ErrExists)
	b, err := os.ReadFile(taken)
	require.NoError(t, err)
	require.Equal(t, "precious", string(b))
	_, err = Protect(t.Context(), in, Options{Out: in + ".zip"})
	require.NoError(t, err)
	_, err = Protect(t.Context(), in, Options{Out: in + ".zip"})
	require.ErrorIs(t, err, ErrExists)

	first := filepath.Join(dir, "members.protected.xlsx")
	require.NoError(t, os.WriteFile(first, []byte("precious"), 0o644))
	var paths []string
	var passphrases = map[string]bool{}
	for range 2 {
		res, err := Protect(t.Context(), in, Options{})
		require.NoError(t, err)
		paths = append(paths, filepath.Base(res.Path))
		require.False(t, passphrases[res.Passphrase], "a fresh passphrase every time")
		passphrases[res.Passphrase] = true
	}
	require.Equal(t, []string{"members.protected-2.xlsx", "members.protected-3.xlsx"}, paths)
	b, err = os.ReadFile(first)
	require.NoError(t, err)
	require.Equal(t, "precious", string(b))
	onlyFiles(t, dir, "members.csv", "taken.xlsx", "members.csv.zip", "members.protected.xlsx", "members.protected-2.xlsx", "members.protected-3.xlsx")

	// renameNoReplace itself refuses an existing name.
	require.ErrorIs(t, renameNoReplace(filepath.Join(dir, "members.protected-2.xlsx"), first), os.ErrExist)
}

func TestProtectChoices(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvIn := filepath.Join(dir, "members.csv")
	require.NoError(t, os.WriteFile(csvIn, []byte(csvText(memberRows, ",")), 0o644))
	pdfIn := filepath.Join(dir, "letter.pdf")
	require.NoError(t, os.WriteFile(pdfIn, []byte("%PDF-1.7\n"), 0o644))

	for _, tc := range []struct {
		name string
		in   string
		opts Options
		kind Kind
		err  error
	}{
		{"out .zip makes an archive", csvIn, Options{Out: filepath.Join(dir, "a.zip")}, Archive, nil},
		{"kind archive", csvIn, Options{Kind: Archive, Out: filepath.Join(dir, "b.zip")}, Archive, nil},
		{"out .xlsx", csvIn, Options{Out: filepath.Join(dir, "c.XLSX")}, Workbook, nil},
		{"other extension", csvIn, Options{Out: filepath.Join(dir, "d.pdf")}, "", ErrOutName},
		{"no extension", csvIn, Options{Out: filepath.Join(dir, "e")}, "", ErrOutName},
		{"kind and extension disagree", csvIn, Options{Kind: Workbook, Out: filepath.Join(dir, "f.zip")}, "", ErrOutName},
		{"a pdf as a workbook", pdfIn, Options{Out: filepath.Join(dir, "g.xlsx")}, "", ErrNotSpreadsheet},
		{"a pdf, kind workbook", pdfIn, Options{Kind: Workbook}, "", ErrNotSpreadsheet},
		{"a folder", dir, Options{}, "", ErrNotRegular},
	} {
		res, err := Protect(t.Context(), tc.in, tc.opts)
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.kind, res.Kind, tc.name)
		require.Equal(t, tc.opts.Out, res.Path, tc.name)
		checkOutput(t, res)
	}
	onlyFiles(t, dir, "members.csv", "letter.pdf", "a.zip", "b.zip", "c.XLSX")
}

func TestProtectLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "members.csv")
	require.NoError(t, os.WriteFile(in, []byte(csvText(memberRows, ",")), 0o644))
	small := DefaultLimits()
	small.MaxSheetBytes = 100

	// Too large to convert: the spreadsheet goes into a zip, and says so.
	res, err := Protect(t.Context(), in, Options{Limits: small})
	require.NoError(t, err)
	require.Equal(t, Archive, res.Kind)
	require.Contains(t, res.Note, "larger than")
	checkOutput(t, res)
	require.NoError(t, os.Remove(res.Path))

	_, err = Protect(t.Context(), in, Options{Limits: small, Kind: Workbook})
	require.ErrorIs(t, err, ErrTooLarge)

	// More than a sheet holds: the same.
	long := filepath.Join(dir, "long.csv")
	require.NoError(t, os.WriteFile(long, []byte("a,"+strings.Repeat("y", maxCellChars+1)+"\n"), 0o644))
	res, err = Protect(t.Context(), long, Options{})
	require.NoError(t, err)
	require.Equal(t, Archive, res.Kind)
	require.Contains(t, res.Note, "characters")
	require.Zero(t, res.Rows)
	b := checkOutput(t, res)
	_, got, err := openAE2(t, b, res.Passphrase)
	require.NoError(t, err)
	require.Len(t, got, maxCellChars+4)
	require.NoError(t, os.Remove(res.Path))
	require.NoError(t, os.Remove(long))
	_, err = Protect(t.Context(), long, Options{Kind: Workbook})
	require.Error(t, err)

	small = DefaultLimits()
	small.MaxFileBytes = 100
	_, err = Protect(t.Context(), in, Options{Limits: small, Kind: Archive})
	require.ErrorIs(t, err, ErrTooLarge)

	small = DefaultLimits()
	small.MaxXMLBytes = 1000
	ods := filepath.Join(dir, "members.ods")
	b, err = os.ReadFile(filepath.Join("testdata", "members.ods"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(ods, b, 0o644))
	_, err = Protect(t.Context(), ods, Options{Limits: small, Kind: Workbook})
	require.ErrorIs(t, err, ErrTooLarge)
	onlyFiles(t, dir, "members.csv", "members.ods")
	res, err = Protect(t.Context(), ods, Options{Limits: small})
	require.NoError(t, err)
	require.Equal(t, Archive, res.Kind)
	require.Contains(t, res.Note, "MiB")
}

// countdownCtx is a context whose Err turns to Canceled after n calls: a
// cancellation in the middle of the work, at a known point.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// On any error, cancellation and limits included, nothing is left behind:
// no output, no temporary file.
func TestProtectLeavesNothingOnError(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	for i := range 60000 {
		sb.WriteString("0" + strings.Repeat("7", i%9) + ",Siân Jones,07700 900123\n")
	}
	big := sb.String()
	run := func(t *testing.T, name, data string, opts Options, calls int64, want error) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := filepath.Join(dir, "a.csv")
			require.NoError(t, os.WriteFile(in, []byte(data), 0o644))
			var ctx context.Context = t.Context()
			if calls >= 0 {
				c := &countdownCtx{Context: t.Context()}
				c.n.Store(calls)
				ctx = c
			}
			_, err := Protect(ctx, in, opts)
			require.ErrorIs(t, err, want)
			onlyFiles(t, dir, "a.csv")
		})
	}
	many := DefaultLimits()
	many.MaxCells = 1000
	run(t, "too many cells", big, Options{Limits: many, Kind: Workbook}, -1, ErrTooLarge)
	run(t, "a cell too long", big+"x,"+strings.Repeat("y", maxCellChars+1)+"\n", Options{Kind: Workbook}, -1, ErrTooLarge)

	// Cancellation at the first, second, middle and last two checks of
	// the context, for each kind: the number of checks comes from a run
	// that is never cancelled.
	for _, kind := range []Kind{Workbook, Archive} {
		const lots = 1 << 40
		c := &countdownCtx{Context: t.Context()}
		c.n.Store(lots)
		in := filepath.Join(t.TempDir(), "a.csv")
		require.NoError(t, os.WriteFile(in, []byte(big), 0o644))
		_, err := Protect(c, in, Options{Kind: kind})
		require.NoError(t, err)
		n := lots - c.n.Load()
		require.Greater(t, n, int64(4))
		for _, k := range []int64{0, 1, n / 2, n - 2, n - 1} {
			run(t, fmt.Sprintf("%s cancelled at check %d of %d", kind, k+1, n), big, Options{Kind: kind}, k, context.Canceled)
		}
	}
}

func TestInstructions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		res      Result
		programs []string
	}{
		{Result{Path: "/home/sian/members.protected.xlsx", Source: "/home/sian/members.csv", Kind: Workbook, Passphrase: "one-two-three-four-five-six"},
			[]string{"Microsoft Excel", "LibreOffice"}},
		{Result{Path: `C:\Users\llyr\minutes.protected.zip`, Source: `C:\Users\llyr\minutes.docx`, Kind: Archive, Passphrase: "one-two-three-four-five-six"},
			[]string{"7-Zip", "Windows", "Keka", "The Unarchiver", "Mac"}},
	} {
		m := Instructions(tc.res)
		for _, p := range tc.programs {
			require.Contains(t, m.Email, p)
		}
		require.Contains(t, m.Email, filepath.Base(tc.res.Path))
		require.Contains(t, m.Email, "by text message or by phone")
		require.Contains(t, m.Email, "not come by e-mail")
		require.Contains(t, m.Email, "Download – Use – Delete")
		require.Contains(t, m.Reminder, "Download – Use – Delete")
		require.Contains(t, m.Reminder, "never in the same message")
		require.Contains(t, m.Reminder, filepath.Base(tc.res.Source))
		for _, text := range []string{m.Email, m.Reminder} {
			require.NotContains(t, text, tc.res.Passphrase)
			require.NotContains(t, text, "one-two")
		}
	}
}
