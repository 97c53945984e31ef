package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScanExitCodesAndJSON(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := run([]string{"scan", "../../testdata/sample", "--json"}, &out, &errb)
	require.Equal(t, exitFound, code, errb.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 7)
	verdicts := map[string]string{}
	for _, l := range lines {
		var v struct {
			Path, Verdict, Format, Reason string
			Records                       int
			Signals                       []string
		}
		require.NoError(t, json.Unmarshal([]byte(l), &v), l)
		require.NotNil(t, v.Signals)
		verdicts[filepath.Base(v.Path)] = v.Verdict
	}
	require.Equal(t, map[string]string{
		"Members (3).csv": "personal", "Membership list (encrypted).xlsx": "encrypted", "Ward 3 walk sheet.xlsx": "personal",
		"aelodau.ods": "personal", "full_register_AB_tab": "personal", "letter_footpath.txt": "clean",
		"polling_station_export.csv": "clean",
	}, verdicts)

	out.Reset()
	require.Equal(t, exitOK, run([]string{"scan", "../../testdata/sample/letter_footpath.txt"}, &out, &errb))
	require.Contains(t, out.String(), "clean")
}

func TestUsageAndConfigErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("retention:\n  personal: soon\n"), 0o600))
	// A config anyone may edit must not steer a root daemon.
	open := filepath.Join(t.TempDir(), "open.yaml")
	require.NoError(t, os.WriteFile(open, []byte("version: 1\n"), 0o600))
	require.NoError(t, os.Chmod(open, 0o666))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"scan"}, "name at least one file or folder"},
		{[]string{"scan", "--bogus", "x"}, "unknown flag --bogus"},
		{[]string{"scan", "--config"}, "needs a value"},
		{[]string{"scan", "--config", bad, "."}, `retention.personal (line 2): "soon" is not a duration`},
		{[]string{"scan", "--config", filepath.Join(t.TempDir(), "missing.yaml"), "."}, "reading config"},
		{[]string{"run", "--config", open}, "writable by everyone (mode 0666); fix it with: sudo chown root"},
		{[]string{"protect"}, "name one file to encrypt"},
	} {
		var out, errb bytes.Buffer
		require.Equal(t, exitUsage, run(tc.args, &out, &errb), "%v", tc.args)
		require.Contains(t, errb.String(), tc.want, "%v", tc.args)
		if tc.args != nil {
			require.Equal(t, 1, strings.Count(errb.String(), "\n"), "one line: %q", errb.String())
		}
	}
}

func TestParseFlagsAnywhere(t *testing.T) {
	t.Parallel()
	fl, pos, err := parseFlags("scan", []string{"a", "--json", "--config=x.yaml", "b", "--", "--json"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"json": "true", "config": "x.yaml"}, fl)
	require.Equal(t, []string{"a", "b", "--json"}, pos)
	_, _, err = parseFlags("scan", []string{"--json=yes"})
	require.Error(t, err)
}

// TestProtectThenScan is the newcomer's path: protect an export, and the
// result is what scan calls encrypted; the original is untouched.
func TestProtectThenScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/sample/Members (3).csv")
	require.NoError(t, err)
	in := filepath.Join(dir, "members.csv")
	require.NoError(t, os.WriteFile(in, src, 0o600))

	var out, errb bytes.Buffer
	require.Equal(t, exitOK, run([]string{"protect", in}, &out, &errb), errb.String())
	protected := filepath.Join(dir, "members.protected.xlsx")
	require.Contains(t, out.String(), protected)
	require.Contains(t, out.String(), "never by e-mail")
	require.Contains(t, out.String(), "Download – Use – Delete")
	lines := strings.Split(out.String(), "\n")
	var pass string
	for i, l := range lines {
		if strings.HasPrefix(l, "Password, for this file only") {
			pass = strings.TrimSpace(lines[i+2])
		}
	}
	require.Len(t, strings.Split(pass, "-"), 6, "six words: %q", pass)

	out.Reset()
	require.Equal(t, exitOK, run([]string{"scan", protected}, &out, &errb), out.String())
	require.True(t, strings.HasPrefix(out.String(), "encrypted"), out.String())
	kept, err := os.ReadFile(in)
	require.NoError(t, err)
	require.Equal(t, src, kept, "the original is left as it was")

	// Again: a new name and a new password; an --out that exists is refused.
	out.Reset()
	require.Equal(t, exitOK, run([]string{"protect", in}, &out, &errb), errb.String())
	require.NotContains(t, out.String(), pass)
	require.FileExists(t, filepath.Join(dir, "members.protected-2.xlsx"))
	errb.Reset()
	require.Equal(t, exitFound, run([]string{"protect", in, "--out", protected}, &out, &errb))
	require.Contains(t, errb.String(), "already exists")
	require.Equal(t, exitUsage, run([]string{"protect"}, &out, &errb))
}
