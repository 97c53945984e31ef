package protect

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// The round trips through independent clients: 7-Zip for the zips,
// LibreOffice (through its UNO bridge) for the workbooks, msoffcrypto-tool
// for the workbooks' data integrity HMAC. They skip with the reason when a
// tool is missing, unless DATAWARD_REQUIRE_TOOLS=1, which CI sets after
// installing the Debian packages below; then they fail instead.

const toolPackages = "7zip libreoffice-calc-nogui python3-uno python3-msoffcrypto-tool"

// unoPython is the interpreter that has LibreOffice's UNO bridge: Debian's
// python3-uno installs it for the system Python only.
const unoPython = "/usr/bin/python3"

func needTool(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("DATAWARD_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is required (DATAWARD_REQUIRE_TOOLS=1): %v", what, err)
	}
	t.Skipf("%s not available (%v); on Debian: apt-get install -y %s", what, err, toolPackages)
}

func sevenZip(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("7zz")
	needTool(t, "7zz (Debian package 7zip)", err)
	return p
}

// pythonWith checks that unoPython can import modules.
func pythonWith(t *testing.T, what string, modules ...string) {
	t.Helper()
	_, err := os.Stat(unoPython)
	if err == nil {
		var out []byte
		out, err = exec.CommandContext(t.Context(), unoPython, "-c", "import "+strings.Join(modules, ", ")).CombinedOutput()
		if err != nil {
			err = &exec.Error{Name: unoPython + " -c 'import " + strings.Join(modules, ", ") + "'", Err: errString(strings.TrimSpace(string(out)))}
		}
	}
	needTool(t, what, err)
}

type errString string

func (e errString) Error() string { return string(e) }

// 7-Zip extracts exactly the file from the zip with the passphrase, and
// nothing without it.
func TestSevenZipRoundTrip(t *testing.T) {
	t.Parallel()
	zz := sevenZip(t)
	random := make([]byte, 1<<20)
	_, err := rand.Read(random)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		data []byte
		opts Options
	}{
		{"random.bin", random, Options{}},
		{"empty.dat", nil, Options{}},
		{"Siân's list (Llŷr) – draft.pdf", []byte("%PDF-1.7\n" + strings.Repeat("Siân Jones, 07700 900123\n", 4000)), Options{}},
		{"members.csv", []byte(csvText(memberRows, ",")), Options{Kind: Archive}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in := filepath.Join(dir, tc.name)
			require.NoError(t, os.WriteFile(in, tc.data, 0o644))
			res, err := Protect(t.Context(), in, tc.opts)
			require.NoError(t, err)
			require.Equal(t, Archive, res.Kind)

			list, err := exec.CommandContext(t.Context(), zz, "l", "-slt", "-p"+res.Passphrase, res.Path).CombinedOutput()
			require.NoError(t, err, "%s", list)
			require.Contains(t, string(list), "Path = "+tc.name)
			require.Contains(t, string(list), "Encrypted = +")
			require.Contains(t, string(list), "Method = AES-256 Deflate")

			out := filepath.Join(dir, "out")
			b, err := exec.CommandContext(t.Context(), zz, "x", "-y", "-p"+res.Passphrase, "-o"+out, res.Path).CombinedOutput()
			require.NoError(t, err, "%s", b)
			got, err := os.ReadFile(filepath.Join(out, tc.name))
			require.NoError(t, err)
			require.True(t, bytes.Equal(tc.data, got), "extracted content differs")

			wrong := filepath.Join(dir, "wrong")
			b, err = exec.CommandContext(t.Context(), zz, "x", "-y", "-pnot-the-passphrase", "-o"+wrong, res.Path).CombinedOutput()
			require.Error(t, err, "%s", b)
			require.Contains(t, string(b), "Wrong password")
			if got, err := os.ReadFile(filepath.Join(wrong, tc.name)); err == nil && len(tc.data) > 0 {
				require.NotEqual(t, tc.data, got)
			}
		})
	}
}

