package fde

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/")

// golden compares v, as indented JSON, with testdata/golden/<name>.json, or
// rewrites that file with -update.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	require.NoError(t, enc.Encode(v))
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", filepath.FromSlash(name)+".json")
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file: run go test -update")
	require.Equal(t, string(want), string(got), "differs from %s (go test -update rewrites it)", path)
}

// want is what a test insists on for one volume, whatever the golden file
// says: golden files are rewritten with -update, these are not.
type want struct {
	role   string
	state  State
	method string
}

// requireVolumes checks vols against wants by mount, and that there are no
// others.
func requireVolumes(t *testing.T, vols []Volume, wants map[string]want) {
	t.Helper()
	got := map[string]want{}
	for _, v := range vols {
		_, dup := got[v.Mount]
		require.False(t, dup, "volume %s reported twice", v.Mount)
		got[v.Mount] = want{v.Role, v.State, v.Method}
		switch v.State {
		case NotEncrypted:
			require.NotEmpty(t, v.Fix, "%s: not encrypted needs a Fix", v.Mount)
		case Unknown:
			require.NotEmpty(t, v.Reason, "%s: unknown needs a Reason", v.Mount)
		}
	}
	require.Equal(t, wants, got)
}

func TestCompliant(t *testing.T) {
	t.Parallel()
	require.False(t, Compliant(nil))
	require.True(t, Compliant([]Volume{{State: Encrypted}, {State: Encrypted}}))
	require.False(t, Compliant([]Volume{{State: Encrypted}, {State: Suspended}}))
	require.False(t, Compliant([]Volume{{State: InProgress}}))
}

func TestSortVolumes(t *testing.T) {
	t.Parallel()
	vols := []Volume{{Mount: "/srv", Role: RoleData}, {Mount: "/home/b", Role: RoleHome}, {Mount: "/data", Role: RoleData}, {Mount: "/", Role: RoleSystem}, {Mount: "/home/a", Role: RoleHome}}
	sortVolumes(vols)
	var order []string
	for _, v := range vols {
		order = append(order, v.Mount)
	}
	require.Equal(t, []string{"/", "/home/a", "/home/b", "/data", "/srv"}, order)
}

// fakeRun answers from a table of recorded output, keyed by the command
// line; anything else fails as a missing program would.
func fakeRun(outputs map[string]string, fails map[string]error) func(context.Context, string, ...string) ([]byte, error) {
	return func(ctx context.Context, name string, args ...string) ([]byte, error) {
		key := name
		for _, a := range args {
			key += " " + a
		}
		if err, ok := fails[name]; ok {
			return nil, err
		}
		if out, ok := outputs[key]; ok {
			return []byte(out), nil
		}
		return nil, errors.New(key + ": no recorded output")
	}
}