// calcResult is one answer of testdata/readcells.py.
type calcResult struct {
	Filter string `json:"filter"`
	Sheets []struct {
		Name string  `json:"name"`
		Rows [][]any `json:"rows"`
	} `json:"sheets"`
	Error string `json:"error"`
}

type calcJob struct {
	Path     string  `json:"path"`
	Password *string `json:"password"`
	Display  bool    `json:"display"`
}

// readInCalc opens files in one headless LibreOffice and returns what it
// read from each.
func readInCalc(t *testing.T, jobs []calcJob) []calcResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	in, err := json.Marshal(jobs)
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, unoPython, filepath.Join("testdata", "readcells.py"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "readcells.py: %s", stderr.String())
	var res []calcResult
	require.NoError(t, json.Unmarshal(out, &res))
	require.Len(t, res, len(jobs))
	return res
}

// rect is rows as Calc returns a sheet's used area: a rectangle, with
// empty cells as "".
func rect(rows [][]string) [][]any {
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, width)
		for j := range out[i] {
			out[i][j] = ""
			if j < len(r) {
				out[i][j] = r[j]
			}
		}
	}
	return out
}

// LibreOffice opens every encrypted workbook with the passphrase, as an
// Excel 2007 XML workbook, and reads back every cell as text exactly as it
// was; it refuses to open them without the passphrase or with a wrong one.
func TestLibreOfficeRoundTrip(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("soffice"); err != nil {
		needTool(t, "soffice (Debian package libreoffice-calc-nogui)", err)
	}
	pythonWith(t, unoPython+" with the UNO bridge (Debian package python3-uno)", "uno")
	start := time.Now()
	dir := t.TempDir()

	odsFixture, err := os.ReadFile(filepath.Join("testdata", "members.ods"))
	require.NoError(t, err)

	type source struct {
		name string
		data []byte
		make func(t *testing.T, path string)
		want [][]any // the cells of the one sheet; nil: as Calc reads the source
	}
	sources := []source{
		{name: "members.csv", data: []byte(csvText(memberRows, ",")), want: rect(memberRows)},
		{name: "cp1252.csv", data: encodeWith(t, charmap.Windows1252.NewEncoder(), csvText(cp1252Rows, ",")), want: rect(cp1252Rows)},
		{name: "tricky.csv", data: []byte("a,_x0041_,bell\x07,\"cr\rlf\",<&>\n,\n\n0,\"two\nlines\"\n_X0041_,_xABCD\x0e\n" + strings.Repeat("0,1\n", 200)),
			want: rect(append([][]string{{"a", "_x0041_", "bell\x07", "cr\rlf", "<&>"}, {}, {}, {"0", "two\nlines"}, {"_X0041_", "_xABCD\x0e"}},
				slices.Repeat([][]string{{"0", "1"}}, 200)...))},
		{name: "register.xlsx", make: writeXLSX},
		{name: "big.xlsx", make: writeBigXLSX},
		{name: "members.ods", data: odsFixture},
	}
	var jobs []calcJob
	type check struct {
		src   source
		res   Result
		first int // index of its first job
	}
	var checks []check
	wrong, none := "wrong-passphrase", (*string)(nil)
	for _, s := range sources {
		in := filepath.Join(dir, s.name)
		if s.make != nil {
			s.make(t, in)
		} else {
			require.NoError(t, os.WriteFile(in, s.data, 0o644))
		}
		res, err := Protect(t.Context(), in, Options{})
		require.NoError(t, err)
		require.Equal(t, Workbook, res.Kind, s.name)
		pass := res.Passphrase
		checks = append(checks, check{src: s, res: res, first: len(jobs)})
		jobs = append(jobs,
			calcJob{Path: res.Path, Password: &pass},
			calcJob{Path: res.Path, Password: &wrong},
			calcJob{Path: res.Path, Password: none},
		)
		if s.want == nil {
			// The source as Calc shows it: an ODS as displayed text, an
			// XLSX as typed cells.
			jobs = append(jobs, calcJob{Path: in, Display: res.Format == "ods"})
		}
	}
	results := readInCalc(t, jobs)
	for _, c := range checks {
		got, bad, missing := results[c.first], results[c.first+1], results[c.first+2]
		require.Empty(t, got.Error, c.src.name)
		require.Equal(t, "Calc MS Excel 2007 XML", got.Filter, c.src.name)
		require.NotEmpty(t, bad.Error, "%s opened with a wrong passphrase", c.src.name)
		require.NotEmpty(t, missing.Error, "%s opened without a passphrase", c.src.name)
		var source calcResult
		if c.src.want == nil {
			source = results[c.first+3]
			require.Empty(t, source.Error, c.src.name)
		}

		if c.src.want != nil {
			require.Len(t, got.Sheets, 1, c.src.name)
			require.Equal(t, c.src.want, got.Sheets[0].Rows, c.src.name)
		}
		switch c.res.Format {
		case "ods":
			// Every cell reads back as the text Calc shows for the source,
			// and as text, never a number.
			require.Equal(t, source.Sheets, got.Sheets, c.src.name)
		case "xlsx":
			// An XLSX travels as it is: Calc reads the same typed cells
			// from the encrypted file as from the source.
			require.Equal(t, source.Sheets, got.Sheets, c.src.name)
			require.Equal(t, float64(42), got.Sheets[0].Rows[1][2], "a number stays a number")
			require.Equal(t, "00123", got.Sheets[0].Rows[1][0])
		}
		if c.src.name == "big.xlsx" {
			// The package needed DIFAT sectors: more than the header's 109
			// FAT sectors.
			f, err := os.ReadFile(c.res.Path)
			require.NoError(t, err)
			require.Positive(t, binary.LittleEndian.Uint32(f[0x48:]), "DIFAT sectors in %s", c.src.name)
		}
	}

	t.Logf("LibreOffice round trip of %d workbooks (%d opens) took %v", len(checks), len(jobs), time.Since(start).Round(time.Millisecond))
}

// writeBigXLSX writes a workbook of over 7 MiB: the small workbook of
// writeXLSX with 8 MiB of random bytes stored in a part nothing refers
// to. Encrypted, it needs more FAT sectors than a compound file's header
// lists, so a reader must follow the DIFAT.
func writeBigXLSX(t *testing.T, path string) {
	t.Helper()
	writeXLSX(t, path)
	small, err := os.ReadFile(path)
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(small), int64(len(small)))
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		require.NoError(t, zw.Copy(f))
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/padding.bin", Method: zip.Store})
	require.NoError(t, err)
	padding := make([]byte, 8<<20)
	_, err = rand.Read(padding)
	require.NoError(t, err)
	_, err = w.Write(padding)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// msoffcrypto-tool, a third implementation of [MS-OFFCRYPTO], decrypts
// the workbooks with the passphrase after checking the data integrity HMAC
// and the password verifier, and refuses a wrong passphrase.
func TestMsoffcryptoRoundTrip(t *testing.T) {
	t.Parallel()
	pythonWith(t, "msoffcrypto-tool (Debian package python3-msoffcrypto-tool)", "msoffcrypto")
	dir := t.TempDir()
	in := filepath.Join(dir, "members.csv")
	require.NoError(t, os.WriteFile(in, []byte(csvText(memberRows, ",")), 0o644))
	res, err := Protect(t.Context(), in, Options{})
	require.NoError(t, err)
	file, err := os.ReadFile(res.Path)
	require.NoError(t, err)
	pkg, err := decryptAgile(t, file, res.Passphrase)
	require.NoError(t, err)

	const script = `
import sys, msoffcrypto
f = msoffcrypto.OfficeFile(open(sys.argv[1], "rb"))
f.load_key(password=sys.argv[2], verify_password=True)
with open(sys.argv[3], "wb") as out:
    f.decrypt(out, verify_integrity=True)
`
	out := filepath.Join(dir, "plain.xlsx")
	b, err := exec.CommandContext(t.Context(), unoPython, "-c", script, res.Path, res.Passphrase, out).CombinedOutput()
	require.NoError(t, err, "%s", b)
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, pkg, got)

	b, err = exec.CommandContext(t.Context(), unoPython, "-c", script, res.Path, "wrong-passphrase", out+"2").CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(b), "InvalidKeyError")
}
